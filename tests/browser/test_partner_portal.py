"""The maintenance partner's portal on a phone (360 px): the list of its orders and one
order opened from it fit without sideways scrolling, and its buttons work there."""
import re

from app import audit
from app.extensions import db
from app.faults import portal
from app.faults.models import Contractor, Location
from tests.helpers import axe_violations, complete, guide_shot, make_order, no_horizontal_scroll


def _portal_link(app, place):
    with app.app_context(), audit.acting_as("system", "test"):
        partner = db.session.get(Contractor, place["contractor_id"])
        # long words a phone must wrap: a partner's and a location's name, an address
        partner.name = "Installatietechniekbedrijf-Noordoostpolder-Zuidwestkwartier B.V."
        location = db.session.get(Location, place["location_id"])
        location.name = "Bedrijfsverzamelgebouw-Kronenburg-Amstelveen-Zuidoostvleugel"
        location.contact_email = "facilitairebeheerafdeling.kronenburg@voorbeeldbedrijf.example"
        mail = portal.send_link(partner)
        db.session.commit()
        return re.search(r"http://backoffice\.test(/p/[0-9a-f]{32})", mail.body_text).group(1)


def test_partner_portal_fits_a_phone_and_accepts_an_order(page, app, place):
    make_order(app, place, photo=False, description="Koelkast koelt niet")
    make_order(app, place, photo=False)
    link = _portal_link(app, place)
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(link)
    assert page.locator("a.order-card").count() == 2
    assert no_horizontal_scroll(page), "the portal list scrolls sideways"
    assert axe_violations(page) == []
    guide_shot(page, "onderhoudspartner-portaal")
    page.locator("a.order-card").last.click()
    page.wait_for_selector("h1:has-text('KH-OC-')")
    assert no_horizontal_scroll(page), "the order page in the portal scrolls sideways"
    page.get_by_role("button", name="ACCEPTEREN").click()
    page.wait_for_selector("text=De opdracht is geaccepteerd")
    page.get_by_role("link", name="Alle opdrachten").click()
    page.wait_for_selector("a.order-card")
    assert "Geaccepteerd" in page.inner_text("main")
    assert no_horizontal_scroll(page)


def test_partner_portal_recent_tab_lists_finished_orders_by_last_change(page, app, place):
    from app.faults import workflow
    from app.faults.models import WorkOrder

    ids = make_order(app, place, photo=False, description="Vaatwasser lekt")
    make_order(app, place, photo=False)
    with app.app_context(), audit.acting_as("system", "test"):
        order = db.session.get(WorkOrder, ids["order_id"])
        workflow.transition(order, "accept")
        complete(order)
        db.session.commit()
    link = _portal_link(app, place)
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(link)
    page.get_by_role("link", name="Recent afgerond").click()
    page.wait_for_selector("a.order-card")
    cards = page.locator("a.order-card")
    assert cards.count() == 1
    assert "Afgerond" in cards.inner_text() and "Laatst gewijzigd" in cards.inner_text()
    assert no_horizontal_scroll(page)
    guide_shot(page, "onderhoudspartner-portaal-recent")
