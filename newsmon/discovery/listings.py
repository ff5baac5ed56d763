"""Category listings: the article teasers of a hub page and its next page, found by the page's own structure.

A teaser is a link in a heading, one marked rel=bookmark, the title link of an ``<article>`` card, or, on a
site without such markup (DedeCMS ``<li><a class="title">``, Bitrix ``<a><b>title</b></a>``, a table of
rows), one item of a run of alike sibling blocks (``li``, ``div``, ``tr``, ...) each holding exactly one
link with a title-like text: the page's repetition says it is a list of stories, whatever its classes or
language. The same measures tell a listing page from an article page (``page_layout``): a listing's main
area is such runs; an article tells one story, a long run of text outside links and teasers.

A listing's next page: rel=next; else, in a pager (a block of page-number links), the link to the page
number one higher than the current one (the number that is not a link), or the first link after the
current number; else a pager link reading "Next"/"»". No word list of any language is needed.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from lxml.etree import XPath
from lxml.html import HtmlElement

from newsmon.extract import xpaths
from newsmon.extract.guard import count_words
from newsmon.extract.links import absolute_url, document_base
from newsmon.extract.related import find_related_blocks
from newsmon.extract.text import normalize_space
from newsmon.extract.types import ExtractOptions

logger = logging.getLogger(__name__)

# Teaser links by markup: a link inside a heading, or one marked rel=bookmark (WordPress themes), or the
# title link of an <article> teaser.
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
TITLE_WORDS = 3  # a link text of this many words (space-separated) reads as a headline, not a menu item
TITLE_CHARS = 6  # ... or this many characters of a script written without spaces (Han, Kana, Thai)
MIN_TEASERS = 3  # alike sibling blocks, each with one title link, that make a list of teasers
TEASER_SHARE = 0.5  # ... and at least this share of the alike siblings must be such blocks
STORY_WORDS = 25  # a run of text this long outside links and teasers: the page tells a story (body.MIN_WORDS)
PAGER_LEVELS = 3  # ancestors of a page-number link tried as its pager block
_PAGE_NUMBER = re.compile(r"\d{1,3}")
_SKIP = frozenset({"script", "style", "noscript", "template", "head", "select", "option"})
_TEXT_CHILDREN = frozenset({"p", "blockquote", "pre"})  # paragraphs of a run of text
_BLOCK_TAGS = frozenset(
    {"p", "div", "section", "article", "ul", "ol", "dl", "table", "blockquote", "pre", "figure", "form"}
)


def title_like(text: str) -> bool:
    """A link text that reads as a headline: several words (or characters of an unspaced script)."""
    return len(text.split()) >= TITLE_WORDS or count_words(text) >= TITLE_CHARS


def _title_link(item: HtmlElement, base: str) -> tuple[HtmlElement, str] | None:
    """The one link of ``item`` with a title-like text (its image and title may link the same URL twice);
    None when it has none or several (a block of links, not a teaser)."""
    found: dict[str, HtmlElement] = {}
    for anchor in item.iter("a"):
        href = anchor.get("href")
        if not href:
            continue
        text = normalize_space(anchor.text_content())
        if not title_like(text):
            continue
        url = absolute_url(href, base)
        if url is not None:
            found.setdefault(url, anchor)
            if len(found) > 1:
                return None
    return next(((a, u) for u, a in found.items()), None)


@dataclass
class TeaserRun:
    """Alike sibling blocks, each with one title link: a list of stories."""

    items: list[HtmlElement]
    links: list[tuple[HtmlElement, str]]  # (anchor, absolute URL), one per item

    def words(self) -> int:
        return sum(count_words(item.text_content()) for item in self.items)


def teaser_runs(tree: HtmlElement, base: str) -> list[TeaserRun]:
    """Every run of alike sibling blocks (same tag under one parent) of which at least MIN_TEASERS, and
    TEASER_SHARE of them, hold exactly one title-like link, to at least MIN_TEASERS distinct URLs."""
    runs: list[TeaserRun] = []
    for parent in tree.iter():
        if not isinstance(parent.tag, str) or parent.tag in _SKIP or len(parent) < MIN_TEASERS:
            continue
        by_tag: dict[str, list[HtmlElement]] = {}
        for child in parent:
            if isinstance(child.tag, str) and child.tag not in _SKIP:
                by_tag.setdefault(child.tag, []).append(child)
        for siblings in by_tag.values():
            if len(siblings) < MIN_TEASERS:
                continue
            items, links = [], []
            for item in siblings:
                found = _title_link(item, base)
                if found is not None:
                    items.append(item)
                    links.append(found)
            enough = len(items) >= MIN_TEASERS and len(items) >= TEASER_SHARE * len(siblings)
            if enough and len({url for _, url in links}) >= MIN_TEASERS:
                runs.append(TeaserRun(items, links))
    return runs


@dataclass
class PageLayout:
    """What a page's structure says it is: its teaser links (main area), the words of its biggest run of
    teasers, and the words of its longest run of text outside links and teasers (the story, if any)."""

    teasers: list[str]
    teaser_words: int
    story_words: int

    @property
    def tells_story(self) -> bool:
        """One story: a long run of text, longer than any list of teasers the page has."""
        return self.story_words >= STORY_WORDS and self.story_words > self.teaser_words


def _sidebar(tree: HtmlElement, url: str, options: ExtractOptions) -> set[HtmlElement]:
    return {
        el
        for block in find_related_blocks(tree, url, options.news_feed_labels)
        for root in block.elements
        for el in root.iter()
    }


def _teasers(
    tree: HtmlElement, url: str, options: ExtractOptions
) -> tuple[list[str], list[TeaserRun], set[HtmlElement]]:
    base = document_base(tree, url)
    left_out = _sidebar(tree, url, options)
    runs = teaser_runs(tree, base)
    anchors = [*xpaths.select(_TEASER_LINKS, tree), *(anchor for run in runs for anchor, _ in run.links)]
    order = {el: i for i, el in enumerate(tree.iter())}
    anchors.sort(key=lambda el: order.get(el, 0))
    seen: dict[str, None] = {}
    kept_runs = [run for run in runs if not _outside(run.items[0], left_out)]
    for anchor in anchors:
        if _outside(anchor, left_out):
            continue
        link = absolute_url(anchor.get("href"), base)
        if link is not None and link != url:
            seen.setdefault(link, None)
    return list(seen), kept_runs, left_out


def _outside(element: HtmlElement, left_out: set[HtmlElement]) -> bool:
    return element in left_out or xpaths.test(xpaths.OUTSIDE_MAIN, element)


def listing_article_links(tree: HtmlElement, url: str, options: ExtractOptions | None = None) -> list[str]:
    """Absolute URLs of the teasers in the page's main area (menus, sidebars, footers and the "News Feed"
    block left out), deduplicated in document order. Which of them are articles is the caller's call."""
    return _teasers(tree, url, options or ExtractOptions())[0]


