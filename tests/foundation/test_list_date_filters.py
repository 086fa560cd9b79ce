"""A date typed into a list's search is read in the zone the list shows its times in and
compared with the stored UTC times: every date filter of every list answers, none is a
server error (a naive datetime against a UTC column was one)."""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from flask import url_for
from flask_appbuilder import ModelView

from app.extensions import db
from app.service_requests.models import ServiceRequest
from app.time_filters import read_moment
from tests.helpers import load, make_request

TYPED = ["2026-11-30", "2026-11-30 10:00:00", "gisteren"]  # FAB's date picker; no date


def _date_filters(app):
    """(list url, column, filter index, filter name) for each date filter of each list."""
    found = []
    with app.test_request_context():
        for view in app.appbuilder.baseviews:
            if not isinstance(view, ModelView) or getattr(view, "datamodel", None) is None:
                continue
            model = view.datamodel
            for column in view.search_columns:
                if not (model.is_datetime(column) or model.is_date(column)):
                    continue
                for index, flt in enumerate(view._filters._search_filters[column]):
                    found.append((url_for(f"{view.endpoint}.list"), column, index, str(flt.name)))
    return found


def test_every_date_filter_of_every_list_answers(app, admin_client, products):
    make_request(app)  # a row to compare with
    filters = _date_filters(app)
    assert len({url for url, *_ in filters}) >= 8  # requests, orders, reports, ratings, audit…
    by_list = {}
    for url, column, index, _name in filters:
        by_list.setdefault(url, []).append(f"_flt_{index}_{column}")
    failed = []
    for url, arguments in by_list.items():
        for value in TYPED:  # all of a list's date filters at once: FAB applies each
            response = admin_client.get(url, query_string=dict.fromkeys(arguments, value))
            if response.status_code != 200:
                failed.append((url, value, response.status_code))
    assert failed == []


def _listed(client, order_no, index, typed):
    with client.application.test_request_context():
        url = url_for("ServiceRequestView.list")
    page = client.get(url,
                      query_string={f"_flt_{index}_received_at": typed})
    assert page.status_code == 200
    return order_no in page.get_data(as_text=True)


def test_a_typed_time_is_read_in_the_lists_zone(app, admin_client, products):
    """The request list shows times in the office's zone (Paramaribo, UTC-3): a request
    received at 12:00 UTC is 09:00 there, after 08:30 and before 10:00 as typed."""
    pk = make_request(app)
    with app.app_context():
        db.session.get(ServiceRequest, pk).received_at = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
        db.session.commit()
    order_no = load(app, pk).order_no
    greater, smaller = 1, 2  # FAB's date filters: equal, greater, smaller, not equal
    assert _listed(admin_client, order_no, greater, "30-11-2026 08:30")
    assert not _listed(admin_client, order_no, smaller, "2026-11-30 08:30:00")
    assert _listed(admin_client, order_no, smaller, "2026-11-30 10:00:00")
    assert not _listed(admin_client, order_no, greater, "2026-11-30 10:00:00")
    assert _listed(admin_client, order_no, greater, "29-11-2026")


@pytest.mark.parametrize("typed", ["2026-11-03", "03-11-2026", "3-11-2026 00:00"])
def test_year_first_and_day_first_dates_are_the_same_day(typed):
    assert read_moment(typed, ZoneInfo("America/Paramaribo")) == datetime(
        2026, 11, 3, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize("typed", ["gisteren", "0001-01-01", "31-02-2026", ""])
def test_no_date_is_no_value(typed):
    assert read_moment(typed, ZoneInfo("Europe/Amsterdam")) is None


def test_every_date_filter_of_every_api_answers(app, client, products):
    """The portal's REST filters: a typed date is read as on the screens; an operator a
    time column does not have is a 400 naming it, never a server error."""
    from flask_appbuilder.api import ModelRestApi

    from tests.helpers import PASSWORD

    make_request(app)
    token = client.post("/api/v1/security/login", json={
        "username": "admin", "password": PASSWORD, "provider": "db"}).get_json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    failed, tried = [], 0
    for api in app.appbuilder.baseviews:
        if not isinstance(api, ModelRestApi):
            continue
        for column in api.search_columns:
            if not api.datamodel.is_datetime(column):
                continue
            own = [flt.arg_name for flt in api._filters._search_filters[column]]
            for opr in [*own, "gt", "eq"]:
                for value in ("2026-11-30", "gisteren"):
                    tried += 1
                    response = client.get(
                        f"/api/v1/{api.resource_name}/?q=(filters:!((col:{column},"
                        f"opr:{opr},value:'{value}')))", headers=headers)
                    if response.status_code != (200 if opr in own else 400):
                        failed.append((api.resource_name, column, opr, value,
                                       response.status_code))
    assert tried and failed == []


def test_equal_to_a_typed_date_is_that_whole_day_in_the_lists_zone(app, admin_client,
                                                                    products):
    """Received at 23:30 on 30 November in Paramaribo (02:30 UTC on 1 December): equal
    to 30-11-2026 finds it, equal to 1 December does not; not equal is the other days."""
    late, early = make_request(app), make_request(app)
    with app.app_context():
        db.session.get(ServiceRequest, late).received_at = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)
        db.session.get(ServiceRequest, early).received_at = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
        db.session.commit()
    late_no, early_no = load(app, late).order_no, load(app, early).order_no
    equal, not_equal = 0, 3
    for typed in ("30-11-2026", "2026-11-30"):
        assert _listed(admin_client, late_no, equal, typed)
        assert _listed(admin_client, early_no, equal, typed)  # 00:00 there, the day's start
        assert not _listed(admin_client, late_no, not_equal, typed)
    assert not _listed(admin_client, late_no, equal, "01-12-2026")
    assert _listed(admin_client, late_no, not_equal, "01-12-2026")
    assert not _listed(admin_client, early_no, equal, "29-11-2026")
    # a typed time is that moment
    assert _listed(admin_client, late_no, equal, "30-11-2026 23:30")
    assert not _listed(admin_client, late_no, equal, "30-11-2026 23:00")


def test_moment_eq_to_a_typed_date_is_that_whole_day_in_the_apis(app, client, place):
    """The work orders' API (the faults' zone, Amsterdam): an order made at 23:30 UTC on
    30 November is 00:30 on 1 December there."""
    from app.faults.models import WorkOrder
    from tests.helpers import PASSWORD, make_order

    order_id = make_order(app, place)["order_id"]
    with app.app_context():
        db.session.get(WorkOrder, order_id).created_at = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
        db.session.commit()
    token = client.post("/api/v1/security/login", json={
        "username": "admin", "password": PASSWORD, "provider": "db"}).get_json()["access_token"]

    def found(opr, value):
        response = client.get(
            f"/api/v1/workorder/?q=(filters:!((col:created_at,opr:{opr},value:'{value}')))",
            headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
        return order_id in response.get_json()["ids"]

    assert found("moment_eq", "2026-12-01") and found("moment_eq", "01-12-2026")
    assert not found("moment_eq", "2026-11-30")
    assert not found("moment_neq", "2026-12-01")
    assert found("moment_neq", "2026-11-30")
