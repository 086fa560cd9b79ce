"""A product-kind button (Mortgage extracts, Cadastral extracts, Survey maps) reads a
flag stored on the request and kept by its lines, in an index with the list's order:
one index walk, not a question to the lines of every request on the way."""
from decimal import Decimal

from sqlalchemy import event

from app.extensions import db
from app.service_requests.models import Product, RequestedProductLine, ServiceRequest
from tests.helpers import make_request

SURVEY_MAPS = "/service-requests/kind/survey_map/list/"


def _flags(pk):
    sr = db.session.get(ServiceRequest, pk)
    return {k for k in ("mortgage_extract", "cadastral_extract", "survey_map")
            if getattr(sr, f"has_{k}")}


NAMES = {"Anna Ankersmit", "Bert Bromet"}


def _listed(client, url):
    """The applicants on the list's page."""
    page = client.get(url).get_data(as_text=True)
    return {name for name in NAMES if name in page}


def test_the_flags_follow_the_lines_and_the_button_lists_exactly_those(
        app, products, admin_client):
    mortgage = make_request(app, code="HYP-UIT", name="Anna Ankersmit")
    survey = make_request(app, code="MEETBRIEF", name="Bert Bromet")
    with app.app_context():
        assert _flags(mortgage) == {"mortgage_extract"}
        assert _flags(survey) == {"survey_map"}
        # A line added to the mortgage request: both kinds, already after the flush.
        sr = db.session.get(ServiceRequest, mortgage)
        meetbrief = db.session.query(Product).filter_by(code="MEETBRIEF").one()
        sr.requested_lines.append(RequestedProductLine(product=meetbrief, quantity=1,
                                                       unit_price=Decimal("40.00")))
        db.session.flush()
        assert _flags(mortgage) == {"mortgage_extract", "survey_map"}
        db.session.commit()
    assert _listed(admin_client, SURVEY_MAPS) == NAMES
    with app.app_context():
        # The survey map line removed again; the other request's line changed product.
        sr = db.session.get(ServiceRequest, mortgage)
        sr.requested_lines.remove(next(line for line in sr.requested_lines
                                       if line.product.code == "MEETBRIEF"))
        other = db.session.get(ServiceRequest, survey).requested_lines[0]
        other.product = db.session.query(Product).filter_by(code="KAD-UIT").one()
        db.session.commit()
        assert _flags(mortgage) == {"mortgage_extract"}
        assert _flags(survey) == {"cadastral_extract"}
    assert _listed(admin_client, SURVEY_MAPS) == set()
    with app.app_context():
        # A product's kind edited: every request with a line of it follows.
        db.session.query(Product).filter_by(code="HYP-UIT").one().kind = "survey_map"
        db.session.commit()
        assert _flags(mortgage) == {"survey_map"}
    assert _listed(admin_client, SURVEY_MAPS) == {"Anna Ankersmit"}


def test_the_survey_map_button_walks_its_own_index(app, products, admin_client):
    for k in range(3):
        make_request(app, code="MEETBRIEF" if k % 2 else "HYP-UIT", name=f"Aanvrager {k}")
    statements = []
    with app.app_context():
        engine = db.engine
    listen = lambda conn, cursor, statement, params, *rest: statements.append(  # noqa: E731
        (statement, params))
    event.listen(engine, "before_cursor_execute", listen)
    try:
        assert admin_client.get(SURVEY_MAPS).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    [(page, params)] = [(s, p) for s, p in statements
                        if "FROM sr_request" in s and "LIMIT" in s and "ORDER BY" in s]
    # The flag, not a question to the lines of each request.
    assert "sr_request.has_survey_map" in page
    assert "sr_requested_line" not in page.split("FROM sr_request", 1)[1]
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            plan = " | ".join(str(row[-1]) for row in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + page, params))
        assert "ix_sr_request_survey_map_received" in plan, plan
        assert "TEMP B-TREE" not in plan, plan  # the index gives the order: no sort
