"""Lists whose rows are few among millions are walks of an index that holds them in
the list's order: the page reads its 25 rows, not the table looking for them."""
from tests.helpers import list_plan


def _index_walk(plan, index, dialect):
    assert index in plan, plan
    if dialect == "sqlite":
        assert "TEMP B-TREE" not in plan, plan  # the index gives the order: no sort
    else:
        assert "Sort" not in plan, plan


def test_the_governance_log_walks_its_own_index(app, admin_client):
    # Logging in wrote a governance row; the log holds it, newest first.
    plan = list_plan(app, admin_client, "/governance-log/list/", "audit_entry")
    _index_walk(plan, "ix_audit_governance", app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0])
