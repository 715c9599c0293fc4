"""How the tests share code: through tests/fixtures, never by importing another test or conftest.

A test module that imports from another one runs (or hides) that module's tests a second time,
and fixtures imported from a conftest change scope and autouse silently. What more than one
directory needs lives in tests/fixtures (fixtures registered in tests/conftest.py); a directory's
own helper modules (not test_*.py, not conftest.py) may serve that directory only.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent
SHARED = "fixtures"


def is_test_code(path: Path) -> bool:
    return path.name == "conftest.py" or path.name.startswith("test_")


def imported_modules(path: Path, root: Path) -> list[tuple[int, Path]]:
    """(line, file) of every module under `root` that `path` imports, however it is spelled."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the importer's package upwards
                package = path.parent.relative_to(root.parent).parts
                package = package[: len(package) - (node.level - 1)]
                base = ".".join([*package, *([base] if base else [])])
            # `from tests.fixtures import factories` names a module; `... import Api` does not.
            targets = [(node.lineno, base)]
            targets += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
        else:
            continue
        for line, dotted in targets:
            file = module_file(dotted, path, root)
            if file is not None:
                found.append((line, file))
    return found


def module_file(dotted: str, importer: Path, root: Path) -> Path | None:
    parts = dotted.split(".")
    if parts[0] == root.name:
        candidate = root.parent.joinpath(*parts)
    else:  # a bare name: a sibling module in a directory without __init__.py
        candidate = importer.parent.joinpath(*parts)
    for file in (candidate.with_suffix(".py"), candidate / "__init__.py"):
        if file.is_file() and file.resolve() != importer.resolve():
            return file
    return None


def forbidden_imports(root: Path) -> list[str]:
    """Each import under `root` that breaks the rule, as `file:line imports what`."""
    problems = []
    shared = root / SHARED
    for path in sorted(root.rglob("*.py")):
        for line, target in imported_modules(path, root):
            where = f"{path.relative_to(root)}:{line} imports {target.relative_to(root)}"
            if target.is_relative_to(shared):
                continue
            if is_test_code(target):
                problems.append(f"{where}, a test module or conftest")
            elif path.is_relative_to(shared):
                problems.append(f"{where}: tests/{SHARED} must not depend on a test directory")
            elif target.parent != path.parent and target.name != "__init__.py":
                problems.append(f"{where}, another directory's helper: move it to tests/{SHARED}")
    return problems


def test_no_test_module_imports_another_test_module_a_conftest_or_another_directorys_helper() -> (
    None
):
    assert forbidden_imports(TESTS) == []


def test_the_layout_check_finds_each_kind_of_forbidden_import(tmp_path: Path) -> None:
    root = tmp_path / "tests"
    files = {
        "__init__.py": "",
        "conftest.py": "pytest_plugins = ['tests.fixtures.m']\n",
        "fixtures/__init__.py": "",
        "fixtures/m.py": "from tests.billing.helpers import x\n",
        "billing/__init__.py": "",
        "billing/conftest.py": "from tests.conftest import something\n",
        "billing/helpers.py": "x = 1\n",
        "billing/test_a.py": "from tests.billing.helpers import x\nfrom tests.fixtures import m\n",
        "billing/test_b.py": "from tests.billing.test_a import x\nfrom . import test_a\n",
        "reports/__init__.py": "",
        "reports/test_c.py": "from tests.billing import helpers\nimport tests.fixtures.m\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)

    assert forbidden_imports(root) == [
        "billing/conftest.py:1 imports conftest.py, a test module or conftest",
        "billing/test_b.py:1 imports billing/test_a.py, a test module or conftest",
        "billing/test_b.py:2 imports billing/test_a.py, a test module or conftest",
        "fixtures/m.py:1 imports billing/helpers.py: tests/fixtures must not depend on a test"
        " directory",
        "reports/test_c.py:1 imports billing/helpers.py, another directory's helper: move it to"
        " tests/fixtures",
    ]
