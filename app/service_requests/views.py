"""The request list (the orange button), its filtered copies (the blue buttons) and
the detail page with its sections, step buttons and tabs."""
from flask import Response, abort, current_app, g, make_response, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import FilterEqual, FilterEqualFunction
from flask_babel import lazy_gettext as _
from sqlalchemy import select
from wtforms import BooleanField, HiddenField, SelectField
from wtforms.validators import Email, InputRequired

from .. import audit
from ..audit.tab import tab_rows
from ..database import utcnow
from ..errors import DomainError
from ..export import ExportMixin
from ..extensions import db
from ..files import UploadError, save_upload
from ..filter_bar import FilterBarMixin
from ..forms import select_choices
from ..listing import FastModelView, FastSQLAInterface
from ..mail import sent_about
from ..mail.models import OutboxStatus
from ..money import AmountField
from ..pdf import pdf_response, render_pdf
from ..search.filters import contains_through_index
from ..show_page import ShowPageMixin
from . import DOMAIN, display, permissions, receipts, workflow
from .clock import duration_text, overdue_clause
from .kinds import has_kind
from .models import (
    Payment,
    PaymentMethod,
    Product,
    ProductKind,
    ServiceRequest,
    Urgency,
    balance_due_condition,
)
from .models import RequestStatus as S
from .permissions import (
    KIND_BUTTONS,
    MENU_ALL,
    MENU_BALANCE_DUE,
    MENU_MINE,
    MENU_OVERDUE,
    MENU_URGENT,
    STATUS_BUTTONS,
    kind_menu,
    status_menu,
)
from .tabs import TABS

RESOURCE = permissions.RESOURCE


class FilterOverdue(BaseFilter):
    """Open, not waiting on the customer, and past the due moment."""

    name = "overdue"
    arg_name = "sro"

    def apply(self, query, value):
        return query.filter(overdue_clause())


class FilterBalanceDue(BaseFilter):
    """Something still to be paid: a walk of the list's partial index."""

    name = "balance due"
    arg_name = "srb"

    def apply(self, query, value):
        return query.filter(balance_due_condition())


class FilterHasProductKind(BaseFilter):
    """Requests with at least one requested product of this kind."""

    name = "has product kind"
    arg_name = "spk"

    def apply(self, query, value):
        # The request's stored flag (kinds.py): one walk of the kind's own index in the
        # list's order, instead of asking the lines of every request on the way.
        return query.filter(has_kind(value))


def current_user_id():
    return g.user.id if getattr(g, "user", None) is not None else None


WRITER_ROLES = ("Writer", "WriterLead")


def writers():
    """Active users with a writer role, for the assign form."""
    sm = current_app.appbuilder.sm
    users = {u.id: u for name in WRITER_ROLES if (role := sm.find_role(name)) is not None
             for u in role.user if u.active}
    return sorted(users.values(), key=lambda u: (u.first_name or "", u.last_name or ""))


LABELS = {
    **display.REQUEST_COLUMN_LABELS,
    "on_behalf_of_label": _("On behalf of"), "id_card_file": _("ID card"),
    "assigned_to": _("Writer"), "requested_lines": _("Requested product"),
    "requested_total": _("Total requested product"), "additional_lines": _("Additional products"),
    "additional_total": _("Total additional products"), "correction_total": _("Corrections"),
    "total": _("Total amount"), "payments": _("Paid"), "refunds": _("Refunds"),
    "product_kinds": _("Product"), "clock_state": _("Due"), "due_at": _("Due"),
    "clock_age": _("Age"), "clock_waiting": _("Waiting on the customer"),
    "clock_ours": _("In our hands"),
}


# Detail-page fields shown only to roles holding the action: the Correctie total to those
# who may correct (the Audit tab shows Correctie rows to them only, too).
SHOWN_TO = {"correction_total": "correct"}


