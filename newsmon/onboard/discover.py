"""`newsmon discover`: from a site's home page to everything a site TOML needs, each decision with reasons.

The walk, on one page budget: robots.txt and the home page; feeds (advertised, then the usual paths) and
sitemaps (robots.txt's, else the usual paths), whose entries are the article examples; a first article
pattern from them; a few article pages (labels, dates, tag/author links); the home page's navigation
links as listing candidates; links the first pattern takes for articles but the markup places among hubs
(suspects), fetched to be sure. The final pattern is generalised again with every hub found, and
listings are ranked by the article links they hold.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from newsmon.discovery.listings import listing_article_links, next_page_url
from newsmon.discovery.sitemaps import robots_sitemaps
from newsmon.extract.html import parse_html
from newsmon.extract.page import extract_page
from newsmon.onboard import labels as labelling
from newsmon.onboard.fetch import Fetcher, FetchLog
from newsmon.onboard.hubs import HubRule, hub_rules
from newsmon.onboard.listings import MIN_LISTING, Listing, rank_listings
from newsmon.onboard.patterns import PatternResult, generalise
from newsmon.onboard.signals import (
    article_aliases,
    declared_hosts,
    feed_anchor_links,
    feed_links,
    hub_links,
    is_asset,
    menu_links,
    page_language,
    page_links,
)
from newsmon.onboard.sources import Source, feed_probes, find_feeds, find_sitemaps, local_path
from newsmon.onboard.timezone import Dated, TimezoneGuess, infer_timezone, page_dates
from newsmon.urls import SiteScope, strip_tracking

logger = logging.getLogger(__name__)

MIN_EXAMPLES = 5  # strong examples (feeds, news sitemaps) enough to leave plain sitemap entries out
MAX_EXAMPLES = 2000  # examples generalised at most (a sitemap may list 50,000)
MAX_LISTINGS = 16  # listing pages read at most (the home page and every section of a long menu)
MAX_SECTION_FEEDS = 5  # feeds linked from section pages looked at
MORE_LABEL_PAGES = 4  # article pages read more when a label was seen on one page only
MORE_HUB_CHECKS = 4  # navigation links the final pattern takes for articles, fetched to be sure
WEAK_HINTS = ("navigation link", "byline link")  # hubs by their place only: checked before trusted
SECTION_FEED = "section "  # how a feed linked from a section page was found (Source.origin prefix)


class DiscoverError(Exception):
    """The site cannot be onboarded from this URL (its home page does not answer)."""


@dataclass
class Discovery:
    """Everything discovered, for the writer (values and reasons) and the dry run."""

    origin: str
    name: str
    hosts: list[str]
    declared: set[str]
    language: str | None
    feeds: list[Source]
    sitemaps: list[Source]
    robots_listed: list[str]
    pattern: PatternResult
    hubs: dict[str, str]  # hub path -> why
    hub_rules: list[HubRule]
    hub_notes: list[str]
    listings: list[Listing]
    labels: labelling.LabelResult
    timezone: TimezoneGuess
    article_urls: list[str]  # article URLs found (examples, then listing links), for the dry run
    examples_from: list[str]  # which sources the examples came from
    log: FetchLog
    budget: int
    checked: dict[str, str] = field(default_factory=dict)  # suspect path -> what the page turned out to be
    unread_hubs: set[str] = field(default_factory=set)  # navigation links not read, not article-shaped
    sections: list[str] = field(default_factory=list)  # the home page's menu links (not articles)

    def hub_paths(self) -> set[str]:
        """Every hub path seen (confirmed; navigation links not read, not article-shaped): the pattern
        matches none."""
        return set(self.hubs) | self.unread_hubs


def site_name(url: str) -> str:
    """A valid site name (``newsmon.sites.SITE_NAME``) from the host: ``www.harbour-times.co.uk`` ->
    ``harbour-times``; accents folded (``põhjarannik.ee`` -> ``pohjarannik``), a host in another script
    by its IDNA form; an address or a non-default port is kept whole (``127-0-0-1-8080``)."""
    parts = urlsplit(url)
    host = (parts.hostname or "site").lower()
    labels = host.split(".")
    if not all(label.isdigit() for label in labels):
        labels = [label for label in labels if label not in ("www", "m")] or labels
        if len(labels) > 1:
            labels = labels[:-1]
        if len(labels) > 1 and labels[-1] in ("co", "com", "org", "net", "gov", "ac", "edu"):
            labels = labels[:-1]
    labels = [_ascii_label(label) for label in labels]
    if parts.port is not None:
        labels.append(str(parts.port))
    name = re.sub(r"[^a-z0-9_-]+", "-", "-".join(labels)).strip("-_")
    return name[:64].rstrip("-_") or "site"


def _ascii_label(label: str) -> str:
    """A host label in ASCII: accents folded, else the IDNA (punycode) form."""
    if label.isascii():
        return label
    folded = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii")
    if len(folded) * 2 >= len(label):
        return folded
    try:
        return label.encode("idna").decode("ascii")
    except UnicodeError:
        return folded or "site"


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DiscoverError(f"not an http(s) URL: {url!r}")
    return f"{parts.scheme}://{parts.netloc.lower()}"


class _Walk:
    """The state of one discovery: pages read, examples and hubs found so far."""

    def __init__(self, url: str, fetcher: Fetcher) -> None:
        self.url, self.fetcher = url, fetcher
        self.origin = origin_of(url)
        self.scope = SiteScope.build(self.origin)
        self.hubs: dict[str, str] = {"/": "home page"}  # confirmed hub paths
        self.soft_hubs: dict[str, str] = {}  # navigation links: hubs unless shown otherwise
        self.articles: dict[str, HtmlElement] = {}  # article pages read: URL -> tree
        self.dates: list[Dated] = []
        self.languages: Counter[str] = Counter()
        self.checked: dict[str, str] = {}
        self.pagination: list[tuple[str, str]] = []
        self.tried: set[str] = set()  # article pages asked for
        self.links_seen: list[str] = []  # on-site links of the article pages read
        self.unread_hubs: set[str] = set()  # navigation links never read (hubs by their place)
        self.sections: list[str] = []  # the home page's menu links that are not articles
        self.labels: labelling.LabelResult = labelling.LabelResult([], [], [], 0)
        self.aliases: dict[str, None] = {}  # translations and short links of the article pages read

    def known(self) -> list[str]:
        """Article URLs known from the pages read: the pages, then the aliases they give for themselves."""
        return [*self.articles, *(u for u in self.aliases if u not in self.articles)]

    def read_articles(self, examples: list[str], wanted: int) -> PatternResult:
        """Read article pages (labels, dates, language, tag/author links) until ``wanted`` are read: the
        examples of every shape in turn, then the links of the pages read that the pattern takes (related
        articles). The pattern is generalised again after each page, as hubs turn up among the examples."""
        first = generalise(examples + self.known(), self.hubs)
        queue = _spread(examples, first, len(examples))
        limit = len(self.tried) + 2 * wanted + 3
        while queue and len(self.articles) < wanted and len(self.tried) < limit:
            url = queue.pop(0)
            if url in self.tried or not first.matches(urlsplit(url).path):
                continue
            self.tried.add(url)
            read = self.read(url)
            if read is not None:
                links = self.note_links(read[1], read[0])
                self.links_seen += links
                self.judge(read[0], read[1], first, example=True)
                first = generalise(examples + self.known(), self.hubs)
                queue += [u for u in links if first.matches(urlsplit(u).path) and u not in self.tried]
        return first

    def localize(self, url: str) -> str | None:
        """The URL (or a path) of a page on the origin; None for other sites and files that are not pages."""
        return None if is_asset(url) else self.on_site(url)

    def on_site(self, url: str) -> str | None:
        """The URL (or a path) on the origin, whatever it is; None for other sites."""
        return self.scope.localize(self.origin + url if url.startswith("/") else url)

    def note_links(self, tree: HtmlElement, url: str) -> list[str]:
        """Record a page's hub links; its on-site links, in order."""
        links = page_links(tree, url)
        for link_url, why in hub_links(links).items():
            local = self.localize(link_url)
            if local is None:
                continue
            path = urlsplit(local).path
            if why in WEAK_HINTS:  # a menu or a byline box may link a story too
                self.soft_hubs.setdefault(path, why)
            else:
                self.hubs.setdefault(path, why)
        return [u for u in (self.localize(link.url) for link in links) if u]

    def read(self, url: str) -> tuple[str, HtmlElement] | None:
        page = self.fetcher.get(url)
        if page is None or not page.ok or "html" not in (page.content_type or "html"):
            return None
        tree = parse_html(page.body, encoding=None)
        self.dates.extend(page_dates(tree))
        return page.url, tree

    def hub_paths(self) -> set[str]:
        """Paths of every hub seen: confirmed, and navigation links not read that the pattern leaves out."""
        return set(self.hubs) | self.unread_hubs

    def settle_pattern(self, examples: list[str]) -> PatternResult:
        """The final article pattern, checked against every hub seen. Navigation links it takes for articles
        (a menu's category pages, or a header's featured story) are fetched to be sure, a few of each first
        path segment first (bounded); those that are hubs make the pattern generalise again, until it
        matches no hub page read (a shape that still does is left out by generalise)."""
        listed = {urlsplit(u).path for u in examples}
        pattern = generalise(examples + self.known(), self.hubs)
        checks = 0
        for _ in range(3):
            read = {urlsplit(u).path for u in self.articles}
            soft = {p for p in self.soft_hubs if p not in self.hubs and p not in read and p not in listed}
            taken = sorted(p for p in soft if pattern.matches(p) and p not in self.checked)
            by_head: dict[str, list[str]] = {}
            for path in taken:
                by_head.setdefault(_head(path), []).append(path)
            spread = [g[i] for i in range(2) for g in by_head.values() if i < len(g)]
            found_hub = False
            for path in spread:
                if checks >= MORE_HUB_CHECKS:
                    break
                checks += 1
                page = self.read(self.origin + path)
                if page is not None:
                    self.checked[path] = self.judge(page[0], page[1], pattern)
                    found_hub = found_hub or self.checked[path] == "hub"
            if [p for p in self.hubs if pattern.matches(p)] or found_hub:
                pattern = generalise(examples + self.known(), self.hubs)
            else:
                break
        read = {urlsplit(u).path for u in self.articles}
        self.unread_hubs = {
            p
            for p in self.soft_hubs
            if p not in self.hubs and p not in read and p not in listed and not pattern.matches(p)
        }
        return pattern

    def label_pages(self, pattern: PatternResult) -> None:
        """Related labels from the article pages read; while a read_also label was seen on one page only,
        more article pages are read (its block's links first, bounded): they confirm its links are
        articles and show whether the block recurs."""
        hubs = self.hub_paths() - {urlsplit(u).path for u in self.articles}

        def is_article(url: str) -> bool:
            path = urlsplit(url).path
            return url in self.articles or (path not in hubs and pattern.matches(path))

        pages = {u: labelling.page_blocks(t, u, is_article) for u, t in self.articles.items()}
        self.labels = labelling.choose_labels(list(pages.values()))
        more = 0
        while more < MORE_LABEL_PAGES and self.fetcher.left > 0:
            unsure = self.labels.unsure()
            queue = [
                link
                for entry in unsure
                for page_links_ in entry.blocks.values()
                for link in sorted(page_links_)
                if link not in self.tried and link not in self.articles
            ]
            if not queue:
                break
            url = queue[0]
            self.tried.add(url)
            more += 1
            read = self.read(url)
            if read is None:
                continue
            if self.judge(read[0], read[1], pattern, example=True) != "article":
                hubs.add(urlsplit(read[0]).path)  # a block whose links are not articles is no related block
                pages = {u: labelling.page_blocks(self.articles[u], u, is_article) for u in pages}
            else:
                pages[read[0]] = labelling.page_blocks(read[1], read[0], is_article)
            self.labels = labelling.choose_labels(list(pages.values()))
        logger.info("Labels from %d article pages (%d read for unsure labels)", len(pages), more)

    def paginate(self, url: str, tree: HtmlElement) -> None:
        """Record a listing's next page (a hub, and a pagination rule)."""
        nxt = next_page_url(tree, url)
        if nxt and self.localize(nxt):
            self.pagination.append((local_path(url), local_path(nxt)))
            if urlsplit(nxt).path != urlsplit(url).path:  # not ?page=2
                self.hubs.setdefault(urlsplit(nxt).path, f"next page of {urlsplit(url).path}")

    def judge(self, url: str, tree: HtmlElement, pattern: PatternResult, *, example: bool = False) -> str:
        """What a page read is: "article", "hub" (recorded) or "unknown". An example (a feed or sitemap entry)
        is a hub only when it says so or lists articles: a page without markup may still be an article."""
        data = extract_page(tree, url)
        path = urlsplit(url).path
        if data.is_article and not data.is_hub:
            self.articles[url] = tree
            for alias in article_aliases(tree, url):
                local = self.localize(alias)
                if local is not None and urlsplit(local).path != path:
                    self.aliases.setdefault(local, None)
            if data.language:
                self.languages[data.language] += 1
            return "article"
        listed = [u for u in listing_article_links(tree, url) if pattern.matches(urlsplit(u).path)]
        if data.is_hub or len(listed) >= MIN_LISTING:
            self.hubs[path] = "a listing page" if len(listed) >= MIN_LISTING else "declares itself a hub"
            return "hub"
        if not example and (data.published_at is None or data.published_from_url):
            self.hubs[path] = "not an article (no article markup, no date)"
            return "hub"
        return "unknown"


