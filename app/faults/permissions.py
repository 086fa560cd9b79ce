"""This domain's menu names and permission sets, defined once: the menu
(registration.py) and the roles (app/security/roles.py) use them.

Each record type is its own resource with two actions, can_read and can_write (every
view of a resource maps its methods onto them): a facility manager's work is editing
records, not taking workflow steps — the steps are the contractor's and the reporter's,
on their link pages.
"""
CATEGORY = "Faults"

RESOURCES = ("FaultReport", "FaultWorkOrder", "FaultRating", "FaultComplaint", "FaultDevice",
             "FaultSticker", "FaultLocation", "FaultContractor")
# Menu names (menu_access resources), in menu order.
FAULT_REPORTS = "Fault reports"
WORK_ORDERS = "Work orders"
WORK_ORDERS_NEW = "Work orders: new"
WORK_ORDERS_OVERDUE = "Work orders: overdue"
WORK_ORDERS_LATE = "Work orders: late"
WORK_ORDERS_ACCEPTED = "Work orders: accepted"
WORK_ORDERS_PARTS = "Work orders: parts on order"
WORK_ORDERS_COMPLETED = "Work orders: completed"
WORK_ORDERS_DECLINED = "Work orders: declined"
WORK_ORDERS_FLAGGED = "Work orders: needs attention"
RATINGS = "Ratings"
COMPLAINTS = "Complaints"
COMPLAINTS_OPEN = "Complaints: open"
COMPLAINTS_ANSWERED = "Complaints: answered"
COMPLAINTS_CLOSED = "Complaints: closed"
DEVICES = "Devices"
STICKERS = "QR stickers"
STICKER_BATCHES = "Sticker batches"
LOCATIONS = "Locations"
CONTRACTORS = "Maintenance partners"
MENUS = [CATEGORY, FAULT_REPORTS, WORK_ORDERS, WORK_ORDERS_NEW, WORK_ORDERS_OVERDUE,
         WORK_ORDERS_LATE,
         WORK_ORDERS_ACCEPTED, WORK_ORDERS_PARTS, WORK_ORDERS_COMPLETED, WORK_ORDERS_DECLINED,
         WORK_ORDERS_FLAGGED, RATINGS, COMPLAINTS,
         COMPLAINTS_OPEN, COMPLAINTS_ANSWERED, COMPLAINTS_CLOSED, DEVICES, STICKERS,
         STICKER_BATCHES, LOCATIONS,
         CONTRACTORS]

VIEWER = [("can_read", r) for r in RESOURCES] + [("menu_access", m) for m in MENUS]
# Ratings are the reporter's words: nobody edits them, so no can_write there.
MANAGER = [("can_write", r) for r in RESOURCES if r != "FaultRating"]