class ServiceRequestView(ShowPageMixin, FilterBarMixin, ExportMixin, FastModelView):
    """Service Request: every request. The blue buttons subclass it with a base filter."""

    # "Contains" on the applicant and number columns through the search index
    datamodel = contains_through_index(FastSQLAInterface(ServiceRequest), "servicerequest",
                                       ["order_no", "applicant_name", "applicant_email",
                                        "id_number"])
    route_base = "/service-requests"
    class_permission_name = RESOURCE
    base_permissions = permissions.ACTIONS
    method_permission_name = {"list": "read", "show": "read", "edit": "write",
                              "assign_writer": "assign", "hand_over": "hand_over", "pay": "pay",
                              "refund": "refund", "cancel": "cancel",
                              "override_status": "override", "add_line": "upload_product",
                              "replace_id_photo": "write", "void_payment": "correct",
                              "receipt": "read", "print_pdf": "read"}
    include_route_methods = {"list", "show", "edit", "assign_writer", "hand_over", "pay",
                             "refund", "cancel", "override_status", "add_line",
                             "replace_id_photo", "void_payment", "receipt", "print_pdf"}
    show_template = "service_requests/show.html"
    list_title = _("Service requests")
    show_title = _("Service request")
    list_columns = ["order_no", "urgency", "status", "received_at", "applicant_name",
                    "applicant_email", "id_number", "product_kinds", "assigned_to",
                    "balance_due", "clock_state"]
    order_columns = ["order_no", "urgency", "status", "received_at", "applicant_name",
                     "applicant_email", "id_number", "balance_due"]
    search_columns = ["order_no", "applicant_name", "applicant_email", "id_number", "status",
                      "urgency", "received_at", "balance_due"]
    base_order = ("received_at", "desc")
    label_columns = LABELS
    show_fieldsets = [
        (_("Request"), {"fields": [
            "order_no", "urgency", "status", "received_at", "on_behalf_of_label",
            "applicant_name", "applicant_email", "applicant_phone", "id_number",
            "id_card_file", "assigned_to"]}),
        (_("Requested product"), {"fields": ["requested_lines", "requested_total"],
                                  "expanded": True}),
        (_("Additional products"), {"fields": ["additional_lines", "additional_total"],
                                    "expanded": True}),
        (_("Clock"), {"fields": ["due_at", "clock_age", "clock_waiting", "clock_ours"]}),
        (_("Paid, handed over, ID and refunds"), {"fields": [
            "total", "correction_total", "payments", "refunds", "balance_due",
            "handed_over_at", "handed_over_to", "id_checked"]}),
    ]
    formatters_columns = {
        "status": display.status_label, "urgency": display.urgency_badge,
        "received_at": display.when, "handed_over_at": display.when,
        "id_card_file": display.file_link, "requested_lines": display.lines_table,
        "additional_lines": display.lines_table, "requested_total": display.money,
        "additional_total": display.money, "correction_total": display.money,
        "total": display.money,
        "refunds": display.refunds_text, "id_checked": display.yes_no,
        "payments": display.payments_or_no, "assigned_to": display.text,
        "balance_due": display.balance,
        "handed_over_to": display.text, "applicant_phone": display.text,
        "id_number": display.text, "clock_state": display.due_badge, "due_at": display.when,
        **dict.fromkeys(("clock_age", "clock_waiting", "clock_ours"), duration_text),
    }
    related_views = TABS
    page_size = 25
    list_template = "service_requests/list.html"  # the filter bar and clickable rows
    filter_bar_class = "sr-list-buttons"
    list_eager = ("requested_lines",)  # the product kinds column
    # The counter corrects the applicant's details; status and lines are the workflow's.
    edit_title = _("Edit applicant details")
    edit_columns = ["applicant_name", "applicant_email", "applicant_phone", "id_number",
                    "expected_version"]
    edit_form_extra_fields = {"expected_version": HiddenField()}
    validators_columns = {"applicant_email": [Email()]}

    def prefill_form(self, form, pk):
        form.expected_version.data = self.datamodel.get(pk).version_id

    def pre_update(self, item):
        """Optimistic locking for the edit form: refuse a form opened before another change."""
        with workflow.transaction(reraise=True, commit=False):
            if str(getattr(item, "expected_version", "")) != str(item.version_id):
                raise DomainError(workflow.STALE_MESSAGE)

    @expose("/edit/<pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        """FAB's edit, without the tabs: they belong to the detail page, which shows each
        only to those allowed (Correctie: Finance)."""
        widgets = self._edit(pk)
        if not widgets:
            return self.post_edit_redirect()
        return self.render_template(self.edit_template, title=self.edit_title, widgets=widgets)

    def _get_related_views_widgets(self, item, **kwargs):
        if request.endpoint and request.endpoint.endswith(".edit"):
            return kwargs.get("widgets") or {}
        return super()._get_related_views_widgets(item, **kwargs)

    def post_edit_redirect(self):
        return redirect(url_for("ServiceRequestView.show", pk=request.view_args["pk"]))

    def _get_show_widget(self, pk, item, widgets=None, actions=None, show_fieldsets=None):
        """The detail page without the fields a role may not see (SHOWN_TO)."""
        hidden = {field for field, action in SHOWN_TO.items() if not self.may(action)}
        fieldsets = [(title, {**spec, "fields": [f for f in spec["fields"] if f not in hidden]})
                     for title, spec in show_fieldsets or self.show_fieldsets]
        return super()._get_show_widget(pk, item, widgets, actions, fieldsets)

    def show_context(self, sr, widgets):
        sm = self.appbuilder.sm
        steps = {name: workflow.may(sr, name) for name in workflow.TRANSITIONS}
        steps["edit"] = self.may("write")
        tabs = [(view, widget, steps.get(getattr(view, "step", None), False))
                for view, widget in zip(self._related_views, widgets["related_views"],
                                        strict=False)
                if sm.has_access("can_" + view.get_method_permission("list"),
                                 view.class_permission_name)]
        history = tab_rows(db.session.scalars(audit.entries_for(RESOURCE, sr.id).limit(500)),
                           DOMAIN)
        mails = sent_about(RESOURCE, sr.id)
        me = current_user_id()
        writer_list = writers() if steps["assign"] else []
        return {"sr": sr, "tabs": tabs, "history": history, "steps": steps,
                "writers": writer_list,
                "preselected_writer": sr.assigned_to_id or (
                    me if any(u.id == me for u in writer_list) else None),
                "me_is_writer": any(u.id == me for u in writer_list), "me": me,
                "payment_methods": PaymentMethod.LABELS, "related_views": [], "mails": mails,
                "mail_status": OutboxStatus.label, "statuses": S.LABELS,
                "additional_products": additional_products() if steps["add_line"] else [],
                "typed": g.get("sr_typed") or {}, "money": display.money}

    def _step(self, pk, run):
        """Run one step of the detail page. Refused: the page again, with the message
        and what was typed (422); done: back to the page (PRG)."""
        sr = db.session.get(ServiceRequest, pk)
        if sr is None:
            abort(404)
        with workflow.transaction(done=_("Saved.")) as work:
            run(sr, request.form.get("version_id"))
        if work.failed:
            g.sr_typed = {k: v for k, v in request.form.items() if k != "csrf_token"}
            return make_response(self.show(pk), 422)
        return redirect(url_for("ServiceRequestView.show", pk=pk))

    @expose("/print/<int:pk>")
    @has_access
    def print_pdf(self, pk):
        """An A4 summary of one request (PDF), to print or file."""
        sr = self.datamodel.get(pk, self._base_filters)
        if sr is None:
            abort(404)
        pdf = render_pdf("service_requests/print.html", sr=sr, now=utcnow(),
                         labels=display.REQUEST_COLUMN_LABELS, duration=duration_text,
                         money=display.money)
        return Response(pdf, mimetype="application/pdf", headers={
            "Content-Disposition": f'inline; filename="{sr.order_no}.pdf"'})

    @expose("/assign/<int:pk>", methods=["POST"])
    @has_access
    def assign_writer(self, pk):
        user_id = request.form.get("writer_id", "")
        writer = (self.appbuilder.sm.get_user_by_id(int(user_id)) if user_id.isdigit() else None)
        if writer is not None and writer not in writers():
            writer = None
        return self._step(pk, lambda sr, v: workflow.assign(sr, writer, expected_version=v))

    @expose("/hand-over/<int:pk>", methods=["POST"])
    @has_access
    def hand_over(self, pk):
        return self._step(pk, lambda sr, v: workflow.hand_over(
            sr, request.form.get("handed_over_to"), request.form.get("id_checked") == "y",
            expected_version=v))

    @expose("/pay/<int:pk>", methods=["POST"])
    @has_access
    def pay(self, pk):
        return self._step(pk, lambda sr, v: workflow.mark_paid(
            sr, request.form.get("amount", ""), request.form.get("method"), expected_version=v))

    @expose("/refund/<int:pk>", methods=["POST"])
    @has_access
    def refund(self, pk):
        return self._step(pk, lambda sr, v: workflow.refund(
            sr, request.form.get("amount", ""), request.form.get("reason"), expected_version=v))

    @expose("/cancel/<int:pk>", methods=["POST"])
    @has_access
    def cancel(self, pk):
        return self._step(pk, lambda sr, v: workflow.cancel(
            sr, request.form.get("reason"), expected_version=v))

    @expose("/override-status/<int:pk>", methods=["POST"])
    @has_access
    def override_status(self, pk):
        return self._step(pk, lambda sr, v: workflow.override_status(
            sr, request.form.get("status"), request.form.get("reason"), expected_version=v))

    @expose("/add-line/<int:pk>", methods=["POST"])
    @has_access
    def add_line(self, pk):
        product_id = request.form.get("product_id", "")
        product = db.session.get(Product, int(product_id)) if product_id.isdigit() else None
        return self._step(pk, lambda sr, v: workflow.add_additional_line(
            sr, product, request.form.get("quantity", ""), expected_version=v))

    @expose("/void-payment/<int:pk>", methods=["POST"])
    @has_access
    def void_payment(self, pk):
        payment_id = request.form.get("payment_id", "")
        payment = db.session.get(Payment, int(payment_id)) if payment_id.isdigit() else None
        return self._step(pk, lambda sr, v: workflow.void_payment(
            sr, payment, request.form.get("reason"), expected_version=v))

    @expose("/receipt/<int:pk>", methods=["GET"])
    @has_access
    def receipt(self, pk):
        """The numbered receipt of one payment (pk: the payment), as a PDF for the counter."""
        payment = db.session.get(Payment, pk)
        if payment is None or payment.receipt_no is None:
            abort(404)
        return pdf_response(receipts.receipt_pdf(payment), f"kwitantie-{payment.receipt_no}.pdf")

    @expose("/replace-id-photo/<int:pk>", methods=["POST"])
    @has_access
    def replace_id_photo(self, pk):
        def run(sr, version):
            upload = request.files.get("id_card")
            stored = None
            if upload and upload.filename:
                try:
                    stored = save_upload(upload, accept=("image",))
                except UploadError as exc:
                    raise DomainError(str(exc)) from exc
            workflow.replace_id_photo(sr, stored, expected_version=version)
        return self._step(pk, run)


def additional_products():
    return db.session.scalars(select(Product).where(
        Product.is_additional.is_(True), Product.active.is_(True)).order_by(Product.name)).all()


def _filtered(name, title, filters, route):
    """A blue button: the same list and detail page with a built-in filter."""
    return type(name, (ServiceRequestView,), {
        "route_base": route, "list_title": title, "base_filters": filters,
        "include_route_methods": {"list", "show"},
    })


MyRequestsView = _filtered("MyRequestsView", _("My requests"),
                           [["assigned_to_id", FilterEqualFunction, current_user_id]],
                           "/service-requests/mine")
OverdueRequestsView = _filtered("OverdueRequestsView", _("Overdue"),
                                [["id", FilterOverdue, True]], "/service-requests/overdue")
BalanceDueRequestsView = _filtered("BalanceDueRequestsView", _("Balance due"),
                                   [["balance_due", FilterBalanceDue, None]],
                                   "/service-requests/balance-due")
UrgentRequestsView = _filtered("UrgentRequestsView", _("Urgent"),
                               [["urgency", FilterEqual, Urgency.URGENT]],
                               "/service-requests/urgent")
KIND_TITLES = {
    ProductKind.MORTGAGE_EXTRACT: ("MortgageExtractRequestsView", _("Mortgage extracts")),
    ProductKind.CADASTRAL_EXTRACT: ("CadastralExtractRequestsView", _("Cadastral extracts")),
    ProductKind.SURVEY_MAP: ("SurveyMapRequestsView", _("Survey maps")),
}
KIND_VIEWS = [(kind, _filtered(KIND_TITLES[kind][0], KIND_TITLES[kind][1],
                               [["id", FilterHasProductKind, kind]],
                               f"/service-requests/kind/{kind}"), KIND_TITLES[kind][1])
              for kind in KIND_BUTTONS]
# The manual's name for the delivered button.
BUTTON_TITLES = dict(S.LABELS, **{S.DELIVERED: _("Handed-over product")})
STATUS_VIEWS = [
    (status, _filtered("Status" + "".join(p.title() for p in status.split("_")) + "View",
               BUTTON_TITLES[status], [["status", FilterEqual, status]],
               f"/service-requests/status/{status}"), BUTTON_TITLES[status])
    for status in STATUS_BUTTONS
]


# The buttons of the manuals (docs/requirements.md, R-SR-1), in groups: (view, menu name, label, icon). The menu entries
# (registration.py) and the button bar above each list are both made from this.
LIST_BUTTONS = [
    [(ServiceRequestView, MENU_ALL, _("Service Request"), "fa-list"),
     (MyRequestsView, MENU_MINE, _("My requests"), "fa-user"),
     (UrgentRequestsView, MENU_URGENT, _("Urgent"), "fa-bolt"),
     (OverdueRequestsView, MENU_OVERDUE, _("Overdue"), "fa-clock-o"),
     (BalanceDueRequestsView, MENU_BALANCE_DUE, _("Balance due"), "fa-money")],
    [(view, kind_menu(kind), title, "fa-filter") for kind, view, title in KIND_VIEWS],
    [(view, status_menu(status), title, "fa-filter") for status, view, title in STATUS_VIEWS],
]


# The bar above every request list: the orange "Service Request", then the blue lists.
ServiceRequestView.filter_bar = [(view, menu, label) for group in LIST_BUTTONS
                                 for view, menu, label, _icon in group]


class ProductView(ExportMixin, FastModelView):
    datamodel = FastSQLAInterface(Product)
    class_permission_name = "Product"
    base_permissions = ["can_read", "can_write"]
    method_permission_name = {"list": "read", "show": "read", "add": "write", "edit": "write"}
    include_route_methods = {"list", "show", "add", "edit"}
    list_title = _("Products")
    show_title = _("Product")
    add_title = _("Add product")
    edit_title = _("Edit product")
    list_columns = ["code", "name", "kind", "unit_price", "is_additional", "active"]
    add_columns = edit_columns = ["code", "name", "kind", "unit_price", "is_additional", "active"]
    search_columns = ["code", "name", "kind", "is_additional", "active"]
    label_columns = {"code": _("Code"), "name": _("Name"), "kind": _("Kind"),
                     "unit_price": _("Unit price"), "is_additional": _("Additional product"),
                     "active": _("Active")}
    add_form_extra_fields = edit_form_extra_fields = {
        "kind": SelectField(_("Kind"), choices=select_choices(ProductKind.LABELS),
                            validators=[InputRequired()]),
        # FAB would make these NOT NULL booleans required, i.e. always ticked.
        "is_additional": BooleanField(_("Additional product")),
        "active": BooleanField(_("Active"), default=True),
        "unit_price": AmountField(_("Unit price"), validators=[InputRequired()],
                                        description=_("e.g. 12,50")),
    }
    formatters_columns = {"kind": lambda v: ProductKind.LABELS.get(v, v),
                          "unit_price": display.money, "is_additional": display.yes_no,
                          "active": display.yes_no}
    base_order = ("code", "asc")
