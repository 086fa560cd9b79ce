"""Finding 7 (headers and navigation): no-store on pages with personal data, noindex on
token pages, a CSP with script-src that FAB's inline scripts pass by nonce, every `next`
checked for leaving the site, and logging out only by POST."""
import re

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.extensions import db
from app.files import save_upload
from tests.foundation.test_files import _image
from tests.helpers import PASSWORD, csrf_token, log_in

OFF_SITE = ["/\t/evil.example", "/\\evil.example", "//evil.example", "https://evil.example/x",
            "/\n/evil.example", "\\\\evil.example", " //evil.example", "javascript:alert(1)"]


def _script_nonces(page):
    """The nonce of every inline <script> (None where it has none)."""
    found = []
    for tag in re.findall(r"<script\b[^>]*>", page):
        if "src=" in tag:
            continue
        match = re.search(r'nonce="([^"]*)"', tag)
        found.append(match.group(1) if match else None)
    return found


def test_finding_7_back_office_pages_and_files_are_not_stored(app, admin_client, client):
    page = admin_client.get("/service-requests/list/")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    with app.app_context():
        key = save_upload((_image("JPEG"), "idkaart.jpg")).key
        db.session.commit()
    scan = admin_client.get(f"/files/{key}")
    assert scan.status_code == 200 and scan.headers["Cache-Control"] == "no-store"
    # a static asset may be cached
    asset = client.get("/static/css/public.css")
    assert asset.status_code == 200 and "no-store" not in asset.headers.get("Cache-Control", "")


@pytest.mark.parametrize("url", ["/track/" + "x" * 43, "/r/" + "x" * 43, "/wo/" + "x" * 43,
                                 "/c/" + "x" * 43, "/report", "/login/"])
def test_finding_7_token_pages_are_not_stored_and_not_indexed(client, url):
    response = client.get(url)
    assert response.status_code in (200, 404, 410)
    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]


def test_finding_7_csp_script_src_allows_only_our_scripts(admin_client):
    response = admin_client.get("/service-requests/list/")
    csp = response.headers["Content-Security-Policy"]
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", csp).group(1)
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "object-src 'none'" in csp and "frame-ancestors 'self'" in csp
    page = response.get_data(as_text=True)
    nonces = _script_nonces(page)
    assert nonces, "the list page has inline scripts (the search widget)"
    assert set(nonces) == {nonce}  # every inline script carries this response's nonce
    assert not re.search(r"\son[a-z]+\s*=", page)  # and no inline event handler
    # a new nonce per response
    again = admin_client.get("/service-requests/list/").headers["Content-Security-Policy"]
    assert nonce not in again


@pytest.mark.parametrize("target", OFF_SITE)
def test_finding_7_forget_my_details_never_redirects_off_site(client, target):
    token = csrf_token(client, "/report")
    response = client.post("/reporter/forget", data={"csrf_token": token, "next": target})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "evil.example" not in location and "javascript" not in location
    assert location.endswith("/report")


def test_finding_7_forget_my_details_keeps_a_local_next(client):
    token = csrf_token(client, "/report")
    response = client.post("/reporter/forget", data={"csrf_token": token, "next": "/q/ABC123"})
    assert response.headers["Location"].endswith("/q/ABC123")


@pytest.mark.parametrize("target", OFF_SITE)
def test_finding_7_login_next_never_leaves_the_site(client, target):
    token = csrf_token(client, "/login/")
    response = client.post("/login/", query_string={"next": target}, data={
        "username": "viewer", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]
    assert "javascript" not in response.headers["Location"]


def test_finding_7_logout_is_a_post_with_the_csrf_token(app, client):
    log_in(client, app, "viewer")
    page = client.get("/service-requests/list/").get_data(as_text=True)
    # the menu offers a form, not a link another site could embed
    assert 'href="/logout/"' not in page
    assert re.search(r'<form method="post" action="/logout/"', page)
    # a GET (an <img src="/logout/"> on another site) does not log out
    assert client.get("/logout/").status_code == 200
    assert client.get("/service-requests/list/").status_code == 200
    # nor a POST without the token
    assert client.post("/logout/").status_code == 400
    assert client.get("/service-requests/list/").status_code == 200
    token = csrf_token(client, "/logout/")
    response = client.post("/logout/", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get("/service-requests/list/").status_code == 302  # to the login page
    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "logout")).all()
        assert [(r.actor_name, r.subject_type) for r in rows] == [("viewer", "User")]
