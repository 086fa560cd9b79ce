"""Back office: what each role may do, the filtered lists, the facility
manager's buttons, the lock on completed orders, and the REST API."""
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app import audit
from app.database import utcnow
from app.extensions import db
from app.faults import tokens, workflow
from app.faults.models import Complaint, Location, WorkOrder
from app.mail.models import OutboxMessage
from tests.helpers import CONTRACTOR_EMAIL, PASSWORD, complete, make_order, page, submit

SCREENS = ["/faultreportview/list/", "/workorderview/list/", "/deviceview/list/",
           "/locationview/list/", "/contractorview/list/", "/ratingview/list/",
           "/complaintview/list/", "/stickercodeview/list/",
           "/faultworkorders/workordernewview/list/", "/faultworkorders/workorderoverdueview/list/",
           "/faultcomplaints/open/list/"]


def _without_csrf(html):
    return re.sub(r'name="csrf_token"[^>]*>', "", html)


def _set(app, order_id, **values):
    with app.app_context(), audit.acting_as("system", "test"):
        order = db.session.get(WorkOrder, order_id)
        for key, value in values.items():
            setattr(order, key, value)
        db.session.commit()


@pytest.mark.parametrize("url", SCREENS)
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response.headers["Location"]


def test_viewer_sees_every_list_but_changes_nothing(app, viewer_client, place):
    links = make_order(app, place)
    for url in SCREENS:
        response = viewer_client.get(url)
        assert response.status_code == 200, url
    text = page(viewer_client.get("/workorderview/list/"))
    assert "KH-OC-000001" in text and "Storingen" in text
    show = page(viewer_client.get(f"/workorderview/show/{links['order_id']}"))
    assert "Link contractpartner intrekken" not in show
    # the buttons and forms refuse the Viewer
    before = page(viewer_client.get(links["wo"]))
    response = submit(viewer_client, "/report", {}, post_url=f"/workorderview/revoke/{links['order_id']}")
    assert response.status_code in (302, 403)
    # the link still works and shows the same page (CSRF tokens carry a timestamp: left out)
    assert _without_csrf(page(viewer_client.get(links["wo"]))) == _without_csrf(before)
    response = submit(viewer_client, "/report", {"name": "Nieuw"}, post_url="/locationview/add")
    assert response.status_code in (302, 403)
    with app.app_context():
        assert db.session.query(Location).count() == 1


def test_work_order_filters(app, client_for, place):
    new = make_order(app, place, description="nieuw")
    late = make_order(app, place, description="te laat")
    done = make_order(app, place, description="klaar")
    _set(app, late["order_id"], created_at=utcnow() - timedelta(hours=25))
    _set(app, done["order_id"], status="completed", completed_at=utcnow())
    manager = client_for("FacilityManager")
    numbers = {}
    with app.app_context():
        for key, ids in (("new", new), ("late", late), ("done", done)):
            numbers[key] = db.session.get(WorkOrder, ids["order_id"]).number
    overdue = page(manager.get("/faultworkorders/workorderoverdueview/list/"))
    assert numbers["late"] in overdue and numbers["new"] not in overdue
    assert numbers["done"] not in overdue
    new_list = page(manager.get("/faultworkorders/workordernewview/list/"))
    assert numbers["new"] in new_list and numbers["late"] in new_list
    assert numbers["done"] not in new_list
    completed = page(manager.get("/faultworkorders/workordercompletedview/list/"))
    assert numbers["done"] in completed and numbers["new"] not in completed
    menu = page(manager.get("/workorderview/list/"))
    assert "Te laat (niet op tijd geaccepteerd)" in menu


def test_manager_resends_revokes_and_renews(app, client_for, place, smtp_server, deliver):
    links = make_order(app, place)
    deliver()
    manager = client_for("FacilityManager")
    show_url = f"/workorderview/show/{links['order_id']}"
    response = submit(manager, show_url, {}, post_url=f"/workorderview/resend/{links['order_id']}",
                      follow_redirects=True)
    assert "staat opnieuw klaar" in page(response)
    deliver()
    mails = [m for m in smtp_server.to(CONTRACTOR_EMAIL) if "Nieuwe opdracht" in m["Subject"]]
    assert len(mails) == 2
    assert links["wo"] in mails[1].get_body(("plain",)).get_content()  # the same link
    submit(manager, show_url, {}, post_url=f"/workorderview/revoke/{links['order_id']}")
    assert app.test_client().get(links["wo"]).status_code == 404
    response = submit(manager, show_url, {}, post_url=f"/workorderview/renew/{links['order_id']}",
                      follow_redirects=True)
    assert "de oude link werkt niet meer" in page(response)
    deliver()
    renewed = [m for m in smtp_server.to(CONTRACTOR_EMAIL) if "Nieuwe opdracht" in m["Subject"]][-1]
    body = renewed.get_body(("plain",)).get_content()
    assert links["wo"] not in body
    show = page(manager.get(show_url))
    audit_tab = _tab(show, "Audit")
    assert "Link ingetrokken" in audit_tab and "Link vernieuwd" in audit_tab
    assert "Mail aan de onderhoudspartner opnieuw verstuurd" in audit_tab
    assert show.count("Nieuwe opdracht KH-OC-000001") == 3


