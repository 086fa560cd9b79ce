"""Back office (FAB): the reporter's ratings and complaints, with the facility
manager's Close (a list action and a button on the complaint's page)."""
from flask import abort, redirect, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.actions import action
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_babel import lazy_gettext as _

from ..extensions import db
from ..filter_bar import FILTER_BAR_TEMPLATE
from ..listing import FastSQLAInterface
from ..unit_of_work import unit_of_work
from . import permissions as menu
from . import workflow
from .models import Complaint, ComplaintStatus, Rating
from .views import NO_ADD, FaultModelView, show_with_buttons
from .workflow import COMPLAINT_LABELS


def _complaint_status(value):
    return COMPLAINT_LABELS.get(value, value)


class RatingView(FaultModelView):
    datamodel = FastSQLAInterface(Rating)
    class_permission_name = "FaultRating"
    method_permission_name = NO_ADD
    exclude_route_methods = {"add", "edit", "delete"}
    list_title = _("Ratings")
    show_title = _("Rating")
    list_columns = ["work_order", "created_at", "speed", "communication", "quality", "average",
                    "solved"]
    show_columns = list_columns + ["comment"]
    # not "work_order": a select of every work order (hundreds of thousands) on every page;
    # the partner (a few dozen) is the dashboard's link from its trend
    search_columns = ["contractor", "created_at", "solved", "speed", "quality"]
    base_order = ("id", "desc")


class ComplaintView(FaultModelView):
    datamodel = FastSQLAInterface(Complaint)
    class_permission_name = "FaultComplaint"
    method_permission_name = {**NO_ADD, "close": "write", "close_one": "write"}
    exclude_route_methods = {"add", "edit", "delete"}
    show_template = "faults/admin/complaint_show.html"
    list_template = FILTER_BAR_TEMPLATE  # open / answered / closed buttons (set below)
    list_title = _("Complaints")
    show_title = _("Complaint")
    list_columns = ["work_order", "created_at", "status", "text", "response", "responded_at"]
    order_columns = ["created_at", "status", "responded_at"]  # not the free texts
    show_columns = ["work_order", "created_at", "status", "text", "response", "responded_at",
                    "closed_at"]
    search_columns = ["status", "created_at"]  # not "work_order": see RatingView
    base_order = ("id", "desc")
    formatters_columns = {**FaultModelView.formatters_columns, "status": _complaint_status}

    @action("close", _("Close"), _("Close the selected complaints?"), "fa-check", single=False)
    def close(self, items):
        """Close complaints (POST from the list, with CSRF)."""
        with unit_of_work(done=_("Closed.")):
            for item in items if isinstance(items, list) else [items]:
                workflow.close_complaint(item)
        return redirect(url_for(f"{type(self).__name__}.list"))

    def show_context(self, complaint, widgets):
        return show_with_buttons(self, complaint)

    @expose("/close/<int:pk>", methods=["POST"])
    @has_access
    def close_one(self, pk):
        """The Close button on a complaint's own page; the workflow decides."""
        complaint = db.session.get(Complaint, pk)
        if complaint is None:
            abort(404)
        with unit_of_work(done=_("The complaint is closed.")):
            workflow.close_complaint(complaint)
        # the main view: a status view ("open complaints") no longer shows a closed one
        return redirect(url_for("ComplaintView.show", pk=pk))


def _complaint_view(name, status, title):
    return type(name, (ComplaintView,), {
        "route_base": f"/faultcomplaints/{status}", "list_title": title,
        "base_filters": [["status", FilterEqual, status]]})


ComplaintOpenView = _complaint_view("ComplaintOpenView", ComplaintStatus.OPEN,
                                    _("Open complaints"))
ComplaintAnsweredView = _complaint_view("ComplaintAnsweredView", ComplaintStatus.ANSWERED,
                                        _("Answered complaints"))
ComplaintClosedView = _complaint_view("ComplaintClosedView", ComplaintStatus.CLOSED,
                                      _("Closed complaints"))
ComplaintView.filter_bar = [
    (ComplaintView, menu.COMPLAINTS, _("All complaints")),
    (ComplaintOpenView, menu.COMPLAINTS_OPEN, _("Open")),
    (ComplaintAnsweredView, menu.COMPLAINTS_ANSWERED, _("Answered")),
    (ComplaintClosedView, menu.COMPLAINTS_CLOSED, _("Closed")),
]
