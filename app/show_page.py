"""The one way a detail page gets more than FAB's widgets: `show_context(item, widgets)`.

FAB's `show()` renders the show template with its widgets; a view that needs the record
itself, its buttons or tabs of its own overrides `show_context` (not `render_template`,
and without loading the record again).
"""
from flask import abort
from flask_appbuilder import expose, has_access


class ShowPageMixin:
    """Mix in before ModelView."""

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        joined = getattr(self, "show_joined", ())  # FastModelView: with these relations
        item = (self.datamodel.get(pk, self._base_filters, joined=joined) if joined
                else self.datamodel.get(pk, self._base_filters))
        if item is None:
            abort(404)
        widgets = self._show(pk)
        context = {"pk": pk, "title": self.show_title, "widgets": widgets,
                   "related_views": self._related_views, "item": item}
        context.update(self.show_context(item, widgets))
        return self.render_template(self.show_template, **context)

    def show_context(self, item, widgets):
        """Extra template variables for this record's page."""
        return {}

    def may(self, action):
        """Whether this user holds `can_<action>` on the view's resource — asked per request
        (not `"can_edit" | is_item_visible(...)`: Jinja folds a filter with constant
        arguments at compile time, i.e. once for the first user)."""
        return self.appbuilder.sm.has_access(f"can_{action}", self.class_permission_name)
