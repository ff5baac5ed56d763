"""What a page says about its site: advertised feeds, its canonical host, language, and which of its links
lead to hubs (navigation, tags, authors). Pure: parsed HTML in, data out."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from newsmon.extract import xpaths
from newsmon.extract.links import absolute_url, document_base
from newsmon.extract.metadata import normalize_language, read_meta
from newsmon.extract.text import normalize_space

logger = logging.getLogger(__name__)

FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml"}
)
HUB_RELS = ("tag", "author", "category", "directory")
# Files that are never pages (a menu may link a PDF or a logo).
_ASSET_ENDINGS = (
    ".css", ".js", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".ico", ".pdf", ".zip", ".mp3", ".mp4",
    ".woff", ".woff2", ".xml", ".json", ".txt", ".gz",
)  # fmt: skip


@dataclass(frozen=True)
class Link:
    url: str
    text: str
    in_navigation: bool  # inside <nav>, a menu role, or the page header/footer
    hub_hint: str | None  # why the markup says it leads to a hub ("rel=tag", "byline"), else None


def is_asset(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(_ASSET_ENDINGS)


def feed_links(tree: HtmlElement, url: str) -> list[tuple[str, str]]:
    """(URL, title) of the feeds a page advertises with <link rel=alternate type=...>."""
    base = document_base(tree, url)
    found: dict[str, str] = {}
    for element in xpaths.select(xpaths.LINK_ELEMENTS, tree):
        rels = (element.get("rel") or "").lower().split()
        kind = (element.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rels and kind in FEED_TYPES:
            link = absolute_url(element.get("href"), base)
            if link is not None:
                found.setdefault(link, normalize_space(element.get("title")))
    return list(found.items())


# a feed's own name as a path segment ("rss", "feed", "sport-rss.xml", "atom.xml") or as a link's text ("RSS")
_FEED_SEGMENT = re.compile(
    r"^(?:(?:rss|atom|feeds?)\d?|[\w.-]*(?:rss|atom|feed)\d?\.(?:xml|rss|atom|json))$", re.IGNORECASE
)
_FEED_TEXT = re.compile(r"^(?:rss|atom|feed)\d?(?:[ -]?feed)?$", re.IGNORECASE)


def _names_feed(link: str, anchor: HtmlElement) -> bool:
    """The link says it leads to a feed by its type or its address, in any language: ``type=`` a feed
    type, a path segment named as a feed (``/data/rss/1.xml``, ``/feeds/sport``, ``/sport-rss.xml``), or a
    query value that is (``?feed=rss2``, ``?format=atom``). Its text is not needed ("RSS订阅")."""
    if (anchor.get("type") or "").lower().split(";")[0].strip() in FEED_TYPES:
        return True
    parts = urlsplit(link)
    if any(_FEED_SEGMENT.match(segment) for segment in parts.path.split("/") if segment):
        return True
    return any(_FEED_SEGMENT.match(value) for value in re.split(r"[&=]", parts.query) if value)


def feed_anchor_links(tree: HtmlElement, url: str) -> list[tuple[str, str]]:
    """(URL, text) of visible links that name a feed by their type or address (``/sport/rss.xml``,
    ``/data/rss/2.xml``, ``/feed/``, ``type="application/rss+xml"``) or read "RSS": a section page may link
    its feed without advertising it in <head>. Which of them parse is the caller's call."""
    base = document_base(tree, url)
    found: dict[str, str] = {}
    for anchor in xpaths.select(xpaths.ANCHORS, tree):
        link = absolute_url(anchor.get("href"), base)
        if link is None:
            continue
        text = normalize_space(anchor.text_content())
        if _names_feed(link, anchor) or _FEED_TEXT.match(text):
            found.setdefault(link, text)
    return list(found.items())


def declared_hosts(tree: HtmlElement, url: str) -> set[str]:
    """Hosts the page names as its own: rel=canonical, og:url (a mirror names the real site)."""
    hosts = set()
    base = document_base(tree, url)
    for element in xpaths.select(xpaths.LINK_ELEMENTS, tree):
        if "canonical" in (element.get("rel") or "").lower().split():
            link = absolute_url(element.get("href"), base)
            if link:
                hosts.add((urlsplit(link).hostname or "").lower())
    for value in read_meta(tree).get("og:url", []):
        link = absolute_url(value, base)
        if link:
            hosts.add((urlsplit(link).hostname or "").lower())
    return hosts - {""}


def page_language(tree: HtmlElement) -> str | None:
    """<html lang>, else og:locale."""
    for value in (*xpaths.select_text(xpaths.HTML_LANG, tree), *read_meta(tree).get("og:locale", [])):
        lang = normalize_language(str(value))
        if lang:
            return lang
    return None


_FRAME = "ancestor::header[not(ancestor::article)]|ancestor::footer[not(ancestor::article)]"


def page_links(tree: HtmlElement, url: str) -> list[Link]:
    """Every http(s) link of the page, once, in document order, with where it sits."""
    base = document_base(tree, url)
    byline = {a for box in xpaths.BYLINE_HINTS(tree) for a in box.iter("a")}
    out: dict[str, Link] = {}
    for anchor in xpaths.select(xpaths.ANCHORS, tree):
        link = absolute_url(anchor.get("href"), base)
        if link is None or link in out:
            continue
        rels = (anchor.get("rel") or "").lower().split()
        hint = next((f"rel={r}" for r in HUB_RELS if r in rels), None)
        if hint is None and anchor in byline:
            hint = "byline"
        navigation = xpaths.test(xpaths.IN_NAVIGATION, anchor) or bool(anchor.xpath(_FRAME))
        out[link] = Link(link, normalize_space(anchor.text_content()), navigation, hint)
    return list(out.values())


def article_aliases(tree: HtmlElement, url: str) -> list[str]:
    """Other URLs an article page gives for itself: its translations (``<link rel=alternate hreflang>``,
    a language switcher's ``<a hreflang>``) and its short link (``rel=shortlink``, Drupal's ``/node/<id>``).
    The site says they are this article: article examples as good as a feed entry."""
    base = document_base(tree, url)
    found: dict[str, None] = {}
    for element in xpaths.select(xpaths.LINK_ELEMENTS, tree):
        rels = (element.get("rel") or "").lower().split()
        if ("alternate" in rels and element.get("hreflang")) or "shortlink" in rels:
            link = absolute_url(element.get("href"), base)
            if link is not None and link != url:
                found.setdefault(link, None)
    for anchor in xpaths.select(xpaths.ANCHORS, tree):
        if anchor.get("hreflang"):
            link = absolute_url(anchor.get("href"), base)
            if link is not None and link != url:
                found.setdefault(link, None)
    return list(found)


def menu_links(tree: HtmlElement, url: str) -> list[str]:
    """Links of the page's menus (<nav>, role=navigation/menu), in order: the site's sections."""
    base = document_base(tree, url)
    found: dict[str, None] = {}
    for anchor in xpaths.select(xpaths.ANCHORS, tree):
        if xpaths.test(xpaths.IN_NAVIGATION, anchor):
            link = absolute_url(anchor.get("href"), base)
            if link is not None:
                found.setdefault(link, None)
    return list(found)


def hub_links(links: list[Link]) -> dict[str, str]:
    """Links whose place in the page says hub: URL -> why (tag/author rel, byline, navigation)."""
    found: dict[str, str] = {}
    for link in links:
        if link.hub_hint is not None:
            found.setdefault(link.url, f"{link.hub_hint} link")
        elif link.in_navigation:
            found.setdefault(link.url, "navigation link")
    return found
