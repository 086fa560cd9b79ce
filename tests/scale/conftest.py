"""The scale proof runs where PostgreSQL (TEST_DATABASE_URL) and Redis (TEST_REDIS_URL,
else redis://127.0.0.1:6379/2 when it answers) are there; elsewhere it is skipped."""
import os

import pytest

from app.extensions import db
from app.faults.models import Contractor, Location
from app.service_requests.models import Product
from tests.service_requests.conftest import PRODUCTS


def _redis_url():
    url = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/2"
    try:
        import redis

        redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1).ping()
    except Exception:  # not there: the proof is skipped, with the reason
        return None
    return url


@pytest.fixture(scope="session")
def scale_backends():
    database = os.environ.get("TEST_DATABASE_URL", "")
    if not database.startswith(("postgresql", "postgres:")):
        pytest.skip("the scale proof needs PostgreSQL (TEST_DATABASE_URL)")
    redis_url = _redis_url()
    if redis_url is None:
        pytest.skip("the scale proof needs Redis (TEST_REDIS_URL or redis://127.0.0.1:6379/2)")
    return database, redis_url


@pytest.fixture
def catalog(app):
    """What the public form and the portal need: a location with its contractor, and
    the products of the online intake."""
    from decimal import Decimal

    with app.app_context():
        contractor = Contractor(name="Schaal Contractpartner", email="partner@example.org",
                                phone="020-1234567", contact_person="Jan")
        location = Location(name="Schaal locatie", street="Laan 1", postcode="1183 AS",
                            city="Amstelveen", default_contractor=contractor)
        db.session.add_all([contractor, location])
        for code, name, kind, price, additional in PRODUCTS:
            db.session.add(Product(code=code, name=name, kind=kind, unit_price=Decimal(price),
                                   is_additional=additional))
        db.session.commit()
        return {"location_id": location.id}