def _examples(feeds: list[Source], sitemaps: list[Source]) -> tuple[list[str], list[str]]:
    """Article examples, from the sources surest to list articles only: feeds and news sitemaps; plain
    sitemaps (which list every page) only when those give too few. Tracking parameters dropped."""
    groups = [
        ("feeds", [u for s in feeds if s.kept for u in s.entries]),
        ("news sitemaps", [u for s in sitemaps if s.kept and s.news for u in s.entries]),
        ("sitemaps", [u for s in sitemaps if s.kept and not s.news for u in s.entries]),
    ]
    urls: list[str] = []
    used: list[str] = []
    for name, entries in groups:
        if name == "sitemaps" and len(set(urls)) >= MIN_EXAMPLES:
            break
        if entries:
            urls += [strip_tracking(u) for u in entries]
            used.append(name)
    return list(dict.fromkeys(urls))[:MAX_EXAMPLES], used


def _spread(urls: list[str], pattern: PatternResult, count: int) -> list[str]:
    """Up to ``count`` URLs the pattern takes, one shape after another (newest first within a shape)."""
    by_shape: list[list[str]] = [[] for _ in pattern.shapes]
    for url in urls:
        path = urlsplit(url).path
        for i, shape in enumerate(pattern.shapes):
            if shape.matches(path):
                by_shape[i].append(url)
                break
    out: list[str] = []
    while len(out) < count and any(by_shape):
        for group in by_shape:
            if group and len(out) < count:
                out.append(group.pop(0))
    return out


