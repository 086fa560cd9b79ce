"""A work order prints from the back office as the A4 PDF the contractor receives."""
from tests.helpers import make_order


def test_a_work_order_prints_from_the_back_office(app, place, client_for):
    ids = make_order(app, place, photo=False)
    client = client_for("FacilityManager")
    show = client.get(f"/workorderview/show/{ids['order_id']}").get_data(as_text=True)
    assert f"/workorderview/print/{ids['order_id']}" in show
    response = client.get(f"/workorderview/print/{ids['order_id']}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert client_for("RoleManager").get(f"/workorderview/print/{ids['order_id']}") \
        .status_code == 403
