"""`flask demo load`: users for every role with printed passwords; twice adds nothing."""
import re

from sqlalchemy import delete, func, select

from app.demo.users import DEMO_USERS
from app.extensions import db
from app.security.roles import ADMIN, ROLES
from tests.helpers import domain_tables


def _row_counts():
    return {t.name: db.session.scalar(select(func.count()).select_from(t))
            for t in db.metadata.sorted_tables}


def test_demo_load_twice_gives_the_same_rows_in_every_table(app, tmp_path):
    runner = app.test_cli_runner()
    instance, app.instance_path = app.instance_path, str(tmp_path)  # passwords file
    with app.app_context():
        before = {u.username for u in app.appbuilder.sm.get_all_users()}
    try:
        first = runner.invoke(args=["demo", "load"])
        assert first.exit_code == 0, first.output
        with app.app_context():
            counts = _row_counts()
        second = runner.invoke(args=["demo", "load"])
        assert second.exit_code == 0, second.output
        with app.app_context():
            assert _row_counts() == counts
        # every screen has something: both domains, the audit log of what was loaded
        filled = {name for name, n in counts.items() if n}
        assert {"sr_request", "sr_product", "fault_report", "audit_entry", "ab_user"} <= filled
        # a user for every role, with a password that works, printed both times
        printed = dict(re.findall(r"^\s+(\S+)\s+\S+\s+(\S+)$", first.output, re.M))
        assert {role for *_, role in DEMO_USERS} == {ADMIN, *ROLES}
        new = [u for u, *_ in DEMO_USERS if u not in before]
        assert new, "every demo user already existed: nothing tested"
        with app.app_context():
            sm = app.appbuilder.sm
            for username in new:
                assert sm.auth_user_db(username, printed[username]) is not None, username
        again = dict(re.findall(r"^\s+(\S+)\s+\S+\s+(\S+)$", second.output, re.M))
        assert all(again[u] == printed[u] for u in new)
        assert (tmp_path / "demo_passwords.txt").stat().st_mode & 0o077 == 0
    finally:
        app.instance_path = instance
        with app.app_context():
            with db.engine.begin() as conn:  # rows that point at the demo users first
                for table in domain_tables():
                    conn.execute(delete(table))
            sm = app.appbuilder.sm
            for user in sm.get_all_users():
                if user.username not in before:
                    db.session.delete(user)
            db.session.commit()
