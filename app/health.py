"""GET /healthz for load balancers: the database and (when configured) Redis answer.

Public, not rate limited, no session: 200 {"database": "ok", ...} or 503 naming what failed.
"""
import logging

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from .extensions import db
from .shared_store import redis_client

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


def _check_database():
    db.session.execute(text("SELECT 1"))
    db.session.rollback()


def _check_redis():
    redis_client(current_app).ping()


@bp.route("/healthz", methods=["GET"])
def healthz():
    checks = {"database": _check_database}
    if redis_client(current_app) is not None:
        checks["redis"] = _check_redis
    result, healthy = {}, True
    for name, check in checks.items():
        try:
            check()
            result[name] = "ok"
        except Exception as exc:  # any failure is an answer here, never a 500
            healthy = False
            result[name] = "unreachable"
            log.warning("health check: %s unreachable: %s", name, type(exc).__name__)
            if name == "database":
                db.session.rollback()
    response = jsonify(status="ok" if healthy else "unavailable", **result)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def register_health(app):
    app.register_blueprint(bp)
    app.appbuilder.sm.limiter.exempt(bp)
