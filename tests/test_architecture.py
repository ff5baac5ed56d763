"""The module layout stays layered: no import cycle between newsmon's packages and top-level modules.

Every import counts, module-level or inside a function (a lazy import is still a dependency), except those
under ``if TYPE_CHECKING:``. The package root (``newsmon/__init__.py``) only re-exports ``Addon`` and
``NewsSpider`` lazily and is left out.
"""

from __future__ import annotations

import ast
import functools
import re
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "newsmon"


@functools.cache
def parsed(path: Path) -> ast.Module:
    """A module's syntax tree, parsed once for all the scans below (each walks every file of newsmon)."""
    return ast.parse(path.read_text(encoding="utf-8"))


def _unit(module: str) -> str:
    """newsmon.<package>.* -> <package>; newsmon.<module> -> <module>."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "newsmon"


def _imports(path: Path, module: str) -> set[str]:
    tree = parsed(path)
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


@functools.cache  # the graph of the checkout, for the cycle test and each layer pair
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
        ("report", "crawl"),  # the report reads what crawls left; it never crawls
        ("report", "fetch"),
        ("report", "commands"),
        ("sweep", "commands"),  # a sweep runs under a command and does not know which
        ("sweep", "cli"),
        ("commands", "cli"),  # the Scrapy commands and the newsmon command line stand side by side
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


def test_the_command_line_is_the_top_and_the_resources_the_bottom() -> None:
    """Nothing imports the `newsmon` command line (newsmon/cli/); the process resources import nothing of
    newsmon but the option declarations, so every layer may be handed them."""
    graph = package_graph()
    assert "cli" in graph and not [unit for unit, targets in graph.items() if "cli" in targets]
    assert graph.get("resources", set()) <= {"options"}


def test_the_check_sees_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


# --- issue 22 item 1: private internals of dependencies only in newsmon/compat.py ------------------------
COMPAT = ROOT / "compat.py"


def _own_module(name: str) -> bool:
    return name == "newsmon" or name.startswith("newsmon.")


def private_touches(path: Path) -> list[str]:
    """Private names of other objects a module touches: ``x._name`` where x is not self/cls, ``getattr(x,
    "_name")`` and friends, and imports of a dependency's private module or name."""
    tree = parsed(path)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            if not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                found.append(f"{path.name}:{node.lineno} .{node.attr}")
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) in (
            "getattr",
            "hasattr",
            "setattr",
        ):
            if len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                name = str(node.args[1].value)
                if name.startswith("_") and not name.startswith("__"):
                    found.append(f"{path.name}:{node.lineno} {name!r}")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if not _own_module(node.module):
                names = [node.module, *(a.name for a in node.names)]
                parts = [p for n in names for p in n.split(".")]
                if any(p.startswith("_") and not p.startswith("__") for p in parts):
                    found.append(f"{path.name}:{node.lineno} from {node.module}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if not _own_module(alias.name) and any(p.startswith("_") for p in alias.name.split(".")):
                    found.append(f"{path.name}:{node.lineno} import {alias.name}")
    return found


# Underscore names that are public API: lxml documents its element classes under these names (and types
# them so); namedtuple's _replace and os._exit are documented.
PUBLIC_UNDERSCORE = {"_Element", "_ElementUnicodeResult", "_replace", "_asdict", "_fields", "_exit"}


def own_private_names() -> set[str]:
    """Underscore names newsmon defines itself (functions, methods, attributes, classes, constants)."""
    names: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if path == COMPAT:
            continue
        for node in ast.walk(parsed(path)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names.add(node.target.id)
    return {n for n in names if n.startswith("_")}


def test_no_private_name_of_a_dependency_outside_compat() -> None:
    allowed = PUBLIC_UNDERSCORE | own_private_names()
    touches = [
        t
        for path in sorted(ROOT.rglob("*.py"))
        if path != COMPAT
        for t in private_touches(path)
        if t.split()[-1].lstrip(".").strip("'") not in allowed
    ]
    assert not touches, "private internals outside newsmon/compat.py: " + ", ".join(touches)


def test_the_private_name_scan_sees_them(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from twisted.web._newclient import ResponseFailed\n"
        "from twisted.web.client import _private\n"
        "slot = engine._slot\n"
        "slot = getattr(engine, '_slot', None)\n"
        "self._mine = 1\n"
        "super()._create_page()\n",
        encoding="utf-8",
    )
    assert len(private_touches(sample)) == 5
    assert private_touches(COMPAT), "compat.py is where they are"
    own = own_private_names()
    assert "_spider_idle" in own  # NewsSpider's own method, called on the spider it built
    assert not own & {"_slot", "_io_refs", "_maybe_launch_browser", "_create_crawler", "_newclient"}


def test_no_private_method_of_a_dependency_overridden_outside_compat() -> None:
    """A class outside compat.py never defines a method a dependency's base class defines privately."""
    import importlib
    import inspect

    overrides = []
    for path in sorted(ROOT.rglob("*.py")):
        if path == COMPAT:
            continue
        module_name = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts).removesuffix(".__init__")
        module = importlib.import_module(module_name)
        for cls in vars(module).values():
            if not inspect.isclass(cls) or cls.__module__ != module_name:
                continue
            foreign = [b for b in cls.__mro__[1:] if not _own_module(b.__module__) and b is not object]
            for name, value in vars(cls).items():
                private = name.startswith("_") and not name.startswith("__") and not name.endswith("_")
                if private and inspect.isfunction(value) and any(name in vars(b) for b in foreign):
                    overrides.append(f"{module_name}.{cls.__name__}.{name}")
    assert not overrides, "private methods of dependencies overridden outside compat.py: " + ", ".join(
        overrides
    )


# --- issue 22 item 5: process-wide state only in newsmon/resources.py -------------------------------------
RESOURCES = ROOT / "resources.py"
MUTATORS = {
    "append",
    "extend",
    "insert",
    "add",
    "update",
    "setdefault",
    "pop",
    "popitem",
    "remove",
    "discard",
}
MUTATORS |= {"clear", "appendleft", "sort", "reverse"}
# Filled once while the module is imported (every stat name registers itself), frozen into stats.STATS.
IMPORT_TIME_REGISTRIES = {("stats.py", "_TABLE")}


def _root(node: ast.expr) -> ast.expr:
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return node


def _is_dataclass(node: ast.ClassDef) -> bool:
    return any("dataclass" in ast.unparse(d) for d in node.decorator_list)


def module_state(path: Path) -> list[str]:
    """Module globals (and class attributes shared by every instance) that a function changes: an item
    set or deleted, a mutating method called, or a ``global`` rebound."""
    tree = parsed(path)
    globals_: set[str] = set()
    shared: dict[str, set[str]] = {}  # class -> attributes defined on the class, not per instance
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            globals_.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.ClassDef) and not _is_dataclass(node):
            attrs = {
                t.id
                for b in node.body
                if isinstance(b, ast.Assign | ast.AnnAssign) and b.value is not None
                for t in (b.targets if isinstance(b, ast.Assign) else [b.target])
                if isinstance(t, ast.Name)
            }
            per_instance = {
                n.attr
                for n in ast.walk(node)
                if isinstance(n, ast.Attribute)
                and isinstance(n.ctx, ast.Store)
                and ast.unparse(n.value) == "self"
            }
            shared[node.name] = attrs - per_instance
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        params = {a.arg for a in [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]}
        for node in ast.walk(function):
            if isinstance(node, ast.Global):
                found.extend(f"{path.name}:{node.lineno} global {name}" for name in node.names)
                continue
            if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store | ast.Del):
                target: ast.expr = node
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in MUTATORS
            ):
                target = node.func.value
            else:
                continue
            root = _root(target)
            known = isinstance(root, ast.Name) and root.id in globals_ and root.id not in params
            if known and (path.name, ast.unparse(root)) not in IMPORT_TIME_REGISTRIES:
                found.append(f"{path.name}:{node.lineno} {ast.unparse(root)}")
            while isinstance(target, ast.Subscript):
                target = target.value
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                for cls, attrs in shared.items():
                    if target.attr in attrs and target.value.id in ("self", "cls", cls):
                        found.append(f"{path.name}:{node.lineno} {cls}.{target.attr}")
    return found