def _tab(html, name):
    """The HTML of one tab pane of a show page (e.g. "Audit", "Mails")."""
    start = html.index(f'<div id="{name}" class="tab-pane')
    return html[start:html.index("</table>", start)]


def test_audit_and_mail_tabs_speak_dutch(app, client_for, place):
    from app import audit as audit_module
    from app.faults import workflow as wf
    links = make_order(app, place)  # acting as system "test"
    with app.app_context(), audit_module.acting_as("contractor", "Demo Contractpartner 1"):
        order = db.session.get(WorkOrder, links["order_id"])
        wf.transition(order, "accept")
        wf.save_fields(order, {"invoice_total": Decimal("1234.50"), "warranty": True})
        wf.complain(order, "Het lekt nog steeds")
        db.session.commit()
    manager = client_for("FacilityManager")
    show = page(manager.get(f"/workorderview/show/{links['order_id']}"))
    tab = _tab(show, "Audit")
    rows = [" ".join(re.sub(r"<[^>]+>", " ", row).split())
            for row in re.findall(r"<tr>(.*?)</tr>", tab, re.S)]
    assert any(r.startswith(("When", "Wanneer")) for r in rows[:1])

    def has(*cells):
        return any(" ".join(cells) in row for row in rows)

    assert "test (Systeem)" in tab and "Demo Contractpartner 1 (Onderhoudspartner)" in tab
    assert "Statuswijziging" in tab and "Aangemaakt" in tab and "Gewijzigd" in tab
    assert has("Statuswijziging", "Opdracht", "Status", "Nieuw", "Geaccepteerd"), rows
    assert has("Totaalbedrag factuur excl. btw", "€ 1.234,50"), rows  # spaces normalised
    assert has("Garantie", "Ja")
    assert ">Opdracht<" in tab and ">Klacht<" in tab
    assert has("Onderhoudspartner", "Demo Contractpartner 1"), rows
    accepted = re.search(r"<td>Geaccepteerd</td>\s*<td></td>\s*<td>([^<]+)</td>", tab).group(1)
    assert re.fullmatch(r"\d\d-\d\d-\d{4} \d\d:\d\d", accepted)  # local, not ISO
    for english in ("system:", "contractor:", ">update<", ">create<", ">transition<",
                    ">WorkOrder<", ">Complaint<", "status:", "open → ", "T0", "+00:00"):
        assert english not in tab, english
    mails = _tab(show, "Mails")
    assert ">Wacht<" in mails and "pending" not in mails


def test_completed_order_is_locked_for_all_but_admin(app, client_for, admin_client, place):
    links = make_order(app, place)
    _set(app, links["order_id"], status="completed", completed_at=utcnow())
    manager = client_for("FacilityManager")
    url = f"/workorderview/edit/{links['order_id']}"
    response = submit(manager, url, {"internal_note": "na afronding",
                                     "contractor": str(place["contractor_id"])},
                      follow_redirects=True)
    assert "alleen een beheerder kan hem nog wijzigen" in page(response)
    with app.app_context():
        assert db.session.get(WorkOrder, links["order_id"]).internal_note is None
    submit(admin_client, url, {"internal_note": "door beheerder",
                               "contractor": str(place["contractor_id"])})
    with app.app_context():
        assert db.session.get(WorkOrder, links["order_id"]).internal_note == "door beheerder"


def test_open_order_can_be_edited_by_the_manager(app, client_for, place):
    links = make_order(app, place)
    manager = client_for("FacilityManager")
    submit(manager, f"/workorderview/edit/{links['order_id']}",
           {"internal_note": "Sleutel bij receptie", "contractor": str(place["contractor_id"])})
    with app.app_context():
        assert db.session.get(WorkOrder, links["order_id"]).internal_note == "Sleutel bij receptie"
    assert "Sleutel bij receptie" in page(app.test_client().get(links["wo"]))


