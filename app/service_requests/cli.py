import click
from flask.cli import AppGroup

from ..extensions import db
from .clock_backfill import BATCH, backfill_due_dates

requests_cli = AppGroup("requests", help="Service requests.")


@requests_cli.command("backfill-due")
@click.option("--batch", default=BATCH, show_default=True, help="Requests per transaction.")
def backfill_due_command(batch):
    """Give every request without a due moment one (received + its target in working
    days); the upgrade does this once, run it again after loading old requests."""
    done = backfill_due_dates(db.session, batch, commit=True)
    db.session.commit()
    click.echo(f"due dates set: {done}")
