"""Finding 7: FAB's screens still work under our CSP (script-src 'self' + nonce), checked
in a real headless Chromium: a list, a detail page and a form load with their scripts
running (select2 builds its widgets) and the console reports no CSP violation.
Skipped when no Chromium is installed."""
import shutil
import subprocess
import threading

import pytest
from werkzeug.serving import make_server

from tests.helpers import user_id

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no headless Chromium installed")


@pytest.fixture
def admin_server(app):
    """The app on a free port, every request carrying an admin's session cookie (the
    browser is logged in)."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id(app, "admin"))
        session["_fresh"] = True
        session["locale"] = "nl"
    cookie = client.get_cookie("session").value

    def logged_in(environ, start_response):
        environ["HTTP_COOKIE"] = f"session={cookie}"
        return app.wsgi_app(environ, start_response)

    server = make_server("127.0.0.1", 0, logged_in, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


def _open(url):
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr",
         "--v=0", "--virtual-time-budget=2000", "--dump-dom", url],
        capture_output=True, text=True, timeout=60)
    violations = [line for line in result.stderr.splitlines()
                  if "Content Security Policy" in line or "Refused to" in line]
    return result.stdout, violations


def test_finding_7_fab_screens_work_under_the_csp(app, admin_server):
    from app.service_requests.models import Product
    from tests.helpers import make_request

    with app.app_context():
        from app.extensions import db

        db.session.add(Product(code="HYP-UIT", name="Hypothecair uittreksel",
                               kind="mortgage_extract", unit_price="25.00"))
        db.session.commit()
    pk = make_request(app)
    for path, shows in (("/service-requests/list/", "Anna Jansen"),
                        (f"/service-requests/show/{pk}", "FB123456"),
                        ("/users/add", "select2-container")):
        dom, violations = _open(admin_server + path)
        assert shows in dom, path
        assert violations == [], (path, violations)
