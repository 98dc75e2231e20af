"""The code's shape: the folders are the layers, every module imports only its own package and
the floors below it, and no module imports in a circle."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# The floors, from the bottom: a module may import its own package and the floors below it,
# never a floor above nor a neighbour on its own floor. The toolkit imports no app of ours; the
# domain apps hold the models, their QuerySets and the rules; the features are built on them;
# the project package (settings, URLs, home and error pages) sits on top.
FLOORS = (
    ("kit",),
    ("organizations",),
    ("outbox",),
    ("abilities",),
    ("milestones",),
    ("observations",),
    ("checkins",),
    ("freshness",),
    ("health",),
    ("framework",),
    ("demo",),
    ("pages", "backoffice"),
    ("gruuv",),
)
PACKAGES = tuple(package for floor in FLOORS for package in floor)
# Outside the product: the benchmark and the tests may import anything.
NOT_PRODUCT = {"bench", "tests", "node_modules", "static", "templates", "docs", "test-output"}


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
    # A package's `__init__` importing its own submodules names itself: not an import of itself.
    return {name: imports_of(path, set(modules)) - {name} for name, path in modules.items()}


def floor_of(module: str) -> int:
    package = module.split(".")[0]
    return next(number for number, floor in enumerate(FLOORS) if package in floor)


def test_every_package_of_the_product_is_on_a_floor():
    found = {
        path.relative_to(ROOT).parts[0]
        for path in ROOT.glob("*/**/*.py")
        if not path.relative_to(ROOT).parts[0].startswith(".")
    }
    assert found - NOT_PRODUCT - set(PACKAGES) == set()


def test_every_module_imports_only_its_package_and_the_floors_below():
    wrong = [
        f"{module} imports {other}"
        for module, imported in import_graph().items()
        for other in imported
        if other.split(".")[0] != module.split(".")[0] and floor_of(other) >= floor_of(module)
    ]
    assert wrong == []


def test_the_toolkit_imports_no_app_of_ours():
    for module, imported in import_graph().items():
        if module.split(".")[0] == "kit":
            assert {name for name in imported if name.split(".")[0] != "kit"} == set(), module


def test_no_view_module_imports_another_app_s_views():
    """A view module is one the URLs name: only the URLs, and its own app, import it."""
    from django.urls import get_resolver

    views = set()

    def collect(patterns) -> None:
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                collect(pattern.url_patterns)
            else:
                views.add(getattr(pattern.callback, "__module__", ""))

    collect(get_resolver().url_patterns)
    ours = {view for view in views if view.split(".")[0] in PACKAGES}
    assert {"pages.ability", "pages.people", "gruuv.views"} <= ours
    wrong = [
        f"{module} imports {imported}"
        for module, imports in import_graph().items()
        for imported in imports & ours
        if module != "gruuv.urls" and module.split(".")[0] != imported.split(".")[0]
    ]
    assert wrong == []


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
