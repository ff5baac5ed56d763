"""The module layout stays layered: no import cycle between newsmon's packages and top-level modules.

Every import counts, module-level or inside a function (a lazy import is still a dependency), except those
under ``if TYPE_CHECKING:``. The package root (``newsmon/__init__.py``) only re-exports ``Addon`` and
``NewsSpider`` lazily and is left out.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "newsmon"


def _unit(module: str) -> str:
    """newsmon.<package>.* -> <package>; newsmon.<module> -> <module>."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "newsmon"


def _imports(path: Path, module: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            type_only.update(id(n) for n in ast.walk(node))
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "newsmon":  # from newsmon import registry: the submodule
                found.update(f"newsmon.{alias.name}" for alias in node.names)
            elif node.module.startswith("newsmon."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("newsmon."))
    return found


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT.parent).with_suffix("")
        module = ".".join(relative.parts).removesuffix(".__init__")
        source = _unit(module)
        if source == "newsmon":
            continue
        for target in _imports(path, module):
            unit = _unit(target)
            if unit not in (source, "newsmon"):
                graph[source].add(unit)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_no_import_cycle_between_packages() -> None:
    graph = package_graph()
    assert len(graph) > 10  # the scan really saw the packages
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or ())


@pytest.mark.parametrize(
    ("lower", "upper"),
    [
        ("extract", "crawl"),  # extraction is pure: it never reaches back into the crawl
        ("extract", "fetch"),
        ("extract", "state"),
        ("state", "fetch"),  # state knows nothing of fetching
        ("state", "crawl"),
        ("fetch", "crawl"),
        ("distributed", "state"),
        ("monitors", "crawl"),
    ],
)
def test_layers(lower: str, upper: str) -> None:
    graph = package_graph()
    seen, todo = set(), [lower]
    while todo:
        node = todo.pop()
        for nxt in graph.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    assert upper not in seen, f"{lower} depends on {upper}"


def test_the_check_sees_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
