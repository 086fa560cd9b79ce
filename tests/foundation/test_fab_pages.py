"""FAB's generic list, show and form pages as people read them: no "None", no "__None",
booleans as Ja/Nee (template overrides in app/templates/appbuilder/general/widgets/)."""
import re

from app.extensions import db
from app.mail import queue
from tests.helpers import visible_text


def _row(page, label):
    """The value cell of a show page's row with this label, tags stripped."""
    match = re.search(rf"<th[^>]*>\s*{re.escape(label)}\s*</th>\s*<td>(.*?)</td>", page, re.S)
    assert match, f"no row {label!r}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_outbox_show_leaves_empty_fields_empty(app, admin_client):
    with app.app_context():
        message = queue("klant@example.org", "Uw aanvraag", "Hallo")
        db.session.commit()
        message_id = message.id
    page = admin_client.get(f"/outboxview/show/{message_id}").get_data(as_text=True)
    assert _row(page, "Onderwerp") == "Uw aanvraag"
    assert _row(page, "Cc") == ""
    assert _row(page, "Laatste fout") == ""
    assert "None" not in visible_text(page)


def test_booleans_read_ja_nee_in_fab_lists(admin_client):
    page = admin_client.get("/users/list/").get_data(as_text=True)
    cells = re.findall(r"<td>\s*(True|False|Ja|Nee)\s*</td>", page)
    assert cells and set(cells) == {"Ja"}  # every test user is active


def test_optional_relation_offers_a_dash_not_double_underscore_none(admin_client):
    page = admin_client.get("/locationview/add").get_data(as_text=True)
    assert "__None</option>" not in page
    assert re.search(r'<option selected value="__None">—</option>', page)
