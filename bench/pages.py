"""What the benchmark opens: every list of both domains (found from the registered
views, so a new menu entry is measured without touching this file), the slow shapes
of the big lists (deep and last page, every sort, search), detail pages with their
tabs — each beside the same page of a stock FAB ModelView where one exists."""
from dataclasses import dataclass, field

from flask import current_app
from flask_appbuilder import ModelView

PAGE_SIZE = 25


@dataclass
class Page:
    group: str
    name: str
    endpoint: str
    args: dict = field(default_factory=dict)
    kind: str = "list"          # list | detail | dashboard | public: which goals apply
    stock_endpoint: str | None = None
    stock_args: dict | None = None


# Our big lists, their stock twin, the table they read and what to search for.
BIG = {
    "ServiceRequestView": ("StockRequestView", "sr_request", [
        ("contains-search applicant", "_flt_2_applicant_name", "Jansen"),
        ("starts-with search applicant", "_flt_0_applicant_name", "Anna"),
        ("order number equal", "_flt_3_order_no", "2021-0500000"),
    ]),
    "FaultReportView": ("StockFaultReportView", "fault_report", [
        ("contains-search reporter", "_flt_2_reporter_last_name", "Visser"),
    ]),
    "WorkOrderView": ("StockWorkOrderView", "fault_work_order", [
        ("number equal", "_flt_3_number", "KH-OC-150000"),
    ]),
    "RatingView": ("StockRatingView", "fault_rating", []),
    "ComplaintView": ("StockComplaintView", "fault_complaint", []),
    "AuditEntryView": ("StockAuditView", "audit_entry", [
        ("subject equal", "_flt_3_subject_type", "WorkOrder"),
    ]),
    "DeviceView": (None, "fault_device", []),
}
# Blue buttons with a stock twin: the same filter as a URL filter on the stock view.
STOCK_FILTERS = {
    "UrgentRequestsView": ("StockRequestView", {"_flt_3_urgency": "urgent"}),
    "WorkOrderNewView": ("StockWorkOrderView", {"_flt_3_status": "new"}),
    "WorkOrderAcceptedView": ("StockWorkOrderView", {"_flt_3_status": "accepted"}),
    "WorkOrderPartsView": ("StockWorkOrderView", {"_flt_3_status": "parts_on_order"}),
    "WorkOrderCompletedView": ("StockWorkOrderView", {"_flt_3_status": "completed"}),
    "ComplaintOpenView": ("StockComplaintView", {"_flt_3_status": "open"}),
    "ComplaintAnsweredView": ("StockComplaintView", {"_flt_3_status": "answered"}),
    "ComplaintClosedView": ("StockComplaintView", {"_flt_3_status": "closed"}),
}
# Detail pages: (view, table) — the record in the middle of the table.
DETAILS = [("ServiceRequestView", "sr_request", "StockRequestView"),
           ("FaultReportView", "fault_report", "StockFaultReportView"),
           ("WorkOrderView", "fault_work_order", "StockWorkOrderView"),
           ("ContractorView", "fault_contractor", None),
           ("LocationView", "fault_location", None),
           ("DeviceView", "fault_device", None)]


def our_list_views(appbuilder):
    """Every ModelView of the app with a list page (stock and FAB's security screens out)."""
    from .stock import VIEWS as STOCK_VIEWS  # the models need FAB's User first

    stock = {v.__name__ for v in STOCK_VIEWS}
    for view in appbuilder.baseviews:
        cls = type(view)
        if (isinstance(view, ModelView) and cls.__module__.startswith("app.")
                and cls.__name__ not in stock
                and f"{cls.__name__}.list" in current_app.view_functions):
            yield view


def plan(appbuilder, counts):
    """Every Page to measure, given {table: rows}."""
    pages = []
    views = {type(v).__name__: v for v in our_list_views(appbuilder)}
    every = {type(v).__name__: v for v in appbuilder.baseviews}
    for name, view in views.items():
        group = type(view).__module__.split(".")[1]
        stock_name, stock_args = STOCK_FILTERS.get(name, (None, None))
        if name in BIG:
            stock_name, stock_args = BIG[name][0], {}
        pages.append(Page(group, f"{name}: first page", f"{name}.list",
                          stock_endpoint=stock_name and f"{stock_name}.list",
                          stock_args=stock_args))
    for name, (stock_name, table, searches) in BIG.items():
        if name not in views:
            continue
        view = views[name]
        group = type(view).__module__.split(".")[1]
        rows = counts.get(table, 0)
        last = max(0, (rows - 1) // PAGE_SIZE)

        def twin(args, ours=name, stock=stock_name):
            if not stock:
                return None, None
            return f"{stock}.list", {k.replace(ours, stock): v for k, v in args.items()}
        shapes = [(f"page {last // 2:,} (middle)", {f"page_{name}": last // 2}),
                  (f"last page ({last:,})", {f"page_{name}": last}),
                  ("page size 100", {f"psize_{name}": 100})]
        for column in view.order_columns:
            shapes.append((f"sort by {column}", {f"_oc_{name}": column, f"_od_{name}": "asc"}))
        shapes += [(label, {arg: value}) for label, arg, value in searches]
        for label, args in shapes:
            stock_endpoint, stock_args = twin(args)
            if stock_endpoint and any(k.startswith("_oc_") for k in args):
                if args[f"_oc_{name}"] not in every[stock_name].order_columns:
                    stock_endpoint = stock_args = None
            pages.append(Page(group, f"{name}: {label}", f"{name}.list", args,
                              stock_endpoint=stock_endpoint, stock_args=stock_args))
    for name, table, stock_name in DETAILS:
        if name in views and counts.get(table):
            pk = counts[table] // 2 or 1
            pages.append(Page(type(views[name]).__module__.split(".")[1],
                              f"{name}: detail with tabs", f"{name}.show", {"pk": pk},
                              kind="detail", stock_endpoint=stock_name and f"{stock_name}.show",
                              stock_args={"pk": pk}))
    from app.dashboard.registry import every_dashboard

    for dashboard in every_dashboard():
        pages.append(Page("dashboard", f"dashboard {dashboard.name}", "DashboardView.show",
                          {"name": dashboard.name}, kind="dashboard"))
    pages.append(Page("faults", "public report form (GET)", "faults_public.report",
                      kind="public"))
    return pages

