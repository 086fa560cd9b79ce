"""Words people read for the stored codes of the audit log (the codes stay English)."""
from flask_babel import lazy_gettext as _

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
