"""FAB's security manager with permission checks answered from one query per request.

Stock FAB asks the database once per `has_access` call: a list page with a full menu
and its buttons made ~50 such queries. Here the first check of a request takes every
(action, resource) pair of the user's roles from the cache (one query when it has no
current answer, permission_cache.py), and the rest of the request reads that set.
Permissions edited in the security screens count from the next request on.

Logins: the web form and the JWT API (`/api/v1/security/login`) share ONE rate limit
(a password guesser gets the same 429 on either), and every attempt is written to
the governance trail. The security screens are our subclasses with the governance
rules (views.py).

Roles in API_ONLY_ROLES (Portal) pass permission checks under /api/ only: a resource
shared by an API and a screen (Product) does not open the screen to them.
"""
from flask import current_app, g, has_request_context, request
from flask_appbuilder.security.sqla.manager import SecurityManager as FabSecurityManager
from flask_appbuilder.security.sqla.models import assoc_permissionview_role
from flask_babel import lazy_gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from ..listing import FastSQLAInterface
from . import views
from .governance_audit import record_login
from .permission_cache import role_pairs
from .roles import API_ONLY_ROLES

# The endpoints that check a password; POSTs to them count against one limit.
LOGIN_ENDPOINTS = ("AuthDBView.login", "SecurityApi.login")


def _outside_the_api(roles):
    return (has_request_context() and not request.path.startswith("/api/")
            and bool(roles) and all(role.name in API_ONLY_ROLES for role in roles))