def test_no_module_level_mutable_state_outside_the_process_resources() -> None:
    """What the crawls of a process share lives in one object (newsmon/resources.py), not in module
    globals or class attributes scattered over newsmon."""
    state = [s for path in sorted(ROOT.rglob("*.py")) if path != RESOURCES for s in module_state(path)]
    assert not state, "process-wide state outside newsmon/resources.py: " + ", ".join(state)


# Where the process's own resources (not the command's) are right: an extraction worker process, which no
# command runs and which gets no settings (its template cache).
OWN_RESOURCES_ALLOWED = {"resources.py", "template.py"}


def fallback_calls(path: Path) -> list[str]:
    """Calls that reach the process's own resources instead of those handed down: ``process_resources()``
    with no argument, or ``ProcessResources.current``."""
    found = []
    for node in ast.walk(parsed(path)):
        if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("process_resources"):
            if not node.args and not node.keywords:
                found.append(f"{path.name}:{node.lineno} process_resources()")
        elif (
            isinstance(node, ast.Attribute)
            and node.attr == "current"
            and ast.unparse(node.value).endswith("ProcessResources")
        ):
            found.append(f"{path.name}:{node.lineno} ProcessResources.current")
    return found


def test_components_use_the_resources_the_command_hands_down() -> None:
    """The command owns the resources and hands them down in the settings (newsmon/resources.py): a
    component takes ``resources_of(crawler.settings)`` or what its caller passed, never the process's own."""
    found = [
        f
        for path in sorted(ROOT.rglob("*.py"))
        if path.name not in OWN_RESOURCES_ALLOWED
        for f in fallback_calls(path)
    ]
    assert not found, "process resources not handed down: " + ", ".join(found)


