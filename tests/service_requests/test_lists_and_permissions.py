"""The orange list and the blue filter buttons show exactly their rows; each role can
do its own steps and gets 403 for the rest."""
import re

import pytest

from tests.helpers import SRD, csrf_token, load, make_request, submit

ORDER_NO = re.compile(r"\b\d{4}-\d{6}\b")


def rows(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.get_data(as_text=True)
    return set(ORDER_NO.findall(page)), page


BUTTONS = [
    ("/service-requests/list/", "ABCD", "Aanvragen"),
    ("/service-requests/mine/list/", "BC", "Mijn aanvragen"),
    ("/service-requests/urgent/list/", "A", "Spoed"),
    ("/service-requests/kind/mortgage_extract/list/", "AD", "Hypothecaire uittreksels"),
    ("/service-requests/kind/cadastral_extract/list/", "B", "Kadastrale uittreksels"),
    ("/service-requests/kind/survey_map/list/", "C", "Meetbrieven"),
    ("/service-requests/status/received/list/", "A", "Ingekomen"),
    ("/service-requests/status/assigned/list/", "B", "Toegewezen"),
    ("/service-requests/status/delivered/list/", "C", "Afgegeven product"),
    ("/service-requests/status/ready/list/", "D", "Product gereed voor de klant"),
    ("/service-requests/status/documents_needed/list/", "", "Nieuwe documenten nodig"),
    ("/service-requests/status/refund/list/", "", "Restitutie"),
    ("/service-requests/balance-due/list/", "ABCD", "Openstaand saldo"),
]


@pytest.mark.parametrize("url,expected,title", BUTTONS)
def test_each_button_shows_exactly_its_rows(four, client_for, url, expected, title):
    found, page = rows(client_for("Writer"), url)
    assert found == {four[k] for k in expected}
    assert title in page


def test_the_menu_has_the_blue_buttons_in_dutch(four, viewer_client):
    page = viewer_client.get("/service-requests/list/").get_data(as_text=True)
    for label in ("Service Request", "Mijn aanvragen", "Spoed", "Hypothecaire uittreksels",
                  "Afgegeven product", "Nieuwe documenten nodig", "Niet-gekoppelde mail"):
        assert label in page
    assert "Nieuwe aanvraag (balie)" not in page  # the counter's, not the viewer's


def test_search_and_sort(four, viewer_client):
    found, _ = rows(viewer_client, "/service-requests/list/?_flt_2_applicant_name=Bea")
    assert found == {four["B"]}
    found, _ = rows(viewer_client, "/service-requests/list/?_flt_3_id_number=DD444")
    assert found == {four["D"]}
    found, _ = rows(viewer_client, "/service-requests/list/?_flt_2_applicant_email=cor@")
    assert found == {four["C"]}
    found, _ = rows(viewer_client, f"/service-requests/list/?_flt_3_order_no={four['A']}")
    assert found == {four["A"]}
    _, page = rows(viewer_client, "/service-requests/list/?_oc_ServiceRequestView=order_no"
                                  "&_od_ServiceRequestView=desc")
    listed = ORDER_NO.findall(page)
    assert listed == sorted(set(listed), reverse=True)


def test_a_filter_button_cannot_be_escaped_with_url_filters(four, viewer_client):
    found, _ = rows(viewer_client, "/service-requests/urgent/list/?_flt_3_status=ready")
    assert found == set()


def test_urgency_badges(four, viewer_client):
    _, page = rows(viewer_client, f"/service-requests/show/{four['ids']['A']}")
    assert "Spoed" in page and "Bewaarder" in page
    _, page = rows(viewer_client, f"/service-requests/show/{four['ids']['B']}")
    assert ">Normaal<" in page
    _, page = rows(viewer_client, f"/service-requests/show/{four['ids']['D']}")
    assert ">Spoed<" not in page and ">Normaal<" not in page


# (role, method, url template, expected status). {pk}: a request ready for pickup.
MATRIX = [
    ("Viewer", "post", "/service-requests/assign/{pk}", 403),
    ("Viewer", "post", "/service-requests/hand-over/{pk}", 403),
    ("Viewer", "post", "/service-requests/pay/{pk}", 403),
    ("Viewer", "post", "/service-requests/refund/{pk}", 403),
    ("Viewer", "get", "/customerfeedbackview/add?_flt_0_service_request={pk}", 403),
    ("Viewer", "get", "/deliveredproductview/add?_flt_0_service_request={pk}", 403),
    ("Viewer", "get", "/internalcheckview/add?_flt_0_service_request={pk}", 403),
    ("Viewer", "get", "/correctionview/list/", 403),
    ("Viewer", "get", "/service-requests/counter/form", 403),
    ("Viewer", "get", "/productview/add", 403),
    ("Viewer", "get", "/productview/list/", 200),
    # Allowed by the role, but not for this request now (ready, another writer's): the
    # form is not offered, back to the request's page (302).
    ("Writer", "get", "/customerfeedbackview/add?_flt_0_service_request={pk}", 302),
    ("Writer", "get", "/deliveredproductview/add?_flt_0_service_request={pk}", 302),
    ("Writer", "get", "/internalcheckview/add?_flt_0_service_request={pk}", 403),
    ("Writer", "post", "/service-requests/hand-over/{pk}", 403),
    ("Writer", "post", "/service-requests/pay/{pk}", 403),
    ("Writer", "get", "/correctionview/add?_flt_0_service_request={pk}", 403),
    ("PickupDesk", "get", "/internalcheckview/add?_flt_0_service_request={pk}", 302),
    ("PickupDesk", "get", "/customerfeedbackview/add?_flt_0_service_request={pk}", 403),
    ("PickupDesk", "post", "/service-requests/pay/{pk}", 403),
    ("PickupDesk", "post", "/service-requests/assign/{pk}", 403),
    ("Finance", "get", "/correctionview/add?_flt_0_service_request={pk}", 200),
    ("Finance", "get", "/correctionview/list/", 200),
    ("Finance", "post", "/service-requests/hand-over/{pk}", 403),
    ("Finance", "get", "/deliveredproductview/add?_flt_0_service_request={pk}", 403),
    ("Counter", "get", "/service-requests/counter/form", 200),
    ("Counter", "get", "/customerfeedbackview/add?_flt_0_service_request={pk}", 403),
    ("Counter", "post", "/service-requests/refund/{pk}", 403),
    ("Writer", "get", "/service-requests/counter/form", 403),
    ("Admin", "get", "/correctionview/add?_flt_0_service_request={pk}", 200),
    ("Admin", "get", "/service-requests/counter/form", 200),
]


@pytest.mark.parametrize("role,method,url,expected", MATRIX)
def test_permission_matrix(app, four, client_for, role, method, url, expected):
    client = client_for(role)
    url = url.format(pk=four["ids"]["D"])
    if method == "get":
        response = client.get(url)
    else:
        token = csrf_token(client, "/resetmypassword/form")  # any form: the token is per session
        response = client.post(url, data={"csrf_token": token, "handed_over_to": "x",
                                          "id_checked": "y", "amount": "1", "method": "cash"})
    assert response.status_code == expected
    assert load(app, four["ids"]["D"]).status == "ready"  # nothing changed by a refusal


def test_only_finance_and_admin_see_the_correction_tab(four, client_for):
    pk = four["ids"]["D"]
    for role, sees in [("Viewer", False), ("Writer", False), ("PickupDesk", False),
                       ("Counter", False), ("Finance", True), ("Admin", True)]:
        page = client_for(role).get(f"/service-requests/show/{pk}").get_data(as_text=True)
        assert ("Correctie</a>" in page) is sees, role


def test_buttons_only_for_allowed_steps(four, client_for):
    pk = four["ids"]["D"]  # ready: hand over (desk), pay (finance)
    desk = client_for("PickupDesk").get(f"/service-requests/show/{pk}").get_data(as_text=True)
    assert "/service-requests/hand-over/" in desk and "/service-requests/pay/" not in desk
    finance = client_for("Finance").get(f"/service-requests/show/{pk}").get_data(as_text=True)
    assert "/service-requests/pay/" in finance and "/service-requests/hand-over/" not in finance
    assert "/service-requests/refund/" not in finance  # nothing paid yet
    viewer = client_for("Viewer").get(f"/service-requests/show/{pk}").get_data(as_text=True)
    assert "/service-requests/" + "hand-over" not in viewer and "Acties" not in viewer
    assert "/customerfeedbackview/add" not in viewer


def test_a_refused_transition_is_a_message_not_an_error(app, four, client_for):
    writer = client_for("Writer")
    pk = four["ids"]["C"]  # delivered: no feedback any more
    url = f"/customerfeedbackview/add?_flt_0_service_request={pk}"
    page = writer.get(url).get_data(as_text=True)
    assert "Alleen een bericht" in page  # after hand-over only a message can be sent
    response = writer.post(url, data={"text": "Nog iets", "csrf_token": csrf_token(
        writer, "/resetmypassword/form")})  # sent anyway: the workflow's reason
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Dit kan niet zolang de aanvraag de status “Product afgegeven” heeft." in page
    assert "Nog iets" in page  # what was typed is kept
    assert load(app, pk).status == "delivered"


def test_admin_maintains_products_and_the_viewer_reads_them(app, products, admin_client,
                                                            viewer_client):
    response = submit(admin_client, "/productview/add", {
        "code": "GRONDKAART", "name": "Grondkaart", "kind": "survey_map", "unit_price": "12.50",
        "active": "y"}, follow_redirects=True)
    assert response.status_code == 200
    page = viewer_client.get("/productview/list/").get_data(as_text=True)
    assert "Grondkaart" in page and f"{SRD}12,50" in page and "Meetbrief" in page
    assert "/productview/add" not in page


def test_the_list_does_not_query_per_row(app, products, viewer_client):
    from sqlalchemy import event

    for i in range(12):
        make_request(app, name=f"Klant {i}", email=f"k{i}@example.org", writer="writer")
    statements = []
    with app.app_context():
        engine = __import__("app.extensions", fromlist=["db"]).db.engine
        listen = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listen)
        try:
            found, _ = rows(viewer_client, "/service-requests/list/")
        finally:
            event.remove(engine, "before_cursor_execute", listen)
    assert len(found) == 12
    per_request = [s for s in statements if "sr_requested_line" in s or "sr_product" in s]
    assert len(per_request) <= 2, per_request


