"""Audit: an append-only record of who changed what, when and from where.

Models opt in with `Audited`; every insert, update and delete of such a model
is recorded by a flush listener, whichever screen, API or command caused it.
"""
from .context import acting_as, current_actor, set_actor  # noqa: F401
from .labels import (  # noqa: F401
                     ACTION_LABELS,
                     action_label,
                     actor_label,
                     describe_change,
                     field_label,
                     record_label,
                     register_labels,
                     value_label,
)
from .models import Audited, AuditEntry  # noqa: F401
from .service import AuditLogIsAppendOnly, entries_for, record  # noqa: F401
