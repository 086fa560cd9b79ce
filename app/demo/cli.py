import click
from flask.cli import AppGroup

from ..audit import acting_as
from ..extensions import db
from .users import load_users

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("load")
def load():
    """Load demo users and data for every screen (idempotent)."""
    from ..faults import demo as faults_demo
    from ..service_requests import demo as service_requests_demo

    with acting_as("system", "demogegevens"):
        users = load_users()
        service_requests_demo.load()
        faults_demo.load()
        db.session.commit()
    click.echo("Demo users (username / role / password):")
    for username, role, password in users:
        click.echo(f"  {username:<14} {role:<16} {password}")
