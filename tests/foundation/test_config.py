"""config.py reads the environment: SECRET_KEY kept under instance/, DATABASE_URL forms."""
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from config import database_url

ROOT = Path(__file__).resolve().parents[2]


def _config(tmp_path, expr, **env):
    """Import config.py in a fresh interpreter with this environment; print `expr`."""
    environ = {k: v for k, v in os.environ.items()
               if k not in ("SECRET_KEY", "DATABASE_URL", "INSTANCE_PATH")}
    environ.update(INSTANCE_PATH=str(tmp_path / "instance"), **env)
    result = subprocess.run([sys.executable, "-c", f"import config; print({expr})"],
                            cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_secret_key_is_generated_once_kept_under_instance_and_private(tmp_path):
    first = _config(tmp_path, "config.Config.SECRET_KEY")
    key_file = tmp_path / "instance" / "secret_key"
    assert key_file.read_text().strip() == first
    assert len(first) == 64 and int(first, 16)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # the next start (a restart, the mail worker) uses the same key: sessions survive
    assert _config(tmp_path, "config.Config.SECRET_KEY") == first
    # another installation gets its own key: no constant in code
    assert _config(tmp_path / "other", "config.Config.SECRET_KEY") != first


def test_secret_key_from_the_environment_wins_and_writes_nothing(tmp_path):
    assert _config(tmp_path, "config.Config.SECRET_KEY", SECRET_KEY="from-env") == "from-env"
    assert not (tmp_path / "instance" / "secret_key").exists()


@pytest.mark.parametrize("given, expected", [
    ("postgres://u:p@db.example:5432/bo", "postgresql+psycopg://u:p@db.example:5432/bo"),
    ("postgresql://u:p@db.example/bo", "postgresql+psycopg://u:p@db.example/bo"),
    ("postgresql+psycopg://u@h/bo", "postgresql+psycopg://u@h/bo"),
    ("sqlite:////srv/bo.db", "sqlite:////srv/bo.db"),
])
def test_database_url_forms(given, expected):
    assert database_url(given) == expected


def test_database_url_comes_from_the_environment_default_sqlite_under_instance(tmp_path):
    uri = _config(tmp_path, "config.Config.SQLALCHEMY_DATABASE_URI")
    assert uri == f"sqlite:///{tmp_path / 'instance' / 'backoffice.db'}"
    uri = _config(tmp_path, "config.Config.SQLALCHEMY_DATABASE_URI",
                  DATABASE_URL="postgres://u:p@db.example/bo")
    assert uri == "postgresql+psycopg://u:p@db.example/bo"


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="TEST_DATABASE_URL not set")
@pytest.mark.parametrize("scheme", ["postgres://", "postgresql://"])
def test_both_postgres_schemes_connect(scheme):
    url = os.environ["TEST_DATABASE_URL"].split("://", 1)[1]
    engine = sa.create_engine(database_url(scheme + url))
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT 1")).scalar() == 1
            assert engine.dialect.driver == "psycopg"
    finally:
        engine.dispose()
