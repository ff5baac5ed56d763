"""A site farm: N small generated news sites, each on its own loopback address, served by one asyncio server.

Every site is its own host for Scrapy's per-host download slots: site ``i`` listens on ``127.0.x.y`` (from
127.0.1.1 up; all of 127.0.0.0/8 is loopback on Linux) on a port the kernel picks for that address, so two
farms (parallel tests) never collide (``port=N``: that port on every address, so a farm started again keeps
its origins, and a state directory stays valid). A site has robots.txt, an RSS 2.0 (even sites) or Atom
(odd sites) feed, one category listing (paginated past ``per_page``), ``articles`` article pages with
date-slug (``/2026/03/07/slug/``, even sites) or numeric-id (``/news/40013/``, odd sites) URLs, JSON-LD
dates and a "Related" block linking other articles of the same site, and a home page. Links are absolute
to the site's own origin or root-relative. Feed, listing and article pages carry ETag and Last-Modified and
answer a matching conditional GET with 304.

- ``js_sites``: article text written by an inline script into an empty container (the raw HTML holds none
  of its words): only the STEALTHY (browser) tier gets a body.
- ``down_sites``: nothing listens (the address is bound but not listening: connection refused).
- ``unavailable_sites``: every request answered 503.
- ``delay``: seconds each reply waits (without blocking the others): a site's latency.
- ``publish(name)``: a new article on a site (its feed, listing and ETags change).

The farm writes each site's TOML into ``<directory>/sites/`` (a ``NEWSMON_SITES_DIR``) and a manifest
``<directory>/farm.json``, and logs every request (site, method, path, kind, start, end, status, whether it
was conditional) for checks such as "no article fetched twice" and per-host politeness::

    with SiteFarm(20, tmp_path, js_sites={3}, down_sites={7}) as farm:
        ...  # scrapy sweep all with NEWSMON_SITES_DIR=farm.sites_dir
        assert records["site0000"] == farm.truth["site0000"]  # article URLs (none for a down site)
        log = farm.requests("site0000")                        # or by host "127.0.1.1"
        assert max_concurrency(log) <= 4 and not [r for r in log if r.kind == "article" and r.status == 200]

For a benchmark, ``FarmProcess`` (same API) runs the farm in a child process, ``python -m bench.site_farm
--sites 1000 --dir D``, so the server's CPU does not compete with the crawl for its GIL; the child prints
one ready line and takes commands on stdin (``log PATH``, ``clear``, ``publish NAME``).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import html
import itertools
import json
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple, Self
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
READY = "site-farm ready"
LISTING = "/category/news/"
BODY_ID = "story-body"

_TOWNS = (
    "Ashford", "Brannock", "Coldwater", "Dunmore", "Elmstead", "Fairholm", "Glenrock", "Harwick",
    "Ivybridge", "Juniper Bay", "Kestrel Point", "Larkhill", "Millbrook", "Northgate", "Oakridge",
    "Pinecrest",
)  # fmt: skip
_PAPERS = ("Courier", "Gazette", "Herald", "Ledger", "Observer", "Chronicle", "Post", "Tribune")
_SUBJECTS = (
    "The town council", "Volunteers", "The school board", "Local farmers", "The harbour office",
    "A group of residents", "The library", "Engineers", "The health clinic", "Shop owners",
    "The fire brigade", "Students", "The rowing club", "Bus drivers",
)  # fmt: skip
_VERBS = (
    "approved", "opened", "repaired", "announced", "rebuilt", "funded", "postponed", "expanded", "inspected",
    "celebrated", "painted", "measured",
)  # fmt: skip
_OBJECTS = (
    "a new footbridge", "the river path", "the winter market", "a night bus route", "the old mill",
    "a solar roof", "the sports hall", "a community garden", "the ferry pier", "the water main",
    "the seed library", "a cycle lane", "the village pond", "the clock tower",
)  # fmt: skip
_DETAILS = (
    "after a year of planning", "despite the rain", "with help from neighbours", "ahead of the summer",
    "for the first time in a decade", "on a tight budget", "before the holidays", "following a public vote",
    "with money left over from the spring fair", "under the eyes of a small crowd",
)  # fmt: skip
_AUTHORS = ("Mara Quill", "Tomas Brenner", "Ada Fenwick", "Owen Hale", "Lina Sorel", "Piet Vance")
_TIMEZONES = ("UTC", "Europe/Kyiv", "Europe/Dublin", "America/Halifax", "Asia/Tokyo", "Australia/Sydney")
_HUB_PATTERNS = ("^/category/", "^/feed/?$", r"^/atom\.xml$", "^/?$", "^/about/?$")
_PATTERNS = {"date": r"^/\d{4}/\d{2}/\d{2}/[a-z0-9-]+/$", "id": r"^/news/\d+/$"}


# --- the sites ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FarmArticle:
    url: str
    path: str
    title: str
    author: str
    published: datetime  # aware, in the site's timezone
    paragraphs: tuple[str, ...]


@dataclass
class FarmSite:
    """One generated site as the farm serves it (``articles`` is what it publishes, whatever its state)."""

    index: int
    name: str
    host: str  # 127.0.x.y
    port: int
    title: str
    timezone: str
    feed: str  # path: /feed/ (RSS) or /atom.xml (Atom)
    url_style: str  # "date" (/YYYY/MM/DD/slug/) or "id" (/news/<id>/)
    js: bool = False  # article text only through JavaScript
    down: str | None = None  # None, "refused" (nothing listens) or "503"
    articles: list[str] = field(default_factory=list)  # article URLs, oldest first

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def netloc(self) -> str:
        return f"{self.host}:{self.port}"

    def toml(self, interval: str) -> str:
        """The site's newsmon config (README "Adding a site")."""
        hubs = ", ".join(f"'{p}'" for p in _HUB_PATTERNS)
        notes = (", JavaScript-rendered articles" if self.js else "") + (
            f", down: {self.down}" if self.down else ""
        )
        return (
            f"# {self.title}: generated by bench/site_farm.py (site {self.index}{notes})\n"
            f'name = "{self.name}"\norigin = "{self.origin}"\nfeeds = ["{self.feed}"]\n'
            f"categories = [\"{LISTING}\"]\narticle_pattern = '{_PATTERNS[self.url_style]}'\n"
            f'hub_patterns = [{hubs}]\ntimezone = "{self.timezone}"\ninterval = "{interval}"\n\n'
            '[related]\nread_also = ["Related"]\n'
        )

    def kind(self, path: str) -> str:
        """robots, feed, listing, article, home or other."""
        path = path.split("?", 1)[0]
        if path == "/robots.txt":
            return "robots"
        if path == self.feed:
            return "feed"
        if path.startswith(LISTING):
            return "listing"
        if path == "/":
            return "home"
        return "article" if self.origin + path in self._article_set() else "other"

    def _article_set(self) -> frozenset[str]:
        cached: tuple[int, frozenset[str]] | None = self.__dict__.get("_set")
        if cached is None or cached[0] != len(self.articles):
            cached = (len(self.articles), frozenset(self.articles))
            self.__dict__["_set"] = cached
        return cached[1]


