import click
from flask.cli import AppGroup

from .sync import sync_roles

roles_cli = AppGroup("roles", help="Roles and permissions.")


@roles_cli.command("sync")
@click.option("--prune", is_flag=True, help="Also remove permissions not in the table.")
def sync(prune):
    """Create all permissions and write the roles table (idempotent)."""
    report, unknown = sync_roles(prune=prune)
    for role, (added, removed) in report.items():
        click.echo(f"{role}: +{added} -{removed}")
    for role, action, resource in unknown:
        click.echo(f"warning: {role}: no permission {action} on {resource}", err=True)


@roles_cli.command("grant-database-role")
@click.argument("role")
def grant_database_role(role):
    """PostgreSQL: let the database role the app runs as read and write every table but
    only read and add to audit_entry. Run as the owner (who runs the migrations), after
    `flask db upgrade`."""
    from .database_role import grant_app_role

    for statement in grant_app_role(role):
        click.echo(statement)