def test_manager_closes_a_complaint(app, client_for, place):
    links = make_order(app, place)
    with app.app_context():
        complaint = workflow.complain(db.session.get(WorkOrder, links["order_id"]), "Monteur kwam niet")
        db.session.commit()
        complaint_id = complaint.id
        c_link = "/c/" + tokens.token_for(complaint)
    manager = client_for("FacilityManager")
    assert "Monteur kwam niet" in page(manager.get("/faultcomplaints/open/list/"))
    response = submit(manager, "/complaintview/list/", {"action": "close", "rowid": complaint_id},
                      post_url="/complaintview/action_post", follow_redirects=True)
    assert "Gesloten." in page(response)
    with app.app_context():
        assert db.session.get(Complaint, complaint_id).status == "closed"
    assert "Monteur kwam niet" in page(manager.get("/faultcomplaints/closed/list/"))
    assert "Monteur kwam niet" not in page(manager.get("/faultcomplaints/open/list/"))
    # a closed complaint takes no more answers
    response = submit(app.test_client(), "/report", {"response": "Toch nog"}, post_url=c_link)
    assert response.status_code == 400 and "Deze klacht is gesloten." in page(response)


def test_contractor_tab_and_average_ratings(app, client_for, place):
    links = make_order(app, place)
    with app.app_context():
        order = db.session.get(WorkOrder, links["order_id"])
        workflow.transition(order, "accept")
        complete(order)
        workflow.rate(order, speed=4, communication=2, quality=5, solved="no")
        db.session.commit()
    viewer = client_for("FaultViewer")
    show = page(viewer.get(f"/contractorview/show/{place['contractor_id']}"))
    assert "4,0 / 2,0 / 5,0 (1×)" in show and "KH-OC-000001" in show  # Dutch comma
    assert "Keuken 1e verdieping" in show  # devices tab
    ratings = page(viewer.get("/ratingview/list/"))
    assert "3,7" in ratings and "3.7" not in ratings  # (4 + 2 + 5) / 3
    location = page(viewer.get(f"/locationview/show/{place['location_id']}"))
    assert "Keuken 1e verdieping" in location
    assert "E-mail contactpersoon" in location and "None" not in location  # no e-mail set
    with app.app_context():
        device_id = db.session.get(WorkOrder, links["order_id"]).report.device_id
    device = page(viewer.get(f"/deviceview/show/{device_id}"))
    assert device.count(">QR-code<") == 1, "one QR code row (image and code together)"
    assert place["codes"][0] in device and "data:image/svg+xml" in device


def _api_token(client, username):
    response = client.post("/api/v1/security/login", json={
        "username": username, "password": PASSWORD, "provider": "db", "refresh": False})
    assert response.status_code == 200, response.get_data(as_text=True)
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def test_rest_api(app, client, place):
    links = make_order(app, place)
    viewer = _api_token(client, "faultviewer")
    for resource in ("location", "contractor", "device", "faultreport", "workorder"):
        response = client.get(f"/api/v1/{resource}/", headers=viewer)
        assert response.status_code == 200, resource
        assert response.get_json()["count"] >= 1
    order = client.get(f"/api/v1/workorder/{links['order_id']}", headers=viewer).get_json()
    assert order["result"]["number"] == "KH-OC-000001" and order["result"]["status"] == "new"
    assert "token_hash" not in order["result"]
    # the Viewer reads only; the facility manager writes locations
    new = {"name": "Demo locatie 3", "street": "Dorpsstraat 1", "postcode": "1234 AB",
           "city": "Ergens"}
    assert client.post("/api/v1/location/", json=new, headers=viewer).status_code == 403
    manager = _api_token(client, "facilitymanager")
    assert client.post("/api/v1/location/", json=new, headers=manager).status_code == 201
    # work orders change only through the workflow
    response = client.put(f"/api/v1/workorder/{links['order_id']}", json={"status": "completed"},
                          headers=manager)
    assert response.status_code in (404, 405)
    assert client.get("/api/v1/workorder/", headers={}).status_code == 401


def test_mails_tab_lists_only_this_orders_mails(app, client_for, place):
    first = make_order(app, place)
    make_order(app, place, description="tweede")
    with app.app_context():
        assert db.session.scalar(select(db.func.count(OutboxMessage.id))) == 4
    show = page(client_for("FaultViewer").get(f"/workorderview/show/{first['order_id']}"))
    assert "Nieuwe opdracht KH-OC-000001" in show and "KH-OC-000002" not in show


