"""Demo data for this domain (`flask demo load`). Filled by the domain issue."""


def load():
    """Add demo rows that are missing (idempotent)."""
