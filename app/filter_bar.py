"""The one button bar above a list: "all" and the lists with a built-in filter.

A view lists its bar as `filter_bar = [(view class, menu name, label), ...]` (the first
is the unfiltered list) and uses `list_template = FILTER_BAR_TEMPLATE` (or a template that
extends it); each user sees
only the lists they may open, asked per request (Jinja would fold a permission filter
with constant arguments once for every user).
"""
from flask import current_app, url_for

FILTER_BAR_TEMPLATE = "filter_bar_list.html"


def _list_permission(view):
    action = (view.method_permission_name or {}).get("list", "list")
    return f"can_{action}", view.class_permission_name or view.__name__


def buttons(entries, current):
    """[(label, url, css classes, active)] for the lists of `entries` this user may open:
    the list's own permission (as @has_access checks it) and its menu entry."""
    sm = current_app.appbuilder.sm
    bar = []
    for index, (view, menu, label) in enumerate(entries):
        if not (sm.has_access(*_list_permission(view)) and sm.has_access("menu_access", menu)):
            continue
        style = "btn-warning" if index == 0 else "btn-primary"
        bar.append((label, url_for(view.__name__ + ".list"), style, view is current))
    return bar


class FilterBarMixin:
    """Put the bar of `filter_bar` above the list page (mix in before ModelView)."""

    filter_bar = ()
    filter_bar_class = "filter-bar"  # the bar's CSS class (a domain may style its own)

    def render_template(self, template, **kwargs):
        if template == self.list_template and self.filter_bar:
            kwargs["filter_bar"] = buttons(self.filter_bar, type(self))
            kwargs["filter_bar_class"] = self.filter_bar_class
        return super().render_template(template, **kwargs)
