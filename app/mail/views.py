from flask import redirect
from flask_appbuilder.actions import action
from flask_babel import gettext
from flask_babel import lazy_gettext as _

from ..audit.labels import record_label
from ..export import ExportMixin
from ..formatting import format_datetime
from ..listing import FastModelView, FastSQLAInterface
from ..security.redact import redact
from ..security.scopes import FilterReadableRecords
from ..unit_of_work import unit_of_work
from .models import OutboxMessage, OutboxStatus
from .sender import retry_now


class OutboxView(ExportMixin, FastModelView):
    """Every mail the app wrote, what happened to it, and a retry for failures.

    With no MAIL_SERVER configured this is where mail is read instead of sent.
    """

    datamodel = FastSQLAInterface(OutboxMessage)
    class_permission_name = "Outbox"
    base_permissions = ["can_list", "can_show", "can_retry"]
    method_permission_name = {"retry": "retry"}
    list_title = _("Outbox")
    show_title = _("Mail")
    list_columns = ["created_at", "recipients", "subject", "status", "attempts", "sent_at"]
    # Not a list of addresses or a free-text subject (searched instead), nor the attempts
    # and the sending time: the Failed status finds the mails in trouble, and mail goes
    # out in the order it was created.
    order_columns = ["created_at", "status"]
    show_columns = ["created_at", "message_id", "sender", "recipients", "cc", "reply_to",
                    "subject", "body_text", "attachment_names", "status", "attempts",
                    "next_attempt_at", "last_error", "sent_at", "subject_type", "subject_id"]
    search_columns = ["recipients", "subject", "status", "created_at", "subject_type", "subject_id"]
    base_order = ("id", "desc")
    # Only mails about records of a business the user's roles may read.
    base_filters = [["subject_type", FilterReadableRecords, None]]
    formatters_columns = dict.fromkeys(("created_at", "sent_at", "next_attempt_at"), format_datetime)
    formatters_columns["status"] = OutboxStatus.label
    # Whoever reads this screen must not get a working link out of it.
    formatters_columns.update(dict.fromkeys(("body_text", "reply_to", "last_error"), redact))
    formatters_columns["subject_type"] = record_label
    label_columns = {
        "created_at": _("Created"), "message_id": _("Message-ID"), "sender": _("From"),
        "recipients": _("To"), "cc": _("Cc"), "reply_to": _("Reply to"), "subject": _("Subject"),
        "body_text": _("Text"), "attachment_names": _("Attachments"), "status": _("Status"),
        "attempts": _("Attempts"), "next_attempt_at": _("Next attempt"),
        "last_error": _("Last error"), "sent_at": _("Sent"), "subject_type": _("About"),
        "subject_id": _("About #"),
    }

    @action("retry", _("Retry now"), _("Send the selected mails again now?"), "fa-repeat",
            single=False)
    def retry(self, items):
        items = items if isinstance(items, list) else [items]
        with unit_of_work() as work:
            requeued = sum(1 for item in items if retry_now(item))
            work.done = gettext("%(count)s of %(total)s mails queued again (mails already sent "
                                "are never sent twice).", count=requeued, total=len(items))
        self.update_redirect()
        return redirect(self.get_redirect())
