"""Server-side sessions: the cookie holds a random id, the data stays on the server.

Flask's default session is the data itself, signed, in the cookie: a copy taken before
logout kept working until it expired. Here the server forgets the session at logout
(and when an administrator sets the user's password or deactivates the account), so
the copied cookie opens nothing: the next request is anonymous and goes to the login page.

The store is the database (`web_session`) by default and Redis when REDIS_URL is set
(session_store.py). A session lives PERMANENT_SESSION_LIFETIME after it was last
written; it is written when its data changed and otherwise at most once per
REFRESH_FRACTION of that lifetime, so an ordinary page costs one read and no write.
The id changes at login (a planted id is worth nothing). Flask-WTF's CSRF token lives in
the session as before.

When the store cannot be reached the user gets a clear page, never a 500: a session
that cannot be read is no session (a page that needs a login sends to the login page),
and a session that cannot be written answers 503 "try again" (the login, the form's
CSRF token or the logout would otherwise be lost without a word). One log line says
which, with the request id.
"""
import hashlib
import logging
import secrets
from datetime import timedelta

from flask import current_app, g, has_app_context, has_request_context, session
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SessionInterface, SessionMixin
from flask_login import user_logged_in, user_logged_out
from werkzeug.datastructures import CallbackDict

from ..database import utcnow
from ..shared_store import redis_client
from .session_store import STORE_ERRORS, DatabaseStore, RedisStore

log = logging.getLogger(__name__)
REFRESH_FRACTION = 8  # a session in use is written again after 1/8 of its lifetime
MAX_ID_LENGTH = 128


def _key(sid):
    return hashlib.sha256(sid.encode()).hexdigest()


class ServerSession(CallbackDict, SessionMixin):
    def __init__(self, initial=None, sid=None, stored=None, refresh=False):
        def on_update(self):
            self.modified = True
            self.accessed = True

        super().__init__(initial, on_update)
        self.sid = sid          # None until the session is first saved
        self.stored = stored    # the data as read from the store (to see a change)
        self.refresh = refresh  # old enough to be written again even when unchanged
        self.ended_key = None   # a stored session to forget at save (logout, login)
        self.unread = None      # why the store could not be read (logged at save)
        self.modified = False
        self.accessed = False


class ServerSessionInterface(SessionInterface):
    serializer = TaggedJSONSerializer()  # what Flask's cookie session uses: bytes, dates, …

    def __init__(self, store):
        self.store = store

    def open_session(self, app, request):
        sid = request.cookies.get(self.get_cookie_name(app))
        if not sid or len(sid) > MAX_ID_LENGTH or request.path.startswith(
                f"{app.static_url_path}/"):
            return ServerSession()
        try:
            found = self.store.load(_key(sid))
        except STORE_ERRORS as error:  # the store is down: this request has no session
            unread = ServerSession()
            unread.unread = error
            return unread
        if found is None:  # ended (logout, revoked) or never existed: a fresh session
            return ServerSession()
        data, expires_at = found
        lifetime = app.permanent_session_lifetime
        if expires_at <= utcnow():
            return ServerSession()
        refresh = expires_at - utcnow() < lifetime - lifetime / REFRESH_FRACTION
        return ServerSession(self.serializer.loads(data), sid=sid, stored=data, refresh=refresh)

    def save_session(self, app, session, response):
        if session.unread is not None:
            _log_unavailable("read", session.unread)
            if 300 <= response.status_code < 400:
                return  # "no session": on to the login page (a flash message is lost)
        try:
            self._save(app, session, response)
        except STORE_ERRORS as error:
            _log_unavailable("write", error)
            from ..errors import service_unavailable

            _become(response, service_unavailable())

    def _save(self, app, session, response):
        name = self.get_cookie_name(app)
        domain, path = self.get_cookie_domain(app), self.get_cookie_path(app)
        if session.ended_key or session.modified or session.refresh:
            self.store.before_write()
        if session.sid or session.ended_key:
            response.vary.add("Cookie")  # the page depends on who asks
        if session.ended_key:
            self.store.delete(session.ended_key)
        if not session:
            if session.ended_key or (session.sid and session.modified):
                if session.sid:
                    self.store.delete(_key(session.sid))
                response.delete_cookie(name, domain=domain, path=path,
                                       secure=self.get_cookie_secure(app),
                                       samesite=self.get_cookie_samesite(app),
                                       httponly=self.get_cookie_httponly(app))
            return
        new = session.sid is None
        if new and not _worth_keeping(app, session):
            return
        data = self.serializer.dumps(dict(session))
        if not (new or session.refresh or data != session.stored):
            return
        if new:
            session.sid = secrets.token_urlsafe(32)
        user_id = session.get("_user_id")
        self.store.put(_key(session.sid), data,
                        int(user_id) if str(user_id or "").isdigit() else None,
                        app.permanent_session_lifetime)
        response.set_cookie(name, session.sid, expires=self.get_expiration_time(app, session),
                            httponly=self.get_cookie_httponly(app), domain=domain, path=path,
                            secure=self.get_cookie_secure(app),
                            samesite=self.get_cookie_samesite(app))
        response.vary.add("Cookie")


