"""The manuals' button bar above every list (R-SR-1), "Mijn aanvragen"
for a second writer, every change URL refused to the Viewer, Correctie only for Finance
(also by URL), and refused POSTs on the tabs."""
import re

import pytest
from sqlalchemy import delete, func, select

from app import audit
from app.audit import AuditEntry
from app.extensions import db
from app.service_requests import workflow
from app.service_requests.models import Correction, ServiceRequest
from tests.helpers import PASSWORD, SRD, csrf_token, domain_tables, load, log_in, make_request
from tests.service_requests.test_lists_and_permissions import BUTTONS, ORDER_NO, rows


@pytest.fixture
def extra_user(app):
    """extra_user(username, role_name, permissions=None) → a logged-in client. A role that
    does not exist is made with exactly `permissions` [(action, resource)]. All removed after."""
    made_users, made_roles = [], []

    def make(username, role_name, permissions=None):
        with app.app_context():
            sm = app.appbuilder.sm
            role = sm.find_role(role_name)
            if role is None:
                role = sm.add_role(role_name)
                for action, resource in permissions or []:
                    sm.add_permission_role(role, sm.find_permission_view_menu(action, resource))
                made_roles.append(role_name)
            sm.add_user(username, username.title(), "Test", f"{username}@example.org", role,
                        PASSWORD)
            db.session.commit()
            made_users.append(username)
        return log_in(app.test_client(), app, username)

    yield make
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:  # rows pointing at the users go first
            for table in domain_tables():
                conn.execute(delete(table))
        sm = app.appbuilder.sm
        for username in made_users:
            db.session.delete(sm.find_user(username=username))
        db.session.commit()
        for name in made_roles:
            role = sm.find_role(name)
            role.permissions = []
            db.session.delete(role)
        db.session.commit()


ALL_BUTTONS = 5 + 3 + 12  # Service Request, Mine, Urgent, Overdue, Balance due; 3 kinds; 12 statuses


def bar(page):
    """The button bar above the list: [(css classes, href, label)]."""
    nav = re.search(r'<nav class="btn-toolbar sr-list-buttons".*?</nav>', page, re.S)
    assert nav, "no button bar"
    return [(cls, href, label.strip()) for cls, href, label in
            re.findall(r'<a class="([^"]+)" href="([^"]+)"[^>]*>([^<]+)</a>', nav.group(0))]


# ---- The manuals' buttons above every list ----

@pytest.mark.parametrize("url,expected,title", BUTTONS)
def test_every_list_has_the_button_bar_with_its_own_button_active(four, viewer_client, url,
                                                                  expected, title):
    page = viewer_client.get(url).get_data(as_text=True)
    buttons = bar(page)
    assert len(buttons) == ALL_BUTTONS  # the viewer may open every list
    first_cls, first_href, first_label = buttons[0]
    assert first_label == "Service Request" and "btn-warning" in first_cls
    assert first_href == "/service-requests/list/"
    assert all("btn-primary" in cls for cls, _, _ in buttons[1:])
    [active] = [(href, label) for cls, href, label in buttons if "active" in cls.split()]
    assert active[0] == url
    labels = [label for _, _, label in buttons]
    for _, _, dutch in BUTTONS[1:]:
        assert dutch in labels
    assert "Afgegeven product" in labels and "Hypothecaire uittreksels" in labels


def test_the_bar_shows_only_the_lists_a_role_may_open(four, extra_user, viewer_client):
    """A role with the list permission but only two menu entries gets two buttons; the
    viewer, asked right after, still gets all of them (nothing cached across users)."""
    probe = extra_user("srprobe", "SrListProbe", [
        ("can_read", "ServiceRequest"), ("menu_access", "Service requests"),
        ("menu_access", "Service Request"), ("menu_access", "Urgent requests")])
    buttons = bar(probe.get("/service-requests/urgent/list/").get_data(as_text=True))
    assert [(label, href) for _, href, label in buttons] == [
        ("Service Request", "/service-requests/list/"), ("Spoed", "/service-requests/urgent/list/")]
    assert "active" in buttons[1][0] and "active" not in buttons[0][0]
    assert len(bar(viewer_client.get("/service-requests/urgent/list/").get_data(as_text=True))) \
        == ALL_BUTTONS
    buttons = bar(probe.get("/service-requests/list/").get_data(as_text=True))
    assert len(buttons) == 2 and "active" in buttons[0][0]


