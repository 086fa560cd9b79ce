import click
from flask.cli import AppGroup

from ..extensions import db
from .index import reindex

search_cli = AppGroup("search", help="The search index.")


@search_cli.command("reindex")
@click.option("--kind", multiple=True, help="Only this kind of record (repeatable).")
def reindex_command(kind):
    """Rebuild the search text of every record (after a bulk load or an upgrade)."""
    for name, count in reindex(db.session, kinds=set(kind) or None).items():
        click.echo(f"{name}: {count}")
