"""Clear answers for bad input: the one domain error class, and the error pages."""
from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import (
    Forbidden,
    InternalServerError,
    NotFound,
    RequestEntityTooLarge,
    TooManyRequests,
)


class DomainError(Exception):
    """A business rule said no. `message` (and str()) is the translated text for the user.

    Both domains' workflow errors are this class; the unit of work (app/unit_of_work.py)
    rolls back and shows the message wherever one is raised.
    """

    def __init__(self, message):
        super().__init__(message)
        self._message = message  # may be a lazy string: translated when shown

    @property
    def message(self):
        return str(self._message)

    def __str__(self):
        return self.message


def _wants_json():
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _page(status, title, message):
    if _wants_json():
        return jsonify(message=message), status
    return render_template("error.html", title=title, message=message), status


def register_error_handlers(app):
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _page(400, _("Form expired"),
                     _("The form was open too long or came from elsewhere. "
                       "Please reload the page and try again."))

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error):
        mb = f'{app.config["MAX_CONTENT_LENGTH"] / 1024 / 1024:.3g}'
        return _page(413, _("Too large"), _("The upload is too large (at most %(mb)s MB).", mb=mb))

    @app.errorhandler(TooManyRequests)
    def too_many(error):
        return _page(429, _("Too many attempts"),
                     _("Too many attempts in a short time. Please wait a minute and try again."))

    @app.errorhandler(NotFound)
    def not_found(error):
        return _page(404, _("Not found"), _("This page does not exist (any more)."))

    @app.errorhandler(Forbidden)
    def forbidden(error):
        return _page(403, _("No access"),
                     _("Your role does not give access to this page. "
                       "Ask an administrator if you need it."))

    @app.errorhandler(InternalServerError)
    def server_error(error):
        return _page(500, _("Something went wrong"),
                     _("Something went wrong on our side. Please try again in a moment; "
                       "if it keeps happening, tell an administrator."))
