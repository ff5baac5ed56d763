"""Related-block labels of a site, in its own language, chosen by how their blocks behave. Pure: parsed pages
in, labels out.

Every short heading-like text of an article page is a candidate; newsmon's own block finder
(``newsmon.extract.related``, what the crawl runs) says which of them open a block of links, so a label
chosen here works at crawl time by construction. What decides is what the block does, not how often its
words occur:

- a block counts only the links that lead to articles (the caller says which: the article pattern, pages
  read, hubs seen); a link back to the page itself (a share bar's ``?share=`` links) or to a tag, author or
  section page (a tag list) is not one, so share bars and tag lists never open a block;
- a text that is one field of an item in a repeated list (a card's author line or date: the same place in
  each sibling card, a different text in each) is a caption, never a label; nor is text inside a byline or
  a date line;
- a block whose links are the same on every page ("Latest") or come from one site-wide pool (a "Most read"
  sidebar rotating its links: the same links across unrelated articles) is a ``news_feed`` block;
- a block whose links are, on every page, only the stories just before or after that page in the site's
  own ordered lists (its feeds, its listings) is a previous/next line, neither;
- a block whose links differ from page to page and lead to articles is ``read_also``, seen on one page or
  on all of them (a related box only some articles have).
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations, pairwise

from lxml import etree
from lxml.html import HtmlElement

from newsmon.extract import xpaths
from newsmon.extract.links import absolute_url, document_base
from newsmon.extract.related import LABEL_TAGS, find_related_groups, normalize_label, tab_header
from newsmon.extract.text import normalize_space
from newsmon.onboard.patterns import PageIds

logger = logging.getLogger(__name__)

MAX_LABEL_WORDS = 6
MAX_LABEL_CHARS = 60
MIN_ITEMS = 1  # article links a block must list (a "Read also" may name one)
SHARED_LINKS = 0.5  # mean overlap of a block's links between pages above which it is a site-wide feed
REPEATS = 1.8  # a block's links shown this many times each on the pages read: drawn from a site-wide pool
SITE_WIDE = 0.5  # share of a block's links many other pages link too: a site-wide block
# ...but on a small site every article is linked from many pages (latest lists, section blocks), related
# targets included: a block drawn from a site-wide pool also repeats itself between pages (two draws of 5
# from a pool of 10 share a third of their links); a related block's links barely do (each page its own)
POOL_OVERLAP = 0.15
MAX_CLIMB = 4  # ancestors climbed from a candidate to the item (card) holding it
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


@dataclass
class PageBlocks:
    """One article page: the blocks its candidate labels open, and every article link it holds."""

    url: str
    blocks: dict[str, tuple[str, set[str]]]  # label -> (text as written, article links of its block)
    links: set[str] = field(default_factory=set)  # every article link of the page (site-wide blocks)
    captions: dict[str, str] = field(default_factory=dict)  # label -> why it is not one on this page


@dataclass
class LabelStats:
    """One candidate label across the article pages: where it opened a block, and the block's links."""

    text: str  # as first written on the site (case kept, edge punctuation dropped)
    blocks: dict[str, set[str]] = field(default_factory=dict)  # page URL -> article links of its block
    site_wide: float = 0.0  # share of its links that most other pages read link too

    def overlap(self) -> float:
        """Mean Jaccard overlap of the block's links between pages (each page's own URL left out)."""
        pairs = list(combinations(self.blocks.items(), 2))
        if not pairs:
            return 0.0
        total = 0.0
        for (url_a, a), (url_b, b) in pairs:
            a, b = a - {url_b}, b - {url_a}
            total += len(a & b) / len(a | b) if a | b else 0.0
        return total / len(pairs)

    def repeats(self) -> float:
        """How many times each of its links was shown, over the pages read (1.0: never twice)."""
        union = set().union(*self.blocks.values()) if self.blocks else set()
        return sum(len(x) for x in self.blocks.values()) / len(union) if union else 0.0


@dataclass
class LabelResult:
    read_also: list[LabelStats]
    news_feed: list[LabelStats]
    rejected: list[tuple[LabelStats, str]]
    pages: int

    def unsure(self) -> list[LabelStats]:
        """read_also labels seen on one page only: reading more article pages would tell."""
        return [x for x in self.read_also if len(x.blocks) < 2]


def _boxes(tree: HtmlElement) -> set[HtmlElement]:
    """Elements inside a byline or a date line (their text is never a label)."""
    return {el for box in (*xpaths.BYLINE_HINTS(tree), *xpaths.DATE_HINTS(tree)) for el in box.iter()}


