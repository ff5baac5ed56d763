"""`newsmon discover`: from a site's home page to everything a site TOML needs, each decision with reasons.

The walk (``walk.py``), on one page budget: robots.txt and the home page; feeds (advertised or linked, then
the usual paths) and sitemaps (robots.txt's, else the usual paths), whose entries are the article examples
(those that are the directory of other examples judged first: a sitemap may list channel pages too);
a first article pattern from them; a few article pages (labels, dates, tag/author links, the translations
and short links they give for themselves); the menu's sections and other navigation links as listing
candidates (and the feeds they link); links the first pattern takes for articles but the markup places
among hubs (suspects), fetched to be sure. The final pattern is generalised again with every hub found and
checked against them; related labels are chosen by what their blocks do (``labels.py``), reading more
article pages while unsure; listings are ranked by the article links they hold.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from newsmon.discovery.listings import listing_article_links
from newsmon.discovery.sitemaps import robots_sitemaps
from newsmon.extract.html import parse_html
from newsmon.extract.types import ExtractOptions
from newsmon.onboard import labels as labelling
from newsmon.onboard.fetch import Fetcher, FetchLog
from newsmon.onboard.hubs import HubRule, hub_rules
from newsmon.onboard.listings import Listing, rank_listings
from newsmon.onboard.patterns import PatternResult
from newsmon.onboard.signals import (
    declared_hosts,
    feed_anchor_links,
    feed_links,
    menu_links,
    page_language,
)
from newsmon.onboard.sources import Source, feed_probes, find_feeds, find_sitemaps
from newsmon.onboard.timezone import TimezoneGuess, feed_dated, infer_timezone, page_dates
from newsmon.onboard.walk import Walk, head, hinted
from newsmon.urls import SiteScope, strip_tracking

logger = logging.getLogger(__name__)

MIN_EXAMPLES = 5  # strong examples (feeds, news sitemaps) enough to leave plain sitemap entries out
MAX_EXAMPLES = 2000  # examples generalised at most (a sitemap may list 50,000)
MAX_LISTINGS = 16  # listing pages read at most (the home page and every section of a long menu)
MAX_SECTION_FEEDS = 5  # feeds linked from section pages looked at
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


def _listed(feeds: list[Source], sitemaps: list[Source]) -> set[str]:
    """Paths of the entries of the kept feeds and news sitemaps: pages the site itself lists as articles (a
    plain sitemap lists every page). Such a page is an article without article markup when it looks like one
    (``Walk.judge``)."""
    sources = [*feeds, *(s for s in sitemaps if s.news)]
    return {urlsplit(u).path for s in sources if s.kept for u in s.entries}


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


def discover(url: str, fetcher: Fetcher) -> Discovery:
    """Walk the site from ``url`` within the fetcher's budget; see the module docstring."""
    walk = Walk(url, fetcher, origin_of(url))
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
    walk.listed = _listed(feeds, sitemaps)
    walk.note_listed(home_tree, home_url)
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
    documents |= set(hinted(walk)) - {p for p, why in walk.soft_hubs.items() if why == "navigation link"}
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
        walk.note_links(read[1], read[0])
        walk.paginate(*read)
        kind = walk.judge(read[0], read[1], first)
        if kind == "hub":
            walk.note_listed(read[1], read[0])
        if kind != "article":  # an article's related list is no listing
            trees[read[0]] = read[1]
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
        walk.listed |= _listed(feeds, sitemaps)
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
    heads = {head(u) for u in examples if first.matches(urlsplit(u).path)}
    novel = [u for u in walk.links_seen if head(u) not in heads]
    suspects = [
        u
        for u in (walk.localize(p) for p in [*walk.soft_hubs, *hinted(walk), *novel])
        if u and first.matches(urlsplit(u).path) and u not in walk.articles
    ]
    for suspect in list(dict.fromkeys(suspects))[:n_suspects]:
        read = walk.read(suspect)
        if read is not None:
            walk.checked[urlsplit(read[0]).path] = walk.judge(read[0], read[1], first)
    pattern = walk.settle_pattern(examples)
    logger.info("Article pattern %s (%d hub pages known)", pattern.pattern, len(walk.hubs))
    walk.sequences += [source.entries for source in feeds if source.kept]
    walk.label_pages(pattern)
    return _conclude(
        walk, pattern, examples, examples_from, feeds, sitemaps, listed, trees, declared, home_tree
    )


def _timezone(walk: Walk, feeds: list[Source], language: str | None) -> TimezoneGuess:
    """The zone the pages' offsets say; when they write none (dates only as text), the one the feeds'
    entry dates say."""
    host = urlsplit(walk.origin).hostname
    if any(not d.utc_designator for d in walk.dates):
        return infer_timezone(walk.dates, language, host)
    dated = feed_dated(d for source in feeds if source.kept for d in source.dates)
    if not any(not d.utc_designator for d in dated):
        return infer_timezone(walk.dates, language, host)
    guess = infer_timezone(walk.dates + dated, language, host)
    guess.reason += "; from the feeds' entry dates (the pages read write no offset)"
    return guess


def _conclude(
    walk: Walk,
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
    feed_labels = tuple(x.text for x in walk.labels.news_feed)
    options = ExtractOptions(news_feed_labels=feed_labels) if feed_labels else ExtractOptions()
    listings = rank_listings(
        trees, walk.localize, is_article, paginated, newest, walk.sections, options, pattern.ids
    )
    # every article URL known (examples, pages read, their aliases, links the pattern takes): no hub rule
    # may match one (a feed of /uk/ articles must not make /ru/ a hub prefix)
    known = [*examples, *walk.known(), *walk.links_seen]
    article_paths = list(dict.fromkeys(urlsplit(u).path for u in known if is_article(u)))
    soft = {p: why for p, why in walk.soft_hubs.items() if not pattern.matches(p) and p not in walk.hubs}
    rules, notes = hub_rules({**walk.hubs, **soft}, article_paths, pattern.pattern, walk.pagination)
    counted = walk.languages.most_common(1)
    language = counted[0][0] if counted else page_language(home_tree)
    feed_languages = [s.language for s in feeds if s.kept and s.language]
    if language is None:  # pages that declare none: the language the site's feeds declare
        language = feed_languages[0] if feed_languages else None
    elif "-" not in language:  # a bare language: a feed's tag of it names its country too (vi -> vi-VN)
        language = next((tag for tag in feed_languages if tag.split("-")[0] == language), language)
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
        timezone=_timezone(walk, feeds, language),
        article_urls=list(dict.fromkeys(found)),
        examples_from=examples_from,
        log=walk.fetcher.log,
        budget=walk.fetcher.max_pages,
        checked=walk.checked,
        unread_hubs=walk.unread_hubs,
        sections=walk.sections,
    )