class FarmRequest(NamedTuple):
    """One request the farm answered."""

    site: str
    host: str
    method: str
    path: str  # request target: path and query
    kind: str  # FarmSite.kind
    # time.monotonic() (CLOCK_MONOTONIC: one clock for every process on Linux; the VM's wall clock is stepped)
    start: float  # when the request head was read
    end: float  # when the reply was ready to send (after ``delay``)
    status: int
    conditional: bool  # sent If-None-Match or If-Modified-Since


@dataclass
class _Page:
    body: bytes
    content_type: str
    etag: str | None = None
    last_modified: datetime | None = None


class _Generator:
    """Deterministic text for one site (seeded by farm seed and site index)."""

    def __init__(self, seed: int, index: int) -> None:
        self.rng = random.Random(seed * 1_000_003 + index)
        self.town = _TOWNS[index % len(_TOWNS)]

    def title(self, used: set[str]) -> str:
        while True:
            subject, town = self.rng.choice(_SUBJECTS), self.rng.choice(_TOWNS)
            title = f"{subject} in {town} {self.rng.choice(_VERBS)} {self.rng.choice(_OBJECTS)}"
            if title not in used:
                used.add(title)
                return title

    def paragraphs(self, site: str, number: int) -> tuple[str, ...]:
        def sentence() -> str:
            return (
                f"{self.rng.choice(_SUBJECTS)} in {self.rng.choice(_TOWNS)} {self.rng.choice(_VERBS)} "
                f"{self.rng.choice(_OBJECTS)} {self.rng.choice(_DETAILS)}."
            )

        paras = [" ".join(sentence() for _ in range(self.rng.randint(2, 3))) for _ in range(4)]
        paras.append(
            f"Reporters of the {self.town} newsroom counted {self.rng.randint(12, 900)} people there, "
            f"which this paper covered as story {number} of {site}."
        )
        return tuple(paras)


