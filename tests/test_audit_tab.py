"""The one Audit tab renderer (also behind the shared audit log screen) reads ids as names
with one query per kind of record, not one per entry, for both domains' readers."""
import csv
import io
import re
import zipfile

from sqlalchemy import event

from app import audit
from app.audit import tab
from app.audit.models import AuditEntry
from app.audit.tab import tab_rows
from app.extensions import db
from app.faults.models import Contractor
from tests.helpers import load, make_request, visible_text


def _entries(count, ids):
    return [AuditEntry(at=None, actor_type="system", actor_name="t", action="update",
                       entity_type="WorkOrder", subject_type="WorkOrder", field="contractor_id",
                       old_value=str(ids[i % len(ids)]), new_value=str(ids[(i + 1) % len(ids)]))
            for i in range(count)]


def _queries(app, entries):
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        rows = tab_rows(entries)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return rows, len(statements)


def test_names_come_in_one_query_whatever_the_number_of_entries(app):
    with app.app_context(), audit.acting_as("system", "test"):
        partners = [Contractor(name=f"Partner {n}", email=f"p{n}@example.org") for n in range(4)]
        db.session.add_all(partners)
        db.session.commit()
        ids = [p.id for p in partners]
        few, few_queries = _queries(app, _entries(2, ids))
        many, many_queries = _queries(app, _entries(40, ids))
    assert few_queries == many_queries == 1
    assert many[0]["field"] and many[0]["old"] == "Partner 0" and many[0]["new"] == "Partner 1"
    assert {r["new"] for r in many} == {f"Partner {n}" for n in range(4)}



def _log_page(app, client, url):
    """The page's visible text and the number of statements it ran."""
    statements = []

    def count(*_args):
        statements.append(1)

    client.get(url)  # warm: the first request of a client may load more
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return visible_text(response.get_data(as_text=True)), len(statements)


LOG = "/auditentryview/list/?psize_AuditEntryView=100"


def test_the_audit_log_screen_shows_names_not_ids_in_one_query_per_kind(app, products,
                                                                       admin_client):
    first = make_request(app, code="MEETBRIEF", name="Eerste Klant")
    text, few = _log_page(app, admin_client, LOG)
    for _more in range(4):
        make_request(app, code="KAD-UIT", name="Nog Een")
    text, many = _log_page(app, admin_client, LOG)
    order_no = load(app, first).order_no
    # "Belongs to" names the request, a product line names its product
    assert order_no in text
    assert "Product: — → Meetbrief" in text and "Product: — → Kadastraal uittreksel" in text
    assert not re.search(r"Product: — → \d", text) and not re.search(r"Aanvraag #\d", text)
    assert many == few, "one query per kind of record, whatever the number of entries"


def _export(app, client, fmt, batch=None, monkeypatch=None):
    """The audit log exported as `fmt` (text of the CSV, or the XLSX's sheet XML) and the
    number of statements the export ran; `batch`: rows per batch of the export."""
    from app.export import views as export_views

    if batch is not None:
        monkeypatch.setattr(export_views, "BATCH", batch)
    statements = []

    def count(*_args):
        statements.append(1)

    client.get("/auditentryview/list/")  # warm
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(f"/auditentryview/export/{fmt}")
        data = response.get_data()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    if fmt == "xlsx":
        return zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode(), len(statements)
    return data.decode("utf-8-sig"), len(statements)


def test_the_audit_log_export_shows_names_not_ids_with_queries_per_batch(
        app, products, admin_client, monkeypatch):
    first = make_request(app, code="MEETBRIEF", name="Eerste Klant")
    order_no = load(app, first).order_no
    text, few = _export(app, admin_client, "csv")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = rows[0]
    belongs_to, change = header.index("Hoort bij #"), header.index("Wijziging")
    # the product line's entry names its product and the request it belongs to
    [line] = [row for row in rows[1:] if row[change] == "Product: — → Meetbrief"]
    assert line[belongs_to] == order_no
    assert not [row for row in rows[1:] if re.fullmatch(r"Product: — → \d+", row[change])]
    assert not [row for row in rows[1:] if row[header.index("Hoort bij")] == "Aanvraag"
                and row[belongs_to] != order_no]
    sheet, _queries = _export(app, admin_client, "xlsx")
    assert "<t>Product: — → Meetbrief</t>" in sheet and f"<t>{order_no}</t>" in sheet
    assert not re.search(r"<t>Product: — → \d+</t>", sheet)

    for _more in range(10):
        make_request(app, code="KAD-UIT", name="Nog Een")
    text, many = _export(app, admin_client, "csv")
    exported = text.count("\r\n") - 1
    assert exported > len(rows) + 100
    assert "Product: — → Kadastraal uittreksel" in text
    assert many == few, "one batch: one query per kind of record, whatever the number of rows"
    # In batches of 50 rows: at most one query per kind of record (and the rows' users)
    # per further batch, never one per row.
    _text, batched = _export(app, admin_client, "csv", batch=50, monkeypatch=monkeypatch)
    batches = -(-exported // 50)
    kinds = len({*tab.NAMES.values(), *tab.RECORD_NAMES.values()}) + 1
    assert batched <= many + (batches - 1) * kinds < exported / 2
