"""The bell in the menu bar shows the user's unread notifications on every page without
a statement of its own: the count is loaded by the statement that loads the user."""
import re

from sqlalchemy import event

from app.database import utcnow
from app.extensions import db
from app.notifications import notify
from app.notifications.models import Notification
from tests.helpers import user_id


def _page(app, client, url):
    """The page's badge and every statement the page ran."""
    statements = []
    with app.app_context():
        engine = db.engine
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    client.get(url)  # warm
    event.listen(engine, "before_cursor_execute", listen)
    try:
        page = client.get(url).get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    found = re.search(r'class="badge notifications-count">(\d+)<', page)
    assert "Mijn meldingen" in page
    return (int(found.group(1)) if found else 0), statements


def test_the_unread_count_comes_with_the_user_not_in_a_statement_of_its_own(app, client_for):
    writer, desk = user_id(app, "writer"), user_id(app, "pickupdesk")
    with app.app_context():
        notify([writer, writer, desk], "sr.documents", ref="A-1", url="/a")
        notify([writer], "sr.documents", ref="A-2", url="/b")
        notify([writer], "sr.documents", ref="A-3", url="/c")
        db.session.add(Notification(user_id=writer, kind="sr.documents", ref="A-0", url="/d",
                                    read_at=utcnow()))
        db.session.commit()
    badge, statements = _page(app, client_for("Writer"), "/service-requests/list/")
    assert badge == 3  # the writer's three unread: not the read one, not the desk's
    touching = [s for s in statements if "notification" in s.lower()]
    assert len(touching) == 1, touching
    assert "ab_user" in touching[0]  # the statement that loads the user
    assert _page(app, client_for("PickupDesk"), "/service-requests/list/")[0] == 1


def test_reading_them_all_empties_the_bell_on_the_next_page(app, client_for):
    writer = user_id(app, "writer")
    with app.app_context():
        notify([writer], "sr.documents", ref="A-1", url="/a")
        db.session.commit()
    client = client_for("Writer")
    assert _page(app, client, "/notifications/")[0] == 1
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      client.get("/notifications/").get_data(as_text=True)).group(1)
    response = client.post("/notifications/read-all", data={"csrf_token": token},
                           follow_redirects=True)
    assert response.status_code == 200
    assert 'notifications-count' not in response.get_data(as_text=True)
