"""Category listings: the article teasers of a hub page and its next page, found by markup semantics."""

from __future__ import annotations

import logging
import re

from lxml.etree import XPath
from lxml.html import HtmlElement

from newsmon.extract import xpaths
from newsmon.extract.links import absolute_url, document_base
from newsmon.extract.related import find_related_blocks
from newsmon.extract.types import ExtractOptions

logger = logging.getLogger(__name__)

# Teaser links: a link inside a heading, or one marked rel=bookmark (WordPress themes), or the title link
# of an <article> teaser.
_TEASER_LINKS = XPath(
    "//h1//a[@href]|//h2//a[@href]|//h3//a[@href]|//h4//a[@href]"
    f"|//a[@href][{xpaths.has_token('@rel', 'bookmark')}]|//article//a[@href][normalize-space()]"
)
_NEXT_TEXT = re.compile(r"^(next(\s+page)?|older(\s+(posts|entries))?|»|›|→)(\s*[»›→])?$", re.IGNORECASE)
_PAGINATION = XPath(
    "//*[re:test(concat(' ', @class, ' '), '(pagination|page-nav|nav-links|page-numbers|pager)', 'i')]"
    "//a[@href]",
    namespaces=xpaths.REGEXP_NS,
)


def listing_article_links(tree: HtmlElement, url: str, options: ExtractOptions | None = None) -> list[str]:
    """Absolute URLs of the teasers in the page's main area (menus, sidebars, footers and the "News Feed"
    block left out), deduplicated in document order. Which of them are articles is the caller's call."""
    options = options or ExtractOptions()
    base = document_base(tree, url)
    sidebar = {
        el
        for block in find_related_blocks(tree, url, options.news_feed_labels)
        for root in block.elements
        for el in root.iter()
    }
    seen: dict[str, None] = {}
    for anchor in xpaths.select(_TEASER_LINKS, tree):
        if anchor in sidebar or xpaths.test(xpaths.OUTSIDE_MAIN, anchor):
            continue
        link = absolute_url(anchor.get("href"), base)
        if link is not None and link != url:
            seen.setdefault(link, None)
    return list(seen)


def next_page_url(tree: HtmlElement, url: str) -> str | None:
    """The next listing page: rel=next (link or anchor), else a pagination link reading "Next"/"»"."""
    base = document_base(tree, url)
    for href in xpaths.select_text(xpaths.REL_NEXT, tree):
        link = absolute_url(str(href), base)
        if link is not None and link != url:
            return link
    for anchor in xpaths.select(_PAGINATION, tree):
        text = " ".join(anchor.text_content().split())
        if _NEXT_TEXT.match(text) or "next" in (anchor.get("class") or "").split():
            link = absolute_url(anchor.get("href"), base)
            if link is not None and link != url:
                return link
    return None
