"""The test suite's own layout: fixtures in conftest.py files, helpers in tests/helpers.py,
so that a helper is written once and no test depends on another directory's conftest."""
import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _is_fixture_or_hook(node):
    if node.name.startswith("pytest_"):
        return True
    for deco in node.decorator_list:
        target = deco.func if isinstance(deco, ast.Call) else deco
        if ast.unparse(target) in ("pytest.fixture", "pytest.hookimpl"):
            return True
    return False


def test_conftests_define_only_fixtures_and_hooks():
    stray = []
    for conftest in TESTS.rglob("conftest.py"):
        for node in ast.parse(conftest.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef) and not (
                    isinstance(node, ast.FunctionDef) and (_is_fixture_or_hook(node) or node.name.startswith("_"))):
                stray.append(f"{conftest.relative_to(TESTS)}: {node.name}")
    assert not stray, "helpers belong in tests/helpers.py: " + ", ".join(stray)


def test_nothing_is_imported_from_a_conftest():
    imports = []
    for module in TESTS.rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[-1] == "conftest":
                imports.append(f"{module.relative_to(TESTS)}: from {node.module}")
    assert not imports, "import helpers from tests.helpers, fixtures by name: " + ", ".join(imports)
