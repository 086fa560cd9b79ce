"""ExportMixin: an /export/<csv|xlsx> route on a FAB ModelView and the Export buttons on
its list, for exactly the rows the list shows (its base filters, the URL's filters and
sort) in the list's columns."""
from datetime import datetime
from functools import partial

from flask import Response, abort, request, stream_with_context, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.urltools import get_filter_args, get_order_args
from flask_babel import gettext
from sqlalchemy import inspect
from sqlalchemy.orm import Session, selectinload

from ..extensions import db
from ..formatting import translate_label
from ..time_filters import model_domain
from .cells import as_text, typed
from .writers import csv_chunks, xlsx_chunks

FORMATS = {
    "csv": ("text/csv; charset=utf-8", csv_chunks),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx_chunks),
}
BATCH = 1000


class ExportMixin:
    """Put before ModelView in the bases: `class V(ExportMixin, ModelView)`."""

    export_columns = None  # default: the list's columns

    def __init__(self, **kwargs):
        # Export needs what the list needs: the same permission, never a new one.
        names = dict(self.method_permission_name or {})
        names.setdefault("export", names.get("list", "list"))
        self.method_permission_name = names
        if self.include_route_methods is not None:
            self.include_route_methods = set(self.include_route_methods) | {"export"}
        super().__init__(**kwargs)

    @expose("/export/<fmt>")
    @has_access
    def export(self, fmt):
        if fmt not in FORMATS:
            abort(404)
        mimetype, writer = FORMATS[fmt]
        columns = list(self.export_columns or self.list_columns)
        header = [str(translate_label(self.label_columns.get(c, c))) for c in columns]
        rows = self._export_rows(self._export_query(), columns, typed_cells=fmt == "xlsx")
        chunks = (writer(header, rows) if fmt == "csv"
                  else writer(header, rows, translate_label(self.list_title)))
        response = Response(stream_with_context(chunks), mimetype=mimetype)
        response.headers["Content-Disposition"] = f'attachment; filename="{self._export_name(fmt)}"'
        response.headers["Cache-Control"] = "no-store"
        return response

    def _export_query(self):
        """The list's own query, unpaged: base filters, the filters and sort in the URL."""
        get_filter_args(self._filters)
        order_column, order_direction = get_order_args().get(self.__class__.__name__, ("", ""))
        if not order_column and self.base_order:
            order_column, order_direction = self.base_order
        filters = self._filters.get_joined_filters(self._base_filters)
        model = self.datamodel.obj
        query = self.datamodel.session.query(model)
        # A related record shown in a column: one query per batch, not one per row; a
        # joined eager load would make SQLAlchemy de-duplicate, i.e. hold every row.
        columns = set(self.export_columns or self.list_columns)
        for relation in inspect(model).relationships:
            if relation.key in columns or relation.lazy == "joined":
                query = query.options(selectinload(getattr(model, relation.key)))
        query = self.datamodel.apply_all(query, filters, order_column, order_direction)
        return query.statement

    def _export_rows(self, statement, columns, typed_cells):
        """Rows from a session of their own: the response is streamed after the request's
        session has been closed. 2.0-style execution, because the legacy Query would
        de-duplicate rows, i.e. hold them all."""
        shown = [_Shown(self.formatters_columns.get(column)) for column in columns]
        cell = partial(typed, domain=model_domain(self.datamodel.obj))
        # A list that reads ids as names on screen (its datamodel's named_columns, e.g.
        # the audit log) gives the export the same words, looked up per batch: a fixed
        # number of queries per BATCH rows, never one per row.
        named = getattr(self.datamodel, "named_columns", None)
        with Session(db.engine) as session:
            result = session.scalars(statement, execution_options={"yield_per": BATCH})
            # Rows already written are let go (the session holds them weakly): memory
            # stays one batch deep however long the list.
            for batch in result.partitions():
                words = named(batch, columns) if named else [{}] * len(batch)
                for item, item_words in zip(batch, words, strict=True):
                    raws = [item_words[column] if column in item_words else _value(item, column)
                            for column in columns]
                    texts = [show(raw) for show, raw in zip(shown, raws, strict=True)]
                    if typed_cells:
                        yield list(zip(texts, map(cell, raws, texts), strict=True))
                    else:
                        yield texts

    def _export_name(self, fmt):
        title = "".join(c if c.isalnum() else "-" for c in str(translate_label(self.list_title)))
        title = "-".join(part for part in title.split("-") if part) or "export"
        return f"{title.lower()}-{datetime.now():%Y%m%d-%H%M}.{fmt}"

    def _get_list_widget(self, filters, **kwargs):
        """The list's Export buttons carry the URL's filters and sort along."""
        name = self.__class__.__name__
        if request.endpoint == f"{name}.list":
            args = request.args.to_dict(flat=False)
            # A sort the list refuses (a computed column) is not carried along either.
            if args.get(f"_oc_{name}", [""])[0] not in self.order_columns:
                args.pop(f"_oc_{name}", None)
                args.pop(f"_od_{name}", None)
            kwargs["export_links"] = [
                (label, url_for(f"{name}.export", fmt=fmt, **args))
                for fmt, label in (("csv", gettext("Export CSV")),
                                   ("xlsx", gettext("Export Excel")))]
        return super()._get_list_widget(filters, **kwargs)


def _value(item, column):
    value = item
    for part in column.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value() if callable(value) else value


class _Shown:
    """A column's formatter as text, remembered for values that repeat (a status, a
    writer): a label looked up once per export, not once per row."""

    LIMIT = 1000

    def __init__(self, formatter):
        self.formatter = formatter
        self.seen = {}

    def __call__(self, raw):
        if isinstance(raw, (str, int, bool)) or raw is None:
            key = (type(raw), raw)
            text = self.seen.get(key)
            if text is None:
                text = self._text(raw)
                if len(self.seen) < self.LIMIT:
                    self.seen[key] = text
            return text
        return self._text(raw)

    def _text(self, raw):
        return as_text(self.formatter(raw) if self.formatter else raw)
