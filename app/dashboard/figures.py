"""One figure on a dashboard: a chart and the table behind it."""
from dataclasses import dataclass, field


@dataclass
class Figure:
    """kind: "bar", "line" or "number". labels: one per bar/point; series: [(name, values)];
    links: one URL per label (the filtered list behind that bar), or `link` for the
    whole figure (a number); cell_links: one URL per value, [series][label], where each
    point has a list of its own (a partner's month)."""

    title: str
    kind: str
    labels: list = field(default_factory=list)
    series: list = field(default_factory=list)
    links: list = field(default_factory=list)
    cell_links: list = field(default_factory=list)
    link: str = ""
    value: object = None
    note: str = ""

    def chart(self):
        """What dashboard.js draws (JSON in the page, no inline script)."""
        return {"kind": self.kind, "labels": [str(label) for label in self.labels],
                "series": [{"name": str(name), "values": [_number(v) for v in values]}
                           for name, values in self.series],
                "links": self.links, "cellLinks": self.cell_links}


def _number(value):
    if value is None:
        return None
    return float(value)


def percentile(sorted_values, share):
    """The value below which `share` (0–1) of the values lie (nearest rank); None if none."""
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * share // 1))
    return sorted_values[int(rank) - 1]


def percentile_counted(counted, share):
    """percentile() of values given as {value: how often} (a per-day histogram)."""
    total = sum(counted.values())
    if not total:
        return None
    rank, seen = max(1, -(-total * share // 1)), 0
    for value in sorted(counted):
        seen += counted[value]
        if seen >= rank:
            return value
    return None
