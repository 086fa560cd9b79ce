"""Lists that stay fast at ten years of data: one datamodel and one ModelView base
that every list of both domains uses.

Stock Flask-AppBuilder pays for each list page with a full COUNT(*) over the
filtered rows, an OFFSET walk to the page, and one query per row for every
relation a column shows. At a million rows each of those costs seconds. Here:

- the count stops at LIST_COUNT_LIMIT rows (default 10,000) and then shows as
  "10.000+": nobody pages through more, they search or sort instead;
- pages beyond that limit are not served: a deeper page number shows the last
  counted page, so no request walks an OFFSET of more than the limit;
- the page size is capped at MAX_PAGE_SIZE;
- every relation among `list_columns`, and the ones named in `list_eager`
  (relations a property in the list reads), is loaded for the whole page in one
  extra query (selectinload) instead of one per row, and never joined into the
  sorted page query.

Views declare what they show; indexes that match their sorts and filters live in
the models (see docs/performance.md).
"""
from babel.numbers import format_decimal
from flask import abort, current_app, g
from flask_appbuilder import ModelView
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.urltools import get_order_args, get_page_args, get_page_size_args
from flask_appbuilder.widgets import SearchWidget as FabSearchWidget
from flask_babel import get_locale, gettext
from markupsafe import Markup
from sqlalchemy import UniqueConstraint, asc, desc, exists, func, select
from sqlalchemy.orm import joinedload, selectinload

from .search.filters import FilterContainsIndexed
from .security.input_guard import parse_id
from .time_filters import MomentFilterConverter, is_utc_datetime

DEFAULT_COUNT_LIMIT = 10_000
MAX_PAGE_SIZE = 100


def count_limit():
    return int(current_app.config.get("LIST_COUNT_LIMIT", DEFAULT_COUNT_LIMIT))


class BoundedCount(int):
    """A row count that may have stopped at the limit. It is an int for FAB's paging
    arithmetic and renders as "10.000+" (with a hint to search) when it stopped."""

    capped = False

    def __new__(cls, value, capped=False):
        count = super().__new__(cls, value)
        count.capped = capped
        return count

    def __html__(self):
        number = format_decimal(int(self), locale=str(get_locale() or "nl"))
        if not self.capped:
            return number
        return Markup('{}+ <small class="text-muted">({})</small>').format(
            number, gettext("search or sort to find older records"))


