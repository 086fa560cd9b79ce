"""The hardening tests use both domains' set-up fixtures."""
from tests.faults.conftest import place  # noqa: F401
from tests.service_requests.conftest import products, reply_address  # noqa: F401