def _slug(title: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split())[:60].strip("-")


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'


def _http_date(when: datetime) -> str:
    return format_datetime(when.astimezone(UTC), usegmt=True)


class _SiteContent:
    """A site's articles and its rendered pages (path -> page)."""

    def __init__(self, site: FarmSite, articles: int, per_page: int, seed: int, now: datetime) -> None:
        self.site = site
        self.per_page = max(1, per_page)
        self.gen = _Generator(seed, site.index)
        self.tz = ZoneInfo(site.timezone)
        self.titles: set[str] = set()
        self.items: list[FarmArticle] = []
        first = now.replace(minute=0, second=0, microsecond=0) - timedelta(days=articles + 1)
        for j in range(articles):  # oldest first, a day apart, older than newsmon's 24 h revisit window
            self._add(first + timedelta(days=j, hours=site.index % 11, minutes=7 * (j % 8)))
        self.pages: dict[str, _Page] = {}
        self.render()

    def _add(self, published: datetime) -> FarmArticle:
        j = len(self.items)
        title = self.gen.title(self.titles)
        when = published.astimezone(self.tz)
        if self.site.url_style == "date":
            path = f"/{when:%Y/%m/%d}/{_slug(title)}/"
            if any(a.path == path for a in self.items):
                path = f"{path[:-1]}-{j}/"
        else:
            path = f"/news/{40000 + 13 * j + self.site.index % 13}/"
        article = FarmArticle(
            url=self.site.origin + path,
            path=path,
            title=title,
            author=_AUTHORS[(self.site.index + j) % len(_AUTHORS)],
            published=when,
            paragraphs=self.gen.paragraphs(self.site.name, j + 1),
        )
        self.items.append(article)
        self.site.articles = [a.url for a in self.items]
        return article

    def publish(self, when: datetime | None = None) -> str:
        """A new article (now, unless given); every page is rendered again. Its URL."""
        article = self._add(when or datetime.now(UTC) - timedelta(minutes=5))
        self.render()
        return article.url

    # --- rendering ---------------------------------------------------------------------------------
    def render(self) -> None:
        pages: dict[str, _Page] = {
            "/robots.txt": _Page(b"User-agent: *\nDisallow: /private/\n", "text/plain; charset=utf-8"),
        }
        newest = max(a.published for a in self.items) if self.items else datetime(2026, 1, 1, tzinfo=UTC)
        feed = self._atom(newest) if self.site.feed == "/atom.xml" else self._rss(newest)
        kind = "application/atom+xml" if self.site.feed == "/atom.xml" else "application/rss+xml"
        pages[self.site.feed] = _Page(feed.encode(), f"{kind}; charset=utf-8", last_modified=newest)
        latest = self.items[::-1]
        chunks = [latest[i : i + self.per_page] for i in range(0, len(latest), self.per_page)] or [[]]
        for number, chunk in enumerate(chunks, 1):
            path = LISTING if number == 1 else f"{LISTING}page/{number}/"
            more = number < len(chunks)
            pages[path] = _Page(
                self._listing(chunk, number, more).encode(), "text/html; charset=utf-8", None, newest
            )
        pages["/"] = _Page(self._home(latest[:10]).encode(), "text/html; charset=utf-8")
        for j, article in enumerate(self.items):
            body = self._article(article, self._related(j)).encode()
            pages[article.path] = _Page(body, "text/html; charset=utf-8", None, article.published)
        for page in pages.values():
            if page.last_modified is not None:
                page.etag = _etag(page.body)
        self.pages = pages

    def _related(self, j: int) -> list[FarmArticle]:
        n = len(self.items)
        picks = [(j + step) % n for step in (1, -1, 2)]
        return [self.items[k] for k in dict.fromkeys(picks) if k != j][:3]

    def _shell(self, title: str, main: str, *, head: str = "", canonical: str = "", tail: str = "") -> str:
        site = self.site
        canonical_link = f'<link rel="canonical" href="{_esc(canonical)}">\n' if canonical else ""
        return (
            '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{_esc(title)}</title>\n{canonical_link}{head}</head>\n<body>\n"
            f'<header class="masthead"><a class="brand" href="{site.origin}/">{_esc(site.title)}</a>\n'
            f'<nav class="menu"><a href="{LISTING}">News</a> <a href="/about/">About us</a> '
            f'<a href="{site.feed}">Feed</a></nav></header>\n'
            f"<main>\n{main}\n</main>\n"
            f'<footer class="site-footer"><p>{_esc(site.title)} is an invented newspaper generated for '
            "benchmarks.</p><p>Contact the newsroom at the harbour office.</p></footer>\n"
            f"{tail}</body>\n</html>\n"
        )

    def _article(self, a: FarmArticle, related: list[FarmArticle]) -> str:
        site = self.site
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": a.title,
            "url": a.url,
            "mainEntityOfPage": a.url,
            "datePublished": a.published.isoformat(),
            "dateModified": a.published.isoformat(),
            "author": [{"@type": "Person", "name": a.author}],
            "publisher": {"@type": "Organization", "name": site.title},
            "description": a.paragraphs[0][:150],
            "inLanguage": "en",
        }
        head = (
            f'<meta name="description" content="{_esc(a.paragraphs[0][:150])}">\n'
            '<meta property="og:type" content="article">\n'
            f'<meta property="og:title" content="{_esc(a.title)}">\n'
            f'<meta property="og:url" content="{_esc(a.url)}">\n'
            f'<script type="application/ld+json">{json.dumps(ld)}</script>\n'
        )
        text = "".join(f"<p>{_esc(p)}</p>" for p in a.paragraphs)
        tail = ""
        if site.js:  # an empty container filled by an inline script: none of the words in the raw HTML
            encoded = base64.b64encode(text.encode()).decode("ascii")
            tail = (
                f"<script>document.getElementById({json.dumps(BODY_ID)}).innerHTML = "
                f"atob({json.dumps(encoded)});</script>\n"
            )
            text = ""
        items = "".join(f'<li><a href="{_esc(r.url)}">{_esc(r.title)}</a></li>' for r in related)
        aside = f'<aside class="related"><h2>Related</h2><ul>{items}</ul></aside>' if items else ""
        main = (
            f'<article class="story">\n<h1 class="story-title">{_esc(a.title)}</h1>\n'
            f'<p class="byline">By {_esc(a.author)}, <time datetime="{a.published.isoformat()}">'
            f"{a.published:%d %B %Y %H:%M}</time></p>\n"
            f'<div class="story-body" id="{BODY_ID}">{text}</div>\n</article>\n{aside}'
        )
        return self._shell(f"{a.title} | {site.title}", main, head=head, canonical=a.url, tail=tail)

    def _listing(self, chunk: list[FarmArticle], number: int, more: bool) -> str:
        teasers = "".join(
            f'<article class="teaser"><h2><a href="{_esc(a.url)}">{_esc(a.title)}</a></h2>'
            f"<p>{_esc(a.paragraphs[0][:120])}</p></article>\n"
            for a in chunk
        )
        head = f'<link rel="next" href="{LISTING}page/{number + 1}/">\n' if more else ""
        pager = f'<a class="next" rel="next" href="{LISTING}page/{number + 1}/">Next page</a>' if more else ""
        main = f'<h1>News</h1>\n<section class="listing">\n{teasers}</section>\n{pager}'
        return self._shell(f"News, page {number} | {self.site.title}", main, head=head)

    def _home(self, latest: list[FarmArticle]) -> str:
        items = "".join(f'<li><a href="{a.path}">{_esc(a.title)}</a></li>' for a in latest)
        return self._shell(self.site.title, f"<h1>{_esc(self.site.title)}</h1>\n<ul>{items}</ul>")

    def _rss(self, newest: datetime) -> str:
        items = "".join(
            f"<item><title>{_esc(a.title)}</title><link>{_esc(a.url)}</link>"
            f'<guid isPermaLink="true">{_esc(a.url)}</guid><pubDate>{format_datetime(a.published)}</pubDate>'
            f"<description>{_esc(a.paragraphs[0][:150])}</description></item>\n"
            for a in reversed(self.items)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>\n'
            f"<title>{_esc(self.site.title)}</title><link>{self.site.origin}/</link>"
            f"<description>News from {_esc(self.gen.town)}</description>"
            f"<lastBuildDate>{format_datetime(newest)}</lastBuildDate>\n{items}</channel></rss>\n"
        )

    def _atom(self, newest: datetime) -> str:
        entries = "".join(
            f"<entry><title>{_esc(a.title)}</title><id>{_esc(a.url)}</id>"
            f'<link rel="alternate" href="{_esc(a.url)}"/>'
            f"<published>{a.published.isoformat()}</published><updated>{a.published.isoformat()}</updated>"
            f"<author><name>{_esc(a.author)}</name></author><summary>{_esc(a.paragraphs[0][:150])}</summary></entry>\n"
            for a in reversed(self.items)
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
            f"<title>{_esc(self.site.title)}</title><id>{self.site.origin}/</id>"
            f"<updated>{newest.isoformat()}</updated>"
            f'<link rel="self" href="{self.site.origin}/atom.xml"/>'
            f'<link rel="alternate" href="{self.site.origin}/"/>\n'
            f"{entries}</feed>\n"
        )

    # --- answering ---------------------------------------------------------------------------------
    def respond(self, path: str, headers: dict[str, str]) -> tuple[int, _Page | None]:
        """(status, page) for a GET/HEAD of path; page None for a 304 or an error page."""
        if self.site.down == "503":
            return 503, None
        page = self.pages.get(path.split("?", 1)[0])
        if page is None:
            return 404, None
        if page.etag is not None and _not_modified(page, headers):
            return 304, page
        return 200, page


