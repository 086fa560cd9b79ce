"""FAB's "Contains" list filter through the search index, for the text columns of a record
the index holds: the trigram index finds the candidate records, the column confirms the
text. At a million rows a lookup, not a scan of the table (FAB's own filter is
`column ILIKE '%…%'`, which no ordinary index serves).

    datamodel = FastSQLAInterface(ServiceRequest)
    contains_through_index(datamodel, "servicerequest", ["applicant_name", ...])

A value without a word of three characters cannot be looked up in a trigram index; it is
filtered on the column alone (short text matches many rows, and a list page stops at its
page and its bounded count).

A common word ("Jansen": 42,000 of a million requests) is filtered on the column alone
too: handing the list 42,000 candidates to sort cost PostgreSQL 1.5 s, while the list's
own order index meets 25 of them within a few hundred rows and its bounded count stops at
the limit. One probe of the index (at most the count limit + 1 candidates) tells which.
"""
from flask import g, has_request_context
from flask_appbuilder.models.sqla.filters import FilterContains
from sqlalchemy import func, select

from .normalise import terms
from .query import matching_ids


class FilterContainsIndexed(FilterContains):
    kind = None  # the search source's kind, set per datamodel below

    def apply(self, query, value):
        query = super().apply(query, value)
        words = terms(value)
        if not words:
            return query
        dialect = query.session.get_bind().dialect.name
        candidates = matching_ids(dialect, self.kind, words)
        if _more_than_a_count(query.session, self.kind, words, candidates):
            return query
        return query.filter(self.model.id.in_(candidates))


def _more_than_a_count(session, kind, words, candidates):
    """Whether the index holds more candidates than a list counts (asked once per request:
    FAB applies the filter to the count and to the page)."""
    from ..listing import count_limit

    key = ("search-probe", kind, tuple(words))
    remembered = getattr(g, "search_probes", None) if has_request_context() else None
    if remembered is not None and key in remembered:
        return remembered[key]
    limit = count_limit()
    found = session.scalar(select(func.count()).select_from(
        candidates.limit(limit + 1).subquery()))
    many = found > limit
    if has_request_context():
        g.search_probes = {**(remembered or {}), key: many}
    return many


def contains_through_index(datamodel, kind, columns):
    """Give `datamodel`'s "Contains" filter on `columns` the search index of `kind`."""
    base = datamodel.filter_converter_class
    indexed = type("FilterContainsIndexed", (FilterContainsIndexed,), {"kind": kind})
    columns = frozenset(columns)

    class Converter(base):
        def convert(self, col_name):
            filters = super().convert(col_name)
            if col_name not in columns or not filters:
                return filters
            return [indexed(col_name, self.datamodel) if type(f) is FilterContains else f
                    for f in filters]

    datamodel.filter_converter_class = Converter
    return datamodel