def test_a_writer_sees_the_bar_with_mijn_aanvragen_active(four, client_for):
    buttons = bar(client_for("Writer").get("/service-requests/mine/list/").get_data(as_text=True))
    [active] = [label for cls, _, label in buttons if "active" in cls.split()]
    assert active == "Mijn aanvragen" and buttons[0][2] == "Service Request"


# status → (the button's title, the status as the list shows it), in the manuals' words.
DUTCH = {
    "received": ("Ingekomen", "Ingekomen"), "assigned": ("Toegewezen", "Toegewezen"),
    "documents_needed": ("Nieuwe documenten nodig", "Nieuwe documenten nodig"),
    "documents_received": ("Nieuwe documenten ontvangen", "Nieuwe documenten ontvangen"),
    "in_preparation": ("Product aan het opmaken", "Product aan het opmaken"),
    "prepared": ("Product opgemaakt", "Product opgemaakt"),
    "correction_needed": ("Correctie nodig van de uitschrijver",
                          "Correctie nodig van de uitschrijver"),
    "ready": ("Product gereed voor de klant", "Product gereed voor de klant"),
    "delivered": ("Afgegeven product", "Product afgegeven"),
    "paid": ("Betaald", "Betaald"), "refund": ("Restitutie", "Restitutie"),
    "cancelled": ("Geannuleerd", "Geannuleerd"),
}


def test_every_status_button_shows_exactly_its_rows(app, products, viewer_client):
    """One request in each status; each status list shows that one only, in Dutch."""
    from app.service_requests.views import STATUS_VIEWS  # after the app (mappers) exists

    made = {status: make_request(app, name=f"Klant {i}", email=f"k{i}@example.org",
                                 status=status)
            for i, (status, _view, _title) in enumerate(STATUS_VIEWS)}
    assert len(made) == 12
    numbers = {status: load(app, pk).order_no for status, pk in made.items()}
    assert set(DUTCH) == set(made)
    for status, (button, label) in DUTCH.items():
        found, page = rows(viewer_client, f"/service-requests/status/{status}/list/")
        assert found == {numbers[status]}, status
        assert f"<h2>{button}</h2>" in page or button in page.split("<table")[0], button
        assert label in page.split("<table")[-1], label  # the status column


# ---- Mijn aanvragen for a second writer ----

def test_my_requests_for_each_writer_exactly_their_own(app, products, extra_user, client_for):
    second = extra_user("writer2", "Writer")
    mine = make_request(app, name="Voor Writer", email="w1@example.org", status="assigned",
                        writer="writer")
    theirs = [make_request(app, name=f"Voor Writer2 {i}", email=f"w2{i}@example.org",
                           status="assigned", writer="writer2") for i in range(2)]
    nobody = make_request(app, name="Niemand", email="n@example.org")
    numbers = {pk: load(app, pk).order_no for pk in [mine, nobody, *theirs]}
    found, page = rows(second, "/service-requests/mine/list/")
    assert found == {numbers[pk] for pk in theirs} and "Mijn aanvragen" in page
    found, _ = rows(client_for("Writer"), "/service-requests/mine/list/")
    assert found == {numbers[mine]}
    found, _ = rows(client_for("Viewer"), "/service-requests/mine/list/")
    assert found == set()
    # The built-in filter cannot be widened from the URL.
    found, _ = rows(second, "/service-requests/mine/list/?_flt_2_applicant_name=Voor")
    assert found == {numbers[pk] for pk in theirs}


