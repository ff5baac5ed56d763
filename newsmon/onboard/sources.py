"""Feeds and sitemaps of a site: the ones it advertises, the usual paths probed, each kept or rejected with a
reason. Parsing is newsmon's own (newsmon/discovery/), so what is kept here is what the crawl can read."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from newsmon.discovery.feeds import parse_feed
from newsmon.discovery.sitemaps import newest_first, parse_sitemap
from newsmon.extract.metadata import normalize_language
from newsmon.onboard.fetch import Fetcher, Page

logger = logging.getLogger(__name__)

# Where feeds usually live: WordPress (/feed/), Ghost (/rss/), Drupal (/rss.xml), static site generators
# (Jekyll /feed.xml, Hugo /index.xml, /atom.xml), JSON Feed.
PROBE_FEEDS = ("/feed/", "/rss/", "/rss.xml", "/atom.xml", "/feed.xml", "/index.xml", "/feed.json")
PROBE_SITEMAPS = ("/sitemap.xml", "/sitemap_index.xml", "/news-sitemap.xml", "/sitemap-news.xml")
MAX_FEEDS = 3
MAX_FEED_DATES = 50
# an entry's date as the feed writes it (RSS pubDate, Atom published/updated, Dublin Core date)
_FEED_DATE = re.compile(rb"<(?:pubDate|published|updated|dc:date)>\s*([^<]{8,64}?)\s*</", re.IGNORECASE)
MAX_CHILDREN = 3  # children of a sitemap index read for examples
COMMENT_SHARE = 0.5  # entries pointing at #fragments: a comments feed


def local_path(url: str) -> str:
    """Path and query of a URL, as a site TOML writes it."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


@dataclass
class Source:
    """A feed or sitemap looked at: kept or not, and why."""

    url: str
    origin: str  # "advertised", "probed", "robots.txt", "index <url>"
    kind: str = ""  # rss, atom, json, urlset, sitemapindex
    entries: list[str] = field(default_factory=list)  # on-site entry URLs
    news: int = 0  # Google News entries (sitemaps)
    children: list[str] = field(default_factory=list)  # sitemap index children
    kept: bool = False
    why: str = ""
    dates: list[str] = field(default_factory=list)  # feeds: the entries' dates as written (timezone evidence)
    language: str | None = None  # feeds: the language the feed declares (zh-cn), when the pages declare none

    @property
    def path(self) -> str:
        return local_path(self.url)


def _failed(page: Page | None, fetcher: Fetcher, url: str) -> str | None:
    if page is None:
        refused = [why for u, why in fetcher.log.refused if u == fetcher.url(url)]
        failed = [why for u, why in fetcher.log.fetched if u == fetcher.url(url)]
        return (refused or failed or ["not fetched"])[-1]
    if not page.ok:
        return f"HTTP {page.status}"
    return None


def find_feeds(
    fetcher: Fetcher,
    wanted: Iterable[tuple[str, str]],
    localize: Callable[[str], str | None],
    reserve: int,
    known: Iterable[Source] = (),
) -> list[Source]:
    """Feeds at ``wanted`` (URL, how it was found: "advertised ...", "probed"); kept when they parse with
    entries on this site and list something no kept feed lists already (a category feed, the same feed
    under a second path: rejected). Probes stop while only ``reserve`` pages are left."""
    known = list(known)
    sources: list[Source] = []
    looked = {s.path for s in known} | {s.url for s in known}
    for url, origin in wanted:
        local = localize(url)
        if local is None:
            sources.append(Source(url, origin, why="on another site"))
            continue
        if local in looked or local_path(local) in looked:
            continue
        looked.add(local)
        if origin == "probed" and fetcher.left <= reserve:
            sources.append(Source(local, origin, why="not probed: page budget kept for the pages"))
            continue
        page = fetcher.get(local, plain=True)
        failed = _failed(page, fetcher, local)
        if failed is not None or page is None:
            sources.append(Source(local, origin, why=failed or "not fetched"))
            continue
        source = Source(page.url, origin)
        sources.append(source)
        looked.add(page.url)
        _judge_feed(source, page, localize, [s for s in [*known, *sources] if s.kept])
    return sources


def feed_probes(fetcher: Fetcher) -> list[tuple[str, str]]:
    return [(fetcher.url(p), "probed") for p in PROBE_FEEDS]


