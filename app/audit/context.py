"""Who is acting: a logged-in user, a public actor named by the page, or the system."""
from contextlib import contextmanager
from dataclasses import dataclass

from flask import g, has_app_context, has_request_context, request


@dataclass(frozen=True)
class Actor:
    type: str
    name: str = ""
    user_id: int | None = None


SYSTEM = Actor("system", "system")


def set_actor(actor_type, name=""):
    """Name the public actor for the rest of this request ("contractor", "reporter" ...)."""
    g.audit_actor = Actor(actor_type, name or actor_type)


@contextmanager
def acting_as(actor_type, name=""):
    """Run a block as a named actor (CLI commands, mail receive, workers)."""
    previous = g.get("audit_actor") if has_app_context() else None
    g.audit_actor = Actor(actor_type, name or actor_type)
    try:
        yield
    finally:
        g.audit_actor = previous


def _logged_in_user():
    if not has_request_context():
        return None
    from flask_login import current_user

    try:
        if current_user and current_user.is_authenticated:
            return current_user
    except Exception:  # no login manager bound yet (early in app start)
        return None
    return None


def current_actor():
    if has_app_context() and g.get("audit_actor"):
        return g.audit_actor
    user = _logged_in_user()
    if user is not None:
        return Actor("user", user.username, user.id)
    return Actor("anonymous", "anonymous") if has_request_context() else SYSTEM


def request_origin():
    """(ip, user agent, endpoint) of the current request, or Nones outside one."""
    if not has_request_context():
        return None, None, None
    from ..security.input_guard import strip_control_chars
    from ..security.redact import redact

    # Kept forever: the route without its link token, the agent without bytes PostgreSQL refuses.
    agent = strip_control_chars(request.headers.get("User-Agent", ""))[:512]
    endpoint = redact(f"{request.method} {request.path}")[:256]
    return request.remote_addr, agent, endpoint
