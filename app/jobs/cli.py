import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..extensions import db
from ..formatting import format_datetime
from .models import JobState
from .registry import registered
from .runner import run_due

jobs_cli = AppGroup("jobs", help="Scheduled jobs (the mail worker runs them too).")


@jobs_cli.command("run")
@click.option("--job", "only", default=None, help="Only this job.")
@click.option("--force", is_flag=True, help="Run it even if it is not due yet.")
def run(only, force):
    """Run the jobs that are due, once."""
    if only and only not in registered():
        raise click.BadParameter(f"no job named {only!r}", param_hint="--job")
    for name, status, result in run_due(only=only, force=force):
        click.echo(f"{name}: {status}" + (f" ({result})" if result is not None else ""))


@jobs_cli.command("list")
def list_jobs():
    """Every registered job and when it runs next."""
    states = {s.name: s for s in db.session.scalars(select(JobState))}
    for name, job in sorted(registered().items()):
        state = states.get(name)
        when = format_datetime(state.next_run_at) if state else "-"
        schedule = f"every {job.every}" if job.every else f"daily at {job.at:%H:%M}"
        click.echo(f"{name}\t{schedule}\tnext: {when}\t{job.description}")
