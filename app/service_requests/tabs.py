"""The sub-screens of a request, shown as tabs on its detail page.

Each is a FAB ModelView on the one resource "ServiceRequest": reading needs
can_read, adding needs the step's permission (method_permission_name), and the
add goes through workflow.py in pre_add, so the status, the mail and the audit
entry happen together with the new row.
"""
from flask import flash, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.fields import QuerySelectField
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.urltools import get_filter_args
from flask_appbuilder.widgets import ListWidget
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField
from wtforms.validators import DataRequired, InputRequired, Optional

from ..errors import DomainError
from ..extensions import db
from ..files import UploadError, save_upload
from ..forms import select_choices
from ..listing import FastModelView, FastSQLAInterface
from ..money import AmountField
from ..security.input_guard import parse_id
from . import display, permissions, workflow
from .models import (
    AdditionalProductLine,
    ApplicantFeedback,
    CheckResult,
    Correction,
    CustomerFeedback,
    DeliveredProduct,
    InboundDocument,
    InternalCheck,
    RequestedProductLine,
    ServiceRequest,
)

READ_ONLY = {"list": "read", "show": "read"}


def _parent():
    """The request named by the tab's link (?_flt_0_service_request=<id>)."""
    pk = parse_id(request.args.get("_flt_0_service_request"))
    sr = db.session.get(ServiceRequest, pk) if pk else None
    if sr is None:
        raise DomainError(_("Open this form from the request's tab."))
    return sr


class TabListWidget(ListWidget):
    """FAB's list, with the add button only where the workflow allows the step now
    (the detail page passes tab_can_add)."""

    template = "service_requests/_tab_list.html"


class _Tab(FastModelView):
    """A read-only list on the request resource; subclasses add a workflow step."""

    class_permission_name = "ServiceRequest"
    base_permissions = permissions.ACTIONS
    method_permission_name = dict(READ_ONLY)
    include_route_methods = {"list", "show"}
    base_order = ("id", "desc")
    # A tab's list also opens over all requests: it sorts by its moment (and a sender, an
    # amount), each an index (column, id). Free text, yes/no and a few codes (via,
    # result) are searched, not sorted.
    page_size = 20
    list_widget = TabListWidget
    step = None  # the workflow step the add form takes

    def _run(self, step):
        """The tab's workflow step on the form's request (add() wraps it in one unit of work)."""
        step(_parent())

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self):
        """The form only while the workflow allows the step; a refused form (sent anyway,
        or refused by the step itself) comes back with the reason and everything typed."""
        with workflow.transaction(commit=False) as found:  # flashes why there is none
            sr = _parent()
        if found.failed:
            return redirect(url_for("ServiceRequestView.list"))
        if request.method == "GET" and not workflow.may(sr, self.step):
            flash(gettext("This step is not possible for this request now."), "warning")
            return redirect(url_for("ServiceRequestView.show", pk=sr.id))
        form = self.add_form.refresh()
        get_filter_args(self._filters, disallow_if_not_in_search=False)
        exclude_cols = self._filters.get_relation_cols()
        status = 200
        if request.method == "POST":
            self._fill_form_exclude_cols(exclude_cols, form)
            if form.validate():
                self.process_form(form, True)
                item = self.datamodel.obj()
                form.populate_obj(item)
                with workflow.transaction(done=self.add_row_message) as work:
                    self.pre_add(item)
                if not work.failed:
                    return self.post_add_redirect()
            status = 422
        widgets = self._get_add_widget(form=form, exclude_cols=exclude_cols)
        return self.render_template(self.add_template, title=self.add_title,
                                    widgets=widgets), status

    def post_add_redirect(self):
        pk = parse_id(request.args.get("_flt_0_service_request"))
        if pk:
            return redirect(url_for("ServiceRequestView.show", pk=pk))
        return super().post_add_redirect()


MESSAGE_ONLY_HELP = _("Ticked: only a message, the status stays. Not ticked: we need new "
                      "documents from the customer (status Nieuwe documenten nodig).")


