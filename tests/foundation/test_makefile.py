"""The two commands' plan (`make -n`): venv made when missing, reinstalled when
requirements.txt changes, and `make run` doing every step and stopping its worker."""
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALL = "pip install --quiet -r requirements.txt"

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")


def _plan(folder, target):
    # Under `make test` the environment carries MAKELEVEL/MAKEFLAGS, which would make this
    # inner make print "Entering/Leaving directory" lines around the plan.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
    result = subprocess.run(["make", "-n", "--no-print-directory", target], cwd=folder,
                            capture_output=True, text=True, timeout=30, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def clone(tmp_path):
    for name in ("Makefile", "requirements.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def test_make_test_on_a_fresh_clone_makes_the_venv_and_installs(clone):
    plan = _plan(clone, "test")
    assert "-m venv .venv" in plan and INSTALL in plan
    assert "pybabel compile" in plan
    assert plan.rstrip().splitlines()[-1].startswith(".venv/bin/python -m pytest")


def test_installed_venv_is_reused_and_refreshed_when_requirements_change(clone):
    (clone / ".venv/bin").mkdir(parents=True)
    (clone / ".venv/.installed").touch()
    later = time.time() + 10
    os.utime(clone / ".venv/.installed", (later, later))
    assert INSTALL not in _plan(clone, "test")
    even_later = later + 10
    os.utime(clone / "requirements.txt", (even_later, even_later))
    assert INSTALL in _plan(clone, "test")


def test_make_run_migrates_syncs_loads_demo_serves_with_gunicorn_and_stops_its_worker(clone):
    plan = _plan(clone, "run")
    steps = ["flask db upgrade", "flask roles sync", "flask demo load", "flask mail worker",
             "gunicorn -c gunicorn.conf.py"]
    positions = [plan.index(step) for step in steps]
    assert positions == sorted(positions), plan
    # the background worker is killed whenever the server's shell ends
    trap = next(line for line in plan.splitlines() if line.lstrip().startswith("trap"))
    assert "mail-worker.pid" in trap and all(s in trap for s in ("EXIT", "INT", "TERM"))
