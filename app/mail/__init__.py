"""Mail: an outbox written in the caller's transaction, delivered by a worker.

Code never talks to SMTP directly: `queue()` stores the message beside the
change that caused it, so a rollback drops both and an SMTP outage only delays.
"""
from .outbox import MailError, queue, queue_template  # noqa: F401


def init_app(flask_app):
    """Bind Flask-Mail to the app.

    `app/__init__.py` does `from .extensions import mail` and then `mail.init_app(app)`;
    once this package has been imported, the name `app.mail` is this module, not the
    Flask-Mail object, so a second create_app() (or any import of app.mail before the
    first) would fail without this.
    """
    from ..extensions import mail as flask_mail

    flask_mail.init_app(flask_app)
