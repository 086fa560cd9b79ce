"""The browser suite: Playwright driving Debian's Chromium (never a downloaded browser)
against the session's app, served by a thread on 127.0.0.1.

Without Chromium or Playwright every browser test is skipped with one line naming the
package to install. A failing test leaves a screenshot in tests/artifacts/.
"""
import shutil
import threading
from pathlib import Path

import pytest
from conftest import PASSWORD, free_port
from faults.conftest import jpeg, make_order, place  # noqa: F401  (fixtures shared)
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
AXE = Path(__file__).with_name("axe") / "axe.min.js"
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


def log_in(page, username):
    """Through the real login form, as a person would."""
    page.goto("/login/")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.locator("form [type=submit]").first.click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"login as {username} failed"


def guide_shot(page, name):
    """A screenshot for the user guides (docs/gebruikers/img/), taken by the test that
    walks that step; kept in tests/artifacts/guide/ and copied to the guides by
    `make guide-screenshots`."""
    folder = ARTIFACTS / "guide"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=False)


def axe_violations(page):
    """axe-core's serious and critical violations on the current page. Evaluated through
    the DevTools protocol: the page's Content-Security-Policy rightly refuses an inline
    script tag."""
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3], v["help"])
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
