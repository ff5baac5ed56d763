"""Polite fetching for `newsmon discover`, with the standard library (urllib), on the site's own origin only.

Why not Scrapy: discovery is a short sequential walk where each answer decides the next request (the home
page names the feeds, the feeds the articles, the articles their hubs), on a budget of some forty pages,
run by a person at a terminal. Inside Scrapy that is a chain of callbacks on a reactor started for one
command, with newsmon's add-on (state store, run lock, output checks) to keep out of the way. What the crawl's
stack would add is kept here, by the same rules: robots.txt read with Protego (as Scrapy's
``ROBOTSTXT_PARSER``) and obeyed, a User-Agent naming newsmon, a total deadline (connect, headers and body:
a server dripping a byte at a time cannot hold it) and a size cap per response, a deadline for the whole walk,
gzip, redirects followed only within the site. The SSRF question does not arise: every request goes to the
origin the person named, the one exception the crawl's guard makes too (newsmon/fetch/ssrf.py), and a
redirect anywhere else is refused.
"""

from __future__ import annotations

import logging
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass, field
from http.client import HTTPMessage
from importlib import metadata
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

from protego import Protego

from newsmon.deadline import Deadline, open_url

logger = logging.getLogger(__name__)

MAX_BYTES = 8 * 1024 * 1024  # per response, after gzip
TIMEOUT = 20.0  # seconds per response, all of it
DEADLINE = 600.0  # seconds for the whole walk: no request starts after it
MAX_CRAWL_DELAY = 30.0  # a robots.txt Crawl-delay honoured up to this many seconds
ROBOTS_TOKEN = "newsmon"


def user_agent() -> str:
    try:
        version = metadata.version("newsmon")
    except metadata.PackageNotFoundError:
        version = "dev"
    return f"Mozilla/5.0 (compatible; newsmon/{version} discover; site onboarding)"


@dataclass(frozen=True)
class Page:
    """A response: final URL (after redirects), status, Content-Type, body (gunzipped, capped)."""

    url: str
    status: int
    content_type: str
    body: bytes
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class FetchLog:
    """What was requested and what came of it, for the comments of the written file."""

    fetched: list[tuple[str, str]] = field(default_factory=list)  # (url, status or error)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (url, why not requested)


def same_origin(url: str, origin: str) -> bool:
    a, b = urlsplit(url), urlsplit(origin)
    return (a.scheme, (a.hostname or "").lower(), a.port) == (b.scheme, (b.hostname or "").lower(), b.port)


