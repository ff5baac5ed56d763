"""Site configurations: what to start from and how to tell articles from hubs, one TOML file per site."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsmon.extract.types import ExtractOptions


class SiteConfigError(ValueError):
    """A site configuration that cannot be used; the message names the offending key."""


@dataclass(frozen=True)
class SiteConfig:
    name: str
    origin: str
    hosts: tuple[str, ...]
    feeds: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    article_pattern: re.Pattern[str] | None = None
    hub_patterns: tuple[re.Pattern[str], ...] = ()
    timezone: str = "UTC"
    read_also_labels: tuple[str, ...] = ExtractOptions.read_also_labels
    news_feed_labels: tuple[str, ...] = ExtractOptions.news_feed_labels
    tier_mode: str | None = None  # auto | plain | stealthy (NEWSMON_TIER_MODE overrides it)
    sitemaps: tuple[str, ...] = ()  # sitemap or sitemap-index paths/URLs (gzipped ones too)
    robots_sitemaps: bool = False  # also read the `Sitemap:` lines of robots.txt
    follow_depth: int | None = None  # related-link hops (spider argument and -s setting win)
    interval: timedelta = timedelta(hours=1)  # a sweep crawls the site again once this has passed
    source: str = ""  # the TOML file it was read from ("" for a bundled site): what `-a site=` can name

    @property
    def reference(self) -> str:
        """What `-a site=` takes to load this same config again."""
        return self.source or self.name

    def extract_options(self) -> ExtractOptions:
        return ExtractOptions(
            read_also_labels=tuple(label.lower() for label in self.read_also_labels),
            news_feed_labels=tuple(label.lower() for label in self.news_feed_labels),
            default_timezone=self.timezone,
        )

    def is_article_path(self, path: str) -> bool:
        return bool(self.article_pattern and self.article_pattern.search(path))

    def is_hub_path(self, path: str) -> bool:
        return any(p.search(path) for p in self.hub_patterns)


def _strings(data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SiteConfigError(f"{where}: '{key}' must be a list of strings")
    return tuple(value)


def _regex(value: Any, key: str, where: str) -> re.Pattern[str]:
    if not isinstance(value, str):
        raise SiteConfigError(f"{where}: '{key}' must be a regular expression string")
    try:
        compiled = re.compile(value)
    except re.error as exc:
        raise SiteConfigError(f"{where}: '{key}' is not a valid regular expression: {exc}") from exc
    nested = nested_quantifier(value)
    if nested is not None:
        raise SiteConfigError(
            f"{where}: '{key}' {value!r} repeats a group that itself repeats or alternates ({nested!r}): "
            "such a pattern can take exponential time on a hostile URL; write it without the nesting"
        )
    return compiled


_QUANTIFIER = re.compile(r"\{(\d*)(,?)(\d*)\}")
_UNBOUNDED = 1 << 30


def nested_quantifier(pattern: str) -> str | None:
    """The first repeated group of a (valid) pattern that contains a quantifier or an alternation, such as
    ``(a+)+``, ``(a*)*``, ``(a|a)+``, ``(\\w+/){2,}``: the shapes that make a backtracking engine take
    exponential time on a string that almost matches (ReDoS). None when there is none.

    A structural check of the pattern text, not of ``re``'s private parse tree: "repeated" is ``*``, ``+``,
    ``{m,}`` or ``{m,n}`` with n > 1; possessive quantifiers (``a++``) and atomic groups (``(?>...)``) never
    backtrack into their insides and count as neither. Conservative: a few safe patterns are refused too
    (``(?:/[a-z]+)+``); a bounded number of adjacent quantifiers (``\\d+-\\d+``) is allowed: its cost is
    polynomial in the path length, which Scrapy caps (URLLENGTH_LIMIT).
    """
    # a frame per open group: [start index, contains a quantifier or '|', atomic]
    stack: list[list[Any]] = [[0, False, False]]
    last_group: list[Any] | None = None  # the group just closed, when the next token may quantify it
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            i, last_group = i + 2, None
        elif c == "[":
            i = _class_end(pattern, i)
            last_group = None
        elif c == "(":
            if pattern.startswith("(?#", i):  # comment
                i, last_group = pattern.index(")", i) + 1, None
                continue
            body, atomic, opens = _group_body(pattern, i)
            if opens:
                stack.append([i, False, atomic])
            i, last_group = body, None
        elif c == ")":
            frame = stack.pop() if len(stack) > 1 else [i, False, False]
            if frame[1] and not frame[2]:
                stack[-1][1] = True
            i, last_group = i + 1, frame
        elif c == "|":
            stack[-1][1] = True
            i, last_group = i + 1, None
        else:
            quantifier = _quantifier(pattern, i)
            if quantifier is None:
                i, last_group = i + 1, None
                continue
            end, most, possessive = quantifier
            if most > 1 and not possessive:
                if last_group is not None and last_group[1] and not last_group[2]:
                    return pattern[last_group[0] : end]
                stack[-1][1] = True
            i, last_group = end, None
    return None


def _class_end(pattern: str, i: int) -> int:
    """Index after the character class opening at i."""
    j = i + 1
    if j < len(pattern) and pattern[j] == "^":
        j += 1
    if j < len(pattern) and pattern[j] == "]":
        j += 1
    while j < len(pattern) and pattern[j] != "]":
        j += 2 if pattern[j] == "\\" else 1
    return j + 1


def _group_body(pattern: str, i: int) -> tuple[int, bool, bool]:
    """(index where the group's body starts, atomic, whether it opens a group) for the '(' at i."""
    if not pattern.startswith("(?", i):
        return i + 1, False, True
    j = i + 2
    if pattern.startswith(("P<",), j):
        return pattern.index(">", j) + 1, False, True
    if pattern.startswith(("P=", "("), j):  # named backreference, conditional: no body of its own here
        return pattern.index(")", j) + 1, False, False
    if pattern.startswith((">",), j):
        return j + 1, True, True
    if pattern.startswith(("=", "!", ":"), j):
        return j + 1, False, True
    if pattern.startswith(("<=", "<!"), j):
        return j + 2, False, True
    while j < len(pattern) and pattern[j] not in ":)":  # inline flags: (?i) or (?i:...)
        j += 1
    return j + 1, False, pattern[j : j + 1] == ":"


def _quantifier(pattern: str, i: int) -> tuple[int, int, bool] | None:
    """(index after it, its maximum count, possessive) for a quantifier at i, else None."""
    c = pattern[i]
    if c in "*+?":
        end, most = i + 1, (1 if c == "?" else _UNBOUNDED)
    elif c == "{" and (m := _QUANTIFIER.match(pattern, i)) and (m[1] or m[3]):
        end = m.end()
        most = int(m[3]) if m[3] else (_UNBOUNDED if m[2] else int(m[1]))
    else:
        return None
    possessive = pattern[end : end + 1] == "+"
    if pattern[end : end + 1] in ("?", "+"):
        end += 1
    return end, most, possessive


KNOWN_KEYS = frozenset(
    {
        "name", "origin", "hosts", "feeds", "sitemaps", "robots_sitemaps", "categories", "article_pattern",
        "hub_patterns", "timezone", "tier_mode", "follow_depth", "related", "interval",
    }
)  # fmt: skip


#: A site's name keys its state store, lock, output directory and host memory: a file name on any system.
SITE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_INTERVAL = re.compile(r"^\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*$", re.IGNORECASE)


def parse_interval(value: Any, where: str = "site config") -> timedelta:
    """`interval = "30m"`, `"1h"`, `"1h30m"`, `"1d"`: how often a sweep crawls the site (>= 1 minute)."""
    match = _INTERVAL.match(value) if isinstance(value, str) and value.strip() else None
    if match is None or not any(match.groups()):
        raise SiteConfigError(
            f'{where}: \'interval\' must be a duration such as "30m", "1h", "1h30m" or "1d"'
        )
    days, hours, minutes = (int(g or 0) for g in match.groups())
    interval = timedelta(days=days, hours=hours, minutes=minutes)
    if interval < timedelta(minutes=1):
        raise SiteConfigError(f"{where}: 'interval' must be at least a minute")
    return interval


def parse_site_config(data: dict[str, Any], where: str = "site config") -> SiteConfig:
    """Validate a decoded TOML table; every error names the key so a bad config fails at start."""
    for key in ("name", "origin"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise SiteConfigError(f"{where}: '{key}' is required and must be a non-empty string")
    if not SITE_NAME.match(data["name"]):
        raise SiteConfigError(
            f"{where}: 'name' {data['name']!r} must be 1-64 lowercase letters, digits, '-' or '_' (it names "
            "the site's state, lock and output files)"
        )
    origin = data["origin"].rstrip("/")
    if not re.match(r"^https?://[^/]+$", origin):
        raise SiteConfigError(f"{where}: 'origin' must be scheme://host, got {origin!r}")
    tz = data.get("timezone", "UTC")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise SiteConfigError(f"{where}: 'timezone' {tz!r} is not an IANA timezone") from exc
    related = data.get("related", {})
    if not isinstance(related, dict):
        raise SiteConfigError(f"{where}: 'related' must be a table")
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:
        raise SiteConfigError(f"{where}: unknown key '{unknown[0]}' (known: {', '.join(sorted(KNOWN_KEYS))})")
    unknown = sorted(set(related) - {"read_also", "news_feed"})
    if unknown:
        raise SiteConfigError(f"{where} [related]: unknown key '{unknown[0]}' (known: news_feed, read_also)")
    pattern = data.get("article_pattern")
    tier_mode = data.get("tier_mode")
    if tier_mode is not None and tier_mode not in ("auto", "plain", "stealthy"):
        raise SiteConfigError(f"{where}: 'tier_mode' must be auto, plain or stealthy, got {tier_mode!r}")
    robots_sitemaps = data.get("robots_sitemaps", False)
    if not isinstance(robots_sitemaps, bool):
        raise SiteConfigError(f"{where}: 'robots_sitemaps' must be true or false")
    follow_depth = data.get("follow_depth")
    if follow_depth is not None and (not isinstance(follow_depth, int) or isinstance(follow_depth, bool)
                                     or follow_depth < 0):  # fmt: skip
        raise SiteConfigError(f"{where}: 'follow_depth' must be an integer >= 0")
    return SiteConfig(
        name=data["name"],
        origin=origin,
        hosts=_strings(data, "hosts", where),
        feeds=_strings(data, "feeds", where),
        categories=_strings(data, "categories", where),
        article_pattern=_regex(pattern, "article_pattern", where) if pattern is not None else None,
        hub_patterns=tuple(_regex(p, "hub_patterns", where) for p in _strings(data, "hub_patterns", where)),
        timezone=tz,
        read_also_labels=_strings(related, "read_also", f"{where} [related]")
        or ExtractOptions.read_also_labels,
        news_feed_labels=_strings(related, "news_feed", f"{where} [related]")
        or ExtractOptions.news_feed_labels,
        tier_mode=tier_mode,
        sitemaps=_strings(data, "sitemaps", where),
        robots_sitemaps=robots_sitemaps,
        follow_depth=follow_depth,
        interval=parse_interval(data["interval"], where) if "interval" in data else SiteConfig.interval,
    )


def is_site_path(name_or_path: str) -> bool:
    """A TOML file path rather than a site's name."""
    return name_or_path.endswith(".toml") or "/" in name_or_path or "\\" in name_or_path


def load_site_config(name_or_path: str, sites_dir: Path | None = None) -> SiteConfig:
    """A site by name (its `<name>.toml` in the sites directory, else a bundled one) or a TOML file path."""
    path = Path(name_or_path)
    if (
        not is_site_path(name_or_path)
        and sites_dir is not None
        and (sites_dir / f"{name_or_path}.toml").is_file()
    ):
        path = sites_dir / f"{name_or_path}.toml"
    if is_site_path(name_or_path) or path != Path(name_or_path):
        return read_site_file(path)
    resource = resources.files(__package__).joinpath(f"{name_or_path}.toml")
    if not resource.is_file():
        where = f" in {sites_dir} or" if sites_dir is not None else ""
        raise SiteConfigError(f"no site named {name_or_path!r}{where} among the bundled sites")
    return parse_toml(resource.read_text(encoding="utf-8"), f"{name_or_path}.toml")


def read_site_file(path: Path) -> SiteConfig:
    """A site TOML file; every error is one line naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SiteConfigError(f"cannot read site config {path}: {exc}") from exc
    except UnicodeDecodeError as exc:  # a binary file, or another encoding: TOML is UTF-8
        raise SiteConfigError(
            f"{path}: not a UTF-8 text file (byte {exc.start}), so not a TOML site config"
        ) from None
    return replace(parse_toml(text, str(path)), source=str(path))


def parse_toml(text: str, where: str) -> SiteConfig:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SiteConfigError(f"{where}: invalid TOML: {exc}") from exc
    return parse_site_config(data, where)


def bundled_site_names() -> list[str]:
    """The sites shipped with newsmon."""
    return sorted(
        entry.name.removesuffix(".toml")
        for entry in resources.files(__package__).iterdir()
        if entry.name.endswith(".toml")
    )