def test_the_fallback_scan_sees_it(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "a = process_resources()\n"
        "b = resources.process_resources()\n"
        "c = process_resources(given)\n"
        "d = ProcessResources.current\n",
        encoding="utf-8",
    )
    assert fallback_calls(sample) == [
        "sample.py:1 process_resources()",
        "sample.py:2 process_resources()",
        "sample.py:4 ProcessResources.current",
    ]


def test_the_module_state_scan_sees_it(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "_slots = {}\n"
        "_armed = None\n"
        "class Lease:\n"
        "    _pools = {}\n"
        "    def __init__(self):\n"
        "        self.mine = []\n"
        "        self._pools[1] = 2\n"
        "        self.mine.append(1)\n"
        "def f(loop, _slots_too):\n"
        "    _slots[loop] = 1\n"
        "    del _slots[loop]\n"
        "    _slots.setdefault(loop, 2)\n"
        "    global _armed\n",
        encoding="utf-8",
    )
    assert sorted(module_state(sample)) == [
        "sample.py:10 _slots",
        "sample.py:11 _slots",
        "sample.py:12 _slots",
        "sample.py:13 global _armed",
        "sample.py:7 Lease._pools",
    ]


# --- issue 22 item 2: the crawl context is built in one place ----------------------------------------------
def test_the_crawl_context_has_one_constructor_call_site() -> None:
    """Only CrawlContext.of builds the context (``cls(...)``); everyone else asks ``of`` for it, and the
    news spider's part is attached once (``attach_news``), never field by field."""
    calls = []
    for path in sorted(ROOT.rglob("*.py")):
        tree = parsed(path)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and ast.unparse(node.func) in (
                "CrawlContext",
                "context.CrawlContext",
            ):
                calls.append(f"{path.name}:{node.lineno}")
            if path.name == "context.py" and isinstance(node, ast.Call) and ast.unparse(node.func) == "cls":
                calls.append(f"{path.name}:{node.lineno}")
            fields = ("news", "config", "frontier", "request_for")
            stored = (
                isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and node.attr in fields
            )
            if stored and path.name != "context.py" and "context" in ast.unparse(node.value).lower():
                calls.append(f"{path.name}:{node.lineno} sets {node.attr}")
    assert len(calls) == 1 and calls[0].startswith("context.py:"), calls


def slot_writes(tree: ast.AST, slots: set[str]) -> list[tuple[str, int]]:
    """``(slot, line)`` for every ``<...context...>.<slot>.set(...)`` in ``tree``, also through a local name
    bound to the slot first (``slot = CrawlContext.of(crawler).state; slot.set(...)``), and every
    ``attach_news`` call (the news slot's setter)."""

    def slot_of(node: ast.expr, bound: dict[str, str]) -> str | None:
        if isinstance(node, ast.Name):
            return bound.get(node.id)
        if (
            isinstance(node, ast.Attribute)
            and node.attr in slots
            and "context" in ast.unparse(node.value).lower()
        ):
            return node.attr
        return None

    writes: list[tuple[str, int]] = []
    scopes = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.Module)]
    for scope in scopes:
        bound: dict[str, str] = {}
        for node in ast.walk(scope):
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
            ):
                name = slot_of(node.value, {})
                if name is not None:
                    bound[node.targets[0].id] = name
        for node in ast.walk(scope):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr == "set":
                    name = slot_of(node.func.value, bound)
                    if name is not None:
                        writes.append((name, node.lineno))
                elif node.func.attr == "attach_news":
                    writes.append(("news", node.lineno))
    return sorted(set(writes))


