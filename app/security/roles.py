"""Every role and its permissions: the one table in code.

A permission is (action, resource) as FAB stores it: ("can_list", "ServiceRequest").
"*" as the action means every action FAB knows on that resource. `flask roles sync`
writes this table into FAB's tables; afterwards a RoleManager may change
roles in Security → List Roles, and sync only adds what is missing (`--prune`
also takes away what is not listed here).

Sets are stacked the way Airflow's FAB provider does: Viewer, then each
working role = Viewer + its own actions.
"""
from flask_babel import lazy_gettext as _

from ..faults import permissions as faults
from ..service_requests import permissions as service_requests

ADMIN = "Admin"
PUBLIC = "Public"

# What every logged-in user may do with their own account.
OWN_ACCOUNT = [
    ("can_userinfo", "UserDBModelView"),
    ("resetmypassword", "UserDBModelView"),
    ("can_this_form_get", "ResetMyPasswordView"),
    ("can_this_form_post", "ResetMyPasswordView"),
    ("can_this_form_get", "UserInfoEditView"),
    ("can_this_form_post", "UserInfoEditView"),
]

# Screens and data that decide who may do what: users, roles, groups, permissions,
# passwords of others, and the governance log. A non-Admin never puts these into a
# role (app/security/governance.py), so role management cannot hand itself more.
GOVERNANCE_RESOURCES = {
    "UserDBModelView", "RoleModelView", "UserGroupModelView", "PermissionModelView",
    "ViewMenuModelView", "PermissionViewModelView", "ResetPasswordView", "UserStatsChartView",
    "GovernanceLog", "Security", "List Users", "List Roles", "List Groups", "Governance log",
}

ROLE_MANAGEMENT = [
    ("*", "UserDBModelView"),
    ("*", "RoleModelView"),
    ("*", "UserGroupModelView"),
    ("menu_access", "Security"),
    ("menu_access", "List Users"),
    ("menu_access", "List Roles"),
    ("menu_access", "List Groups"),
    ("can_list", "GovernanceLog"),
    ("can_show", "GovernanceLog"),
    ("menu_access", "Governance log"),
]

# Shared services
FILES_READ = [("can_read", "File")]
OUTBOX_READ = [("can_list", "Outbox"), ("can_show", "Outbox"), ("menu_access", "Admin"),
               ("menu_access", "Mail outbox")]
AUDIT_READ = [("can_list", "AuditLog"), ("can_show", "AuditLog"), ("menu_access", "Admin"),
              ("menu_access", "Audit log")]

# ---- The domains' permission sets, defined where their menus and resources are ----
SR_VIEWER = service_requests.VIEWER
SR_WRITER = service_requests.WRITER
SR_PICKUP_DESK = service_requests.PICKUP_DESK
SR_COUNTER = service_requests.COUNTER
SR_FINANCE = service_requests.FINANCE
SR_WRITER_LEAD = service_requests.WRITER_LEAD
SR_PORTAL = service_requests.PORTAL
FAULTS_VIEWER = faults.VIEWER
FAULTS_MANAGER = faults.MANAGER

# Each business's roles read that business only: a service-request clerk never sees a
# fault reporter's name or phone, a facility manager never a customer's ID card.
# A role that reads both says so (Auditor). The shared screens (Outbox, Files, Audit
# log) show each role only the records of the businesses it reads (scopes.py).
# "Mijn meldingen" for the staff of a business (not for the role manager).
NOTIFICATIONS = [("can_read", "Notification")]
# The search box and the dashboards: each shows only what the role may read.
OVERVIEW = [("can_read", "Search"), ("can_read", "Dashboard")]

SR_BASE = OWN_ACCOUNT + FILES_READ + NOTIFICATIONS + OVERVIEW + SR_VIEWER
FAULTS_BASE = OWN_ACCOUNT + FILES_READ + NOTIFICATIONS + OVERVIEW + FAULTS_VIEWER

ROLES = {
    "RoleManager": OWN_ACCOUNT + ROLE_MANAGEMENT,
    "Viewer": SR_BASE,
    "Writer": SR_BASE + SR_WRITER,
    "WriterLead": SR_BASE + SR_WRITER + SR_WRITER_LEAD,
    "PickupDesk": SR_BASE + SR_PICKUP_DESK,
    "Counter": SR_BASE + SR_COUNTER,
    "Finance": SR_BASE + SR_FINANCE,
    "FaultViewer": FAULTS_BASE,
    "FacilityManager": FAULTS_BASE + FAULTS_MANAGER + OUTBOX_READ,
    "Auditor": SR_BASE + FAULTS_VIEWER + OUTBOX_READ + AUDIT_READ,
    "Portal": SR_PORTAL,
}

# Resources that no role above holds, on purpose: Admin's alone. A screen or API whose
# resource is neither in a role above nor here fails the permission matrix test
# (tests/test_permission_matrix.py): every new view needs a decision.
ADMIN_ONLY_RESOURCES = {
    "PermissionModelView", "ViewMenuModelView", "PermissionViewModelView",
    "ResetPasswordView", "ScheduledJobs", "MenuApi", "OpenApi",
    "SwaggerView",
}

# Which roles a role may give to users (Admin gives every role). Never Admin, never
# RoleManager itself: a second role manager is made by an Admin.
GRANTS = {
    "RoleManager": [name for name in ROLES if name != "RoleManager"],
}

# Roles for machines: their permissions count in the REST API (/api/...) only, never
# on a screen, even where an API and a screen share a resource (Product).
API_ONLY_ROLES = {"Portal"}

# What each role is for, as "Your role: …" on the start page (English source strings;
# the Dutch is in translations/, the user guides in docs/gebruikers/ quote the Dutch).
ROLE_DESCRIPTIONS = {
    ADMIN: _("Administrator: everything"),
    "RoleManager": _("Role manager: users and roles"),
    "Viewer": _("Viewer: sees all service requests, changes nothing"),
    "FaultViewer": _("Fault viewer: sees all fault reports, changes nothing"),
    "Auditor": _("Auditor: sees both businesses, the outbox and the audit log, changes nothing"),
    "Writer": _("Writer"),
    "WriterLead": _("Lead writer"),
    "PickupDesk": _("Customer service pickup desk"),
    "Counter": _("Counter"),
    "Finance": _("Finance"),
    "FacilityManager": _("Facility manager (faults)"),
    "Portal": _("Online portal (API only)"),
}
