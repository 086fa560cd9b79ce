"""Issue, find, renew and revoke link tokens (see the package docstring)."""
import base64
import hashlib
import hmac
import secrets

from flask import current_app
from sqlalchemy import or_, select, update

from ..database import utcnow
from ..extensions import db
from .models import LinkToken

MAX_TOKEN_LENGTH = 100


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def _derive(purpose, salt):
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"{purpose}:{salt}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _subject(obj):
    if obj.id is None:  # a record made in this transaction: give it its id now
        db.session.add(obj)
        db.session.flush()
    return type(obj).__name__, obj.id


def _active(query):
    now = utcnow()
    return query.where(LinkToken.revoked_at.is_(None),
                       or_(LinkToken.expires_at.is_(None), LinkToken.expires_at > now))


def issue(purpose, obj, *, recoverable=False, expires_in=None, replace=False):
    """A new token for `obj` (in the caller's transaction); returns the token.

    replace=True: the purpose's earlier tokens of `obj` stop working (a renewal).
    expires_in: a timedelta after which the link opens nothing.
    """
    if replace:
        revoke(purpose, obj)
    subject_type, subject_id = _subject(obj)
    salt = secrets.token_hex(16) if recoverable else None
    token = _derive(purpose, salt) if recoverable else secrets.token_hex(16)
    db.session.add(LinkToken(
        purpose=purpose, subject_type=subject_type, subject_id=subject_id,
        token_hash=_hash(token), salt=salt,
        expires_at=utcnow() + expires_in if expires_in is not None else None))
    return token


def renew(purpose, obj, **options):
    """Revoke the purpose's tokens of `obj` and issue a new one."""
    return issue(purpose, obj, replace=True, **options)


def revoke(purpose, obj):
    """Every link of this purpose to `obj` stops working."""
    subject_type, subject_id = _subject(obj)
    db.session.execute(update(LinkToken).where(
        LinkToken.purpose == purpose, LinkToken.subject_type == subject_type,
        LinkToken.subject_id == subject_id, LinkToken.revoked_at.is_(None),
    ).values(revoked_at=utcnow()))


def _current(purpose, obj):
    subject_type, subject_id = _subject(obj)
    return db.session.scalars(_active(select(LinkToken).where(
        LinkToken.purpose == purpose, LinkToken.subject_type == subject_type,
        LinkToken.subject_id == subject_id)).order_by(LinkToken.id.desc())).first()


def token_for(purpose, obj):
    """The newest working recoverable token of `obj`, or None (revoked, expired, none)."""
    row = _current(purpose, obj)
    if row is None or row.salt is None:
        return None
    token = _derive(purpose, row.salt)
    return token if hmac.compare_digest(_hash(token), row.token_hash) else None


def current(purpose, obj):
    """The newest working link row of `obj` (its created_at and expires_at, for "link valid
    until" on a back-office page), or None. Never the token itself."""
    return _current(purpose, obj)


def is_active(purpose, obj):
    """Whether `obj` has a working link of this purpose (for "no working link" badges)."""
    return _current(purpose, obj) is not None


def find(purpose, token, model):
    """The `model` row a working token of `purpose` opens, or None (wrong, revoked,
    expired, malformed)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    row = db.session.scalars(_active(select(LinkToken).where(
        LinkToken.token_hash == _hash(token), LinkToken.purpose == purpose,
        LinkToken.subject_type == model.__name__))).first()
    return db.session.get(model, row.subject_id) if row is not None else None
