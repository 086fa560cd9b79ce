"""The shared ground of the service-request steps: the one table of steps
(TRANSITIONS), who may take which step now (`may`, `_guard`: permission, status and
ownership), the status move with its audit entry, and the unit of work.

workflow.py (the steps of the work) and ledger.py (money) both build on it; views,
API and CLI call workflow, which re-exports everything they need.
"""
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _

from .. import audit, notifications
from ..errors import DomainError
from ..mail import MailError
from ..unit_of_work import unit_of_work
from .customer_mail import queue_customer_mail
from .models import RequestStatus as S

RESOURCE = "ServiceRequest"
# Every action on RESOURCE. Each view on the resource declares all of them, so FAB's
# permission update never tries to remove one view's action while adding another's.
PERMISSIONS = ["can_read", "can_write", "can_assign", "can_feedback", "can_upload_product",
               "can_check", "can_hand_over", "can_pay", "can_refund", "can_correct",
               "can_cancel", "can_override", "can_lead", "can_cash_report"]
STALE_MESSAGE = _("Someone else changed this request in the meantime. "
                  "Reload the page and try again.")


@dataclass(frozen=True)
class Transition:
    sources: tuple        # statuses it may start from ("*": any)
    target: str | None    # new status, None: the status stays
    permission: str       # FAB action on RESOURCE, checked for logged-in users


WORKING = (S.RECEIVED, S.ASSIGNED, S.DOCUMENTS_NEEDED, S.DOCUMENTS_RECEIVED,
           S.IN_PREPARATION, S.CORRECTION_NEEDED)

# The one table of steps. Targets that depend on input (upload complete or not,
# check approved or not) are decided in the step's function.
TRANSITIONS = {
    "assign": Transition(WORKING + (S.PREPARED,), S.ASSIGNED, "can_assign"),
    "feedback": Transition(WORKING, S.DOCUMENTS_NEEDED, "can_feedback"),
    "receive_documents": Transition("*", S.DOCUMENTS_RECEIVED, "can_feedback"),
    "upload_product": Transition(WORKING[1:], S.IN_PREPARATION, "can_upload_product"),
    "check": Transition((S.PREPARED,), S.READY, "can_check"),
    "hand_over": Transition((S.READY,), S.DELIVERED, "can_hand_over"),
    "pay": Transition("*", None, "can_pay"),
    "refund": Transition((S.DELIVERED, S.PAID, S.READY, S.REFUND, S.CANCELLED) + WORKING,
                         S.REFUND, "can_refund"),
    "correct": Transition("*", None, "can_correct"),
    "applicant_feedback": Transition((S.READY, S.DELIVERED, S.PAID), S.CORRECTION_NEEDED,
                                     "can_check"),
    # The writer adds additional products (print A4 pages) while writing up.
    "add_line": Transition(WORKING[1:] + (S.PREPARED,), None, "can_upload_product"),
    "cancel": Transition(WORKING + (S.PREPARED, S.READY), S.CANCELLED, "can_cancel"),
    "override": Transition("*", None, "can_override"),
    "replace_id_photo": Transition(WORKING + (S.PREPARED, S.READY), None, "can_write"),
    "void_payment": Transition("*", None, "can_correct"),
    # A message to the customer that asks nothing: the status stays.
    "message": Transition(WORKING + (S.PREPARED, S.READY, S.DELIVERED, S.PAID, S.REFUND), None,
                          "can_feedback"),
}
# Steps only the assigned writer (or a lead) takes; on an unassigned request the
# writer who takes one becomes its writer.
OWNED_STEPS = {"feedback", "message", "upload_product", "add_line"}


def _user_may(permission):
    """Logged-in users need the permission; the system, customers and the portal
    act through their own entry points (mail pipe, track token, API role)."""
    actor = audit.current_actor()
    if actor.type != "user":
        return True
    return current_app.appbuilder.sm.has_access(permission, RESOURCE)