def _own_words(element: HtmlElement) -> int:
    """Words of an element's text outside its links."""
    words = count_words(element.text_content())
    return words - sum(count_words(a.text_content()) for a in element.iter("a") if a is not element)


def _leaf_block(element: HtmlElement) -> bool:
    return element.tag in ("div", "section") and not any(
        isinstance(c.tag, str) and c.tag in _BLOCK_TAGS for c in element.iterdescendants()
    )


def page_layout(tree: HtmlElement, url: str, options: ExtractOptions | None = None) -> PageLayout:
    """The page's teasers and its longest run of text (see ``PageLayout``): a listing or one story, judged
    by the page itself, without article markup or a date."""
    links, runs, left_out = _teasers(tree, url, options or ExtractOptions())
    in_teasers = {el for run in runs for item in run.items for el in item.iter()}
    story = 0
    for parent in tree.iter():
        if not isinstance(parent.tag, str) or parent.tag in (*_SKIP, "a") or parent in in_teasers:
            continue
        words = count_words(parent.text)
        for child in parent:
            words += count_words(child.tail)  # text after a child, outside it
            if not isinstance(child.tag, str) or child in in_teasers or child.tag in _SKIP:
                continue
            if child.tag in _TEXT_CHILDREN or _leaf_block(child):
                words += _own_words(child)
        if words > story and not _outside(parent, left_out):
            story = words
    teaser_words = max((run.words() for run in runs), default=0)
    return PageLayout(links, teaser_words, story)