def _judge_feed(
    source: Source, page: Page, localize: Callable[[str], str | None], kept: list[Source]
) -> None:
    result = parse_feed(page.body, page.url, page.content_type)
    source.kind = result.kind
    if not result.kind:
        source.why = "not a feed" + (" (empty document)" if result.empty_document else "")
        return
    raw = [e.url for e in result.entries]
    with_fragment = sum(1 for u in raw if "#" in u)
    if raw and with_fragment >= COMMENT_SHARE * len(raw):
        source.why = f"a comments feed ({with_fragment} of {len(raw)} entries link #anchors)"
        return
    source.entries = list(dict.fromkeys(u for u in (localize(u.split("#")[0]) for u in raw) if u))
    if not source.entries:
        source.why = f"{result.kind} feed with no entries on this site ({len(raw)} entries)"
        return
    mine = set(source.entries)
    for other in kept:
        if mine <= set(other.entries):
            source.why = f"its {len(mine)} entries are all in {other.path} already"
            return
    if len(kept) >= MAX_FEEDS:
        source.why = f"{MAX_FEEDS} feeds kept already"
        return
    source.kept = True
    source.why = f"{result.kind} feed, {len(source.entries)} entries on this site"
    source.dates = [m.decode("utf-8", "replace") for m in _FEED_DATE.findall(page.body)[:MAX_FEED_DATES]]
    source.language = normalize_language(result.language)


def _read_sitemap(fetcher: Fetcher, url: str, origin: str, localize: Callable[[str], str | None]) -> Source:
    page = fetcher.get(url, plain=True)
    failed = _failed(page, fetcher, url)
    if failed is not None or page is None:
        return Source(url, origin, why=failed or "not fetched")
    result = parse_sitemap(page.body, page.url)
    source = Source(page.url, origin, kind=result.kind)
    if not result.kind:
        source.why = result.error or "not a sitemap"
        return source
    source.entries = [u for u in (localize(e.url) for e in result.entries) if u]
    source.news = sum(1 for e in result.entries if e.news_published_at or e.news_title)
    source.children = [u for u in (localize(c.url) for c in newest_first(result.children)) if u]
    what = f"{len(source.children)} child sitemaps" if result.kind == "sitemapindex" else "entries"
    count = "" if result.kind == "sitemapindex" else f"{len(source.entries)} "
    news = f", {source.news} Google News entries" if source.news else ""
    source.why = f"{result.kind}: {count}{what}{news}"
    source.kept = True
    return source


def find_sitemaps(
    fetcher: Fetcher, listed: list[str], localize: Callable[[str], str | None], reserve: int, *, probe: bool
) -> list[Source]:
    """The sitemaps robots.txt lists, or (``probe``) those at the usual paths; an index's newest few
    children are read too (for example URLs and to find a news sitemap)."""
    sources: list[Source] = []
    queue = [(u, "robots.txt") for u in listed]
    if probe:
        queue = [(fetcher.url(p), "probed") for p in PROBE_SITEMAPS]
    seen: set[str] = set()
    while queue:
        url, origin = queue.pop(0)
        local = localize(url)
        if local is None or local in seen:
            if local is None:
                sources.append(Source(url, origin, why="on another site"))
            continue
        seen.add(local)
        if fetcher.left <= reserve:
            sources.append(Source(local, origin, why="not read: page budget kept for the pages"))
            continue
        source = _read_sitemap(fetcher, local, origin, localize)
        sources.append(source)
        seen.add(source.url)
        top = not origin.startswith("index")
        queue.extend((c, f"index {source.path}") for c in source.children[:MAX_CHILDREN] if top)
    return sources


@dataclass(frozen=True)
class SitemapChoice:
    """What the TOML says about sitemaps: robots_sitemaps, sitemaps, and why."""

    robots: bool
    paths: list[str]
    why: str


def choose_sitemaps(feeds: list[Source], sitemaps: list[Source], robots_listed: list[str]) -> SitemapChoice:
    """Sitemaps are the source when there is no feed. With a feed, only a news sitemap is worth reading:
    a full sitemap lists the whole archive, which the first run would fetch."""
    read = [s for s in sitemaps if s.kept]
    if not read:
        where = "robots.txt lists none and " if not robots_listed else ""
        return SitemapChoice(False, [], f"{where}no sitemap could be read")
    news = [s for s in read if s.news]
    full = ", ".join(s.path for s in read if not s.news)
    if any(f.kept for f in feeds):
        if news:
            why = "the feeds give new articles; the news sitemap adds the day's articles with their dates"
            return SitemapChoice(
                False, [s.path for s in news], why + (f"; left out (whole archive): {full}" if full else "")
            )
        return SitemapChoice(
            False,
            [],
            f"the feeds give new articles; left out (whole archive, a first run would fetch it all): {full}",
        )
    if robots_listed:
        return SitemapChoice(True, [], "no feed: the sitemaps robots.txt lists are the source of articles")
    tops = [s.path for s in read if not s.origin.startswith("index")]
    return SitemapChoice(
        False, tops, "no feed and robots.txt lists no sitemap: the sitemaps found at the usual paths"
    )
