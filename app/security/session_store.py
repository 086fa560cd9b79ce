"""Where server-side sessions live: a table (the default) or Redis (REDIS_URL).

Both stores key a session by the SHA-256 of its id: the cookie's value is never kept,
so a copy of the table or of Redis opens no session. Each keeps the user id beside the
data, so all of one user's sessions can be ended at once (password set, deactivated).
"""
from datetime import timedelta

from flask_appbuilder.models.sqla import Model
from redis.exceptions import RedisError
from sqlalchemy import Column, Index, Integer, String, Text, delete, select, update
from sqlalchemy.exc import SQLAlchemyError

from ..database import UTCDateTime, utcnow
from ..extensions import db

# A store that cannot be reached (Redis down, the table or database gone) raises one of these.
STORE_ERRORS = (RedisError, SQLAlchemyError)


class WebSession(Model):
    """One signed-in (or anonymous, with a CSRF token) browser session."""

    __tablename__ = "web_session"
    __table_args__ = (Index("ix_web_session_user_id", "user_id"),
                      Index("ix_web_session_expires_at", "expires_at"))

    id = Column(String(64), primary_key=True)  # sha256 hex of the cookie's value
    user_id = Column(Integer)
    data = Column(Text, nullable=False)
    expires_at = Column(UTCDateTime(), nullable=False)


class DatabaseStore:
    """The one-host default (and several hosts on one PostgreSQL). Each call runs on a
    connection of its own, outside the request's transaction: a view that rolls back
    does not take the sign-in with it, and the session is written after the view."""

    table = WebSession.__table__

    def before_write(self):
        """The request is over when its session is saved, and what it left uncommitted is
        rolled back at teardown anyway (a refused form may have flushed): roll it back
        now, or on SQLite our write would wait for the request's own write lock."""
        db.session.rollback()

    def load(self, key):
        """(data, expires_at) or None; one SELECT by primary key."""
        with db.engine.connect() as conn:
            row = conn.execute(select(self.table.c.data, self.table.c.expires_at)
                               .where(self.table.c.id == key)).first()
        return None if row is None else (row.data, row.expires_at)

    def put(self, key, data, user_id, lifetime):
        expires_at = utcnow() + lifetime
        values = {"data": data, "user_id": user_id, "expires_at": expires_at}
        with db.engine.begin() as conn:
            if not conn.execute(update(self.table).where(self.table.c.id == key)
                                .values(**values)).rowcount:
                conn.execute(self.table.insert().values(id=key, **values))

    def delete(self, key):
        with db.engine.begin() as conn:
            conn.execute(delete(self.table).where(self.table.c.id == key))

    def delete_user(self, user_id, keep=None):
        statement = delete(self.table).where(self.table.c.user_id == user_id)
        if keep:
            statement = statement.where(self.table.c.id != keep)
        with db.engine.begin() as conn:
            return conn.execute(statement).rowcount

    def delete_expired(self, now):
        with db.engine.begin() as conn:
            return conn.execute(delete(self.table).where(self.table.c.expires_at <= now)).rowcount


class RedisStore:
    """Several processes and hosts: a hash per session that Redis expires itself, and a
    set per user of that user's session keys."""

    def __init__(self, client, prefix):
        self.client = client
        self.prefix = prefix

    def before_write(self):
        pass

    def _key(self, key):
        return f"{self.prefix}:session:{key}"

    def _user_key(self, user_id):
        return f"{self.prefix}:user-sessions:{user_id}"

    def load(self, key):
        data, ttl_ms = (self.client.pipeline().hget(self._key(key), "data")
                        .pttl(self._key(key)).execute())
        if data is None or ttl_ms is None or ttl_ms < 0:
            return None
        return data.decode(), utcnow() + timedelta(milliseconds=ttl_ms)

    def put(self, key, data, user_id, lifetime):
        seconds = int(lifetime.total_seconds())
        pipe = self.client.pipeline()
        pipe.hset(self._key(key), mapping={"data": data, "user": user_id or ""})
        pipe.expire(self._key(key), seconds)
        if user_id:
            pipe.sadd(self._user_key(user_id), key)
            pipe.expire(self._user_key(user_id), seconds)
        pipe.execute()

    def delete(self, key):
        self.client.delete(self._key(key))

    def delete_user(self, user_id, keep=None):
        members = {m.decode() for m in self.client.smembers(self._user_key(user_id))}
        ended = [m for m in members if m != keep]
        pipe = self.client.pipeline()
        for member in ended:
            pipe.delete(self._key(member))
            pipe.srem(self._user_key(user_id), member)
        pipe.execute()
        return len(ended)

    def delete_expired(self, now):
        return 0  # Redis expires them itself
