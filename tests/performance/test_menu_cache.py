"""The menu bar is rendered once per set of permissions and language, then reused: each
role still sees exactly its own entries, in its own language, and a permission taken
away in the security screens is gone from the menu on the next page."""
import re

from app import menu_cache
from app.extensions import db


def _menu(client, url="/service-requests/list/"):
    page = client.get(url).get_data(as_text=True)
    bar = page.split('class="nav navbar-nav"', 1)[1].split("</ul>\n            {%", 1)[0]
    return set(re.findall(r'href="(/[^"#]*)"', bar.split('navbar-right', 1)[0]))


def test_each_role_sees_its_own_menu_from_the_cache(app, client_for):
    menu_cache.clear()
    viewer, admin = client_for("Viewer"), client_for("Admin")
    seen_by_viewer = _menu(viewer)
    seen_by_admin = _menu(admin)
    assert "/users/list/" in seen_by_admin and "/users/list/" not in seen_by_viewer
    assert "/service-requests/list/" in seen_by_viewer
    kept = len(menu_cache._cache)
    assert kept == 2  # one menu per role
    # From the cache now, and still each its own.
    assert _menu(viewer) == seen_by_viewer and _menu(admin) == seen_by_admin
    assert len(menu_cache._cache) == kept
    # A second user of the same role shares the first one's menu.
    writer_page = client_for("Writer").get("/service-requests/list/")
    assert writer_page.status_code == 200 and len(menu_cache._cache) == kept + 1


def test_the_menu_follows_the_language(app, client_for):
    menu_cache.clear()
    client = client_for("Viewer")
    dutch = client.get("/service-requests/list/").get_data(as_text=True)
    with client.session_transaction() as session:
        session["locale"] = "en"
    english = client.get("/service-requests/list/").get_data(as_text=True)
    assert "Mijn aanvragen" in dutch and "Mijn aanvragen" not in english
    assert "My requests" in english


def test_a_permission_taken_away_leaves_the_menu_on_the_next_page(app, client_for):
    menu_cache.clear()
    viewer = client_for("Viewer")
    assert "/service-requests/urgent/list/" in _menu(viewer)
    with app.app_context():
        sm = app.appbuilder.sm
        role = sm.find_role("Viewer")
        pv = sm.find_permission_view_menu("menu_access", "Urgent requests")
        assert pv in role.permissions
        role.permissions.remove(pv)
        db.session.commit()
    try:
        assert "/service-requests/urgent/list/" not in _menu(viewer)
    finally:
        with app.app_context():
            sm = app.appbuilder.sm
            role = sm.find_role("Viewer")
            role.permissions.append(sm.find_permission_view_menu("menu_access", "Urgent requests"))
            db.session.commit()
    assert "/service-requests/urgent/list/" in _menu(viewer)
