"""Imports every model so FAB, create_all() and Alembic see all tables."""
from .audit.models import AuditEntry  # noqa: F401
from .faults import models as fault_models  # noqa: F401
from .files.models import StoredFile  # noqa: F401
from .jobs.models import JobRun, JobState  # noqa: F401
from .mail.models import OutboxAttachment, OutboxMessage  # noqa: F401
from .notifications.models import Notification, NotificationSetting  # noqa: F401
from .numbering import NumberSeries  # noqa: F401
from .search.models import SearchDocument  # noqa: F401
from .security.session_store import WebSession  # noqa: F401
from .service_requests import models as service_request_models  # noqa: F401
from .tokens.models import LinkToken  # noqa: F401
