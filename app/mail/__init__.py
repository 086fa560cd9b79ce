"""Mail: an outbox written in the caller's transaction, delivered by a worker.

Code never talks to SMTP directly: `queue()` stores the message beside the
change that caused it, so a rollback drops both and an SMTP outage only delays.
"""
from .outbox import (  # noqa: F401
    MailError,
    later,
    mail_locale,
    queue,
    queue_template,
    register_builder,
    sent_about,
)

