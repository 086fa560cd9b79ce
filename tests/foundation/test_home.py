"""The start page shows each user the lists their role may open, in Dutch."""
import re

import pytest


def _links(page):
    return {label.strip(): href for href, label in
                re.findall(r'<li class="list-group-item"><a href="([^"]+)">\s*'
                           r'(?:<i[^>]*></i>\s*)?([^<]+)</a>', page)}


def test_anonymous_sees_a_login_button(client):
    page = client.get("/").get_data(as_text=True)
    assert "Meld u aan om verder te gaan." in page
    assert 'href="/login/"' in page
    assert _links(page) == {}


def test_admin_sees_the_admin_screens(admin_client):
    page = admin_client.get("/").get_data(as_text=True)
    assert "Welkom, Admin." in page
    assert "Waar wilt u beginnen?" in page
    links = _links(page)
    assert links["Postvak uit"] == "/outboxview/list/"
    assert links["Auditlog"] == "/auditentryview/list/"
    assert links["Rollen Tonen"] == "/roles/list/"
    assert "Beheer" in page and "Beheerder: alles" in page


def test_viewer_sees_only_what_the_role_allows(viewer_client):
    page = viewer_client.get("/").get_data(as_text=True)
    assert "Inkijk: alle aanvragen zien, niets wijzigen" in page
    links = _links(page)
    assert "Postvak uit" not in links and "Auditlog" not in links
    assert "Rollen Tonen" not in links
    for href in links.values():  # every link offered really opens
        assert viewer_client.get(href).status_code == 200, href


def test_role_manager_sees_security_screens_only(client_for):
    manager = client_for("RoleManager")
    links = _links(manager.get("/").get_data(as_text=True))
    assert {"Gebruikers Tonen", "Rollen Tonen"} <= set(links)
    assert "Postvak uit" not in links


@pytest.mark.parametrize("role", ["FacilityManager"])
def test_links_offered_open_for_the_role(client_for, role):
    client = client_for(role)
    links = _links(client.get("/").get_data(as_text=True))
    assert "Postvak uit" in links
    for href in links.values():
        assert client.get(href).status_code == 200, href