class CustomerFeedbackView(_Tab):
    datamodel = FastSQLAInterface(CustomerFeedback)
    list_title = show_title = _("Feedback to customer")
    add_title = _("Feedback to customer")
    include_route_methods = {"list", "show", "add"}
    method_permission_name = dict(READ_ONLY, add="feedback")
    # The form is offered while a message is possible; asking for documents is the
    # workflow's narrower rule (refused with its reason).
    step = "message"
    list_columns = ["created_at", "author", "asks_documents", "text"]
    order_columns = ["created_at"]
    show_columns = ["service_request", "created_at", "author", "asks_documents", "text"]
    add_columns = ["text", "message_only"]
    add_form_extra_fields = {
        "message_only": BooleanField(_("Only a message (the status stays)"), default=False,
                                     description=MESSAGE_ONLY_HELP),
    }
    validators_columns = {"text": [DataRequired()]}
    label_columns = {"service_request": _("Request"), "created_at": _("Date and time"),
                     "author": _("Writer"), "text": _("Feedback"),
                     "asks_documents": _("Ask for new documents")}
    formatters_columns = {"created_at": display.when, "author": display.text,
                          "asks_documents": display.yes_no}
    description_columns = {"text": _("The customer receives this by e-mail when you save.")}

    def pre_add(self, item):
        self._run(lambda sr: workflow.send_feedback(sr, item.text, feedback=item,
                                                    asks_documents=not item.message_only))


class InboundDocumentView(_Tab):
    datamodel = FastSQLAInterface(InboundDocument)
    list_title = show_title = _("New documents")
    list_columns = ["received_at", "source", "sender", "subject", "files", "automatic"]
    order_columns = ["received_at", "sender"]
    show_columns = ["service_request", "received_at", "source", "sender", "subject", "text",
                    "files", "automatic"]
    label_columns = {"service_request": _("Request"), "received_at": _("Received"),
                     "source": _("Via"), "sender": _("From"), "subject": _("Subject"),
                     "text": _("Text"), "files": _("Files"),
                     "automatic": _("Automatic reply")}
    formatters_columns = {"received_at": display.when, "files": display.file_links,
                          "sender": display.text, "subject": display.text, "text": display.text,
                          "automatic": display.yes_no,
                          "source": lambda v: {"email": _("E-mail"), "track_page": _("Track page"),
                                               "staff": _("Staff")}.get(v, v)}


COMPLETE_HELP = _("Tick when every product of the request is uploaded: "
                  "the request then goes to the internal check.")


class DeliveredProductView(_Tab):
    datamodel = FastSQLAInterface(DeliveredProduct)
    list_title = show_title = add_title = _("Delivered product")
    include_route_methods = {"list", "show", "add"}
    method_permission_name = dict(READ_ONLY, add="upload_product")
    step = "upload_product"
    list_columns = ["uploaded_at", "uploaded_by", "stored_file", "complete", "remarks"]
    order_columns = ["uploaded_at"]
    show_columns = ["service_request", "uploaded_at", "uploaded_by", "stored_file", "complete",
                    "remarks"]
    add_columns = ["upload", "complete", "remarks"]
    add_form_extra_fields = {
        "upload": FileField(_("File"), validators=[DataRequired()]),
        # FAB would make a NOT NULL boolean required, i.e. always ticked. An extra field
        # does not get description_columns: the help text goes on the field itself.
        "complete": BooleanField(_("All products uploaded"), default=False,
                                 description=COMPLETE_HELP),
    }
    label_columns = {"service_request": _("Request"), "uploaded_at": _("Uploaded"),
                     "uploaded_by": _("Writer"), "stored_file": _("File"), "upload": _("File"),
                     "complete": _("All products uploaded"), "remarks": _("Remarks")}
    description_columns = {"complete": COMPLETE_HELP}
    formatters_columns = {"uploaded_at": display.when, "stored_file": display.file_link,
                          "complete": display.yes_no, "uploaded_by": display.text,
                          "remarks": display.text}

    def pre_add(self, item):
        def step(sr):
            try:
                stored = save_upload(request.files.get("upload"), accept=("pdf", "image"))
            except UploadError as exc:
                raise DomainError(str(exc)) from exc
            workflow.upload_product(sr, stored, item.complete, item.remarks, product=item)
        self._run(step)


class InternalCheckView(_Tab):
    datamodel = FastSQLAInterface(InternalCheck)
    list_title = show_title = add_title = _("Internal check")
    include_route_methods = {"list", "show", "add"}
    method_permission_name = dict(READ_ONLY, add="check")
    step = "check"
    list_columns = ["checked_at", "checked_by", "result", "remarks"]
    order_columns = ["checked_at"]
    show_columns = ["service_request", "checked_at", "checked_by", "result", "remarks"]
    add_columns = ["result", "remarks"]
    add_form_extra_fields = {"result": SelectField(
        _("Result"), choices=select_choices(CheckResult.LABELS), validators=[InputRequired()])}
    label_columns = {"service_request": _("Request"), "checked_at": _("Checked"),
                     "checked_by": _("Checked by"), "result": _("Result"),
                     "remarks": _("Feedback for the writer")}
    formatters_columns = {"checked_at": display.when, "result": display.check_result,
                          "checked_by": display.text, "remarks": display.text}

    def pre_add(self, item):
        self._run(lambda sr: workflow.record_internal_check(sr, item.result, item.remarks,
                                                            check=item))


