"""Clear answers for bad input: the one domain error class, and the error pages."""
from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import (
    BadRequest,
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


def client_data_error(error):
    """True for errors that mean "the database cannot take this value", not "we broke":
    a number out of range, text it cannot store. A safety net behind the input guard."""
    from sqlalchemy.exc import DataError, StatementError

    if isinstance(error, StatementError) and not isinstance(error, DataError):
        error = error.orig  # e.g. OverflowError wrapped while binding a parameter
    return isinstance(error, DataError | OverflowError | UnicodeEncodeError)


def _wants_json():
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _page(status, title, message):
    if _wants_json():
        return jsonify(message=message), status
    return render_template("error.html", title=title, message=message), status


def service_unavailable():
    """The page for a service we need that is down for a moment (the session store):
    503 with Retry-After, as a response object."""
    from flask import current_app

    response = current_app.make_response(_page(
        503, _("Service temporarily unavailable"),
        _("We cannot handle your request right now. Please try again in a moment.")))
    response.headers["Retry-After"] = "30"
    return response


def register_error_handlers(app):
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _page(400, _("Form expired"),
                     _("The form was open too long or came from elsewhere. "
                       "Please reload the page and try again."))

    @app.errorhandler(BadRequest)
    def bad_request(error):
        # abort(400, description) and the input guard name what is wrong; show it.
        message = error.description if error.description != BadRequest.description else _(
            "The request could not be understood. Please reload the page and try again.")
        field = getattr(error, "field", None)
        if field and _wants_json():  # the API's shape: {"message": {field: [text]}}
            return jsonify(message={field: [message]}), 400
        return _page(400, _("Not accepted"), message)

    def value_refused(error):
        if not client_data_error(error):
            raise error  # a real failure: the 500 page below, and the log
        from .extensions import db

        db.session.rollback()
        app.logger.warning("refused a value the database cannot take: %s", error)
        return _page(400, _("Not accepted"),
                     _("A value in the form or address is not valid here. "
                       "Please check what you entered."))

    from sqlalchemy.exc import StatementError

    for error_class in (StatementError, OverflowError, UnicodeEncodeError):
        app.register_error_handler(error_class, value_refused)

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
