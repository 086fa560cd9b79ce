"""Demo users, one per role. Passwords are random, kept in instance/ and printed."""
import secrets
from pathlib import Path

from flask import current_app

from ..security.roles import ADMIN, ROLES

DEMO_USERS = [
    ("admin", "Ada", "Beheer", ADMIN),
    ("rolemanager", "Rob", "Rollen", "RoleManager"),
    ("inkijk", "Ingrid", "Inkijk", "Viewer"),
    ("uitschrijver", "Urvin", "Uitschrijver", "Writer"),
    ("uitschrijver2", "Uma", "Schrijver", "Writer"),
    ("teamleider", "Tessa", "Teamleider", "WriterLead"),
    ("afhaaldesk", "Anita", "Afhaaldesk", "PickupDesk"),
    ("balie", "Bas", "Balie", "Counter"),
    ("finance", "Fiona", "Financien", "Finance"),
    ("facilitair", "Frank", "Facilitair", "FacilityManager"),
    ("inkijkstoringen", "Sanne", "Storingen", "FaultViewer"),
    ("controleur", "Chris", "Controle", "Auditor"),
    ("portal", "Portaal", "Systeem", "Portal"),
]
assert {role for *_, role in DEMO_USERS} >= set(ROLES) | {ADMIN}


def _password_file():
    return Path(current_app.instance_path) / "demo_passwords.txt"


def _known_passwords():
    path = _password_file()
    if not path.exists():
        return {}
    return dict(line.split(":", 1) for line in path.read_text().splitlines() if ":" in line)


def load_users():
    """Create the demo users that are missing. Returns [(username, role, password)]."""
    sm = current_app.appbuilder.sm
    known = _known_passwords()
    result = []
    for username, first, last, role_name in DEMO_USERS:
        role = sm.find_role(role_name)
        if role is None:
            raise RuntimeError(f"role {role_name} missing: run `flask roles sync` first")
        user = sm.find_user(username=username)
        if user is None:
            password = known.get(username) or secrets.token_urlsafe(9)
            sm.add_user(username, first, last, f"{username}@example.org", role, password)
            known[username] = password
        result.append((username, role_name, known.get(username, "(set before: unknown)")))
    path = _password_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{u}:{p}\n" for u, p in known.items()))
    path.chmod(0o600)
    return result
