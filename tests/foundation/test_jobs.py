"""Scheduled jobs: a due job runs once per slot however many workers run, every run is
recorded, a failing job is recorded and does not stop the others, and the mail worker
loop runs them (no cron)."""
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app import jobs
from app.extensions import db
from app.jobs.models import JobRun, JobState

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture
def job_table(app):
    """Register jobs for one test only."""
    saved = dict(app.extensions.get("jobs", {}))
    app.extensions["jobs"] = {}
    yield lambda *args, **kwargs: jobs.register(app, *args, **kwargs)
    app.extensions["jobs"] = saved


def runs(app):
    with app.app_context():
        return [(r.job_name, r.sequence, r.status, r.result, r.error)
                for r in db.session.scalars(select(JobRun).order_by(JobRun.id))]


def test_a_due_job_runs_once_per_slot_and_every_run_is_recorded(app, job_table):
    calls = []
    job_table("demo.count", lambda now: calls.append(now) or len(calls),
              every=timedelta(minutes=15))
    with app.app_context():
        assert jobs.run_due(T0) == [("demo.count", "ok", 1)]
        assert jobs.run_due(T0 + timedelta(minutes=14)) == []  # not due yet
        assert jobs.run_due(T0 + timedelta(minutes=15)) == [("demo.count", "ok", 2)]
    assert calls == [T0, T0 + timedelta(minutes=15)]
    assert runs(app) == [("demo.count", 1, "ok", "1", None), ("demo.count", 2, "ok", "2", None)]


def test_two_workers_that_saw_the_same_due_job_run_it_once(app, job_table):
    job_table("demo.noop", lambda now: None, every=timedelta(hours=1))
    with app.app_context():
        jobs.run_due(T0)
        state = db.session.get(JobState, "demo.noop")
        seen = state.run_count
        later = T0 + timedelta(hours=2)
        # both read run_count = seen; the first claim wins, the second gets nothing
        assert jobs.claim("demo.noop", seen, later, later + timedelta(hours=1)) is not None
        assert jobs.claim("demo.noop", seen, later, later + timedelta(hours=1)) is None


def test_four_workers_at_once_run_a_due_job_exactly_once(app, job_table):
    calls = []
    lock = threading.Lock()

    def work(now):
        with lock:
            calls.append(now)

    job_table("demo.race", work, every=timedelta(hours=1))
    barrier = threading.Barrier(4)
    errors = []

    def worker():
        try:
            with app.app_context():
                barrier.wait()
                jobs.run_due(T0)
                db.session.remove()
        except Exception as exc:  # pragma: no cover - shown in the assert below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert len(calls) == 1
    assert [r[:3] for r in runs(app)] == [("demo.race", 1, "ok")]


def test_a_failing_job_is_recorded_rolled_back_and_the_others_still_run(app, job_table):
    from app.faults.models import Contractor

    def broken(now):
        db.session.add(Contractor(name="half done", email="x@example.org"))
        db.session.flush()
        raise RuntimeError("SMTP exploded")

    job_table("demo.broken", broken, every=timedelta(hours=1))
    job_table("demo.fine", lambda now: "ok then", every=timedelta(hours=1))
    with app.app_context():
        result = jobs.run_due(T0)
        assert result == [("demo.broken", "failed", None), ("demo.fine", "ok", "ok then")]
        assert db.session.scalars(select(Contractor)).all() == []  # its work rolled back
        # tried again at its next slot, not in a tight loop
        assert jobs.run_due(T0 + timedelta(minutes=1)) == []
    assert runs(app)[0][4] == "RuntimeError: SMTP exploded"


def test_a_daily_job_runs_at_its_local_time(app, job_table):
    job_table("demo.digest", lambda now: None, at="07:00")
    with app.app_context():
        # 09:00 UTC is 10:00 in Amsterdam: the first run is tomorrow 07:00 local (06:00 UTC)
        assert jobs.run_due(T0) == []
        assert jobs.run_due(datetime(2026, 12, 1, 5, 59, tzinfo=UTC)) == []
        assert jobs.run_due(datetime(2026, 12, 1, 6, 0, tzinfo=UTC)) == [
            ("demo.digest", "ok", None)]
        state = db.session.get(JobState, "demo.digest")
        assert state.next_run_at == datetime(2026, 12, 2, 6, 0, tzinfo=UTC)


def test_the_mail_worker_loop_runs_due_jobs_without_cron(app, job_table):
    calls = []
    job_table("demo.worker", lambda now: calls.append(now) or "ran", every=timedelta(hours=1))
    result = app.test_cli_runner().invoke(args=["mail", "worker", "--passes", "1",
                                                "--interval", "0"])
    assert result.exit_code == 0, result.output
    assert "job demo.worker: ok (ran)" in result.output
    assert len(calls) == 1


def test_flask_jobs_run_and_list(app, job_table):
    job_table("demo.cli", lambda now: 3, every=timedelta(minutes=5), description="demo job")
    cli = app.test_cli_runner()
    assert "demo.cli: ok (3)" in cli.invoke(args=["jobs", "run"]).output
    assert cli.invoke(args=["jobs", "run"]).output == ""  # not due again yet
    assert "demo.cli: ok (3)" in cli.invoke(args=["jobs", "run", "--job", "demo.cli",
                                                   "--force"]).output
    listing = cli.invoke(args=["jobs", "list"]).output
    assert "demo.cli" in listing and "demo job" in listing
    assert cli.invoke(args=["jobs", "run", "--job", "nope"]).exit_code != 0


def test_a_job_name_registered_twice_is_refused(app, job_table):
    job_table("demo.once", lambda now: None, every=timedelta(hours=1))
    with pytest.raises(ValueError):
        job_table("demo.once", lambda now: None, every=timedelta(hours=1))
    with pytest.raises(ValueError):
        job_table("demo.neither", lambda now: None)
