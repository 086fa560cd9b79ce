"""The intake API's contract as marshmallow schemas: they check the portal's JSON and
describe it on the Swagger page (/swagger/v1) and in /api/v1/_openapi."""
from email_validator import EmailNotValidError, validate_email
from marshmallow import EXCLUDE, Schema, ValidationError, fields
from marshmallow.validate import Length, Range

MAX_LINES = 50


class Text(fields.String):
    """Text with the spaces around it removed; only spaces counts as missing."""

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs).strip()
        if not value:
            if self.required:
                raise ValidationError(self.error_messages["required"])
            return None
        return value


class EmailAddress(Text):
    """An e-mail address, normalised (the domain in lower case) as the outbox wants it."""

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if value is None:
            return None
        try:
            return validate_email(value, check_deliverability=False).normalized
        except EmailNotValidError as exc:
            raise ValidationError("Not a valid email address.") from exc


class Quantity(fields.Integer):
    """A whole number from 1 to 1000 (not 1.5, "2" or true)."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, load_default=1,
                         validate=Range(1, 1000, error="Must be a whole number from 1 to 1000."),
                         metadata={"description": "1 to 1000", "example": 1}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError("Must be a whole number from 1 to 1000.")
        return super()._deserialize(value, attr, data, **kwargs)


class _Body(Schema):
    class Meta:
        unknown = EXCLUDE  # a newer portal may send more; we read what we know


class ApplicantSchema(_Body):
    name = Text(required=True, validate=Length(max=200), metadata={"example": "Esther Online"})
    email = EmailAddress(required=True, validate=Length(max=254),
                         metadata={"example": "esther@example.org"})
    phone = Text(load_default=None, allow_none=True, validate=Length(max=40))
    id_number = Text(required=True, validate=Length(max=40),
                     metadata={"description": "ID card number", "example": "EO12345"})


class ProductLineSchema(_Body):
    code = fields.String(required=True, metadata={"description": "A product's code "
                                                  "(GET /api/v1/product/)", "example": "HYP-UIT"})
    quantity = Quantity()
    customer_info = Text(load_default=None, allow_none=True, validate=Length(max=5000),
                         metadata={"description": "What the customer tells about this product "
                                   "(parcel, district)"})


class AdditionalLineSchema(_Body):
    code = fields.String(required=True, metadata={"description": "An additional product's code",
                                                  "example": "PRINT-A4"})
    quantity = Quantity()


class IntakeSchema(_Body):
    """A request from the online portal."""

    applicant = fields.Nested(ApplicantSchema, required=True)
    products = fields.List(fields.Nested(ProductLineSchema), required=True,
                           validate=Length(min=1, max=MAX_LINES,
                                           error=f"Give 1 to {MAX_LINES} products."))
    additional = fields.List(fields.Nested(AdditionalLineSchema), load_default=list,
                             allow_none=True,
                             validate=Length(max=MAX_LINES,
                                             error=f"At most {MAX_LINES} additional products."))
    client_reference = Text(load_default=None, allow_none=True, validate=Length(max=100),
                            metadata={"description": "The portal's own order id; a second "
                                      "submission with it answers 200 with the first request"})
    id_card_image = fields.String(load_default=None, allow_none=True,
                                  metadata={"description": "A photo of the ID card, JPEG or PNG, "
                                            "base64"})


class IntakeAnswerSchema(Schema):
    id = fields.Integer(metadata={"example": 42})
    order_no = fields.String(metadata={"example": "2026-000042"})
    status = fields.String(metadata={"example": "received"})


def flat_errors(errors, path=""):
    """marshmallow's nested errors → {"applicant.email": [...], "products[0].code": [...]}."""
    if isinstance(errors, list):
        return {path or "_schema": errors}
    flat = {}
    for key, value in errors.items():
        if key == "_schema":
            sub = path or "_schema"
        elif isinstance(key, int):
            sub = f"{path}[{key}]"
        else:
            sub = f"{path}.{key}" if path else key
        flat.update(flat_errors(value, sub))
    return flat
