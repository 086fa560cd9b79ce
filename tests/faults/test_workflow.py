"""The rules of workflow.py, one by one, and numbers that stay unique under
concurrent creation (PostgreSQL)."""
import threading

import pytest
from sqlalchemy import func, select

from app import audit
from app.errors import DomainError
from app.extensions import db
from app.faults import workflow
from app.faults.models import FaultReport, WorkOrder
from app.numbering import NumberSeries, next_value
from tests.helpers import complete, make_order


@pytest.fixture
def order(app, place):
    links = make_order(app, place)
    with app.app_context(), audit.acting_as("contractor", "test"):
        yield db.session.get(WorkOrder, links["order_id"])


def test_state_machine(order):
    with pytest.raises(DomainError, match="niet"):
        workflow.transition(order, "parts_on_order")  # accept first
    with pytest.raises(DomainError):
        complete(order)
    workflow.transition(order, "accept")
    assert order.status == "accepted" and order.accepted_at
    with pytest.raises(DomainError):
        workflow.transition(order, "accept")
    workflow.transition(order, "parts_on_order")
    workflow.transition(order, "accept")  # parts arrived
    workflow.transition(order, "parts_on_order")
    complete(order)  # done in one visit once the parts came
    assert order.status == "completed" and order.completed_at and order.parts_ordered_at
    for action in workflow.TRANSITIONS:
        with pytest.raises(DomainError, match="afgemeld"):
            workflow.transition(order, action)
    with pytest.raises(DomainError, match="afgemeld"):
        workflow.save_fields(order, {"contractor_remarks": "te laat"})


def test_transitions_are_audited_as_the_actor(order):
    workflow.transition(order, "accept")
    db.session.commit()
    entries = db.session.scalars(audit.entries_for("WorkOrder", order.id)).all()
    transition = [e for e in entries if e.action == "transition"]
    assert transition and transition[0].actor_type == "contractor"
    assert (transition[0].old_value, transition[0].new_value) == ("new", "accepted")


def test_rating_only_after_completion_and_once(order):
    rating = {"speed": 5, "communication": 4, "quality": 3, "solved": "yes"}
    with pytest.raises(DomainError, match="zodra de opdracht is afgerond"):
        workflow.rate(order, **rating)
    workflow.transition(order, "accept")
    complete(order)
    for bad in ({"speed": 0}, {"quality": 6}, {"communication": "x"}, {"solved": "misschien"}):
        with pytest.raises(DomainError):
            workflow.rate(order, **{**rating, **bad})
    workflow.rate(order, **rating)
    with pytest.raises(DomainError, match="al beoordeeld"):
        workflow.rate(order, **rating)


def test_complaint_any_time_then_answer_then_close(order):
    complaint = workflow.complain(order, "Nog niemand gebeld")  # status new: allowed
    with pytest.raises(DomainError):
        workflow.complain(order, "   ")
    workflow.respond(complaint, "We bellen vandaag")
    assert complaint.status == "answered" and complaint.responded_at
    workflow.close_complaint(complaint)
    with pytest.raises(DomainError):
        workflow.respond(complaint, "nog iets")
    with pytest.raises(DomainError):
        workflow.close_complaint(complaint)


@pytest.mark.parametrize("form, message", [
    ({"invoice_total": "twee euro"}, "geen geldig bedrag"),
    ({"invoice_total": "-5"}, "geen geldig bedrag"),
    ({"appointment_date": "18/May/2021"}, "geen geldige datum"),
    ({"contractor_reference": "x" * 101}, "te lang"),
])
def test_contractor_fields_are_checked(app, form, message):
    with app.test_request_context(headers={"Accept-Language": "nl"}):
        with pytest.raises(DomainError, match=message):
            workflow.parse_fields(form)


def test_contractor_fields_parse_dutch_and_plain_amounts(app):
    with app.app_context():
        assert str(workflow.parse_fields({"invoice_total": "1.258,17"})["invoice_total"]) == "1258.17"
        assert str(workflow.parse_fields({"invoice_total": "258.17"})["invoice_total"]) == "258.17"
        values = workflow.parse_fields({"warranty": "no", "appointment_date": "2021-05-18"})
        assert values["warranty"] is False and values["appointment_date"].isoformat() == "2021-05-18"


def test_report_without_contractor_is_refused(app, place):
    from app.faults.models import Location
    with app.app_context():
        location = Location(name="Zonder partner", street="x 1", postcode="1", city="y")
        db.session.add(location)
        db.session.flush()
        with pytest.raises(DomainError, match="nog geen onderhoudspartner"):
            workflow.create_report(location=location, placement="hal", description="kapot",
                                   first_name="A", last_name="B", email="a@example.org")


def test_numbers_come_from_the_shared_number_series(app, place):
    make_order(app, place)
    make_order(app, place)
    with app.app_context():
        assert db.session.get(NumberSeries, workflow.REPORT_SERIES).value == 2
        assert db.session.get(NumberSeries, workflow.ORDER_SERIES).value == 2
        assert sorted(db.session.scalars(select(WorkOrder.number))) == ["KH-OC-000001",
                                                                        "KH-OC-000002"]