def test_manager_opens_every_screen_and_record(app, client_for, place):
    from app.faults.models import Device, FaultReport, Rating, StickerCode
    links = make_order(app, place)
    with app.app_context():
        order = db.session.get(WorkOrder, links["order_id"])
        workflow.transition(order, "accept")
        complete(order)
        workflow.rate(order, speed=3, communication=3, quality=3, solved="yes")
        complaint = workflow.complain(order, "Rommel achtergelaten")
        db.session.commit()
        records = {"faultreportview": db.session.scalars(select(FaultReport.id)).first(),
                   "workorderview": order.id,
                   "deviceview": db.session.scalars(select(Device.id)).first(),
                   "locationview": place["location_id"], "contractorview": place["contractor_id"],
                   "ratingview": db.session.scalars(select(Rating.id)).first(),
                   "complaintview": complaint.id,
                   "stickercodeview": db.session.scalars(select(StickerCode.id)).first()}
    for role in ("FacilityManager", "Admin", "FaultViewer"):
        user = client_for(role)
        for url in SCREENS:
            assert user.get(url).status_code == 200, (role, url)
        for view, pk in records.items():
            response = user.get(f"/{view}/show/{pk}")
            assert response.status_code == 200, (role, view)
    manager = client_for("FacilityManager")
    for view in ("deviceview", "locationview", "contractorview"):
        assert manager.get(f"/{view}/add").status_code == 200, view
    assert manager.get(f"/workorderview/edit/{order.id}").status_code == 200
    assert manager.get(f"/faultreportview/edit/{records['faultreportview']}").status_code == 200
    assert manager.get("/workorderview/add").status_code == 404
    assert "Rommel achtergelaten" in page(manager.get(f"/workorderview/show/{order.id}"))


def test_records_of_the_public_pages_cannot_be_deleted(app, admin_client, place):
    links = make_order(app, place)
    for view, pk in (("workorderview", links["order_id"]), ("faultreportview", links["report_id"])):
        listing = page(admin_client.get(f"/{view}/list/"))
        assert f"/{view}/delete/" not in listing
        response = submit(admin_client, f"/{view}/list/", {}, post_url=f"/{view}/delete/{pk}")
        assert response.status_code == 404
    with app.app_context():
        assert db.session.get(WorkOrder, links["order_id"]) is not None


def test_contractor_needs_a_valid_email(app, client_for, client):
    from app.faults.models import Contractor
    manager = client_for("FacilityManager")
    response = submit(manager, "/contractorview/add", {"name": "Loodgieter", "email": "geen"})
    assert response.status_code == 200 and "Loodgieter" in page(response)  # form shown again
    submit(manager, "/contractorview/add", {"name": "Loodgieter", "email": "info@loodgieter.nl"})
    headers = _api_token(client, "facilitymanager")
    response = client.post("/api/v1/contractor/", json={"name": "X", "email": "geen"},
                           headers=headers)
    assert response.status_code == 422
    with app.app_context():
        assert [c.email for c in db.session.query(Contractor)] == ["info@loodgieter.nl"]


def test_refused_edit_returns_to_the_same_order(app, client_for, place):
    done = make_order(app, place, description="klaar")
    other = make_order(app, place, description="ander")
    _set(app, done["order_id"], status="completed", completed_at=utcnow())
    manager = client_for("FacilityManager")
    # FAB's own redirect follows its page history: here the other order's page
    manager.get(f"/workorderview/show/{other['order_id']}")
    url = f"/workorderview/edit/{done['order_id']}"
    response = submit(manager, url, {"internal_note": "na afronding",
                                     "contractor": str(place["contractor_id"])})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/workorderview/show/{done['order_id']}")
    shown = page(manager.get(response.headers["Location"]))
    assert "alleen een beheerder kan hem nog wijzigen" in shown
    assert "KH-OC-000001" in shown and "KH-OC-000002" not in shown
    with app.app_context():
        assert db.session.get(WorkOrder, done["order_id"]).internal_note is None


def test_manager_renews_the_reporter_link(app, client_for, viewer_client, place, smtp_server,
                                          deliver):
    from tests.helpers import REPORTER_EMAIL, link
    links = make_order(app, place)
    manager = client_for("FacilityManager")
    show_url = f"/faultreportview/show/{links['report_id']}"
    assert "Link van de melder vernieuwen en mailen" in page(manager.get(show_url))
    assert "Link van de melder vernieuwen en mailen" not in page(viewer_client.get(show_url))
    # the Viewer's POST is refused and changes nothing
    response = submit(viewer_client, "/report", {},
                      post_url=f"/faultreportview/renew-link/{links['report_id']}")
    assert response.status_code in (302, 403)
    assert app.test_client().get(links["r"]).status_code == 200
    # without the CSRF token nothing happens either
    manager.post(f"/faultreportview/renew-link/{links['report_id']}")
    assert app.test_client().get(links["r"]).status_code == 200
    response = submit(manager, show_url, {},
                      post_url=f"/faultreportview/renew-link/{links['report_id']}",
                      follow_redirects=True)
    assert "Er is een nieuwe link naar de melder gemaild" in page(response)
    assert app.test_client().get(links["r"]).status_code == 404  # the old link is dead
    deliver()
    mail = [m for m in smtp_server.to(REPORTER_EMAIL) if "Nieuwe link" in m["Subject"]]
    assert len(mail) == 1 and mail[0]["Subject"] == "Nieuwe link voor uw melding KH-A-000001"
    new_link = link(mail[0], "/r/")
    assert new_link != links["r"]
    assert "KH-A-000001" in page(app.test_client().get(new_link))
    # the audit log says so in words
    log = page(client_for("Admin").get("/auditentryview/list/"))
    assert "Link vernieuwd" in log and "link_renewed" not in log


