"""REST API (/api/v1/<resource>/): same resources and permissions as the screens.

Reports and work orders are read-only here: they change only through the
workflow (public pages and back-office buttons), which checks the rules and
sends the mails.
"""
from flask_appbuilder.api import ModelRestApi
from marshmallow.validate import Email

from ..time_filters import MomentSQLAInterface
from .models import Contractor, Device, FaultReport, Location, WorkOrder

API_READ_WRITE = {
    "get": "read", "get_list": "read", "info": "read", "related": "read", "distinct": "read",
    "post": "write", "put": "write", "delete": "write", "bulk_delete": "write",
}
READ_ONLY_ROUTES = {"get", "get_list", "info", "related", "distinct"}


class FaultApi(ModelRestApi):
    method_permission_name = API_READ_WRITE
    # The same pair as the screens that share the resource: FAB's permission
    # update would otherwise try to drop can_write of a read-only API's resource.
    base_permissions = ["can_read", "can_write"]

    def delete_headless(self, pk):
        """422 with the workflow's message when the record is still in use."""
        from .workflow import DomainError, check_delete

        item = self.datamodel.get(pk, self._base_filters)
        if item is not None:
            try:
                check_delete(item)
            except DomainError as exc:
                return self.response_422(message=exc.message)
        return super().delete_headless(pk)


class LocationApi(FaultApi):
    resource_name = "location"
    class_permission_name = "FaultLocation"
    datamodel = MomentSQLAInterface(Location)
    list_columns = ["id", "name", "street", "postcode", "city", "default_contractor.id",
                    "default_contractor.name"]
    show_columns = ["id", "name", "street", "postcode", "city", "contact_name", "contact_phone",
                    "contact_email", "default_contractor.id", "default_contractor.name"]
    add_columns = edit_columns = ["name", "street", "postcode", "city", "contact_name",
                                  "contact_phone", "contact_email", "default_contractor"]


class ContractorApi(FaultApi):
    resource_name = "contractor"
    class_permission_name = "FaultContractor"
    datamodel = MomentSQLAInterface(Contractor)
    list_columns = show_columns = ["id", "name", "email", "phone", "contact_person"]
    add_columns = edit_columns = ["name", "email", "phone", "contact_person"]
    validators_columns = {"email": Email()}


class DeviceApi(FaultApi):
    resource_name = "device"
    class_permission_name = "FaultDevice"
    datamodel = MomentSQLAInterface(Device)
    list_columns = show_columns = ["id", "sticker.code", "location.id", "location.name",
                                   "placement", "device_type", "serial_number", "contractor.id",
                                   "contractor.name", "registered_at"]
    add_columns = edit_columns = ["location", "placement", "device_type", "serial_number",
                                  "contractor"]


class FaultReportApi(FaultApi):
    resource_name = "faultreport"
    class_permission_name = "FaultReport"
    datamodel = MomentSQLAInterface(FaultReport)
    include_route_methods = READ_ONLY_ROUTES
    list_columns = show_columns = [
        "id", "number", "created_at", "location.id", "location.name", "device.id", "placement",
        "description", "reporter_first_name", "reporter_last_name", "reporter_email",
        "reporter_phone", "work_order.number", "work_order.status"]


class WorkOrderApi(FaultApi):
    resource_name = "workorder"
    class_permission_name = "FaultWorkOrder"
    datamodel = MomentSQLAInterface(WorkOrder)
    include_route_methods = READ_ONLY_ROUTES
    list_columns = show_columns = [
        "id", "number", "report.number", "contractor.id", "contractor.name", "status",
        "created_at", "accepted_at", "parts_ordered_at", "completed_at", "appointment_date",
        "contractor_remarks", "invoice_total", "warranty", "contractor_reference",
        "internal_note", "contractor_note", "appointment_time", "location.name", "report.priority"]
    # read-only: no add/edit routes, but FAB builds their schemas and search filters anyway
    add_columns = edit_columns = ["internal_note"]
    search_columns = ["number", "status", "created_at", "completed_at", "contractor"]


APIS = [LocationApi, ContractorApi, DeviceApi, FaultReportApi, WorkOrderApi]
