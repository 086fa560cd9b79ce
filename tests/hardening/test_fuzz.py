"""Property-based attack suite (Hypothesis): every public form, the intake API and
`flask mail receive` get generated hostile input. Properties:

- never a 500 (an exception inside the app fails the test too);
- a refused submission (4xx) leaves no record behind (no partial records);
- inbound mail never exits 75 (retry) for what it was sent, and never crashes.

The forms are not listed by hand: each page is fetched and its <form>s are read,
so a field added to a public form is fuzzed without touching this file. Runs on
SQLite and, with TEST_DATABASE_URL, PostgreSQL. FUZZ_EXAMPLES=500 for a long run.
"""
import io
import json
import os
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app import audit
from app.audit import AuditEntry
from app.extensions import db
from app.faults import tokens, workflow
from app.faults.models import Complaint, Device, FaultReport, Rating, WorkOrder
from app.files.models import StoredFile
from app.mail.models import OutboxMessage
from app.service_requests import workflow as sr_workflow
from app.service_requests.models import InboundDocument, ServiceRequest
from tests.helpers import jpeg, make_order, make_request
from tests.service_requests.test_intake_api import body as intake_body
from tests.service_requests.test_intake_api import token_for

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                derandomize="FUZZ_EXAMPLES" not in os.environ,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])
TRIED = {"inputs": 0, "server errors": 0}
MODELS = (FaultReport, WorkOrder, Device, Rating, Complaint, StoredFile, OutboxMessage,
          ServiceRequest, InboundDocument, AuditEntry)

# What attackers and broken clients send, besides whatever Hypothesis makes up.
NASTY = ["", " ", "\x00", "a\x00b", "\x1b[2J", "\x7f", "\ud800", "\ufeff", "\u202e", "NaN",
         "-Infinity", "1e999", "-1", "0", "99999999999999999999", "1,5", "1.234,56", "²",
         "١٢٣", "<script>alert(1)</script>", "' OR 1=1 --", "%00", "../../etc/passwd",
         "\r\nBcc: x@evil.example", "🎉" * 50, "x" * 6000, "2026-02-30", "yes", "no", "on"]
TEXT = st.one_of(st.sampled_from(NASTY), st.text(max_size=40),
                 st.text(st.characters(codec=None, categories=["Cc", "Cs", "Co", "Zs"]),
                         max_size=8))
RAW_BYTES = st.binary(max_size=40)


def _count(app):
    with app.app_context():
        db.session.expire_all()
        return {m.__name__: db.session.scalar(select(func.count()).select_from(m))
                for m in MODELS}


class _Forms(HTMLParser):
    """The <form>s of a page: action, method, enctype, and each field's default value."""

    def __init__(self):
        super().__init__()
        self.forms, self._select = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""),
                               "method": attrs.get("method", "get").lower(),
                               "multipart": "multipart" in attrs.get("enctype", ""),
                               "fields": {}, "files": []})
        elif not self.forms or "name" not in attrs:
            return
        elif tag == "input" and attrs.get("type") == "file":
            self.forms[-1]["files"].append(attrs["name"])
        elif tag in ("input", "textarea", "button"):
            self.forms[-1]["fields"].setdefault(attrs["name"], []).append(attrs.get("value", ""))
        elif tag == "select":
            self._select = attrs["name"]
            self.forms[-1]["fields"].setdefault(self._select, [])
        if tag == "option" and self._select and self.forms:
            self.forms[-1]["fields"][self._select].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def post_forms(client, url):
    """The POST forms on `url`, as [(action, multipart, {field: [defaults]}, [file fields])]."""
    response = client.get(url)
    assert response.status_code == 200, url
    parser = _Forms()
    parser.feed(response.get_data(as_text=True))
    return [(f["action"] or url, f["multipart"], f["fields"], f["files"])
            for f in parser.forms if f["method"] == "post"]


def _value(data, defaults):
    """A field's value: one of the page's own (to get past the first check) or hostile."""
    choices = [st.sampled_from(defaults)] if defaults else []
    return data.draw(st.one_of(*choices, TEXT, RAW_BYTES), label="value")


