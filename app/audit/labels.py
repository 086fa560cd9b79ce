"""Words people read for the stored codes of the audit log (the codes stay English)."""
import re
from datetime import datetime

from flask_babel import lazy_gettext as _

from ..formatting import format_datetime

ACTOR_LABELS = {
    "user": _("User"),
    "reporter": _("Reporter"),
    "contractor": _("Contractor"),
    "customer": _("Customer"),
    "portal": _("Portal"),
    "system": _("System"),
    "anonymous": _("Anonymous"),
}

ACTION_LABELS = {
    "create": _("Created"),
    "update": _("Changed"),
    "delete": _("Deleted"),
    "transition": _("Status change"),
    "mail_retry": _("Mail queued again"),
}


def actor_label(value):
    """Dutch/English word for an actor type; unknown codes are shown as they are."""
    return str(ACTOR_LABELS.get(value, value or ""))


def action_label(value):
    """Dutch/English word for an action; domains may add theirs to ACTION_LABELS."""
    return str(ACTION_LABELS.get(value, value or ""))


# Filled by the domains at registration (register_labels), so the shared audit log and
# the domains' Audit tabs show words instead of class names, column names and codes.
RECORD_LABELS = {}   # "WorkOrder" → _("Work order")
FIELD_LABELS = {}    # ("WorkOrder", "status") → _("Status")
VALUE_LABELS = {}    # ("WorkOrder", "status") → {"accepted": _("Accepted"), ...}


def register_labels(records=None, actions=None, fields=None, values=None):
    """Add a domain's words. fields/values are keyed by (record type, column name)."""
    RECORD_LABELS.update(records or {})
    ACTION_LABELS.update(actions or {})
    FIELD_LABELS.update(fields or {})
    VALUE_LABELS.update(values or {})


def column_labels(models, labels):
    """{(record type, column): label} for every column of `models` that `labels`
    ({column: label}) names: how a domain gives its column words to register_labels."""
    return {(model.__name__, column.key): labels[column.key]
            for model in models for column in model.__table__.columns
            if column.key in labels}


def record_label(value):
    return str(RECORD_LABELS.get(value, value or ""))


def field_label(record_type, field):
    label = FIELD_LABELS.get((record_type, field))
    return str(label) if label is not None else (field or "")


_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$")
_BOOLEAN_WORDS = {"True": _("Yes"), "False": _("No")}


def value_label(record_type, field, value):
    """A stored value as people read it: codes through the domain's table, booleans as
    Yes/No, nothing as an empty string."""
    if value in (None, "None"):
        return ""
    table = VALUE_LABELS.get((record_type, field))
    if table and value in table:
        return str(table[value])
    if value in _BOOLEAN_WORDS:
        return str(_BOOLEAN_WORDS[value])
    if _ISO_DATETIME.match(value):
        try:
            return format_datetime(datetime.fromisoformat(value))
        except ValueError:
            return value
    return value


def describe_change(entry):
    """'Status: Ingekomen → Toegewezen' for one audit entry; '' when it names no field."""
    if not entry.field:
        return ""
    old = value_label(entry.entity_type, entry.field, entry.old_value) or "—"
    new = value_label(entry.entity_type, entry.field, entry.new_value) or "—"
    return f"{field_label(entry.entity_type, entry.field)}: {old} → {new}"
