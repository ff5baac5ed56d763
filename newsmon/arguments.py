"""Spider arguments and settings checked before a crawl starts: a bad value is one line and exit status 2.

`scrapy crawl` hands `-a` values to the spider and `-s` values to the components as strings. A value they
cannot use used to surface inside Scrapy's start-up task as a traceback ("Task exception was never
retrieved", exit status 1), halfway through the run, or not at all (`-a base_url=` given empty crawled the
real site). The crawl command calls `exit_on_bad_arguments` before it takes the run lock or opens a log, an
output or the state store; NewsSpider parses its arguments with the same `SpiderArguments.parse`, so a crawl
started some other way (the Python API) fails on the same message (an `ArgumentError`, a ValueError).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from scrapy.settings import BaseSettings

EXIT_BAD_ARGUMENT = 2  # as a usage error: a bad argument, setting or site config, or an unusable output

#: The arguments NewsSpider takes (README "Spider arguments"); names starting with "_" are a scheduler's
#: own (scrapyd passes `_job`).
SPIDER_ARGUMENTS = (
    "site", "base_url", "follow_depth", "max_pages", "feeds", "categories", "sitemaps", "urls",
)  # fmt: skip

_HOST = re.compile(r"^(?:\[[0-9A-Fa-f:.]+\]|[^\s/\\?#@\[\]:]+)$")


class ArgumentError(ValueError):
    """A spider argument or a setting that cannot be used; the message names it and says what it must be."""


@dataclass(frozen=True)
class SpiderArguments:
    """NewsSpider's `-a` arguments, parsed and checked. None: not given (the site's or the setting's)."""

    site: str | None = None
    base_url: str | None = None  # scheme://host[:port] of a mirror the crawl talks to instead of the site
    follow_depth: int | None = None
    max_pages: int | None = None
    feeds: tuple[str, ...] | None = None  # given empty: none
    categories: tuple[str, ...] | None = None
    sitemaps: tuple[str, ...] | None = None
    urls: tuple[str, ...] = ()

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> SpiderArguments:
        site = raw.get("site")
        if site is not None and (not isinstance(site, str) or not site.strip()):
            raise ArgumentError("-a site= is empty: give a bundled site name or a TOML file path")
        return cls(
            site=site,
            base_url=_origin(raw.get("base_url")),
            follow_depth=_count(raw.get("follow_depth"), "follow_depth", 0),
            max_pages=_count(raw.get("max_pages"), "max_pages", 1),
            feeds=_locations(raw.get("feeds"), "feeds"),
            categories=_locations(raw.get("categories"), "categories"),
            sitemaps=_locations(raw.get("sitemaps"), "sitemaps"),
            urls=_locations(raw.get("urls"), "urls") or (),
        )


def _origin(value: Any) -> str | None:
    """A mirror origin: http(s)://host[:port] with an optional trailing slash, nothing else."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ArgumentError(
            "-a base_url= is empty: give the mirror's origin (http://127.0.0.1:8080) or leave the argument "
            "out to crawl the site itself"
        )
    text = value.strip()
    example = "an origin such as http://127.0.0.1:8080"
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:  # a port out of range or not a number, a bad IPv6 literal
        raise ArgumentError(f"-a base_url={text!r} is not a usable URL ({exc}): give {example}") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ArgumentError(f"-a base_url={text!r} is not an http(s) URL: give {example}")
    if parts.username is not None or parts.password is not None:
        raise ArgumentError("-a base_url= must not hold credentials (user:password@): give only the origin")
    host = parts.netloc.rsplit(":", 1)[0] if parts.port is not None else parts.netloc
    if not _HOST.match(host) or port == 0:
        raise ArgumentError(f"-a base_url={text!r}: not a valid host and port: give {example}")
    if parts.path not in ("", "/") or parts.query or parts.fragment or text.endswith(("?", "#")):
        raise ArgumentError(
            f"-a base_url={text!r} has a path, query or fragment: give the origin only ({example})"
        )
    return f"{parts.scheme.lower()}://{parts.netloc}"


def _count(value: Any, name: str, least: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    else:
        try:
            number = int(str(value).strip())
        except ValueError:
            number = None
    if number is None or number < least:
        raise ArgumentError(f"-a {name}={value!r}: must be a whole number >= {least}")
    return number


def split_list(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """A comma-separated argument (or a list given through the API) as its non-empty items."""
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return tuple(value)


def _locations(value: Any, name: str) -> tuple[str, ...] | None:
    """Paths (/feed/) or http(s) URLs; None when not given, () when given empty."""
    if value is None:
        return None
    if not isinstance(value, str) and not (
        isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
    ):
        raise ArgumentError(f"-a {name}= must be comma-separated paths or URLs")
    items = split_list(value)
    for item in items:
        if item.startswith("/") and not item.startswith("//"):
            continue
        parts = urlsplit(item)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise ArgumentError(f"-a {name}=: {item!r} is neither a path starting with / nor an http(s) URL")
    return items


# --- settings ------------------------------------------------------------------------------------------
def _typed_defaults() -> dict[str, tuple[str, Any]]:
    """Setting name -> (getter, default) for every setting whose default is a number or true/false:
    Scrapy's and plugins' (numbers read as floats: several int defaults take fractions, DOWNLOAD_DELAY) and
    newsmon's own NEWSMON_* (whole numbers read with getint, as its components do)."""
    from scrapy.settings import default_settings

    from newsmon import settings as project

    found: dict[str, tuple[str, Any]] = {}
    for module, whole in ((project, True), (default_settings, False)):
        for name in dir(module):
            default = getattr(module, name)
            if not name.isupper():
                continue
            if isinstance(default, bool):
                found[name] = ("getbool", default)
            elif isinstance(default, int) and whole and name.startswith("NEWSMON_"):
                found[name] = ("getint", default)
            elif isinstance(default, int | float):
                found[name] = ("getfloat", default)
    return found


