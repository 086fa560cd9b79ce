"""The menu bar, rendered once per set of permissions and language instead of on every
page. FAB renders some seventy entries, asking has_access, url_for and gettext for each:
20 ms of a 50 ms list page. What the menu shows depends on nothing else, so its HTML is
kept per (what the user may do, language, URL prefix); permissions edited in the security
screens make a new key on the next request (the key holds the permission set itself).
"""
import threading
from collections import OrderedDict

from flask import current_app, render_template, request
from flask_babel import get_locale
from markupsafe import Markup

LIMIT = 256  # role combinations × languages; the oldest goes first
_cache = OrderedDict()
_lock = threading.Lock()


def menu_html():
    """The <li> items of the menu bar for this request's user."""
    appbuilder = current_app.appbuilder
    access = appbuilder.sm.access_fingerprint()
    if access is None:  # not a plain session user or visitor: render it as FAB does
        return _render(appbuilder)
    key = (access, str(get_locale()), request.script_root)
    with _lock:
        html = _cache.get(key)
        if html is not None:
            _cache.move_to_end(key)
            return html
    html = _render(appbuilder)
    with _lock:
        _cache[key] = html
        while len(_cache) > LIMIT:
            _cache.popitem(last=False)
    return html


def _render(appbuilder):
    return Markup(render_template("appbuilder/navbar_menu.html", menu=appbuilder.menu))


def register(app):
    @app.context_processor
    def cached_menu():
        return {"menu_html": menu_html}


def clear():
    with _lock:
        _cache.clear()
