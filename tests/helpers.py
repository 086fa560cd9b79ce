"""Helpers shared by the tests: plain functions and constants, imported where used.
Fixtures live in the conftest.py files and only there."""
import io
import re
import socket
from decimal import Decimal
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller
from PIL import Image
from sqlalchemy import exists, func, literal, select, union_all
from sqlalchemy import text as sa_text

from app.extensions import db
from app.security.roles import ADMIN, ROLES
from app.service_requests.choices import Urgency

# ---------------------------------------------------------------------------------------
# Users, sessions and forms

PASSWORD = "Test-password-1"
# One user per role; the username is the role name in lower case.
ROLE_USERS = {role.lower(): role for role in [ADMIN, *ROLES]}

# An amount on the service-request screens: Babel keeps currency and number together
# with a no-break space ("SRD 54,50" on screen).
SRD = "SRD\N{NO-BREAK SPACE}"


def user_id(app, username):
    with app.app_context():
        return app.appbuilder.sm.find_user(username=username).id


def log_in(client, app, username):
    """Log a test client in as `username` without the login form (the form itself,
    and its rate limit, are tested in test_security.py)."""
    uid = user_id(app, username)
    with client.session_transaction() as session:
        session["_user_id"] = str(uid)
        session["_fresh"] = True
        session["locale"] = "nl"
    return client


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token(client, url):
    """GET `url` and return the CSRF token of its (first) form."""
    response = client.get(url)
    assert response.status_code == 200, f"GET {url} → {response.status_code}"
    match = _CSRF.search(response.get_data(as_text=True))
    assert match, f"no csrf_token on {url}"
    return match.group(1) or match.group(2)


def log_in_with_form(client, username, password=PASSWORD):
    """Log in through the login form (CSRF token, rate limit, a new session id): the way a
    browser does. Returns the response (302 on success)."""
    token = csrf_token(client, "/login/")
    return client.post("/login/", data={"username": username, "password": password,
                                        "csrf_token": token})


def log_out(client):
    """Log out as the page does: POST /logout/ with the CSRF token of its form."""
    token = csrf_token(client, "/logout/")
    return client.post("/logout/", data={"csrf_token": token})


def submit(client, form_url, data=None, post_url=None, **kwargs):
    """Fill the form at `form_url` like a browser: its CSRF token plus `data`."""
    data = dict(data or {})
    data["csrf_token"] = csrf_token(client, form_url)
    return client.post(post_url or form_url, data=data, **kwargs)


def page(response):
    """A response's body as text."""
    return response.get_data(as_text=True)


def visible_text(html):
    """The words a person reads on a page: no scripts, no tags, white space folded."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def query_plan(statement, parameters=None):
    """The database's plan for a statement (inside an app context): an SQLAlchemy statement,
    or SQL as the driver ran it with its parameters. PostgreSQL is told to avoid table
    scans and sorts, so a small test table still shows the index walk a large one would
    use (a sort of three rows costs it less than any index)."""
    connection = db.session.connection()
    postgresql = connection.dialect.name == "postgresql"
    if postgresql:
        connection.execute(sa_text("SET LOCAL enable_seqscan = off"))
        connection.execute(sa_text("SET LOCAL enable_sort = off"))
    explain = "EXPLAIN " if postgresql else "EXPLAIN QUERY PLAN "
    if not isinstance(statement, str):
        statement = str(statement.compile(connection, compile_kwargs={"literal_binds": True}))
    rows = connection.exec_driver_sql(explain + statement, parameters or ())
    plan = "\n".join(str(row[0] if postgresql else row[-1]) for row in rows)
    db.session.rollback()
    return plan


def row_count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def receive_mail(app, raw):
    """`flask mail receive` with `raw` on its standard input, as the MTA runs it."""
    return app.test_cli_runner().invoke(args=["mail", "receive"], input=raw)


def domain_tables():
    """Every table but FAB's own (users, roles, permissions survive between tests),
    children first."""
    return [t for t in reversed(db.metadata.sorted_tables) if not t.name.startswith("ab_")]


def tables_with_rows(conn, tables):
    """The names of `tables` that hold a row, asked in one statement: a test writes to a
    few of some sixty tables, and a DELETE per empty table cost more than the question."""
    probes = [select(literal(t.name)).where(exists(select(literal(1)).select_from(t)))
              for t in tables]
    return set(conn.execute(union_all(*probes)).scalars())


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def list_plan(app, client, url, table):
    """The database's plan (query_plan) for the page statement — the one with ORDER BY
    and LIMIT on `table` — that `client` runs opening the list at `url`."""
    from sqlalchemy import event

    statements = []
    with app.app_context():
        engine = db.engine
    listen = lambda conn, cursor, statement, params, *rest: statements.append(  # noqa: E731
        (statement, params))
    event.listen(engine, "before_cursor_execute", listen)
    try:
        assert client.get(url).status_code == 200, url
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    [(statement, params)] = [(s, p) for s, p in statements
                             if f"FROM {table}" in s and "LIMIT" in s and "ORDER BY" in s]
    with app.app_context():
        return query_plan(statement, params)


# ---------------------------------------------------------------------------------------
# Mail

class _Collector:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"


class SmtpServer:
    """A real SMTP server on 127.0.0.1 that keeps what it receives."""

    def __init__(self):
        self.handler = _Collector()
        # A concrete port: aiosmtpd's start() connects to the port it was given
        # to see that the server is up, so port=0 cannot work.
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self):
        self.controller.start()

    def stop(self):
        self.controller.stop()

    @property
    def messages(self):
        return [m for _, m in self.handler.messages]

    def to(self, address):
        return [m for rcpts, m in self.handler.messages if address in rcpts]


def link(message, path):
    """The first link to `path` (e.g. "/wo/") in a mail's text part."""
    body = message.get_body(("plain",)).get_content()
    match = re.search(r"http://backoffice\.test(" + re.escape(path) + r"[A-Za-z0-9_\-]+)", body)
    assert match, f"no {path} link in mail:\n{body}"
    return match.group(1)


