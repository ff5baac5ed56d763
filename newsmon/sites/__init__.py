"""Site configurations: what to start from and how to tell articles from hubs, one TOML file per site."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
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
        return re.compile(value)
    except re.error as exc:
        raise SiteConfigError(f"{where}: '{key}' is not a valid regular expression: {exc}") from exc


KNOWN_KEYS = frozenset(
    {
        "name", "origin", "hosts", "feeds", "sitemaps", "robots_sitemaps", "categories", "article_pattern",
        "hub_patterns", "timezone", "tier_mode", "follow_depth", "related",
    }
)  # fmt: skip


def parse_site_config(data: dict[str, Any], where: str = "site config") -> SiteConfig:
    """Validate a decoded TOML table; every error names the key so a bad config fails at start."""
    for key in ("name", "origin"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise SiteConfigError(f"{where}: '{key}' is required and must be a non-empty string")
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
    )


def load_site_config(name_or_path: str) -> SiteConfig:
    """A bundled site by name ("euromaidan") or a TOML file path."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise SiteConfigError(f"cannot read site config {path}: {exc}") from exc
        where = str(path)
    else:
        resource = resources.files(__package__).joinpath(f"{name_or_path}.toml")
        if not resource.is_file():
            raise SiteConfigError(f"no bundled site config named {name_or_path!r}")
        text = resource.read_text(encoding="utf-8")
        where = f"{name_or_path}.toml"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SiteConfigError(f"{where}: invalid TOML: {exc}") from exc
    return parse_site_config(data, where)
