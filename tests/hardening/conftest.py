"""Fixtures of the hardening tests (both domains' set-up is in tests/conftest.py)."""
import pytest


@pytest.fixture(autouse=True)
def _reply_address(reply_address):
    """Service-request mails here, too, have a reply address."""
    return reply_address
