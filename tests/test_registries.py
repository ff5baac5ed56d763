"""The registries against the README and the code: settings (newsmon.registry), Request.meta keys
(newsmon.meta), stat names (newsmon.stats). A name renamed or added in one place only fails here."""

from __future__ import annotations

import ast
import inspect
import json
import re
from pathlib import Path

import pytest

from newsmon import meta, stats
from newsmon.meta import META_KEYS, Tier
from newsmon.stats import STATS

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "newsmon"
README = (ROOT / "README.md").read_text(encoding="utf-8")

# Files that may hold bare "newsmon/..." strings and "PLAIN"/"STEALTHY" literals: none (the registries
# themselves are exempt by name).
BARE_STAT_NAMES_ALLOWED: tuple[str, ...] = ()
TIER_LITERALS_ALLOWED: frozenset[str] = frozenset()


def section(heading: str) -> str:
    """The README text under ``## heading`` up to the next ``## `` heading."""
    start = README.index(f"\n## {heading}\n") + len(heading) + 5
    end = README.find("\n## ", start)
    return README[start : end if end != -1 else None]


def table_rows(text: str) -> list[list[str]]:
    """The body rows of the markdown tables in text, as stripped cells (header and rule rows left out)."""
    rows = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if not line.startswith("|") or re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", line):
            continue
        if i + 1 < len(lines) and re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", lines[i + 1]):
            continue  # a header row
        rows.append([cell.strip() for cell in line.strip().strip("|").split(" | ")])
    return rows


def code_names(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def package_modules() -> list[tuple[str, ast.Module]]:
    return [
        (path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text(encoding="utf-8"), str(path)))
        for path in sorted(PACKAGE.rglob("*.py"))
    ]


def string_literals(tree: ast.Module) -> list[tuple[int, str]]:
    """(line, text) of the string literals in tree that are not docstrings; an f-string gives its text with
    each replacement field as ``<x>``."""
    bare = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    found: list[tuple[int, str]] = []
    in_fstring: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = []
            for value in node.values:
                in_fstring.add(id(value))
                parts.append(value.value if isinstance(value, ast.Constant) else "<x>")
            found.append((node.lineno, "".join(str(p) for p in parts)))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in bare
            and id(node) not in in_fstring
        ):
            found.append((node.lineno, node.value))
    return found


def stat_literals() -> list[tuple[str, int, str]]:
    return [
        (name, line, text)
        for name, tree in package_modules()
        if name != "stats.py"
        for line, text in string_literals(tree)
        if text.startswith(stats.PREFIX)
    ]


# --- settings -----------------------------------------------------------------------------------------------
def test_readme_settings_table_is_the_settings_registry() -> None:
    from newsmon.registry import SETTINGS

    documented = {name for row in table_rows(section("Settings")) for name in code_names(row[0])}
    declared = {option.name for option in SETTINGS}
    assert documented - declared == set(), "in the README's Settings table, not in newsmon.registry.SETTINGS"
    assert declared - documented == set(), "in newsmon.registry.SETTINGS, not in the README's Settings table"


# --- Request.meta keys --------------------------------------------------------------------------------------
def test_readme_meta_table_is_meta_keys() -> None:
    documented = []
    for row in table_rows(section("Request.meta keys")):
        assert len(row) == 2, row
        (key,) = code_names(row[0])
        documented.append((key, row[1]))
    assert sorted(documented) == sorted(META_KEYS)


def test_every_meta_key_constant_is_in_the_table() -> None:
    constants = {
        value
        for name, value in vars(meta).items()
        if name.isupper() and isinstance(value, str) and value.lstrip("_").startswith("newsmon_")
    }
    keys = [key for key, _ in META_KEYS]
    assert len(keys) == len(set(keys)), "a key listed twice"
    assert constants == set(keys)


def test_tier_values_stay_plain_strings() -> None:
    assert Tier.PLAIN == "PLAIN" and Tier.STEALTHY == "STEALTHY"
    assert json.dumps({"fetcher_tier": Tier.STEALTHY}) == '{"fetcher_tier": "STEALTHY"}'
    assert f"{Tier.PLAIN}" == str(Tier.PLAIN) == "PLAIN"
    assert stats.request_by(Tier.STEALTHY, "article") == "newsmon/request/stealthy/article"


