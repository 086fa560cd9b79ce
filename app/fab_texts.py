"""Texts that Flask-AppBuilder's own templates and forms show and our catalog translates
(FAB's Dutch catalog lacks them). Listed here so `make messages` keeps them; nothing
imports this module."""
from flask_babel import lazy_gettext as _

FAB_TEXTS = [
    _("Back office"),  # APP_NAME, translated by FAB's navbar
    _("Add"), _("Edit"), _("Show"), _("Delete"), _("List"), _("No records found"),
    _("Are you sure you want to delete this item?"), _("Please confirm"),
    _("Not a valid choice"), _("Sign In with "), _("Select Value"), _("In"), _("Not In"),
    _("Contains (insensitive)"), _("Database Error"),
    _("Users"), _("Roles"), _("Groups"), _("List Groups"), _("Add Group"), _("Edit Group"),
    _("Show Group"), _("Edit User Information"), _("User information changed"),
    _("Either select a role or a group"), _("User(s) exists in the group, cannot delete"),
    _("User(s) exists in the role, cannot delete"), _("First Name"), _("Is Active?"),
    _("Full Name"), _("Confirm Password"), _("Created by"), _("Changed on"), _("Changed by"),
    _("The user's password for authentication"),
    _("The user group on the application, this will associate with a list of roles "
      "associated with the group"),
    _("Label"),
]
