"""Which product kinds a request has, stored on the request and kept by its lines.

A product-kind button ("Survey maps") asked every request in the list's order whether
one of its lines is of that kind: at a million requests the rare kinds probed hundreds
of thousands of rows to fill a page and its bounded count. A flag per kind on the
request, in an index with the list's order, makes the button one index walk.

The flags follow the lines in the same flush (a line added, changed or removed, a
product's kind edited); the bulk loader and the migration fill them with
`recount_kinds`. A new product kind with a button needs a column and an index here.
"""
from sqlalchemy import event, exists, inspect, select, true, update
from sqlalchemy.orm import Session

from .choices import ProductKind
from .models import Product, RequestedProductLine, ServiceRequest

KIND_COLUMNS = {
    ProductKind.MORTGAGE_EXTRACT: "has_mortgage_extract",
    ProductKind.CADASTRAL_EXTRACT: "has_cadastral_extract",
    ProductKind.SURVEY_MAP: "has_survey_map",
}
_TOUCHED = "sr_kinds_touched"  # session.info: request ids whose flags were recounted


def has_kind(kind):
    """The filter of a product-kind button: the stored flag where there is one."""
    column = KIND_COLUMNS.get(kind)
    if column is not None:
        return getattr(ServiceRequest, column) == true()
    products = select(Product.id).where(Product.kind == kind)
    return exists().where(RequestedProductLine.request_id == ServiceRequest.id,
                          RequestedProductLine.product_id.in_(products))


def recount_kinds(connection, request_ids=None, product_id=None):
    """Set the flags from the lines: of `request_ids`, of the requests with a line of
    `product_id`, or (neither given) of every request."""
    requests, lines, products = (ServiceRequest.__table__, RequestedProductLine.__table__,
                                 Product.__table__)
    everything = request_ids is None and product_id is None

    def of_kind(kind):
        with_kind = select(lines.c.request_id if everything else lines.c.id).select_from(
            lines.join(products)).where(products.c.kind == kind)
        if everything:  # one pass over the lines (no index needed: the bulk load)
            return requests.c.id.in_(with_kind)
        return with_kind.where(lines.c.request_id == requests.c.id).exists()
    statement = update(requests).values(
        {column: of_kind(kind) for kind, column in KIND_COLUMNS.items()})
    if request_ids is not None:
        statement = statement.where(requests.c.id.in_(sorted(request_ids)))
    if product_id is not None:
        statement = statement.where(requests.c.id.in_(
            select(lines.c.request_id).where(lines.c.product_id == product_id)))
    connection.execute(statement)


def _recount(connection, target, request_ids=None, product_id=None):
    recount_kinds(connection, request_ids=request_ids, product_id=product_id)
    session = inspect(target).session
    if session is not None:
        session.info.setdefault(_TOUCHED, set()).update(request_ids or ())
        if product_id is not None:
            session.info[_TOUCHED].add(None)  # any request: expire every loaded one


@event.listens_for(RequestedProductLine, "after_insert")
@event.listens_for(RequestedProductLine, "after_delete")
def _line_added_or_removed(mapper, connection, line):
    _recount(connection, line, request_ids={line.request_id})


@event.listens_for(RequestedProductLine, "after_update")
def _line_changed(mapper, connection, line):
    state = inspect(line)
    if not (state.attrs.product_id.history.has_changes()
            or state.attrs.request_id.history.has_changes()):
        return
    ids = {line.request_id, *state.attrs.request_id.history.deleted}
    _recount(connection, line, request_ids={i for i in ids if i is not None})


@event.listens_for(Product, "after_update")
def _kind_edited(mapper, connection, product):
    if inspect(product).attrs.kind.history.has_changes():
        _recount(connection, product, product_id=product.id)


@event.listens_for(Session, "after_flush_postexec")
def _expire_recounted(session, flush_context):
    """Requests loaded in this session read their new flags from the database."""
    touched = session.info.pop(_TOUCHED, None)
    if not touched:
        return
    for obj in list(session.identity_map.values()):
        if isinstance(obj, ServiceRequest) and (None in touched or obj.id in touched):
            session.expire(obj, list(KIND_COLUMNS.values()))
