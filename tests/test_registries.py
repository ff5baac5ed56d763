"""The registries against the code and the documentation: settings (newsmon.registry), spider arguments
(newsmon.crawl.arguments), Request.meta keys (newsmon.meta), stat names (newsmon.stats), record fields (the
record's JSON Schema). The reference tables of docs/reference/ are written from them by
``python -m newsmon.docs``; a name renamed or added in one place only, or a table not regenerated, fails
here. The README lists no rows: it is the short guide (tests/test_readme.py)."""

from __future__ import annotations

import ast
import inspect
import json
import re
from pathlib import Path

import pytest

from newsmon import docs, meta, stats
from newsmon.meta import META_KEYS, Tier
from newsmon.stats import STATS

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "newsmon"
DOCS = ROOT / "docs"

# Files that may hold bare "newsmon/..." strings and "PLAIN"/"STEALTHY" literals: none (the registries
# themselves are exempt by name).
BARE_STAT_NAMES_ALLOWED: tuple[str, ...] = ()
TIER_LITERALS_ALLOWED: frozenset[str] = frozenset()


def reference_text() -> str:
    return "\n".join(page.read_text(encoding="utf-8") for page in docs.pages(DOCS))


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


# --- the generated reference -------------------------------------------------------------------------------
def test_reference_pages_are_up_to_date() -> None:
    out_of_date = [page.name for page in docs.stale(DOCS)]
    assert out_of_date == [], "run `python -m newsmon.docs` and commit docs/reference/"


def test_every_generated_table_has_a_page() -> None:
    found = [name for page in docs.pages(DOCS) for name in docs.blocks_in(page.read_text(encoding="utf-8"))]
    assert sorted(found) == sorted(docs.BLOCKS), "each table once, on one page of docs/reference/"


def test_a_stale_table_is_seen(tmp_path: Path) -> None:
    (tmp_path / "reference").mkdir()
    page = tmp_path / "reference" / "meta-keys.md"
    fresh = docs.render(
        f"# Keys\n\n{docs.BEGIN.format(name='meta-keys')}\n\n{docs.END.format(name='meta-keys')}\n"
    )
    page.write_text(fresh.replace("`newsmon_kind`", "`newsmon_kinds`"), encoding="utf-8")
    assert docs.stale(tmp_path) == [page]
    assert docs.main(["--docs", str(tmp_path), "--check"]) == 1
    assert docs.main(["--docs", str(tmp_path)]) == 0
    assert page.read_text(encoding="utf-8") == fresh and docs.stale(tmp_path) == []


def test_generated_rows_name_every_entry() -> None:
    from newsmon.registry import SETTINGS
    from newsmon.schema import record_schema

    text = reference_text()
    names = [
        *(option.name for option in SETTINGS),
        *(key for key, _ in META_KEYS),
        *(stat.pattern for stat in STATS),
        *record_schema()["properties"],
    ]
    assert [name for name in names if f"`{name}`" not in text] == []


# --- every entry has a description -------------------------------------------------------------------------
def test_every_setting_has_a_description() -> None:
    from newsmon.registry import SETTINGS

    assert [o.name for o in SETTINGS if len(o.doc.split()) < 2] == []
    assert len({o.name for o in SETTINGS}) == len(SETTINGS), "a setting declared twice"


def test_every_record_field_has_a_description() -> None:
    from newsmon.schema import record_schema

    properties = record_schema()["properties"]
    assert [name for name, spec in properties.items() if not spec.get("description", "").strip()] == []


def test_every_stat_and_meta_key_has_a_description() -> None:
    assert [s.pattern for s in STATS if not s.doc.strip()] == []
    assert [key for key, doc in META_KEYS if not doc.strip()] == []


# --- Request.meta keys --------------------------------------------------------------------------------------
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
    assert unknown == [], "register these in newsmon/stats.py (then run python -m newsmon.docs)"


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


def test_spider_arguments_are_documented() -> None:
    from newsmon.crawl.arguments import SPIDER_ARGUMENT_DOCS, SPIDER_ARGUMENTS

    assert sorted(SPIDER_ARGUMENT_DOCS) == sorted(SPIDER_ARGUMENTS)
    assert [name for name, (default, doc) in SPIDER_ARGUMENT_DOCS.items() if not (default and doc)] == []