def _is_owner_or_lead(sr):
    """The assigned writer, a lead (can_lead) or Admin; anyone on an unassigned request.
    The system, customers and the portal are not writers: they pass."""
    user_id = _current_user_id()
    if user_id is None or sr.assigned_to_id in (None, user_id):
        return True
    return _user_may("can_lead")


def may(sr, name):
    """Whether the current user may take this step now (for showing buttons and forms)."""
    step = TRANSITIONS[name]
    if step.sources != "*" and sr.status not in step.sources:
        return False
    if name == "refund" and not sr.is_paid:
        return False
    if name == "pay" and (sr.status == S.CANCELLED or sr.computed_balance() <= 0):
        return False
    if name == "void_payment" and not any(not p.is_void for p in sr.payments):
        return False
    if (name in OWNED_STEPS or name == "assign") and not _is_owner_or_lead(sr):
        return False
    return _user_may(step.permission)


def _guard(sr, name, expected_version=None):
    step = TRANSITIONS[name]
    if not _user_may(step.permission):
        raise DomainError(gettext("You are not allowed to do this."))
    if expected_version is not None and str(expected_version) != str(sr.version_id):
        raise DomainError(STALE_MESSAGE)
    if step.sources != "*" and sr.status not in step.sources:
        customer = audit.current_actor().type == "customer"  # the customer's words
        raise DomainError(gettext(
            "This cannot be done while the request has status “%(status)s”.",
            status=sr.customer_status_label if customer else sr.status_label))
    if name in OWNED_STEPS and not _is_owner_or_lead(sr):
        raise DomainError(gettext(
            "This request is assigned to %(name)s: only that writer or a lead can work on it.",
            name=_user_name(sr.assigned_to)))
    return step


def _user_name(user):
    if user is None:
        return ""
    return f"{user.first_name or ''} {user.last_name or ''}".strip() or user.username


def _take(sr):
    """A writer's step on an unassigned request makes them its writer."""
    user_id = _current_user_id()
    if sr.assigned_to_id is None and user_id is not None:
        sr.assigned_to_id = user_id


def _move(sr, new_status):
    """Set the status and write the explicit transition entry (old → new)."""
    old = sr.status
    if new_status and new_status != old:
        sr.status = new_status
        audit.record(sr, "transition", field="status", old=old, new=new_status)


def transaction(done=None, **options):
    """The shared unit of work (app/unit_of_work.py) for one step: a concurrent change
    of the same request is refused with STALE_MESSAGE."""
    return unit_of_work(done, stale=STALE_MESSAGE, **options)


def _mail_customer(sr, kind, **extra):
    try:
        queue_customer_mail(sr, kind, **extra)
    except MailError as exc:
        raise DomainError(gettext("No e-mail can be sent to %(address)s; correct the address "
                                    "first.", address=sr.applicant_email)) from exc


def _current_user_id():
    actor = audit.current_actor()
    return actor.user_id if actor.type == "user" else None


# ---------------------------------------------------------------- staff notifications

DETAIL_PATH = "/service-requests/show/{id}"  # ServiceRequestView's detail page
NOTIFICATION_KINDS = {
    "sr.documents": _("New documents on request %(ref)s"),
    "sr.correction": _("Correction needed on request %(ref)s"),
    "sr.check": _("Request %(ref)s is ready for checking"),
    "sr.error": _("The customer reported an error in request %(ref)s"),
}


def _role_user_ids(role_name):
    role = current_app.appbuilder.sm.find_role(role_name)
    return [u.id for u in (role.user if role is not None else []) if u.active]


def _notify(sr, kind, *, writer=False, desk=False):
    """Tell the request's writer and/or the pickup desk (never the one who acted)."""
    users = ([sr.assigned_to_id] if writer else []) + (_role_user_ids("PickupDesk") if desk else [])
    me = _current_user_id()
    notifications.notify([u for u in users if u != me], kind, ref=sr.order_no,
                         url=DETAIL_PATH.format(id=sr.id), subject=(RESOURCE, sr.id))
