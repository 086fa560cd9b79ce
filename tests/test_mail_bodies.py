"""Mail bodies are written in English source text and sent in the mail language
(MAIL_LOCALE, by default the office's Dutch), like their subjects: a fault mail and a
service-request mail read Dutch by default and English with MAIL_LOCALE=en, and no mail
template holds words outside a {% trans %} block."""
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app import audit
from app.database import utcnow
from app.extensions import db
from app.mail.models import OutboxMessage
from tests.helpers import CONTRACTOR_EMAIL, REPORTER_EMAIL, make_order, make_request, visible_text

APP = Path(__file__).resolve().parents[1] / "app"

# What each mail says, per mail language: the reporter's confirmation, the partner's new
# work order (text and HTML) and the customer's confirmation of a service request.
WORDS = {
    "": {
        "reporter": ["Beste Douwe,", "Bedankt voor uw melding.", "Meldingsnummer: KH-",
                     "Met vriendelijke groet,"],
        "partner": ["Bij deze sturen we een nieuwe opdracht voor Demo locatie 1.",
                    "Exacte locatie: Keuken 1e verdieping",
                    "Willen jullie binnen 24 uur contact opnemen met deze locatie"],
        "partner_html": ["Opdrachtnummer", "klik hier om naar de opdracht te gaan"],
        "customer": ["Beste Anna Jansen,", "Wij hebben uw aanvraag ", "Te betalen:",
                     "Openingstijden:"],
    },
    "en": {
        "reporter": ["Dear Douwe,", "Thank you for your report.", "Report number: KH-",
                     "Kind regards,"],
        "partner": ["Herewith we send a new work order for Demo locatie 1.",
                    "Exact location: Keuken 1e verdieping",
                    "Would you contact this location within 24 hours"],
        "partner_html": ["Work order number", "click here to go to the work order"],
        "customer": ["Dear Anna Jansen,", "We have received your request ", "Amount due:",
                     "Opening hours:"],
    },
}


@pytest.fixture
def mail_language(app):
    old = app.config.get("MAIL_LOCALE")
    yield lambda value: app.config.update(MAIL_LOCALE=value)
    app.config["MAIL_LOCALE"] = old


def _mails(app):
    with app.app_context():
        return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


@pytest.mark.parametrize("language", ["", "en"])
def test_fault_and_service_request_mail_bodies_are_in_the_mail_language(
        app, place, products, mail_language, language):
    mail_language(language)
    make_order(app, place)
    make_request(app)
    mails = _mails(app)
    [reporter] = [m for m in mails if REPORTER_EMAIL in m.recipients]
    [partner] = [m for m in mails if CONTRACTOR_EMAIL in m.recipients]
    [customer] = [m for m in mails if "anna@example.org" in m.recipients]
    bodies = {"reporter": reporter.body_text, "partner": partner.body_text,
              "partner_html": visible_text(partner.body_html),
              "customer": customer.body_text}
    other = "en" if language == "" else ""
    for mail, body in bodies.items():
        for words in WORDS[language][mail]:
            assert words in body, f"{mail}: {words!r} not in\n{body}"
        for words in WORDS[other][mail]:
            assert words not in body, f"{mail}: {words!r} in\n{body}"
    assert f'<html lang="{language or "nl"}">' in partner.body_html


def test_the_writers_reminder_is_in_the_mail_language_too(app, products, mail_language):
    from app.service_requests.reminders import remind_writers

    make_request(app, status="assigned", writer="writer")
    for language, subject, words in (
            ("", "1 aanvraag/aanvragen over de streefdatum",
             "Deze aanvragen staan op uw naam en zijn over de streefdatum:"),
            ("en", "1 request(s) past the due date",
             "These requests are assigned to you and past their due date:")):
        mail_language(language)
        with app.app_context(), audit.acting_as("system", "test"):
            remind_writers(utcnow() + timedelta(days=365))
            db.session.commit()
        reminder = [m for m in _mails(app) if "writer@example.org" in m.recipients][-1]
        assert reminder.subject == subject and words in reminder.body_text


# Proper names read the same in every language.
NAMES = ("KlusHeeren b.v.",)
_OUTSIDE_TEXT = [
    re.compile(r"{%-?\s*trans\b.*?%}.*?{%-?\s*endtrans\s*-?%}", re.S),  # translated
    re.compile(r"{{.*?}}|{%.*?%}|{#.*?#}", re.S),  # Jinja: values and tags
    re.compile(r"<[^>]*>|&#?\w+;"),  # HTML tags and entities
    re.compile(r"\S+@\S+\.\w+"),  # e-mail addresses
]


def _words_outside_trans(path):
    source = path.read_text(encoding="utf-8")
    for pattern in _OUTSIDE_TEXT:
        source = pattern.sub(" ", source)
    for name in NAMES:
        source = source.replace(name, " ")
    return [line.strip() for line in source.splitlines() if re.search(r"[^\W\d_]", line)]


def test_no_mail_template_has_words_outside_a_trans_block():
    templates = sorted(APP.glob("*/templates/mail/*.*"))
    assert len(templates) > 20
    found = {str(path.relative_to(APP)): words for path in templates
             if (words := _words_outside_trans(path))}
    assert found == {}
