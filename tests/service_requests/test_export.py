"""Export of lists: the rows the list shows (filters, sort, base filters), the list's
columns, streamed in bounded memory, for whoever may read the list."""
import csv
import io
import re
import zipfile

import pytest
from flask import url_for
from sqlalchemy import text

from app.extensions import db
from tests.helpers import make_request


def _rows(response):
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def _bulk_requests(app, count):
    """`count` requests made by the database in one INSERT … SELECT (set-up of volume
    only, no workflow): half of them received, half assigned, a second apart."""
    columns = ("order_no", "status", "urgency", "received_at", "applicant_name",
               "applicant_email", "id_checked", "version_id", "created_at", "updated_at")
    with app.app_context(), db.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            numbers = ("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n "
                       "WHERE i < :last) ")
            order_no, name, email = "printf('B%08d', i)", "'Naam ' || i", "'a' || i || '@example.org'"
            when = "strftime('%Y-%m-%d %H:%M:%f000', '2026-01-01', '+' || i || ' seconds')"
            source, false = "n", "0"
        else:
            numbers = ""
            order_no = "'B' || lpad(i::text, 8, '0')"
            name, email = "'Naam ' || i", "'a' || i || '@example.org'"
            when = "timestamptz '2026-01-01 00:00:00+00' + i * interval '1 second'"
            source, false = "generate_series(0, :last) AS n(i)", "false"
        status = "CASE WHEN i % 2 = 1 THEN 'received' ELSE 'assigned' END"
        conn.execute(text(
            f"{numbers}INSERT INTO sr_request ({', '.join(columns)}) "
            f"SELECT {order_no}, {status}, 'online', {when}, {name}, {email}, {false}, 1, "
            f"{when}, {when} FROM {source}"), {"last": count - 1})


@pytest.fixture
def truncate_requests(app):
    """Many requests go with one TRUNCATE on PostgreSQL (the per-test DELETE of 200,000
    rows took longer than the test)."""
    yield
    with app.app_context(), db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE sr_request CASCADE"))


def test_csv_has_the_lists_columns_filters_and_sort(app, products, client_for):
    make_request(app, name="Zoë Ångström", email="zoe@example.org", id_number="=1+2")
    make_request(app, "KAD-UIT", name="Bram Bos", email="bram@example.org", urgency="urgent", on_behalf_of="registrar")
    make_request(app, "MEETBRIEF", name="Carla Cruz", email="carla@example.org")
    client = client_for("Viewer")

    page = client.get("/service-requests/list/?_flt_2_applicant_name=a&_oc_ServiceRequestView="
                      "applicant_name&_od_ServiceRequestView=desc").get_data(as_text=True)
    link = re.search(r'href="([^"]*/export/csv[^"]*)"', page).group(1).replace("&amp;", "&")
    assert "_flt_2_applicant_name=a" in link and "_od_ServiceRequestView=desc" in link

    response = client.get(link)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _rows(response)
    assert rows[0] == ["Bestelnr.", "Urgentie", "Status", "Datum en tijd", "Aanvrager",
                       "E-mail", "ID-kaartnummer", "Product", "Uitschrijver", "Openstaand saldo",
                       "Streefdatum"]
    names = [row[4] for row in rows[1:]]
    assert names == ["Carla Cruz", "Bram Bos"]  # contains "a", sorted descending
    # The badge's text, not its HTML.
    assert "<" not in ";".join(rows[2])
    everything = _rows(client.get("/service-requests/export/csv"))
    # A value that starts like a formula is written as text.
    assert "'=1+2" in [cell for row in everything for cell in row]


def test_a_blue_button_exports_only_its_own_rows(app, products, client_for):
    make_request(app, name="Snel", urgency="urgent", on_behalf_of="registrar")
    make_request(app, name="Gewoon")
    rows = _rows(client_for("Viewer").get("/service-requests/urgent/export/csv"))
    assert [row[4] for row in rows[1:]] == ["Snel"]


def test_xlsx_is_a_workbook_with_typed_cells(app, products, client_for):
    make_request(app, name="Anna")
    make_request(app, name="Bert")
    response = client_for("Viewer").get("/service-requests/export/xlsx")
    assert response.status_code == 200
    book = zipfile.ZipFile(io.BytesIO(response.get_data()))
    sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<row ") == 3
    assert "Anna" in sheet and "Bert" in sheet


def test_export_needs_the_lists_read_permission(app, client_for, client):
    assert client.get("/service-requests/export/csv").status_code == 302  # to the login page
    # The facility manager may not read service requests, so may not export them.
    assert client_for("FacilityManager").get("/service-requests/export/csv").status_code == 403
    assert client_for("Viewer").get("/service-requests/export/pdf").status_code == 404


LISTS = ["ServiceRequestView", "UrgentRequestsView", "ProductView", "UnmatchedMailView",
         "FaultReportView", "WorkOrderView", "DeviceView", "LocationView", "ContractorView",
         "RatingView", "ComplaintView", "StickerCodeView", "AuditEntryView", "OutboxView", "JobRunView"]


@pytest.mark.parametrize("view", LISTS)
def test_every_list_has_export_buttons_that_work(app, admin_client, view):
    with app.test_request_context():
        url = url_for(f"{view}.list")
    html = admin_client.get(url).get_data(as_text=True)
    links = re.findall(r'href="([^"]*/export/(?:csv|xlsx)[^"]*)"', html)
    assert len(links) == 2, url
    for link in links:
        assert admin_client.get(link.replace("&amp;", "&")).status_code == 200


def _peak_rss_reset():
    """Reset the kernel's peak-memory mark of this process; False where that is not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        return False
    return True


def _rss_kb(field):
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(field)


def test_two_hundred_thousand_rows_stream_in_bounded_memory(app, client_for, truncate_requests):
    _bulk_requests(app, 200_000)
    client = client_for("Viewer")
    measured = _peak_rss_reset()
    before = _rss_kb("VmRSS") if measured else 0
    # Half of them through a filter in the URL: the filter runs in the database too.
    response = client.get("/service-requests/export/csv?_flt_3_status=received", buffered=False)
    lines, size = 0, 0
    for chunk in response.response:
        chunk = chunk.encode() if isinstance(chunk, str) else chunk
        lines += chunk.count(b"\n")
        size += len(chunk)
    response.close()
    assert lines == 1 + 100_000
    if measured:
        grown_mb = (_rss_kb("VmHWM") - before) / 1024
        # The file is ~7 MB and 100,000 loaded requests would take hundreds of MB;
        # one batch at a time stays far below either.
        assert size > 5_000_000
        assert grown_mb < 40, f"memory grew {grown_mb:.0f} MB while exporting"
