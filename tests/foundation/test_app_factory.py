"""One create_app() factory; no app and no database work at import or at start."""
import subprocess
import sys
from pathlib import Path

from app import create_app

ROOT = Path(__file__).resolve().parents[2]
NO_DATABASE = "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=1"


def test_importing_the_package_makes_no_app(tmp_path):
    code = ("import flask, app, app.models, app.security.roles; "
            "print(flask.current_app.__class__.__name__ if flask.has_app_context() else 'none', "
            "[n for n in vars(app) if isinstance(getattr(app, n), flask.Flask)])")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "INSTANCE_PATH": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["none", "[]"]


def test_the_app_is_built_without_touching_the_database(tmp_path):
    """Nothing answers on port 9: a query during create_app() would fail it."""
    app = create_app("config.TestConfig", SQLALCHEMY_DATABASE_URI=NO_DATABASE,
                     UPLOAD_FOLDER=str(tmp_path))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == NO_DATABASE
    assert "service_requests" in app.blueprints or any(
        bp.startswith("sr_") for bp in app.blueprints)
    assert {"roles", "mail", "demo"} <= set(app.cli.commands)