def _str(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value.encode("utf-8", "replace").decode("utf-8")


def _encode(value):
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")


def _fuzz_form(app, client, data, form):
    action, multipart, fields, files = form
    values = {name: _value(data, [v for v in defaults if v]) for name, defaults in fields.items()
              if name != "csrf_token"}
    if data.draw(st.booleans(), label="extra field"):
        values[data.draw(TEXT, label="extra name") or "x"] = data.draw(TEXT)
    token = fields.get("csrf_token", [""])[0]
    app.appbuilder.sm.limiter.reset()  # fuzz the forms, not the rate limit
    before = _count(app)
    if multipart:  # Werkzeug's client builds the body from str: no lone surrogates here
        payload = {_str(k) or "x": _str(v) for k, v in values.items()}
        payload["csrf_token"] = token
        for name in files:
            content = data.draw(st.one_of(st.just(jpeg()), st.just(b"%PDF-1.4\n%%EOF\n"),
                                          st.binary(max_size=200)), label="file")
            filename = data.draw(st.one_of(st.just("foto.jpg"), TEXT), label="filename")
            payload[name] = (io.BytesIO(content), _str(filename) or "f")
        response = client.post(action, data=payload, content_type="multipart/form-data")
    else:
        body = urlencode([(_encode(k), _encode(v)) for k, v in values.items()] +
                         [("csrf_token", token)])
        response = client.post(action, data=body,
                               content_type="application/x-www-form-urlencoded")
    TRIED["inputs"] += 1
    if response.status_code >= 500:
        TRIED["server errors"] += 1
    assert response.status_code < 500, (action, values)
    if 400 <= response.status_code < 500:
        after = _count(app)
        if files:  # a refused form keeps its photo for the next attempt, on purpose
            after.pop("StoredFile"), before.pop("StoredFile")
        assert after == before, (action, response.status_code, values)


def _pages(app, client, client_for, place, products):
    """Every public page with a form, in a state where its forms show."""
    links = make_order(app, place)  # device on codes[0]: report form on /q/<code>
    with app.app_context(), audit.acting_as("system", "test"):
        order = db.session.get(WorkOrder, links["order_id"])
        workflow.transition(order, "accept")
        order.invoice_total, order.warranty = Decimal("120.00"), False
        workflow.transition(order, "complete")  # the reporter's rating form opens
        complaint = workflow.complain(order, "Niemand kwam.")
        db.session.commit()
        c_link = "/c/" + tokens.token_for(complaint)
    needed = make_request(app, status="documents_needed")
    delivered = make_request(app, status="delivered")
    with app.app_context(), audit.acting_as("system", "test"):
        track = ["/track/" + sr_workflow.issue_track_token(db.session.get(ServiceRequest, pk))
                 for pk in (needed, delivered)]
        db.session.commit()
    manager = client_for("FacilityManager")
    return [(client, "/report"), (client, f"/q/{place['codes'][0]}"),
            (manager, f"/q/{place['codes'][1]}"),  # registering a device
            (client, links["wo"]), (client, links["r"]), (client, c_link),
            (client, track[0]), (client, track[1])]


def test_fuzz_every_public_form(app, client, client_for, place, products):
    forms = [(c, form) for c, url in _pages(app, client, client_for, place, products)
             for form in post_forms(c, url)]
    actions = {form[0].split("?")[0] for _c, form in forms}
    # the report, scan, register, contractor, rating, complaint, response, track forms
    assert len(actions) >= 8, actions

    @FUZZ
    @given(data=st.data())
    def attack(data):
        for c, form in forms:
            _fuzz_form(app, c, data, form)

    attack()


JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), TEXT)
JSON = st.recursive(JSON_LEAF, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)), max_leaves=12)