# ---------------------------------------------------------------------------------------
# Service requests

REPLY = "aanvragen@example.org"

PRODUCTS = [
    ("HYP-UIT", "Hypothecair uittreksel", "mortgage_extract", "25.00", False),
    ("KAD-UIT", "Kadastraal uittreksel", "cadastral_extract", "15.00", False),
    ("MEETBRIEF", "Meetbrief", "survey_map", "40.00", False),
    ("PRINT-A4", "Print A4", "print", "1.50", True),
]


def make_request(app, code="HYP-UIT", quantity=1, extra_pages=0, urgency=Urgency.ONLINE,
                 on_behalf_of=None, name="Anna Jansen", email="anna@example.org",
                 id_number="FB123456", status=None, writer=None, info="Perceel 12, Paramaribo"):
    """A request made the way the portal makes one; optionally pushed to a status directly
    (set-up only: the tests of each step go through the screens)."""
    from app import audit
    from app.service_requests import workflow
    from app.service_requests.models import Product

    with app.app_context(), audit.acting_as("system", "test set-up"):
        product = db.session.query(Product).filter_by(code=code).one()
        extra = []
        if extra_pages:
            extra.append((db.session.query(Product).filter_by(code="PRINT-A4").one(), extra_pages))
        sr = workflow.create_request(
            applicant_name=name, applicant_email=email, applicant_phone="+597 123456",
            id_number=id_number, urgency=urgency, on_behalf_of=on_behalf_of,
            products=[(product, quantity, info)], additional=extra)
        if writer:
            sr.assigned_to_id = app.appbuilder.sm.find_user(username=writer).id
        if status:
            sr.status = status
        db.session.commit()
        return sr.id


def load(app, pk):
    """A service request, detached from the session so that a test can read it after."""
    from app.service_requests.models import ServiceRequest

    with app.app_context():
        sr = db.session.get(ServiceRequest, pk)
        db.session.expunge(sr)
        return sr


# ---------------------------------------------------------------------------------------
# Fault reports

CONTRACTOR_EMAIL = "monteur@contractpartner.example"
REPORTER_EMAIL = "douwe@example.org"


def jpeg(size=(64, 48), color=(200, 30, 30)):
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def make_order(app, place, description="Lekkage onder de koffieautomaat", photo=True):
    """A report with a device and a photo, made through the workflow; returns ids and links."""
    from app import audit
    from app.faults import tokens, workflow
    from app.faults.models import Contractor, Location, StickerCode

    with app.app_context(), audit.acting_as("system", "test"):
        location = db.session.get(Location, place["location_id"])
        contractor = db.session.get(Contractor, place["contractor_id"])
        sticker = db.session.query(StickerCode).filter_by(code=place["codes"][0]).one()
        device = sticker.device or workflow.register_device(
            sticker, location=location, contractor=contractor, placement="Keuken 1e verdieping",
            device_type="Koffieautomaat", photo=(jpeg(), "device.jpg"))
        report = workflow.create_report(
            device=device, description=description, first_name="Douwe", last_name="Demo",
            email=REPORTER_EMAIL, phone="088-5550555",
            photo=(jpeg(), "storing.jpg") if photo else None)
        order = report.work_order
        result = {"report_id": report.id, "order_id": order.id,
                  "wo": "/wo/" + tokens.token_for(order), "r": "/r/" + tokens.token_for(report),
                  "photo_keys": [report.photo.key, device.photo.key] if photo else []}
        db.session.commit()
        return result


