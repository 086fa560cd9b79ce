from flask_babel import lazy_gettext as _

from ..export import ExportMixin
from ..formatting import format_datetime
from ..listing import FastModelView, FastSQLAInterface
from .models import JobRun, JobRunStatus


class JobRunView(ExportMixin, FastModelView):
    """Every run of every scheduled job: when, where, and what came of it."""

    datamodel = FastSQLAInterface(JobRun)
    class_permission_name = "ScheduledJobs"
    base_permissions = ["can_list", "can_show"]
    list_title = _("Scheduled jobs")
    show_title = _("Job run")
    list_columns = ["job_name", "sequence", "started_at", "finished_at", "status", "result"]
    show_columns = list_columns + ["worker", "error"]
    search_columns = ["job_name", "status"]
    # A job's runs in order (job, run number: unique) or all runs by start; the status is
    # searched, a run number across jobs and the free-text result are no order.
    order_columns = ["job_name", "started_at"]
    base_order = ("id", "desc")
    formatters_columns = {"started_at": format_datetime, "finished_at": format_datetime,
                          "status": JobRunStatus.label}
    label_columns = {"job_name": _("Job"), "sequence": _("Run"), "started_at": _("Started"),
                     "finished_at": _("Finished"), "status": _("Status"),
                     "result": _("Result"), "worker": _("Worker"), "error": _("Error")}


def register(app, appbuilder):
    appbuilder.add_view(JobRunView, "Scheduled jobs", label=_("Scheduled jobs"),
                        icon="fa-clock-o", category="Admin", category_label=_("Admin"),
                        category_icon="fa-cogs")
