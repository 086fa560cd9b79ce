"""What a user sees of the fast lists (app/listing.py) on a table with more rows than
the list counts: "10.000+"-style counts, pages within the counted rows, sorts that
follow their index, search forms without whole tables, partner averages kept current."""
import re

import pytest

from app.extensions import db
from app.faults import feedback
from app.faults.models import Contractor, WorkOrder
from bench.data import load
from tests.helpers import log_in

SCALE = 0.0001  # 100 requests, 30 work orders


@pytest.fixture
def admin(app, client):
    with app.app_context():
        sm = app.appbuilder.sm
        writer = sm.find_user(username="writer").id
        everyone = [u.id for u in sm.get_all_users()]
    load(app, SCALE, log=lambda *a: None, users=([writer], everyone), bench=False)
    app.config["LIST_COUNT_LIMIT"] = 40
    yield log_in(client, app, "admin")
    app.config.pop("LIST_COUNT_LIMIT")


def _url(app, endpoint, **args):
    from flask import url_for

    with app.test_request_context():
        return url_for(endpoint, **args)


def _order_numbers(page):
    return re.findall(r">(\d{4}-\d{7})<", page)


def test_a_long_list_counts_to_the_limit_and_serves_no_deeper_page(admin):
    page = admin.get("/service-requests/list/").get_data(as_text=True)
    assert "40+" in page and "zoek of sorteer om oudere te vinden" in page
    first = _order_numbers(page)
    assert len(first) == 25
    # page 1 (0-based) holds rows 26–40; page 999 shows that same last counted page
    last = _order_numbers(admin.get("/service-requests/list/?page_ServiceRequestView=1")
                          .get_data(as_text=True))
    deep = _order_numbers(admin.get("/service-requests/list/?page_ServiceRequestView=999")
                          .get_data(as_text=True))
    assert len(last) == 25 and deep == last and not set(last) & set(first)
    big = admin.get("/service-requests/list/?psize_ServiceRequestView=100000")
    assert len(_order_numbers(big.get_data(as_text=True))) == 100  # page size capped


def test_a_short_list_shows_its_exact_count(admin):
    page = admin.get("/service-requests/status/received/list/").get_data(as_text=True)
    assert "+" not in re.search(r"Record Count|Aantal records.{0,80}", page, re.S).group(0)


def test_sorting_by_status_keeps_each_status_in_date_order(app, admin):
    page = admin.get("/service-requests/list/?_oc_ServiceRequestView=status"
                     "&_od_ServiceRequestView=asc&psize_ServiceRequestView=100")
    shown = _order_numbers(page.get_data(as_text=True))
    with app.app_context():
        rows = db.session.execute(db.text(
            "SELECT order_no, status, received_at FROM sr_request")).all()
    expected = [r.order_no for r in sorted(rows, key=lambda r: (r.status, r.received_at))]
    assert shown == expected[:len(shown)] and len(shown) == 100


def test_a_column_that_is_not_stored_is_not_offered_for_sorting(app, admin):
    response = admin.get(_url(app, "DeviceView.list", _oc_DeviceView="code",
                              _od_DeviceView="asc"))
    assert response.status_code == 200  # was a server error
    assert "_oc_DeviceView=code" not in response.get_data(as_text=True)


def _search_select(page, column):
    """Whether the search form (FAB's JSON of form fields) has a select for `column`."""
    return re.search(r'"' + re.escape(column) + r'":\s*"\\u003cselect', page) is not None


def test_search_forms_list_no_whole_table(app, admin):
    # A tab's list on its own: its search form no longer offers every request.
    page = admin.get(_url(app, "CustomerFeedbackView.list")).get_data(as_text=True)
    assert not _search_select(page, "service_request")
    reports = admin.get(_url(app, "FaultReportView.list")).get_data(as_text=True)
    assert _search_select(reports, "location")  # 200 locations: a select is fine
    assert not _search_select(reports, "device")  # 20,000 devices are not


def test_a_partners_average_follows_each_new_rating(app, admin):
    with app.app_context():
        order = db.session.query(WorkOrder).filter(WorkOrder.status == "completed",
                                                   ~WorkOrder.ratings.any()).first()
        contractor_id = order.contractor_id
        before = db.session.get(Contractor, contractor_id).rating_count
        feedback.rate(order, speed="5", communication="4", quality="3", solved="yes")
        db.session.commit()
    with app.app_context():
        partner = db.session.get(Contractor, contractor_id)
        assert partner.rating_count == before + 1
        ratings = [o.rating for o in partner.work_orders if o.rating]
        assert partner.rating_count == len(ratings)
        assert partner.rating_speed_sum == sum(r.speed for r in ratings)
        name = partner.name
    page = admin.get(_url(app, "ContractorView.list")).get_data(as_text=True)
    assert name in page and f"({before + 1}×)" in page


# Tables of a few hundred rows by nature: sorting them is sorting a page's worth.
SMALL_TABLES = {
    "sr_product": "the products the office sells",
    "fault_location": "the buildings under maintenance",
    "fault_contractor": "the maintenance partners",
    "fault_sticker_batch": "a batch is a print run of hundreds of stickers",
    "ab_user": "the staff's accounts",
    "ab_role": "the roles an administrator defines",
    "ab_group": "the groups an administrator defines",
}


def test_every_sortable_column_has_an_index_that_ends_with_the_key(app):
    """A sort link is a walk down an index only if the index holds the tie-break too:
    (column, …, id). An index on the column alone serves SQLite (its rowid rides along)
    but not PostgreSQL, which then sorts the whole table for every page (a million
    requests by balance: 425 ms)."""
    from app.listing import FastSQLAInterface

    missing = set()
    with app.app_context():
        for view in app.appbuilder.baseviews:
            datamodel = getattr(view, "datamodel", None)
            if (not isinstance(datamodel, FastSQLAInterface) or not view.order_columns
                    or datamodel.obj.__tablename__ in SMALL_TABLES):
                continue
            for column in view.order_columns:
                if datamodel._index_tail(column) is None:
                    missing.add(f"{datamodel.obj.__tablename__}.{column}")
    assert missing == set(), f"sortable without an index (column, …, id): {sorted(missing)}"
