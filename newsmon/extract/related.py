"""Related-link blocks ("Read also", "News Feed") found by their label, not by a theme's CSS classes; their
items (list entries, cards, links) found by the block's repeated structure, each with its link and title."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urldefrag

from lxml import etree
from lxml.html import HtmlElement

from newsmon.extract import xpaths
from newsmon.extract.items import block_items, child_towards, in_card
from newsmon.extract.links import absolute_url, document_base
from newsmon.extract.text import normalize_space, text_of
from newsmon.extract.types import RelatedItem

logger = logging.getLogger(__name__)

MAX_CLIMB = 6  # ancestors tried above a label to find the container of its links
MAX_ITEMS = 40  # a block with more links than this has run into unrelated content
FLOW_WORDS = 20  # a paragraph with this many words outside links is article text, not a block
SHORT_WORDS = 12  # text between/after items (dates, bylines) with fewer words still belongs to the block
# A block is mostly link text (titles, with dates, bylines or a teaser line around them). Elements after a
# label with more words outside links than this, and this many times their link words, are running text:
# the label was a button ("Read more" expanding the article) or a line of the article, not a block.
PROSE_WORDS = 40
PROSE_RATIO = 3
# Tags that may carry a label ("<h2>Read also</h2>", "<p><strong>Read also:</strong> <a>..</a></p>", ...).
LABEL_TAGS = frozenset(
    {"h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "span", "div", "p", "li", "header",
     "summary", "dt", "label", "legend", "caption", "figcaption", "th", "td", "small", "u", "mark"}
)  # fmt: skip
MAX_LABEL_CHARS = 120  # a text this long is a sentence, not a label
_NOT_LABEL_PARENTS = frozenset({"script", "style", "title"})
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")
_WORD = re.compile(r"\w+")


def normalize_label(text: str | None) -> str:
    """Lowercased label without surrounding whitespace and punctuation ("Read also:" -> "read also")."""
    return _EDGE_PUNCT.sub("", normalize_space(text).lower())


@functools.lru_cache(maxsize=32)
def _label_words(labels: frozenset[str]) -> re.Pattern[str]:
    """Matches a lowercased text that may read as one of ``labels``: it holds a label's first word."""
    firsts = sorted({label.split()[0] for label in labels if label.split()}, key=len, reverse=True)
    return re.compile("|".join(re.escape(word) for word in firsts) or "(?!)")


@dataclass
class RelatedBlock:
    """One labelled block: its items and the elements a body extractor must leave out."""

    label: str
    items: list[RelatedItem] = field(default_factory=list)
    elements: list[HtmlElement] = field(default_factory=list)


def _has_link(element: HtmlElement) -> bool:
    return any(a.get("href") is not None for a in element.iter("a"))


def _in_link(element: HtmlElement, container: HtmlElement) -> bool:
    """Inside a link below ``container`` (a card's title heading wrapped in its link: an item, no stop)."""
    parent = element.getparent()
    while parent is not None and parent is not container:
        if parent.tag == "a" and parent.get("href") is not None:
            return True
        parent = parent.getparent()
    return False


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _non_link_words(element: HtmlElement) -> int:
    total = _words(text_of(element))
    return total - sum(_words(text_of(a)) for a in element.iter("a"))


# How a label marks its block: the element holds only the label (links follow it), the label is the
# element's leading text (links are inside it), or an aria-label/title names the whole container.
WHOLE, LEADING, CONTAINER = "whole", "leading", "container"


@dataclass(frozen=True)
class _Label:
    label: str
    element: HtmlElement
    kind: str


def _goes_nowhere(anchor: HtmlElement) -> bool:
    """A link that loads no page: a tab or a toggle (``href="#"``, a fragment, ``javascript:``, none)."""
    href = (anchor.get("href") or "").strip()
    return not href or href.startswith("#") or href.lower().startswith("javascript:")


def tab_header(element: HtmlElement) -> HtmlElement | None:
    """The header a block's label sits in as its first tab ("Related | More from the author", tab links
    that load no page, only the first tab's items served): the header, which opens the block; else None."""
    header = element.getparent()
    if (
        element.tag != "a"
        or header is None
        or header.tag not in LABEL_TAGS
        or header[0] is not element
        or normalize_space(header.text)
    ):
        return None
    tabs = all(child.tag == "a" and _goes_nowhere(child) for child in header)
    return header if tabs else None


def _label_element(owner: HtmlElement, label: str) -> _Label | None:
    """The element whose leading text is a label (climbing while it holds nothing but the label)."""
    header = tab_header(owner)
    if header is not None:
        return _Label(label, header, WHOLE)
    element = owner
    in_link = element.tag == "a"
    for _ in range(4):
        parent = element.getparent()
        if parent is None or len(parent) > 3 or normalize_label(text_of(parent)) != label:
            break
        element = parent
        in_link = in_link or element.tag == "a"
    if normalize_label(text_of(element)) != label:
        return _Label(label, owner, LEADING) if owner.tag in LABEL_TAGS else None
    if element.tag not in LABEL_TAGS or (in_link and element.tag[0] != "h"):
        return None  # a menu entry or a button that happens to read "Latest news"
    return _Label(label, element, WHOLE)


