"""POST /api/v1/intake/ for the online portal (JWT, role Portal), and the read APIs."""
import base64
import io

import pytest
from PIL import Image

from app.extensions import db
from app.service_requests.models import AdditionalProductLine, RequestedProductLine, ServiceRequest
from tests.helpers import PASSWORD, row_count


def token_for(client, username):
    response = client.post("/api/v1/security/login", json={
        "username": username, "password": PASSWORD, "provider": "db", "refresh": False})
    assert response.status_code == 200, response.get_data(as_text=True)
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def body(**changes):
    data = {
        "applicant": {"name": "Esther Online", "email": "esther@example.org",
                      "phone": "+597 777", "id_number": "EO12345"},
        "products": [{"code": "HYP-UIT", "quantity": 2, "customer_info": "Perceel 7, Commewijne"}],
        "additional": [{"code": "PRINT-A4", "quantity": 4}],
    }
    data.update(changes)
    return data


def test_a_good_submission(app, products, client):
    image = io.BytesIO()
    Image.new("RGB", (80, 50), "blue").save(image, "JPEG")
    response = client.post("/api/v1/intake/", headers=token_for(client, "portal"),
                           json=body(id_card_image=base64.b64encode(image.getvalue()).decode()))
    assert response.status_code == 201, response.get_data(as_text=True)
    answer = response.get_json()
    assert answer["status"] == "received" and answer["order_no"].count("-") == 1
    with app.app_context():
        sr = db.session.get(ServiceRequest, answer["id"])
        assert sr.order_no == answer["order_no"] and sr.urgency == "online"
        assert sr.urgency_label == ""  # online: no badge
        assert [(line.product.code, line.quantity, str(line.unit_price), line.customer_info)
                for line in sr.requested_lines] == [("HYP-UIT", 2, "25.00", "Perceel 7, Commewijne")]
        assert [(line.product.code, line.quantity) for line in sr.additional_lines] == [("PRINT-A4", 4)]
        assert str(sr.total) == "56.00"
        assert sr.id_card_file is not None and sr.id_card_file.is_image


@pytest.mark.parametrize("changes,field", [
    ({"applicant": {"name": "X", "email": "not-an-address", "id_number": "1"}}, "applicant.email"),
    ({"applicant": {"email": "x@example.org", "id_number": "1"}}, "applicant.name"),
    ({"products": []}, "products"),
    ({"products": [{"code": "HYP-UIT", "quantity": 0}]}, "products[0].quantity"),
    ({"products": [{"code": "NOPE", "quantity": 1}]}, "products[0].code"),
    ({"products": [{"code": "PRINT-A4", "quantity": 1}]}, "products[0].code"),
    ({"additional": [{"code": "HYP-UIT", "quantity": 1}]}, "additional[0].code"),
    ({"id_card_image": "%%% not base64"}, "id_card_image"),
    ({"products": [{"code": "HYP-UIT", "quantity": 1}] * 51}, "products"),
    ({"applicant": "Esther"}, "applicant"),
])
def test_invalid_input_is_400_with_a_message_per_field(app, products, client, changes, field):
    response = client.post("/api/v1/intake/", headers=token_for(client, "portal"),
                           json=body(**changes))
    assert response.status_code == 400
    assert field in response.get_json()["message"], response.get_json()
    assert row_count(app, ServiceRequest) == 0 and row_count(app, RequestedProductLine) == 0


def test_several_errors_at_once_and_nothing_half_stored(app, products, client):
    response = client.post("/api/v1/intake/", headers=token_for(client, "portal"), json=body(
        applicant={"name": "", "email": "x"}, additional=[{"code": "ZZZ", "quantity": 1}]))
    message = response.get_json()["message"]
    assert response.status_code == 400
    assert {"applicant.name", "applicant.email", "applicant.id_number",
            "additional[0].code"} <= set(message)
    assert row_count(app, ServiceRequest) == 0 and row_count(app, AdditionalProductLine) == 0


