"""The crawl frontier: which article URL to request, by which path, at what depth. No Scrapy inside.

A link is canonicalised (host aliases onto the crawl origin, tracking parameters dropped), kept only when it
is on the site and not a hub, and requested once per run by its shortest path: fewest related-link hops,
whatever order responses arrive in. Among equally short paths the record shows the one ``path_order`` puts
first (depth, then how it was found, then the referrer URL), not whichever response was parsed first: the
level gate (levels.py) has every path of a level known before any page of that level is parsed, so the same
site gives the same records in any response order and with or without extraction workers. When an article
turns up again by a shorter path, its related links are followed again from there (without a refetch). The
spider, the skip-emitted middleware (links of skipped articles, from the store) and the distributed
dupefilter (``article_hops``) all go through this one object.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from newsmon import stats
from newsmon.crawl.url_rules import UrlRules
from newsmon.meta import META_DEPTH, META_HOPS, META_KIND, META_REFERRER, META_VIA
from newsmon.sites import SiteConfig
from newsmon.urls import SiteScope, canonicalize

Count = Callable[[str], None]


class LinkPath(NamedTuple):
    """How an article link was reached: related hops, depth from a hub, discovered_via, referrer."""

    hops: int
    depth: int
    via: str
    referrer: str | None


# discovered_via in the order a path is preferred among equally short ones: given, then the site's own
# newest-first lists, then its archive, then related links (Read also before News Feed)
VIA_ORDER = ("start_url", "rss", "atom", "json_feed", "category", "sitemap", "read_also", "news_feed")
_VIA_RANK = {via: rank for rank, via in enumerate(VIA_ORDER)}


def path_order(path: LinkPath) -> tuple[int, int, int, str, str]:
    """The sort key of a path: fewer hops, then less depth, then VIA_ORDER, then the referrer URL."""
    return (path.hops, path.depth, _VIA_RANK.get(path.via, len(VIA_ORDER)), path.via, path.referrer or "")


@dataclass(frozen=True)
class ArticleVisit:
    """An article to request: its canonical URL (the key it is remembered by), the path, a hub's hints."""

    url: str
    path: LinkPath
    hints: Mapping[str, str] = field(default_factory=dict)


def article_hops(meta: Mapping[str, Any]) -> int | None:
    """The related-link hops an article request was made at; None for any other request (hubs)."""
    hops = meta.get(META_HOPS)
    return hops if meta.get(META_KIND) == "article" and isinstance(hops, int) else None


def request_path(meta: Mapping[str, Any]) -> LinkPath:
    """The path an article request (its ``meta``) was made by."""
    hops, depth = meta.get(META_HOPS, 0), meta.get(META_DEPTH, 0)
    return LinkPath(hops, depth, meta.get(META_VIA, "start_url"), meta.get(META_REFERRER))


