"""REST: the online portal's intake, and read APIs for requests and products.

POST /api/v1/intake/ (role Portal, JWT from /api/v1/security/login):
a duplicate submission is recognised by its Idempotency-Key header or the body's
"client_reference" (the portal's own order id): the second answer is 200 with the
first request's id and order number, and nothing new is stored.
"""
import base64
import binascii

from email_validator import EmailNotValidError, validate_email
from flask import g, request
from flask_appbuilder.api import BaseApi, ModelRestApi, expose, protect, safe
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..errors import DomainError
from ..extensions import db
from ..files import UploadError, save_upload
from . import workflow
from .models import Product, ServiceRequest, Urgency

MAX_LINES = 50


def _text(errors, data, key, path, required=True, max_length=200):
    value = data.get(key) if isinstance(data, dict) else None
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[path] = ["Missing data for required field."]
        return None
    if not isinstance(value, str):
        errors[path] = ["Not a valid string."]
        return None
    value = value.strip()
    if len(value) > max_length:
        errors[path] = [f"Longer than maximum length {max_length}."]
        return None
    return value


def _quantity(errors, item, path):
    value = item.get("quantity", 1)
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 1000:
        errors[path] = ["Must be a whole number from 1 to 1000."]
        return None
    return value


def _product(errors, item, path, products, additional):
    code = item.get("code")
    product = products.get(code) if isinstance(code, str) else None
    if product is None:
        errors[path] = [f"Unknown product code {code!r}."]
    elif product.is_additional != additional:
        errors[path] = ["Not an additional product." if additional
                        else "This is an additional product; put it under 'additional'."]
        product = None
    return product


def parse_intake(data):
    """The JSON body → (kwargs for workflow.create_request, id card bytes, errors per field)."""
    errors = {}
    if not isinstance(data, dict):
        return None, None, {"_schema": ["Send a JSON object."]}
    applicant = data.get("applicant")
    if not isinstance(applicant, dict):
        errors["applicant"] = ["Missing data for required field."]
        applicant = {}
    name = _text(errors, applicant, "name", "applicant.name")
    email = _text(errors, applicant, "email", "applicant.email", max_length=254)
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            errors["applicant.email"] = ["Not a valid email address."]
    phone = _text(errors, applicant, "phone", "applicant.phone", required=False, max_length=40)
    id_number = _text(errors, applicant, "id_number", "applicant.id_number", max_length=40)
    reference = _text(errors, data, "client_reference", "client_reference", required=False,
                      max_length=100)

    products = {p.code: p for p in db.session.scalars(select(Product).where(Product.active))}
    lines, extra = [], []
    items = data.get("products")
    if not isinstance(items, list) or not items:
        errors["products"] = ["Give at least one product."]
        items = []
    elif len(items) > MAX_LINES:
        errors["products"] = [f"At most {MAX_LINES} products."]
    for i, item in enumerate(items[:MAX_LINES]):
        if not isinstance(item, dict):
            errors[f"products[{i}]"] = ["Not an object."]
            continue
        product = _product(errors, item, f"products[{i}].code", products, additional=False)
        quantity = _quantity(errors, item, f"products[{i}].quantity")
        info = _text(errors, item, "customer_info", f"products[{i}].customer_info",
                     required=False, max_length=5000)
        lines.append((product, quantity, info))
    additional = data.get("additional") or []
    if not isinstance(additional, list):
        errors["additional"] = ["Not a list."]
        additional = []
    elif len(additional) > MAX_LINES:
        errors["additional"] = [f"At most {MAX_LINES} additional products."]
    for i, item in enumerate(additional[:MAX_LINES]):
        if not isinstance(item, dict):
            errors[f"additional[{i}]"] = ["Not an object."]
            continue
        product = _product(errors, item, f"additional[{i}].code", products, additional=True)
        extra.append((product, _quantity(errors, item, f"additional[{i}].quantity")))

    image = None
    if data.get("id_card_image"):
        try:
            image = base64.b64decode(data["id_card_image"], validate=True)
        except (binascii.Error, TypeError, ValueError):
            errors["id_card_image"] = ["Not valid base64."]
    kwargs = {"applicant_name": name, "applicant_email": email, "applicant_phone": phone,
                  "id_number": id_number, "urgency": Urgency.ONLINE, "products": lines,
                  "additional": extra, "client_reference": reference}
    return kwargs, image, errors


