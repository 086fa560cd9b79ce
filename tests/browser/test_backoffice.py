"""The back office in a real browser: each role's first steps from the user guides, the
Export download, the search box, and axe-core on the main screens."""
import csv
import io

import pytest

from tests.helpers import axe_violations, browser_log_in, guide_shot, make_order, make_request


def test_writer_opens_own_request_from_the_start_page(page, app, products):
    make_request(app, name="Anna Jansen", status="assigned", writer="writer")
    browser_log_in(page, "writer")
    guide_shot(page, "uitschrijver-start")
    page.get_by_role("link", name="Mijn aanvragen").first.click()
    page.get_by_role("link", name="Anna Jansen").or_(page.locator("a[href*='/show/']")).first.click()
    page.wait_for_selector("text=Anna Jansen")
    assert "/show/" in page.url


def test_counter_clerk_reaches_the_new_request_form(page, app, products):
    browser_log_in(page, "counter")
    page.get_by_role("link", name="Nieuwe aanvraag (balie)").first.click()
    page.wait_for_selector("#applicant_name")
    guide_shot(page, "balie-nieuwe-aanvraag")


def test_facility_manager_opens_a_fault_report(page, app, place):
    make_order(app, place, photo=False)
    browser_log_in(page, "facilitymanager")
    page.get_by_role("link", name="Storingsmeldingen").first.click()
    page.locator("a[href*='/faultreportview/show/']").first.click()
    page.wait_for_selector("text=Koffieautomaat")
    guide_shot(page, "facilitair-melding")


def test_export_button_downloads_the_filtered_list(page, app, products):
    make_request(app, name="Snel Spoed", urgency="urgent", on_behalf_of="registrar")
    make_request(app, name="Gewoon Online")
    browser_log_in(page, "viewer")
    page.goto("/service-requests/urgent/list/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Exporteer CSV").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(open(download.path(), encoding="utf-8-sig").read()),
                           delimiter=";"))
    assert [row[4] for row in rows[1:]] == ["Snel Spoed"]


def test_search_box_in_the_menu_bar(page, app, products):
    make_request(app, name="Zoë Ångström")
    browser_log_in(page, "viewer")
    page.fill("#navbar-search", "angstrom")
    page.press("#navbar-search", "Enter")
    page.wait_for_selector("text=Zoë Ångström")


@pytest.mark.parametrize("username, urls", [
    ("viewer", ["/", "/service-requests/list/", "/service-requests/show/{sr}", "/search/?q=anna"]),
    ("facilitymanager", ["/", "/faultreportview/list/", "/faultreportview/show/{report}",
                         "/workorderview/list/", "/workorderview/show/{order}"]),
])
def test_back_office_screens_have_no_serious_accessibility_faults(page, app, products,
                                                                  place, username, urls):
    ids = {"sr": make_request(app, name="Anna Jansen", urgency="urgent",
                              on_behalf_of="registrar")}
    order = make_order(app, place, photo=False)
    ids.update(report=order["report_id"], order=order["order_id"])
    browser_log_in(page, username)
    found = {}
    for url in urls:
        page.goto(url.format(**ids))
        assert page.evaluate("document.documentElement.lang") == "nl", url
        found[url] = axe_violations(page)
    assert not any(found.values()), found


def test_dashboard_chart_click_opens_the_list_behind_the_bar(page, app, products):
    make_request(app, name="Twee Toegewezen", status="assigned", writer="writer")
    make_request(app, name="Een Ingekomen")
    browser_log_in(page, "viewer")
    canvas = page.locator("canvas[aria-label='Openstaande aanvragen per status']")
    canvas.scroll_into_view_if_needed()
    guide_shot(page, "dashboard-aanvragen")
    point = canvas.evaluate("""(c) => {
        const chart = c.dashboardChart, i = chart.data.labels.indexOf('Toegewezen');
        const bar = chart.getDatasetMeta(0).data[i];
        return {x: bar.x, y: (bar.y + bar.base) / 2}; }""")
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_url("**/service-requests/status/assigned/**")
    assert "Twee Toegewezen" in page.content() and "Een Ingekomen" not in page.content()


def test_a_surname_in_the_list_search_finds_the_request_contains_by_default(page, app, products):
    make_request(app, name="Anna Jansen")
    make_request(app, name="Piet Pieters")
    browser_log_in(page, "viewer")
    page.goto("/service-requests/list/")
    page.locator("a.accordion-toggle", has_text="Zoek").click()
    page.get_by_role("button", name="Filter toevoegen").click()
    page.locator("#filter_form a.filter[name=applicant_name]").click()
    row = page.locator("#filter_form table.filters tr").last
    assert row.locator("select.filter-op option:checked").inner_text() == "Bevat"
    row.locator("input.filter_val").fill("Jansen")
    page.locator("#filter_form button[type=submit]").click()
    page.wait_for_load_state()
    assert "_flt_2_applicant_name=Jansen" in page.url
    assert page.get_by_text("Anna Jansen").count() >= 1
    assert page.get_by_text("Piet Pieters").count() == 0
