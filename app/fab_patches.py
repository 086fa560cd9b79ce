"""Small corrections to Flask-AppBuilder, applied once in create_app() before any view
is registered."""
import functools


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


class MissingRecordIs404:
    """FAB hands `datamodel.get(pk)` straight to an action (`/<view>/action/<name>/<pk>`,
    `/<view>/action_post` with `rowid`): a deleted or made-up id reached the action as
    None, a 500. And a pk that cannot be an id of the table ("abc", 20 digits) went to
    the database, which refuses it with an error (PostgreSQL) instead of "no such row".
    Here such a pk finds no row, and an action on no row is a 404."""

    @staticmethod
    def install():
        from flask import abort, request
        from flask_appbuilder.models.sqla.interface import SQLAInterface
        from flask_appbuilder.views import ModelView
        from sqlalchemy import Integer

        from .security.input_guard import parse_id

        if getattr(SQLAInterface, "_missing_record_is_none", False):
            return
        fab_get = SQLAInterface.get

        def get(self, id, *args, **kwargs):
            columns = self.obj.__mapper__.primary_key
            if len(columns) == 1 and isinstance(columns[0].type, Integer) \
                    and parse_id(id) is None:
                return None
            return fab_get(self, id, *args, **kwargs)

        SQLAInterface.get = get
        SQLAInterface._missing_record_is_none = True

        fab_action, fab_action_post = ModelView.action, ModelView.action_post

        def _missing(self, name, pks):
            """True when the user may run the action but one of the records is not there."""
            permission = self.get_action_permission_name(name)  # unknown name: 404
            if not self.appbuilder.sm.has_access(permission, self.class_permission_name):
                return False  # FAB answers "access denied", whether the record exists or not
            return not pks or any(
                self.datamodel.get(self._deserialize_pk_if_composite(pk)) is None for pk in pks)

        def action(self, name, pk):
            if self.is_get_mutation_allowed() and _missing(self, name, [pk]):
                abort(404)
            return fab_action(self, name, pk)

        def action_post(self):
            if _missing(self, request.form.get("action", ""), request.form.getlist("rowid")):
                abort(404)
            return fab_action_post(self)

        # wraps(): FAB finds the routes on the function (`_urls`); keep them.
        ModelView.action = functools.wraps(fab_action)(action)
        ModelView.action_post = functools.wraps(fab_action_post)(action_post)


class LegacyDownloadRouteOff:
    """FAB registers `/<view>/download/<filename>` on every ModelView: it serves any file
    of UPLOAD_FOLDER by name to anyone who may read the view (and a 500 when the name
    has no extension). Our files go through the files service with their own checks,
    so FAB's route is registered only where a view asks for it by name (a view's own
`download` method is its own business)."""

    @staticmethod
    def install():
        from flask_appbuilder.baseviews import BaseView
        from flask_appbuilder.views import ModelView

        if getattr(BaseView, "_legacy_download_off", False):
            return
        fab_register_urls = BaseView._register_urls
        fab_download = ModelView.download

        def _register_urls(self):
            if getattr(type(self), "download", None) is fab_download \
                    and "download" not in (self.include_route_methods or ()):
                self.exclude_route_methods = set(self.exclude_route_methods) | {"download"}
            return fab_register_urls(self)

        BaseView._register_urls = _register_urls
        BaseView._legacy_download_off = True


class ApiClientErrorsNot500:
    """FAB's `@safe` wraps every REST endpoint and answers 500 for any exception, even
    for what the client sent: a body over MAX_CONTENT_LENGTH (RequestEntityTooLarge)
    or a value the database refuses (too big a number). `response_500` runs inside
    that except block, so it can see the exception and answer 413 / 400 instead."""

    @staticmethod
    def install():
        import sys

        from flask_appbuilder.api import BaseApi
        from werkzeug.exceptions import RequestEntityTooLarge

        from .errors import client_data_error

        if getattr(BaseApi, "_client_errors_not_500", False):
            return
        fab_response_500 = BaseApi.response_500

        def response_500(self, message=None):
            error = sys.exc_info()[1]
            if isinstance(error, RequestEntityTooLarge):
                return self.response(413, message="The request body is too large.")
            if error is not None and client_data_error(error):
                return self.response_400(message="A value in the request is not valid here.")
            return fab_response_500(self, message)

        BaseApi.response_500 = response_500
        BaseApi._client_errors_not_500 = True


class ChartGroupIs404:
    """FAB's `/<chart view>/chart/<group_by>` does `definitions[int(group_by)]`: a word or
    a number past the list was a 500. Answer 404 (the user statistics chart has it)."""

    @staticmethod
    def install():
        from flask import abort
        from flask_appbuilder.charts.views import GroupByChartView

        if getattr(GroupByChartView, "_chart_group_is_404", False):
            return
        fab_chart = GroupByChartView.chart

        def chart(self, group_by=0):
            group = str(group_by)
            if not group.isascii() or not group.isdigit() or int(group) >= len(self.definitions):
                abort(404)
            return fab_chart(self, int(group))

        GroupByChartView.chart = functools.wraps(fab_chart)(chart)
        GroupByChartView._chart_group_is_404 = True


def apply():
    """Before AppBuilder registers any view (routes are made from these classes)."""
    SafeNextOnLogin.install()
    BlankChoiceAsDash.install()
    UnknownActionIs404.install()
    MissingRecordIs404.install()
    LegacyDownloadRouteOff.install()
    ApiClientErrorsNot500.install()
    ChartGroupIs404.install()
