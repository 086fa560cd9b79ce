import time

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from ..audit import acting_as
from ..extensions import db
from ..files import process_pending
from .sender import PASS_SIZE, send_due, sending_enabled

mail_cli = AppGroup("mail", help="Mail outbox and inbound mail.")


@mail_cli.command("send")
def send_once():
    """Send every message that is due, once."""
    if not sending_enabled():
        click.echo("MAIL_SERVER is not set: messages stay in the Outbox screen.")
        return
    with acting_as("system", "mail sender"):
        process_pending(limit=1000)
        sent, failed = send_due(limit=1000)
    click.echo(f"sent {sent}, failed {failed}")


@mail_cli.command("worker")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between passes.")
@click.option("--passes", default=0, help="Stop after this many passes (0: run forever).")
def worker(interval, passes):
    """Keep sending due messages, re-encoding the pictures waiting in quarantine and running
    the scheduled jobs that are due, until stopped."""
    from ..jobs import run_due

    if not sending_enabled():
        click.echo("MAIL_SERVER is not set: nothing is sent (messages stay in the Outbox "
                   "screen); scheduled jobs still run.")
    done = 0
    while True:
        try:
            for name, status, result in run_due():
                click.echo(f"job {name}: {status}" + (f" ({result})" if result is not None else ""))
            with acting_as("system", "mail worker"):
                # Pictures uploaded in quarantine first: a mail may show them.
                processed = sum(process_pending())
                sent, failed = send_due()
        except SQLAlchemyError as exc:  # database restarting: wait and go on
            db.session.rollback()
            click.echo(f"database error, retrying: {exc}", err=True)
            sent = failed = processed = 0
        else:
            if sent or failed:
                click.echo(f"sent {sent}, failed {failed}")
        finally:
            db.session.remove()
        done += 1
        if passes and done >= passes:
            return
        if sent + failed < PASS_SIZE and not processed:  # a backlog: go on at once
            time.sleep(interval)


EX_DATAERR = 65  # sysexits.h: the input is bad; the MTA bounces it, no retry
EX_TEMPFAIL = 75  # sysexits.h: the MTA keeps the message and retries


def _temporary(exc):
    """Only what a retry can cure: the database locked, restarting or unreachable."""
    from sqlalchemy.exc import InterfaceError, OperationalError

    from .inbound import TemporaryFailure

    return isinstance(exc, TemporaryFailure | OperationalError | InterfaceError | TimeoutError)


@mail_cli.command("receive")
def receive():
    """File one message read from stdin (an MTA pipe). Exit 0 when stored (an unreadable
    message is kept for review) or a duplicate; 75 on a temporary failure (database
    locked or down) so the MTA retries; 65 for input that no retry can make right."""
    import sys

    from flask import current_app
    from sqlalchemy import text

    from ..extensions import db
    from ..security.redact import redact
    from .inbound import dispatch

    raw = sys.stdin.buffer.read()
    if not raw.strip():
        click.echo("empty input: not a message", err=True)
        sys.exit(EX_DATAERR)
    try:
        if db.engine.dialect.name == "postgresql":
            # A locked table must not hang the MTA's pipe: give up, exit 75, retried later.
            # SET LOCAL lasts for the transaction the handler works (and commits) in.
            ms = int(current_app.config.get("MAIL_RECEIVE_LOCK_TIMEOUT_MS", 10000))
            db.session.execute(text(f"SET LOCAL lock_timeout = {ms}"))
        with acting_as("system", "inbound mail"):
            statuses = dispatch(current_app, raw)
    except Exception as exc:
        db.session.rollback()
        reason = redact(f"{type(exc).__name__}: {exc}")
        if _temporary(exc):
            click.echo(f"temporary failure, try again later: {reason}", err=True)
            sys.exit(EX_TEMPFAIL)
        # Retrying would fail the same way until the MTA gives up (a poison message):
        # refuse it now, so the sender hears of it.
        current_app.logger.exception("inbound mail refused")
        click.echo(f"refused, not retried: {reason}", err=True)
        sys.exit(EX_DATAERR)
    if not statuses:
        click.echo("no handler registered: try again later", err=True)
        sys.exit(EX_TEMPFAIL)
    click.echo(", ".join(statuses))
