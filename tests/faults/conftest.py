"""Fixtures for the fault-report tests. The location with its contractor and stickers
(`place`) and helpers such as make_order are shared (tests/conftest.py, tests/helpers.py)."""
import pytest


@pytest.fixture
def viewer_client(client_for):
    """The read-only role of this business (the service-request Viewer sees no faults)."""
    return client_for("FaultViewer")
