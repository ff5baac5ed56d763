"""URL normalisation and site scope: one canonical form per article, mirror origins mapped in one place."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

#: Query parameters that never change a page's content (shell-style patterns).
DEFAULT_TRACKING_PARAMS: tuple[str, ...] = (
    "utm_*",
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "igshid",
    "ref_src",
    "swcfpc",
    "amp",
    "output",
)

_FOLLOWABLE_SCHEMES = frozenset({"http", "https"})


def strip_tracking(url: str, patterns: Iterable[str] = DEFAULT_TRACKING_PARAMS) -> str:
    """Drop tracking parameters and the fragment, keeping every other byte of the URL as it was."""
    parts = urlsplit(url)
    pats = tuple(patterns)
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not any(fnmatch.fnmatchcase(key.lower(), pat) for pat in pats)
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, doseq=True), ""))


def canonicalize(url: str, patterns: Iterable[str] = DEFAULT_TRACKING_PARAMS) -> str:
    """The one form under which an article is deduplicated: w3lib canonical, no tracking, no fragment."""
    canonical = canonicalize_url(strip_tracking(url, patterns), keep_fragments=False)
    parts = urlsplit(canonical)
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))


def is_followable(url: str) -> bool:
    """Only http(s) URLs are ever requested (no file:, data:, javascript:, ftp:)."""
    return urlsplit(url).scheme.lower() in _FOLLOWABLE_SCHEMES


@dataclass(frozen=True)
class SiteScope:
    """Which hosts belong to a site, and the origin the crawl actually talks to (the site or a mirror)."""

    hosts: frozenset[str]
    origin: str  # scheme://host[:port] requests go to

    @classmethod
    def build(cls, site_origin: str, extra_hosts: Iterable[str] = (), mirror: str | None = None) -> SiteScope:
        site = urlsplit(site_origin)
        hosts = {site.hostname or ""} | {h.lower() for h in extra_hosts}
        hosts |= {f"www.{h}" for h in list(hosts) if not h.startswith("www.")}
        origin = (mirror or site_origin).rstrip("/")
        mirror_host = urlsplit(origin).hostname or ""
        return cls(hosts=frozenset(h for h in hosts | {mirror_host} if h), origin=origin)

    @property
    def crawl_host(self) -> str:
        return urlsplit(self.origin).hostname or ""

    def is_same_site(self, url: str) -> bool:
        return (urlsplit(url).hostname or "").lower() in self.hosts

    def localize(self, url: str) -> str | None:
        """Map a same-site URL onto the crawl origin; None for other sites and non-http schemes."""
        if not is_followable(url) or not self.is_same_site(url):
            return None
        parts = urlsplit(url)
        origin = urlsplit(self.origin)
        return urlunsplit((origin.scheme, origin.netloc, parts.path or "/", parts.query, parts.fragment))

    def absolute(self, path_or_url: str) -> str:
        """A configured path ("/feed/") or URL, on the crawl origin."""
        if path_or_url.startswith("/"):
            return self.origin + path_or_url
        return self.localize(path_or_url) or path_or_url
