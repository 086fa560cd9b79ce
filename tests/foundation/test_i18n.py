"""Dutch by default, English on request; our catalog fills FAB's Dutch gaps."""
import gettext
import re
from collections import Counter
from pathlib import Path

from babel.messages.pofile import read_po

from app.extensions import db
from app.mail import queue
from tests.helpers import visible_text

PO = Path(__file__).resolve().parents[2] / "translations/nl/LC_MESSAGES/messages.po"


def test_login_page_is_dutch_and_english_on_request(client):
    page = visible_text(client.get("/login/").get_data(as_text=True))
    assert "Aanmelden" in page and "Gebruikersnaam" in page and "Wachtwoord" in page
    client.get("/lang/en")
    page = visible_text(client.get("/login/").get_data(as_text=True))
    assert "Username" in page and "Password" in page
    assert "Wachtwoord" not in page
    client.get("/lang/nl")
    assert "Wachtwoord" in client.get("/login/").get_data(as_text=True)


def test_outbox_list_speaks_dutch(app, admin_client):
    with app.app_context():
        queue("klant@example.org", "Uw aanvraag", "text")
        db.session.commit()
    page = visible_text(admin_client.get("/outboxview/list/").get_data(as_text=True))
    for dutch in ("Postvak uit", "Beheer", "Auditlog", "Aangemaakt", "Aan", "Onderwerp",
                  "Pogingen", "Verzonden", "Acties", "Nu opnieuw versturen", "Aantal records",
                  "Filter toevoegen", "Zoek", "Wacht"):
        assert dutch in page, dutch
    for english in ("Record Count", "Actions", "Subject", "Attempts", "Retry now", "pending",
                    "Outbox"):
        assert english not in page, english
    assert "Bekijken" in page  # the row's show button


def test_fab_crud_buttons_are_dutch(admin_client):
    """A FAB screen with every button (Security → roles): FAB's own nl lacks these."""
    html = admin_client.get("/roles/list/").get_data(as_text=True)
    page = visible_text(html)
    for dutch in ("Toevoegen", "Bekijken", "Wijzigen", "Verwijderen", "Annuleren", "Acties",
                  "Groepen tonen"):
        assert dutch in page, dutch
    assert not re.search(r">\s*(Add|Show|Edit|Delete|Cancel)\s*<", html)


def test_english_shows_english_labels(app, admin_client):
    admin_client.get("/lang/en")
    page = visible_text(admin_client.get("/outboxview/list/").get_data(as_text=True))
    assert "Outbox" in page and "Subject" in page and "Record Count" in page


def test_catalog_has_no_duplicate_msgids_and_is_compiled():
    ids = re.findall(r'^msgid "(.*)"$', PO.read_text(), flags=re.M)
    duplicates = [i for i, n in Counter(ids).items() if n > 1 and i]
    assert duplicates == [], f"duplicate msgids in messages.po: {duplicates}"
    catalog = read_po(PO.open("rb"))
    with PO.with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = [m.id for m in catalog if m.id and m.string and not m.fuzzy
             and isinstance(m.id, str) and compiled.gettext(m.id) != m.string]
    assert stale == [], f"messages.mo is stale, run `make translations`: {stale[:5]}"


def test_a_language_switched_within_a_request_translates_at_once(app):
    from flask import session
    from flask_babel import force_locale, gettext, refresh

    with app.test_request_context("/"):
        assert gettext("Report a fault") == "Storing melden"
        with force_locale("en"):  # a mail in the customer's language
            assert gettext("Report a fault") == "Report a fault"
        assert gettext("Report a fault") == "Storing melden"
        session["locale"] = "en"
        refresh()
        assert gettext("Report a fault") == "Report a fault"