def test_no_tier_literals_outside_meta() -> None:
    found = [
        f"{name}:{line}"
        for name, tree in package_modules()
        if name != "meta.py" and name not in TIER_LITERALS_ALLOWED
        for line, text in string_literals(tree)
        if text in ("PLAIN", "STEALTHY")
    ]
    assert found == [], "use newsmon.meta.Tier"


# --- stats --------------------------------------------------------------------------------------------------
def test_readme_stats_section_is_the_stats_table() -> None:
    documented, group = [], None
    for line in section("Stats").splitlines():
        heading = re.fullmatch(r"\*\*(.+)\*\*", line)
        if heading:
            group = heading.group(1)
        elif line.startswith("| `"):
            cells = line.strip("|").split(" | ")
            assert len(cells) == 2, line
            (pattern,) = code_names(cells[0])
            documented.append((group, pattern, cells[1].strip()))
    assert documented == [(s.group, s.pattern, s.doc) for s in STATS]


def test_stats_table_is_well_formed() -> None:
    patterns = [s.pattern for s in STATS]
    assert len(patterns) == len(set(patterns)), "a name listed twice"
    assert all(p.startswith(stats.PREFIX) for p in patterns)
    constants = {
        value
        for name, value in vars(stats).items()
        if name.isupper() and isinstance(value, str) and value.startswith(stats.PREFIX) and name != "PREFIX"
    }
    assert {p for p in patterns if "<" not in p} == constants, "a fixed name without its constant"


@pytest.mark.parametrize("stat", [s for s in STATS if s.build is not None], ids=lambda s: s.pattern)
def test_family_functions_build_their_pattern(stat: stats.StatName) -> None:
    assert stat.build is not None
    arguments = ["part"] * len(inspect.signature(stat.build).parameters)
    assert stat.matches(stat.build(*arguments))
    assert stat.pattern.endswith(">")
    prefix = re.sub(r"<[^>]+>", "part", stat.pattern[: stat.pattern.rindex("<")])
    assert stat.build(*[*arguments[:-1], ""]) == prefix, "with an empty last part: the family's prefix"


def test_stat_names_spot_checks() -> None:
    assert stats.kind_failed("feed") == "newsmon/feed/failed"
    assert stats.kind_failed("article", "dns") == "newsmon/article/failed/dns"
    assert stats.kind_http_error("article", 403) == "newsmon/article/http_error/403"
    assert stats.tier_escalated("js_shell") == "newsmon/tier/escalated/js_shell"
    assert stats.extract_capped("inline") == "newsmon/extract/capped/inline"
    assert stats.known("newsmon/sitemap/challenge/challenge_503")
    assert not stats.known("newsmon/state/not_written")


def test_stat_literals_are_known() -> None:
    """Every "newsmon/..." string left in the package (an f-string's fields as <x>) is a name STATS knows,
    or a prefix of one ending in "/" (a reader summing a family)."""

    def known(text: str) -> bool:
        if not text.endswith("/"):
            return any(s.regex.fullmatch(text.replace("<x>", "x")) for s in STATS)
        parts = text.split("/")[:-1]
        return any(
            len(pattern) > len(parts)
            and all(
                a in (b, "<x>") or b.startswith("<")
                for a, b in zip(parts, pattern[: len(parts)], strict=True)
            )
            for pattern in (s.pattern.split("/") for s in STATS)
        )

    unknown = [f"{name}:{line}: {text}" for name, line, text in stat_literals() if not known(text)]
    assert unknown == [], "register these in newsmon/stats.py (and the README's Stats section)"


def test_allowlists_name_existing_files() -> None:
    for name in (*BARE_STAT_NAMES_ALLOWED, *TIER_LITERALS_ALLOWED):
        assert (PACKAGE / name).exists(), f"{name} is gone: take it off the allowlist"


def test_no_bare_stat_names_outside_stats() -> None:
    bare = [
        f"{name}:{line}: {text}"
        for name, line, text in stat_literals()
        if not name.startswith(BARE_STAT_NAMES_ALLOWED)
    ]
    assert bare == [], "use the names of newsmon.stats"


def test_readme_spider_arguments_are_the_spiders() -> None:
    from newsmon.crawl.arguments import SPIDER_ARGUMENTS

    rows = table_rows(section("Spider arguments (`-a name=value`)"))
    assert [code_names(row[0])[0] for row in rows] != []
    assert sorted(code_names(row[0])[0] for row in rows) == sorted(SPIDER_ARGUMENTS)