def test_finance_mistakes_are_messages(app, four, client_for):
    finance = client_for("Finance")
    pk = four["ids"]["C"]  # delivered
    token = csrf_token(finance, f"/service-requests/show/{pk}")

    def press(action, **data):
        page = finance.post(f"/service-requests/{action}/{pk}", data=dict(data, csrf_token=token),
                            follow_redirects=True)
        assert page.status_code in (200, 422)  # done, or refused with the page and a message
        return page.get_data(as_text=True)

    assert "Voor deze aanvraag is niets betaald." in press("refund", amount="5", reason="x")
    assert "Vul het bedrag in als getal, bijv. 12,50." in press("pay", amount="veel", method="cash")
    assert "Vul het bedrag in als getal" in press("pay", amount="NaN", method="cash")
    assert "Kies hoe er is betaald." in press("pay", amount="40", method="goud")
    assert "Betaald" in press("pay", amount="40,00", method="card")
    assert load(app, pk).status == "paid"
    assert "Voor deze aanvraag valt niets meer te betalen." in press("pay", amount="40", method="cash")
    assert "ten hoogste het betaalde bedrag" in press("refund", amount="41", reason="te veel")
    assert "Geef de reden van de restitutie." in press("refund", amount="10", reason=" ")
    assert load(app, pk).status == "paid"