def _distinct_links(element: HtmlElement, leave_out: HtmlElement | None = None) -> set[str]:
    inner = set(leave_out.iter("a")) if leave_out is not None else set()
    return {(a.get("href") or "").strip() for a in element.iter("a") if a.get("href") and a not in inner}


def _route(item: HtmlElement, element: HtmlElement) -> list[tuple[str, int]]:
    """Steps from ``item`` down to ``element``: (tag, index among same-tag siblings)."""
    steps: list[tuple[str, int]] = []
    while element is not item:
        parent = element.getparent()
        if parent is None:
            return []
        same = [c for c in parent if c.tag == element.tag]
        steps.append((str(element.tag), same.index(element)))
        element = parent
    return steps[::-1]


def _follow(item: HtmlElement, route: list[tuple[str, int]]) -> HtmlElement | None:
    element: HtmlElement | None = item
    for tag, index in route:
        same = [c for c in element if c.tag == tag] if element is not None else []
        element = same[index] if index < len(same) else None
    return element


def _kin(a: HtmlElement, b: HtmlElement) -> bool:
    """Two items of one kind: the same tag, and a class in common (or neither has one)."""
    if a.tag != b.tag:
        return False
    mine, theirs = set((a.get("class") or "").split()), set((b.get("class") or "").split())
    return bool(mine & theirs) or not (mine or theirs)


def caption_of_item(element: HtmlElement) -> bool:
    """The text is one field of an item in a list of items (a card's author line, date or section): the
    item holds one link, and the item next to it is of the same kind, holds one link too and has a text at
    the same place; the item is the text's nearest such ancestor holding one link (a card's text column
    beside its image link is part of the card). (Two "Read also" lines in an article are never next to each
    other.)"""
    item = element
    for _ in range(MAX_CLIMB):
        parent = item.getparent()
        if parent is None:
            return False
        links = _distinct_links(item, element)
        if len(links) > 1:
            return False
        if links:
            route = _route(item, element)
            for sibling in (item.getprevious(), item.getnext()):
                if sibling is None or not isinstance(sibling.tag, str) or not _kin(item, sibling):
                    continue
                other = _follow(sibling, route)
                if other is not None and len(_distinct_links(sibling)) == 1 and normalize_space(other.text):
                    return True
            # no such neighbour: the item may be one part of a card (its text column beside its image
            # link, both to the same story); the card around it is tried next
        item = parent
    return False


def candidate_labels(tree: HtmlElement) -> tuple[dict[str, str], dict[str, str]]:
    """Short heading-like texts of a page outside navigation, bylines and date lines: normalised label ->
    text as written; and the texts that are captions of list items here (label -> why)."""
    found: dict[str, str] = {}
    captions: dict[str, str] = {}
    boxes = _boxes(tree)
    for element in tree.iter(etree.Element):
        if element.tag not in LABEL_TAGS and tab_header(element) is None:  # a tab: "Related | By the author"
            continue
        text = normalize_space(element.text)
        if not text or len(text) > MAX_LABEL_CHARS or len(text.split()) > MAX_LABEL_WORDS:
            continue
        if not _LETTER.search(text) or xpaths.test(xpaths.IN_NAVIGATION, element):
            continue
        label = normalize_label(text)
        if not label:
            continue
        if element in boxes:
            captions.setdefault(label, "a byline or date line")
        elif caption_of_item(element):
            captions.setdefault(label, "a caption of each item in a list (author line, date)")
        elif label not in found:
            found[label] = text.strip(" :.-–—|»›").strip()
    return {k: v for k, v in found.items() if k not in captions}, captions


PATHS = PageIds()  # pages told apart by path alone (a site whose pages differ by query uses its own)


def page_article_links(
    tree: HtmlElement, url: str, is_article: Callable[[str], bool], ids: PageIds = PATHS
) -> set[str]:
    """Every article link of a page (fragments dropped; at a query-identified path, by its identifying
    query: ``ids``), the page itself left out."""
    base, own = document_base(tree, url), ids.of(url)
    links = set()
    for anchor in tree.iter("a"):
        link = absolute_url(anchor.get("href"), base)
        if link is not None and ids.of(link) != own and is_article(link):
            links.add(ids.url(link))
    return links


