"""Which listing pages become `categories`: ranked by the article links they add, from parsed pages. Pure."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from newsmon.discovery.listings import listing_article_links
from newsmon.extract.types import ExtractOptions
from newsmon.onboard.patterns import PageIds
from newsmon.onboard.sources import local_path

MIN_LISTING = 3  # article links a page must list to count as a listing
MAX_CATEGORIES = 5
MIN_NEW = 2  # a further listing must add this many article links no chosen one has
LISTING_PAGES = 5  # pages of a paginated listing a crawl reads (NEWSMON_MAX_LISTING_PAGES' default)


@dataclass
class Listing:
    path: str
    links: list[str]  # article links (on the origin) it lists, by the final pattern
    paginated: bool = False  # has a next page: a crawl reads several
    new: int = 0  # of them, not listed by a listing chosen before it
    chosen: bool = False
    why: str = ""


def _head(url: str) -> str:
    return urlsplit(url).path.lstrip("/").split("/", 1)[0]


def _reach(listing: Listing, covered: set[str]) -> int:
    return len(set(listing.links) - covered) * (LISTING_PAGES if listing.paginated else 1)


def rank_listings(
    trees: Mapping[str, HtmlElement],
    localize: Callable[[str], str | None],
    is_article: Callable[[str], bool],
    paginated: Iterable[str],
    newest: set[str],
    sections: Iterable[str] = (),
    options: ExtractOptions | None = None,
    ids: PageIds | None = None,
) -> list[Listing]:
    """Listing pages by the article links they add, greedily: the one adding most first; a paginated
    listing counts its first page's links once per page a crawl reads (the later pages list older ones).
    With a feed, a listing whose first page has none of the feed's articles, among links of the feed's
    first path segments, is an archive (a month, a dormant section): new articles will not appear there;
    a listing of another language (``/ru/...`` beside a feed of ``/uk/...``) is none. Every section of the
    navigation (``sections``, paths) that lists articles is chosen, whatever the others list: a section's
    newest story may be on the home page today, its next one may not. ``options``: the news_feed labels
    found, whose blocks (the site's latest, most read) are no listing's own links, as in the crawl.
    ``ids``: how the site tells its pages apart (a listing's ``?ID=5&cat=3`` is the feed's ``?id=5``)."""
    same = (ids or PageIds()).url
    newest = {same(u) for u in newest}
    with_next = set(paginated)
    listings = []
    for url, tree in trees.items():
        links = [same(u) for u in (localize(x) for x in listing_article_links(tree, url, options)) if u]
        articles = list(dict.fromkeys(u for u in links if is_article(u)))
        listings.append(Listing(local_path(url), articles, local_path(url) in with_next))
    covered: set[str] = set()
    ranked: list[Listing] = []
    heads = {_head(u) for u in newest}  # a listing of another language or edition: the feed cannot tell
    archives = [
        x
        for x in listings
        if newest
        and len(x.links) >= MIN_LISTING
        and not newest & set(x.links)
        and heads & {_head(u) for u in x.links}
    ]
    for listing in archives:
        listing.why = (
            f"{len(listing.links)} article links, none of the feeds' {len(newest)} newest: an archive"
        )
    rest = [x for x in listings if len(x.links) >= MIN_LISTING and x not in archives]
    navigation = [local_path(s) for s in sections]
    for listing in sorted((x for x in rest if x.path in navigation), key=lambda x: navigation.index(x.path)):
        listing.new = len(set(listing.links) - covered)
        pages = " on its first page, paginated" if listing.paginated else ""
        listing.chosen = True
        listing.why = f"a section of the navigation: {len(listing.links)} article links{pages}"
        covered |= set(listing.links)
        ranked.append(listing)
        rest.remove(listing)
    while rest and len([x for x in ranked if x.chosen]) < MAX_CATEGORIES + len(navigation):
        best = max(rest, key=lambda x: (_reach(x, covered), len(x.links)))
        best.new = len(set(best.links) - covered)
        if best.new < MIN_NEW:
            break
        pages = " on its first page, paginated" if best.paginated else ""
        best.chosen = True
        best.why = f"{len(best.links)} article links{pages}, {best.new} not listed by those above"
        covered |= set(best.links)
        ranked.append(best)
        rest.remove(best)
    for listing in listings:
        if not listing.chosen and listing not in archives:
            new = len(set(listing.links) - covered)
            listing.why = (
                f"{len(listing.links)} article links (need {MIN_LISTING})"
                if len(listing.links) < MIN_LISTING
                else f"{len(listing.links)} article links, {new} not listed by those chosen"
            )
        if not listing.chosen:
            ranked.append(listing)
    return ranked
