"""The results page behind the menu bar's search box."""
from flask import abort, current_app, request
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import lazy_gettext as _
from flask_login import current_user

from ..extensions import db
from .normalise import MIN_TERM, terms
from .query import find
from .registry import sources

PER_KIND = 10


def allowed_sources():
    sm = current_app.appbuilder.sm
    return [s for s in sources() if sm.has_access(*s.permission)]


def search_allowed():
    """For the menu bar: show the box only to those who can find something."""
    return current_user.is_authenticated and bool(allowed_sources())


class SearchView(BaseView):
    """Who holds ("can_read", "Search") may search (every reading role); each kind of
    result only shows to those who may read that kind of record."""

    route_base = "/search"
    default_view = "results"
    class_permission_name = "Search"
    method_permission_name = {"results": "read"}

    @expose("/")
    @has_access
    def results(self):
        allowed = allowed_sources()
        if not allowed:
            abort(403)  # a role that may read nothing findable (the portal's API account)
        query = request.args.get("q", "")[:200]
        words = terms(query)
        groups = []
        for source in allowed if words else []:
            ids = find(db.session, source.kind, words, limit=PER_KIND + 1)
            described = source.describe(ids[:PER_KIND]) if ids else []
            groups.append((source.label, described, len(ids) > PER_KIND))
        return self.render_template("search/results.html", title=_("Search"), query=query,
                                    words=words, groups=groups, min_term=MIN_TERM)
