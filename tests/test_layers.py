"""Each layer imports only the layers below it (docs/architecture.md)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BLUEPRINTS = sorted(
    p.name
    for p in (ROOT / "app").iterdir()
    if p.is_dir() and p.name not in {"services", "static", "__pycache__"}
)


def _imports(path: Path) -> Iterator[tuple[int, str, tuple[str, ...]]]:
    """(line, module, names) for every import of a file, relative ones resolved."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, ()
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            yield node.lineno, module, tuple(alias.name for alias in node.names)


def _modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _top(module: str) -> str:
    return module.split(".")[0]


def _violations(folder: str, forbidden: object) -> list[str]:
    found = []
    for path in _modules(folder):
        for line, module, names in _imports(path):
            why = forbidden(module, names)  # type: ignore[operator]
            if why:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {module}: {why}")
    return found


@pytest.mark.parametrize("folder", ["survey", "insights"])
def test_pure_packages_import_no_web_stack_and_no_app(folder: str) -> None:
    def forbidden(module: str, _: tuple[str, ...]) -> str | None:
        if _top(module) in {"flask", "sqlalchemy", "flask_sqlalchemy", "app", "models", "werkzeug"}:
            return "pure code takes plain data"
        if folder == "survey" and _top(module) == "insights":
            return "survey sits below insights"
        return None

    assert _violations(folder, forbidden) == []


def test_models_know_nothing_of_the_app() -> None:
    def forbidden(module: str, _: tuple[str, ...]) -> str | None:
        if _top(module) in {"app", "flask"}:
            return "models are tables only"
        return None

    assert _violations("models", forbidden) == []


def test_services_import_no_blueprint_and_no_request() -> None:
    def forbidden(module: str, names: tuple[str, ...]) -> str | None:
        parts = module.split(".")
        if parts[0] == "app" and len(parts) > 1 and parts[1] in BLUEPRINTS:
            return "a service never depends on a view"
        if module == "flask" and {"request", "session", "g", "render_template"} & set(names):
            return "services take their inputs as arguments"
        return None

    assert _violations("app/services", forbidden) == []


def test_blueprints_do_not_import_each_others_views() -> None:
    found = []
    for blueprint in BLUEPRINTS:
        for path in _modules(f"app/{blueprint}"):
            for line, module, _ in _imports(path):
                parts = module.split(".")
                if (
                    parts[0] == "app"
                    and len(parts) > 2
                    and parts[1] in BLUEPRINTS
                    and parts[1] != blueprint
                    and parts[2] == "views"
                ):
                    found.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert found == []