@st.composite
def intake_bodies(draw):
    """A valid body with one part replaced by something hostile, or raw bytes."""
    kind = draw(st.sampled_from(["mutated", "json", "bytes", "deep"]))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    if kind == "deep":
        depth = draw(st.integers(30, 5000))
        return ("[" * depth + "]" * depth).encode()
    if kind == "json":
        return json.dumps(draw(JSON), allow_nan=True).encode()
    data = intake_body()
    path = draw(st.sampled_from([("applicant", "name"), ("applicant", "email"),
                                 ("applicant", "id_number"), ("applicant", "phone"),
                                 ("products", 0, "quantity"), ("products", 0, "code"),
                                 ("products", 0, "customer_info"), ("additional",),
                                 ("client_reference",), ("id_card_image",)]))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = draw(JSON)
    return json.dumps(data, allow_nan=True).encode()


def test_fuzz_the_intake_api(app, client, products):
    headers = token_for(client, "portal")

    @FUZZ
    @given(raw=intake_bodies(), key=st.one_of(st.none(), TEXT))
    def attack(raw, key):
        app.appbuilder.sm.limiter.reset()
        before = _count(app)
        extra = {"Idempotency-Key": key.encode("utf-8", "replace").decode("latin-1")} \
            if key and "\n" not in key and "\r" not in key else {}
        response = client.post("/api/v1/intake/", data=raw, content_type="application/json",
                               headers={**headers, **extra})
        TRIED["inputs"] += 1
        if response.status_code >= 500:
            TRIED["server errors"] += 1
        assert response.status_code < 500, (raw[:200], response.get_data(as_text=True))
        after = _count(app)
        if response.status_code == 201:
            assert after["ServiceRequest"] == before["ServiceRequest"] + 1
        else:
            assert after["ServiceRequest"] == before["ServiceRequest"], response.status_code
            assert after["StoredFile"] == before["StoredFile"]

    attack()


@st.composite
def mails(draw, order_no, token):
    kind = draw(st.sampled_from(["bytes", "mutated", "deep", "headers"]))
    if kind == "bytes":
        return draw(st.binary(min_size=1, max_size=300))
    if kind == "deep":
        depth = draw(st.integers(50, 1200))  # past Python's recursion limit; 3,000 in test_inbound_trust
        parts = b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n'
                         % (i, i) for i in range(depth))
        return b"From: x@example.org\r\nMIME-Version: 1.0\r\n" + parts + b"\r\nbodem\r\n"
    headers = {"From": "Anna <anna@example.org>", "To": f"aanvragen+{token}@example.org",
               "Subject": f"Mijn aanvraag {order_no}", "Message-ID": "<fuzz@x>",
               "Content-Type": "text/plain; charset=utf-8"}
    if kind == "headers":
        name = draw(st.sampled_from([*headers, "Authentication-Results", "Auto-Submitted",
                                     "Content-Transfer-Encoding", "Return-Path"]))
        headers[name] = draw(TEXT).encode("utf-8", "surrogatepass").decode("latin-1")
    body = draw(st.one_of(TEXT, st.binary(max_size=100).map(lambda b: b.decode("latin-1"))))
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return (head + "\r\n").encode("latin-1", "replace") + _encode(body)


def test_fuzz_flask_mail_receive(app, products):
    pk = make_request(app, status="documents_needed")
    with app.app_context(), audit.acting_as("system", "test"):
        sr = db.session.get(ServiceRequest, pk)
        token, order_no = sr_workflow.issue_track_token(sr), sr.order_no
        db.session.commit()
    runner = app.test_cli_runner()

    @FUZZ
    @given(raw=mails(order_no, token))
    def attack(raw):
        before = _count(app)["InboundDocument"]
        result = runner.invoke(args=["mail", "receive"], input=raw)
        TRIED["inputs"] += 1
        assert result.exception is None or isinstance(result.exception, SystemExit), \
            result.output
        assert result.exit_code in (0, 65), (raw[:200], result.output)
        after = _count(app)["InboundDocument"]
        assert after - before in ((0, 1) if result.exit_code == 0 else (0,))

    attack()


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    print(f"\nfuzz: {TRIED['inputs']} inputs tried, {TRIED['server errors']} server errors "
          f"({EXAMPLES} examples per property)")
