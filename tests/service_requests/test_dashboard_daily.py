"""The dashboards read per-day counts for the closed days (written by the nightly job or
`flask dashboard rebuild`) and ask the records only for today: the same figures as
counting the records, without reading months of them at a million requests."""
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from app import audit
from app.dashboard.daily import DailyCount, built_until
from app.database import utcnow
from app.extensions import db
from app.jobs import run_due
from app.service_requests.models import Payment, ServiceRequest
from tests.helpers import make_request

from .test_dashboard import _figures


def _delivered(app, pk, days_ago, received_days_before=4, paid="25.00"):
    with app.app_context(), audit.acting_as("system", "test"):
        sr = db.session.get(ServiceRequest, pk)
        sr.handed_over_at = utcnow() - timedelta(days=days_ago)
        sr.received_at = sr.handed_over_at - timedelta(days=received_days_before)
        sr.status = "delivered"
        db.session.add(Payment(service_request=sr, amount=Decimal(paid), method="cash",
                               paid_at=sr.handed_over_at))
        db.session.commit()


WEEKLY = "Ontvangen en afgegeven per week"
TURNAROUND = "Doorlooptijd in dagen (afgegeven in de laatste 90 dagen)"
MONEY = "Ontvangen geld per dag (laatste 30 dagen)"


def _shown(client):
    figures = _figures(client.get("/dashboard/service-requests").get_data(as_text=True))
    return {title: figures[title]["series"] for title in (WEEKLY, TURNAROUND, MONEY)}


def test_the_nightly_counts_give_the_same_figures_and_today_is_counted_live(app, products,
                                                                            client_for):
    for n, days_ago in enumerate((3, 10, 20, 40)):
        _delivered(app, make_request(app, name=f"Klant {n}", email=f"k{n}@example.org"),
                   days_ago, received_days_before=n + 2)
    client = client_for("Viewer")
    counted_from_records = _shown(client)

    with app.app_context():
        run_due(force=True, only="dashboard.daily_counts")
        assert built_until(db.session, "service_requests") is not None
        rows = db.session.scalar(select(func.count()).select_from(DailyCount))
    assert rows > 4  # received, delivered, paid and turnaround per closed day
    assert _shown(client) == counted_from_records

    # today's work is in the figures at once, before the next night
    _delivered(app, make_request(app, name="Vandaag", email="v@example.org"), 0, paid="7.50")
    money = _shown(client)[MONEY][0]["values"]
    assert money[-1] == 7.5 and sum(money) == 25 * 3 + 7.5


def test_a_closed_day_is_read_from_the_counts_not_from_the_records(app, products, client_for):
    """What the dashboard shows for a day before the mark is what the table holds."""
    _delivered(app, make_request(app), 5)
    client = client_for("Viewer")
    app.test_cli_runner().invoke(args=["dashboard", "rebuild"])
    with app.app_context():
        row = db.session.scalars(select(DailyCount).where(
            DailyCount.domain == "service_requests", DailyCount.measure == "paid")).one()
        row.total = Decimal("99.00")  # the table, not the payment, is read
        db.session.commit()
    assert sum(_shown(client)[MONEY][0]["values"]) == 99.0