def _not_modified(page: _Page, headers: dict[str, str]) -> bool:
    """RFC 9110 13.2.2: If-None-Match decides when present, else If-Modified-Since."""
    inm = headers.get("if-none-match")
    if inm is not None:
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return "*" in tags or page.etag in tags
    ims = headers.get("if-modified-since")
    if ims is None or page.last_modified is None:
        return False
    try:
        since = parsedate_to_datetime(ims)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return page.last_modified.replace(microsecond=0) <= since


_REASONS = {200: "OK", 304: "Not Modified", 404: "Not Found", 503: "Service Unavailable", 400: "Bad Request"}


def _reply(status: int, page: _Page | None, head_only: bool) -> bytes:
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}", "Server: site-farm"]
    body = b""
    if page is not None:
        if page.etag is not None:
            lines.append(f"ETag: {page.etag}")
        if page.last_modified is not None:
            lines.append(f"Last-Modified: {_http_date(page.last_modified)}")
    if status == 200 and page is not None:
        lines.append(f"Content-Type: {page.content_type}")
        body = page.body
    elif status != 304:
        body = f"<html><body><h1>{status} {_REASONS.get(status, '')}</h1></body></html>\n".encode()
        lines.append("Content-Type: text/html; charset=utf-8")
    if status != 304:
        lines.append(f"Content-Length: {len(body)}")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head if head_only else head + body


