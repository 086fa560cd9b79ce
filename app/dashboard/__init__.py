"""Dashboards: each domain registers one (`register(Dashboard(...))`) with figures built
from aggregate queries; this package renders them (Chart.js from our own static files,
each figure with a table of the same numbers whose cells link to the filtered list behind
them) and knows no domain."""
from .figures import Figure, percentile
from .registry import Dashboard, dashboards_for_user, register

__all__ = ["Dashboard", "Figure", "dashboards_for_user", "percentile", "register"]
