"""The Scan QR script (app/static/js/faults_scan.js) in a real headless Chromium:
the button appears only when the script and jsQR have loaded, and a phone without
a usable camera gets a clear message on the page while the form keeps working.
Skipped when no Chromium is installed."""
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which(
    "google-chrome")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no headless Chromium installed")

CLICK = ('<script>window.addEventListener("load", function () {'
         ' var b = document.getElementById("scan-button");'
         ' document.body.setAttribute("data-shown", String(!b.hidden)); b.click(); });</script>')
NO_CAMERA_API = ('<script>Object.defineProperty(navigator, "mediaDevices", '
                 '{value: undefined});</script>')


def _run(app, client, tmp_path, before_body="", drop=None):
    """Render /report, point its static files at the disk, run it, return the DOM."""
    static = Path(app.static_folder).resolve()
    html = client.get("/report").get_data(as_text=True)
    if drop:
        html = html.replace(drop, "")
    html = html.replace('src="/static/', f'src="file://{static}/').replace(
        'href="/static/', f'href="file://{static}/')
    html = html.replace("<body>", "<body>" + before_body, 1).replace("</body>", CLICK + "</body>")
    harness = tmp_path / "report.html"
    harness.write_text(html, encoding="utf-8")
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
         "--virtual-time-budget=3000", "--dump-dom", harness.as_uri()],
        capture_output=True, text=True, timeout=60)
    return result.stdout


def test_without_camera_the_page_says_so_and_the_form_still_works(app, client, place, tmp_path):
    dom = _run(app, client, tmp_path, before_body=NO_CAMERA_API)
    assert 'data-shown="true"' in dom  # the script showed the button
    assert ('<p id="scanned-device" class="muted" role="status" aria-live="polite">'
            "De camera kan niet worden geopend. Kies de locatie met de hand.</p>") in dom
    assert '<button type="button" id="scan-button" class="secondary">' in dom  # usable again
    assert '<div id="scanner" hidden="">' in dom
    assert '<select id="location_id" name="location_id">' in dom


def test_without_the_qr_reader_the_button_stays_hidden(app, client, place, tmp_path):
    dom = _run(app, client, tmp_path, drop='<script src="/static/vendor/jsqr/jsQR.js"></script>')
    assert 'data-shown="false"' in dom
    assert '<button type="button" id="scan-button" class="secondary" hidden="">' in dom
