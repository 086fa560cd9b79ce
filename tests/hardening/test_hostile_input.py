"""Finding 6 — hostile input gave 500s (NUL bytes on PostgreSQL, NaN, 20-digit ids,
deep JSON, huge bodies, FAB's legacy download route, actions on missing records).
Each case now gets a clear 4xx and stores nothing. Runs on SQLite and, with
TEST_DATABASE_URL, on PostgreSQL (where NUL in text is an error of the database)."""
import json

import pytest
from sqlalchemy import select

from app.extensions import db
from app.faults import tokens, workflow
from app.faults.models import Complaint, FaultReport, WorkOrder
from app.security.input_guard import json_depth_exceeds
from app.service_requests.models import ServiceRequest
from tests.helpers import REPORTER_EMAIL, csrf_token, make_order, page, row_count
from tests.service_requests.test_intake_api import body as intake_body
from tests.service_requests.test_intake_api import token_for

REPORT = {"description": "Deur klemt", "first_name": "Douwe", "last_name": "Demo",
          "email": REPORTER_EMAIL, "phone": "088-5550555", "placement": "Keuken"}
NOT_ALLOWED = "niet toegestaan"  # Dutch: "a character that is not allowed"


def _complaint_link(app, order_id):
    with app.app_context():
        complaint = workflow.complain(db.session.get(WorkOrder, order_id), "Niemand kwam.")
        db.session.commit()
        return "/c/" + tokens.token_for(complaint)


@pytest.mark.parametrize("bad", ["a\x00b", "\x07bell", "esc\x1b[31m", "del\x7f"])
def test_finding6_control_characters_in_the_public_report_are_refused(app, client, place, bad):
    token = csrf_token(client, "/report")
    for field in REPORT:
        response = client.post("/report", data={**REPORT, field: bad, "csrf_token": token,
                                                 "location_id": place["location_id"]})
        assert response.status_code == 400, field
        assert NOT_ALLOWED in page(response) and field in page(response)
    assert row_count(app, FaultReport) == 0


def test_finding6_line_breaks_and_tabs_are_still_fine(app, client, place):
    token = csrf_token(client, "/report")
    response = client.post("/report", data={**REPORT, "description": "Regel 1\r\n\tRegel 2",
                                            "csrf_token": token,
                                            "location_id": place["location_id"]})
    assert response.status_code in (200, 302)  # filed (then shown by a redirect)
    assert row_count(app, FaultReport) == 1


def test_finding6_nul_on_the_token_pages_is_refused(app, client, place):
    links = make_order(app, place)
    c_link = _complaint_link(app, links["order_id"])
    token = csrf_token(client, links["wo"])
    cases = [(links["wo"], {"action": "save", "contractor_remarks": "klaar\x00"}),
             (links["r"] + "/complaint", {"text": "boos\x00"}),
             (links["r"] + "/rating", {"speed": "5", "comment": "\x00"}),
             (c_link, {"response": "sorry\x00"})]
    for url, data in cases:
        response = client.post(url, data={**data, "csrf_token": token})
        assert response.status_code == 400, url
        assert NOT_ALLOWED in page(response)
    with app.app_context():
        order = db.session.get(WorkOrder, links["order_id"])
        assert order.contractor_remarks is None
        assert db.session.scalars(select(Complaint.response)).all() == [None]


def test_finding6_nul_in_the_address_and_query_is_400_not_500(app, admin_client, place):
    for url in ["/q/%00", "/q/%00.json", "/wo/%00", "/track/abc%00",
                "/locationview/list/?_flt_0_name=%00", "/api/v1/location/?q=%00"]:
        response = admin_client.get(url)
        assert response.status_code == 400, url


def test_finding6_invoice_total_nan_is_a_clear_message(app, client, place):
    links = make_order(app, place)
    token = csrf_token(client, links["wo"])
    for bad in ["NaN", "nan", "-Infinity", "sNaN", "1e999999"]:
        response = client.post(links["wo"], data={"action": "save", "invoice_total": bad,
                                                  "csrf_token": token})
        assert response.status_code == 400, bad
        assert "geen geldig bedrag" in page(response), bad
    with app.app_context():
        assert db.session.get(WorkOrder, links["order_id"]).invoice_total is None


def test_finding6_location_id_out_of_range_is_a_clear_message(app, client, place):
    token = csrf_token(client, "/report")
    for bad in ["99999999999999999999", "-1", "1e3", "²"]:
        response = client.post("/report", data={**REPORT, "location_id": bad,
                                                "csrf_token": token})
        assert response.status_code == 400, bad
        assert "locatie" in page(response).lower()
    assert row_count(app, FaultReport) == 0


def test_finding6_ids_out_of_range_in_urls_are_404(app, admin_client, products):
    for url in ["/servicerequestview/show/99999999999999999999",
                "/locationview/show/99999999999999999999", "/locationview/show/abc",
                "/locationview/edit/99999999999999999999"]:
        assert admin_client.get(url).status_code == 404, url


@pytest.fixture
def portal(client):
    return token_for(client, "portal")


