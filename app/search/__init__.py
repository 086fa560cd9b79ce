"""One search box for the whole back office.

Each domain *registers* what it wants found (`register(Source(...))`); this package knows
no domain. Every registered record has one row in `search_document` with its searchable
text, normalised (lower case, accents removed) so "Ångström" is found by "angstrom". The
row is written by the same flush — so the same transaction — that writes the record.

Matching is "contains" on every word of the query: SQLite answers it from an FTS5 table
with the trigram tokenizer, PostgreSQL from a pg_trgm GIN index; both are indexes, so a
search stays fast at a million records.
"""
from .index import install_listeners, reindex
from .normalise import normalise, terms
from .registry import Source, register, sources

__all__ = ["Source", "install_listeners", "normalise", "register", "reindex", "sources",
           "terms"]