class ApplicantFeedbackView(_Tab):
    datamodel = FastSQLAInterface(ApplicantFeedback)
    list_title = show_title = add_title = _("Feedback from the applicant")
    include_route_methods = {"list", "show", "add"}
    # The desk also writes down what a customer reports in person.
    method_permission_name = dict(READ_ONLY, add="check")
    step = "applicant_feedback"
    list_columns = ["reported_at", "source", "text"]
    order_columns = ["reported_at"]
    show_columns = ["service_request", "reported_at", "source", "text"]
    add_columns = ["text"]
    validators_columns = {"text": [DataRequired()]}
    label_columns = {"service_request": _("Request"), "reported_at": _("Reported"),
                     "source": _("Via"), "text": _("Error in the product")}
    formatters_columns = {"reported_at": display.when,
                          "source": lambda v: {"track_page": _("Track page"),
                                               "staff": _("Staff")}.get(v, v)}

    def pre_add(self, item):
        self._run(lambda sr: workflow.report_applicant_error(sr, item.text, source="staff",
                                                             row=item))


class _LineChoice:
    """A requested or additional line of the request, as one choice ("r1", "a3")."""

    def __init__(self, line):
        self.line = line
        self.key = ("a" if isinstance(line, AdditionalProductLine) else "r") + str(line.id)

    def __str__(self):
        kind = (gettext("additional") if isinstance(self.line, AdditionalProductLine)
                else gettext("requested"))
        return f"{self.line.quantity} × {self.line.product.name} ({kind})"


def _lines():
    """Every product line of the request the form is for: requested and additional."""
    pk = parse_id(request.args.get("_flt_0_service_request"))
    if not pk:
        return []
    lines = (db.session.query(RequestedProductLine).filter_by(request_id=pk)
             .order_by(RequestedProductLine.id).all()
             + db.session.query(AdditionalProductLine).filter_by(request_id=pk)
             .order_by(AdditionalProductLine.id).all())
    return [_LineChoice(line) for line in lines]


class CorrectionView(_Tab):
    """Correctie: only Finance (and Admin) even see it (can_correct)."""

    datamodel = FastSQLAInterface(Correction)
    list_title = show_title = add_title = _("Correction")
    include_route_methods = {"list", "show", "add"}
    method_permission_name = {"list": "correct", "show": "correct", "add": "correct"}
    step = "correct"
    list_columns = ["corrected_at", "corrected_line", "old_quantity", "new_quantity",
                    "amount_adjustment", "reason"]
    show_columns = ["service_request"] + list_columns
    order_columns = ["corrected_at", "amount_adjustment"]
    add_columns = ["product_line", "new_quantity", "amount_adjustment", "reason"]
    add_form_extra_fields = {
        "product_line": QuerySelectField(
            _("Product line"), query_func=_lines, get_pk_func=lambda o: o.key,
            allow_blank=True, blank_text=_("(no product line)"), widget=Select2Widget()),
        # "-15,00" as at pay and refund; empty, not FAB's "0.00".
        "amount_adjustment": AmountField(
            _("Amount correction"), validators=[Optional()],
            description=_("Added to the total (negative: less), e.g. -15,00.")),
    }
    validators_columns = {"reason": [DataRequired()]}
    label_columns = {"service_request": _("Request"), "corrected_at": _("Corrected"),
                     "line": _("Product line"), "product_line": _("Product line"),
                     "corrected_line": _("Product line"), "old_quantity": _("Old quantity"),
                     "new_quantity": _("New quantity"), "amount_adjustment": _("Amount correction"),
                     "reason": _("Reason")}
    formatters_columns = {"corrected_at": display.when, "amount_adjustment": display.money,
                          "corrected_line": display.text, "old_quantity": display.text,
                          "new_quantity": display.text}

    def pre_add(self, item):
        choice = getattr(item, "product_line", None)
        self._run(lambda sr: workflow.correct(
            sr, item.reason, line=choice.line if choice else None,
            new_quantity=item.new_quantity,
            amount_adjustment=item.amount_adjustment, correction=item))


TABS = [CustomerFeedbackView, InboundDocumentView, DeliveredProductView, InternalCheckView,
        ApplicantFeedbackView, CorrectionView]
