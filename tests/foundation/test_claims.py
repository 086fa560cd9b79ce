"""The one claim used by the outbox and the scheduled jobs: workers take disjoint
batches, a lease that ran out (a killed worker) frees the rows again, and a worker whose
claim was taken over cannot record an outcome. On SQLite and, with TEST_DATABASE_URL,
on PostgreSQL (SKIP LOCKED)."""
import socket
import threading
from datetime import timedelta

from sqlalchemy import select, update

from app import claims, jobs
from app.database import utcnow
from app.extensions import db
from app.jobs.models import JobRun, JobState
from app.mail import queue
from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.sender import _claim_batch, _record_sent


def _queue(app, count):
    with app.app_context():
        for n in range(count):
            queue(f"klant{n}@example.org", f"Bericht {n}", "text")
        db.session.commit()


def _rows(app):
    with app.app_context():
        return {m.subject: (m.status, m.attempts) for m in db.session.scalars(
            select(OutboxMessage).order_by(OutboxMessage.id))}


def _pending(now):
    return [OutboxMessage.status == OutboxStatus.PENDING]


def test_four_workers_claiming_at_once_take_disjoint_batches(app):
    _queue(app, 40)
    barrier = threading.Barrier(4)
    taken, errors = [], []

    def worker():
        try:
            with app.app_context():
                barrier.wait()
                while True:
                    _token, ids = claims.claim(
                        OutboxMessage, _pending(utcnow()), limit=3, lease=timedelta(minutes=1),
                        values={"status": OutboxStatus.SENDING})
                    if not ids:
                        break
                    taken.extend(ids)
                db.session.remove()
        except Exception as exc:  # shown by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert len(taken) == 40 and len(set(taken)) == 40  # every row once, none twice


def test_a_lease_that_ran_out_frees_the_row_and_the_late_worker_records_nothing(app):
    _queue(app, 1)
    with app.app_context():
        due = [claims.unclaimed_or_abandoned(OutboxMessage, utcnow())]
        first, [key] = claims.claim(OutboxMessage, due, limit=5, lease=timedelta(minutes=1))
        # held: nobody else gets it
        assert claims.claim(OutboxMessage, [claims.unclaimed_or_abandoned(
            OutboxMessage, utcnow())], limit=5, lease=timedelta(minutes=1))[1] == []
        # the first worker is killed; its lease runs out
        db.session.execute(update(OutboxMessage).values(
            lease_until=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        second, ids = claims.claim(OutboxMessage, [claims.unclaimed_or_abandoned(
            OutboxMessage, utcnow())], limit=5, lease=timedelta(minutes=1))
        assert ids == [key] and second != first
        assert claims.finish(OutboxMessage, key, first, {"subject": "late"}) is False
        assert claims.finish(OutboxMessage, key, second, {"subject": "owner"}) is True
        row = db.session.get(OutboxMessage, key)
        assert (row.subject, row.claim_token, row.lease_until) == ("owner", None, None)


def test_a_sender_whose_lease_was_taken_over_does_not_mark_the_mail_again(
        app, smtp_server, deliver):
    _queue(app, 1)
    with app.app_context():
        token, _lease_end, [row] = _claim_batch(10, 0)
        # the sender hangs past its lease; another sender takes the mail over and sends it
        db.session.execute(update(OutboxMessage).values(
            lease_until=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert deliver() == (1, 0)
    with app.app_context():
        sent_at = db.session.scalar(select(OutboxMessage.sent_at))
        assert _record_sent(row, token) is False  # the late sender comes back
        assert db.session.scalar(select(OutboxMessage.sent_at)) == sent_at
    assert _rows(app) == {"Bericht 0": ("sent", 2)}
    assert len(smtp_server.messages) == 1


def test_smtp_down_hands_the_rest_of_the_batch_back_without_counting_an_attempt(
        app, smtp_server, deliver):
    _queue(app, 3)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    app.config["MAIL_PORT"] = app.extensions["mail"].port = closed
    assert deliver() == (0, 1)  # one connection refused, not three
    assert _rows(app) == {"Bericht 0": ("pending", 1), "Bericht 1": ("pending", 0),
                          "Bericht 2": ("pending", 0)}
    app.config["MAIL_PORT"] = app.extensions["mail"].port = smtp_server.port
    assert deliver() == (3, 0)
    assert sorted(m["Subject"] for m in smtp_server.messages) == [
        "Bericht 0", "Bericht 1", "Bericht 2"]


def test_a_job_still_running_is_not_started_again_until_its_lease_runs_out(app):
    saved = dict(app.extensions.get("jobs", {}))
    app.extensions["jobs"] = {}
    calls = []
    jobs.register(app, "demo.slow", lambda now: calls.append(now), every=timedelta(minutes=1))
    try:
        with app.app_context():
            jobs.run_due()
            state = db.session.get(JobState, "demo.slow")
            # a worker claimed the next run and is still busy (or was killed) ...
            later = utcnow() + timedelta(minutes=2)
            token = jobs.claim("demo.slow", state.run_count, later, later)
            assert token is not None
            db.session.expire_all()
            assert jobs.run_due(later + timedelta(minutes=5)) == []  # ... so not again
            # ... killed: its lease runs out, and the job is due again
            db.session.execute(update(JobState).values(
                lease_until=utcnow() - timedelta(seconds=1)))
            db.session.commit()
            assert jobs.run_due(later + timedelta(minutes=5)) == [("demo.slow", "ok", None)]
            assert db.session.scalar(select(JobState.claim_token)) is None
            assert [r.sequence for r in db.session.scalars(
                select(JobRun).order_by(JobRun.id))] == [1, 3]
    finally:
        app.extensions["jobs"] = saved
    assert len(calls) == 2


def test_a_short_lease_still_sends_the_whole_batch(app, smtp_server, deliver):
    """The margin kept before a lease ends is a share of the lease, so a short lease
    (as the scale proof sets) does not hand every mail back untried."""
    app.config["OUTBOX_LEASE_SECONDS"] = 4
    try:
        _queue(app, 3)
        assert deliver() == (3, 0)
    finally:
        app.config["OUTBOX_LEASE_SECONDS"] = 600
    assert _rows(app) == {f"Bericht {n}": ("sent", 1) for n in range(3)}
