"""No app uses another app's private names (`_name`): what an app shares, it names publicly.

The layer order is import-linter's job (`make lint`, [tool.importlinter] in pyproject.toml); it
cannot see names, so this test reads the source: `from invoicetron.<other app>… import _name`,
`import invoicetron.<other app>._module`, and `module._name` on a module imported from another app.
"""

from __future__ import annotations

import ast
from pathlib import Path

import invoicetron

SOURCE = Path(invoicetron.__file__).parent

# Uses other engineers remove (issue 18); the integrator deletes each line after the merge.
PENDING: set[str] = set()
# Django's documented model API, public despite the underscore.
DJANGO_PUBLIC = {"_meta", "_default_manager", "_base_manager"}


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name not in DJANGO_PUBLIC


def _app(module: str) -> str:
    """The app (or top-level module) of `invoicetron.app.x`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "invoicetron" else ""


def _module_of(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def private_uses(module: str, source: str, *, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, name) for each private name of another app that `module`'s `source` uses."""
    package = module if is_package else module.rpartition(".")[0]
    own_app = _app(module)
    found: list[tuple[int, str]] = []
    other_modules: set[str] = set()  # local names bound to another app's modules
    tree = ast.parse(source, module)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolved against this file's package
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            if _app(base) in ("", own_app):
                continue
            if any(_private(part) for part in base.split(".")):
                found.append((node.lineno, base))
            for alias in node.names:
                if _private(alias.name):
                    found.append((node.lineno, f"{base}.{alias.name}"))
                else:
                    other_modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if _app(alias.name) not in ("", own_app):
                    if any(_private(part) for part in alias.name.split(".")):
                        found.append((node.lineno, alias.name))
                    other_modules.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and _private(node.attr)
            and isinstance(node.value, ast.Name)
            and node.value.id in other_modules
        ):
            found.append((node.lineno, f"{node.value.id}.{node.attr}"))
    return sorted(found)


def test_the_checker_finds_private_names_of_other_apps() -> None:
    source = (
        "from invoicetron.billing.views.drafts import _formset, render_draft_form\n"
        "from invoicetron.billing import pdf\n"
        "from invoicetron.quotes.services import _own_private\n"
        "from .services import _also_own\n"
        "import invoicetron.billing._hidden\n"
        "pdf._render(None)\n"
        "pdf.render_document('x', {})\n"
    )
    assert private_uses("invoicetron.quotes.sample", source) == [
        (1, "invoicetron.billing.views.drafts._formset"),
        (5, "invoicetron.billing._hidden"),
        (6, "pdf._render"),
    ]


def test_no_app_uses_another_apps_private_names() -> None:
    uses = [
        f"{path.relative_to(SOURCE.parent)} {name}"
        for path in sorted(SOURCE.rglob("*.py"))
        if "migrations" not in path.parts
        for _line, name in private_uses(
            _module_of(path), path.read_text(), is_package=path.name == "__init__.py"
        )
    ]
    assert [use for use in uses if use not in PENDING] == []
    assert sorted(PENDING - set(uses)) == [], "no longer used: remove from PENDING"