class FastSQLAInterface(SQLAInterface):
    """FAB's SQLAlchemy datamodel with a bounded count and eager loading per page;
    a date typed in the search of a UTC time column is read in the display zone
    (app/time_filters.py)."""

    filter_converter_class = MomentFilterConverter

    def is_utc_datetime(self, col_name):
        return is_utc_datetime(self, col_name)

    def bounded_count(self, query, filters):
        """How many rows match, counting no further than the limit (+1 to know it
        stopped). The count ignores ordering and eager loads: just the ids."""
        limit = count_limit()
        inner = self._apply_inner_all(query.enable_eagerloads(False), filters,
                                      aliases_mapping={})
        ids = inner.with_entities(self.get_pk()).order_by(None).limit(limit + 1).subquery()
        found = self.session.query(func.count()).select_from(ids).scalar()
        return BoundedCount(min(found, limit), capped=found > limit)

    def apply_order_by(self, query, order_column, order_direction, aliases_mapping=None,
                       bypass_many_to_many=False, add_pk=False):
        """Sort by the column, then by the rest of the index that starts with it, all in
        one direction: the page is a walk down that index. (FAB adds only the primary
        key, which an index (status, received_at, id) cannot serve: the database then
        sorted every row of the status.)"""
        tail = self._index_tail(order_column) if order_column else None
        if tail is None:
            return super().apply_order_by(query, order_column, order_direction,
                                          aliases_mapping=aliases_mapping,
                                          bypass_many_to_many=bypass_many_to_many,
                                          add_pk=add_pk)
        direction = asc if order_direction == "asc" else desc
        table = self.obj.__table__
        return query.order_by(*(direction(table.c[name]) for name in [order_column, *tail]))

    def _index_tail(self, column):
        """The columns after `column` that make its sort a walk down one index, or None
        when there is none (or it is not a plain column): the rest of a unique index or
        constraint that begins with it (a unique column alone, an order number, is a
        total order by itself: []), else the rest of an index that begins with it and
        ends with the primary key. A partial index serves only its own rows, and a
        unique column that may be NULL leaves the NULLs unordered: neither counts."""
        table = getattr(self.obj, "__table__", None)
        if table is None or column not in table.c:
            return None
        pk = [c.name for c in table.primary_key.columns]
        if [column] == pk:
            return []
        unique = [[c.name for c in index.columns] for index in table.indexes
                  if index.unique and not _is_partial(index)]
        unique += [[c.name for c in constraint.columns] for constraint in table.constraints
                   if isinstance(constraint, UniqueConstraint)]
        indexes = [[c.name for c in index.columns] for index in table.indexes
                   if not _is_partial(index)]
        for names in sorted(unique, key=len):
            if names and names[0] == column and not any(table.c[name].nullable for name in names):
                return names[1:]
        for names in sorted(indexes, key=len):
            if names and names[0] == column and names[-1:] == pk:
                return names[1:]
        return None

    def eager_options(self, paths, joined=()):
        """selectinload for each relation path ("report", "report.device"); joinedload
        for those in `joined` (a many-to-one to a small table: a primary-key lookup per
        row of the page, in the page's own statement)."""
        return [*(self._loader(path, joinedload) for path in joined),
                *(self._loader(path, selectinload) for path in paths if path not in joined)]

    def _loader(self, path, strategy):
        """One loader option for a relation path ("report.device"), each step `strategy`
        (joinedload or selectinload)."""
        model, loader = self.obj, None
        for name in path.split("."):
            attr = getattr(model, name)
            loader = strategy(attr) if loader is None else getattr(loader, strategy.__name__)(attr)
            model = attr.property.mapper.class_
        return loader

    def query(self, filters=None, order_column="", order_direction="", page=None,
              page_size=None, select_columns=None, outer_default_load=False, eager=(),
              joined=()):
        base = self.session.query(self.obj)
        query = self.apply_all(base, filters, order_column, order_direction, page, page_size,
                               select_columns, outer_default_load)
        rows = query.options(*self.eager_options(eager, joined)).all()
        if rows and not isinstance(rows[0], self.obj):  # FAB's (row, related) tuples
            rows = [getattr(row, self.obj.__name__, row) for row in rows]
        if not page_size or (not page and len(rows) < page_size):
            # Unpaged, or a first page that is not full (a tab, a rare status): every
            # matching row is here already, no count needed.
            return BoundedCount(len(rows)), rows
        return self.bounded_count(base, filters), rows

    def get(self, id, filters=None, select_columns=None, outer_default_load=False, joined=()):
        """A record by primary key; without filters from the session first, so a page
        that asks twice (FAB's show does) runs one query; with the many-to-one relation
        paths in `joined` loaded in that statement."""
        if (filters is None or not filters.filters) and not select_columns:
            pk = parse_id(id)  # an id no column can hold is simply not there
            if pk is None:
                return None
            return self.session.get(self.obj, pk, options=self.eager_options((), joined))
        return super().get(id, filters, select_columns, outer_default_load)


def _is_partial(index):
    """Whether an index holds only the rows of a condition (WHERE on any database)."""
    return any(key.endswith("_where") and value is not None
               for key, value in index.dialect_kwargs.items())


class SearchWidget(FabSearchWidget):
    """FAB's search form, where a text column whose "Contains" the search index serves
    starts on that filter ("Bevat": a surname finds "Anna Jansen"); FAB starts every
    column on its first filter, "Begint met"."""

    def __call__(self, **kwargs):
        filters = self.filters.get_search_filters()
        kwargs["default_filters"] = {
            col: i for col in self.template_args["include_cols"]
            for i, flt in enumerate(filters.get(col, [])) if isinstance(flt, FilterContainsIndexed)}
        return super().__call__(**kwargs)