class SecurityManager(FabSecurityManager):
    authdbview = views.AuthDBView
    userdbmodelview = views.UserDBModelView
    rolemodelview = views.RoleModelView
    groupmodelview = views.UserGroupModelView
    resetpasswordview = views.ResetPasswordView
    # FAB's login-count chart answers 500 on a non-numeric group (/chart/x) and says less
    # than the governance log, which lists every attempt with its address.
    userstatschartview = None

    def __init__(self, appbuilder):
        super().__init__(appbuilder)
        # FAB gives its screens a plain SQLAInterface here; ours load relations per page.
        self.userdbmodelview.datamodel = FastSQLAInterface(self.user_model)
        self.rolemodelview.datamodel = FastSQLAInterface(self.role_model)
        self.groupmodelview.datamodel = FastSQLAInterface(self.group_model)

    @property
    def is_auth_limited(self):
        return False  # FAB's own limit covers the form only; register_views sets ours

    def register_views(self):
        super().register_views()
        if current_app.config.get("AUTH_RATE_LIMITED"):
            self._limit_logins(current_app)
        self.appbuilder.add_view(views.GovernanceLogView, "Governance log",
                                 label=_("Governance log"), icon="fa-history",
                                 category="Security")

    def _limit_logins(self, app):
        shared = self.limiter.shared_limit(app.config["AUTH_RATE_LIMIT"], scope="login",
                                           methods=["POST"])
        for endpoint in LOGIN_ENDPOINTS:
            app.view_functions[endpoint] = shared(app.view_functions[endpoint])

    def auth_user_db(self, username, password):
        user = super().auth_user_db(username, password)
        record_login(username, user, succeeded=user is not None)
        return user

    def load_with_user(self, name, figure):
        """Load a per-user number in the statement that loads the logged-in user, instead
        of a statement of its own on every page (the bell's unread count).
        figure(user_id_column) returns a correlated scalar subquery; read it back with
        `user_figure(name, user_id)`."""
        self._user_figures = {**getattr(self, "_user_figures", {}), name: figure}

    def load_user(self, pk):
        """The logged-in user with roles, groups and the figures of `load_with_user` in
        one statement (FAB: three, and one per figure, on every request)."""
        figures = getattr(self, "_user_figures", {})
        columns = [figure(self.user_model.id).label(name) for name, figure in figures.items()]
        row = (self.session.query(self.user_model, *columns)
               .options(joinedload(self.user_model.roles), joinedload(self.user_model.groups))
               .filter(self.user_model.id == int(pk)).one_or_none())
        if row is None:
            return None
        user = row[0]
        if has_request_context():
            g._user_figures = (user.id, {name: row[i + 1] for i, name in enumerate(figures)})
        return user if user.is_active else None

    @staticmethod
    def user_figure(name, user_id):
        """A figure loaded with the request's user, or None when not loaded (another
        user, outside a request, or dropped by `forget_user_figure`)."""
        if not has_request_context():
            return None
        loaded_for, figures = g.get("_user_figures", (None, {}))
        return figures.get(name) if loaded_for == user_id else None

    @staticmethod
    def forget_user_figure(name):
        """This request changed what the figure counts: the next read asks the database."""
        if has_request_context() and "_user_figures" in g:
            g._user_figures[1].pop(name, None)

    def _pairs_of_roles(self, role_ids):
        rows = (
            self.session.query(self.permission_model.name, self.viewmenu_model.name)
            .select_from(self.permissionview_model)
            .join(assoc_permissionview_role,
                  self.permissionview_model.id == assoc_permissionview_role.c.permission_view_id)
            .join(self.permission_model)
            .join(self.viewmenu_model)
            .filter(assoc_permissionview_role.c.role_id.in_(role_ids))
        )
        return frozenset(rows)

    def _cached_pairs(self, role_ids):
        if not has_request_context():  # CLI and workers: no cache that could go stale
            return self._pairs_of_roles(role_ids)
        cache = g.setdefault("_permission_pairs", {})
        if role_ids not in cache:
            cache[role_ids] = role_pairs(role_ids, lambda: self._pairs_of_roles(role_ids))
        return cache[role_ids]

    def has_access(self, permission_name, view_name):
        """FAB's answer, remembered for the rest of the request: a page asks about
        every menu entry and button, many of them more than once."""
        if not has_request_context():
            return super().has_access(permission_name, view_name)
        user = g.get("user")
        key = (getattr(user, "id", None), permission_name, view_name)
        answers = g.setdefault("_access_answers", {})
        if key not in answers:
            answers[key] = super().has_access(permission_name, view_name)
        return answers[key]

    def access_fingerprint(self):
        """Everything that decides this request's has_access answers, as a hashable key
        (the menu bar is cached by it, app/menu_cache.py): the logged-in user's roles and
        their permission set, or the public role's. None where FAB decides another way
        (an API key or a JWT): no cache then."""
        if not has_request_context() or g.get("_api_key_user") \
                or request.headers.get("Authorization") or g.get("user") is None:
            return None
        if current_user.is_authenticated:
            user = self._get_safe_user(g.user)
            if user is None or not user.is_active:
                return ("inactive",)
            roles = self.get_user_roles(user)
            if _outside_the_api(roles):
                return ("outside the API",)
            builtin = tuple(sorted(r.name for r in roles if r.name in self.builtin_roles))
            role_ids = tuple(sorted(r.id for r in roles if r.name not in self.builtin_roles))
            return ("user", builtin, role_ids,
                    self._cached_pairs(role_ids) if role_ids else frozenset())
        role = self._cached_public_role()
        return ("public", self._cached_pairs((role.id,)) if role is not None else frozenset())

    def _has_view_access(self, user, permission_name, view_name):
        roles = self.get_user_roles(user)
        if _outside_the_api(roles):
            return False
        if any(role.name in self.builtin_roles
               and self._has_access_builtin_roles(role, permission_name, view_name)
               for role in roles):
            return True
        role_ids = tuple(sorted(r.id for r in roles if r.name not in self.builtin_roles))
        return bool(role_ids) and (permission_name, view_name) in self._cached_pairs(role_ids)

    def is_item_public(self, permission_name, view_name):
        role = self._cached_public_role()
        if role is None:
            return False
        return (permission_name, view_name) in self._cached_pairs((role.id,))

    def _cached_public_role(self):
        if not has_request_context():
            return self.get_public_role()
        if "_public_role" not in g:
            g._public_role = self.get_public_role()
        return g._public_role
