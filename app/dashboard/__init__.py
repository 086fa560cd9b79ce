"""Dashboards: each domain registers one (`register(Dashboard(...))`) with figures built
from aggregate queries; this package renders them (Chart.js from our own static files,
each figure with a table of the same numbers whose cells link to the filtered list behind
them) and knows no domain."""
from .daily import Measure, counts, per_day, per_key, register_measure, totals
from .figures import Figure, percentile, percentile_counted
from .registry import Dashboard, dashboards_for_user, register

__all__ = ["Dashboard", "Figure", "Measure", "counts", "dashboards_for_user", "per_day",
           "per_key", "percentile", "percentile_counted", "register", "register_measure",
           "totals"]
