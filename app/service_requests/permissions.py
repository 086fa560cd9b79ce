"""This domain's menu names and permission sets, defined once: the menus
(registration.py, views.LIST_BUTTONS) and the roles (app/security/roles.py) use them.

One resource, "ServiceRequest", with one action per workflow step: the lists, the detail
page, its tabs and the REST API share it, so a role reads as the steps it may take.
"""
from .choices import ProductKind
from .choices import RequestStatus as S

RESOURCE = "ServiceRequest"
# Every action on RESOURCE. Each view on the resource declares all of them, so FAB's
# permission update never tries to remove one view's action while adding another's.
ACTIONS = ["can_read", "can_write", "can_assign", "can_feedback", "can_upload_product",
           "can_check", "can_hand_over", "can_pay", "can_refund", "can_correct",
           "can_cancel", "can_override", "can_lead", "can_cash_report"]

# Menu names are FAB resources for menu_access.
CATEGORY = "Service requests"
MENU_ALL = "Service Request"
MENU_MINE = "My requests"
MENU_URGENT = "Urgent requests"
MENU_OVERDUE = "Overdue requests"
MENU_BALANCE_DUE = "Requests: balance due"
MENU_COUNTER = "New request (counter)"
MENU_UNMATCHED = "Unmatched mail"
MENU_PRODUCTS = "Products"
MENU_CASH_REPORT = "Cash report"
# The blue buttons: one list per product kind and per status with work or money in it.
KIND_BUTTONS = (ProductKind.MORTGAGE_EXTRACT, ProductKind.CADASTRAL_EXTRACT,
                ProductKind.SURVEY_MAP)
STATUS_BUTTONS = (*S.OPEN, S.DELIVERED, S.PAID, S.REFUND, S.CANCELLED)


def kind_menu(kind):
    return f"Requests: {kind}"


def status_menu(status):
    return f"Requests: {status}"


MENUS = [CATEGORY, MENU_ALL, MENU_MINE, MENU_URGENT, MENU_OVERDUE, MENU_BALANCE_DUE,
         *map(kind_menu, KIND_BUTTONS), *map(status_menu, STATUS_BUTTONS),
         MENU_UNMATCHED, MENU_PRODUCTS]

# Permission sets the roles are stacked from (app/security/roles.py).
VIEWER = [("can_read", RESOURCE), ("can_read", "Product")] + [("menu_access", m) for m in MENUS]
WRITER = [("can_assign", RESOURCE), ("can_feedback", RESOURCE),
          ("can_upload_product", RESOURCE)]
PICKUP_DESK = [("can_check", RESOURCE), ("can_hand_over", RESOURCE)]
COUNTER = [("can_write", RESOURCE), ("can_cancel", RESOURCE), ("menu_access", MENU_COUNTER)]
FINANCE = [("can_pay", RESOURCE), ("can_refund", RESOURCE), ("can_correct", RESOURCE),
           ("can_cancel", RESOURCE), ("can_cash_report", RESOURCE),
           ("menu_access", MENU_CASH_REPORT)]
# A lead writer also works on (and re-assigns) requests assigned to other writers.
WRITER_LEAD = [("can_lead", RESOURCE)]
PORTAL = [("can_submit", "Intake"), ("can_read", "Product")]
