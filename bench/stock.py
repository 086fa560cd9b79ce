"""Plain Flask-AppBuilder ModelViews over the same tables: what a stock FAB back office
would serve, measured side by side in the same run."""
from flask_appbuilder import ModelView
from flask_appbuilder.models.sqla.interface import SQLAInterface

from app.audit.models import AuditEntry
from app.faults.models import Complaint, FaultReport, Rating, WorkOrder
from app.service_requests.models import ServiceRequest


class StockRequestView(ModelView):
    datamodel = SQLAInterface(ServiceRequest)
    route_base = "/stock/requests"
    list_columns = ["order_no", "urgency", "status", "received_at", "applicant_name",
                    "applicant_email", "id_number", "assigned_to"]
    search_columns = ["order_no", "applicant_name", "applicant_email", "id_number", "status",
                      "urgency", "received_at"]
    order_columns = ["order_no", "urgency", "status", "received_at", "applicant_name",
                     "applicant_email", "id_number"]
    base_order = ("received_at", "desc")


class StockFaultReportView(ModelView):
    datamodel = SQLAInterface(FaultReport)
    route_base = "/stock/fault-reports"
    list_columns = ["number", "created_at", "location", "device", "reporter_last_name"]
    search_columns = ["number", "reporter_last_name", "reporter_email", "created_at"]
    base_order = ("id", "desc")


class StockWorkOrderView(ModelView):
    datamodel = SQLAInterface(WorkOrder)
    route_base = "/stock/work-orders"
    list_columns = ["number", "report", "contractor", "status", "created_at", "accepted_at",
                    "appointment_date", "completed_at"]
    search_columns = ["number", "status", "created_at", "completed_at"]
    base_order = ("id", "desc")


class StockRatingView(ModelView):
    datamodel = SQLAInterface(Rating)
    route_base = "/stock/ratings"
    list_columns = ["work_order", "created_at", "speed", "communication", "quality", "solved"]
    search_columns = ["created_at", "solved", "speed", "quality"]
    base_order = ("id", "desc")


class StockComplaintView(ModelView):
    datamodel = SQLAInterface(Complaint)
    route_base = "/stock/complaints"
    list_columns = ["work_order", "created_at", "status", "text", "response", "responded_at"]
    search_columns = ["status", "created_at"]
    base_order = ("id", "desc")


class StockAuditView(ModelView):
    datamodel = SQLAInterface(AuditEntry)
    route_base = "/stock/audit"
    list_columns = ["at", "actor_type", "actor_name", "ip_address", "action", "subject_type",
                    "subject_id", "field"]
    search_columns = ["at", "actor_type", "action", "subject_type", "subject_id"]
    base_order = ("id", "desc")


VIEWS = [StockRequestView, StockFaultReportView, StockWorkOrderView, StockRatingView,
         StockComplaintView, StockAuditView]


def register(appbuilder):
    for view in VIEWS:
        appbuilder.add_view_no_menu(view)
