"""Small things a clerk notices: a click on a list row opens the request (real headless
Chromium), every page says its language, the payment method has a label, the browser
gets a favicon."""
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers import load, make_request
from tests.service_requests.test_manual_walk import show

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Record where the row click would go, then click a plain cell of the first row.
RECORD = ('<script>window.srOpenRow = function (href) {'
          ' document.body.setAttribute("data-opened", href); };</script>')
CLICK = ('<script>window.addEventListener("load", function () {'
         ' var cell = document.querySelector("table tbody tr td:last-child");'
         ' cell.dispatchEvent(new MouseEvent("click", {bubbles: true})); });</script>')


@pytest.mark.skipif(CHROMIUM is None, reason="no headless Chromium installed")
def test_a_click_on_a_list_row_opens_the_request(app, products, viewer_client, tmp_path):
    pk = make_request(app, name="Rij Klik", email="rij@example.org")
    html = viewer_client.get("/service-requests/list/").get_data(as_text=True)
    static = Path(app.static_folder).resolve()
    html = html.replace('src="/static/js/', f'src="file://{static}/js/')
    html = html.replace("</head>", RECORD + "</head>", 1).replace("</body>", CLICK + "</body>")
    harness = tmp_path / "list.html"
    harness.write_text(html, encoding="utf-8")
    dom = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--allow-file-access-from-files", "--virtual-time-budget=3000", "--dump-dom",
         harness.as_uri()], capture_output=True, text=True, timeout=60).stdout
    assert f'data-opened="/service-requests/show/{pk}"' in dom, dom[-1500:]
    assert load(app, pk).applicant_name == "Rij Klik"


def test_every_page_says_its_language(app, products, viewer_client, client):
    pk = make_request(app)
    for page in (viewer_client.get("/service-requests/list/").get_data(as_text=True),
                 show(viewer_client, pk), client.get("/login/").get_data(as_text=True)):
        assert re.search(r'<html lang="nl">', page), page[:200]
    viewer_client.get("/lang/en")
    assert '<html lang="en">' in viewer_client.get("/service-requests/list/").get_data(
        as_text=True)


def test_the_payment_method_select_has_a_label(app, products, client_for):
    pk = make_request(app, status="delivered", writer="writer")
    page = show(client_for("Finance"), pk)
    assert '<label for="pay_method">Betaalwijze</label>' in page
    assert '<select name="method" id="pay_method"' in page


def test_the_browser_gets_a_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.data[:4] == b"\x00\x00\x01\x00"


def test_request_times_are_shown_in_paramaribo_time(app, products, viewer_client):
    """The office is in Suriname: its screens show America/Paramaribo (UTC-3), whatever
    the rest of the back office uses."""
    from datetime import UTC, datetime

    from app.extensions import db
    from app.service_requests.models import ServiceRequest

    pk = make_request(app)
    with app.app_context():
        db.session.get(ServiceRequest, pk).received_at = datetime(2026, 11, 23, 13, 5, tzinfo=UTC)
        db.session.commit()
    page = show(viewer_client, pk)
    assert "23-11-2026 10:05" in page and "23-11-2026 14:05" not in page
    listing = viewer_client.get("/service-requests/list/").get_data(as_text=True)
    assert "23-11-2026 10:05" in listing
