from flask_babel import lazy_gettext as _

from ..export import ExportMixin
from ..formatting import format_datetime
from ..listing import FastModelView, FastSQLAInterface
from ..security.scopes import FilterReadableRecords
from . import tab
from .labels import action_label, actor_label, record_label
from .models import AuditEntry


class AuditInterface(FastSQLAInterface):
    """The audit log's rows with names where entries store ids ("Hoort bij: 2026-000013",
    "Product: — → Meetbrief"), read as on a record's Audit tab (app/audit/tab.py): the
    names of a whole page with one query per kind of record."""

    def get_values(self, lst, list_columns):
        entries = list(lst)
        named = self.named_columns(entries, list_columns)
        for values, words in zip(super().get_values(entries, list_columns), named, strict=True):
            values.update(words)
            yield values

    def get_values_item(self, item, show_columns):
        values = dict(zip(show_columns, super().get_values_item(item, show_columns), strict=True))
        values.update(self.named_columns([item], show_columns)[0])
        return [values[column] for column in show_columns]

    @staticmethod
    def named_columns(entries, columns):
        """{column: words} per entry for the columns that read ids as names ("change",
        "subject_id"), for a page of the screen or a batch of the export (ExportMixin):
        one query per kind of record for all the entries."""
        names = tab.page_names(entries, subjects="subject_id" in columns)
        named = []
        for entry in entries:
            words = {}
            if "change" in columns:
                words["change"] = tab.describe(entry, names)
            if "subject_id" in columns:
                words["subject_id"] = tab.subject_name(entry, names)
            named.append(words)
        return named


class AuditEntryView(ExportMixin, FastModelView):
    """The whole audit log, read-only: no screen can change or delete a row."""

    datamodel = AuditInterface(AuditEntry)
    class_permission_name = "AuditLog"
    base_permissions = ["can_list", "can_show"]
    list_title = _("Audit log")
    show_title = _("Audit entry")
    list_columns = ["at", "actor_type", "actor_name", "ip_address", "action",
                    "subject_type", "subject_id", "change"]
    show_fieldsets = [
        (_("Change"), {"fields": ["at", "action", "entity_type", "entity_id", "subject_type",
                                  "subject_id", "change"]}),
        (_("Who"), {"fields": ["actor_type", "actor_name", "user", "ip_address", "user_agent",
                               "endpoint"]}),
        (_("Stored values"), {"fields": ["field", "old_value", "new_value"], "expanded": False}),
    ]
    search_columns = ["at", "actor_type", "actor_name", "ip_address", "action",
                      "subject_type", "subject_id", "entity_type", "field"]
    base_order = ("id", "desc")
    # Only the history of records of a business the user's roles may read.
    base_filters = [["subject_type", FilterReadableRecords, None]]
    # Millions of rows: only sorts an index serves (by time); other columns are
    # searched, not sorted (sorting by actor took 20 s at five million rows).
    order_columns = ["at"]
    formatters_columns = {"at": format_datetime, "actor_type": actor_label,
                          "action": action_label, "entity_type": record_label,
                          "subject_type": record_label}
    label_columns = {
        "at": _("When"), "actor_type": _("Actor type"), "actor_name": _("Who"),
        "user": _("User"), "ip_address": _("IP address"), "user_agent": _("Browser"),
        "endpoint": _("Screen"), "action": _("Action"), "entity_type": _("Record type"),
        "entity_id": _("Record"), "subject_type": _("Belongs to"), "subject_id": _("Belongs to #"),
        "field": _("Field"), "old_value": _("Old value"), "new_value": _("New value"),
        "change": _("Change"),
    }