def test_an_id_card_that_is_not_a_photo_stores_nothing(app, products, client):
    response = client.post("/api/v1/intake/", headers=token_for(client, "portal"),
                           json=body(id_card_image=base64.b64encode(b"hello").decode()))
    assert response.status_code == 400 and "id_card_image" in response.get_json()["message"]
    assert row_count(app, ServiceRequest) == 0


def test_a_duplicate_submission_is_recognised(app, products, client):
    headers = dict(token_for(client, "portal"), **{"Idempotency-Key": "portal-order-881"})
    first = client.post("/api/v1/intake/", headers=headers, json=body())
    again = client.post("/api/v1/intake/", headers=headers, json=body())
    assert first.status_code == 201 and again.status_code == 200
    assert again.get_json() == first.get_json()
    by_reference = client.post("/api/v1/intake/", headers=token_for(client, "portal"),
                               json=body(client_reference="portal-order-881"))
    assert by_reference.status_code == 200 and by_reference.get_json()["id"] == first.get_json()["id"]
    other = client.post("/api/v1/intake/", headers=token_for(client, "portal"),
                        json=body(client_reference="portal-order-882"))
    assert other.status_code == 201 and other.get_json()["order_no"] != first.get_json()["order_no"]
    assert row_count(app, ServiceRequest) == 2


def test_only_the_portal_may_submit(app, products, client):
    assert client.post("/api/v1/intake/", json=body()).status_code == 401
    response = client.post("/api/v1/intake/", headers=token_for(client, "viewer"), json=body())
    assert response.status_code == 403
    assert row_count(app, ServiceRequest) == 0


def test_the_audit_names_the_portal(app, products, client, admin_client):
    answer = client.post("/api/v1/intake/", headers=token_for(client, "portal"), json=body()).get_json()
    page = admin_client.get(f"/service-requests/show/{answer['id']}").get_data(as_text=True)
    assert "portal (Portaal)" in page.split('id="AuditTab"')[1]


def test_read_apis_for_the_viewer(app, products, client):
    client.post("/api/v1/intake/", headers=token_for(client, "portal"), json=body())
    viewer = token_for(client, "viewer")
    listing = client.get("/api/v1/servicerequest/", headers=viewer)
    assert listing.status_code == 200, listing.get_data(as_text=True)
    assert [r["applicant_name"] for r in listing.get_json()["result"]] == ["Esther Online"]
    products_ = client.get("/api/v1/product/", headers=viewer).get_json()["result"]
    assert {p["code"] for p in products_} == {"HYP-UIT", "KAD-UIT", "MEETBRIEF", "PRINT-A4"}
    # Read only: no writes exist on these resources, and the portal cannot read requests.
    assert client.post("/api/v1/servicerequest/", headers=viewer, json={}).status_code == 405
    assert client.get("/api/v1/servicerequest/", headers=token_for(client, "portal")).status_code == 403


def test_the_swagger_page_shows_the_intake_contract(app, client):
    """The OpenAPI document behind /swagger/v1 describes the intake body and answer, and
    every REST API's request bodies."""
    spec = client.get("/api/v1/_openapi", headers=token_for(client, "admin"))
    assert spec.status_code == 200
    spec = spec.get_json()
    intake = spec["paths"]["/api/v1/intake/"]["post"]
    assert intake["requestBody"]["content"]["application/json"]["schema"]["$ref"] == \
        "#/components/schemas/IntakeSchema"
    assert intake["responses"]["201"]["content"]["application/json"]["schema"]["$ref"] == \
        "#/components/schemas/IntakeAnswerSchema"
    schemas = spec["components"]["schemas"]
    body = schemas["IntakeSchema"]
    assert set(body["required"]) == {"applicant", "products"}
    assert {"applicant", "products", "additional", "client_reference",
            "id_card_image"} <= set(body["properties"])
    applicant = schemas["Applicant"] if "Applicant" in schemas else schemas["ApplicantSchema"]
    assert set(applicant["required"]) == {"name", "email", "id_number"}
    # the writable REST APIs (faults) describe their bodies too
    for path, ref in (("/api/v1/location/", "Location"), ("/api/v1/contractor/", "Contractor")):
        post = spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        assert ref in post["schema"]["$ref"], path