def test_manager_closes_a_complaint_on_its_page(app, client_for, viewer_client, place):
    links = make_order(app, place)
    with app.app_context():
        complaint = workflow.complain(db.session.get(WorkOrder, links["order_id"]),
                                      "Monteur kwam niet")
        db.session.commit()
        complaint_id = complaint.id
    manager = client_for("FacilityManager")
    show_url = f"/complaintview/show/{complaint_id}"
    assert "Klacht sluiten" in page(manager.get(show_url))
    assert "Klacht sluiten" not in page(viewer_client.get(show_url))
    response = submit(viewer_client, "/report", {}, post_url=f"/complaintview/close/{complaint_id}")
    assert response.status_code in (302, 403)
    with app.app_context():
        assert db.session.get(Complaint, complaint_id).status == "open"
    # from the "open complaints" list's detail page
    open_url = f"/faultcomplaints/open/show/{complaint_id}"
    response = submit(manager, open_url, {}, post_url=f"/faultcomplaints/open/close/{complaint_id}",
                      follow_redirects=True)
    assert response.status_code == 200
    text = page(response)
    assert "De klacht is gesloten." in text and "Klacht sluiten" not in text
    with app.app_context():
        assert db.session.get(Complaint, complaint_id).status == "closed"
    # a second close (an old tab) is refused by the workflow, with its message
    response = submit(manager, "/complaintview/list/", {},
                      post_url=f"/complaintview/close/{complaint_id}", follow_redirects=True)
    assert "Deze klacht is al gesloten." in page(response)


def test_status_lists_and_overdue_show_exactly_the_right_orders(app, client_for, place):
    """Overdue = still new more than 24 hours after the report. Accepted late, or
    new for 23 hours: not overdue. Each status list holds exactly its orders."""
    rows = {name: make_order(app, place, description=name) for name in (
        "fresh", "late", "almost", "accepted_late", "parts", "done_late")}
    long_ago = utcnow() - timedelta(hours=30)
    _set(app, rows["late"]["order_id"], created_at=utcnow() - timedelta(hours=24, minutes=5))
    _set(app, rows["almost"]["order_id"], created_at=utcnow() - timedelta(hours=23, minutes=50))
    _set(app, rows["accepted_late"]["order_id"], created_at=long_ago, status="accepted",
         accepted_at=utcnow())
    _set(app, rows["parts"]["order_id"], created_at=long_ago, status="parts_on_order",
         accepted_at=utcnow(), parts_ordered_at=utcnow())
    _set(app, rows["done_late"]["order_id"], created_at=long_ago, status="completed",
         accepted_at=utcnow(), completed_at=utcnow())
    with app.app_context():
        number = {name: db.session.get(WorkOrder, ids["order_id"]).number
                  for name, ids in rows.items()}
    manager = client_for("FacilityManager")
    expected = {
        "workorderoverdueview": {"late"},
        "workordernewview": {"fresh", "late", "almost"},
        "workorderacceptedview": {"accepted_late"},
        "workorderpartsview": {"parts"},
        "workordercompletedview": {"done_late"},
    }
    for view, names in expected.items():
        listing = page(manager.get(f"/faultworkorders/{view}/list/"))
        shown = {name for name in rows if number[name] in listing}
        assert shown == names, view


def test_complaint_lists_by_status(app, client_for, place):
    texts = {"open": "Nog steeds kapot", "answered": "Monteur was onbeleefd",
             "closed": "Rommel achtergelaten"}
    ids = {status: make_order(app, place, description=status)["order_id"] for status in texts}
    with app.app_context(), audit.acting_as("system", "test"):
        for status, text in texts.items():
            order = db.session.get(WorkOrder, ids[status])
            complaint = workflow.complain(order, text)
            if status != "open":
                workflow.respond(complaint, "Excuses")
            if status == "closed":
                workflow.close_complaint(complaint)
        db.session.commit()
    viewer = client_for("FaultViewer")
    for status in texts:
        listing = page(viewer.get(f"/faultcomplaints/{status}/list/"))
        assert {s for s, t in texts.items() if t in listing} == {status}, status
    everything = page(viewer.get("/complaintview/list/"))
    assert all(t in everything for t in texts.values())
    assert "Open" in everything and "Beantwoord" in everything and "Gesloten" in everything