_KINDS = {"getbool": "true or false", "getint": "a whole number", "getfloat": "a number"}

#: Settings the spider reads itself, with their lower bounds.
_AT_LEAST = {
    "NEWSMON_FOLLOW_DEPTH": 0,
    "NEWSMON_MAX_LISTING_PAGES": 1,
    "NEWSMON_EXTRACT_WORKERS": 0,
    "NEWSMON_FEED_MAX_ENTRIES": 1,
    "NEWSMON_THIN_BODY_WORDS": 0,
}


def check_settings(settings: BaseSettings) -> None:
    """Every number and true/false setting reads as one, and newsmon's parsed configurations accept theirs
    (the same checks their components make when the crawl starts)."""
    for name, (getter, _) in sorted(_typed_defaults().items()):
        if name not in settings:
            continue
        try:
            value = getattr(settings, getter)(name)
        except (ValueError, TypeError):
            raise ArgumentError(f"-s {name}={settings[name]!r}: must be {_KINDS[getter]}") from None
        least = _AT_LEAST.get(name)
        if least is not None and value < least:
            raise ArgumentError(f"-s {name}={settings[name]!r}: must be a whole number >= {least}")
    from newsmon.distributed.config import DistributedConfig
    from newsmon.extract.budget import PageBudget
    from newsmon.fetch.policy import TierPolicy
    from newsmon.fetch.ssrf import SsrfConfig
    from newsmon.monitors.config import MonitorConfig
    from newsmon.state.config import StateConfig

    for parse in (
        TierPolicy.from_settings,
        SsrfConfig.from_settings,
        MonitorConfig.from_settings,
        StateConfig.from_settings,
        DistributedConfig.from_settings,
        PageBudget.from_settings,
    ):
        try:
            parse(settings)
        except (ValueError, TypeError) as exc:
            raise ArgumentError(str(exc)) from None


def check_crawl(spider: str, spargs: Mapping[str, Any], settings: BaseSettings) -> None:
    """Raise ArgumentError for a setting, or an argument of a NewsSpider, the crawl cannot use."""
    check_settings(settings)
    from scrapy.spiderloader import get_spider_loader

    from newsmon.news_spider import NewsSpider
    from newsmon.sites import SiteConfigError, load_site_config

    try:
        spidercls = get_spider_loader(settings).load(spider)
    except KeyError:
        return  # Scrapy says "Spider not found" itself
    if not issubclass(spidercls, NewsSpider):
        return
    unknown = sorted(k for k in spargs if k not in SPIDER_ARGUMENTS and not k.startswith("_"))
    if unknown:
        known = ", ".join(SPIDER_ARGUMENTS)
        raise ArgumentError(f"unknown spider argument -a {unknown[0]}= (known: {known})")
    args = SpiderArguments.parse(spargs)
    try:
        load_site_config(args.site or spidercls.site_name or settings.get("NEWSMON_SITE"))
    except SiteConfigError as exc:
        raise ArgumentError(str(exc)) from None


def exit_on_bad_arguments(spider: str, spargs: Mapping[str, Any], settings: BaseSettings) -> None:
    """check_crawl for the crawl command: a bad value prints `newsmon: <why>` and exits with status 2."""
    try:
        check_crawl(spider, spargs, settings)
    except ArgumentError as exc:
        sys.stderr.write(f"newsmon: {exc} (exit status {EXIT_BAD_ARGUMENT})\n")
        sys.exit(EXIT_BAD_ARGUMENT)