def test_the_counter_corrects_applicant_details_with_optimistic_locking(app, four, client_for):
    counter, other = client_for("Counter"), client_for("Counter")
    pk = four["ids"]["B"]
    assert "Aanvrager wijzigen" in counter.get(f"/service-requests/show/{pk}").get_data(as_text=True)
    stale_token = csrf_token(other, f"/service-requests/edit/{pk}")  # opened by a colleague
    stale_page = other.get(f"/service-requests/edit/{pk}").get_data(as_text=True)
    stale_version = re.search(r'name="expected_version"[^>]*value="(\d+)"', stale_page).group(1)
    data = {"applicant_name": "Bea Bakker", "applicant_email": "bea.b@example.org",
            "applicant_phone": "+597 1", "id_number": "BB222"}
    page = submit(counter, f"/service-requests/edit/{pk}", dict(data, expected_version=stale_version),
                  follow_redirects=True)
    text = page.get_data(as_text=True)
    assert "Bea Bakker" in text and "bea.b@example.org" in text
    page = other.post(f"/service-requests/edit/{pk}", follow_redirects=True, data=dict(
        data, applicant_name="Bea Anders", csrf_token=stale_token, expected_version=stale_version))
    assert "Iemand anders heeft deze aanvraag intussen gewijzigd" in page.get_data(as_text=True)
    assert load(app, pk).applicant_name == "Bea Bakker"
    version = str(load(app, pk).version_id)
    bad = submit(counter, f"/service-requests/edit/{pk}",
                 dict(data, applicant_email="geen-adres", expected_version=version))
    assert load(app, pk).applicant_email == "bea.b@example.org" and bad.status_code == 200
    for role in ("Viewer", "Writer", "Finance"):
        assert client_for(role).get(f"/service-requests/edit/{pk}").status_code == 403


def test_counter_form_mistakes_are_messages_and_store_nothing(app, products, client_for):
    from sqlalchemy import func, select

    from app.extensions import db
    from app.service_requests.models import ServiceRequest

    counter = client_for("Counter")
    with app.app_context():
        product_id = db.session.execute(db.text("select id from sr_product where code='KAD-UIT'")).scalar()
    data = {"urgency": "urgent", "on_behalf_of": "", "applicant_name": "Eva", "id_number": "E1",
            "applicant_email": "eva@example.org", "product": str(product_id), "quantity": "1"}
    page = submit(counter, "/service-requests/counter/form", data).get_data(as_text=True)
    assert "Bij een spoedaanvraag hoort “namens”." in page and 'value="Eva"' in page
    page = submit(counter, "/service-requests/counter/form",
                  dict(data, on_behalf_of="employee", applicant_email="geen")).get_data(as_text=True)
    assert "Eva" in page and "Nieuwe aanvraag (balie)" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(ServiceRequest.id))) == 0
    page = submit(counter, "/service-requests/counter/form", dict(data, urgency="normal"),
                  follow_redirects=True).get_data(as_text=True)
    assert "opgeslagen" in page and ">Normaal<" in page and "Kadastraal uittreksel" in page


def test_each_rows_buttons_open_that_rows_request(four, admin_client):
    _, page = rows(admin_client, "/service-requests/list/")
    for letter, pk in four["ids"].items():
        row = next(r for r in page.split("<tr") if four[letter] in r)
        assert f'href="/service-requests/show/{pk}"' in row, letter
        assert f'href="/service-requests/edit/{pk}"' in row, letter
        assert "__row_pk__" not in row
