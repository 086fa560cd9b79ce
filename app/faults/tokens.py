"""This domain's links, on the shared token service (app/tokens): /wo/<token> (contractor),
/r/<token> (reporter), /c/<token> (contractor's answer to a complaint).

The links are recoverable (derived from a salt and SECRET_KEY, only the hash stored), so
later mails (rating link, re-sent order) carry the link the recipient already has;
issuing a new one turns the earlier one off.
"""
from flask import current_app

from .. import tokens

PURPOSES = {"FaultReport": "faults:reporter", "WorkOrder": "faults:contractor",
            "Complaint": "faults:complaint"}


def _purpose(obj_or_model):
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    return PURPOSES[model.__name__]


def issue(obj):
    """Give `obj` a new link (any earlier one stops working); returns the token."""
    return tokens.renew(_purpose(obj), obj, recoverable=True)


def token_for(obj):
    """The current token of `obj`, or None when its link is revoked."""
    return tokens.token_for(_purpose(obj), obj)


def has_link(obj):
    return tokens.is_active(_purpose(obj), obj)


def revoke(obj):
    tokens.revoke(_purpose(obj), obj)


def find(model, token):
    """The row whose link is `token`, or None (wrong, revoked, malformed)."""
    return tokens.find(_purpose(model), token, model)


def url(path, obj):
    """Absolute link for mails: PUBLIC_BASE_URL + path + token (None when revoked)."""
    token = token_for(obj)
    if token is None:
        return None
    return f"{current_app.config['PUBLIC_BASE_URL']}{path}{token}"