def test_search_and_sort_by_applicant_email_and_id_number(four, viewer_client):
    # A..D were made in this order, with names, e-mails and ID numbers A < B < C < D.
    for column in ("order_no", "applicant_name", "applicant_email", "id_number"):
        for direction, keys in (("asc", "ABCD"), ("desc", "DCBA")):
            _, page = rows(viewer_client, f"/service-requests/list/?_oc_ServiceRequestView="
                                          f"{column}&_od_ServiceRequestView={direction}")
            assert ORDER_NO.findall(page) == [four[k] for k in keys], (column, direction)
    found, _ = rows(viewer_client, "/service-requests/urgent/list/?_flt_2_applicant_email=arie")
    assert found == {four["A"]}
    found, _ = rows(viewer_client, "/service-requests/kind/mortgage_extract/list/"
                                   "?_flt_3_id_number=DD444")
    assert found == {four["D"]}


# ---- The Viewer changes nothing, by any URL ----

def _sr_views(app):
    """The names of this domain's screens (the JSON APIs answer 401/403 in their own tests)."""
    return {type(v).__name__ for v in app.appbuilder.baseviews
            if type(v).__module__.startswith("app.service_requests")
            and not type(v).__name__.endswith("Api")}


def _change_rules(app):
    """Every URL of this domain's screens that is not a plain list or detail page (or the
    list's export, the print view and a payment's receipt, which only read)."""
    views = _sr_views(app)
    for rule in app.url_map.iter_rules():
        view, _, method = rule.endpoint.partition(".")
        if view in views and method not in ("list", "show", "export", "print_pdf", "receipt"):
            yield rule


def test_the_viewer_gets_403_on_every_change_url(app, four, viewer_client):
    pk = four["ids"]["D"]
    with app.app_context():
        product_id = db.session.execute(db.text("select min(id) from sr_product")).scalar()
        before = db.session.scalar(select(func.count(AuditEntry.id)))
    token = csrf_token(viewer_client, "/resetmypassword/form")
    tried = set()
    for rule in _change_rules(app):
        url = re.sub(r"<(?:int:)?pk>", str(product_id if "productview" in rule.rule else pk),
                     rule.rule)
        url += f"?_flt_0_service_request={pk}" if rule.endpoint.endswith(".add") else ""
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method == "GET":
                response = viewer_client.get(url)
            else:
                response = viewer_client.post(url, data={
                    "csrf_token": token, "text": "x", "writer_id": "1", "amount": "1",
                    "method": "cash", "reason": "x", "handed_over_to": "x", "id_checked": "y",
                    "applicant_name": "Veranderd", "code": "X", "name": "X", "kind": "print",
                    "unit_price": "1", "result": "ok", "urgency": "normal", "service_request": pk})
            assert response.status_code == 403, (method, url, response.status_code)
            tried.add(rule.endpoint)
    # Every step, tab form, edit page, counter form, unmatched-mail attach and product form.
    assert {"ServiceRequestView.edit", "ServiceRequestView.assign_writer",
            "ServiceRequestView.hand_over", "ServiceRequestView.pay", "ServiceRequestView.refund",
            "CustomerFeedbackView.add", "DeliveredProductView.add", "InternalCheckView.add",
            "ApplicantFeedbackView.add", "CorrectionView.add", "ProductView.add",
            "ProductView.edit", "CounterRequestView.this_form_post",
            "UnmatchedMailView.attach"} <= tried
    assert load(app, pk).status == "ready" and load(app, pk).applicant_name == "Dina D"
    # No screen of this domain has a delete route at all (history is kept).
    views = _sr_views(app)
    assert len(views) >= 20  # the lists, the tabs, counter, unmatched mail, products
    assert not [r.rule for r in app.url_map.iter_rules()
                if r.endpoint.partition(".")[0] in views and "delete" in r.endpoint]
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEntry.id))) == before
    # And no links to them on the detail page or the lists.
    page = viewer_client.get(f"/service-requests/show/{pk}").get_data(as_text=True)
    for fragment in ("/add?", "/edit/", "/service-requests/assign/", "/service-requests/hand-over/",
                     "/service-requests/pay/", "/service-requests/refund/"):
        assert fragment not in page, fragment


