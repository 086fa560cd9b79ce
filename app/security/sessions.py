"""Server-side sessions: the cookie holds a random id, the data stays on the server.

Flask's default session is the data itself, signed, in the cookie: a copy taken before
logout kept working until it expired. Here the server forgets the session at logout
(and when an administrator sets the user's password or deactivates the account), so
the copied cookie opens nothing: the next request is anonymous and goes to the login page.

The store is the database (`web_session`) by default and Redis when REDIS_URL is set
(session_store.py). A session lives PERMANENT_SESSION_LIFETIME after it was last
written; it is written when its data changed and otherwise at most once per
REFRESH_FRACTION of that lifetime, so an ordinary page costs one read and no write.
The id changes at login (a planted id is worth nothing), and so does the CSRF token.

An anonymous visitor whose session would hold nothing but Flask-WTF's CSRF token (the
public report form, the login page) gets no stored session: the token goes in a signed,
HttpOnly cookie of its own (CSRF_COOKIE_SUFFIX) and comes back into the session from it.
A page opened by a crawler, a load test or a flood therefore writes nothing on the server;
the form's POST is checked against the token exactly as before. Once the session holds
more (a login, a flash message, a language), it is stored and the cookie is dropped.

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
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.datastructures import CallbackDict

from ..database import utcnow
from ..shared_store import redis_client
from .session_store import STORE_ERRORS, DatabaseStore, RedisStore

log = logging.getLogger(__name__)
REFRESH_FRACTION = 8  # a session in use is written again after 1/8 of its lifetime
MAX_ID_LENGTH = 128
CSRF_COOKIE_SUFFIX = "_csrf"  # "session_csrf": an anonymous visitor's CSRF token, signed


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
        self.csrf_cookie = None  # the token the CSRF cookie came with (anonymous, unstored)
        self.modified = False
        self.accessed = False


class ServerSessionInterface(SessionInterface):
    serializer = TaggedJSONSerializer()  # what Flask's cookie session uses: bytes, dates, …

    def __init__(self, store):
        self.store = store

    def open_session(self, app, request):
        if request.path.startswith(f"{app.static_url_path}/"):
            return ServerSession()
        sid = request.cookies.get(self.get_cookie_name(app))
        if not sid or len(sid) > MAX_ID_LENGTH:
            return self._anonymous(app, request)
        try:
            found = self.store.load(_key(sid))
        except STORE_ERRORS as error:  # the store is down: this request has no session
            unread = self._anonymous(app, request)
            unread.unread = error
            return unread
        if found is None:  # ended (logout, revoked) or never existed: a fresh session
            return self._anonymous(app, request)
        data, expires_at = found
        lifetime = app.permanent_session_lifetime
        if expires_at <= utcnow():
            return self._anonymous(app, request)
        refresh = expires_at - utcnow() < lifetime - lifetime / REFRESH_FRACTION
        return ServerSession(self.serializer.loads(data), sid=sid, stored=data, refresh=refresh)

    def _anonymous(self, app, request):
        """A session not stored: empty, or holding the CSRF token of its signed cookie."""
        raw = request.cookies.get(_csrf_cookie_name(app))
        if not raw or len(raw) > MAX_ID_LENGTH * 2:
            return ServerSession()
        try:
            token = _csrf_serializer(app).loads(raw)
        except BadSignature:
            return ServerSession()
        if not isinstance(token, str):
            return ServerSession()
        session = ServerSession({_csrf_field(app): token})
        session.csrf_cookie = token
        return session

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
        if session.sid or session.ended_key:
            response.vary.add("Cookie")  # the page depends on who asks
        if session.ended_key:
            self.store.before_write()
            self.store.delete(session.ended_key)
        if not session:
            if session.csrf_cookie is not None:
                self._delete_cookie(app, response, _csrf_cookie_name(app))
            if session.ended_key or (session.sid and session.modified):
                if session.sid:
                    self.store.before_write()
                    self.store.delete(_key(session.sid))
                response.delete_cookie(name, domain=domain, path=path,
                                       secure=self.get_cookie_secure(app),
                                       samesite=self.get_cookie_samesite(app),
                                       httponly=self.get_cookie_httponly(app))
            return
        new = session.sid is None
        if new and not _worth_keeping(app, session):
            self._csrf_cookie(app, session, response)
            return
        if new and session.csrf_cookie is not None:  # stored from now on: the session has it
            self._delete_cookie(app, response, _csrf_cookie_name(app))
        data = self.serializer.dumps(dict(session))
        if not (new or session.refresh or data != session.stored):
            return
        if new:
            session.sid = secrets.token_urlsafe(32)
        user_id = session.get("_user_id")
        self.store.before_write()
        self.store.put(_key(session.sid), data,
                        int(user_id) if str(user_id or "").isdigit() else None,
                        app.permanent_session_lifetime)
        response.set_cookie(name, session.sid, expires=self.get_expiration_time(app, session),
                            httponly=self.get_cookie_httponly(app), domain=domain, path=path,
                            secure=self.get_cookie_secure(app),
                            samesite=self.get_cookie_samesite(app))
        response.vary.add("Cookie")

    def _csrf_cookie(self, app, session, response):
        """A session not worth storing that holds a CSRF token: the token in its cookie
        (set when it is new; the page that shows the token depends on the cookie)."""
        token = session.get(_csrf_field(app))
        if token is None:
            if session.csrf_cookie is not None:
                self._delete_cookie(app, response, _csrf_cookie_name(app))
            return
        response.vary.add("Cookie")
        if token == session.csrf_cookie:
            return
        response.set_cookie(_csrf_cookie_name(app), _csrf_serializer(app).dumps(token),
                            expires=self.get_expiration_time(app, session),
                            httponly=True, domain=self.get_cookie_domain(app),
                            path=self.get_cookie_path(app),
                            secure=self.get_cookie_secure(app),
                            samesite=self.get_cookie_samesite(app))

    def _delete_cookie(self, app, response, name):
        response.delete_cookie(name, domain=self.get_cookie_domain(app),
                               path=self.get_cookie_path(app),
                               secure=self.get_cookie_secure(app),
                               samesite=self.get_cookie_samesite(app),
                               httponly=True)


def _csrf_field(app):
    return app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")


def _csrf_cookie_name(app):
    return app.config.get("SESSION_COOKIE_NAME", "session") + CSRF_COOKIE_SUFFIX


def _csrf_serializer(app):
    return URLSafeSerializer(app.secret_key, salt="anonymous-csrf-token")


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
    """FAB writes the default language into every visitor's session, and Flask-Login
    marks a session without a user "not fresh": a session holding nothing else (a
    customer on a track page, a crawler) is not stored at all, nor one that holds only a
    form's CSRF token besides (that goes in its own cookie)."""
    noise = {"locale", "_fresh", _csrf_field(app)}
    return set(session) - noise or session.get(
        "locale", app.config.get("BABEL_DEFAULT_LOCALE")) != app.config.get(
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
    """At login the session gets a new id; the one it had is forgotten, and so is its
    CSRF token (a token planted before the login is worth nothing after it)."""
    if session.sid:
        session.ended_key = _key(session.sid)
        session.sid = None
    session.pop(_csrf_field(current_app), None)
    g.pop("csrf_token", None)  # Flask-WTF's token of this request, made from the old one
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
