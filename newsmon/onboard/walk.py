"""One discovery's walk over a site: the pages read, the article examples and hubs found so far, and the
steps that read more pages (article pages, suspects, the final pattern's check, unsure labels)."""

from __future__ import annotations

import logging
from collections import Counter
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from newsmon.discovery.listings import PageLayout, listing_article_links, next_page_url, page_layout
from newsmon.extract.html import parse_html
from newsmon.extract.page import extract_page
from newsmon.extract.types import PageData
from newsmon.onboard import labels as labelling
from newsmon.onboard.fetch import Fetcher
from newsmon.onboard.listings import MIN_LISTING
from newsmon.onboard.patterns import PatternResult, generalise
from newsmon.onboard.signals import article_aliases, hub_links, is_asset, page_links
from newsmon.onboard.sources import local_path
from newsmon.onboard.timezone import Dated, page_dates
from newsmon.urls import SiteScope

logger = logging.getLogger(__name__)

MORE_LABEL_PAGES = 4  # article pages read more when a label was seen on one page only
MORE_HUB_CHECKS = 4  # navigation links the final pattern takes for articles, fetched to be sure
MAX_SECTION_CHECKS = 3  # examples that are the directory of other examples, judged before the pattern
WEAK_HINTS = ("navigation link", "byline link")  # hubs by their place only: checked before trusted