class FastModelView(ModelView):
    """The ModelView every list of the app uses: a FastSQLAInterface datamodel
    (`datamodel = FastSQLAInterface(Model)`), bounded pages, relations loaded per page.

    `list_eager`: relation paths a list column's property reads (e.g. a report's
    "work_order" behind its order status), loaded with the page in one query each.
    """

    list_eager = ()
    show_joined = ()
    search_widget = SearchWidget

    def _init_properties(self):
        """Only real columns are sortable: FAB also offers properties (a device's code,
        a rating's average), and sorting by one was a server error. A view that names
        no search columns searches its own columns only: FAB's default includes every
        relation, and a relation's search field lists the whole related table (a
        feedback tab's form held every request)."""
        declared = bool(self.search_columns)
        # A copy: FAB writes its made-up labels ("Contractor Id") into this dict, and a
        # domain's views share theirs with the audit log's words, so a second app in the
        # same process (the benchmark beside the tests) read them back as the words.
        self.label_columns = dict(self.label_columns or {})
        super()._init_properties()
        columns = self.datamodel.list_columns
        self.order_columns = [col for col in self.order_columns
                              if col in columns or "." in col]
        if not declared:
            self.search_columns = [col for col in self.search_columns
                                   if not self.datamodel.is_relation(col)]
            self._filters = self.datamodel.get_filters(self.search_columns)

    def list_relations(self):
        shown = [col for col in self.list_columns
                 if col in self.datamodel.list_properties and self.datamodel.is_relation(col)]
        return list(dict.fromkeys([*shown, *self.list_eager]))

    def joined_relations(self):
        """The shown relations the search form also offers as a select of the whole
        related table (a location, a partner): a table that small is joined into the
        page's statement, one primary-key lookup per row, instead of a statement of its
        own (search_columns never hold a large table: see _init_properties)."""
        return [col for col in self.list_relations()
                if col in self.search_columns and col in self.datamodel.list_properties
                and self.datamodel.is_relation_many_to_one(col)]

    def _get_list_widget(self, filters, actions=None, order_column="", order_direction="",
                         page=None, page_size=None, widgets=None, **kwargs):
        """FAB's list widget, with the page size capped and the page number kept within
        the counted rows (so no OFFSET goes past the count limit)."""
        widgets = widgets or {}
        actions = actions or self.actions
        page_size = min(page_size or self.page_size, MAX_PAGE_SIZE)
        last_page = max(0, (count_limit() - 1) // page_size)
        if page and page > last_page:
            page = last_page
        if order_column not in self.order_columns:  # an old or hand-made link
            order_column, order_direction = "", ""
        if not order_column and self.base_order:
            order_column, order_direction = self.base_order
        joined_filters = filters.get_joined_filters(self._base_filters)
        if type(self).__name__ in g.get("_empty_tabs", ()):
            count, items = BoundedCount(0), []  # a tab known to be empty: no query
        else:
            count, items = self.datamodel.query(
                joined_filters, order_column, order_direction, page=page,
                page_size=page_size, eager=self.list_relations(),
                joined=self.joined_relations())
        pks = [self._serialize_pk_if_composite(pk) for pk in self.datamodel.get_keys(items)]
        widgets["list"] = self.list_widget(
            label_columns=self.label_columns, include_columns=self.list_columns,
            value_columns=self.datamodel.get_values(items, self.list_columns),
            order_columns=self.order_columns, formatters_columns=self.formatters_columns,
            page=page, page_size=page_size, count=count, pks=pks, actions=actions,
            filters=filters, modelview_name=self.__class__.__name__, **kwargs)
        return widgets

    def _show(self, pk):
        """FAB's show, with the relations named in `show_joined` (many-to-one paths the
        page shows: a work order's report, partner, location, the report's device) in
        the record's own statement instead of one statement each."""
        item = self.datamodel.get(pk, self._base_filters, joined=self.show_joined)
        if not item:
            abort(404)
        widgets = self._get_show_widget(pk, item)
        self.update_redirect()
        return self._get_related_views_widgets(
            item, orders=get_order_args(), pages=get_page_args(),
            page_sizes=get_page_size_args(), widgets=widgets)

    def _get_related_views_widgets(self, item, orders=None, pages=None, page_sizes=None,
                                   widgets=None, **args):
        """The tabs of a detail page; the empty ones are found in one query and drawn
        without asking for their rows (a request has six tabs, mostly empty)."""
        g._empty_tabs = self._empty_tabs(item)
        try:
            return super()._get_related_views_widgets(item, orders=orders, pages=pages,
                                                      page_sizes=page_sizes, widgets=widgets,
                                                      **args)
        finally:
            g._empty_tabs = ()

    def _empty_tabs(self, item):
        """Names of the related views with no row for `item`, asked in one statement."""
        checks = []
        for view in self._related_views:
            fk = view.datamodel.get_related_fk(self.datamodel.obj)
            if view.base_filters or not fk or not view.datamodel.is_relation_many_to_one(fk):
                continue
            relation = getattr(view.datamodel.obj, fk).property
            pairs = relation.local_remote_pairs
            if len(pairs) != 1:
                continue
            local, remote = pairs[0]
            checks.append((type(view).__name__,
                           exists().where(local == getattr(item, remote.key))))
        if not checks:
            return set()
        found = self.datamodel.session.execute(select(*(check for _, check in checks))).one()
        return {name for (name, _), has_rows in zip(checks, found, strict=True) if not has_rows}