def test_finding6_intake_nul_and_lone_surrogates_are_400(app, client, products, portal):
    for bad in ["a\x00b", "\ud800"]:
        data = intake_body(applicant={"name": bad, "email": "e@example.org", "id_number": "X1"})
        raw = json.dumps(data)  # ensure_ascii: "\u0000" / "\ud800" escapes, valid JSON
        response = client.post("/api/v1/intake/", data=raw, headers=portal,
                               content_type="application/json")
        assert response.status_code == 400, bad
        assert list(response.get_json()["message"]) == ["applicant.name"]
    assert row_count(app, ServiceRequest) == 0


def test_finding6_deeply_nested_json_is_400(app, client, products, portal):
    for raw in ["[" * 3000 + "]" * 3000, '{"a":' * 3000 + "1" + "}" * 3000]:
        response = client.post("/api/v1/intake/", data=raw, headers=portal,
                               content_type="application/json")
        assert response.status_code == 400
        assert "diep" in response.get_json()["message"]  # "nested too deeply"
    assert row_count(app, ServiceRequest) == 0


def test_finding6_nan_and_broken_json_are_400(app, client, products, portal):
    for raw in ['{"applicant": NaN}', '{"a": Infinity}', "{", b"\xff\xfe"]:
        response = client.post("/api/v1/intake/", data=raw, headers=portal,
                               content_type="application/json")
        assert response.status_code == 400, raw


def test_finding6_an_api_body_over_the_limit_is_413(app, client, products, portal):
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 4096
    try:
        raw = json.dumps(intake_body(client_reference="x" * 5000))
        response = client.post("/api/v1/intake/", data=raw, headers=portal,
                               content_type="application/json")
        assert response.status_code == 413
        response = client.post("/api/v1/location/", data=raw, headers=portal,
                               content_type="application/json")
        assert response.status_code == 413
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert row_count(app, ServiceRequest) == 0


def test_finding6_depth_counter_skips_brackets_in_strings():
    assert not json_depth_exceeds('{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}', 3)
    assert not json_depth_exceeds('{"a": "\\"[[[[["}', 2)
    assert json_depth_exceeds('[[[[1]]]]', 3)


def test_finding6_legacy_download_route_is_off_on_every_view(app, admin_client):
    assert [r.rule for r in app.url_map.iter_rules() if "/download/" in r.rule] == []
    assert admin_client.get("/locationview/download/secret.txt").status_code == 404


def test_finding6_actions_on_a_missing_record_are_404(app, client_for, place):
    links = make_order(app, place)
    _complaint_link(app, links["order_id"])
    admin = client_for("Admin")
    token = csrf_token(admin, "/complaintview/list/")
    for pk in ["99999", "99999999999999999999", "abc"]:
        response = admin.post(f"/complaintview/action/close/{pk}",
                              data={"csrf_token": token})
        assert response.status_code == 404, pk
        response = admin.post("/complaintview/action_post",
                              data={"action": "close", "rowid": [pk], "csrf_token": token})
        assert response.status_code == 404, pk
    response = admin.post("/complaintview/action_post",
                          data={"action": "no-such-action", "rowid": ["1"], "csrf_token": token})
    assert response.status_code == 404


def test_finding6_user_statistics_chart_answers(admin_client):
    for url in ["/userstatschartview/chart/", "/userstatschartview/chart/xyz"]:
        assert admin_client.get(url).status_code in (200, 404), url


def test_finding6_a_user_agent_with_nul_is_stored_without_it(app, client, place):
    token = csrf_token(client, "/report")
    response = client.post("/report", data={**REPORT, "csrf_token": token,
                                            "location_id": place["location_id"]},
                           headers={"User-Agent": "bot\x00/1.0"})
    assert response.status_code in (200, 302)  # filed (then shown by a redirect)
    from app.audit import AuditEntry

    with app.app_context():
        agents = set(db.session.scalars(select(AuditEntry.user_agent).where(
            AuditEntry.user_agent.is_not(None))))
    assert agents == {"bot/1.0"}


HOSTILE_ARGS = {
    "q": "(filters:!((col:id,opr:eq,value:99999999999999999999)),page:-1,page_size:NaN)",
    "_flt_0_id": "99999999999999999999", "_flt_3_name": "x%00", "_oc_x": "no_such_column",
    "page": "-5", "psize": "1e9", "next": "//evil.example", "group_by": "NaN",
}
PATH_VALUES = ["99999999999999999999", "-1", "abc%00", "..%2F..%2Fconfig.py", "x" * 300]


@pytest.mark.parametrize("value", [None, *PATH_VALUES])
def test_finding6_every_get_endpoint_survives_hostile_arguments(app, admin_client, place, value):
    """Generated from the URL map: every GET route, its path parts replaced by a hostile
    value (None: the routes without path parts) and hostile FAB list/API arguments
    added, as Admin (who reaches every view). One value per test, so they spread over
    the test workers."""
    import re

    make_order(app, place)
    tried = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint.endswith(("static", "logout")):
            continue
        if bool(rule.arguments) != (value is not None):
            continue
        url = re.sub(r"<(?:[a-z]+:)?[a-z_]+>", value or "", rule.rule)
        response = admin_client.get(url, query_string=HOSTILE_ARGS)
        tried += 1
        assert response.status_code < 500, url
    assert tried > 60
