"""The search box finds a fault report by its number, its work order's number, location,
device and reporter; a role that may not open fault reports finds none."""
import re

from app.extensions import db
from app.faults.models import FaultReport
from tests.helpers import make_order, submit


def _found(client, query):
    html = client.get("/search/", query_string={"q": query}).get_data(as_text=True)
    return re.findall(r'href="/faultreportview/show/\d+"><strong>([^<]+)</strong>', html)


def test_finds_a_report_by_number_location_device_and_reporter(app, place, client_for):
    ids = make_order(app, place, photo=False)
    with app.app_context():
        report = db.session.get(FaultReport, ids["report_id"])
        number, order_no = report.number, report.work_order.number
    client = client_for("FacilityManager")
    for query in [number, order_no, "demo locatie", "kronenburg", "amstelveen",
                  "koffieautomaat", "keuken", place["codes"][0], "douwe demo",
                  "douwe@example", "088-5550555"]:
        assert _found(client, query) == [number], query
    assert _found(client, "wasmachine") == []


def test_a_role_that_may_not_open_fault_reports_finds_none(app, place, client_for):
    make_order(app, place, photo=False)
    assert _found(client_for("FacilityManager"), "koffieautomaat")
    assert _found(client_for("RoleManager"), "koffieautomaat") == []


def _edit(client, view, pk, **changes):
    """Save the edit form as a facility manager would: the form's values with `changes`."""
    form_url = f"/{view}/edit/{pk}"
    html = client.get(form_url).get_data(as_text=True)
    data = dict(re.findall(r'<input[^>]*?name="([a-z_]+)"[^>]*?value="([^"]*)"', html))
    for name, options in re.findall(r'<select[^>]*?name="([a-z_]+)"[^>]*>(.*?)</select>', html,
                                    re.S):
        chosen = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected',
                           options)
        if chosen:
            data[name] = chosen.group(1) or chosen.group(2)
    data.update(changes)
    response = submit(client, form_url, data)
    assert response.status_code == 302, re.findall(r'help-block[^>]*>\s*([^<]+)',
                                                   response.get_data(as_text=True))


def test_renaming_a_location_or_a_device_updates_the_search_of_its_reports(app, place,
                                                                           client_for):
    ids = make_order(app, place, photo=False)
    with app.app_context():
        report = db.session.get(FaultReport, ids["report_id"])
        number, device_id = report.number, report.device_id
    client = client_for("FacilityManager")
    _edit(client, "locationview", place["location_id"], name="Zorgcentrum Westhove",
          street="Laan van Kronenburg 14", postcode="1183 AS", city="Amstelveen")
    assert _found(client, "westhove") == [number]
    assert _found(client, "demo locatie") == []
    _edit(client, "deviceview", device_id, device_type="Espressomachine")
    assert _found(client, "espressomachine") == [number]
    assert _found(client, "koffieautomaat") == []


def test_rebuilding_the_index_reads_what_reports_show_per_batch_not_per_report(app, place):
    """`flask search reindex` after a bulk import: the location, device (and its sticker)
    and orders a report's text shows are loaded per batch; one report or three, the
    same statements (300,000 reports took 19 minutes one lazy load at a time)."""
    from sqlalchemy import event

    from app.search import reindex

    def statements():
        seen = []

        def remember(conn, cursor, statement, *args):
            seen.append(statement)

        with app.app_context():
            engine = db.engine
            event.listen(engine, "before_cursor_execute", remember)
            try:
                assert reindex(db.session, kinds={"faultreport"})["faultreport"] >= 1
            finally:
                event.remove(engine, "before_cursor_execute", remember)
        return len(seen)

    make_order(app, place)
    one = statements()
    make_order(app, place, description="Deur klemt")
    make_order(app, place, description="Lamp kapot")
    assert statements() == one
