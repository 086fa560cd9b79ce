"""The back office: one Flask app, built by create_app()."""
import os
from pathlib import Path

from flask import Flask
from flask_appbuilder import AppBuilder
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from . import extensions
from .database import configure_engine

APP_DIR = Path(__file__).resolve().parent
# Packages that carry their own templates under <package>/templates/,
# addressed as "<package>/<name>.html".
TEMPLATE_PACKAGES = ("audit", "mail", "pdf", "files", "service_requests", "faults",
                     "notifications", "search", "dashboard")


def create_app(config_object="config.Config", **overrides):
    """Build the app. `overrides` win over the config object (tests use them)."""
    instance = os.environ.get("INSTANCE_PATH", str(APP_DIR.parent / "instance"))
    app = Flask(__name__, instance_path=instance, instance_relative_config=False)
    app.config.from_object(config_object)
    app.config.update(overrides)
    _shared_store_settings(app.config)
    from .logs import configure_logging

    configure_logging(app)
    if app.config.get("PROXY_COUNT"):
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    app.jinja_loader = ChoiceLoader([
        app.jinja_loader,
        PrefixLoader({name: FileSystemLoader(str(APP_DIR / name / "templates"))
                      for name in TEMPLATE_PACKAGES}),
    ])

    # Extensions by module attribute: `app.mail` is the mail package, not Flask-Mail.
    extensions.db.init_app(app)
    with app.app_context():
        configure_engine(app, extensions.db.engine)
    # Before AppBuilder: FAB exempts its API blueprints from CSRF as it makes them.
    extensions.csrf.init_app(app)
    extensions.mail.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=str(APP_DIR.parent / "migrations"))

    from . import fab_patches, models, translation_lookup  # noqa: F401  every table known before FAB starts
    from .security.input_guard import install_converters, register_input_guard
    from .security.sessions import register_sessions

    register_sessions(app)

    fab_patches.apply()  # before any view is registered: routes are made from FAB's classes
    translation_lookup.install()
    install_converters(app)
    register_input_guard(app)

    with app.app_context():
        from .security.manager import SecurityManager

        appbuilder = AppBuilder(indexview=_index_view(), base_template="base.html",
                                security_manager_class=SecurityManager)
        appbuilder.init_app(app, extensions.db.session)
        _register(app, appbuilder)

    from .security.redact import install_log_redaction, register_token_routes

    register_token_routes(app)
    install_log_redaction(app)

    from . import menu_cache
    from .errors import register_error_handlers
    from .formatting import register_template_filters
    from .health import register_health
    from .security.headers import register_security_headers

    register_template_filters(app)
    menu_cache.register(app)
    register_error_handlers(app)
    register_security_headers(app)
    register_health(app)
    from .request_log import register_request_log

    register_request_log(app)  # last: its before_request runs first
    _register_cli(app)
    return app


def _shared_store_settings(config):
    """The limiter counts where the other processes count: Redis when there is one."""
    if not config.get("RATELIMIT_STORAGE_URI"):
        config["RATELIMIT_STORAGE_URI"] = config.get("REDIS_URL") or "memory://"
    config.setdefault("RATELIMIT_KEY_PREFIX", f"{config['REDIS_KEY_PREFIX']}:limits")


def _index_view():
    from .home import HomeView

    return HomeView


def _favicon():
    from flask import current_app, send_from_directory

    return send_from_directory(current_app.static_folder, "favicon.ico",
                               mimetype="image/vnd.microsoft.icon", max_age=86400)


def _register(app, appbuilder):
    """All menus, views and APIs, one call per package."""
    app.add_url_rule("/favicon.ico", "favicon", _favicon)  # browsers ask for it on every site
    from .audit.registration import register as register_audit
    from .dashboard.registration import register as register_dashboard
    from .faults.registration import register as register_faults
    from .files.registration import register as register_files
    from .jobs.views import register as register_jobs
    from .mail.registration import register as register_mail
    from .notifications.registration import register as register_notifications
    from .search.registration import register as register_search
    from .service_requests.registration import register as register_service_requests

    register_service_requests(app, appbuilder)
    register_faults(app, appbuilder)
    register_mail(app, appbuilder)
    register_audit(app, appbuilder)
    register_files(app, appbuilder)
    register_notifications(app, appbuilder)
    register_jobs(app, appbuilder)
    register_search(app, appbuilder)
    register_dashboard(app, appbuilder)


def _register_cli(app):
    from .dashboard.cli import dashboard_cli
    from .demo.cli import demo_cli
    from .jobs.cli import jobs_cli
    from .mail.cli import mail_cli
    from .search.cli import search_cli
    from .security.cli import roles_cli
    from .service_requests.cli import requests_cli

    for group in (roles_cli, mail_cli, demo_cli, jobs_cli, search_cli, requests_cli,
                  dashboard_cli):
        app.cli.add_command(group)
