"""Every response carries the security headers (app/security/headers.py)."""
import pytest

from app.extensions import db
from app.files import save_upload
from tests.foundation.test_files import _image


def _assert_defaults(response):
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    # a public page's URL holds its token: never sent to another site
    assert headers["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'self'" in headers["Content-Security-Policy"]


@pytest.mark.parametrize("url, status, text", [
    ("/login/", 200, "Aanmelden"),
    ("/", 200, "Meld u aan"),
    ("/bestaat-niet", 404, "bestaat niet"),
    ("/r/" + "x" * 40, 404, ""),              # a public token page, unknown token
    ("/static/css/public.css", 200, ""),
])
def test_anonymous_responses_carry_the_headers(client, url, status, text):
    response = client.get(url)
    assert response.status_code == status
    assert text in response.get_data(as_text=True)
    _assert_defaults(response)
    assert "Strict-Transport-Security" not in response.headers  # plain http


def test_fab_pages_and_json_carry_them_and_still_render(admin_client):
    page = admin_client.get("/outboxview/list/")
    assert page.status_code == 200
    assert "Postvak uit" in page.get_data(as_text=True)
    _assert_defaults(page)
    api = admin_client.get("/api/v1/does-not-exist/")
    assert api.status_code == 404 and api.is_json
    _assert_defaults(api)


def test_a_views_own_policy_is_kept_and_framing_still_limited(app, admin_client):
    with app.app_context():
        stored = save_upload((_image("JPEG"), "photo.jpg"))
        db.session.commit()
        key = stored.key
    response = admin_client.get(f"/files/{key}")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert csp.startswith("sandbox; default-src 'none'")  # the file view's own
    _assert_defaults(response)


def test_hsts_only_over_https(client):
    response = client.get("/login/", base_url="https://backoffice.test")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    _assert_defaults(response)
