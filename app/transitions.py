"""The one shape of a status machine's steps, for every domain.

A domain keeps one table {step name: Transition} beside its status labels (a status
class with codes and LABELS) and asks `allows(status)` before a step; the step's
function sets the target and writes the audit entry.
"""
from dataclasses import dataclass

ANY = "*"


@dataclass(frozen=True)
class Transition:
    sources: tuple | str          # statuses the step may start from (ANY: any)
    target: str | None            # new status; None: the status stays
    permission: str | None = None  # FAB action checked for logged-in users; None: the
                                   # page's link token decides (contractor, customer)

    def allows(self, status):
        return self.sources == ANY or status in self.sources
