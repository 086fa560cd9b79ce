"""The browser suite: Playwright driving Debian's Chromium (never a downloaded browser)
against the session's app, served by a thread on 127.0.0.1 (helpers such as
browser_log_in and guide_shot are in tests/helpers.py).

Without Chromium or Playwright every browser test is skipped with one line naming the
package to install. A failing test leaves a screenshot in tests/artifacts/.
"""
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.helpers import ARTIFACTS, free_port

CHROMIUM = Path("/usr/bin/chromium")
SKIP = ("browser suite skipped: Chromium is not installed "
        "(Debian package `chromium`: apt-get install -y chromium)")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--no-first-run",
        "--disable-default-apps", "--disable-sync", "--mute-audio"]


@pytest.fixture(scope="session")
def live_server(app):
    """The app on a free port of 127.0.0.1, in a thread, for the whole session."""
    app.config["SERVER_NAME"] = None
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        pytest.skip(SKIP)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser suite skipped: Playwright is not installed (pip install -r "
                    "requirements.txt)")
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")),
        headless=True, args=ARGS)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser page (own cookies) at desktop size; screenshot on failure."""
    context = browser.new_context(base_url=live_server, locale="nl-NL",
                                  viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    if getattr(request.node, "failed", False):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        item.failed = True