def discover(url: str, fetcher: Fetcher) -> Discovery:
    """Walk the site from ``url`` within the fetcher's budget; see the module docstring."""
    walk = _Walk(url, fetcher)
    budget = fetcher.max_pages
    n_articles, n_listings, n_suspects = max(2, budget // 6), max(2, budget // 4), max(1, budget // 10)
    reserve = n_articles + n_suspects + 2
    robots_txt = fetcher.read_robots()
    home = fetcher.get(url)
    if home is None or not home.ok:
        refused = [why for u, why in fetcher.log.refused if u == fetcher.url(url)]
        status = f"HTTP {home.status}" if home is not None else (refused or ["no answer"])[-1]
        moved = [u for u, why in fetcher.log.refused if why.startswith(f"redirect from {fetcher.url(url)}")]
        if moved:
            raise DiscoverError(f"{url} redirects to {moved[-1]}, another origin: run discover on that URL")
        raise DiscoverError(f"{url}: {status}; discover needs the home page")
    home_tree = parse_html(home.body)
    home_url = home.url
    declared = {h for h in declared_hosts(home_tree, home_url) if h != walk.scope.crawl_host}
    walk.scope = SiteScope.build(walk.origin, declared)
    walk.dates.extend(page_dates(home_tree))
    home_links = walk.note_links(home_tree, home_url)
    walk.hubs[urlsplit(home_url).path] = "home page"
    # what the site names first (advertised feeds, robots.txt's sitemaps), then the usual paths
    keep = reserve + n_listings
    advertised = [(u, "advertised" + (f' "{t}"' if t else "")) for u, t in feed_links(home_tree, home_url)]
    advertised += [(u, f'linked "{t}"' if t else "linked") for u, t in feed_anchor_links(home_tree, home_url)]
    feeds = find_feeds(fetcher, advertised, walk.on_site, keep)
    listed = robots_sitemaps(robots_txt, walk.origin + "/")
    sitemaps = find_sitemaps(fetcher, listed, walk.on_site, keep, probe=False)
    feeds += find_feeds(fetcher, feed_probes(fetcher), walk.on_site, keep, feeds)
    if not listed:
        sitemaps += find_sitemaps(fetcher, [], walk.on_site, keep, probe=True)
    for source in feeds:  # pages link their feeds; nobody links a sitemap
        if source.kind:
            walk.hubs[urlsplit(source.url).path] = f"{source.kind} feed"
    examples, examples_from = _examples(feeds, sitemaps)
    teasers = [u for u in (walk.localize(x) for x in listing_article_links(home_tree, home_url)) if u]
    if len(examples) < MIN_EXAMPLES:
        examples, examples_from = (
            list(dict.fromkeys(examples + teasers)),
            [*examples_from, "home page teasers"],
        )
    logger.info("%d article examples from %s", len(examples), ", ".join(examples_from) or "nothing")
    first = walk.read_articles(examples, n_articles)
    logger.info("%d article pages read; first pattern %s", len(walk.articles), first.pattern)
    # listing candidates: the menus' sections first, then other navigation links, then the home page's
    walk.sections = [
        u
        for u in dict.fromkeys(walk.localize(x) for x in menu_links(home_tree, home_url))
        if u and not first.matches(urlsplit(u).path)
    ]
    nav = [walk.localize(p) for p, why in walk.soft_hubs.items() if why == "navigation link"]
    ordered = [u for u in [*walk.sections, *nav, *home_links] if u and not first.matches(urlsplit(u).path)]
    documents = {p for p, why in walk.hubs.items() if why.endswith((" feed", "home page"))}
    documents |= set(_hinted(walk)) - {p for p, why in walk.soft_hubs.items() if why == "navigation link"}
    candidates = [u for u in dict.fromkeys(ordered) if urlsplit(u).path not in documents]
    trees: dict[str, HtmlElement] = {home_url: home_tree}
    walk.paginate(home_url, home_tree)
    n_listings = min(MAX_LISTINGS, max(n_listings, len(walk.sections) + 1))
    section_feeds: dict[str, str] = {}
    for candidate in candidates:
        if len(trees) > n_listings:
            break
        if walk.hubs.get(urlsplit(candidate).path, "").startswith("next page"):
            continue
        read = walk.read(candidate)
        if read is None:
            continue
        trees[read[0]] = read[1]
        walk.note_links(read[1], read[0])
        walk.paginate(*read)
        walk.judge(read[0], read[1], first)
        where = f"{SECTION_FEED}{urlsplit(read[0]).path}"
        for link, _ in [*feed_links(read[1], read[0]), *feed_anchor_links(read[1], read[0])]:
            section_feeds.setdefault(link, where)
    # feeds a section page links (a site may link a feed from one section only)
    wanted = [(u, why) for u, why in section_feeds.items() if walk.on_site(u)][:MAX_SECTION_FEEDS]
    more = find_feeds(fetcher, wanted, walk.on_site, n_suspects + 2, feeds) if wanted else []
    for source in more:
        if source.kind:
            walk.hubs[urlsplit(source.url).path] = f"{source.kind} feed"
    feeds += more
    if any(source.kept for source in more):
        examples, examples_from = _examples(feeds, sitemaps)
        examples = list(dict.fromkeys(examples + (teasers if "home page teasers" in examples_from else [])))
        examples_from = [*examples_from, "feeds linked from section pages"]
        first = walk.read_articles(examples, n_articles)
    if len(examples) < MIN_EXAMPLES:  # no feed, no sitemap, no teaser on the home page: the listings'
        listed_links = [
            walk.localize(u) for url, tree in trees.items() for u in listing_article_links(tree, url)
        ]
        examples = list(dict.fromkeys(examples + [u for u in listed_links if u]))
        examples_from = [*examples_from, "listing teasers"]
        first = walk.read_articles(examples, n_articles)
    # suspects: links the pattern takes for articles that the markup places among hubs
    # (navigation and tag/author links first, then links whose first path segment no example has)
    heads = {_head(u) for u in examples if first.matches(urlsplit(u).path)}
    novel = [u for u in walk.links_seen if _head(u) not in heads]
    suspects = [
        u
        for u in (walk.localize(p) for p in [*walk.soft_hubs, *_hinted(walk), *novel])
        if u and first.matches(urlsplit(u).path) and u not in walk.articles
    ]
    for suspect in list(dict.fromkeys(suspects))[:n_suspects]:
        read = walk.read(suspect)
        if read is not None:
            walk.checked[urlsplit(read[0]).path] = walk.judge(read[0], read[1], first)
    pattern = walk.settle_pattern(examples)
    logger.info("Article pattern %s (%d hub pages known)", pattern.pattern, len(walk.hubs))
    walk.label_pages(pattern)
    return _conclude(
        walk, pattern, examples, examples_from, feeds, sitemaps, listed, trees, declared, home_tree
    )


def _head(url: str) -> str:
    """The first path segment."""
    return urlsplit(url).path.lstrip("/").split("/", 1)[0]


def _hinted(walk: _Walk) -> list[str]:
    return [p for p, why in [*walk.hubs.items(), *walk.soft_hubs.items()] if why.endswith(" link")]


def _conclude(
    walk: _Walk,
    pattern: PatternResult,
    examples: list[str],
    examples_from: list[str],
    feeds: list[Source],
    sitemaps: list[Source],
    robots_listed: list[str],
    trees: dict[str, HtmlElement],
    declared: set[str],
    home_tree: HtmlElement,
) -> Discovery:
    is_article = lambda u: pattern.matches(urlsplit(u).path)  # noqa: E731
    newest = {
        strip_tracking(u)
        for f in feeds
        if f.kept and not f.origin.startswith(SECTION_FEED)
        for u in f.entries
    }
    paginated = [listing for listing, _ in walk.pagination]
    listings = rank_listings(trees, walk.localize, is_article, paginated, newest, walk.sections)
    article_paths = [urlsplit(u).path for u in examples if is_article(u)]
    soft = {p: why for p, why in walk.soft_hubs.items() if not pattern.matches(p) and p not in walk.hubs}
    rules, notes = hub_rules({**walk.hubs, **soft}, article_paths, pattern.pattern, walk.pagination)
    counted = walk.languages.most_common(1)
    language = counted[0][0] if counted else page_language(home_tree)
    found = [u for u in examples if is_article(u)]
    found += [u for listing in listings if listing.chosen for u in listing.links]
    return Discovery(
        origin=walk.origin,
        name=site_name(walk.origin),
        hosts=[walk.scope.crawl_host, *sorted(declared)],
        declared=declared,
        language=language,
        feeds=feeds,
        sitemaps=sitemaps,
        robots_listed=robots_listed,
        pattern=pattern,
        hubs=walk.hubs,
        hub_rules=rules,
        hub_notes=notes,
        listings=listings,
        labels=walk.labels,
        timezone=infer_timezone(walk.dates, language, urlsplit(walk.origin).hostname),
        article_urls=list(dict.fromkeys(found)),
        examples_from=examples_from,
        log=walk.fetcher.log,
        budget=walk.fetcher.max_pages,
        checked=walk.checked,
        unread_hubs=walk.unread_hubs,
        sections=walk.sections,
    )