def test_tabs_show_only_their_own_rows(app, client_for, place):
    """Device → its reports; contractor → its orders and its own average ratings."""
    from app.faults.models import Contractor, StickerCode
    first = make_order(app, place, description="Koffieautomaat lekt")
    with app.app_context(), audit.acting_as("system", "test"):
        other_partner = Contractor(name="Andere partner", email="ander@example.org")
        location = db.session.get(Location, place["location_id"])
        sticker = db.session.query(StickerCode).filter_by(code=place["codes"][1]).one()
        device = workflow.register_device(sticker, location=location, contractor=other_partner,
                                          placement="Gang", device_type="Deurdranger")
        report = workflow.create_report(device=device, description="Deur slaat hard dicht",
                                        first_name="A", last_name="B", email="a@example.org")
        order = report.work_order
        workflow.transition(order, "accept")
        complete(order)
        workflow.rate(order, speed=1, communication=1, quality=2, solved="no")
        db.session.commit()
        other = {"device_id": device.id, "contractor_id": other_partner.id,
                 "order": order.number}
        first_device = db.session.get(WorkOrder, first["order_id"]).report.device_id
    viewer = client_for("FaultViewer")
    shown = page(viewer.get(f"/deviceview/show/{first_device}"))
    assert "Koffieautomaat lekt" in shown and "Deur slaat hard dicht" not in shown
    shown = page(viewer.get(f"/deviceview/show/{other['device_id']}"))
    assert "Deur slaat hard dicht" in shown and "Koffieautomaat lekt" not in shown
    shown = page(viewer.get(f"/contractorview/show/{other['contractor_id']}"))
    assert other["order"] in shown and "KH-OC-000001" not in shown
    assert "1,0 / 1,0 / 2,0 (1×)" in shown
    shown = page(viewer.get(f"/contractorview/show/{place['contractor_id']}"))
    assert "KH-OC-000001" in shown and other["order"] not in shown and "(1×)" not in shown


@pytest.mark.parametrize("resource", ["location", "contractor", "device", "faultreport",
                                      "workorder"])
def test_rest_api_permissions(app, client, place, resource):
    """No token: 401 on every route. Viewer: reads, every write 403. A role without
    fault permissions (Portal): 403 even to read."""
    links = make_order(app, place)
    pk = {"location": place["location_id"], "contractor": place["contractor_id"],
          "faultreport": links["report_id"], "workorder": links["order_id"]}.get(resource)
    if pk is None:
        with app.app_context():
            from app.faults.models import Device
            pk = db.session.scalars(select(Device.id)).first()
    base = f"/api/v1/{resource}/"
    assert client.get(base).status_code == 401
    assert client.get(f"{base}{pk}").status_code == 401
    assert client.post(base, json={"name": "x"}).status_code in (401, 405)
    assert client.delete(f"{base}{pk}").status_code in (401, 405)
    viewer = _api_token(client, "faultviewer")
    listing = client.get(base, headers=viewer)
    assert listing.status_code == 200 and listing.get_json()["count"] >= 1
    assert client.get(f"{base}{pk}", headers=viewer).status_code == 200
    assert client.get(f"{base}_info", headers=viewer).status_code == 200
    writes = [client.post(base, json={"name": "x"}, headers=viewer),
              client.put(f"{base}{pk}", json={"name": "x"}, headers=viewer),
              client.delete(f"{base}{pk}", headers=viewer)]
    read_only = resource in ("faultreport", "workorder")
    for response in writes:
        assert response.status_code == (405 if read_only else 403), response.request.method
    portal = _api_token(client, "portal")
    assert client.get(base, headers=portal).status_code == 403
    assert client.get(f"{base}{pk}", headers=portal).status_code == 403
    with app.app_context():  # nothing changed
        assert db.session.get(WorkOrder, links["order_id"]).status == "new"
        assert db.session.get(Location, place["location_id"]).name == "Demo locatie 1"


def test_rest_api_cannot_change_a_completed_order(app, client, admin_client, place):
    links = make_order(app, place)
    _set(app, links["order_id"], status="completed", completed_at=utcnow())
    for user in ("facilitymanager", "admin"):
        headers = _api_token(client, user)
        for method in (client.put, client.patch):
            response = method(f"/api/v1/workorder/{links['order_id']}",
                              json={"internal_note": "later", "status": "new"}, headers=headers)
            assert response.status_code in (404, 405), (user, method)
    with app.app_context():
        order = db.session.get(WorkOrder, links["order_id"])
        assert order.status == "completed" and order.internal_note is None


