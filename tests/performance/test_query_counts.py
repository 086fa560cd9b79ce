"""Each list and detail page runs a fixed, small number of SQL statements, whatever the
number of rows on the page: a relation shown per row (an N+1) fails here at once.

The ceilings are what each page needs today (session 1, user 1, count 1, page 1, one per
relation shown; the permission set comes from the cache, app/cache.py); a page that needs
more must say why in this table."""
from datetime import date, timedelta

import pytest
from flask import url_for
from sqlalchemy import event

from app.extensions import db
from bench.data import load
from bench.pages import our_list_views
from tests.helpers import log_in

SCALE = 0.0001  # 100 requests with 1–3 lines, 30 fault reports and orders: full pages

# List page → statements it runs (a ceiling: lower is welcome). Every page costs
# 2 for the session (server-side: one SELECT by key, counted here like any other) and the
# user; the user's permission set is kept in the cache and dropped when roles change (no
# statement; it took one before sessions were server-side, so the ceilings stay
# where they were); 1 bounded count, 1 page; then 1 per relation a
# column shows and 1 per relation field in the search form. A page not named here may
# run at most DEFAULT.
DEFAULT = 8
# The sticker list (7) also shows each code's batch, and offers the ten newest batches to
# print and a new batch for a location (the locations): one statement each.
# A member of staff's unread notifications (the bell in the menu bar) are counted in the
# statement that loads the user: no statement of their own.
# The audit log (4 + 1) names the records its entries belong to and the ids they changed:
# one statement per kind of record on the page (here the work orders), never one per row.
# A relation shown that the search form also offers as a select (a location, a partner:
# small tables) is joined into the page's statement instead of a statement of its own.
LISTS = {
    "ServiceRequestView": 6, "UrgentRequestsView": 6, "MortgageExtractRequestsView": 6,
    "StatusPaidView": 6, "FaultReportView": 7, "WorkOrderView": 7, "WorkOrderCompletedView": 7,
    "WorkOrderTab": 7, "RatingView": 5, "ComplaintView": 5, "LocationView": 5,
    "ContractorView": 4, "StickerCodeView": 7, "AuditEntryView": 5, "OutboxView": 4,
    "CustomerFeedbackView": 4, "DeviceView": 7, "DeviceTab": 6,
}
# Detail page (with its tabs) → statements it runs. The request: session, user, the
# request, its lines, writer, four money collections, one "which tabs are empty", the
# audit tab and the mails tab.
DETAIL_DEFAULT = 12
# The work order's page (10) also shows its complaints, rating, evidence and every order
# of the report, one statement each; its report, the report's device and location, and
# its partner come in the order's own statement (show_joined), as a report's location,
# device and order and a device's sticker, location and partner do.
DETAILS = {"ServiceRequestView": 12, "WorkOrderView": 10, "DeviceView": 6,
           "FaultReportView": 6}
TABLES = {"ServiceRequestView": "sr_request", "FaultReportView": "fault_report",
          "WorkOrderView": "fault_work_order", "ContractorView": "fault_contractor",
          "LocationView": "fault_location", "DeviceView": "fault_device",
          "RatingView": "fault_rating", "ComplaintView": "fault_complaint",
          "StickerCodeView": "fault_sticker_code", "AuditEntryView": "audit_entry",
          "StickerBatchView": "fault_sticker_batch"}


@pytest.fixture
def steady_cache(app):
    """The permission set as most requests find it: in the cache. Without Redis a process
    recomputes it every CACHE_LOCAL_TTL_SECONDS (10), one statement that a slow test run
    would otherwise meet at random; here it lives as long as the test."""
    from app.cache import cache

    local = cache(app)
    saved = getattr(local, "max_ttl", None)
    if saved is not None:
        local.max_ttl = 3600
    yield
    if saved is not None:
        local.max_ttl = saved


@pytest.fixture
def loaded(app, steady_cache):
    with app.app_context():
        sm = app.appbuilder.sm
        writer = sm.find_user(username="writer").id
        everyone = [u.id for u in sm.get_all_users()]
    load(app, SCALE, log=lambda *a: None, users=([writer], everyone), bench=False)
    return app


def _count(app, client, url, session_reads=1):
    statements = []
    with app.app_context():
        engine = db.engine
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    client.get(url)  # warm: the first request of a client may load more
    event.listen(engine, "before_cursor_execute", listen)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert response.status_code == 200, url
    # The session is read from its table on every page of staff, and counted like the rest.
    assert sum("web_session" in s for s in statements) == session_reads, statements
    return len(statements), statements


