"""Nieuwe aanvraag (balie): the counter clerk enters an urgent or normal request."""
from flask import redirect, request, url_for
from flask_appbuilder import SimpleFormView
from flask_appbuilder.fields import QuerySelectField
from flask_appbuilder.fieldwidgets import BS3TextAreaFieldWidget, BS3TextFieldWidget, Select2Widget
from flask_appbuilder.forms import DynamicForm
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from flask_wtf.file import FileField
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from ..errors import DomainError
from ..extensions import db
from ..files import UploadError, save_upload
from ..forms import select_choices
from . import permissions, workflow
from .models import OnBehalfOf, Product, Urgency


def _products():
    return (db.session.query(Product).filter_by(is_additional=False, active=True)
            .order_by(Product.name).all())


def _print_product():
    return db.session.query(Product).filter_by(code="PRINT-A4", active=True).one_or_none()


class CounterRequestForm(DynamicForm):
    urgency = SelectField(_("Urgency"), choices=select_choices([(Urgency.NORMAL, _("Normal")),
                                                                (Urgency.URGENT, _("Urgent"))]),
                          validators=[DataRequired()])
    on_behalf_of = SelectField(_("On behalf of"),
                               choices=select_choices([("", "—"), *OnBehalfOf.LABELS.items()]),
                               description=_("Only for urgent requests."))
    applicant_name = StringField(_("Applicant"), validators=[DataRequired(), Length(max=200)],
                                 widget=BS3TextFieldWidget())
    applicant_email = StringField(_("E-mail"), validators=[DataRequired(), Email(),
                                                           Length(max=254)],
                                  widget=BS3TextFieldWidget())
    applicant_phone = StringField(_("Phone number"), validators=[Optional(), Length(max=40)],
                                  widget=BS3TextFieldWidget())
    id_number = StringField(_("ID card number"), validators=[DataRequired(), Length(max=40)],
                            widget=BS3TextFieldWidget())
    id_card = FileField(_("ID card"), description=_("A photo of the ID card (optional)."))
    product = QuerySelectField(_("Product"), query_func=_products,
                               get_pk_func=lambda p: str(p.id), validators=[DataRequired()],
                               widget=Select2Widget())
    quantity = IntegerField(_("Quantity"), default=1,
                            validators=[DataRequired(), NumberRange(min=1, max=100)],
                            widget=BS3TextFieldWidget())
    customer_info = TextAreaField(_("Information from the customer"),
                                  widget=BS3TextAreaFieldWidget())
    extra_pages = IntegerField(_("Print A4: pages beyond 5"), default=0,
                               validators=[Optional(), NumberRange(min=0, max=1000)],
                               widget=BS3TextFieldWidget())


class CounterRequestView(SimpleFormView):
    """The counter's form; the request itself is made by workflow.create_request."""

    route_base = "/service-requests/counter"
    class_permission_name = permissions.RESOURCE
    base_permissions = permissions.ACTIONS
    method_permission_name = {"this_form_get": "write", "this_form_post": "write"}
    form = CounterRequestForm
    form_title = _("New request (counter)")

    def form_post(self, form):
        stored = None
        upload = request.files.get("id_card")
        with workflow.transaction() as work:
            if upload and upload.filename:
                try:
                    stored = save_upload(upload, accept=("image",))
                except UploadError as exc:
                    raise DomainError(str(exc)) from exc
            extra = []
            if form.extra_pages.data:
                print_a4 = _print_product()
                if print_a4 is None:
                    raise DomainError(gettext("The product “print A4” is missing."))
                extra.append((print_a4, form.extra_pages.data))
            sr = workflow.create_request(
                applicant_name=form.applicant_name.data.strip(),
                applicant_email=form.applicant_email.data.strip(),
                applicant_phone=(form.applicant_phone.data or "").strip() or None,
                id_number=form.id_number.data.strip(), urgency=form.urgency.data,
                on_behalf_of=form.on_behalf_of.data or None, id_card_file=stored,
                products=[(form.product.data, form.quantity.data, form.customer_info.data)],
                additional=extra)
            work.done = gettext("Request %(order_no)s saved.", order_no=sr.order_no)
        if work.failed:
            return self.render_template(self.form_template, title=self.form_title,
                                        widgets=self._get_edit_widget(form=form),
                                        appbuilder=self.appbuilder)
        return redirect(url_for("ServiceRequestView.show", pk=sr.id))
