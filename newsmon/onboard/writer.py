"""The site TOML `newsmon discover` writes: every value under comments saying what was seen, what was kept
and what was rejected, so a person can correct it. Pure: a Discovery in, text out."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from newsmon.onboard.discover import Discovery
from newsmon.onboard.labels import describe
from newsmon.onboard.sources import Source, choose_sitemaps

MAX_LISTED = 8  # rejected items listed per key (the rest counted)
WIDTH = 108  # comment lines wrap here
Add = Callable[[str], None]


def toml_string(value: str) -> str:
    """A TOML literal string when the value allows it (regular expressions read as written), else basic."""
    if "'" not in value and all(c >= " " or c == "\t" for c in value):
        return f"'{value}'" if "\\" in value else json.dumps(value, ensure_ascii=False)
    return json.dumps(value, ensure_ascii=False)


def toml_list(values: Iterable[str], indent: bool = False) -> str:
    items = [toml_string(v) for v in values]
    if not items:
        return "[]"
    if not indent and sum(len(i) + 2 for i in items) < 90:
        return "[" + ", ".join(items) + "]"
    return "[\n" + "".join(f"    {item},\n" for item in items) + "]"


def _cut(lines: list[str]) -> list[str]:
    if len(lines) <= MAX_LISTED:
        return lines
    return [*lines[:MAX_LISTED], f"  ... and {len(lines) - MAX_LISTED} more"]


def _comment(*lines: str) -> str:
    """Comment lines, long ones wrapped (a detail line's continuation indented under its text)."""
    out = []
    for line in lines:
        indent = " " * (len(line) - len(line.lstrip()) + 2)
        wrapped = textwrap.wrap(
            line, WIDTH, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
        ) or [""]
        out += [f"# {part}".rstrip() + "\n" for part in wrapped]
    return "".join(out)


def _sources(sources: list[Source]) -> list[str]:
    """Kept sources one a line; rejected ones grouped by how they were found and why."""
    kept = [f"  kept     {s.path} ({s.origin}): {s.why}" for s in sources if s.kept]
    groups: dict[tuple[str, str], list[str]] = {}
    for s in sources:
        if not s.kept:
            groups.setdefault((s.origin, s.why), []).append(s.path)
    rejected = [f"  rejected {', '.join(paths)} ({origin}): {why}" for (origin, why), paths in groups.items()]
    return kept + _cut(rejected)


def render(found: Discovery, command: str) -> str:
    """The TOML text, comments included."""
    out: list[str] = []
    add = out.append
    refused = [why for _, why in found.log.refused]
    robots_refused = sum(1 for why in refused if "robots" in why)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    add(_comment(
        f"Written by `{command}` on {stamp}.",
        "Each value was decided from what the site served; the comments say why, what was seen and what was",
        "rejected. Check them, correct what is wrong, then crawl: scrapy crawl news -a site=THIS_FILE.toml",
        f"Requests: {len(found.log.fetched)} of a budget of {found.budget} pages; {len(refused)} not made "
        f"({robots_refused} disallowed by robots.txt).",
    ))  # fmt: skip
    add(
        "\n"
        + _comment("name: the site's name, the file's too (<name>.toml); output and state are kept under it")
    )
    add(f"name = {toml_string(found.name)}\n")
    add(_comment("origin: scheme://host[:port] of the URL given; every request goes there"))
    add(f"origin = {toml_string(found.origin)}\n")
    declared = sorted(found.declared)
    add(_comment(
        "hosts: the origin's host (www. is added by itself)"
        + (f"; the home page names {', '.join(declared)} as its canonical host: links to it are this site "
           "(crawled on the origin)" if declared else "")
    ))  # fmt: skip
    add(f"hosts = {toml_list(found.hosts)}\n")
    kept_feeds = [s.path for s in found.feeds if s.kept]
    add("\n" + _comment(
        f"feeds: {len(kept_feeds)} kept of {len(found.feeds)} looked at (advertised by the home page, then "
        "the usual paths); kept when they parse with entries on this site",
        *_sources(found.feeds),
    ))  # fmt: skip
    add(f"feeds = {toml_list(kept_feeds)}\n")
    choice = choose_sitemaps(found.feeds, found.sitemaps, found.robots_listed)
    listed = ", ".join(found.robots_listed) or "none"
    add(
        _comment(
            f"sitemaps: {choice.why}", f"  robots.txt Sitemap: lines: {listed}", *_sources(found.sitemaps)
        )
    )
    add(f"sitemaps = {toml_list(choice.paths)}\n")
    add(_comment("robots_sitemaps: " + ("true: " if choice.robots else "false: ") + choice.why))
    add(f"robots_sitemaps = {'true' if choice.robots else 'false'}\n")
    _categories(found, add)
    _pattern(found, add)
    _hubs(found, add)
    zone = found.timezone
    add("\n" + _comment(
        f"timezone: for dates written without an offset. {zone.reason}",
        *([f"  also fit: {', '.join(zone.also)}"] if zone.also else []),
    ))  # fmt: skip
    add(f"timezone = {toml_string(zone.zone)}\n")
    _related(found, add)
    return "".join(out)


def _categories(found: Discovery, add: Add) -> None:
    chosen = [x for x in found.listings if x.chosen]
    lines = [f"  chosen   {x.path}: {x.why}" for x in chosen]
    lines += _cut([f"  left out {x.path}: {x.why}" for x in found.listings if not x.chosen])
    add("\n" + _comment(
        f"categories: listing pages (the home page and its navigation links, {len(found.listings)} read), "
        f"chosen by the article links they add; pagination is followed by the crawl",
        *lines,
    ))  # fmt: skip
    add(f"categories = {toml_list(x.path for x in chosen)}\n")


def _pattern(found: Discovery, add: Add) -> None:
    result = found.pattern
    lines = [
        f"article_pattern: URL paths of articles, generalised from {result.examples} example URLs "
        f"({', '.join(found.examples_from) or 'none'}) and the article pages read (with the translations and "
        "short links they give for themselves); digit runs, dates and slugs by segment"
    ]
    for shape in result.shapes:
        count = max(shape.size, shape.urls)
        lines.append(f"  shape    {shape.regex()}: {count} examples, e.g. {', '.join(shape.examples())}")
        if shape.note:
            lines.append(f"           {shape.note}")
    lines += _cut([
        f"  rejected {shape.regex()} ({', '.join(shape.examples())}): {why}" for shape, why in result.rejected
    ])  # fmt: skip
    lines += _cut([
        f"  left out {path}: an example that is a hub page ({found.hubs.get(path, 'hub')})"
        for path in result.hubs_among_examples
    ])  # fmt: skip
    hubs = sorted(found.hub_paths())
    more = ", ..." if len(hubs) > 6 else ""
    taken = [h for h in hubs if result.matches(h)]
    if taken:  # settle_pattern makes this impossible; said here should it ever happen
        lines.append(f"  WARNING: matches hub pages seen: {', '.join(taken[:6])}")
    else:
        lines.append(f"  matches none of the {len(hubs)} hub pages seen ({', '.join(hubs[:6])}{more})")
    lines += [f"  checked  {path}: fetched, {what}" for path, what in found.checked.items()]
    lines += [f"  note: {note}" for note in result.notes]
    if result.pattern is None:
        lines.append(
            "  none found: without a pattern, page signals (JSON-LD, OpenGraph) tell articles from hubs"
        )
        add("\n" + _comment(*lines))
        return
    add("\n" + _comment(*lines))
    add(f"article_pattern = {toml_string(result.pattern)}\n")


def _hubs(found: Discovery, add: Add) -> None:
    lines = ["hub_patterns: URL paths of pages that are never articles (never records, links never followed)"]
    lines += [f"  {rule.pattern}: {rule.why}" for rule in found.hub_rules]
    lines += [f"  note: {note}" for note in found.hub_notes]
    add("\n" + _comment(*lines))
    add(f"hub_patterns = {toml_list((r.pattern for r in found.hub_rules), indent=True)}\n")


def _related(found: Discovery, add: Add) -> None:
    labels = found.labels
    add("\n[related]\n")
    seen = f"{labels.pages} article pages read"
    rejected = _cut([f"  rejected {x.text!r}: {why}" for x, why in labels.rejected])
    for key, entries, what in (
        ("read_also", labels.read_also, "links that differ from page to page (related articles)"),
        (
            "news_feed",
            labels.news_feed,
            "the same links on every page, or links from one site-wide pool (latest, most read)",
        ),
    ):
        if not entries:
            add(_comment(
                f"{key}: no heading above {what} on the {seen}; newsmon's defaults (English) apply",
                *(rejected if key == "read_also" else []),
            ))  # fmt: skip
            continue
        lines = [f"{key}: headings above {what}, on the {seen}"]
        lines += [f"  {x.text!r}: {describe(x, labels.pages)}" for x in entries]
        if key == "read_also":
            lines += rejected
        add(_comment(*lines))
        add(f"{key} = {toml_list(x.text for x in entries)}\n")
