"""The private names newsmon relies on (newsmon/compat.py) hold on the installed versions of its dependencies.

An upgrade that renames, removes or changes the signature of one fails here with the entry's name and why
newsmon needs it, instead of failing a production crawl.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from newsmon import compat
from newsmon.compat import PRIVATE_USES, PrivateUse, check


@pytest.mark.parametrize("use", PRIVATE_USES, ids=lambda u: f"{u.owner.split(':')[-1]}.{u.name}")
def test_private_use_holds_on_installed_versions(use: PrivateUse) -> None:
    assert check(use) is None, check(use)


def test_every_private_name_compat_touches_is_listed() -> None:
    """No private name used in compat.py escapes the check: each ``x._name`` (not self's own), each
    ``getattr(x, "_name")`` and each overridden private method is an entry of PRIVATE_USES."""
    tree = ast.parse(Path(compat.__file__).read_text(encoding="utf-8"))
    listed = {use.name for use in PRIVATE_USES}
    used: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            if not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                used.add(node.attr)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "getattr":
            name = node.args[1]
            if isinstance(name, ast.Constant) and str(name.value).startswith("_"):
                used.add(name.value)
    used -= {"_resolve"}  # compat's own helper
    assert used, "the scan saw nothing"
    assert used <= listed, f"private names used in compat.py but not in PRIVATE_USES: {used - listed}"
    overridden = {
        name
        for cls in (compat.PlaywrightHandlerBase, compat.CrawlCommandBase)
        for name in vars(cls)
        if name.startswith("_") and not name.startswith("__") and inspect.isfunction(vars(cls)[name])
    }
    assert overridden <= listed


def test_a_moved_name_fails_with_a_clear_message() -> None:
    gone = PrivateUse("scrapy.core.engine:ExecutionEngine", "_no_such_slot", None, "wakes the engine")
    assert (
        check(gone)
        == "scrapy.core.engine:ExecutionEngine._no_such_slot is gone; newsmon needs it: wakes the engine"
    )
    changed = PrivateUse("scrapy.commands.crawl:Command", "_create_crawler", ("spider",), "keeps the crawler")
    message = check(changed)
    assert message is not None and "now takes ('spidercls',)" in message
    missing = PrivateUse("scrapy.core.no_such_module:Engine", "_slot", None, "x")
    assert "is gone" in (check(missing) or "")
    uncalled = PrivateUse(
        "scrapy.commands.crawl:Command", "_create_crawler", ("spidercls",), "y", "scrapy.shell"
    )
    assert check(uncalled) == "scrapy.shell no longer calls _create_crawler, which newsmon overrides: y"


def test_the_supported_ranges_are_pyproject_pins() -> None:
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    for package in ("scrapy", "scrapy-playwright"):
        assert f'"{package}{compat.SUPPORTED[package]}"' in pyproject, package