@pytest.mark.parametrize("view", ["faultworkorders/workordercompletedview", "workordertab"])
def test_completed_order_is_locked_in_every_edit_form(app, client_for, place, view):
    """The status lists and the contractor's orders tab have their own edit forms;
    each refuses a change to a completed order by the facility manager."""
    links = make_order(app, place)
    _set(app, links["order_id"], status="completed", completed_at=utcnow())
    manager = client_for("FacilityManager")
    url = f"/{view}/edit/{links['order_id']}"
    assert manager.get(url).status_code == 200
    response = submit(manager, url, {"internal_note": "te laat", "contractor_note": "x",
                                     "invoice_total": "1",
                                     "contractor": str(place["contractor_id"])},
                      follow_redirects=True)
    assert "alleen een beheerder kan hem nog wijzigen" in page(response)
    with app.app_context():
        order = db.session.get(WorkOrder, links["order_id"])
        assert order.internal_note is None and order.invoice_total is None


def test_report_of_a_completed_order_is_locked_for_all_but_admin(app, client_for, admin_client,
                                                                 place):
    """The report's description, reporter and placement are rows of the order's
    table; after AFMELDEN only Admin may change them."""
    from app.faults.models import FaultReport
    links = make_order(app, place)
    manager = client_for("FacilityManager")
    url = f"/faultreportview/edit/{links['report_id']}"
    fields = {"placement": "Keuken", "description": "Lekkage onder de koffieautomaat",
              "reporter_first_name": "Douwe", "reporter_last_name": "Demo",
              "reporter_email": "douwe@example.org", "reporter_phone": "088-5550555"}
    submit(manager, url, {**fields, "reporter_phone": "06-12345678"})  # open: allowed
    _set(app, links["order_id"], status="completed", completed_at=utcnow())
    response = submit(manager, url, {**fields, "description": "Iets anders"},
                      follow_redirects=True)
    assert "alleen een beheerder kan de melding nog wijzigen" in page(response)
    assert "Lekkage onder de koffieautomaat" in page(response)
    with app.app_context():
        report = db.session.get(FaultReport, links["report_id"])
        assert report.description == "Lekkage onder de koffieautomaat"
        assert report.reporter_phone == "06-12345678"
    submit(admin_client, url, {**fields, "description": "Door beheerder"})
    with app.app_context():
        assert db.session.get(FaultReport, links["report_id"]).description == "Door beheerder"


def test_records_in_use_cannot_be_deleted(app, client, client_for, place):
    """A device with reports, a location with devices, a maintenance partner with
    orders: deleting is refused with a message (screen and API), nothing changes.
    Unused ones can be deleted."""
    from app.faults.models import Contractor, Device, FaultReport
    make_order(app, place)
    with app.app_context():
        device_id = db.session.scalars(select(Device.id)).one()
    manager = client_for("FacilityManager")
    for view, pk, message in (
            ("deviceview", device_id, "Dit apparaat heeft storingsmeldingen"),
            ("locationview", place["location_id"], "Deze locatie heeft apparaten"),
            ("contractorview", place["contractor_id"], "Deze onderhoudspartner heeft")):
        response = submit(manager, f"/{view}/list/", {}, post_url=f"/{view}/delete/{pk}",
                          follow_redirects=True)
        assert message in page(response), view
    headers = _api_token(client, "facilitymanager")
    for resource, pk in (("device", device_id), ("location", place["location_id"]),
                         ("contractor", place["contractor_id"])):
        response = client.delete(f"/api/v1/{resource}/{pk}", headers=headers)
        assert response.status_code == 422 and "niet worden verwijderd" in response.get_json()[
            "message"], resource
    with app.app_context():
        report = db.session.scalars(select(FaultReport)).one()
        assert report.device_id == device_id and report.location_id == place["location_id"]
        assert db.session.query(Contractor).count() == 1
        spare = Contractor(name="Reserve", email="reserve@example.org")
        db.session.add(spare)
        db.session.commit()
        spare_id = spare.id
    response = submit(manager, "/contractorview/list/", {},
                      post_url=f"/contractorview/delete/{spare_id}", follow_redirects=True)
    with app.app_context():
        assert db.session.get(Contractor, spare_id) is None


