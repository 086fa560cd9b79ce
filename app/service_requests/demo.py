"""Demo data for this domain (`flask demo load`): products and a dozen requests in
every status, with rows in every tab. Idempotent: requests are recognised by their
client reference (DEMO-01 …); the caller commits."""
import io
from datetime import timedelta
from decimal import Decimal

from flask import current_app
from PIL import Image, ImageDraw
from sqlalchemy import select

from ..database import utcnow
from ..extensions import db
from ..files import save_upload
from . import workflow
from .models import CheckResult, InboundDocument, Product, ServiceRequest, Urgency
from .models import RequestStatus as S

PRODUCTS = [
    ("HYP-UIT", "Hypothecair uittreksel", "mortgage_extract", "25.00", False),
    ("KAD-UIT", "Kadastraal uittreksel", "cadastral_extract", "15.00", False),
    ("MEETBRIEF", "Meetbrief", "survey_map", "40.00", False),
    ("PRINT-A4", "Print A4 (extra blad na 5)", "print", "1.50", True),
]

# (ref, name, product code, qty, extra pages, urgency, on behalf of, target status)
REQUESTS = [
    ("DEMO-01", "Anjali Ramdin", "HYP-UIT", 1, 0, Urgency.ONLINE, None, S.RECEIVED),
    ("DEMO-02", "Marco Sastro", "KAD-UIT", 2, 0, Urgency.NORMAL, None, S.ASSIGNED),
    ("DEMO-03", "Priya Kalloe", "HYP-UIT", 1, 3, Urgency.ONLINE, None, S.DOCUMENTS_NEEDED),
    ("DEMO-04", "Johan Pinas", "MEETBRIEF", 1, 0, Urgency.URGENT, "surveyor", S.DOCUMENTS_RECEIVED),
    ("DEMO-05", "Rita Wong", "HYP-UIT", 3, 2, Urgency.ONLINE, None, S.IN_PREPARATION),
    ("DEMO-06", "Kenneth Amatredjo", "KAD-UIT", 1, 0, Urgency.URGENT, "registrar", S.PREPARED),
    ("DEMO-07", "Shanti Bhagwandin", "HYP-UIT", 1, 7, Urgency.NORMAL, None, S.CORRECTION_NEEDED),
    ("DEMO-08", "Iwan Wijngaarde", "MEETBRIEF", 1, 0, Urgency.ONLINE, None, S.READY),
    ("DEMO-09", "Lisa Tjon", "HYP-UIT", 2, 0, Urgency.NORMAL, None, S.DELIVERED),
    ("DEMO-10", "Dewi Soekhoe", "KAD-UIT", 1, 1, Urgency.URGENT, "director", S.PAID),
    ("DEMO-11", "Ravi Mohan", "HYP-UIT", 1, 0, Urgency.ONLINE, None, S.REFUND),
    ("DEMO-12", "Nadia Karg", "HYP-UIT", 1, 0, Urgency.URGENT, "employee", S.DELIVERED),
]

ORDER = [S.RECEIVED, S.ASSIGNED, S.DOCUMENTS_NEEDED, S.DOCUMENTS_RECEIVED, S.IN_PREPARATION,
         S.PREPARED, S.CORRECTION_NEEDED, S.READY, S.DELIVERED, S.PAID]


def _png(text, color):
    image = Image.new("RGB", (480, 300), color)
    ImageDraw.Draw(image).text((20, 20), text, fill="black")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _pdf(text):
    """A one-page PDF from the PDF service, so the file check accepts it."""
    body = f"<html><body><h1>{text}</h1><p>Demo-product.</p></body></html>"
    from xhtml2pdf import pisa

    out = io.BytesIO()
    pisa.CreatePDF(body, dest=out)
    return out.getvalue()


def _products():
    by_code = {p.code: p for p in db.session.scalars(select(Product))}
    for code, name, kind, price, additional in PRODUCTS:
        if code not in by_code:
            by_code[code] = Product(code=code, name=name, kind=kind, unit_price=Decimal(price),
                                    is_additional=additional)
            db.session.add(by_code[code])
    db.session.flush()
    return by_code


def _writer():
    sm = current_app.appbuilder.sm
    writer = sm.find_user(username="uitschrijver")
    if writer is None and sm.find_role("Writer") is not None:
        writer = next(iter(sm.find_role("Writer").user), None)
    return writer


def _desk():
    sm = current_app.appbuilder.sm
    desk = sm.find_user(username="afhaaldesk")
    if desk is None and sm.find_role("PickupDesk") is not None:
        desk = next(iter(sm.find_role("PickupDesk").user), None)
    return desk