# --- the next page of a listing -----------------------------------------------------------------------
def _number(element: HtmlElement) -> int | None:
    text = normalize_space(element.text_content())
    return int(text) if _PAGE_NUMBER.fullmatch(text) else None


def _pager(anchor: HtmlElement) -> HtmlElement | None:
    """The block of page-number links around a page-number link: its nearest ancestor holding another
    page number (a link, or the current page's number that is not one)."""
    node = anchor.getparent()
    for _ in range(PAGER_LEVELS):
        if node is None:
            return None
        numbers = [el for el in node.iter() if el is not anchor and _is_number_item(el)]
        if numbers:
            return node
        node = node.getparent()
    return None


def _is_number_item(element: HtmlElement) -> bool:
    """A page number: a link, or a leaf element (the current page) whose whole text is a small number."""
    if not isinstance(element.tag, str):
        return False
    if element.tag != "a" and any(isinstance(c.tag, str) for c in element):
        return False
    return _number(element) is not None


def _pager_next(pager: HtmlElement, base: str, url: str) -> str | None:
    """In a pager: the link to the current number plus one, else (the pager's window ends at the current
    page) the first link after the current number. The current number is the one that is not a link (or
    links to the page itself); a pager links at least one of its neighbours."""
    current: HtmlElement | None = None
    numbered: dict[int, str] = {}
    for element in pager.iter():
        number = _number(element) if _is_number_item(element) else None
        if number is None or any(a.get("href") for a in element.iterancestors("a")):
            continue
        href = element.get("href") if element.tag == "a" else None
        link = absolute_url(href, base) if href else None
        if link is not None and link != url:
            numbered.setdefault(number, link)
        elif current is None:
            current = element
    page = _number(current) if current is not None else None
    if page is None or not ({page - 1, page + 1} & set(numbered)):
        return None  # a pager shows the current page's neighbours; other numbers beside a link are not one
    if page + 1 in numbered:
        return numbered[page + 1]
    after = False
    for element in pager.iter():
        if element is current:
            after = True
        elif after and element.tag == "a" and _number(element) is None:
            link = absolute_url(element.get("href"), base)
            if link is not None and link != url:
                return link
    return None


def next_page_url(tree: HtmlElement, url: str) -> str | None:
    """The next listing page: rel=next (link or anchor); else the pager's next number (see the module
    docstring); else a pagination link reading "Next"/"»"."""
    base = document_base(tree, url)
    for href in xpaths.select_text(xpaths.REL_NEXT, tree):
        link = absolute_url(str(href), base)
        if link is not None and link != url:
            return link
    pagers: list[HtmlElement] = []
    for anchor in xpaths.select(xpaths.ANCHORS, tree):
        if _number(anchor) is None:
            continue
        pager = _pager(anchor)
        if pager is not None and pager not in pagers:
            pagers.append(pager)
            found = _pager_next(pager, base, url)
            if found is not None:
                return found
    for anchor in xpaths.select(_PAGINATION, tree):
        text = " ".join(anchor.text_content().split())
        if _NEXT_TEXT.match(text) or "next" in (anchor.get("class") or "").split():
            link = absolute_url(anchor.get("href"), base)
            if link is not None and link != url:
                return link
    return None
