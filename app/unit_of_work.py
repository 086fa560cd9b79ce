"""One transaction around one workflow call, for views, public pages, the API and the CLI.

    with unit_of_work(done=_("Saved.")) as work:
        workflow.assign(sr, writer)
    if work.failed: ...        # the message was flashed, nothing was saved

On success the session is committed (and `done` flashed); on a DomainError it is rolled
back and the error's message flashed (`flash_error=False`: kept in `work.error` for a page
that shows it inline; `reraise=True`: raised again, for FAB hooks, the API and the CLI).
A concurrent change of the same row (optimistic locking) or of a unique key becomes a
DomainError with a message saying so, never a 500.
"""
from contextlib import contextmanager

from flask import flash
from flask_babel import lazy_gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .errors import DomainError
from .extensions import db

STALE_MESSAGE = _("Someone else changed this in the meantime. Reload the page and try again.")


class Work:
    """The outcome of one unit of work: `error` is the DomainError, or None when saved.
    The block may set `done` to a message that needs what it made (a new number)."""

    error = None

    def __init__(self, done=None):
        self.done = done

    @property
    def failed(self):
        return self.error is not None

    @property
    def message(self):
        return self.error.message if self.error is not None else None


def _commit(stale=STALE_MESSAGE, conflict=None):
    """Commit the session; a lost optimistic-locking race (and, with `conflict`, a unique
    key taken at the same moment) is rolled back and raised as a DomainError."""
    try:
        db.session.commit()
    except StaleDataError as exc:
        db.session.rollback()
        raise DomainError(stale) from exc
    except IntegrityError as exc:
        db.session.rollback()
        if conflict is None:
            raise
        raise DomainError(conflict) from exc


def _text(message):
    return message() if callable(message) else message


@contextmanager
def unit_of_work(done=None, *, flash_error=True, reraise=False, stale=STALE_MESSAGE,
                 conflict=None, commit=True):
    """Run the block as one transaction; see the module docstring.

    done: message (or a function giving one) flashed after the commit.
    commit=False: inside a FAB hook (pre_update, pre_add), which commits itself; a refusal
    still rolls back the form's values already put on the item.
    stale / conflict: messages for a concurrent change of the same row / unique key
    (conflict None: an IntegrityError is rolled back and raised as it is).
    """
    work = Work(done)
    try:
        try:
            yield work
        except StaleDataError as exc:  # a flush inside the block lost the race
            raise DomainError(stale) from exc
        except IntegrityError as exc:
            if conflict is None:
                raise
            raise DomainError(conflict) from exc
        if commit:
            _commit(stale, conflict)
    except DomainError as exc:
        db.session.rollback()
        if reraise:
            raise
        work.error = exc
        if flash_error:
            flash(exc.message, "danger")
        return
    except Exception:
        db.session.rollback()
        raise
    if work.done is not None:
        flash(str(_text(work.done)), "success")
