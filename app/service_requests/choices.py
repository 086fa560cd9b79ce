"""The fixed choices of this domain (codes in the database, labels on screen)."""
from flask_babel import lazy_gettext as _


class RequestStatus:
    RECEIVED = "received"
    ASSIGNED = "assigned"
    DOCUMENTS_NEEDED = "documents_needed"
    DOCUMENTS_RECEIVED = "documents_received"
    IN_PREPARATION = "in_preparation"
    PREPARED = "prepared"
    CORRECTION_NEEDED = "correction_needed"
    READY = "ready"
    DELIVERED = "delivered"
    REFUND = "refund"
    PAID = "paid"
    CANCELLED = "cancelled"

    LABELS = {
        RECEIVED: _("Received"),
        ASSIGNED: _("Assigned"),
        DOCUMENTS_NEEDED: _("New documents needed"),
        DOCUMENTS_RECEIVED: _("New documents received"),
        IN_PREPARATION: _("Product in preparation"),
        PREPARED: _("Product prepared"),
        CORRECTION_NEEDED: _("Correction needed by the writer"),
        READY: _("Product ready for the customer"),
        DELIVERED: _("Product handed over"),
        REFUND: _("Refund"),
        PAID: _("Paid"),
        CANCELLED: _("Cancelled"),
    }
    # What the customer reads (track page, mails): no internal steps or staff roles.
    CUSTOMER_LABELS = {
        RECEIVED: _("Received"),
        ASSIGNED: _("Being handled"),
        DOCUMENTS_NEEDED: _("Waiting for documents from you"),
        DOCUMENTS_RECEIVED: _("Being handled"),
        IN_PREPARATION: _("Being handled"),
        PREPARED: _("Being handled"),
        CORRECTION_NEEDED: _("Being handled"),
        READY: _("Ready for pickup"),
        DELIVERED: _("Picked up"),
        REFUND: _("Refund being handled"),
        PAID: _("Completed"),
        CANCELLED: _("Cancelled"),
    }
    # Statuses with work still to do: each is a filter button.
    OPEN = (RECEIVED, ASSIGNED, DOCUMENTS_NEEDED, DOCUMENTS_RECEIVED, IN_PREPARATION,
            PREPARED, CORRECTION_NEEDED, READY)
    # Open and not waiting on the customer: the request's clock runs (clock.py).
    RUNNING = (RECEIVED, ASSIGNED, DOCUMENTS_RECEIVED, IN_PREPARATION, PREPARED,
               CORRECTION_NEEDED, READY)


class Urgency:
    URGENT = "urgent"
    NORMAL = "normal"
    ONLINE = "online"
    LABELS = {URGENT: _("Urgent"), NORMAL: _("Normal"), ONLINE: _("Online")}


class OnBehalfOf:
    LABELS = {
        "registrar": _("Registrar"),
        "director": _("Director"),
        "surveyor": _("Surveyor"),
        "employee": _("Employee"),
    }


class ProductKind:
    MORTGAGE_EXTRACT = "mortgage_extract"
    CADASTRAL_EXTRACT = "cadastral_extract"
    SURVEY_MAP = "survey_map"
    PRINT = "print"
    LABELS = {
        MORTGAGE_EXTRACT: _("Mortgage extract"),
        CADASTRAL_EXTRACT: _("Cadastral extract"),
        SURVEY_MAP: _("Survey map"),
        PRINT: _("Print"),
    }


class PaymentMethod:
    LABELS = {"cash": _("Cash"), "card": _("Debit card"), "transfer": _("Bank transfer"),
              "online": _("Online")}


class CheckResult:
    OK = "ok"
    CORRECTION = "correction"
    LABELS = {OK: _("Approved"), CORRECTION: _("Correction needed")}
