import time

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from ..audit import acting_as
from ..extensions import db
from .sender import send_due, sending_enabled

mail_cli = AppGroup("mail", help="Mail outbox and inbound mail.")


@mail_cli.command("send")
def send_once():
    """Send every message that is due, once."""
    if not sending_enabled():
        click.echo("MAIL_SERVER is not set: messages stay in the Outbox screen.")
        return
    with acting_as("system", "mail sender"):
        sent, failed = send_due(limit=1000)
    click.echo(f"sent {sent}, failed {failed}")


@mail_cli.command("worker")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between passes.")
@click.option("--passes", default=0, help="Stop after this many passes (0: run forever).")
def worker(interval, passes):
    """Keep sending due messages until stopped."""
    if not sending_enabled():
        click.echo("MAIL_SERVER is not set: the worker idles; messages stay in the Outbox screen.")
    done = 0
    while True:
        try:
            with acting_as("system", "mail worker"):
                sent, failed = send_due()
        except SQLAlchemyError as exc:  # database restarting: wait and go on
            db.session.rollback()
            click.echo(f"database error, retrying: {exc}", err=True)
        else:
            if sent or failed:
                click.echo(f"sent {sent}, failed {failed}")
        finally:
            db.session.remove()
        done += 1
        if passes and done >= passes:
            return
        time.sleep(interval)

