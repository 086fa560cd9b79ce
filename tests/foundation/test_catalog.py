"""`make messages` finds every text to translate, and the Dutch catalog has them all."""
import shutil
import subprocess
import sys
from pathlib import Path

import flask_appbuilder
import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PYBABEL = str(Path(sys.executable).with_name("pybabel"))


def test_every_text_in_code_and_templates_has_a_dutch_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([PYBABEL, "extract", "-F", "babel.cfg", "-k", "lazy_gettext",
                    "-o", str(pot), "."], cwd=ROOT, check=True, timeout=120,
                   capture_output=True)
    with pot.open("rb") as f:
        texts = [m.id for m in read_po(f) if m.id]
    translated = set()
    for po in (ROOT / "translations/nl/LC_MESSAGES/messages.po",
               Path(flask_appbuilder.__file__).parent / "translations/nl/LC_MESSAGES/messages.po"):
        with po.open("rb") as f:  # ours, then FAB's own (its templates' texts)
            translated |= {m.id for m in read_po(f) if m.id and m.string}
    assert len(texts) > 300  # templates and code both read (babel.cfg)
    missing = [t for t in texts if t not in translated]
    assert missing == [], f"add Dutch for: {missing}"


@pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")
def test_make_messages_extracts_and_updates():
    plan = subprocess.run(["make", "-n", "--no-print-directory", "messages"], cwd=ROOT,
                          capture_output=True, text=True, timeout=30,
                          env={"PATH": "/usr/bin:/bin"}).stdout
    assert "pybabel extract -F babel.cfg" in plan and "pybabel update" in plan