def test_every_list_and_detail_page_runs_a_fixed_number_of_queries(loaded, client):
    app = loaded
    admin = log_in(client, app, "admin")
    seen, too_many = {}, []
    with app.app_context(), app.test_request_context():
        # FAB's own user, role and group screens too: their roles, groups and
        # permissions are loaded per page (they cost one query per row in FAB).
        views = [type(v).__name__ for v in our_list_views(app.appbuilder)]
        urls = {name: url_for(f"{name}.list") for name in views}
    for name, url in urls.items():
        count, statements = _count(app, admin, url)
        seen[name] = count
        if count > LISTS.get(name, DEFAULT):
            too_many.append((name, count, statements))
    for name, table in TABLES.items():
        with app.app_context():
            pk = db.session.execute(db.text(f"SELECT min(id) FROM {table}")).scalar()
        with app.test_request_context():
            url = url_for(f"{name}.show", pk=pk)
        count, statements = _count(app, admin, url)
        seen[f"{name}.show"] = count
        if count > DETAILS.get(name, DETAIL_DEFAULT):
            too_many.append((f"{name}.show", count, statements))
    assert not too_many, "\n\n".join(f"{n}: {c}\n" + "\n".join(s) for n, c, s in too_many)


# The maintenance partner's portal (no account): the link (1) and the partner (1), one
# statement for the page of orders (every status's index walk in one UNION), their
# locations, reports and devices (1 each); the order page in the portal is the order
# page's own (details, documents, complaints) plus the link and the partner. No session
# is read: the partner has no account, and the CSRF token of the portal's forms rides in
# its own cookie instead of a stored session; an anonymous page has no permission query
# for the cache to save.
PORTAL_LIST = 6
PORTAL_ORDER = 12


def test_the_partner_portal_runs_a_fixed_number_of_queries_per_page(app, client):
    from app import audit
    from app.faults import portal, qr
    from app.faults.models import Contractor, Location, WorkOrder
    from tests.helpers import make_order

    with app.app_context():
        partner = Contractor(name="Partner", email="partner@example.org")
        location = Location(name="Hal", street="Weg 1", postcode="1000 AA", city="Stad",
                            default_contractor=partner)
        db.session.add(location)
        codes = [s.code for s in qr.create_batch(1)]
        db.session.commit()
        place = {"contractor_id": partner.id, "location_id": location.id, "codes": codes}

    def measured(orders):
        while len(made) < orders:
            made.append(make_order(app, place, description=f"Storing {len(made)}"))
        with app.app_context(), audit.acting_as("system", "test"):
            mail = portal.send_link(db.session.get(Contractor, partner.id))
            db.session.commit()
            link = "/p/" + mail.body_text.split("/p/", 1)[1].split()[0]
            order_id = db.session.scalar(db.select(WorkOrder.id).order_by(WorkOrder.id))
        return (_count(app, client, link, session_reads=0)[0],
                _count(app, client, f"{link}/wo/{order_id}", session_reads=0)[0])

    made = []
    few = measured(2)
    many = measured(8)
    assert few == many, "the portal's statements grow with its orders (an N+1)"
    assert many[0] <= PORTAL_LIST and many[1] <= PORTAL_ORDER, many


# Dashboard → statements its page runs (measured, with the closed days in the nightly job's
# per-day counts and today counted live): a figure costs one or two statements (its sum
# over the day counts, the live rows of today, the names of its keys), never one per
# record or per day. The service requests' page runs 15, the faults' page 19 here (more
# figures: per location, per partner, the ratings trend; the bench's larger load counted
# 21 there, where figures empty here also look up their keys' names).
DASHBOARDS = {"service-requests": 15, "faults": 19}


def test_each_dashboard_runs_a_fixed_number_of_queries(loaded, client):
    from app.dashboard.daily import rebuild
    from app.dashboard.registry import every_dashboard

    app = loaded
    with app.app_context():
        # The last two years of counts (the data spans ten; the statements a dashboard
        # runs do not grow with the days written, and ten years took 12 s to write).
        rebuild(db.session, since=date.today() - timedelta(days=730), commit=True)
        names = [dashboard.name for dashboard in every_dashboard()]
    admin = log_in(client, app, "admin")
    seen = {}
    for name in names:
        with app.test_request_context():
            url = url_for("DashboardView.show", name=name)
        seen[name] = _count(app, admin, url)[0]
    too_many = {name: count for name, count in seen.items() if count > DASHBOARDS[name]}
    assert not too_many, seen


def test_the_public_report_form_runs_one_statement_for_an_anonymous_visitor(loaded):
    """The locations for its select, nothing else: no stored session read or written (its
    CSRF token rides in a cookie), no partners."""
    visitor = loaded.test_client()
    statements = []
    with loaded.app_context():
        engine = db.engine
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        for _ in range(2):
            response = visitor.get("/report")
            assert response.status_code == 200
            assert 'name="csrf_token"' in response.get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert len(statements) == 2, statements
    assert all("fault_location" in s for s in statements), statements
