from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app


@dataclass(frozen=True)
class Dashboard:
    """name: in the URL. permission: (action, resource) to see it. build() -> [Figure]."""

    name: str
    label: Any
    permission: tuple
    build: Callable[[], list]


_DASHBOARDS = {}


def register(dashboard):
    _DASHBOARDS[dashboard.name] = dashboard


def get(name):
    return _DASHBOARDS.get(name)


def every_dashboard():
    return list(_DASHBOARDS.values())


def dashboards_for_user():
    sm = current_app.appbuilder.sm
    return [d for d in _DASHBOARDS.values() if sm.has_access(*d.permission)]
