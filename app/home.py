from flask import current_app
from flask_appbuilder import IndexView, expose
from flask_babel import gettext
from flask_login import current_user

from .dashboard import dashboards_for_user
from .security.roles import ROLE_DESCRIPTIONS


def _link(item):
    return (gettext(str(item.label)), item.get_url(), item.icon)


def _sections(menu):
    """FAB's menu filtered to what this user may open (one permission query), as
    [(category label, icon, [(label, url, icon)])]; top-level links form the first section.

    A link is offered when the role has menu_access on it, even if the role lacks
    menu_access on its category (the navbar would hide it then).
    """
    allowed = current_app.appbuilder.sm.get_user_menu_access(menu.get_flat_name_list())
    sections, loose = [], []
    for item in menu.get_list():
        if item.name == "-" or not item.should_render():
            continue
        if item.childs:
            links = [_link(child) for child in item.childs
                     if child.name != "-" and child.name in allowed and child.should_render()
                     and child.get_url()]
            if links:
                sections.append((gettext(str(item.label)), item.icon, links))
        elif item.name in allowed and item.get_url():
            loose.append(_link(item))
    if loose:
        sections.insert(0, ("", "", loose))
    return sections


class HomeView(IndexView):
    """Start page after login: the lists this user's role may open, grouped as in the menu."""

    index_template = "home.html"

    @expose("/")
    def index(self):
        self.update_redirect()
        sections, roles, dashboards = [], [], []
        if current_user.is_authenticated:
            sections = _sections(self.appbuilder.menu)
            roles = [str(ROLE_DESCRIPTIONS.get(r.name, r.name)) for r in current_user.roles]
            # The role's own dashboard is its start page; the lists follow below it.
            dashboards = [(d, d.build()) for d in dashboards_for_user()]
        return self.render_template(self.index_template, appbuilder=self.appbuilder,
                                    sections=sections, roles=roles, dashboards=dashboards)
