"""Token pages: GET changes nothing (mail scanners open links), wrong and revoked
tokens are a friendly 404, photos are served only to the token that owns them."""
import pytest
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.extensions import db
from app.faults import tokens, workflow
from app.faults.models import Complaint, FaultReport, Rating, WorkOrder
from app.mail.models import OutboxMessage
from app.tokens import LinkToken
from tests.helpers import complete, make_order, page, submit


def _snapshot(app):
    """Every row of the tables a token page could touch."""
    with app.app_context():
        db.session.expire_all()
        rows = {}
        for model in (WorkOrder, FaultReport, Rating, Complaint, OutboxMessage, AuditEntry):
            rows[model.__name__] = [
                tuple(getattr(r, c.key) for c in model.__table__.columns)
                for r in db.session.scalars(select(model).order_by(model.id))]
        return rows


def _complaint_link(app, order_id):
    with app.app_context():
        order = db.session.get(WorkOrder, order_id)
        complaint = workflow.complain(order, "Niemand kwam.")
        db.session.commit()
        return "/c/" + tokens.token_for(complaint)


def test_get_on_every_token_page_changes_nothing(app, client, client_for, place):
    links = make_order(app, place)
    c_link = _complaint_link(app, links["order_id"])
    before = _snapshot(app)
    assert before["AuditEntry"] and before["OutboxMessage"]
    urls = [links["wo"], links["r"], c_link]
    urls += [f"{links['wo']}/photo/{k}" for k in links["photo_keys"]]
    urls += [f"{links['r']}/photo/{k}/thumb" for k in links["photo_keys"]]
    code = place["codes"][0]
    urls += [f"/q/{code}", f"/q/{code}.json", f"/q/{place['codes'][1]}", "/report"]
    for _round in range(3):
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            client.head(url)
    # a logged-in facility manager opening an unused sticker only sees the form
    assert client_for("FacilityManager").get(f"/q/{place['codes'][1]}").status_code == 200
    assert _snapshot(app) == before
    assert "Lekkage onder de koffieautomaat" in page(client.get(links["wo"]))


@pytest.mark.parametrize("url", ["/wo/x", "/r/x", "/c/x", "/wo/" + "A" * 43, "/r/" + "A" * 500,
                                 "/wo/x/photo/abc"])
def test_wrong_token_is_a_friendly_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Deze pagina bestaat niet (meer)." in page(response) or "bestaat niet" in page(response)


def test_post_with_a_wrong_token_is_404(app, client, place):
    links = make_order(app, place)
    response = submit(client, links["wo"], {"action": "accept"},
                      post_url=links["wo"][:-2] + "xx")
    assert response.status_code == 404


def test_revoked_and_renewed_links(app, client, place):
    links = make_order(app, place)
    assert client.get(links["wo"]).status_code == 200
    with app.app_context():
        order = db.session.get(WorkOrder, links["order_id"])
        workflow.revoke_contractor_link(order)
        db.session.commit()
    assert client.get(links["wo"]).status_code == 404
    with app.app_context():
        order = db.session.get(WorkOrder, links["order_id"])
        workflow.renew_contractor_link(order)
        db.session.commit()
        new_link = "/wo/" + tokens.token_for(order)
        assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.subject.like("Nieuwe opdracht%"))) == 2
    assert new_link != links["wo"]
    assert client.get(links["wo"]).status_code == 404
    assert client.get(new_link).status_code == 200
    # the reporter's link is another token and still works
    assert client.get(links["r"]).status_code == 200


def test_tokens_are_stored_hashed_and_long(app, place):
    links = make_order(app, place)
    token = links["wo"].split("/")[-1]
    assert len(token) >= 43  # 256 bits, URL-safe base64
    with app.app_context():
        [row] = db.session.scalars(select(LinkToken).where(
            LinkToken.subject_type == "WorkOrder", LinkToken.subject_id == links["order_id"]))
        assert token not in (row.token_hash, row.salt)
        audit_text = " ".join(str(e.new_value) for e in db.session.scalars(select(AuditEntry)))
        assert row.token_hash not in audit_text and token not in audit_text


def test_a_token_only_serves_its_own_photos(app, client, place):
    first = make_order(app, place)
    second = make_order(app, place, description="Tweede melding")
    own = first["photo_keys"][0]
    other = second["photo_keys"][0]
    assert client.get(f"{first['wo']}/photo/{own}").status_code == 200
    assert client.get(f"{first['wo']}/photo/{other}").status_code == 404
    assert client.get(f"{first['r']}/photo/{other}").status_code == 404


def test_public_pages_speak_english_when_chosen(app, client, place):
    links = make_order(app, place)
    assert "ACCEPTEREN" in page(client.get(links["wo"]))
    client.get("/lang/en")
    text = page(client.get(links["wo"]))
    assert "ACCEPT" in text and "PARTS ON ORDER" in text and "ACCEPTEREN" not in text
    assert "Report a fault" in page(client.get("/report"))


