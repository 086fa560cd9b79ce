"""REST: the online portal's intake, and read APIs for requests and products.

POST /api/v1/intake/ (role Portal, JWT from /api/v1/security/login):
a duplicate submission is recognised by its Idempotency-Key header or the body's
"client_reference" (the portal's own order id): the second answer is 200 with the
first request's id and order number, and nothing new is stored.
"""
import base64
import binascii

from flask import g, request
from flask_appbuilder.api import BaseApi, ModelRestApi, expose, protect, safe
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..errors import DomainError
from ..extensions import db
from ..files import UploadError, save_upload
from ..time_filters import MomentSQLAInterface
from . import permissions, workflow
from .models import Product, ServiceRequest, Urgency
from .schemas import IntakeAnswerSchema, IntakeSchema, flat_errors


def _product(errors, code, path, products, additional):
    product = products.get(code)
    if product is None:
        errors[path] = [f"Unknown product code {code!r}."]
    elif product.is_additional != additional:
        errors[path] = ["Not an additional product." if additional
                        else "This is an additional product; put it under 'additional'."]
        product = None
    return product


def parse_intake(data):
    """The JSON body → (kwargs for workflow.create_request, id card bytes, errors per field)."""
    if not isinstance(data, dict):
        return None, None, {"_schema": ["Send a JSON object."]}
    try:
        body = IntakeSchema().load(data)
        errors = {}
    except ValidationError as exc:
        body, errors = exc.valid_data or {}, flat_errors(exc.messages)
    products = {p.code: p for p in db.session.scalars(select(Product).where(Product.active))}
    lines = [(_product(errors, item["code"], f"products[{i}].code", products, additional=False),
              item.get("quantity"), item.get("customer_info"))
             for i, item in enumerate(body.get("products") or []) if "code" in item]
    extra = [(_product(errors, item["code"], f"additional[{i}].code", products, additional=True),
              item.get("quantity"))
             for i, item in enumerate(body.get("additional") or []) if "code" in item]
    image = None
    if body.get("id_card_image"):
        try:
            image = base64.b64decode(body["id_card_image"], validate=True)
        except (binascii.Error, ValueError):
            errors["id_card_image"] = ["Not valid base64."]
    applicant = body.get("applicant") or {}
    kwargs = {"applicant_name": applicant.get("name"), "applicant_email": applicant.get("email"),
              "applicant_phone": applicant.get("phone"), "id_number": applicant.get("id_number"),
              "urgency": Urgency.ONLINE, "products": lines, "additional": extra,
              "client_reference": body.get("client_reference")}
    return kwargs, image, errors


def _answer(sr):
    return {"id": sr.id, "order_no": sr.order_no, "status": sr.status}


class IntakeApi(BaseApi):
    resource_name = "intake"
    class_permission_name = "Intake"
    method_permission_name = {"post": "submit"}
    openapi_spec_tag = "Intake"
    openapi_spec_component_schemas = (IntakeSchema, IntakeAnswerSchema)

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
          parameters:
          - in: header
            name: Idempotency-Key
            schema:
              type: string
            description: The portal's key for this submission (at most 100 characters)
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  $ref: '#/components/schemas/IntakeSchema'
          responses:
            201:
              description: Created
              content:
                application/json:
                  schema:
                    $ref: '#/components/schemas/IntakeAnswerSchema'
            200:
              description: Duplicate; the earlier request
              content:
                application/json:
                  schema:
                    $ref: '#/components/schemas/IntakeAnswerSchema'
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
    datamodel = MomentSQLAInterface(ServiceRequest)
    class_permission_name = "ServiceRequest"
    base_permissions = permissions.ACTIONS
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
    datamodel = MomentSQLAInterface(Product)
    class_permission_name = "Product"
    base_permissions = ["can_read", "can_write"]  # as ProductView: one set per resource
    method_permission_name = {"get_list": "read", "get": "read", "info": "read"}
    include_route_methods = {"get_list", "get", "info"}
    list_columns = show_columns = ["id", "code", "name", "kind", "unit_price", "is_additional",
                                   "active"]
    search_columns = ["code", "name", "kind", "is_additional", "active"]
