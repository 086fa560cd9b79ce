"""The state of each scheduled job (when it runs next) and a record of every run."""
from flask_appbuilder.models.sqla import Model
from flask_babel import lazy_gettext as _
from sqlalchemy import Column, Index, Integer, String, Text, UniqueConstraint

from ..database import UTCDateTime, utcnow


class JobRunStatus:
    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"

    LABELS = {RUNNING: _("Running"), OK: _("Done"), FAILED: _("Failed")}

    @classmethod
    def label(cls, value):
        return str(cls.LABELS.get(value, value or ""))


class JobState(Model):
    """One row per registered job. `run_count` is the claim token: a worker runs the
    job only if its UPDATE ... WHERE run_count = <what it read> changed the row."""

    __tablename__ = "job_state"

    name = Column(String(100), primary_key=True)
    next_run_at = Column(UTCDateTime(), nullable=False)
    run_count = Column(Integer, nullable=False, default=0)
    last_started_at = Column(UTCDateTime())
    # Held while a run is going (app/claims.py): the next slot waits for it to finish,
    # or for the lease to run out when its worker was killed.
    lease_until = Column(UTCDateTime())
    claim_token = Column(String(32))


class JobRun(Model):
    """One run of one job: who ran it, when, and what came of it."""

    __tablename__ = "job_run"
    __table_args__ = (
        # The second guard: one row per (job, run number), whatever the claim did.
        UniqueConstraint("job_name", "sequence", name="uq_job_run_sequence"),
        Index("ix_job_run_started", "started_at", "id"),
    )

    id = Column(Integer, primary_key=True)
    job_name = Column(String(100), nullable=False)
    sequence = Column(Integer, nullable=False)
    started_at = Column(UTCDateTime(), default=utcnow, nullable=False)
    finished_at = Column(UTCDateTime())
    status = Column(String(20), nullable=False, default=JobRunStatus.RUNNING)
    result = Column(String(500))
    error = Column(Text)
    worker = Column(String(200))

    def __repr__(self):
        return f"{self.job_name} #{self.sequence}"
