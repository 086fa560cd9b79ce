"""The maintenance partner's portal: one link per partner (mailed by the facility manager,
renewed, revoked, expiring) listing its open and recent orders, each with the order
page's own buttons; another partner's orders stay out of reach."""
import re
from datetime import timedelta

from sqlalchemy import select, update

from app.database import utcnow
from app.extensions import db
from app.faults import portal, workflow
from app.faults.models import Contractor, WorkOrder
from app.tokens import LinkToken
from tests.helpers import (
    CONTRACTOR_EMAIL,
    complete,
    csrf_token,
    make_order,
    page,
    query_plan,
    submit,
)

PORTAL = re.compile(r"http://backoffice\.test(/p/[0-9a-f]{32})")


def _mail_link(app, manager, place):
    """The facility manager presses "Mail a portal link"; the link from the mail."""
    show = f"/contractorview/show/{place['contractor_id']}"
    response = submit(manager, show, post_url=f"/contractorview/portal-link/"
                                               f"{place['contractor_id']}",
                      follow_redirects=True)
    assert "De portaallink is naar de onderhoudspartner gemaild" in page(response)
    from app.mail.models import OutboxMessage

    with app.app_context():
        mail = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
        assert mail.subject == "Uw opdrachtenoverzicht bij KlusHeeren"
        assert mail.recipients == CONTRACTOR_EMAIL
        return PORTAL.search(mail.body_text).group(1)


def _other_partner_order(app, place):
    with app.app_context():
        other = Contractor(name="Andere partner", email="ander@example.org")
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    links = make_order(app, place, description="Deur van de andere partner")
    with app.app_context():  # always the other partner's: no reassignment in the audit log
        db.session.execute(update(WorkOrder).where(WorkOrder.id == links["order_id"])
                           .values(contractor_id=other_id))
        db.session.commit()
    return links


def test_partner_sees_its_open_orders_and_accepts_one_in_the_portal(app, client, client_for,
                                                                    place):
    first = make_order(app, place, description="Lekkage onder de koffieautomaat")
    second = make_order(app, place, description="Koelkast koelt niet")
    other = _other_partner_order(app, place)
    link = _mail_link(app, client_for("FacilityManager"), place)
    with app.app_context():  # only the hash is kept
        assert not db.session.scalar(select(LinkToken.id).where(
            LinkToken.token_hash == link.removeprefix("/p/")))
    listing = page(client.get(link))
    assert "Koelkast koelt niet" not in listing  # the list shows place and device, no text
    numbers = re.findall(r"<strong>(KH-OC-\d+)</strong>", listing)
    with app.app_context():
        mine = [db.session.get(WorkOrder, x["order_id"]).number for x in (second, first)]
        theirs = db.session.get(WorkOrder, other["order_id"]).number
    assert numbers == mine and theirs not in listing  # newest first, only its own
    order_url = f"{link}/wo/{first['order_id']}"
    assert f'href="{order_url}"' in listing
    assert "Lekkage onder de koffieautomaat" in page(client.get(order_url))
    # the order page's own buttons, on the portal's URL
    response = client.post(order_url, data={"action": "accept",
                                            "csrf_token": csrf_token(client, order_url)})
    assert response.status_code == 302 and response.headers["Location"] == order_url
    after = page(client.get(order_url))
    assert "De opdracht is geaccepteerd" in after and "Alle opdrachten" in after
    with app.app_context():
        assert db.session.get(WorkOrder, first["order_id"]).status == "accepted"
    # another partner's order is not found through this link, not even by its id
    assert client.get(f"{link}/wo/{other['order_id']}").status_code == 404
    assert client.post(f"{link}/wo/{other['order_id']}", data={
        "action": "accept", "csrf_token": csrf_token(client, order_url)}).status_code == 404


def test_finished_orders_move_to_recently_finished(app, client, client_for, place):
    links = make_order(app, place)
    with app.app_context():
        order = db.session.get(WorkOrder, links["order_id"])
        workflow.transition(order, "accept")
        complete(order)
        db.session.commit()
        number = db.session.get(WorkOrder, links["order_id"]).number
    link = _mail_link(app, client_for("FacilityManager"), place)
    assert number not in page(client.get(link))
    assert "U heeft geen openstaande opdrachten." in page(client.get(link))
    assert number in page(client.get(f"{link}?show=done"))
    locked = page(client.get(f"{link}/wo/{links['order_id']}"))
    assert "Bewerken is niet meer mogelijk" in locked


def test_pages_follow_the_last_order_without_a_count(app, client, client_for, place):
    made = [make_order(app, place, description=f"Storing {n}") for n in range(5)]
    link = _mail_link(app, client_for("FacilityManager"), place)
    with app.app_context():
        partner = db.session.get(Contractor, place["contractor_id"])
        first, after = portal.orders(partner, "open", size=2)
        second, after2 = portal.orders(partner, "open", after=str(after), size=2)
        third, after3 = portal.orders(partner, "open", after=str(after2), size=2)
        ids = [o.id for o in first + second + third]
    assert ids == [m["order_id"] for m in reversed(made)] and after3 is None
    assert "Oudere opdrachten" not in page(client.get(link))  # 5 fit on one page of 20
    assert client.get(f"{link}?after=notanumber").status_code == 200


