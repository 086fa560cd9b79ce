"""The pages people reach without an account, in a real browser: the phone report form,
the contractor's page, the reporter's and complaint pages, the customer's track page —
each usable on a phone and free of serious accessibility faults (axe-core)."""
import re

import pytest

from app import audit
from app.extensions import db
from tests.helpers import PRODUCTS, axe_violations, guide_shot, jpeg, make_order, no_horizontal_scroll


@pytest.mark.parametrize("width", [360, 390])
def test_phone_report_form_fits_takes_a_photo_and_confirms(page, place, make_device, width,
                                                           tmp_path):
    page.set_viewport_size({"width": width, "height": 780})
    page.goto(f"/q/{make_device}")
    assert no_horizontal_scroll(page), "the report form scrolls sideways"
    page.fill("#description", "De koffieautomaat lekt")
    photo = tmp_path / "storing.jpg"
    photo.write_bytes(jpeg())
    page.set_input_files("#photo", str(photo))
    page.wait_for_selector("#photo-preview:not([hidden])")
    page.fill("#first_name", "Douwe")
    page.fill("#last_name", "Demo")
    page.fill("#email", "douwe@example.org")
    if width == 390:
        guide_shot(page, "melder-formulier")
    page.get_by_role("button", name="Verzenden").click()
    # The reporter lands on the page of the report, with its number.
    page.wait_for_selector("h1:has-text('KH-A-')")
    assert re.search(r"KH-A-\d+", page.inner_text("h1"))
    assert no_horizontal_scroll(page)
    if width == 390:
        guide_shot(page, "melder-bevestiging")


def test_contractor_accepts_saves_completes_and_is_locked_out(page, app, place):
    ids = make_order(app, place, photo=False)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(ids["wo"])
    assert no_horizontal_scroll(page)
    page.get_by_role("button", name="ACCEPTEREN").click()
    page.wait_for_selector("text=De opdracht is geaccepteerd")
    page.fill("#contractor_remarks", "Pakking vervangen")
    page.fill("#invoice_total", "123,45")
    page.select_option("#warranty", "no")
    page.get_by_role("button", name="OPSLAAN").last.click()
    page.wait_for_selector("text=Uw wijzigingen zijn opgeslagen")
    assert page.input_value("#invoice_total") == "123,45"
    guide_shot(page, "onderhoudspartner-opdracht")
    page.get_by_role("button", name="AFMELDEN").click()
    # Completing is asked once more: after it nothing can be changed.
    page.locator("input[name=confirmed][value=yes] ~ button[value=complete]").click()
    page.wait_for_selector("text=Bewerken is niet meer mogelijk")
    assert page.is_disabled("#contractor_remarks")
    assert page.get_by_role("button", name="OPSLAAN").count() == 0


@pytest.fixture
def make_device(app, place):
    """A registered device behind the first sticker; its code."""
    make_order(app, place, photo=False)
    return place["codes"][0]


@pytest.fixture
def track_link(app):
    from app.service_requests import workflow
    from app.service_requests.customer_mail import issue_track_token
    from app.service_requests.models import Product

    with app.app_context(), audit.acting_as("system", "test"):
        code, name, kind, price, _extra = PRODUCTS[0]
        product = Product(code=code, name=name, kind=kind, unit_price=price)
        db.session.add(product)
        sr = workflow.create_request(applicant_name="Anna Jansen", applicant_email="anna@example.org",
                                     products=[(product, 1, "Perceel 12")])
        token = issue_track_token(sr)
        db.session.commit()
        return f"/track/{token}"


def test_public_pages_have_no_serious_accessibility_faults(page, app, place, track_link):
    from app.faults import tokens, workflow
    from app.faults.models import WorkOrder

    ids = make_order(app, place, photo=False)
    with app.app_context(), audit.acting_as("system", "test"):
        order = db.session.get(WorkOrder, ids["order_id"])
        complaint = workflow.complain(order, "Niemand heeft gebeld")
        complaint_link = "/c/" + tokens.token_for(complaint)
        db.session.commit()
    pages = {"report form": "/report", "scan page": f"/q/{place['codes'][0]}",
             "contractor": ids["wo"], "reporter": ids["r"], "complaint": complaint_link,
             "track": track_link}
    found = {}
    for name, url in pages.items():
        page.goto(url)
        assert page.evaluate("document.documentElement.lang") == "nl", name
        found[name] = axe_violations(page)
    assert not any(found.values()), found