def test_order_details_heading_and_internal_note_label(app, client, place):
    """The contractor manual's 'Opdracht Information' table shows 'Intern' to the contractor, so the
    note stays, under a label that says who reads it; the heading is Dutch."""
    import io

    from pypdf import PdfReader

    links = make_order(app, place)
    with app.app_context():
        order = db.session.get(WorkOrder, links["order_id"])
        order.internal_note = "Sleutel bij de receptie"
        db.session.commit()
        pdf = PdfReader(io.BytesIO(workflow.work_order_pdf(order)))
        pdf_text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    text = page(client.get(links["wo"]))
    assert "<h2>Opdrachtinformatie</h2>" in text and "Information" not in text
    assert "Intern (zichtbaar voor de contractpartner)" in text
    assert "Sleutel bij de receptie" in text
    assert "Opdrachtinformatie" in pdf_text and "Information" not in pdf_text
    assert "Intern (zichtbaar voor de contractpartner)" in pdf_text


def _buttons(html):
    """(form attributes, [button tags]) for each form of a page, and buttons outside forms."""
    import re
    forms = [(m.group(1), re.findall(r"<button\b[^>]*>", m.group(2)))
             for m in re.finditer(r"<form\b([^>]*)>(.*?)</form>", html, re.S)]
    outside = re.findall(r"<button\b[^>]*>", re.sub(r"<form\b.*?</form>", "", html, flags=re.S))
    return forms, outside


def test_enter_in_a_field_saves_and_does_not_accept(app, client, place):
    """Pressing Enter in a field submits with the form's first submit button: on the
    contractor's page that must be OPSLAAN, never ACCEPTEREN."""
    links = make_order(app, place)
    forms, _outside = _buttons(page(client.get(links["wo"])))
    [(_attrs, buttons)] = [f for f in forms if 'value="accept"' in " ".join(f[1])]
    first_submit = next(b for b in buttons if 'type="submit"' in b)
    assert 'value="save"' in first_submit and "disabled" not in first_submit
    # and that button saves without changing the status
    response = submit(client, links["wo"], {"action": "save", "contractor_reference": "R-1"},
                      follow_redirects=True)
    assert "Uw wijzigingen zijn opgeslagen" in page(response) and "Nieuw" in page(response)
    with app.app_context():
        order = db.session.get(WorkOrder, links["order_id"])
        assert order.status == "new" and order.contractor_reference == "R-1"


def test_public_pages_work_without_javascript(app, client, client_for, place):
    """Every button on a public page submits a POST form (with a CSRF token) by
    itself; the only button that needs JavaScript is Scan QR, which is hidden until
    the script shows it."""
    links = make_order(app, place)
    c_link = _complaint_link(app, links["order_id"])
    with app.app_context():
        order = db.session.get(WorkOrder, links["order_id"])
        workflow.transition(order, "accept")
        complete(order)
        db.session.commit()
    manager = client_for("FacilityManager")
    pages = [client.get(u) for u in (links["wo"], links["r"], c_link, "/report",
                                     f"/q/{place['codes'][0]}")]
    pages.append(manager.get(f"/q/{place['codes'][1]}"))  # device registration
    for response in pages:
        html = page(response)
        forms, outside = _buttons(html)
        assert forms, response.request.path
        assert all('type="button"' in b and 'id="scan-button"' in b for b in outside)
        for attrs, buttons in forms:
            assert 'method="post"' in attrs, (response.request.path, attrs)
            for button in buttons:
                if 'id="scan-button"' in button:
                    assert " hidden" in button  # shown by faults_scan.js only
                elif 'id="scanner-stop"' in button:
                    assert '<div id="scanner" hidden>' in html  # inside the hidden scanner
                else:
                    assert 'type="submit"' in button, (response.request.path, button)
        assert html.count('name="csrf_token"') >= len(forms)
    # public.css sets display on buttons; this rule lets `hidden` win on the form
    assert "#report-form [hidden] { display: none; }" in page(pages[3])
    # the rating page: stars are radio buttons styled by CSS, no script needed
    rating = page(pages[1])
    assert rating.count('type="radio" id="speed-') == 5 and "<script" not in rating


def test_rating_waits_for_completion_and_complaints_do_not(app, client, place):
    """Before AFMELDEN the reporter sees the status and the complaint form, no rating
    form, and a rating POST is refused; a complaint is taken at once."""
    links = make_order(app, place)
    view = page(client.get(links["r"]))
    assert "Nieuw" in view and "Feedback versturen" not in view and "Klacht indienen" in view
    response = submit(client, links["r"], {"speed": "5", "communication": "5", "quality": "5",
                                           "solved": "yes"}, post_url=links["r"] + "/rating")
    assert response.status_code == 400
    assert "U kunt de afhandeling beoordelen zodra de opdracht is afgerond." in page(response)
    response = submit(client, links["r"], {"text": "Duurt lang"},
                      post_url=links["r"] + "/complaint", follow_redirects=True)
    assert "Duurt lang" in page(response)
    with app.app_context():
        assert db.session.scalar(select(func.count(Rating.id))) == 0
        assert db.session.scalar(select(func.count(Complaint.id))) == 1


def test_unknown_sticker_is_a_friendly_404(client):
    response = client.get("/q/ZZZZZZZZZZZZ")
    assert response.status_code == 404 and "bestaat niet" in page(response)
    assert client.get("/q/ZZZZZZZZZZZZ.json").status_code == 404
