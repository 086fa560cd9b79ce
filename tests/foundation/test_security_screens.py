"""FAB's user and role screens in proper Dutch (our catalog overrides FAB's typos and gaps)."""
import re

from flask_babel import force_locale

from app.security.roles import ROLE_DESCRIPTIONS
from tests.helpers import visible_text


def test_user_list_reads_voornaam_actief_and_plain_role_names(admin_client):
    page = visible_text(admin_client.get("/users/list/").get_data(as_text=True))
    assert "Voornaam" in page and "Voornam " not in page
    assert "Actief?" in page and "aktief" not in page
    assert " Viewer " in page and "[Viewer]" not in page and "[]" not in page


def test_user_form_help_texts_are_dutch(admin_client):
    page = visible_text(admin_client.get("/users/add").get_data(as_text=True))
    assert "Het wachtwoord waarmee de gebruiker zich aanmeldt" in page
    assert "de gebruiker krijgt ook de rollen van elke groep" in page
    assert "The user group on the application" not in page
    assert "The user's password" not in page


def test_user_show_has_dutch_dates_and_labels(admin_client):
    page = visible_text(admin_client.get("/users/show/1").get_data(as_text=True))
    assert "Aangemaakt door" in page and "Aangegemaakt" not in page
    assert re.search(r"Aangemaakt op \d\d-\d\d-\d{4} \d\d:\d\d ", page)


def test_role_descriptions_follow_the_language(app_ctx):
    with force_locale("nl"):
        assert str(ROLE_DESCRIPTIONS["Admin"]) == "Beheerder: alles"
    with force_locale("en"):
        assert str(ROLE_DESCRIPTIONS["Admin"]) == "Administrator: everything"


def test_start_page_in_english_names_the_role_in_english(admin_client):
    admin_client.get("/lang/en")
    page = visible_text(admin_client.get("/").get_data(as_text=True))
    assert "Your role: Administrator: everything" in page
    admin_client.get("/lang/nl")


def test_start_page_heading_is_the_product_name_of_the_navbar(app, admin_client):
    page = admin_client.get("/").get_data(as_text=True)
    heading = re.search(r"<h2>(.*?)</h2>", page).group(1).strip()
    assert heading == app.config["APP_NAME"]
    assert re.search(rf"navbar-brand[^>]*>\s*(?:<[^>]+>\s*)*{re.escape(heading)}", page)


def test_groups_screens_label_their_columns_in_dutch(admin_client):
    listing = visible_text(admin_client.get("/groups/list/").get_data(as_text=True))
    assert "Naam" in listing and "Rollen" in listing
    form = admin_client.get("/groups/add").get_data(as_text=True)
    labels = [re.sub(r"\s+", " ", text).strip() for text in
              re.findall(r"<label for=\"\w+\" control-label>\s*([^<]+)", form)]
    assert labels == ["Naam", "Label", "Omschrijving", "Gebruikers", "Rollen"]
