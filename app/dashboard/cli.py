from datetime import date

import click
from flask.cli import AppGroup

from ..extensions import db
from .daily import rebuild

dashboard_cli = AppGroup("dashboard", help="The dashboards' per-day counts.")


@dashboard_cli.command("rebuild")
@click.option("--since", default=None, help="First day (YYYY-MM-DD); default: from the "
              "oldest record when nothing was built yet, else the last days.")
@click.option("--all", "everything", is_flag=True, help="From the oldest record.")
def rebuild_command(since, everything):
    """Write the closed days' counts (after an upgrade, an import or a new measure)."""
    first = date.fromisoformat(since) if since else (date(1970, 1, 1) if everything else None)
    for domain, days in rebuild(db.session, since=first, commit=True).items():
        click.echo(f"{domain}: {days} days")
    db.session.commit()
