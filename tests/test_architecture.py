"""The apps depend on each other in one order, never in a cycle.

Each app may use the apps before it in ``ORDER`` and none after it; a lower app that needs what a
higher one knows declares an extension point that the higher app answers in its ``ready()``
(``core/extensions.py``, ``core/navigation.py``). Every import counts – at the top of a module or
inside a function, where cycles usually hide – and so do dotted paths in strings (services named
in ``core.actions`` tables) and string model references (``ForeignKey("projects.Project")``).
Tests and migrations are left out: tests may build data from any app, migrations name theirs by
label.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1] / "src" / "khuyencong"
ORDER = [
    "core",
    "documents",
    "geo",
    "orgs",
    "accounts",
    "programmes",
    "establishments",
    "projects",
    "reporting",
    "periodic",
    "exchange",
    "opendata",
]
RELATIONS = {"ForeignKey", "OneToOneField", "ManyToManyField"}

Edge = tuple[str, str, str]  # (app, app it uses, where)


def _apps() -> list[str]:
    return sorted(p.parent.name for p in ROOT.glob("*/apps.py"))


def _target(dotted: str) -> str | None:
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "khuyencong" else None


def _module_name(path: Path) -> list[str]:
    return ["khuyencong", *path.relative_to(ROOT).with_suffix("").parts]


def edges_of(path: Path, app: str, apps: set[str]) -> list[Edge]:
    """Every use of another app by one module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: list[Edge] = []

    def add(target: str | None, node: ast.AST) -> None:
        if target in apps and target != app:
            found.append((app, target, f"{path}:{node.lineno}"))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(_target(alias.name), node)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                package = _module_name(path)[: -node.level]
                base = ".".join([*package, node.module] if node.module else package)
            else:
                base = node.module or ""
            if base == "khuyencong":
                for alias in node.names:
                    add(alias.name, node)
            else:
                add(_target(base), node)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            add(_target(node.value), node)
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", None))
            first = node.args[0] if node.args else None
            if name in RELATIONS and isinstance(first, ast.Constant) and isinstance(first.value, str):
                label = first.value.split(".")[0]
                add(label if "." in first.value else None, node)
    return found


def app_edges() -> list[Edge]:
    apps = set(_apps())
    edges: list[Edge] = []
    for app in sorted(apps):
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT / app).parts
            if "tests" in parts or "migrations" in parts:
                continue
            edges.extend(edges_of(path, app, apps))
    return edges


def upward(edges: list[Edge], order: list[str]) -> list[Edge]:
    """The uses of an app that comes later in the order (each one makes a cycle possible)."""
    rank = {app: i for i, app in enumerate(order)}
    return [e for e in edges if rank[e[1]] > rank[e[0]]]


def cycle(edges: list[Edge]) -> list[str] | None:
    """One cycle in the graph of apps, if there is one."""
    graph: dict[str, set[str]] = {}
    for source, target, _where in edges:
        graph.setdefault(source, set()).add(target)
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt] if nxt in path else [node, nxt]
            if nxt not in state and (found := visit(nxt, [*path, nxt])):
                return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [start])):
            return found
    return None


def test_every_app_has_its_place_in_the_order():
    labels = [a.split(".")[1] for a in settings.INSTALLED_APPS if a.startswith("khuyencong.")]
    installed = list(dict.fromkeys(a for a in labels if a in _apps()))
    assert sorted(ORDER) == _apps(), "place the new app in ORDER (and in INSTALLED_APPS the same way)"
    assert installed == ORDER


def test_no_app_uses_an_app_after_it():
    assert upward(app_edges(), ORDER) == []


def test_the_graph_of_apps_has_no_cycle():
    edges = app_edges()
    assert edges, "the imports were not read"
    assert cycle(edges) is None


def test_the_checks_see_a_cycle_and_where_it_comes_from(tmp_path):
    """The checks above can fail: a lower app importing a higher one, even inside a function."""
    module = tmp_path / "permissions.py"
    module.write_text(
        "def build_scope():\n    from khuyencong.geo.queries import province_with_predecessors\n",
        encoding="utf-8",
    )
    apps = {"core", "geo"}
    found = [(a, b) for a, b, _where in edges_of(module, "core", apps)]
    assert found == [("core", "geo")]
    edges = [("core", "geo", "x"), ("geo", "core", "y")]
    assert upward(edges, ["core", "geo"]) == [("core", "geo", "x")]
    assert cycle(edges) == ["core", "geo", "core"]
