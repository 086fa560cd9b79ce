"""Links without an account: /wo/<token> (contractor), /r/<token> (reporter),
/c/<token> (contractor's answer to a complaint).

A token is HMAC-SHA256(SECRET_KEY, kind + a random 128-bit salt), 256 bits,
URL-safe. The database keeps the salt and the token's SHA-256 hash, never the
token: a copy of the database alone opens no page. Because the token can be
recomputed from salt + SECRET_KEY, later mails (rating link, re-sent order)
carry the same link the recipient already has. Revoking clears both columns;
renewing draws a new salt, so every earlier link stops working. Rotating
SECRET_KEY invalidates all links (they can be renewed).
"""
import base64
import hashlib
import hmac
import secrets

from flask import current_app

from ..extensions import db

KINDS = {"FaultReport": "reporter", "WorkOrder": "contractor", "Complaint": "complaint"}
MAX_TOKEN_LENGTH = 100


def _compute(kind, salt):
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"faults:{kind}:{salt}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def _kind(obj):
    return KINDS[type(obj).__name__]


def issue(obj):
    """Give `obj` a new link (any earlier one stops working); returns the token."""
    obj.token_salt = secrets.token_hex(16)
    token = _compute(_kind(obj), obj.token_salt)
    obj.token_hash = _hash(token)
    return token


def token_for(obj):
    """The current token of `obj`, or None when its link is revoked."""
    if not obj.token_salt or not obj.token_hash:
        return None
    token = _compute(_kind(obj), obj.token_salt)
    return token if hmac.compare_digest(_hash(token), obj.token_hash) else None


def revoke(obj):
    obj.token_salt = None
    obj.token_hash = None


def find(model, token):
    """The row whose link is `token`, or None (wrong, revoked, malformed)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return db.session.query(model).filter(model.token_hash == _hash(token)).one_or_none()


def url(path, obj):
    """Absolute link for mails: PUBLIC_BASE_URL + path + token."""
    token = token_for(obj)
    if token is None:
        return None
    return f"{current_app.config['PUBLIC_BASE_URL']}{path}{token}"