# --- the farm -----------------------------------------------------------------------------------------
def max_concurrency(requests: Iterable[FarmRequest]) -> int:
    """The most requests in flight at once (read but not yet answered) among these (one host's)."""
    requests = list(requests)
    events = sorted(
        [(r.start, 1) for r in requests] + [(r.end, -1) for r in requests], key=lambda e: (e[0], e[1])
    )
    most = current = 0
    for _, step in events:
        current += step
        most = max(most, current)
    return most


def min_gap(requests: Iterable[FarmRequest]) -> float | None:
    """The shortest time between two consecutive request starts (None with fewer than two requests)."""
    starts = sorted(r.start for r in requests)
    return min((b - a for a, b in itertools.pairwise(starts)), default=None)


def by_host(requests: Iterable[FarmRequest]) -> dict[str, list[FarmRequest]]:
    hosts: dict[str, list[FarmRequest]] = {}
    for request in requests:
        hosts.setdefault(request.host, []).append(request)
    return hosts


class _Farm:
    """What both farms expose: the sites, their TOML directory, the truth, the request log."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.sites_dir = self.directory / "sites"
        self.manifest = self.directory / "farm.json"
        self.sites: list[FarmSite] = []

    @property
    def truth(self) -> dict[str, list[str]]:
        """Site name -> the article URLs a crawl can get (all of them; none for a down or 503 site; a js
        site's only with the browser tier)."""
        return {s.name: ([] if s.down else list(s.articles)) for s in self.sites}

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.sites]

    def site(self, name_or_host: str) -> FarmSite:
        for s in self.sites:
            if name_or_host in (s.name, s.host, s.netloc, s.origin):
                return s
        raise KeyError(name_or_host)

    def requests(self, site: str | None = None) -> list[FarmRequest]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _select(self, log: list[FarmRequest], site: str | None) -> list[FarmRequest]:
        if site is None:
            return log
        name = self.site(site).name
        return [r for r in log if r.site == name]

    def _load_manifest(self) -> None:
        data = json.loads(self.manifest.read_text("utf-8"))
        self.sites = [FarmSite(**entry) for entry in data["sites"]]


