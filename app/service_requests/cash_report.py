"""Kasrapport: Finance's daily cash report per payment method (screen, CSV, PDF)."""
from datetime import date

from flask import make_response, request
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import lazy_gettext as _

from ..database import utcnow
from ..formatting import local_time
from ..pdf import pdf_response
from . import DOMAIN, receipts, workflow
from .display import money, payment_method


def _day(value):
    """?day=2026-11-30; today (local) when missing or not a date."""
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return local_time(utcnow(), DOMAIN).date()


class CashReportView(BaseView):
    route_base = "/service-requests/cash-report"
    class_permission_name = workflow.RESOURCE
    base_permissions = workflow.PERMISSIONS
    method_permission_name = {"report": "cash_report"}
    default_view = "report"

    @expose("/")
    @has_access
    def report(self):
        report = receipts.cash_report(_day(request.args.get("day")))
        name = f"kasrapport-{report.day.isoformat()}"
        if request.args.get("format") == "csv":
            response = make_response(receipts.cash_report_csv(report))
            response.headers["Content-Type"] = "text/csv; charset=utf-8"
            response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
            return response
        if request.args.get("format") == "pdf":
            return pdf_response(receipts.cash_report_pdf(report), f"{name}.pdf")
        return self.render_template(
            "service_requests/cash_report.html", title=_("Cash report"), report=report,
            money=money, method=payment_method, time=lambda v: local_time(v, DOMAIN).strftime("%H:%M"))
