"""Staff notifications ("Mijn meldingen"): a short in-app message for one user about one
record, with its unread count in the menu bar and an optional daily digest mail.

Domains register the kinds they send (with their words) and call `notify`:

    notifications.register_kinds({"sr.documents": _("New documents on request %(ref)s")})
    notifications.notify([user_id], "sr.documents", ref=sr.order_no,
                         url=url_for(...), subject=("ServiceRequest", sr.id))
"""
from .service import (  # noqa: F401
    KINDS,
    digest,
    mark_all_read,
    notify,
    register_kinds,
    text_of,
    unread_count,
)
