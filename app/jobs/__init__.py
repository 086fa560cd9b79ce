"""Scheduled jobs: the one mechanism every domain uses for reminders, escalations and
digests. No cron: the worker loop (`flask mail worker`, started by `make run`) runs
what is due on every pass; `flask jobs run` runs them once (for a cron if wanted).

    from app import jobs
    jobs.register(app, "faults.escalation", run_escalation, every=timedelta(minutes=15))
    jobs.register(app, "requests.daily_digest", send_digest, at="07:00")

`func(now)` gets the time it runs for (tests pass their own) and returns a short
result (e.g. the number of mails queued); it queues mail in the outbox and raises
to roll its work back. Every run is recorded (Admin → Scheduled jobs).
"""
from .registry import Job, register, registered
from .runner import claim, next_run_after, run_due

__all__ = ["Job", "claim", "next_run_after", "register", "registered", "run_due"]