def page_blocks(
    tree: HtmlElement, url: str, is_article: Callable[[str], bool], ids: PageIds = PATHS
) -> PageBlocks:
    """Blocks of article links a page's candidate labels open (links back to the page itself, whatever
    their other query parameters, left out: a share bar), and the page's article links. ``ids``: how the
    site tells its pages apart (by path, or by path and an identifying query: ``/Details.aspx?id=N``)."""
    candidates, captions = candidate_labels(tree)
    page = PageBlocks(url, {}, page_article_links(tree, url, is_article, ids), captions)
    if not candidates:
        return page
    own = ids.of(url)
    (blocks,) = find_related_groups(tree, url, [tuple(candidates)])
    for block in blocks:
        links = {
            ids.url(item["url"])
            for item in block.items
            if ids.of(item["url"]) != own and is_article(item["url"])
        }
        if len(links) >= MIN_ITEMS:
            text, known = page.blocks.get(block.label, (candidates.get(block.label, block.label), set()))
            page.blocks[block.label] = (text, known | links)
    return page


def _site_wide(entry: LabelStats, pages: Sequence[PageBlocks], ids: PageIds) -> float:
    """Share of the label's links that a third of the other pages read (and at least two) link too."""
    others = len(pages) - 1
    if others < 2:
        return 0.0
    need = max(2, math.ceil(others / 3))
    total = wide = 0
    for url, links in entry.blocks.items():
        for link in links:
            total += 1
            count = sum(
                1 for p in pages if p.url != url and ids.of(p.url) != ids.of(link) and link in p.links
            )
            wide += count >= need
    return wide / total if total else 0.0


def neighbours(sequences: Iterable[Sequence[str]], ids: PageIds = PATHS) -> dict[str, set[str]]:
    """Page (``ids``: path, or path and identifying query) -> the pages just before and after it in the
    site's own ordered lists (a feed, a listing)."""
    found: dict[str, set[str]] = {}
    for sequence in sequences:
        paths = [ids.of(u) for u in sequence]
        for before, after in pairwise(paths):
            if before != after:
                found.setdefault(before, set()).add(after)
                found.setdefault(after, set()).add(before)
    return found


def _previous_next(entry: LabelStats, adjacent: Mapping[str, set[str]], ids: PageIds) -> bool:
    """Every link of the label, on every page, is the story just before or after that page in one of the
    site's ordered lists: a previous/next line, not related stories (which the site chose by topic)."""
    links = [(page, link) for page, found in entry.blocks.items() for link in found]
    if len(links) < 2 or not all(ids.of(page) in adjacent for page in entry.blocks):
        return False
    return all(ids.of(link) in adjacent[ids.of(page)] for page, link in links)


def choose_labels(
    pages: Sequence[PageBlocks], adjacent: Mapping[str, set[str]] | None = None, ids: PageIds = PATHS
) -> LabelResult:
    """Labels sorted into read_also and news_feed by what their blocks hold (see the module docstring).
    ``adjacent`` (``neighbours``, with the same ``ids``): a block linking only each page's neighbours in the
    site's own ordered lists is a previous/next line, neither."""
    stats: dict[str, LabelStats] = {}
    captions: dict[str, tuple[str, int]] = {}
    for page in pages:
        for label, (text, links) in page.blocks.items():
            stats.setdefault(label, LabelStats(text)).blocks[page.url] = links
        for label, why in page.captions.items():
            seen = captions.get(label, (why, 0))
            captions[label] = (seen[0], seen[1] + 1)
    result = LabelResult([], [], [], len(pages))
    for label in sorted(stats, key=lambda k: (-len(stats[k].blocks), k)):
        entry = stats[label]
        entry.site_wide = _site_wide(entry, pages, ids)
        many = len(entry.blocks) >= 2
        caption = captions.get(label)
        if caption is not None and caption[1] >= len(entry.blocks):
            result.rejected.append((entry, f"{caption[0]} on {caption[1]} pages"))
        elif many and entry.overlap() >= SHARED_LINKS:
            result.news_feed.append(entry)
        elif (many and entry.repeats() >= REPEATS) or (
            entry.site_wide >= SITE_WIDE and (not many or entry.overlap() >= POOL_OVERLAP)
        ):
            result.news_feed.append(entry)  # a site-wide pool (most read): rotating, not related
        elif adjacent and _previous_next(entry, adjacent, ids):
            result.rejected.append((entry, "links only the story before or after each page (previous/next)"))
        else:
            result.read_also.append(entry)
    logger.debug("Labels: read_also %s, news_feed %s", result.read_also, result.news_feed)
    return result


def describe(entry: LabelStats, pages: int) -> str:
    """What a chosen label's blocks did, for the written file's comments."""
    parts = [f"on {len(entry.blocks)} of {pages} pages"]
    if len(entry.blocks) >= 2:
        parts.append(f"links shared between pages {entry.overlap():.0%}")
        parts.append(f"each link shown {entry.repeats():.1f} times")
    parts.append(f"{entry.site_wide:.0%} of its links on many other pages")
    return ", ".join(parts)