def test_editing_a_device_cannot_take_another_devices_sticker(app, client_for, place):
    from app.faults.models import Contractor, Device, StickerCode
    make_order(app, place)
    with app.app_context(), audit.acting_as("system", "test"):
        sticker = db.session.query(StickerCode).filter_by(code=place["codes"][1]).one()
        second = workflow.register_device(
            sticker, location=db.session.get(Location, place["location_id"]),
            contractor=db.session.get(Contractor, place["contractor_id"]), placement="Gang",
            device_type="Deur")
        db.session.commit()
        second_id, second_sticker = second.id, second.sticker_id
        taken = db.session.query(StickerCode).filter_by(code=place["codes"][0]).one().id
        spare = db.session.query(StickerCode).filter_by(code=place["codes"][2]).one().id
    manager = client_for("FacilityManager")
    form = {"location": str(place["location_id"]), "placement": "Gang", "device_type": "Deur",
            "contractor": str(place["contractor_id"])}
    response = submit(manager, f"/deviceview/edit/{second_id}", {**form, "sticker": str(taken)},
                      follow_redirects=True)
    assert "Deze sticker is al in gebruik." in page(response)
    with app.app_context():
        assert {d.id: d.sticker_id for d in db.session.query(Device)}[second_id] == second_sticker
        assert db.session.query(Device).filter(Device.sticker_id == taken).count() == 1
    # a new, unused sticker (the old one was damaged) is fine
    submit(manager, f"/deviceview/edit/{second_id}", {**form, "sticker": str(spare)})
    with app.app_context():
        assert db.session.get(Device, second_id).sticker_id == spare


def test_giving_an_order_to_another_partner_moves_the_link(app, client_for, place, smtp_server,
                                                          deliver):
    """The old partner's link stops working; the new partner gets the order mail with
    the PDF and a new link; the audit says so."""
    from app.faults.models import Contractor
    from tests.helpers import link
    links = make_order(app, place)
    with app.app_context():
        other = Contractor(name="Andere partner", email="ander@example.org")
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    deliver()
    manager = client_for("FacilityManager")
    response = submit(manager, f"/workorderview/edit/{links['order_id']}",
                      {"contractor": str(other_id), "internal_note": ""}, follow_redirects=True)
    assert "Andere partner" in page(response)
    assert app.test_client().get(links["wo"]).status_code == 404
    deliver()
    [mail] = smtp_server.to("ander@example.org")
    assert "KH-OC-000001" in mail["Subject"]
    assert "Beste medewerker van Andere partner" in mail.get_body(("plain",)).get_content()
    new_link = link(mail, "/wo/")
    assert new_link != links["wo"] and "KH-OC-000001" in page(app.test_client().get(new_link))
    assert len([m for m in smtp_server.to(CONTRACTOR_EMAIL) if "Nieuwe opdracht" in m["Subject"]]) == 1
    # saving without changing the partner keeps the link
    submit(manager, f"/workorderview/edit/{links['order_id']}",
           {"contractor": str(other_id), "internal_note": "Sleutel bij de balie"})
    assert "Sleutel bij de balie" in page(app.test_client().get(new_link))


def test_work_order_lists_have_filter_buttons(app, client_for, place):
    import re as _re
    make_order(app, place)
    viewer = client_for("FaultViewer")
    urls = {"/workorderview/list/": "Alle opdrachten",
            "/faultworkorders/workordernewview/list/": "Nieuw",
            "/faultworkorders/workorderoverdueview/list/":
                "Te laat (niet op tijd geaccepteerd)",
            "/faultworkorders/workorderlateview/list/": "Te laat (niet op tijd afgerond)",
            "/faultworkorders/workorderacceptedview/list/": "Geaccepteerd",
            "/faultworkorders/workorderpartsview/list/": "Onderdelen in bestelling",
            "/faultworkorders/workordercompletedview/list/": "Afgerond",
            "/faultworkorders/workorderdeclinedview/list/": "Geweigerd",
            "/faultworkorders/workorderflaggedview/list/": "Aandacht nodig"}
    for url, label in urls.items():
        html = page(viewer.get(url))
        buttons = _re.findall(r'<a class="btn btn-sm[^"]*"\s*href="([^"]+)"'
                              r'(\s*aria-current="page")?>([^<]+)</a>', html)
        assert [(href, text) for href, _cur, text in buttons] == list(urls.items()), url
        assert [text for _href, cur, text in buttons if cur] == [label], url


def test_complaint_lists_have_filter_buttons(app, client_for, place):
    import re as _re
    viewer = client_for("FaultViewer")
    urls = {"/complaintview/list/": "Alle klachten", "/faultcomplaints/open/list/": "Open",
            "/faultcomplaints/answered/list/": "Beantwoord",
            "/faultcomplaints/closed/list/": "Gesloten"}
    for url, label in urls.items():
        html = page(viewer.get(url))
        buttons = _re.findall(r'<a class="btn btn-sm[^"]*"\s*href="([^"]+)"'
                              r'(\s*aria-current="page")?>([^<]+)</a>', html)
        assert [(href, text) for href, _cur, text in buttons] == list(urls.items()), url
        assert [text for _href, cur, text in buttons if cur] == [label], url
