"""One log line per request: request id, user, method, path (link tokens masked),
status and duration.

The request id is the caller's X-Request-ID when it looks like one (a proxy or load
balancer made it), else a new one; either way it goes back in the response's
X-Request-ID, so a user's report and the log line meet. The user is read from what
the request already loaded (no query of its own).
"""
import logging
import re
import secrets
import time

from flask import g, request, session

from .security.redact import redact

log = logging.getLogger("app.requests")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def _start():
    g.request_started = time.perf_counter()
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if _REQUEST_ID.match(given) else secrets.token_hex(8)


def _user():
    user = g.get("_login_user")  # Flask-Login's user, when this request loaded it
    if user is not None and getattr(user, "is_authenticated", False):
        return user.username, user.id
    user_id = session.get("_user_id") if session else None
    return ("anonymous", None) if user_id is None else (None, user_id)


def _finish(response):
    started = g.pop("request_started", None)
    if started is None:  # a request that failed before ours began (not expected)
        _start()
        started = g.request_started
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    username, user_id = _user()
    path = redact(request.path)
    fields = {"request_id": g.request_id, "user": username, "user_id": user_id,
              "method": request.method, "path": path, "status": response.status_code,
              "duration_ms": duration_ms}
    log.info("%s %s %s %sms", request.method, path, response.status_code, duration_ms,
             extra={"fields": fields, "masked": True})
    response.headers["X-Request-ID"] = g.request_id
    return response


def register_request_log(app):
    app.before_request_funcs.setdefault(None, []).insert(0, _start)  # first of all
    app.after_request(_finish)
