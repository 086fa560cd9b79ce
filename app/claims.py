"""Claiming work rows for one worker among many: the outbox and the scheduled jobs.

A claim marks rows with a lease (`lease_until`) and a random `claim_token`, committed
before any work starts:
- PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED LIMIT n`, then the UPDATE, in one
  transaction: N workers take disjoint batches without waiting on each other.
- SQLite: one conditional `UPDATE … WHERE <due> … RETURNING`; SQLite runs one writer
  at a time, so the condition is checked and the row marked in one step.
A row whose lease ran out (its worker was killed) is due again: `due` must say so.

`finish` records the outcome only while the claim is still this worker's (same token),
in the transaction that checks it: a late worker whose lease was taken over changes
nothing and hears so.
"""
import secrets
from datetime import timedelta

from sqlalchemy import or_, select, text, update

from .database import utcnow
from .extensions import db


def unclaimed_or_abandoned(model, now):
    """No live lease on the row: never claimed, finished, or its lease ran out."""
    return or_(model.lease_until.is_(None), model.lease_until < now)


def claim(model, due, *, limit, lease, values=None, order_by=None, now=None):
    """Claim up to `limit` rows of `model` matching the `due` conditions for `lease`
    (a timedelta). Sets `values` on them too. Commits; returns (token, [primary keys])."""
    now = now or utcnow()
    token = secrets.token_hex(16)
    pk = model.__mapper__.primary_key[0]
    marks = {"lease_until": now + lease, "claim_token": token, **(values or {})}
    pick = select(pk).where(*due).order_by(*(order_by or [pk])).limit(limit)
    if db.engine.dialect.name == "postgresql":
        ids = list(db.session.scalars(pick.with_for_update(skip_locked=True)))
        if ids:
            db.session.execute(update(model).where(pk.in_(ids)).values(**marks)
                               .execution_options(synchronize_session=False))
    else:
        ids = list(db.session.scalars(
            update(model).where(pk.in_(pick.scalar_subquery()), *due).values(**marks)
            .returning(pk).execution_options(synchronize_session=False)))
    db.session.commit()
    return token, ids


def finish(model, key, token, values, commit=True, durable=True):
    """Set `values` on the claimed row `key` if `token` still holds it, and end the claim
    (lease and token cleared). True when recorded; False when the claim was lost.

    durable=False (PostgreSQL): the commit does not wait for the disk. A worker that
    dies after it still has the mark (the server has it); only a crash of the database
    server itself could lose the last fraction of a second of marks.
    """
    table = model.__table__  # a plain UPDATE: the ORM's bulk path costs more than the send
    pk = table.primary_key.columns[0]
    connection = db.session.connection()
    if not durable and connection.dialect.name == "postgresql":
        connection.execute(text("SET LOCAL synchronous_commit = off"))
    done = connection.execute(
        update(table).where(pk == key, table.c.claim_token == token)
        .values(lease_until=None, claim_token=None, **values)).rowcount == 1
    if commit:
        db.session.commit()
    return done


def still_held(lease_until, lease, now=None):
    """Is a lease (of length `lease`, ending at `lease_until`) still safely ours? A fifth
    of it, at most 5 seconds, is kept to spare for the work about to start."""
    margin = min(timedelta(seconds=5), lease / 5)
    return (now or utcnow()) + margin < lease_until
