"""The one unit of work: saved and told, or rolled back and told why."""
import pytest
from flask import get_flashed_messages

from app.errors import DomainError
from app.extensions import db
from app.numbering import NumberSeries
from app.unit_of_work import unit_of_work


def _names(app):
    with app.app_context():
        return sorted(n for (n,) in db.session.query(NumberSeries.name))


def test_success_commits_and_flashes_done(app):
    with app.test_request_context():
        with unit_of_work(done="Opgeslagen.") as work:
            db.session.add(NumberSeries(name="a", value=1))
        assert not work.failed
        assert get_flashed_messages(with_categories=True) == [("success", "Opgeslagen.")]
    assert _names(app) == ["a"]


def test_a_domain_error_rolls_back_and_flashes_its_message(app):
    with app.test_request_context():
        with unit_of_work(done="Opgeslagen.") as work:
            db.session.add(NumberSeries(name="b", value=1))
            db.session.flush()
            raise DomainError("Dat mag niet.")
        assert work.failed and work.message == "Dat mag niet."
        assert get_flashed_messages(with_categories=True) == [("danger", "Dat mag niet.")]
    assert _names(app) == []


def test_inline_pages_keep_the_message_and_the_api_gets_it_raised(app):
    with app.test_request_context():
        with unit_of_work(flash_error=False) as work:
            raise DomainError("Dat mag niet.")
        assert work.message == "Dat mag niet." and get_flashed_messages() == []
        with pytest.raises(DomainError, match="Dat mag niet"), unit_of_work(reraise=True):
            raise DomainError("Dat mag niet.")


def test_a_unique_key_taken_meanwhile_becomes_the_conflict_message(app):
    with app.app_context():
        db.session.add(NumberSeries(name="c", value=1))
        db.session.commit()
    with app.test_request_context():
        with unit_of_work(conflict="Bestaat al.") as work:
            db.session.add(NumberSeries(name="c", value=2))
        assert work.message == "Bestaat al."
    assert _names(app) == ["c"]


def test_any_other_error_rolls_back_and_propagates(app):
    with app.test_request_context():
        with pytest.raises(ZeroDivisionError), unit_of_work():
            db.session.add(NumberSeries(name="d", value=1))
            db.session.flush()
            1 / 0  # noqa: B018
    assert _names(app) == []
