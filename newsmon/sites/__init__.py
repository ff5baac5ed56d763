"""Site configurations: what to start from and how to tell articles from hubs, one TOML file per site."""

from __future__ import annotations

import os
import re
import stat
import tomllib
from dataclasses import dataclass, replace
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import re2

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
    article_pattern: PathPattern | None = None  # RE2: linear time (site_pattern)
    hub_patterns: tuple[PathPattern, ...] = ()
    timezone: str = "UTC"
    read_also_labels: tuple[str, ...] = ExtractOptions.read_also_labels
    news_feed_labels: tuple[str, ...] = ExtractOptions.news_feed_labels
    tier_mode: str | None = None  # auto | plain | stealthy (NEWSMON_TIER_MODE overrides it)
    sitemaps: tuple[str, ...] = ()  # sitemap or sitemap-index paths/URLs (gzipped ones too)
    robots_sitemaps: bool = False  # also read the `Sitemap:` lines of robots.txt
    follow_depth: int | None = None  # related-link hops (spider argument and -s setting win)
    interval: timedelta = timedelta(hours=1)  # a sweep crawls the site again once this has passed
    alerts: tuple[str, ...] = ()  # Apprise URLs told about this site (besides NEWSMON_ALERT_URLS)
    sinks: tuple[str, ...] = ()  # sink URIs of this site (NEWSMON_SINKS at site priority; -s wins)
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


class PathPattern(Protocol):
    """A compiled site pattern (RE2): what the crawl asks of it."""

    @property
    def pattern(self) -> str: ...

    def search(self, text: str) -> object | None: ...


_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # the error goes into one SiteConfigError line, not to stderr from C++


def site_pattern(value: str) -> PathPattern:
    """A site-supplied pattern compiled by RE2: matching takes time linear in the path, whatever the pattern
    (``^/.*.*.*.*-x$`` on a 1,500-character link included), where Python's backtracking ``re`` can take
    exponential time. What RE2 cannot express (backreferences, lookaround, possessive quantifiers, atomic
    groups, ``\\Z``: write ``\\z``) raises ``re2.error``. Character classes such as ``\\w`` and ``\\d`` are
    ASCII, which is what a URL path holds (Scrapy percent-encodes the rest)."""
    compiled: PathPattern = re2.compile(value, _RE2_OPTIONS)
    return compiled


def _regex(value: Any, key: str, where: str) -> PathPattern:
    if not isinstance(value, str):
        raise SiteConfigError(f"{where}: '{key}' must be a regular expression string")
    try:
        return site_pattern(value)
    except re2.error as exc:
        why = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else exc
        raise SiteConfigError(
            f"{where}: '{key}' {value!r} is not a pattern newsmon can run in linear time ({why}): "
            "site patterns use RE2 syntax, without backreferences, lookahead/lookbehind, possessive "
            "quantifiers or atomic groups"
        ) from None


KNOWN_KEYS = frozenset(
    {
        "name", "origin", "hosts", "feeds", "sitemaps", "robots_sitemaps", "categories", "article_pattern",
        "hub_patterns", "timezone", "tier_mode", "follow_depth", "related", "interval", "sinks",
        "alerts",
    }
)  # fmt: skip


#: A site's name keys its state store, lock, output directory and host memory: a file name on any system.
SITE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_INTERVAL = re.compile(r"^\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*$", re.IGNORECASE)


MAX_INTERVAL = timedelta(days=366)  # a site crawled less than once a year is not being monitored
MAX_FOLLOW_DEPTH = 20  # related-link hops: past a few, a crawl is the whole site, not its news


