"""Small corrections to Flask-AppBuilder's widgets, applied once in create_app()."""


class BlankChoiceAsDash:
    """FAB's select box for an optional relation (QuerySelectField, allow_blank) offers a
    blank choice with value "__None" and an empty label; WTForms 3.3 shows an empty label
    as the value, so people read "__None". Show it as "—" instead (Select2Widget only)."""

    @staticmethod
    def install():
        from flask_appbuilder.fieldwidgets import Select2Widget

        if getattr(Select2Widget, "_blank_choice_as_dash", False):
            return
        wtforms_render_option = Select2Widget.render_option

        def render_option(cls, choice, **kwargs):
            if choice.value == "__None" and not choice.label:
                choice = choice._replace(label="—")
            return wtforms_render_option(choice, **kwargs)

        Select2Widget.render_option = classmethod(render_option)
        Select2Widget._blank_choice_as_dash = True


class UnknownActionIs404:
    """FAB's /<view>/action/<name>/<pk> and /<view>/action_post look the action up with
    `self.actions.get(name).func`: a name the view does not have (a typo, a forged
    form, `muldelete` on a read-only screen) is an AttributeError, a 500. Answer 404."""

    @staticmethod
    def install():
        from flask import abort
        from flask_appbuilder.views import ModelView

        if getattr(ModelView, "_unknown_action_is_404", False):
            return
        fab_get_action_permission_name = ModelView.get_action_permission_name

        def get_action_permission_name(self, name):
            if name not in self.actions:
                abort(404)
            return fab_get_action_permission_name(self, name)

        ModelView.get_action_permission_name = get_action_permission_name
        ModelView._unknown_action_is_404 = True


class SafeNextOnLogin:
    """FAB's login checks `next` with urlparse, which takes "/\\evil.example" for a path;
    a browser reads it as "//evil.example". Use our one check (security/redirects.py)."""

    @staticmethod
    def install():
        from flask_appbuilder.security import views as fab_views

        if getattr(fab_views, "_safe_next_on_login", False):
            return
        from flask import current_app

        from .security.redirects import safe_next

        def get_safe_redirect(url):
            return safe_next(url, current_app.appbuilder.get_url_for_index)

        fab_views.get_safe_redirect = get_safe_redirect
        fab_views._safe_next_on_login = True


def apply():
    SafeNextOnLogin.install()
    BlankChoiceAsDash.install()
    UnknownActionIs404.install()
