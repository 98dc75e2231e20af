"""The code's shape: models import only downwards, and no module imports in a circle."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PACKAGES = ("gruuv", "organizations", "abilities", "milestones", "observations")
# Lower layers first: a models module may import only the models of the layers before it.
MODEL_LAYERS = ("organizations", "abilities", "milestones", "observations")
# Helpers that import no app of ours, so any models module may use them.
MODEL_HELPERS = {"gruuv.content", "gruuv.timesince"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    }


def imports_of(path: Path, known: set[str]) -> set[str]:
    """Project modules `path` imports anywhere in it, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        found |= {name for name in names if name in known}
    return found


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imports_of(path, set(modules)) for name, path in modules.items()}


def test_models_import_only_downwards():
    graph = import_graph()
    for index, app in enumerate(MODEL_LAYERS):
        allowed = {f"{lower}.models" for lower in MODEL_LAYERS[:index]} | MODEL_HELPERS
        assert graph[f"{app}.models"] <= allowed, f"{app}.models imports upwards"
    for helper in MODEL_HELPERS:
        assert not graph[helper], f"{helper} must not import the apps"


def test_no_module_imports_in_a_circle():
    graph = import_graph()
    circles = []

    def visit(module: str, path: list[str]) -> None:
        for imported in graph[module]:
            if imported in path:
                circles.append([*path[path.index(imported) :], imported])
            elif imported not in done:
                visit(imported, [*path, imported])
        done.add(module)

    done: set[str] = set()
    for module in graph:
        if module not in done:
            visit(module, [module])
    assert circles == []


def test_templates_ask_permissions_never_compare_levels():
    """Templates read `may` from the view; a level literal would be a second rule."""
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        for literal in ('"admin"', '"manager"', '"member"', "'admin'", "'manager'", "'member'"):
            assert literal not in text, f"{path.relative_to(ROOT)} compares with {literal}"
        assert "is_manager" not in text and ".level ==" not in text, path