class Frontier:
    def __init__(self, site: SiteConfig, scope: SiteScope, tracking: tuple[str, ...], follow_depth: int,
                 count: Count, source_paths: frozenset[str] = frozenset()) -> None:  # fmt: skip
        self.site = site
        # the paths of the configured categories and feeds: hubs, whatever the hub patterns say
        self.source_paths = source_paths
        self.scope = scope
        self.tracking = tracking
        self.follow_depth = follow_depth
        self.count = count
        # canonical article URL -> the shortest path it was found by, this run
        self._best_path: dict[str, LinkPath] = {}
        # what a hub said about an article (news sitemap date), kept when the link was already requested
        # by another path: the record gets it whichever request came first
        self._hints: dict[str, dict[str, str]] = {}
        # article parsed (or skipped) at hops > 0 -> (its URL, its related links), to re-follow from a
        # shorter path
        self._related: dict[str, tuple[str, list[tuple[str, str]]]] = {}
        #: hub page URL -> canonical article URLs it listed, this run (per-source freshness, the monitors)
        self.hub_listed: dict[str, set[str]] = {}
        #: the site's URL rules learned from its rel=canonical answers (url_rules.py): an article link is
        #: requested and remembered by the URL they give
        self.url_rules = UrlRules()
        # canonical URL an article page parsed named -> the key of the first page that named it, this run
        self._parsed: dict[str, str] = {}

    #: the related-link hops an article request was made at (None for hubs): the shortest-path rule's key
    hops_of = staticmethod(article_hops)

    # --- URLs ------------------------------------------------------------------------------------
    def local(self, url: str) -> str | None:
        """The URL on the crawl origin, tracking parameters dropped; None (counted) when offsite."""
        local = self.scope.localize(url)
        if local is None:
            self.count(stats.LINK_OFFSITE)
            return None
        return canonicalize(local, self.tracking)

    def canonical_form(self, local: str) -> str:
        """An article URL (``local``'s form) by the site's learned URL rules: the URL the site names the
        story by (a parameter that changes nothing dropped, a name's case folded); counted when changed."""
        target = self.url_rules.rewrite(local)
        if target != local:
            self.count(stats.LINK_URL_RULE)
        return target

    def is_hub(self, url: str) -> bool:
        path = urlsplit(url).path
        return path in self.source_paths or self.site.is_hub_path(path)

    def is_article_url(self, url: str) -> bool:
        return self.site.is_article_path(urlsplit(url).path)

    # --- articles --------------------------------------------------------------------------------
    def link(
        self, url: str, path: LinkPath, hints: Mapping[str, str] | None = None
    ) -> Iterator[ArticleVisit]:
        """The visit for an article link, unless it is offsite, a hub, or already requested by as short a
        path; a shorter path to an article already parsed re-follows its related links instead."""
        target = self.local(url)
        if target is None:
            return
        if self.is_hub(target):
            self.count(stats.LINK_HUB_SKIPPED)
            return
        target = self.canonical_form(target)
        if hints:
            self._hints[target] = dict(hints)
        if path.hops == 0 and path.referrer is not None:
            self.hub_listed.setdefault(path.referrer, set()).add(target)
        known = self._best_path.get(target)
        if known is not None and known.hops <= path.hops:
            if known.hops == path.hops and path_order(path) < path_order(known):
                self._best_path[target] = path  # as short, and first by the rule: the record shows it
            self.count(stats.LINK_SEEN)
            return
        self._best_path[target] = path
        if known is not None:
            self.count(stats.LINK_SHORTER_PATH)
            parsed = self._related.pop(target, None)
            if parsed is not None:
                page_url, links = parsed
                yield from self.related(links, page_url, path.depth, path.hops, target)
            return
        yield ArticleVisit(target, path, dict(hints or {}))

    def related(
        self, links: Iterable[tuple[str, str]], referrer: str, depth: int, hops: int, key: str
    ) -> Iterator[ArticleVisit]:
        """Visits for an article's related links ``(via, url)`` one hop further, within follow_depth."""
        links = list(links)
        if hops > 0 and links:  # a shorter path may still turn up: keep the links to follow from it
            self._related[key] = (referrer, links)
        if hops >= self.follow_depth:
            if links:
                self.count(stats.LINK_DEPTH_LIMIT)
            return
        for via, url in links:
            yield from self.link(url, LinkPath(hops + 1, depth + 1, via, referrer))

    def arrived(self, key: str, final_url: str, path: LinkPath) -> None:
        """A response for the article requested under ``key`` by ``path`` (``path_taken``) came from
        ``final_url`` (a redirect): the final URL is known by that path too, so a later link to it is not
        requested again by a longer one."""
        local = self.scope.localize(final_url)
        final = canonicalize(local, self.tracking) if local is not None else None
        if final is None or final == key:
            return
        known = self._best_path.get(final)
        if known is None or path.hops < known.hops:
            self._best_path[final] = path
            self.count(stats.LINK_REDIRECT_PATH)
        elif path.hops == known.hops and path_order(path) < path_order(known):
            self._best_path[final] = path

    def named(self, key: str, canonical: str, path: LinkPath) -> bool:
        """The page requested as ``key`` by ``path`` names ``canonical`` (its rel=canonical, in canonical
        form) as its URL: a later link to that URL is the same story, not requested again by a longer path;
        one requested already and still waiting is not sent (``superseded``). Called for every article page
        parsed (``probe`` knows them). True when a page requested under another URL named it first: this
        page is a second fetch of that story (an alias requested before the rules knew it, or a probe)."""
        first = self._parsed.get(canonical)
        if first is not None:  # named before: by this page (parsed again), or by another URL of the story
            return first != key
        self._parsed[canonical] = key
        if canonical != key:
            known = self._best_path.get(canonical)
            if known is None or path_order(path) < path_order(known):
                self._best_path[canonical] = path
        return False

    def keys(self) -> Iterable[str]:
        """Every article URL requested this run, or named by a page as its canonical URL."""
        return self._best_path.keys()

    def probe(self, key: str) -> tuple[tuple[str, str], ...]:
        """What the page requested as ``key`` would teach the URL rules when it is an alias of a story
        already parsed, by the rules' guess (url_rules.py ``guess``); () when nothing or not such a page."""
        target, new = self.url_rules.guess(key)
        return new if new and target in self._parsed else ()

    def superseded(self, key: str) -> bool:
        """True when a page requested under another URL named ``key`` as its canonical URL."""
        return self._parsed.get(key, key) != key

    def path_taken(self, key: str, requested: LinkPath) -> LinkPath:
        """The shortest path known for the article requested under ``key``, the first by ``path_order``
        among equally short ones (the record's depth, via and referrer)."""
        best = self._best_path.get(key, requested)
        return best if path_order(best) < path_order(requested) else requested

    def hints(self, key: str, carried: Mapping[str, str] | None) -> Mapping[str, str]:
        return carried or self._hints.get(key) or {}