def complete(order):
    """AFMELDEN through the workflow, with the fields it requires (invoice, warranty)."""
    from app.faults import workflow

    if order.invoice_total is None:
        order.invoice_total = Decimal("100.00")
    if order.warranty is None:
        order.warranty = False
    return workflow.transition(order, "complete")


# ---------------------------------------------------------------------------------------
# Browser (Playwright pages)

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
AXE = Path(__file__).resolve().parent / "browser" / "axe" / "axe.min.js"


def browser_log_in(page, username):
    """Through the real login form, as a person would."""
    page.goto("/login/")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.locator("form [type=submit]").first.click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"login as {username} failed"


def guide_shot(page, name, section=None):
    """A screenshot for the user guides (docs/gebruikers/img/), taken by the test that
    walks that step; kept in tests/artifacts/guide/ and copied to the guides by
    `make guide-screenshots`. The visible window, or only `section` (a locator) where one
    part of a long page is what the guide shows."""
    folder = ARTIFACTS / "guide"
    folder.mkdir(parents=True, exist_ok=True)
    path = str(folder / f"{name}.png")
    if section is not None:
        section.screenshot(path=path)
    else:
        page.screenshot(path=path, full_page=False)


def shown_value(page, label):
    """The value beside a label on a detail page (a th/td row), as the user reads it."""
    row = page.locator("tr", has=page.locator(f"th:text-is('{label}')"))
    return row.locator("td").first.inner_text().strip()


def axe_violations(page):
    """axe-core's serious and critical violations on the current page. Evaluated through
    the DevTools protocol: the page's Content-Security-Policy rightly refuses an inline
    script tag."""
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3], v["help"])
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


class HttpBrowser:
    """A browser for a real server (gunicorn) over HTTP: keeps its cookies, does not
    follow redirects (a test reads the 302 and its Location).

        browser = HttpBrowser(base_url)
        browser.log_in("admin")                      # the login form, CSRF token and all
        copy = browser.copy()                        # another browser with the same cookie
        browser.log_out()                            # POST /logout/ with the form's token
        status, location, _ = copy.get("/outboxview/list/")   # 302 to /login/
    """

    def __init__(self, base_url, cookie=None):
        import http.cookiejar
        import urllib.request

        class _NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.base_url = base_url.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            _NoRedirect, urllib.request.HTTPCookieProcessor(self.jar))
        if cookie:
            self.set_session_cookie(cookie)

    def request(self, path, data=None, headers=None):
        """(status, Location or None, body text)."""
        import urllib.error
        import urllib.parse
        import urllib.request

        body = None if data is None else urllib.parse.urlencode(data).encode()
        req = urllib.request.Request(self.base_url + path, data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=15) as response:
                return response.status, response.headers.get("Location"), \
                    response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location"), \
                error.read().decode(errors="replace")

    def get(self, path, **headers):
        return self.request(path, headers=headers)

    def post(self, path, data, **headers):
        return self.request(path, data=data, headers=headers)

    def csrf_token(self, path):
        import re

        status, _, page = self.get(path)
        assert status == 200, f"GET {path} → {status}"
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"'
                          r'|value="([^"]+)"[^>]*name="csrf_token"', page)
        assert match, f"no csrf_token on {path}"
        return match.group(1) or match.group(2)

    def log_in(self, username, password=None):
        token = self.csrf_token("/login/")
        status, location, _ = self.post("/login/", {
            "username": username, "password": password or PASSWORD, "csrf_token": token})
        assert status == 302 and "/login" not in (location or ""), f"login as {username}"
        return self

    def log_out(self):
        token = self.csrf_token("/logout/")
        status, _, _ = self.post("/logout/", {"csrf_token": token})
        assert status == 302
        return self

    @property
    def session_cookie(self):
        return next((c.value for c in self.jar if c.name == "session"), None)

    def set_session_cookie(self, value):
        import http.cookiejar
        from urllib.parse import urlsplit

        host = urlsplit(self.base_url).hostname
        self.jar.set_cookie(http.cookiejar.Cookie(
            0, "session", value, None, False, host, False, False, "/", True, False, None,
            False, None, None, {}))

    def copy(self, base_url=None):
        """Another browser (on this server or another: base_url) with this session cookie."""
        return HttpBrowser(base_url or self.base_url, cookie=self.session_cookie)