def test_renew_revoke_and_expiry_turn_the_old_link_off(app, client, client_for, place):
    make_order(app, place)
    manager = client_for("FacilityManager")
    old = _mail_link(app, manager, place)
    new = _mail_link(app, manager, place)
    assert client.get(old).status_code == 404 and client.get(new).status_code == 200
    show = f"/contractorview/show/{place['contractor_id']}"
    assert "Werkt tot" in page(manager.get(show))
    response = submit(manager, show, post_url=f"/contractorview/portal-revoke/"
                                               f"{place['contractor_id']}",
                      follow_redirects=True)
    assert "De portaallink van de onderhoudspartner werkt niet meer." in page(response)
    assert client.get(new).status_code == 404
    assert "Geen werkende portaallink" in page(manager.get(show))
    expiring = _mail_link(app, manager, place)
    with app.app_context():
        db.session.execute(update(LinkToken).where(LinkToken.purpose == portal.PURPOSE)
                           .values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    assert client.get(expiring).status_code == 404


def test_the_portal_link_is_personal_and_never_cached_or_indexed(app, client, client_for,
                                                                place):
    make_order(app, place)
    link = _mail_link(app, client_for("FacilityManager"), place)
    response = client.get(link)
    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]
    from app.security.redact import redact

    assert link.removeprefix("/p/") not in redact(f"GET {link}/wo/1 HTTP/1.1")


def test_a_viewer_cannot_send_a_portal_link(app, viewer_client, place):
    show = f"/contractorview/show/{place['contractor_id']}"
    assert "portal-link/" not in page(viewer_client.get(show))
    response = viewer_client.post(f"/contractorview/portal-link/{place['contractor_id']}",
                                  data={"csrf_token": csrf_token(viewer_client, "/report")})
    assert response.status_code == 403 or "/login/" in response.headers.get("Location", "")


def _portal_link(app, contractor_id):
    from app import audit

    with app.app_context(), audit.acting_as("system", "test"):
        mail = portal.send_link(db.session.get(Contractor, contractor_id))
        db.session.commit()
        return PORTAL.search(mail.body_text).group(1)


def test_an_order_given_to_another_partner_is_in_its_portal_and_the_old_link_says_so(
        app, client, client_for, place):
    links = make_order(app, place)
    old_link = _portal_link(app, place["contractor_id"])
    order_url = f"{old_link}/wo/{links['order_id']}"
    token = csrf_token(client, order_url)
    with app.app_context():
        other = Contractor(name="Andere partner", email="ander@example.org")
        db.session.add(other)
        db.session.commit()
        other_id = other.id
        number = db.session.get(WorkOrder, links["order_id"]).number
    manager = client_for("FacilityManager")
    assert submit(manager, f"/workorderview/edit/{links['order_id']}",
                  {"contractor": str(other_id), "internal_note": ""}).status_code == 302

    new_link = _portal_link(app, other_id)
    assert number in page(client.get(new_link))  # the new partner has it
    assert number not in page(client.get(old_link))  # the old one no longer lists it
    for response in (client.get(order_url),
                     client.post(order_url, data={"action": "accept", "csrf_token": token})):
        assert response.status_code == 410
        text = page(response)
        assert "Deze opdracht is niet meer aan u toegewezen" in text
        assert f'href="{old_link}"' in text  # back to the partner's own list
    with app.app_context():  # and the old partner's button changed nothing
        assert db.session.get(WorkOrder, links["order_id"]).status == "new"


def test_recently_finished_lists_the_last_activity_first(app, client, place):
    """Finished orders by when they were last worked on, not by when they were made: an
    old order finished today is on top (and in the list at all: it was made 100 days ago)."""
    now = utcnow()
    made = [make_order(app, place, description=f"Storing {n}")["order_id"] for n in range(3)]
    times = {made[0]: (now - timedelta(days=100), now - timedelta(hours=1)),
             made[1]: (now - timedelta(days=10), now - timedelta(days=5)),
             made[2]: (now - timedelta(days=1), now - timedelta(hours=2))}
    with app.app_context():
        for pk, (created, changed) in times.items():
            db.session.execute(update(WorkOrder).where(WorkOrder.id == pk).values(
                status="completed", completed_at=changed, created_at=created,
                updated_at=changed))
        db.session.commit()
        numbers = {pk: db.session.get(WorkOrder, pk).number for pk in made}
    listing = page(client.get(f"{_portal_link(app, place['contractor_id'])}?show=done"))
    shown = re.findall(r"<strong>(KH-OC-\d+)</strong>", listing)
    assert shown == [numbers[made[0]], numbers[made[2]], numbers[made[1]]]
    with app.app_context():  # and page by page, following the last one shown
        partner = db.session.get(Contractor, place["contractor_id"])
        first, after = portal.orders(partner, "done", size=2)
        rest, end = portal.orders(partner, "done", after=str(after), size=2)
        assert [o.id for o in first + rest] == [made[0], made[2], made[1]] and end is None


def test_recently_finished_walks_the_partners_activity_index(app, client, place):
    """The Recent tab stays one index walk per status (no sort of the partner's history)."""
    from sqlalchemy import event

    make_order(app, place)
    link = _portal_link(app, place["contractor_id"])
    seen = []
    with app.app_context():
        engine = db.engine

    def remember(conn, cursor, statement, parameters, context, executemany):
        if "UNION ALL" in statement:
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", remember)
    try:
        assert client.get(f"{link}?show=done").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    [(statement, parameters)] = seen
    with app.app_context():
        plan = query_plan(statement, parameters)
    assert plan.count("ix_fault_work_order_partner_activity") == len(portal.LISTS["done"]), plan
