"""What the search box finds of this domain: a request by its order number, applicant
(name, e-mail, phone, ID number) and the information the customer sent with it."""
from flask import url_for
from flask_babel import lazy_gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from .choices import RequestStatus
from .models import RequestedProductLine, ServiceRequest


def request_text(sr):
    return "\n".join(filter(None, [
        sr.order_no, sr.applicant_name, sr.applicant_email, sr.applicant_phone, sr.id_number,
        sr.client_reference, *(line.customer_info for line in sr.requested_lines)]))


def describe(ids):
    rows = db.session.execute(select(ServiceRequest.id, ServiceRequest.order_no,
                                     ServiceRequest.applicant_name, ServiceRequest.status)
                              .where(ServiceRequest.id.in_(ids))).all()
    by_id = {row.id: row for row in rows}
    return [(i, by_id[i].order_no, f"{by_id[i].applicant_name} · "
             f"{RequestStatus.LABELS.get(by_id[i].status, by_id[i].status)}",
             url_for("ServiceRequestView.show", pk=i)) for i in ids if i in by_id]


def register():
    from .. import search

    search.register(search.Source(
        kind="servicerequest", model=ServiceRequest, text=request_text,
        permission=("can_read", "ServiceRequest"), describe=describe,
        label=_("Service requests"),
        parents={RequestedProductLine: lambda line: line.service_request},
        load=(selectinload(ServiceRequest.requested_lines),)))