class Walk:
    """The state of one discovery: pages read, examples and hubs found so far."""

    def __init__(self, url: str, fetcher: Fetcher, origin: str) -> None:
        self.url, self.fetcher = url, fetcher
        self.origin = origin
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
        self.listed: set[str] = set()  # paths feeds and news sitemaps list (articles in the site's own word)
        self.sequences: list[list[str]] = []  # the site's own ordered lists of articles (feeds, listings)

    def known(self) -> list[str]:
        """Article URLs known from the pages read: the pages, then the aliases they give for themselves."""
        return [*self.articles, *(u for u in self.aliases if u not in self.articles)]

    def read_articles(self, examples: list[str], wanted: int) -> PatternResult:
        """Read article pages (labels, dates, language, tag/author links) until ``wanted`` are read: the
        examples of every shape in turn, then the links of the pages read that the pattern takes (related
        articles). The pattern is generalised again after each page, as hubs turn up among the examples."""
        first = generalise(examples + self.known(), self.hubs)
        if self._check_sections(examples, first):
            first = generalise(examples + self.known(), self.hubs)
        queue = spread(examples, first, len(examples))
        limit = len(self.tried) + 2 * wanted + 3
        while queue and len(self.articles) < wanted and len(self.tried) < limit:
            url = queue.pop(0)
            # one page linked two ways (``?id=5``, ``?ID=5&cat=3``) is read once
            if url in self.tried or not first.matches(urlsplit(url).path) or self._tried(url, first):
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

    def _tried(self, url: str, pattern: PatternResult) -> bool:
        """The page (by the site's page identity: ``PatternResult.ids``) was asked for already."""
        if not pattern.ids.keys:
            return False
        own = pattern.ids.of(url)
        return any(pattern.ids.of(u) == own for u in [*self.tried, *self.articles])

    def _check_sections(self, examples: list[str], pattern: PatternResult) -> bool:
        """Examples whose path is the directory of other examples (``/a/shehui/`` beside
        ``/a/shehui/20260327/3415.html``: a sitemap listing a channel page with its stories) are read and
        judged first, a few (MAX_SECTION_CHECKS), so a listing never shapes the pattern. True when one was
        a hub."""
        paths = [urlsplit(u).path for u in examples]
        found = False
        checked = 0
        for url, path in zip(examples, paths, strict=True):
            if checked >= MAX_SECTION_CHECKS:
                break
            below = path.rstrip("/") + "/"
            if path in self.hubs or url in self.tried or below == "/":
                continue
            if sum(1 for p in paths if p != path and p.startswith(below)) < 2:
                continue
            checked += 1
            self.tried.add(url)
            read = self.read(url)
            if read is not None:
                found = self.judge(read[0], read[1], pattern, example=True) == "hub" or found
        return found

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
                by_head.setdefault(head(path), []).append(path)
            picked = [g[i] for i in range(2) for g in by_head.values() if i < len(g)]
            found_hub = False
            for path in picked:
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
        articles and show whether the block recurs. With no read_also label at all, a few more article
        pages are read (a related box only some articles have)."""
        ids = pattern.ids  # pages told apart by path, or by path and query (``/Details.aspx?id=N``)
        hubs = self.hub_paths() - {urlsplit(u).path for u in self.articles}
        read_ids = {ids.of(u) for u in self.articles}
        not_articles: set[str] = set()  # pages a block linked that turned out not to be articles

        def is_article(url: str) -> bool:
            path, own = urlsplit(url).path, ids.of(url)
            if url in self.articles or own in read_ids:
                return True
            return path not in hubs and own not in not_articles and pattern.matches(path)

        adjacent = labelling.neighbours(self.sequences, ids)
        pages = {u: labelling.page_blocks(t, u, is_article, ids) for u, t in self.articles.items()}
        self.labels = labelling.choose_labels(list(pages.values()), adjacent, ids)
        more = 0
        while more < MORE_LABEL_PAGES and self.fetcher.left > 0:
            unsure = self.labels.unsure()
            queue = [
                link
                for entry in unsure
                for page_links_ in entry.blocks.values()
                for link in sorted(page_links_)
                if link not in self.tried and link not in self.articles and not self._tried(link, pattern)
            ]
            if not queue and not self.labels.read_also:  # none yet: a related box only some pages have
                queue = [
                    link
                    for page in pages.values()
                    for link in sorted(page.links)
                    if link not in self.tried
                    and link not in self.articles
                    and pattern.matches(urlsplit(link).path)
                    and not self._tried(link, pattern)
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
                # a block whose links are not articles is no related block (at a query-identified path,
                # only that page is not an article: its neighbours at the same path may be)
                (not_articles if ids.keys.get(urlsplit(read[0]).path) else hubs).add(ids.of(read[0]))
                pages = {u: labelling.page_blocks(self.articles[u], u, is_article, ids) for u in pages}
            else:
                read_ids.add(ids.of(read[0]))
                pages[read[0]] = labelling.page_blocks(read[1], read[0], is_article, ids)
            self.labels = labelling.choose_labels(list(pages.values()), adjacent, ids)
        logger.info("Labels from %d article pages (%d read while unsure)", len(pages), more)

    def paginate(self, url: str, tree: HtmlElement) -> None:
        """Record a listing's next page (a hub, and a pagination rule)."""
        nxt = next_page_url(tree, url)
        if nxt and self.localize(nxt):
            self.pagination.append((local_path(url), local_path(nxt)))
            if urlsplit(nxt).path != urlsplit(url).path:  # not ?page=2
                self.hubs.setdefault(urlsplit(nxt).path, f"next page of {urlsplit(url).path}")

    def judge(self, url: str, tree: HtmlElement, pattern: PatternResult, *, example: bool = False) -> str:
        """What a page read is: "article", "hub" (recorded) or "unknown", by the page itself. A page with
        article markup is an article; an example (a feed or sitemap entry) the site also lists (a feed, a
        news sitemap, a listing's teasers) is one when it tells one story (``_told_story``), whatever its
        markup and dates. A page whose main area is runs of teasers to articles, and no story, is a listing
        (a hub, even when a sitemap lists it beside the articles)."""
        data = extract_page(tree, url)
        layout = page_layout(tree, url)
        path = urlsplit(url).path
        told = example and path in self.listed and _told_story(data, layout)
        if (data.is_article and not data.is_hub) or told:
            self.articles[url] = tree
            for alias in article_aliases(tree, url):
                local = self.localize(alias)
                if local is not None and urlsplit(local).path != path:
                    self.aliases.setdefault(local, None)
            if data.language:
                self.languages[data.language] += 1
            return "article"
        listed = [u for u in layout.teasers if pattern.matches(urlsplit(u).path)]
        story = bool(data.title) and layout.tells_story
        lists = len(listed) >= MIN_LISTING and not story
        if data.is_hub or lists:
            self._hub(path, "a listing page" if lists else "declares itself a hub", pattern)
            return "hub"
        listed_story = story and path in self.listed  # a story the site lists, its date unread
        if not example and not listed_story and (data.published_at is None or data.published_from_url):
            self._hub(path, "not an article (no article markup, no date)", pattern)
            return "hub"
        return "unknown"

    def _hub(self, path: str, why: str, pattern: PatternResult) -> None:
        """Record a hub path; not a path whose pages the site tells apart by a query (``?id=N``): that
        page is one of many there, and its path is the articles' too."""
        if not pattern.ids.keys.get(path):
            self.hubs[path] = why

    def note_listed(self, tree: HtmlElement, url: str) -> None:
        """The teasers of a listing page read: pages the site lists as articles (``judge``)."""
        sequence = []
        for link in listing_article_links(tree, url):
            local = self.localize(link)
            if local is not None and urlsplit(local).path != urlsplit(url).path:
                self.listed.add(urlsplit(local).path)
                sequence.append(local)
        self.sequences.append(sequence)


def _told_story(data: PageData, layout: PageLayout) -> bool:
    """An example the site lists as an article (a feed or news sitemap entry, a listing's teaser) whose
    page bears it out without article markup (no JSON-LD, og:type or ``<article>``: a custom CMS): a
    headline, and one story, a run of text outside links and teasers longer than any list of teasers the
    page has (``PageLayout.tells_story``). No date is needed (a date may be written in a way nobody
    parses). The crawl records such a page by the article pattern; discover reads its labels and dates."""
    return not data.is_hub and bool(data.title) and layout.tells_story


def spread(urls: list[str], pattern: PatternResult, count: int) -> list[str]:
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


def head(url: str) -> str:
    """The first path segment."""
    return urlsplit(url).path.lstrip("/").split("/", 1)[0]


def hinted(walk: Walk) -> list[str]:
    return [p for p, why in [*walk.hubs.items(), *walk.soft_hubs.items()] if why.endswith(" link")]
