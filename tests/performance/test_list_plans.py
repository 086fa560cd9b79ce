"""Lists whose rows are few among millions are walks of an index that holds them in
the list's order: the page reads its 25 rows, not the table looking for them."""
from tests.helpers import list_plan, make_order, make_request


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


def test_the_overdue_and_balance_due_buttons_walk_their_own_index(app, products, admin_client):
    make_request(app, name="Anna Ankersmit")  # running, due in days; something to pay
    dialect = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0]
    for url, index in [("/service-requests/overdue/list/", "ix_sr_request_running_received"),
                       ("/service-requests/balance-due/list/",
                        "ix_sr_request_balance_due_received")]:
        _index_walk(list_plan(app, admin_client, url, "sr_request"), index, dialect)


def test_the_flagged_orders_and_the_priority_sort_walk_an_index(app, place, admin_client):
    make_order(app, place, photo=False)
    dialect = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0]
    _index_walk(list_plan(app, admin_client, "/faultworkorders/workorderflaggedview/list/",
                          "fault_work_order"), "ix_fault_work_order_flagged", dialect)
    _index_walk(list_plan(app, admin_client, "/faultreportview/list/?_oc_FaultReportView="
                          "priority&_od_FaultReportView=asc", "fault_report"),
                "ix_fault_report_priority", dialect)


def test_the_request_list_sorted_by_balance_or_order_number_walks_an_index(
        app, products, admin_client):
    # An index on the balance alone walked on SQLite (the rowid rides along) but not on
    # PostgreSQL, which sorted every request; an order number is unique: no tie-break.
    make_request(app, name="Anna Ankersmit")
    dialect = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0]
    unique = "sqlite_autoindex_sr_request" if dialect == "sqlite" else "sr_request_order_no_key"
    for column, index in [("balance_due", "ix_sr_request_balance_due"), ("order_no", unique)]:
        for direction in ("asc", "desc"):
            url = (f"/service-requests/list/?_oc_ServiceRequestView={column}"
                   f"&_od_ServiceRequestView={direction}")
            _index_walk(list_plan(app, admin_client, url, "sr_request"), index, dialect)
