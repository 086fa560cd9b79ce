"""The one link-token service (app/tokens): random secrets, only hashes stored, scoped to
a purpose, revoked, renewed and expired; existing links survive the move to it."""
import base64
import hashlib
import hmac
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy import select

from app import tokens
from app.audit.models import AuditEntry
from app.extensions import db
from app.mail import queue
from app.mail.models import OutboxMessage
from app.tokens import LinkToken
from tests.foundation.test_migrations import _flask


class _Record:
    """Stands in for a domain record: the service needs only its type name and id."""

    def __init__(self, pk):
        self.id = pk


def test_a_random_token_is_128_bits_and_only_its_hash_is_stored(app):
    with app.app_context():
        record = _Record(7)
        token = tokens.issue("track", record)
        db.session.commit()
        assert len(token) == 32 and int(token, 16) >= 0  # 128 bits, lower-case hex
        assert tokens.issue("track", record) != token  # a fresh one per mail ...
        db.session.commit()
        rows = db.session.scalars(select(LinkToken)).all()
        assert all(token not in (r.token_hash, r.salt) for r in rows)
        assert tokens.token_for("track", record) is None  # ... never recoverable
        assert db.session.scalars(select(LinkToken.token_hash).order_by(LinkToken.id)).first() == \
            hashlib.sha256(token.encode()).hexdigest()


def test_find_opens_only_its_purpose_and_record_type(app):
    with app.app_context():
        message = queue("a@example.org", "Onderwerp", "Tekst")
        token = tokens.issue("track", message)
        db.session.commit()
        assert tokens.find("track", token, OutboxMessage) == message
        assert tokens.find("other", token, OutboxMessage) is None
        assert tokens.find("track", token, AuditEntry) is None
        wrong_end = "1" if token[-1] == "0" else "0"
        for wrong in ("", None, "x" * 101, token[:-1] + wrong_end, token.upper()):
            assert tokens.find("track", wrong, OutboxMessage) is None


def test_links_derived_before_the_service_still_open(app):
    """The fault pages' links were HMAC(SECRET_KEY, "faults:<page>:<salt>"): the same
    derivation as a recoverable token of purpose "faults:<page>"."""
    key, salt = app.config["SECRET_KEY"], "b" * 32
    old_token = base64.urlsafe_b64encode(hmac.new(
        key.encode(), f"faults:contractor:{salt}".encode(), hashlib.sha256).digest()
    ).rstrip(b"=").decode()
    with app.app_context():
        db.session.add(LinkToken(purpose="faults:contractor", subject_type="_Record",
                                 subject_id=9, salt=salt,
                                 token_hash=hashlib.sha256(old_token.encode()).hexdigest()))
        db.session.commit()
        assert tokens.token_for("faults:contractor", _Record(9)) == old_token


def test_renew_revoke_and_recover(app):
    with app.app_context():
        record = _Record(3)
        first = tokens.issue("faults:reporter", record, recoverable=True)
        db.session.commit()
        assert tokens.token_for("faults:reporter", record) == first  # the link the mail had
        second = tokens.renew("faults:reporter", record, recoverable=True)
        db.session.commit()
        assert second != first and tokens.token_for("faults:reporter", record) == second
        assert tokens.is_active("faults:reporter", record)
        tokens.revoke("faults:reporter", record)
        db.session.commit()
        assert tokens.token_for("faults:reporter", record) is None
        assert not tokens.is_active("faults:reporter", record)


def test_an_expired_link_opens_nothing(app):
    with app.app_context():
        record = _Record(4)
        tokens.issue("track", record, expires_in=timedelta(seconds=-1))
        db.session.commit()
        assert not tokens.is_active("track", record)
        tokens.issue("track", record, expires_in=timedelta(days=30))
        db.session.commit()
        assert tokens.is_active("track", record)


def test_the_migration_keeps_every_mailed_link(tmp_path):
    """Links mailed before the token service (track tokens: a hash; fault pages: a salt
    the token is derived from) are copied with their hashes and salts."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    _flask(tmp_path, url, "db", "upgrade", "c4e8f2a17d53")  # the revision before link_token
    engine = sa.create_engine(url)
    key, salt = "old-secret", "a" * 32
    old_token = base64.urlsafe_b64encode(hmac.new(
        key.encode(), f"faults:reporter:{salt}".encode(), hashlib.sha256).digest()
    ).rstrip(b"=").decode()
    old_hash = hashlib.sha256(old_token.encode()).hexdigest()
    track_hash = hashlib.sha256(b"0123456789abcdef0123456789abcdef").hexdigest()
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO sr_track_token (request_id, token_hash, created_at) "
            "VALUES (5, :h, '2026-01-01 10:00:00')"), {"h": track_hash})
        conn.execute(sa.text(
            "INSERT INTO fault_report (number, location_id, description, reporter_first_name, "
            "reporter_last_name, reporter_email, token_hash, token_salt, created_at, "
            "updated_at) VALUES ('KH-A-000001', 1, 'x', 'D', 'D', 'd@example.org', :h, :s, "
            "'2026-01-01', '2026-01-01')"),
            {"h": old_hash, "s": salt})
    _flask(tmp_path, url, "db", "upgrade")
    with engine.connect() as conn:
        rows = set(conn.execute(sa.text(
            "SELECT purpose, subject_type, subject_id, token_hash, salt, revoked_at "
            "FROM link_token")).all())
    engine.dispose()
    assert rows == {("track", "ServiceRequest", 5, track_hash, None, None),
                    ("faults:reporter", "FaultReport", 1, old_hash, salt, None)}
