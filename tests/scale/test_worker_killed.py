"""A mail worker killed with SIGKILL in the middle of a batch: its claimed mails wait for
their lease to run out, then another worker sends them; none is lost, none sent twice.

The kill lands while the SMTP server holds one mail before answering, so no mail sits
between the server's 250 and the worker's mark. (A kill in exactly that window, about
one database round trip, would send that one mail again with the same Message-ID: SMTP
cannot do better than at-least-once there; docs/operations.md says so.)
"""
import time

import pytest
from sqlalchemy import select

from app.database import utcnow
from app.extensions import db
from app.mail import queue
from app.mail.models import OutboxMessage, OutboxStatus
from tests.scale.stack import Processes, SmtpSink, process_env, write_figures

MAILS = 40
LEASE = 4

pytestmark = pytest.mark.scale


def _outbox(app):
    with app.app_context():
        rows = db.session.execute(select(
            OutboxMessage.message_id, OutboxMessage.status, OutboxMessage.attempts,
            OutboxMessage.claim_token, OutboxMessage.lease_until, OutboxMessage.sent_at)).all()
        db.session.remove()
        return rows


def test_a_worker_killed_mid_batch_loses_no_mail_and_sends_none_twice(
        app, scale_backends, tmp_path):
    database_url, redis_url = scale_backends
    with app.app_context():
        for n in range(MAILS):
            queue(f"klant{n}@example.org", f"Bericht {n}", "Uw aanvraag.")
        db.session.commit()
    sink = SmtpSink(hold_at=5)  # the 5th mail is held: the first worker dies waiting
    sink.start()
    env = process_env(app, database_url, redis_url, sink.port, tmp_path,
                      OUTBOX_LEASE_SECONDS=LEASE)
    processes = Processes(tmp_path)
    try:
        doomed = processes.mail_worker("doomed", env)
        assert sink.holding.wait(120), processes.log("doomed")
        processes.kill(doomed)
        at_kill = _outbox(app)
        orphaned = [m for m in at_kill if m.status == OutboxStatus.SENDING]
        assert orphaned, "the kill did not land mid-batch"
        assert all(m.claim_token and m.lease_until > utcnow() for m in orphaned)

        processes.mail_worker("rescuer", env)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            rows = _outbox(app)
            if all(m.status == OutboxStatus.SENT for m in rows):
                break
            time.sleep(0.3)
        rows = _outbox(app)
        received = sink.received()
        figures = {"mails": MAILS,
                   "sent_before_kill": sum(m.status == OutboxStatus.SENT for m in at_kill),
                   "orphaned_by_kill": len(orphaned), "received": len(received),
                   "duplicates": len(received) - len(set(received)),
                   "lost": len({m.message_id for m in rows} - set(received))}
        write_figures("scale-worker-killed", figures)

        assert {m.status for m in rows} == {OutboxStatus.SENT}, processes.log("rescuer")
        assert figures["duplicates"] == 0 and figures["lost"] == 0
        assert sorted(received) == sorted(m.message_id for m in rows)
        leases = {m.message_id: m.lease_until for m in orphaned}
        rescued = [m for m in rows if m.message_id in leases]
        # taken over only once the dead worker's lease ran out, tried once more
        assert all(m.sent_at >= leases[m.message_id] for m in rescued)
        assert {m.attempts for m in rescued} == {2}
    finally:
        processes.stop_all()
        sink.stop()