def _answer(sr):
    return {"id": sr.id, "order_no": sr.order_no, "status": sr.status}


class IntakeApi(BaseApi):
    resource_name = "intake"
    class_permission_name = "Intake"
    method_permission_name = {"post": "submit"}
    openapi_spec_tag = "Intake"

    def _existing(self, reference):
        if not reference:
            return None
        return db.session.scalars(select(ServiceRequest).where(
            ServiceRequest.client_reference == reference)).first()

    @expose("/", methods=["POST"])
    @protect()
    @safe
    def post(self):
        """A request from the online portal.
        ---
        post:
          description: Create a service request (status received). Idempotent by
            Idempotency-Key header or client_reference.
          responses:
            201:
              description: Created
            200:
              description: Duplicate; the earlier request
            400:
              $ref: '#/components/responses/400'
        """
        user = getattr(g, "user", None)
        audit.set_actor("portal", getattr(user, "username", "portal"))
        kwargs, image, errors = parse_intake(request.get_json(silent=True))
        if kwargs is not None:
            key = (request.headers.get("Idempotency-Key") or "").strip()[:100]
            kwargs["client_reference"] = kwargs.get("client_reference") or key or None
        if errors:
            return self.response_400(message=errors)
        existing = self._existing(kwargs["client_reference"])
        if existing is not None:
            return self.response(200, **_answer(existing))
        if image:
            try:
                kwargs["id_card_file"] = save_upload((image, "id-card"), accept=("image",))
            except UploadError as exc:
                return self.response_400(message={"id_card_image": [str(exc)]})
        try:
            with workflow.transaction(reraise=True):
                sr = workflow.create_request(**kwargs)
        except DomainError as exc:
            return self.response_400(message={"_schema": [exc.message]})
        except IntegrityError:  # the same reference, submitted twice at once
            existing = self._existing(kwargs["client_reference"])
            if existing is None:
                raise
            return self.response(200, **_answer(existing))
        return self.response(201, **_answer(sr))


class ServiceRequestApi(ModelRestApi):
    resource_name = "servicerequest"
    datamodel = SQLAInterface(ServiceRequest)
    class_permission_name = "ServiceRequest"
    base_permissions = workflow.PERMISSIONS
    method_permission_name = {"get_list": "read", "get": "read", "info": "read"}
    include_route_methods = {"get_list", "get", "info"}
    list_columns = ["id", "order_no", "status", "urgency", "received_at", "applicant_name",
                    "applicant_email"]
    show_columns = ["id", "order_no", "status", "urgency", "on_behalf_of", "received_at",
                    "applicant_name", "applicant_email", "applicant_phone", "id_number",
                    "handed_over_at", "handed_over_to", "id_checked"]
    search_columns = ["order_no", "status", "urgency", "applicant_name", "applicant_email",
                      "id_number"]
    order_columns = ["order_no", "received_at", "status"]


class ProductApi(ModelRestApi):
    resource_name = "product"
    datamodel = SQLAInterface(Product)
    class_permission_name = "Product"
    base_permissions = ["can_read", "can_write"]  # as ProductView: one set per resource
    method_permission_name = {"get_list": "read", "get": "read", "info": "read"}
    include_route_methods = {"get_list", "get", "info"}
    list_columns = show_columns = ["id", "code", "name", "kind", "unit_price", "is_additional",
                                   "active"]
    search_columns = ["code", "name", "kind", "is_additional", "active"]