_LABELLED_TAGS = frozenset({"section", "aside", "nav", "div", "ul"})  # labelled by aria-label or title


def _label_texts(
    tree: HtmlElement, labels: frozenset[str], containers: list[HtmlElement]
) -> Iterator[tuple[HtmlElement, str]]:
    """(element, label) for every element whose own leading text reads as one of ``labels``, in document
    order. One pass over the tree: short texts only, a cheap word test before the exact comparison. The
    same pass appends to ``containers`` the blocks with an aria-label or title attribute (their own XPath,
    ``//*[@aria-label or @title][self::section or ...]``, walked the whole page again)."""
    words = _label_words(labels)
    for element in tree.iter(etree.Element):
        if element.tag in _LABELLED_TAGS and (
            element.get("aria-label") is not None or element.get("title") is not None
        ):
            containers.append(element)
        text = element.text
        if not text or len(text) >= MAX_LABEL_CHARS or element.tag in _NOT_LABEL_PARENTS:
            continue
        if words.search(text.lower()) is None:
            continue
        label = normalize_label(text)
        if label in labels:
            yield element, label


def _find_labels(tree: HtmlElement, labels: frozenset[str]) -> list[_Label]:
    """Every element of the page labelled by one of ``labels``, in document order per kind."""
    found: list[_Label] = []
    seen: set[HtmlElement] = set()
    containers: list[HtmlElement] = []
    for owner, label in _label_texts(tree, labels, containers):
        match = _label_element(owner, label)
        if match is None or match.element in seen or xpaths.test(xpaths.IN_NAVIGATION, match.element):
            continue
        seen.add(match.element)
        found.append(match)
    for container in containers:
        for attr in ("aria-label", "title"):
            label = normalize_label(container.get(attr))
            if label in labels and container not in seen:
                seen.add(container)
                found.append(_Label(label, container, CONTAINER))
                break
    return found


class _Collected(NamedTuple):
    anchors: list[tuple[HtmlElement, str]]  # (anchor, absolute URL) in document order
    stop: HtmlElement | None  # the element that ended the block
    headings: list[HtmlElement]  # headings inside the block (cards' titles)


def _collect(
    container: HtmlElement, marker: HtmlElement, inside: bool, stops: set[HtmlElement], base: str, page: str
) -> _Collected:
    """Anchors after ``marker`` (inside it too when ``inside``) in ``container``, up to a stop element."""
    anchors: list[tuple[HtmlElement, str]] = []
    headings: list[HtmlElement] = []
    repeats: dict[tuple[str, tuple[str, ...]], int] = {}
    after = False
    flow_before = False  # paragraphs before the label: the container is article text, not a block
    walker = etree.iterwalk(container, events=("start",))
    for _, el in walker:
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if el is marker:
            after = True
            if not inside:
                walker.skip_subtree()
            continue
        is_child = el.getparent() is container
        if not after:
            if is_child and tag == "p" and _non_link_words(el) >= FLOW_WORDS:
                flow_before = True
            continue
        if el in stops or (
            tag in xpaths.HEADING_TAGS
            and not _has_link(el)
            and not _in_link(el, container)
            and not in_card(el, container, repeats)
        ):
            return _Collected(anchors, el, headings)
        if is_child and flow_before and tag == "p" and _non_link_words(el) >= FLOW_WORDS:
            return _Collected(anchors, el, headings)
        if tag in xpaths.HEADING_TAGS:
            headings.append(el)
        elif tag == "a":
            url = absolute_url(el.get("href"), base)
            if url is not None and url != page and "category" not in (el.get("rel") or ""):
                anchors.append((el, url))
                if len(anchors) >= MAX_ITEMS:
                    return _Collected(anchors, None, headings)
    return _Collected(anchors, None, headings)


def _block_elements(
    container: HtmlElement,
    found: _Label,
    anchors: list[tuple[HtmlElement, str]],
    stop: HtmlElement | None,
) -> list[HtmlElement]:
    """The elements to leave out of the body: label and items, or the whole container when it is all block."""
    marker = found.element
    if found.kind == CONTAINER:
        return [marker]
    if container is marker:  # LEADING: "<p>Read also: <a>..</a></p>"
        rest = _non_link_words(marker) - _words(marker.text or "")
        return [marker] if rest < SHORT_WORDS else [marker, *(a for a, _ in anchors)]
    first = child_towards(container, marker)
    last = child_towards(container, anchors[-1][0])
    stop_child = child_towards(container, stop) if stop is not None else None
    children = list(container)
    start, end = children.index(first), children.index(last)
    for child in children[end + 1 :]:
        if child is stop_child or _has_link(child) or _words(text_of(child)) >= SHORT_WORDS:
            break
        end += 1
    chosen = children[start : end + 1]
    if len(chosen) == len(children) and not normalize_space(container.text):
        return [container]
    if found.kind == WHOLE and marker not in chosen:
        chosen.insert(0, marker)
    return chosen


