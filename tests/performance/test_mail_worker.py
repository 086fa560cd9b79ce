"""The mail worker keeps up with a backlog: one SMTP connection per pass, and no pause
between passes while mail is waiting."""
from app.extensions import db
from app.mail import queue
from app.mail.sender import PASS_SIZE


def _queue(app, count):
    with app.app_context():
        for k in range(count):
            queue(f"klant{k}@example.org", f"Bericht {k}", "text")
        db.session.commit()


def test_a_pass_sends_every_mail_over_one_smtp_connection(app, smtp_server, deliver):
    greetings = []
    original = smtp_server.handler.__class__

    class Counting(original):
        async def handle_EHLO(self, server, session, envelope, hostname, responses):
            greetings.append(hostname)
            session.host_name = hostname
            return responses

    smtp_server.handler.__class__ = Counting
    _queue(app, 12)
    assert deliver() == (12, 0)
    assert len(smtp_server.messages) == 12
    assert len(greetings) == 1  # one connection, not one per mail


def test_the_worker_does_not_pause_while_a_backlog_waits(app, smtp_server, monkeypatch):
    from app.mail import cli

    pauses = []
    monkeypatch.setattr(cli.time, "sleep", pauses.append)
    _queue(app, PASS_SIZE + 5)
    result = app.test_cli_runner().invoke(
        args=["mail", "worker", "--passes", "3", "--interval", "5"])
    assert result.exit_code == 0, result.output
    assert len(smtp_server.messages) == PASS_SIZE + 5
    # pass 1 was full (no pause), pass 2 sent the rest (pause), pass 3 found nothing.
    assert pauses == [5.0]
