"""Human-readable numbers (order numbers, report numbers): one counter row per series.

`next_value()` bumps the row in one upsert with RETURNING. On PostgreSQL the row
stays locked until the calling transaction ends, so two transactions never get
the same value, and a rollback gives its number back instead of leaving a gap.
"""
from flask_appbuilder.models.sqla import Model
from sqlalchemy import Column, Integer, String
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert


class NumberSeries(Model):
    __tablename__ = "number_series"

    name = Column(String(64), primary_key=True)  # e.g. "service_request:2026", "work_order"
    value = Column(Integer, nullable=False, default=0)


def next_value(session, series):
    """The next value (1, 2, 3 …) of `series`, inside the caller's transaction."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = NumberSeries.__table__
    statement = (
        insert(table).values(name=series, value=1)
        .on_conflict_do_update(index_elements=[table.c.name], set_={"value": table.c.value + 1})
        .returning(table.c.value)
    )
    return session.execute(statement).scalar_one()
