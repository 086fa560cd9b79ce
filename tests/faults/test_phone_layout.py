"""The public pages on a 360 px phone in a real headless Chromium: nothing is wider than
the screen (long e-mail addresses, wide photos, tables), so the phone does not zoom out
and a tap lands on the button the user sees. Skipped when no Chromium is installed."""
import base64
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from app.extensions import db
from app.faults import tokens
from app.faults.models import Complaint, Contractor, Location
from tests.helpers import make_order, submit

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no headless Chromium installed")
LONG_EMAIL = "storingen.en.onderhoud.afdeling-noord@contractpartner-met-een-lange-naam.example"
# Headless Chromium's window is at least 500 px wide: the page runs in a 360 px frame
# (its own viewport) and reports its width to the outer page.
MEASURE = ('<script>window.addEventListener("load", function () {'
           ' parent.postMessage(document.documentElement.scrollWidth + "x" + window.innerWidth,'
           ' "*"); });</script>')
FRAME = ('<!doctype html><body style="margin:0"><iframe src="{src}" style="width:360px;'
         'height:800px;border:0"></iframe><script>window.addEventListener("message",'
         ' function (e) {{ document.body.setAttribute("data-measured", e.data); }});</script>'
         '</body>')


def _wide_png():
    out = io.BytesIO()
    Image.new("RGB", (1600, 300), (20, 120, 200)).save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _width(app, html, tmp_path, name):
    """(page width, viewport width) of `html` rendered at 360 px."""
    static = Path(app.static_folder).resolve()
    html = html.replace('href="/static/', f'href="file://{static}/').replace(
        'src="/static/', f'src="file://{static}/')
    wide = _wide_png()
    html = re.sub(r'src="/(wo|r|c)/[^"]+"', f'src="{wide}"', html)
    html = html.replace("</body>", MEASURE + "</body>")
    (tmp_path / f"{name}.html").write_text(html, encoding="utf-8")
    harness = tmp_path / f"{name}-frame.html"
    harness.write_text(FRAME.format(src=f"{name}.html"), encoding="utf-8")
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--allow-file-access-from-files", "--window-size=800,900",
         "--virtual-time-budget=3000", "--dump-dom", harness.as_uri()],
        capture_output=True, text=True, timeout=60)
    match = re.search(r'data-measured="(\d+)x(\d+)"', result.stdout)
    assert match, result.stderr[-2000:]
    return int(match.group(1)), int(match.group(2))


def test_public_pages_fit_a_360px_phone(app, client, place, tmp_path):
    with app.app_context():
        contractor = db.session.get(Contractor, place["contractor_id"])
        contractor.email = LONG_EMAIL
        location = db.session.get(Location, place["location_id"])
        location.contact_email = LONG_EMAIL
        location.name = "Hoofdkantoor-Amstelveen-Laan-van-Kronenburg-veertien-begane-grond"
        db.session.commit()
    links = make_order(app, place, description="Lekkage" + "-onder-de-koffieautomaat" * 4)
    submit(client, links["r"], {"text": "Niemand gekomen"}, post_url=links["r"] + "/complaint")
    with app.app_context():
        complaint = "/c/" + tokens.token_for(db.session.scalars(select(Complaint)).one())
    pages = {"contractor": links["wo"], "complaint": complaint, "reporter": links["r"],
             "report": "/report", "scan": f"/q/{place['codes'][0]}"}
    for name, url in pages.items():
        html = app.test_client().get(url).get_data(as_text=True)
        assert LONG_EMAIL in html or name in ("report", "scan"), name
        page_width, viewport = _width(app, html, tmp_path, name)
        assert viewport == 360, (name, viewport)
        assert page_width <= viewport, f"{name}: {page_width} px wide on a {viewport} px phone"