class SiteFarm(_Farm):
    """N generated sites served from a thread of this process (see the module docstring)."""

    def __init__(
        self,
        n_sites: int,
        directory: str | Path,
        *,
        articles: int = 5,
        per_page: int = 10,
        js_sites: Collection[int] = (),
        down_sites: Collection[int] = (),
        unavailable_sites: Collection[int] = (),
        interval: str = "1h",
        delay: float = 0.0,
        seed: int = 0,
        port: int = 0,
    ) -> None:
        super().__init__(directory)
        self.n_sites = n_sites
        self.port = port  # 0: a free port per address, picked by the kernel
        self.articles = articles
        self.per_page = per_page
        self.js_sites = set(js_sites)
        self.down_sites = set(down_sites)
        self.unavailable_sites = set(unavailable_sites)
        self.interval = interval
        self.delay = delay  # seconds each reply waits (asyncio.sleep): a site's latency
        self.seed = seed
        self._content: dict[str, _SiteContent] = {}
        self._log: list[FarmRequest] = []
        self._log_lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._servers: list[asyncio.Server] = []
        self._writers: set[asyncio.StreamWriter] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------------------------
    def start(self) -> Self:
        if self._loop is not None:
            return self
        self.sites_dir.mkdir(parents=True, exist_ok=True)
        now = datetime.now(UTC)
        listening: list[tuple[socket.socket, _SiteContent]] = []
        try:
            for index in range(self.n_sites):
                host = f"127.0.{1 + index // 254}.{1 + index % 254}"  # 127.0.1.1 up, no .0 nor .255
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                self._sockets.append(sock)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sock.bind((host, self.port))  # this address only, never 0.0.0.0
                down = "refused" if index in self.down_sites else None
                down = "503" if index in self.unavailable_sites else down
                site = FarmSite(
                    index=index,
                    name=f"site{index:04d}",
                    host=host,
                    port=sock.getsockname()[1],
                    title=f"The {_TOWNS[index % len(_TOWNS)]} {_PAPERS[index // len(_TOWNS) % len(_PAPERS)]}",
                    timezone=_TIMEZONES[index % len(_TIMEZONES)],
                    feed="/feed/" if index % 2 == 0 else "/atom.xml",
                    url_style="date" if index % 2 == 0 else "id",
                    js=index in self.js_sites,
                    down=down,
                )
                content = _SiteContent(site, self.articles, self.per_page, self.seed, now)
                self.sites.append(site)
                self._content[site.name] = content
                if down != "refused":  # a refused site stays bound, not listening: its port stays ours
                    sock.listen(256)
                    sock.setblocking(False)
                    listening.append((sock, content))
                (self.sites_dir / f"{site.name}.toml").write_text(site.toml(self.interval), "utf-8")
            self._write_manifest()
            loop = asyncio.new_event_loop()
            self._loop = loop
            self._thread = threading.Thread(target=loop.run_forever, name="site-farm", daemon=True)
            self._thread.start()
            asyncio.run_coroutine_threadsafe(self._serve_all(listening), loop).result(timeout=60)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        self._loop = self._thread = None
        if loop is not None:
            if loop.is_running():
                asyncio.run_coroutine_threadsafe(self._close_all(), loop).result(timeout=10)
                loop.call_soon_threadsafe(loop.stop)
            if thread is not None:
                thread.join(timeout=10)
            loop.close()
        for sock in self._sockets:
            sock.close()
        self._sockets.clear()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- log and changes -------------------------------------------------------------------------------
    def requests(self, site: str | None = None) -> list[FarmRequest]:
        """Every request answered since the start or the last clear_requests(), of one site (name, host,
        host:port or origin) or of all, in the order they were answered."""
        with self._log_lock:
            log = list(self._log)
        return self._select(log, site)

    def clear_requests(self) -> None:
        with self._log_lock:
            self._log.clear()

    def publish(self, name: str) -> str:
        """Add a new article (dated now) to a site: its feed, listing and neighbours change. Its URL."""
        content = self._content[self.site(name).name]
        if self._loop is None:
            url = content.publish()
        else:
            future = asyncio.run_coroutine_threadsafe(self._call(content.publish), self._loop)
            url = future.result(timeout=10)
        self._write_manifest()
        return url

    @staticmethod
    async def _call(fn: Any) -> Any:
        return fn()

    def _write_manifest(self) -> None:
        data = {"interval": self.interval, "sites": [asdict(site) for site in self.sites]}
        tmp = self.manifest.with_suffix(".tmp")
        tmp.write_text(json.dumps(data), "utf-8")
        tmp.replace(self.manifest)

    # --- serving -----------------------------------------------------------------------------------------
    async def _serve_all(self, listening: list[tuple[socket.socket, _SiteContent]]) -> None:
        for sock, content in listening:

            async def handle(
                r: asyncio.StreamReader, w: asyncio.StreamWriter, c: _SiteContent = content
            ) -> None:
                await self._connection(c, r, w)

            self._servers.append(await asyncio.start_server(handle, sock=sock, limit=65536))

    async def _close_all(self) -> None:
        for server in self._servers:
            server.close()
        for writer in list(self._writers):
            writer.close()
        self._servers.clear()

    async def _connection(
        self, content: _SiteContent, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self._writers.add(writer)
        site = content.site
        try:
            while True:
                try:
                    raw = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                start = time.monotonic()
                lines = raw.decode("latin-1").split("\r\n")
                parts = lines[0].split(" ")
                headers = {}
                for line in lines[1:]:
                    name, sep, value = line.partition(":")
                    if sep:
                        headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length", "0") or 0)
                if length:
                    await reader.readexactly(length)
                if len(parts) != 3:
                    status, page, method, path = 400, None, "?", lines[0][:200]
                else:
                    method, path = parts[0], parts[1]
                    status, page = content.respond(path, headers)
                if self.delay > 0:
                    await asyncio.sleep(self.delay)
                conditional = "if-none-match" in headers or "if-modified-since" in headers
                kind = site.kind(path)
                entry = FarmRequest(
                    site.name, site.host, method, path, kind, start, time.monotonic(), status, conditional
                )
                with self._log_lock:  # logged before the reply leaves: a client that has it finds it logged
                    self._log.append(entry)
                writer.write(_reply(status, page, method == "HEAD"))
                await writer.drain()
                if (
                    status == 400
                    or headers.get("connection", "").lower() == "close"
                    or parts[-1] == "HTTP/1.0"
                ):
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            self._writers.discard(writer)
            writer.close()


class FarmProcess(_Farm):
    """The same farm served by a child process (``python -m bench.site_farm``): the crawl's process does not
    share its CPU with the server. Options as SiteFarm's."""

    def __init__(
        self,
        n_sites: int,
        directory: str | Path,
        *,
        articles: int = 5,
        per_page: int = 10,
        js_sites: Collection[int] = (),
        down_sites: Collection[int] = (),
        unavailable_sites: Collection[int] = (),
        interval: str = "1h",
        delay: float = 0.0,
        seed: int = 0,
        port: int = 0,
    ) -> None:
        super().__init__(directory)
        self.command = [
            sys.executable, "-m", "bench.site_farm", "--sites", str(n_sites), "--dir", str(self.directory),
            "--articles", str(articles), "--per-page", str(per_page), "--interval", interval,
            "--delay", str(delay), "--seed", str(seed), "--port", str(port),
            "--js", _ints(js_sites), "--down", _ints(down_sites), "--unavailable", _ints(unavailable_sites),
        ]  # fmt: skip
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> Self:
        if self.process is not None:
            return self
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        try:
            line = self._read_line()
            if not line.startswith(READY):
                raise RuntimeError(f"site farm did not start: {line!r}")
            self._load_manifest()
        except BaseException:
            self.stop()
            raise
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _read_line(self) -> str:
        assert self.process is not None and self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"site farm exited with status {self.process.wait()}")
        return line.rstrip("\n")

    def _command(self, command: str) -> str:
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        answer = self._read_line()
        if not answer.startswith("ok"):
            raise RuntimeError(f"site farm: {command!r}: {answer}")
        return answer[3:]

    def requests(self, site: str | None = None) -> list[FarmRequest]:
        with tempfile.NamedTemporaryFile("r", prefix="farm-log-", suffix=".jsonl", encoding="utf-8") as f:
            self._command(f"log {f.name}")
            log = [FarmRequest(*json.loads(line)) for line in f]
        return self._select(log, site)

    def clear_requests(self) -> None:
        self._command("clear")

    def publish(self, name: str) -> str:
        url = self._command(f"publish {self.site(name).name}")
        self._load_manifest()
        return url


