"""Jobs registered by the domains when the app is built (one table per app)."""
from dataclasses import dataclass
from datetime import time, timedelta

from flask import current_app


@dataclass(frozen=True)
class Job:
    name: str
    func: object          # func(now) -> short result text/number, or None
    every: timedelta | None = None
    at: time | None = None  # daily at this local time (DISPLAY_TIMEZONE) instead of `every`
    description: str = ""


def register(app, name, func, every=None, at=None, description=""):
    """Add a scheduled job to `app`: `func(now)` runs every `every` (a timedelta) or daily
    `at` a local time ("07:00"), in its own transaction, as the system actor. The worker
    (`flask mail worker`) and `flask jobs run` run it; one run per slot across workers."""
    if (every is None) == (at is None):
        raise ValueError("give a job either every= or at=")
    if isinstance(at, str):
        hours, minutes = at.split(":")
        at = time(int(hours), int(minutes))
    jobs = app.extensions.setdefault("jobs", {})
    if name in jobs:
        raise ValueError(f"job {name!r} registered twice")
    jobs[name] = Job(name=name, func=func, every=every, at=at, description=description)
    return jobs[name]


def registered():
    """{name: Job} of the current app."""
    return current_app.extensions.get("jobs", {})