class _SiteRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects only within the origin (and what robots.txt allows)."""

    def __init__(self, fetcher: Fetcher) -> None:
        self.fetcher = fetcher

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        why = self.fetcher.refusal(newurl)
        if why is not None:
            self.fetcher.log.refused.append((newurl, f"redirect from {req.full_url}: {why}"))
            raise urllib.error.HTTPError(req.full_url, code, f"redirect refused: {why}", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class Fetcher:
    """GETs on one origin within a page budget, a delay apart, robots.txt obeyed; responses cached."""

    def __init__(
        self,
        origin: str,
        *,
        max_pages: int = 40,
        delay: float = 1.0,
        timeout: float = TIMEOUT,
        max_bytes: int = MAX_BYTES,
        agent: str | None = None,
        deadline: float | None = DEADLINE,
    ) -> None:
        self.origin = origin.rstrip("/")
        self.max_pages = max_pages
        self.delay = delay
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.agent = agent or user_agent()
        self.log = FetchLog()
        self.robots: Protego | None = None
        self.robots_txt = ""
        self._cache: dict[str, Page | None] = {}
        self._last = 0.0
        self.deadline = Deadline(deadline)  # the command's: every request ends by it too

    @property
    def spent(self) -> int:
        return len(self.log.fetched)

    @property
    def left(self) -> int:
        return max(0, self.max_pages - self.spent)

    def url(self, path_or_url: str) -> str:
        """A path on the origin as a URL (URLs pass through)."""
        return self.origin + path_or_url if path_or_url.startswith("/") else path_or_url

    def refusal(self, url: str) -> str | None:
        """Why ``url`` may not be requested (another origin, robots.txt), else None."""
        if not same_origin(url, self.origin):
            return "not on the site's origin"
        if self.robots is not None and not self.robots.can_fetch(url, ROBOTS_TOKEN):
            return "disallowed by robots.txt"
        return None

    def read_robots(self) -> str:
        """robots.txt (its text; empty when missing); later requests obey it."""
        page = self.get("/robots.txt")
        self.robots_txt = page.body.decode("utf-8", "replace") if page is not None and page.ok else ""
        self.robots = Protego.parse(self.robots_txt)
        crawl_delay = self.robots.crawl_delay(ROBOTS_TOKEN)
        if crawl_delay and crawl_delay > self.delay:
            self.delay = min(float(crawl_delay), MAX_CRAWL_DELAY)
            logger.info("robots.txt asks for %s s between requests; waiting %s s", crawl_delay, self.delay)
        return self.robots_txt

    def get(self, path_or_url: str, *, plain: bool = False) -> Page | None:
        """The response (any status), or None when refused, out of budget or failed (logged). ``plain``: a
        feed or a sitemap, never rendered (a BrowserFetcher reads it as this one does)."""
        url = self.url(path_or_url)
        url = urlunsplit(urlsplit(url)._replace(fragment=""))
        if url in self._cache:
            return self._cache[url]
        why = self.refusal(url)
        if why is None and self.left <= 0:
            why = f"page budget spent ({self.max_pages}, --max-pages)"
        if why is None and self.deadline.passed:
            why = f"time spent ({self.deadline.seconds:g} s for the whole discovery)"
        if why is not None:
            self.log.refused.append((url, why))
            logger.debug("Not requesting %s: %s", url, why)
            return None
        wait = self._last + self.delay - time.monotonic()
        if wait > 0:
            time.sleep(min(wait, max(self.deadline.left(), 0.0)))
        page = self._request(url, plain=plain)
        self._last = time.monotonic()
        self._cache[url] = page
        if page is not None and page.url != url:
            self._cache.setdefault(page.url, page)
        return page

    def _request(self, url: str, *, plain: bool = False) -> Page | None:
        request = urllib.request.Request(
            url, headers={"User-Agent": self.agent, "Accept-Encoding": "gzip", "Accept": "*/*"}
        )
        try:
            with open_url(request, self.deadline.within(self.timeout), _SiteRedirects(self)) as response:
                page = self._page(response, response.status)
        except urllib.error.HTTPError as exc:
            with exc:
                page = self._page(exc, exc.code) if exc.fp is not None else None
            if page is None:
                self.log.fetched.append((url, f"HTTP {exc.code}"))
                return None
        except (urllib.error.URLError, OSError, ValueError, zlib.error) as exc:
            reason = getattr(exc, "reason", exc)
            self.log.fetched.append((url, f"failed: {reason}"))
            logger.warning("Fetching %s failed: %s", url, reason)
            return None
        self.log.fetched.append((url, str(page.status)))
        logger.info("GET %s -> %s (%d bytes)", url, page.status, len(page.body))
        return page

    def _page(self, response: Any, status: int) -> Page:
        raw = response.read(self.max_bytes + 1)
        truncated = len(raw) > self.max_bytes
        raw = raw[: self.max_bytes]
        if (response.headers.get("Content-Encoding") or "").lower() in ("gzip", "x-gzip"):
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            body = inflater.decompress(raw, self.max_bytes)
            truncated = truncated or bool(inflater.unconsumed_tail)
        else:
            body = raw
        return Page(
            url=response.geturl(),
            status=status,
            content_type=(response.headers.get("Content-Type") or "").lower(),
            body=body,
            truncated=truncated,
        )