def _ints(values: Collection[int]) -> str:
    return ",".join(str(v) for v in sorted(values))


def _int_set(text: str) -> set[int]:
    return {int(v) for v in text.split(",") if v.strip()}


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.site_farm --sites N --dir D``: serve until stdin closes; commands on stdin:
    ``log PATH`` (the request log as JSON lines), ``clear``, ``publish NAME``; each answered ``ok ...``."""
    parser = argparse.ArgumentParser(prog="python -m bench.site_farm", description=__doc__.split("\n")[0])
    parser.add_argument("--sites", type=int, default=10)
    parser.add_argument("--dir", required=True, type=Path)
    parser.add_argument("--articles", type=int, default=5)
    parser.add_argument("--per-page", type=int, default=10)
    parser.add_argument("--js", default="", help="comma-separated indices of JavaScript-rendered sites")
    parser.add_argument("--down", default="", help="indices of sites refusing connections")
    parser.add_argument("--unavailable", default="", help="indices of sites answering 503")
    parser.add_argument("--interval", default="1h")
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--port", type=int, default=0, help="one port on every address (0: any free one)")
    args = parser.parse_args(argv)
    farm = SiteFarm(
        args.sites,
        args.dir,
        articles=args.articles,
        per_page=args.per_page,
        js_sites=_int_set(args.js),
        down_sites=_int_set(args.down),
        unavailable_sites=_int_set(args.unavailable),
        interval=args.interval,
        delay=args.delay,
        seed=args.seed,
        port=args.port,
    )
    with farm:
        print(f"{READY}: {len(farm.sites)} sites, {farm.sites_dir}", flush=True)
        for line in sys.stdin:
            command, _, arg = line.strip().partition(" ")
            try:
                if command == "log":
                    with Path(arg).open("w", encoding="utf-8") as out:
                        out.writelines(json.dumps(list(r)) + "\n" for r in farm.requests())
                    answer = "ok"
                elif command == "clear":
                    farm.clear_requests()
                    answer = "ok"
                elif command == "publish":
                    answer = f"ok {farm.publish(arg)}"
                else:
                    answer = f"error: unknown command {command!r}"
            except Exception as exc:
                answer = f"error: {exc!r}"
            print(answer, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
