"""Running the jobs that are due, once each, however many workers are running.

A job is claimed on its `job_state` row with the shared claim (app/claims.py: SKIP
LOCKED on PostgreSQL, a conditional UPDATE on SQLite), which also checks the run
number it read (compare-and-set) and takes a lease, committed before the job's work
starts: of N workers that saw the same due job, exactly one claims it and runs it.
A unique (job, run number) in `job_run` is the second guard. The next run time is set
by the claim, so a job that fails is tried again at its next slot, not in a tight loop.
The lease is held until the run ends, so a slow run is never overtaken by its next
slot; a worker killed mid-run leaves a "running" record and a lease that runs out
(JOBS_LEASE_SECONDS), after which the job is due again.
Jobs are written to be safe to repeat (they mark what they already did).
"""
import logging
import os
import socket
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from .. import claims
from ..audit import acting_as
from ..database import utcnow
from ..extensions import db
from .models import JobRun, JobRunStatus, JobState
from .registry import registered

log = logging.getLogger(__name__)
WORKER = f"{socket.gethostname()}:{os.getpid()}"


def next_run_after(job, now):
    """When `job` is due after a run at `now`: `every` later, or the next `at` (local time)."""
    if job.at is None:
        return now + job.every
    zone = ZoneInfo(current_app.config.get("DISPLAY_TIMEZONE", "UTC"))
    local = now.astimezone(zone)
    candidate = datetime.combine(local.date(), job.at, tzinfo=zone)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), job.at, tzinfo=zone)
    return candidate.astimezone(now.tzinfo)


def _state(name, first_run_at):
    """The job's state row, made on first sight (two workers making it at once is fine)."""
    state = db.session.scalars(select(JobState).where(JobState.name == name)
                               .execution_options(populate_existing=True)).one_or_none()
    if state is not None:
        return state
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(JobState.__table__)
                       .values(name=name, next_run_at=first_run_at, run_count=0)
                       .on_conflict_do_nothing(index_elements=["name"]))
    db.session.commit()
    return db.session.scalars(select(JobState).where(JobState.name == name)
                              .execution_options(populate_existing=True)).one()


def claim(name, seen_run_count, now, next_run_at, force=False):
    """Take run number seen_run_count + 1 of `name`: its claim token, or None when another
    worker was first, a run is still going (unless its lease ran out), or the job is not
    due (unless `force`)."""
    real_now = utcnow()
    due = [JobState.name == name, JobState.run_count == seen_run_count,
           claims.unclaimed_or_abandoned(JobState, real_now)]
    if not force:
        due.append(JobState.next_run_at <= now)
    token, won = claims.claim(
        JobState, due, limit=1, now=real_now,
        lease=timedelta(seconds=current_app.config["JOBS_LEASE_SECONDS"]),
        values={"run_count": seen_run_count + 1, "next_run_at": next_run_at,
                "last_started_at": real_now})
    return token if won else None


def _finish(name, token, run_id, status, result=None, error=None):
    """Record the run's outcome and end the job's claim (if still ours), together."""
    db.session.execute(update(JobRun).where(JobRun.id == run_id).values(
        status=status, finished_at=utcnow(),
        result=None if result is None else str(result)[:500],
        error=None if error is None else error[:2000]))
    if not claims.finish(JobState, name, token, {}, commit=False):
        log.warning("job %s ran past its lease (JOBS_LEASE_SECONDS)", name)
    db.session.commit()


def run_due(now=None, only=None, force=False):
    """Run every registered job that is due at `now` (default: now), once.

    only: run just this job name; force: run it even if it is not due yet.
    Returns [(job name, status, result)] for the jobs this call ran.
    """
    now = now or utcnow()
    done = []
    for job in registered().values():
        if only and job.name != only:
            continue
        first = now if job.at is None else next_run_after(job, now)
        state = _state(job.name, first)
        if not force and state.next_run_at > now:
            db.session.rollback()
            continue
        sequence = state.run_count + 1
        token = claim(job.name, state.run_count, now, next_run_after(job, now), force=force)
        if token is None:
            continue
        run = JobRun(job_name=job.name, sequence=sequence, status=JobRunStatus.RUNNING,
                     worker=WORKER)
        db.session.add(run)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            claims.finish(JobState, job.name, token, {})
            continue
        run_id = run.id
        try:
            with acting_as("system", f"job {job.name}"):
                result = job.func(now)
            db.session.commit()
        except Exception as exc:  # one failing job must not stop the others or the worker
            db.session.rollback()
            log.exception("job %s failed", job.name, extra={"fields": {
                "job": job.name, "run": sequence, "result": JobRunStatus.FAILED}})
            _finish(job.name, token, run_id, JobRunStatus.FAILED,
                    error=f"{type(exc).__name__}: {exc}")
            done.append((job.name, JobRunStatus.FAILED, None))
            continue
        _finish(job.name, token, run_id, JobRunStatus.OK, result=result)
        log.info("job %s ran: %s", job.name, result, extra={"fields": {
            "job": job.name, "run": sequence, "result": JobRunStatus.OK}})
        done.append((job.name, JobRunStatus.OK, result))
    return done
