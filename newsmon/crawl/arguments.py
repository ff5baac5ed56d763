"""Spider arguments and settings checked before a crawl starts: a bad value is one line and exit status 2.

`scrapy crawl` hands `-a` values to the spider and `-s` values to the components as strings. A value they
cannot use used to surface inside Scrapy's start-up task as a traceback ("Task exception was never
retrieved", exit status 1), halfway through the run, or not at all (`-a base_url=` given empty crawled the
real site). The crawl command checks them (newsmon/commands/checks.py) before it takes the run lock or opens
a log, an output or the state store; NewsSpider parses its arguments with the same `SpiderArguments.parse`,
so a crawl started some other way (the Python API) fails on the same message (an `ArgumentError`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

EXIT_BAD_ARGUMENT = 2  # as a usage error: a bad argument, setting or site config, or an unusable output

#: The arguments NewsSpider takes (docs/reference/spider-arguments.md); names starting with "_" are a
#: scheduler's own (scrapyd passes `_job`).
SPIDER_ARGUMENTS = (
    "site", "sites", "base_url", "follow_depth", "max_pages", "feeds", "categories", "sitemaps", "urls",
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


#: Each argument's default and meaning, as the reference lists them (docs/reference/spider-arguments.md,
#: written by `python -m newsmon.docs`; links are relative to docs/reference/).
SPIDER_ARGUMENT_DOCS: dict[str, tuple[str, str]] = {
    "base_url": (
        "the site's origin",
        "crawl a mirror at this origin (e.g. `http://127.0.0.1:8080`); every same-site link is mapped "
        "onto it",
    ),
    "site": (
        "`NEWSMON_SITE` / the spider's own",
        "site configuration: a name (`harbour`: `harbour.toml` in `NEWSMON_SITES_DIR`, else a bundled "
        "site) or a TOML file path",
    ),
    "sites": (
        "none",
        "a sweep: `all` (every due site of `NEWSMON_SITES_DIR`) or comma-separated names or TOML paths, "
        "crawled in this one process ([Many sites](../many-sites.md))",
    ),
    "follow_depth": (
        "`-s`/project `NEWSMON_FOLLOW_DEPTH`, else the site's `follow_depth`, else 2",
        "hops of Read also / News Feed links followed from a hub-listed article",
    ),
    "max_pages": (
        "`NEWSMON_MAX_LISTING_PAGES` (5)",
        "listing pages read per category",
    ),
    "feeds": (
        "the site's",
        "comma-separated feed paths or URLs, replacing the site's (given empty: none)",
    ),
    "categories": (
        "the site's",
        "comma-separated category listing paths or URLs, replacing the site's (given empty: none)",
    ),
    "sitemaps": (
        "the site's",
        "comma-separated sitemap (or sitemap index) paths or URLs, replacing the site's (given empty: none)",
    ),
    "urls": (
        "none",
        "comma-separated article URLs to fetch directly (`discovered_via = start_url`)",
    ),
}