# ---- Correctie: Finance and Admin only, also by URL ----

def test_correctie_by_url_only_for_finance_and_admin(app, four, client_for):
    pk = four["ids"]["D"]
    with app.app_context(), audit.acting_as("system", "test set-up"):
        sr = db.session.get(ServiceRequest, pk)
        workflow.correct(sr, "Prijs aangepast door de balie", amount_adjustment="-5")
        db.session.commit()
        correction_id = db.session.scalar(select(Correction.id))
    urls = ["/correctionview/list/", f"/correctionview/show/{correction_id}",
            f"/correctionview/add?_flt_0_service_request={pk}"]
    for role in ("Viewer", "Writer", "PickupDesk", "Counter"):
        client = client_for(role)
        for url in urls:
            assert client.get(url).status_code == 403, (role, url)
        token = csrf_token(client, "/resetmypassword/form")
        response = client.post(urls[2], data={"csrf_token": token, "reason": "x",
                                              "amount_adjustment": "-100"})
        assert response.status_code == 403, role
        page = client.get(f"/service-requests/show/{pk}").get_data(as_text=True)
        # No tab, no link; the Audit tab (everyone's) does record that a correction was made.
        before_audit = page.split('id="AuditTab"')[0]
        assert "Prijs aangepast door de balie" not in before_audit
        assert "/correctionview/" not in page and "Correctie</a>" not in page
    for role in ("Finance", "Admin"):
        client = client_for(role)
        assert "Prijs aangepast door de balie" in client.get(urls[1]).get_data(as_text=True)
        page = client.get(f"/service-requests/show/{pk}").get_data(as_text=True)
        assert "Correctie</a>" in page and "Prijs aangepast door de balie" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Correction.id))) == 1


# ---- A step another role may not take: 403 on the POST, not only a hidden button ----

@pytest.mark.parametrize("role,tab,data", [
    ("Writer", "internalcheckview", {"result": "ok", "remarks": "goed"}),
    ("PickupDesk", "customerfeedbackview", {"text": "Stuur meer"}),
    ("PickupDesk", "deliveredproductview", {"remarks": "x"}),
    ("Finance", "internalcheckview", {"result": "ok"}),
    ("Counter", "applicantfeedbackview", {"text": "Fout"}),
    ("Writer", "applicantfeedbackview", {"text": "Fout"}),
])
def test_a_tab_post_by_the_wrong_role_is_403(app, four, client_for, role, tab, data):
    pk = four["ids"]["D"]
    client = client_for(role)
    token = csrf_token(client, "/resetmypassword/form")
    response = client.post(f"/{tab}/add?_flt_0_service_request={pk}",
                           data=dict(data, csrf_token=token))
    assert response.status_code == 403
    assert load(app, pk).status == "ready"


# ---- The price at order time; totals from the lines ----

def test_a_later_price_change_does_not_touch_an_existing_request(app, products, admin_client,
                                                                  viewer_client):
    from decimal import Decimal

    from app.service_requests.models import Product
    pk = make_request(app, "HYP-UIT", quantity=2, extra_pages=3)
    with app.app_context():
        product = db.session.query(Product).filter_by(code="HYP-UIT").one()
        product.unit_price = Decimal("99.00")
        db.session.commit()
    page = viewer_client.get(f"/service-requests/show/{pk}").get_data(as_text=True)
    # 2 × SRD 25,00 = SRD 50,00; print A4 3 × SRD 1,50 = SRD 4,50; together SRD 54,50.
    for text in (f"{SRD}25,00", f"{SRD}50,00", f"{SRD}4,50", f"{SRD}54,50"):
        assert text in page, text
    assert f"{SRD}99,00" not in page and f"{SRD}198,00" not in page
    newer = make_request(app, "HYP-UIT", quantity=1, name="Later", email="later@example.org")
    assert f"{SRD}99,00" in viewer_client.get(f"/service-requests/show/{newer}").get_data(as_text=True)
