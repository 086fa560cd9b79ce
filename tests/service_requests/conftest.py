"""Fixtures for the service-request tests: the reply address on, four requests in
different states. Products and helpers such as make_request are shared
(tests/conftest.py, tests/helpers.py)."""
import pytest

from tests.helpers import load, make_request


@pytest.fixture(autouse=True)
def _reply_address(reply_address):
    """Every service-request mail has a reply address."""
    return reply_address


@pytest.fixture
def four(app, products):
    """A: urgent mortgage extract, new; B: normal cadastral extract, assigned to the writer;
    C: online survey map, handed over, the writer's; D: online mortgage extract, ready, admin's."""
    a = make_request(app, "HYP-UIT", urgency="urgent", on_behalf_of="registrar", name="Arie A",
                     email="arie@example.org", id_number="AA111")
    b = make_request(app, "KAD-UIT", urgency="normal", name="Bea B", email="bea@example.org",
                     id_number="BB222", status="assigned", writer="writer")
    c = make_request(app, "MEETBRIEF", name="Cor C", email="cor@example.org", id_number="CC333",
                     status="delivered", writer="writer")
    d = make_request(app, "HYP-UIT", name="Dina D", email="dina@example.org", id_number="DD444",
                     status="ready", writer="admin")
    return {k: load(app, pk).order_no for k, pk in zip("ABCD", (a, b, c, d), strict=False)} | {
        "ids": dict(zip("ABCD", (a, b, c, d), strict=False))}