def _log_unavailable(action, error):
    """One line, no traceback: an outage, not a bug."""
    request_id = g.get("request_id")
    cause = getattr(error, "orig", None) or error  # the driver's words, not the SQL
    log.error("session store unavailable (%s): %s: %s [request %s]", action,
              type(cause).__name__, str(cause).splitlines()[0] if str(cause) else "", request_id,
              extra={"fields": {"request_id": request_id, "session_store": action}})


# What a response's headers say about its body or what it sets; the rest (request id,
# security headers) stays when the body is replaced.
_BODY_HEADERS = ("Location", "Set-Cookie", "Content-Disposition", "Content-Encoding",
                 "Content-Type", "Content-Length", "ETag", "Last-Modified", "Refresh")


def _become(response, page):
    """Turn the response Flask is finishing into `page` (the session is saved after the
    view and after_request, when the response object can only be changed in place)."""
    for header in _BODY_HEADERS:
        response.headers.pop(header, None)
    response.direct_passthrough = False
    response.status = page.status
    response.headers["Content-Type"] = page.headers["Content-Type"]
    response.headers["Cache-Control"] = "no-store"
    response.headers["Retry-After"] = page.headers.get("Retry-After", "30")
    response.set_data(page.get_data())


def _worth_keeping(app, session):
    """FAB writes the default language into every visitor's session: a session holding
    nothing else (a customer on a track page, a crawler) is not stored at all."""
    return set(session) - {"locale"} or session.get("locale") != app.config.get(
        "BABEL_DEFAULT_LOCALE")


def store_for(app):
    client = redis_client(app)
    if client is not None:
        return RedisStore(client, app.config["REDIS_KEY_PREFIX"])
    return DatabaseStore()


def _store():
    """The running app's store (None outside an app, or in an app without ours)."""
    if not has_app_context():
        return None
    return getattr(current_app.session_interface, "store", None)


def _new_id(sender, **_):
    """At login the session gets a new id; the one it had is forgotten."""
    if session.sid:
        session.ended_key = _key(session.sid)
        session.sid = None
    session.modified = True


def end_session(sender=None, **_):
    """Logout: the server forgets this session; the cookie is removed and, copied,
    opens nothing."""
    if session.sid:
        session.ended_key = _key(session.sid)
    session.clear()
    session.sid = None


def end_user_sessions(user_id):
    """End every session of `user_id` but the one making this request (someone
    setting their own password stays signed in; all their other browsers do not)."""
    keep = None
    if has_request_context() and getattr(session, "sid", None) \
            and str(session.get("_user_id")) == str(user_id):
        keep = _key(session.sid)
    store = _store()
    return 0 if store is None else store.delete_user(user_id, keep=keep)


def delete_expired(now):
    """Scheduled job: drop sessions past their expiry (Redis does this itself)."""
    store = _store()
    return 0 if store is None else store.delete_expired(now)


def register_sessions(app):
    app.session_interface = ServerSessionInterface(store_for(app))
    user_logged_in.connect(_new_id, app)
    user_logged_out.connect(end_session, app)
    from .. import jobs

    jobs.register(app, "security.expired_sessions", delete_expired, every=timedelta(hours=1),
                  description="Forget sessions past their expiry")
