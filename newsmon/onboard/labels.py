"""Related-block labels of a site, in its own language: the headings above link lists that recur on article
pages. Pure: parsed pages in, labels out.

Every short heading-like text of an article page is a candidate; newsmon's own block finder
(``newsmon.extract.related``, what the crawl runs) says which of them open a block of links, so a label
chosen here works at crawl time by construction. A label is kept when its block lists article links on
several pages. Whether it is "Read also" or "News Feed" is told by what the block holds, not by its words:
a "News Feed" block lists the same latest articles on every page, a "Read also" block lists different
articles for each page.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from lxml import etree
from lxml.html import HtmlElement

from newsmon.extract import xpaths
from newsmon.extract.related import LABEL_TAGS, find_related_groups, normalize_label
from newsmon.extract.text import normalize_space

logger = logging.getLogger(__name__)

MAX_LABEL_WORDS = 6
MAX_LABEL_CHARS = 60
MIN_ITEMS = 1  # article links a block must list (a "Read also" may name one)
MIN_PAGES = 2  # pages a label must open such a block on
SHARED_LINKS = 0.5  # mean overlap of a block's links between pages above which it is a site-wide feed
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


@dataclass
class LabelStats:
    """One candidate label across the article pages: where it opened a block, and the block's links."""

    text: str  # as first written on the site (case kept, edge punctuation dropped)
    blocks: dict[str, set[str]] = field(default_factory=dict)  # page URL -> article links of its block

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


@dataclass
class LabelResult:
    read_also: list[LabelStats]
    news_feed: list[LabelStats]
    rejected: list[tuple[LabelStats, str]]
    pages: int


def candidate_labels(tree: HtmlElement) -> dict[str, str]:
    """Short heading-like texts of a page outside navigation: normalised label -> text as written."""
    found: dict[str, str] = {}
    for element in tree.iter(etree.Element):
        if element.tag not in LABEL_TAGS:
            continue
        text = normalize_space(element.text)
        if not text or len(text) > MAX_LABEL_CHARS or len(text.split()) > MAX_LABEL_WORDS:
            continue
        if not _LETTER.search(text) or xpaths.test(xpaths.IN_NAVIGATION, element):
            continue
        label = normalize_label(text)
        if label and label not in found:
            found[label] = text.strip(" :.-–—|»›").strip()
    return found


def page_blocks(
    tree: HtmlElement, url: str, is_article: Callable[[str], bool]
) -> dict[str, tuple[str, set[str]]]:
    """Blocks of links a page's candidate labels open: label -> (text as written, article links in it)."""
    candidates = candidate_labels(tree)
    if not candidates:
        return {}
    (blocks,) = find_related_groups(tree, url, [tuple(candidates)])
    out: dict[str, tuple[str, set[str]]] = {}
    for block in blocks:
        links = {item["url"] for item in block.items if is_article(item["url"])}
        if len(links) >= MIN_ITEMS:
            text, known = out.get(block.label, (candidates.get(block.label, block.label), set()))
            out[block.label] = (text, known | links)
    return out


def choose_labels(pages: Sequence[tuple[str, dict[str, tuple[str, set[str]]]]]) -> LabelResult:
    """Labels whose blocks recur on several article pages, sorted into read_also and news_feed."""
    stats: dict[str, LabelStats] = {}
    for url, blocks in pages:
        for label, (text, links) in blocks.items():
            stats.setdefault(label, LabelStats(text)).blocks[url] = links
    need = max(MIN_PAGES, (len(pages) + 2) // 3)
    result = LabelResult([], [], [], len(pages))
    for label in sorted(stats, key=lambda k: (-len(stats[k].blocks), k)):
        entry = stats[label]
        if len(entry.blocks) < need:
            result.rejected.append((entry, f"a block on {len(entry.blocks)} of {len(pages)} pages"))
        elif entry.overlap() >= SHARED_LINKS:
            result.news_feed.append(entry)
        else:
            result.read_also.append(entry)
    logger.debug("Labels: read_also %s, news_feed %s", result.read_also, result.news_feed)
    return result
