"""The rules of fault handling: the one entry point for views, public pages, the API,
the CLI and the demo loader.

Each function checks its rule, changes the models and queues the mails in the caller's
transaction, or raises DomainError with a message for the user. The caller commits.
Who acts (user, "contractor", "reporter") is named by the caller for the audit log
(audit.set_actor). The rules live by job in:

- orders.py    reports and work orders: the state machine, the contractor's fields,
               the locks after completion, the contractor's and reporter's links
- devices.py   devices and stickers: registration, one device per sticker, deletion
- feedback.py  ratings and complaints
- loop.py      the feedback loop: flags for the office, reopening a completed order
- escalation.py the scheduled job: reminders, office alerts, follow-ups
- priority.py  the facility manager's change of a report's priority
- portal.py    the partner's portal link (send, revoke) and its list of orders
- kept_photos.py photos kept after a refused public form, and their clean-up job
- rules.py     the input checks they share

A refused step raises the shared DomainError (app/errors.py).
"""
from ..errors import DomainError
from .devices import check_delete, check_sticker_free, register_device
from .escalation import run_escalation
from .feedback import (
                       COMPLAINT_LABELS,
                       can_respond,
                       close_complaint,
                       complain,
                       rate,
                       rating_open,
                       respond,
)
from .loop import clear_flag, flag, reopen
from .orders import (
                       CONTRACTOR_FIELDS,
                       ORDER_SERIES,
                       PRIORITY_LABELS,
                       REPORT_SERIES,
                       STATUS_LABELS,
                       TRANSITIONS,
                       allowed_actions,
                       appointment_text,
                       check_back_office_edit,
                       check_report_edit,
                       check_transition,
                       create_report,
                       missing_for_completion,
                       parse_fields,
                       priority_for,
                       queue_contractor_mail,
                       reassign_if_changed,
                       renew_contractor_link,
                       renew_reporter_link,
                       resend_contractor_mail,
                       revoke_contractor_link,
                       save_fields,
                       transition,
                       work_order_pdf,
)
from .portal import revoke_link as revoke_portal_link
from .portal import send_link as send_portal_link
from .priority import change_priority
from .rules import MAX_TEXT, is_admin, photo_data_uri

__all__ = [
    "CONTRACTOR_FIELDS", "COMPLAINT_LABELS", "MAX_TEXT", "ORDER_SERIES", "REPORT_SERIES",
    "STATUS_LABELS", "TRANSITIONS", "DomainError", "PRIORITY_LABELS",
    "appointment_text", "check_transition", "clear_flag", "flag", "missing_for_completion",
    "priority_for", "reopen", "run_escalation",
    "allowed_actions", "can_respond", "change_priority", "check_back_office_edit", "check_delete",
    "check_report_edit", "check_sticker_free", "close_complaint", "complain",
    "create_report", "is_admin", "parse_fields", "photo_data_uri", "queue_contractor_mail",
    "rate", "rating_open", "reassign_if_changed", "register_device",
    "renew_contractor_link", "renew_reporter_link", "resend_contractor_mail", "respond",
    "revoke_contractor_link", "revoke_portal_link", "save_fields", "send_portal_link",
    "transition", "work_order_pdf",
]
