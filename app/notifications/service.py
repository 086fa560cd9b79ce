"""Writing, counting and mailing notifications; the words come from the domains."""
from flask import current_app, g, has_request_context
from flask_babel import gettext
from sqlalchemy import func, select, update

from ..database import utcnow
from ..extensions import db
from ..mail import MailError, mail_locale, queue
from .models import Notification, NotificationSetting

KINDS = {}  # kind → lazy text with %(ref)s, registered by the domains


def register_kinds(kinds):
    KINDS.update(kinds)


def text_of(notification):
    template = KINDS.get(notification.kind)
    return str(template) % {"ref": notification.ref} if template else notification.kind


def notify(user_ids, kind, *, ref, url, subject=None):
    """One notification per user (None and duplicates skipped), in the caller's
    transaction: a refused step leaves none behind."""
    user_ids = list(dict.fromkeys(u for u in user_ids if u))
    for user_id in user_ids:
        db.session.add(Notification(
            user_id=user_id, kind=kind, ref=str(ref)[:100], url=url[:500],
            subject_type=subject[0] if subject else None,
            subject_id=str(subject[1]) if subject else None))
    _changed(set(user_ids))


FIGURE = "unread_notifications"


def unread_of(user_id_column):
    """The menu bar's number as a correlated subquery: loaded in the statement that loads
    the logged-in user (registration.py), so the bell costs no statement of its own."""
    return (select(func.count(Notification.id))
            .where(Notification.user_id == user_id_column, Notification.read_at.is_(None))
            .scalar_subquery())


def unread_count(user_id):
    """The menu bar's number: loaded with the user, else one indexed count."""
    count = current_app.appbuilder.sm.user_figure(FIGURE, user_id)
    if count is None:
        count = db.session.scalar(select(unread_of(user_id)))
    return count


def _changed(user_ids):
    if has_request_context() and getattr(g, "user", None) is not None \
            and getattr(g.user, "id", None) in user_ids:
        current_app.appbuilder.sm.forget_user_figure(FIGURE)


def mark_all_read(user_id):
    db.session.execute(update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)).values(read_at=utcnow()))
    _changed({user_id})


def digest(now):
    """The daily mail: for every user who asked for it, their unread notifications not
    mailed before. Returns the number of mails queued (a scheduled job)."""
    sm = current_app.appbuilder.sm
    user_ids = db.session.scalars(select(NotificationSetting.user_id).where(
        NotificationSetting.daily_digest.is_(True))).all()
    sent = 0
    for user_id in user_ids:
        rows = db.session.scalars(select(Notification).where(
            Notification.user_id == user_id, Notification.read_at.is_(None),
            Notification.digested_at.is_(None)).order_by(Notification.id).limit(200)).all()
        user = sm.get_user_by_id(user_id)
        if not rows or user is None or not user.active:
            continue
        base = current_app.config["PUBLIC_BASE_URL"]
        with mail_locale():
            lines = [f"- {text_of(n)}: {base}{n.url}" for n in rows]
            subject = gettext("Your notifications (%(n)s)", n=len(rows))
            text = "\n".join([gettext("Unread notifications:"), "", *lines, ""])
        try:
            queue(user.email, subject, text)
        except MailError:
            current_app.logger.warning("digest: no usable address for user %s", user_id)
            continue
        for n in rows:
            n.digested_at = now
        sent += 1
    return sent
