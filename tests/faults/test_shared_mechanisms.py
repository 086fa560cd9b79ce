"""The fault domain on the mechanisms both domains share: mail subjects translated in the
mail language, the status table in the shared Transition shape, success messages flashed
by the unit of work, and times on the Mails/Audit tabs in the domain's time zone."""
import ast
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.faults import feedback, workflow
from app.faults.models import ComplaintStatus, WorkOrderStatus
from app.mail.models import OutboxMessage
from app.transitions import Transition
from tests.helpers import REPORTER_EMAIL, make_order, page, submit

APP = Path(__file__).resolve().parents[2] / "app"
REPORT = {"description": "Deur klemt", "first_name": "Douwe", "last_name": "Demo",
          "email": REPORTER_EMAIL, "phone": "088-5550555"}


def subjects(app, to):
    with app.app_context():
        return [m.subject for m in db.session.scalars(
            select(OutboxMessage).order_by(OutboxMessage.id)) if to in m.recipients]


@pytest.fixture
def mail_locale(app):
    old = app.config.get("MAIL_LOCALE")
    yield lambda value: app.config.update(MAIL_LOCALE=value)
    app.config["MAIL_LOCALE"] = old


def test_fault_mail_subjects_are_dutch_whatever_the_screen_language(app, place):
    make_order(app, place)  # the device with its sticker
    reporter = app.test_client()
    with reporter.session_transaction() as session:
        session["locale"] = "en"  # the reporter's phone shows English
    response = submit(reporter, f"/q/{place['codes'][0]}", REPORT, follow_redirects=True)
    assert "Report sent. Your report number is" in page(response)
    [_first, subject] = subjects(app, REPORTER_EMAIL)
    assert subject.startswith("Uw melding KH-") and subject.endswith("is ontvangen")


def test_fault_mail_subjects_follow_the_configured_mail_language(app, place, mail_locale):
    mail_locale("en")
    make_order(app, place)
    [to_reporter] = subjects(app, REPORTER_EMAIL)
    assert to_reporter.startswith("Your report KH-") and to_reporter.endswith("has been received")
    [to_partner] = subjects(app, "monteur@")
    assert to_partner.startswith("New work order ") and "Demo locatie 1" in to_partner


def _literal_subjects(path):
    """Mail subjects written as plain text (f-strings or literals) in one module: the
    third argument of queue_mail / queue_template, the second of mail_office /
    mail_reporter's third."""
    found = []
    positions = {"queue_mail": 2, "queue_template": 2, "mail_office": 1, "mail_reporter": 2}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        name = getattr(getattr(node, "func", None), "id", None)
        if isinstance(node, ast.Call) and name in positions and len(node.args) > positions[name]:
            subject = node.args[positions[name]]
            if isinstance(subject, ast.JoinedStr | ast.Constant):
                found.append(f"{path.name}:{node.lineno}")
    return found


def test_no_fault_mail_subject_is_written_in_dutch_in_the_code():
    assert not [hit for path in (APP / "faults").glob("*.py") for hit in _literal_subjects(path)]


def test_fault_steps_use_the_shared_transition_table():
    for table in (workflow.TRANSITIONS, feedback.COMPLAINT_TRANSITIONS):
        assert table and all(isinstance(step, Transition) for step in table.values())
    assert workflow.TRANSITIONS["complete"].allows(WorkOrderStatus.PARTS_ON_ORDER)
    assert not workflow.TRANSITIONS["accept"].allows(WorkOrderStatus.COMPLETED)
    assert feedback.COMPLAINT_TRANSITIONS["respond"].allows(ComplaintStatus.ANSWERED)
    assert not feedback.COMPLAINT_TRANSITIONS["close"].allows(ComplaintStatus.CLOSED)


def _success_flashes(path):
    """Calls flash(..., "success") in one module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "flash"
                and any(isinstance(a, ast.Constant) and a.value == "success" for a in node.args)):
            found.append(f"{path.relative_to(APP)}:{node.lineno}")
    return found


def test_success_messages_are_flashed_by_the_unit_of_work_only(app, place, client):
    by_hand = [hit for path in APP.rglob("*.py") if path.name != "unit_of_work.py"
               for hit in _success_flashes(path)]
    assert not by_hand, by_hand
    # and the reporter still reads them: "ik heb dit ook" and a new report
    make_order(app, place)
    code = place["codes"][0]
    followed = submit(client, f"/q/{code}", {**REPORT, "email": "collega@example.org"},
                      post_url=f"/q/{code}/same", follow_redirects=True)
    assert "U krijgt de updates van melding KH-" in page(followed)


def test_fault_mails_and_audit_tabs_show_the_faults_time_zone(app, place, client_for):
    old = app.config["FAULTS_TIMEZONE"]
    app.config["FAULTS_TIMEZONE"] = "Asia/Tokyo"  # far from the display zone (Amsterdam)
    try:
        links = make_order(app, place)
        with app.app_context():
            mail = db.session.scalars(select(OutboxMessage)).first()
            entry = db.session.scalars(select(AuditEntry).where(
                AuditEntry.entity_type == "WorkOrder")).first()
            moments = [mail.created_at, entry.at]
        show = page(client_for("FacilityManager").get(f"/workorderview/show/{links['order_id']}"))
    finally:
        app.config["FAULTS_TIMEZONE"] = old
    mails_tab = show.split('id="Mails"')[1].split('id="Audit"')[0]
    audit_tab = show.split('id="Audit"')[1]
    for moment, tab in zip(moments, (mails_tab, audit_tab), strict=True):
        tokyo = _local(moment, "Asia/Tokyo")
        amsterdam = _local(moment, "Europe/Amsterdam")
        assert tokyo in tab and amsterdam not in tab


def _local(moment, zone):
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return datetime.astimezone(moment, ZoneInfo(zone)).strftime("%d-%m-%Y %H:%M")