def test_no_component_writes_another_components_slot_of_the_context() -> None:
    """Each slot of the crawl context (``Slot``) is set by the one module it names as its owner; the
    context's own fields are assigned nowhere else."""
    from scrapy.utils.test import get_crawler

    from newsmon.context import CrawlContext

    context = CrawlContext.of(get_crawler())
    owners = {slot.name: slot.owner for slot in context.slots()}
    assert set(owners) == {"news", "state", "sources", "settlement", "sinks", "levels"}
    wrong, seen = [], set()
    for path in sorted(ROOT.rglob("*.py")):
        module = ".".join(("newsmon", *path.relative_to(ROOT).with_suffix("").parts)).removesuffix(
            ".__init__"
        )
        tree = parsed(path)
        for name, line in slot_writes(tree, set(owners)):
            if module == "newsmon.context":
                continue
            seen.add(name)
            if module != owners[name]:
                wrong.append(f"{module}:{line} sets {name} (owner: {owners[name]})")
        for node in ast.walk(tree):
            stored = isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
            if (
                stored
                and module != "newsmon.context"
                and node.attr in (*owners, "spidercls", "settings", "resources")
            ) and "context" in ast.unparse(node.value).lower():
                wrong.append(f"{module}:{node.lineno} assigns context.{node.attr}")
    assert seen == set(owners), f"the scan lost a slot's owner: saw {sorted(seen)}"  # it really sees them
    assert not wrong, wrong


def test_the_slot_scan_sees_a_foreign_write() -> None:
    sample = ast.parse(
        "def f(crawler):\n"
        "    CrawlContext.of(crawler).state.set(1)\n"
        "    slot = self.context.sinks\n"
        "    slot.set(None)\n"
        "    other.set(2)\n"
        "    context.attach_news(n)\n"
    )
    assert slot_writes(sample, {"state", "sinks"}) == [("news", 6), ("sinks", 4), ("state", 2)]


def test_the_run_lock_is_taken_by_name_not_as_a_side_effect() -> None:
    """``StateBackend.take_lock`` is called by the state extension only (as the crawl is built); building
    or asking for the backend takes nothing (tests/test_context.py)."""
    callers = []
    for path in sorted(ROOT.rglob("*.py")):
        for node in ast.walk(parsed(path)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "take_lock"
            ):
                callers.append(str(path.relative_to(ROOT)))
    assert callers == ["state/extension.py"], callers


# --- issue 22 item 6: every docstring true, as far as the files it names --------------------------------
REPO = ROOT.parent
# a repository path in prose: newsmon/fetch/handler.py, tests/test_x.py, deploy/cron/newsmon.cron ...
NAMED_PATH = re.compile(
    r"(?<![\w/.-])((?:newsmon|tests|bench|scripts|deploy)/[\w./-]*\w\.(?:py|toml|json|cfg|sh))"
)


def named_paths(text: str) -> set[str]:
    return set(NAMED_PATH.findall(text))


def test_every_file_named_in_the_code_and_docs_exists() -> None:
    """A docstring or comment under newsmon/ (or a docs page) that points at a file points at one that is
    there: a module moved or never written is named nowhere."""
    sources = [*sorted(ROOT.rglob("*.py")), *sorted((REPO / "docs").rglob("*.md")), REPO / "README.md"]
    missing = sorted(
        f"{path.relative_to(REPO)}: {name}"
        for path in sources
        for name in named_paths(path.read_text(encoding="utf-8"))
        if not (REPO / name).exists()
    )
    assert not missing, "files named but not there: " + ", ".join(missing)


def test_the_named_path_scan_sees_them() -> None:
    text = (
        '"""Shares one Chromium (newsmon/fetch/browser_share.py); see newsmon/cli/__init__.py and\n'
        'tests/test_sweep.py, not other/newsmon/x.py nor newsmon/fetch/ alone."""\n'
        "# newsmon/commands/sweep.py:run_sweep\n"
    )
    assert named_paths(text) == {
        "newsmon/fetch/browser_share.py",
        "newsmon/cli/__init__.py",
        "tests/test_sweep.py",
        "newsmon/commands/sweep.py",
    }
    assert not (REPO / "newsmon/fetch/browser_share.py").exists()