def test_numbers_are_unique_under_concurrency(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("row locks under concurrency: PostgreSQL only")
    threads, per_thread = 8, 15
    barrier = threading.Barrier(threads)
    results, errors = [], []

    def work():
        try:
            with app.app_context():
                barrier.wait()
                for _ in range(per_thread):
                    results.append(next_value(db.session, workflow.ORDER_SERIES))
                    db.session.commit()
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    assert not errors
    assert sorted(results) == list(range(1, threads * per_thread + 1))
    with app.app_context():
        assert db.session.get(NumberSeries, workflow.ORDER_SERIES).value == threads * per_thread


def test_reports_created_concurrently_get_distinct_numbers(app, place):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("concurrent transactions: PostgreSQL only")
    make_order(app, place)  # the device exists
    threads = 6
    barrier = threading.Barrier(threads)
    errors = []

    def work(n):
        try:
            with app.app_context(), audit.acting_as("reporter", f"r{n}"):
                from app.faults.models import Device
                device = db.session.scalars(select(Device)).first()
                barrier.wait()
                workflow.create_report(device=device, description=f"melding {n}",
                                       first_name="R", last_name=str(n),
                                       email=f"r{n}@example.org")
                db.session.commit()
                db.session.remove()
        except Exception as exc:  # pragma: no cover
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    assert not errors
    with app.app_context():
        numbers = db.session.scalars(select(FaultReport.number)).all()
        orders = db.session.scalars(select(WorkOrder.number)).all()
        assert len(numbers) == len(set(numbers)) == threads + 1
        assert len(orders) == len(set(orders)) == threads + 1
        assert sorted(numbers)[-1] == f"KH-A-{threads + 1:06d}"
        assert db.session.scalar(select(func.count(WorkOrder.id))) == threads + 1


def test_version_column_refuses_a_lost_update(app, place):
    from sqlalchemy.orm.exc import StaleDataError
    links = make_order(app, place)
    with app.app_context(), audit.acting_as("contractor", "tab 1"):
        first = db.session.get(WorkOrder, links["order_id"])
        assert first.version == 1
        with app.app_context(), audit.acting_as("contractor", "tab 2"):
            second = db.session.get(WorkOrder, links["order_id"])
            workflow.transition(second, "accept")
            db.session.commit()
        workflow.save_fields(first, {"contractor_remarks": "oude pagina"})
        with pytest.raises(StaleDataError):
            db.session.commit()
        db.session.rollback()
        assert db.session.get(WorkOrder, links["order_id"]).contractor_remarks is None


def test_a_second_rating_from_a_stale_page_is_refused_by_the_database(app, place):
    """Two ratings at the same moment: both see "not rated yet"; the unique key on
    the work order refuses the second one, and only the first is kept."""
    from sqlalchemy.exc import IntegrityError

    from app.faults.models import Rating
    links = make_order(app, place)
    with app.app_context(), audit.acting_as("contractor", "test"):
        order = db.session.get(WorkOrder, links["order_id"])
        workflow.transition(order, "accept")
        complete(order)
        db.session.commit()
    with app.app_context(), audit.acting_as("reporter", "tab 1"):
        first = db.session.get(WorkOrder, links["order_id"])
        assert first.rating is None  # this request has checked: not rated yet
        with app.app_context(), audit.acting_as("reporter", "tab 2"):
            second = db.session.get(WorkOrder, links["order_id"])
            workflow.rate(second, speed=5, communication=5, quality=5, solved="yes")
            db.session.commit()
        with pytest.raises(IntegrityError):
            workflow.rate(first, speed=1, communication=1, quality=1, solved="no")
        db.session.rollback()
        assert [r.speed for r in db.session.scalars(select(Rating))] == [5]


def test_two_rating_posts_at_the_same_moment(app, place):
    """Two POSTs of the rating form at once (double tap, two tabs): one is thanked,
    the other told it was already rated; one rating is stored; nothing fails."""
    from app.faults.models import Rating
    from tests.helpers import csrf_token
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("concurrent transactions: PostgreSQL only")
    links = make_order(app, place)
    with app.app_context(), audit.acting_as("contractor", "test"):
        order = db.session.get(WorkOrder, links["order_id"])
        workflow.transition(order, "accept")
        complete(order)
        db.session.commit()
    clients = [app.test_client() for _ in range(2)]
    tokens = [csrf_token(c, links["r"]) for c in clients]
    barrier = threading.Barrier(2)
    responses, errors = [], []

    def post(client, token, score):
        try:
            barrier.wait()
            responses.append(client.post(links["r"] + "/rating", data={
                "csrf_token": token, "speed": score, "communication": score,
                "quality": score, "solved": "yes"}))
        except Exception as exc:  # pragma: no cover
            errors.append(exc)

    workers = [threading.Thread(target=post, args=(c, t, s))
               for c, t, s in zip(clients, tokens, ("4", "2"), strict=False)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    assert not errors
    assert sorted(r.status_code for r in responses) == [302, 400]
    [refused] = [r for r in responses if r.status_code == 400]
    assert "U heeft deze melding al beoordeeld." in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Rating.id))) == 1


def test_a_line_break_in_a_location_name_does_not_break_the_order_mail(app, place):
    from app.faults.models import Location
    from app.mail.models import OutboxMessage
    with app.app_context():
        db.session.get(Location, place["location_id"]).name = "Demo\r\nBcc: x@example.org"
        db.session.commit()
    make_order(app, place)
    with app.app_context():
        subjects = db.session.scalars(select(OutboxMessage.subject)).all()
        assert "Nieuwe opdracht KH-OC-000001 — Demo Bcc: x@example.org" in subjects