def _is_prose(elements: list[HtmlElement], match: _Label) -> bool:
    """The elements of a would-be block (its label aside) are running text, not a list of links."""
    if match.kind == LEADING and elements[:1] == [match.element]:
        return False  # "<p>Read also: <a>..</a></p>": the rest was measured by _block_elements
    link_words = non_link = 0
    for element in elements:
        if element is match.element:
            continue
        words = _words(text_of(element))
        links = sum(_words(text_of(a)) for a in element.iter("a"))
        link_words, non_link = link_words + links, non_link + words - links
    return non_link > PROSE_WORDS and non_link > PROSE_RATIO * link_words


def _label_set(labels: Iterable[str]) -> frozenset[str]:
    return frozenset(normalize_label(label) for label in labels) - {""}


def find_related_groups(
    tree: HtmlElement, base_url: str, groups: Sequence[Iterable[str]], *, base: str | None = None
) -> list[list[RelatedBlock]]:
    """The blocks of each group of labels (e.g. Read also, News Feed), the labels found in one pass; every
    group's labels also end the other groups' blocks. ``base``: ``document_base(tree, base_url)`` when the
    caller has it."""
    wanted = [_label_set(labels) for labels in groups]
    everything = frozenset().union(*wanted)
    if not everything:
        return [[] for _ in wanted]
    found = _find_labels(tree, everything)
    stops = {match.element for match in found if match.kind == WHOLE}
    base = base if base is not None else document_base(tree, base_url)
    page = urldefrag(base_url).url
    results: list[list[RelatedBlock]] = [[] for _ in wanted]
    for match in found:
        groups_of_match = [
            blocks for labels, blocks in zip(wanted, results, strict=True) if match.label in labels
        ]
        if not groups_of_match:
            continue
        block = _block_of(match, stops, base, page)
        if block is not None:
            for blocks in groups_of_match:
                blocks.append(block)
    return results


def _block_of(match: _Label, stops: set[HtmlElement], base: str, page: str) -> RelatedBlock | None:
    """The block a label opens: the nearest container (climbing) holding links after it."""
    inside = match.kind != WHOLE
    container: HtmlElement | None = match.element if inside else match.element.getparent()
    for _ in range(MAX_CLIMB):
        if container is None:
            break
        anchors, stop, headings = _collect(
            container, match.element, inside, stops - {match.element}, base, page
        )
        if anchors:
            elements = _block_elements(container, match, anchors, stop)
            if _is_prose(elements, match):
                logger.debug("Label %r opens running text, not a block of links", match.label)
                return None
            if any(el.tag == "h1" or el.find(".//h1") is not None for el in elements):
                # it ran on into the article itself (a badge reading like a label, in the last teaser
                # before the story): a related block never holds the page's headline
                logger.debug("Label %r opens a block that holds the headline: no block", match.label)
                return None
            logger.debug("Related block %r: %d links in <%s>", match.label, len(anchors), container.tag)
            return RelatedBlock(match.label, block_items(anchors, headings), elements)
        if match.kind == CONTAINER:
            break
        container = container.getparent()
    return None


def find_related_blocks(
    tree: HtmlElement, base_url: str, labels: Iterable[str], *, stop_labels: Iterable[str] = ()
) -> list[RelatedBlock]:
    """Every block opened by one of ``labels``; ``stop_labels`` also end a block (another block's label)."""
    wanted = _label_set(labels)
    if not wanted:
        return []
    return find_related_groups(tree, base_url, [wanted, _label_set(stop_labels) - wanted])[0]


def merge_items(blocks: Iterable[RelatedBlock]) -> list[RelatedItem]:
    """Items of several blocks deduplicated by URL, keeping the first position and the longest title."""
    merged: dict[str, RelatedItem] = {}
    for block in blocks:
        for item in block.items:
            known = merged.get(item["url"])
            if known is None:
                merged[item["url"]] = dict(item)  # type: ignore[assignment]
            elif len(item["title"]) > len(known["title"]):
                known["title"] = item["title"]
    return list(merged.values())


def find_related(tree: HtmlElement, base_url: str, labels: Iterable[str]) -> list[RelatedItem]:
    """Links of every block labelled by one of ``labels`` (deduped by URL, the page itself excluded)."""
    return merge_items(find_related_blocks(tree, base_url, labels))


def related_block_elements(tree: HtmlElement, base_url: str, labels: Iterable[str]) -> list[HtmlElement]:
    """The elements of those blocks (label and items), for extractors that must leave them out."""
    return [el for block in find_related_blocks(tree, base_url, labels) for el in block.elements]