def _walk(sr, target, writer, index):
    """Take the request through the real steps up to its demo status. The loader acts as
    the system, so the rows get the demo writer and desk as the people who did them."""
    desk = _desk()
    by_desk = desk.id if desk is not None else None
    _walk_steps(sr, target, writer, by_desk, index)


def _walk_steps(sr, target, writer, by_desk, index):
    if target == S.RECEIVED:
        return
    workflow.assign(sr, writer)
    if target == S.ASSIGNED:
        return
    if target in (S.DOCUMENTS_NEEDED, S.DOCUMENTS_RECEIVED) or index % 2:
        workflow.send_feedback(sr, "De foto van uw ID-kaart is onduidelijk. "
                                   "Wilt u een nieuwe, scherpe foto sturen?").author_id = writer.id
        if target == S.DOCUMENTS_NEEDED:
            return
        stored = save_upload((_png(f"ID {sr.applicant_name}", "lightblue"), "id-kaart.png"),
                             accept=("any",))
        workflow.attach_documents(sr, [stored], source="email", sender=sr.applicant_email,
                                  subject=f"Re: Uw aanvraag {sr.order_no}",
                                  text="Hierbij een nieuwe foto van mijn ID-kaart.")
        if target == S.DOCUMENTS_RECEIVED:
            return
    stored = save_upload((_pdf(f"{sr.order_no} deel 1"), f"{sr.order_no}-deel1.pdf"),
                         accept=("pdf",))
    workflow.upload_product(sr, stored, complete=False,
                            remarks="Eerste deel").uploaded_by_id = writer.id
    if target == S.IN_PREPARATION:
        return
    stored = save_upload((_pdf(f"{sr.order_no} compleet"), f"{sr.order_no}.pdf"), accept=("pdf",))
    workflow.upload_product(sr, stored, complete=True,
                            remarks="Compleet").uploaded_by_id = writer.id
    if target == S.PREPARED:
        return
    if target == S.CORRECTION_NEEDED:
        workflow.record_internal_check(sr, CheckResult.CORRECTION,
                                       "Perceelnummer klopt niet met de akte."
                                       ).checked_by_id = by_desk
        return
    workflow.record_internal_check(sr, CheckResult.OK, "In orde.").checked_by_id = by_desk
    if target == S.READY:
        return
    workflow.hand_over(sr, sr.applicant_name, id_checked=True)
    if target in (S.PAID, S.REFUND):
        workflow.mark_paid(sr, sr.total, "card")
    if target == S.REFUND:
        # Nothing is owed for a duplicate: the correction first, then what was paid back.
        paid = sr.total
        workflow.correct(sr, "Dubbel aangevraagd; eerste aanvraag wordt gebruikt.",
                         amount_adjustment=-paid)
        workflow.refund(sr, paid, "Dubbel aangevraagd; eerste aanvraag wordt gebruikt.")


def load():
    """Add demo rows that are missing (idempotent)."""
    products = _products()
    writer = _writer()
    existing = set(db.session.scalars(select(ServiceRequest.client_reference).where(
        ServiceRequest.client_reference.like("DEMO-%"))))
    now = utcnow()
    for index, (ref, name, code, qty, pages, urgency, behalf, target) in enumerate(REQUESTS):
        if ref in existing:
            continue
        email = name.lower().replace(" ", ".") + "@example.org"
        id_card = save_upload((_png(f"ID-kaart {name}", "wheat"), "id-kaart.png"),
                              accept=("image",))
        sr = workflow.create_request(
            applicant_name=name, applicant_email=email, applicant_phone=f"+597 8{index:02d}1234",
            id_number=f"FB{100200 + index}", urgency=urgency, on_behalf_of=behalf,
            products=[(products[code], qty, f"Perceel {10 + index}, district Paramaribo; "
                                            f"eigenaar {name}.")],
            additional=[(products["PRINT-A4"], pages)] if pages else [],
            id_card_file=id_card, client_reference=ref,
            received_at=now - timedelta(days=len(REQUESTS) - index, hours=index))
        if writer is not None:
            _walk(sr, target, writer, index)
        if index == 9:
            workflow.correct(sr, "Eén blad print A4 te veel gerekend aan de balie.",
                             amount_adjustment=Decimal("-1.50"))
        if index == 8:
            workflow.report_applicant_error(sr, "De naam van de eigenaar is verkeerd gespeld.")
    if not db.session.scalars(select(InboundDocument.id).where(
            InboundDocument.request_id.is_(None))).first():
        db.session.add(InboundDocument(
            source="email", message_id="<demo-unmatched@example.org>",
            sender="onbekend@example.org", subject="Vraag over mijn aanvraag",
            text="Goedemiddag, ik heb vorige week een uittreksel aangevraagd. "
                 "Wanneer kan ik het ophalen?"))
    db.session.flush()