def parse_interval(value: Any, where: str = "site config") -> timedelta:
    """`interval = "30m"`, `"1h"`, `"1h30m"`, `"1d"`: how often a sweep crawls the site (1 minute to 366
    days; the bound is checked on the parts before any arithmetic, so `"99999999999999d"` is one error line,
    not an OverflowError)."""
    match = _INTERVAL.match(value) if isinstance(value, str) and value.strip() and len(value) < 64 else None
    if match is None or not any(match.groups()):
        raise SiteConfigError(
            f'{where}: \'interval\' must be a duration such as "30m", "1h", "1h30m" or "1d"'
        )
    days, hours, minutes = (int(g or 0) for g in match.groups())
    total_minutes = (days * 24 + hours) * 60 + minutes
    if total_minutes > MAX_INTERVAL // timedelta(minutes=1):
        raise SiteConfigError(f"{where}: 'interval' {value!r} is longer than {MAX_INTERVAL.days} days")
    interval = timedelta(minutes=total_minutes)
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
                                     or not 0 <= follow_depth <= MAX_FOLLOW_DEPTH):  # fmt: skip
        raise SiteConfigError(f"{where}: 'follow_depth' must be an integer from 0 to {MAX_FOLLOW_DEPTH}")
    sinks = _strings(data, "sinks", where)
    for uri in sinks:
        from newsmon.sinks import SCHEMES, sink_label

        if urlsplit(uri).scheme.lower() not in SCHEMES:
            raise SiteConfigError(
                f"{where}: 'sinks' entry {sink_label(uri)} has an unknown scheme "
                f"(known: {', '.join(sorted(SCHEMES))})"
            )
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
        alerts=_strings(data, "alerts", where),
        sinks=sinks,
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
        and os.path.lexists(sites_dir / f"{name_or_path}.toml")  # a FIFO too: named as broken, not skipped
    ):
        path = sites_dir / f"{name_or_path}.toml"
    if is_site_path(name_or_path) or path != Path(name_or_path):
        return read_site_file(path)
    resource = resources.files(__package__).joinpath(f"{name_or_path}.toml")
    if not resource.is_file():
        where = f" in {sites_dir} or" if sites_dir is not None else ""
        raise SiteConfigError(f"no site named {name_or_path!r}{where} among the bundled sites")
    return parse_toml(resource.read_text(encoding="utf-8"), f"{name_or_path}.toml")


MAX_SITE_FILE = 256 * 1024  # bytes; a site file is a few dozen lines


def read_site_file(path: Path) -> SiteConfig:
    """A site TOML file; every error is one line naming the file. Only a regular file of at most
    MAX_SITE_FILE bytes is read: a FIFO, a device or a directory named `x.toml` is an error, never a read
    that waits forever (opened non-blocking, checked again on the open descriptor against a swap)."""
    try:
        data = _read_regular(path)
    except OSError as exc:
        raise SiteConfigError(f"cannot read site config {path}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:  # a binary file, or another encoding: TOML is UTF-8
        raise SiteConfigError(
            f"{path}: not a UTF-8 text file (byte {exc.start}), so not a TOML site config"
        ) from None
    try:
        return replace(parse_toml(text, str(path)), source=str(path))
    except SiteConfigError:
        raise
    except (ValueError, OverflowError, RecursionError) as exc:  # a value no check above foresaw
        raise SiteConfigError(f"{path}: unusable value ({type(exc).__name__}: {exc})") from None


def _read_regular(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_SITE_FILE bytes; SiteConfigError for anything else."""
    kind = _kind(path.stat().st_mode)
    if kind is None:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(fd, "rb") as file:
            kind = _kind(os.fstat(fd).st_mode)
            if kind is None:
                data = file.read(MAX_SITE_FILE + 1)
                if len(data) > MAX_SITE_FILE:
                    raise SiteConfigError(
                        f"{path}: larger than {MAX_SITE_FILE // 1024} KiB, so not a site config"
                    )
                return data
    raise SiteConfigError(f"{path}: not a regular file ({kind}), so not a site config")


def _kind(mode: int) -> str | None:
    """None for a regular file, else what it is."""
    if stat.S_ISREG(mode):
        return None
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):  # fmt: skip
        if test(mode):
            return name
    return "not a file"


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
