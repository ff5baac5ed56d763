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
from newsmon.extract.links import absolute_url, document_base
from newsmon.extract.text import normalize_space
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
# A heading without a link titles one card of a block (not the next section) when the element around it
# that holds a link links to at most this many pages (story, author, section) and has fewer words.
CARD_URLS = 3
CARD_WORDS = 80
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


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _non_link_words(element: HtmlElement) -> int:
    total = _words(element.text_content())
    return total - sum(_words(a.text_content()) for a in element.iter("a"))


# How a label marks its block: the element holds only the label (links follow it), the label is the
# element's leading text (links are inside it), or an aria-label/title names the whole container.
WHOLE, LEADING, CONTAINER = "whole", "leading", "container"


@dataclass(frozen=True)
class _Label:
    label: str
    element: HtmlElement
    kind: str


def _label_element(owner: HtmlElement, label: str) -> _Label | None:
    """The element whose leading text is a label (climbing while it holds nothing but the label)."""
    element = owner
    in_link = element.tag == "a"
    for _ in range(4):
        parent = element.getparent()
        if parent is None or len(parent) > 3 or normalize_label(parent.text_content()) != label:
            break
        element = parent
        in_link = in_link or element.tag == "a"
    if normalize_label(element.text_content()) != label:
        return _Label(label, owner, LEADING) if owner.tag in LABEL_TAGS else None
    if element.tag not in LABEL_TAGS or (in_link and element.tag[0] != "h"):
        return None  # a menu entry or a button that happens to read "Latest news"
    return _Label(label, element, WHOLE)


def _label_texts(tree: HtmlElement, labels: frozenset[str]) -> Iterator[tuple[HtmlElement, str]]:
    """(element, label) for every element whose own leading text reads as one of ``labels``, in document
    order. One pass over the tree: short texts only, a cheap word test before the exact comparison."""
    words = _label_words(labels)
    for element in tree.iter(etree.Element):
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
    for owner, label in _label_texts(tree, labels):
        match = _label_element(owner, label)
        if match is None or match.element in seen or xpaths.test(xpaths.IN_NAVIGATION, match.element):
            continue
        seen.add(match.element)
        found.append(match)
    for container in xpaths.select(xpaths.LABELLED_CONTAINERS, tree):
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
            tag in xpaths.HEADING_TAGS and not _has_link(el) and not _in_card(el, container, repeats)
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


def _in_card(
    heading: HtmlElement, container: HtmlElement, repeats: dict[tuple[str, tuple[str, ...]], int]
) -> bool:
    """A heading without a link of its own that titles one item of a block (a card whose link wraps it, or
    sits on its image or a "Read more"), not the next section: the nearest element around it that holds a
    link is a link, or is small, holds no other heading, links to at most CARD_URLS pages, and repeats (the
    container holds another element of its structure: the other cards), so that a lone box after the block
    (a newsletter sign-up under its heading) still ends it. ``repeats``: structure counts, filled lazily."""
    unit = heading.getparent()
    while unit is not None and unit is not container:
        if unit.tag == "a" and unit.get("href") is not None:
            return True
        hrefs = {a.get("href") for a in unit.iter("a") if a.get("href") is not None}
        if hrefs:
            headings = sum(1 for _ in unit.iter(*xpaths.HEADING_TAGS))
            if headings != 1 or len(hrefs) > CARD_URLS or _words(unit.text_content()) >= CARD_WORDS:
                return False
            signature = _signature(unit)
            if signature not in repeats:
                repeats[signature] = sum(1 for el in container.iter(unit.tag) if _signature(el) == signature)
            return repeats[signature] > 1
        unit = unit.getparent()
    return False


def _anchor_title(anchor: HtmlElement) -> tuple[str, str]:
    """(visible text, fallback from title/aria-label/img alt) of a block link; a heading inside wins."""
    heading = next(anchor.iter(*xpaths.HEADING_TAGS), None)
    text = normalize_space((heading if heading is not None else anchor).text_content())
    if text:
        return text, ""
    fallback = normalize_space(anchor.get("title") or anchor.get("aria-label"))
    return "", fallback or next((normalize_space(img.get("alt")) for img in anchor.iter("img")), "")


def _lowest_common_ancestor(elements: Sequence[HtmlElement]) -> HtmlElement:
    chain = [elements[0], *elements[0].iterancestors()]
    depth = {el: i for i, el in enumerate(chain)}
    lowest = 0
    for element in elements[1:]:
        while element not in depth:
            parent = element.getparent()
            if parent is None:
                return chain[-1]
            element = parent
        lowest = max(lowest, depth[element])
    return chain[lowest]


def _child_towards_or_self(ancestor: HtmlElement, element: HtmlElement) -> HtmlElement:
    return element if element is ancestor else _child_towards(ancestor, element)


def _signature(element: HtmlElement) -> tuple[str, tuple[str, ...]]:
    """What repeats in a list of items whatever the theme's classes: the tag and its children's tags."""
    return element.tag, tuple(child.tag for child in element if isinstance(child.tag, str))


def _split_units(
    root: HtmlElement, anchors: list[tuple[HtmlElement, str]]
) -> list[list[tuple[HtmlElement, str]]]:
    """The block's anchors grouped by item: the children of their common ancestor, each split again while
    its link-holding children all repeat one structure (rows of cards, a list in each column). Bare links
    side by side are items of their own only at the top (a list of links), never inside an item (a story
    link and its author link)."""
    groups: dict[HtmlElement, list[tuple[HtmlElement, str]]] = {}
    for anchor, url in anchors:
        child = _child_towards_or_self(root, anchor)
        groups.setdefault(child, []).append((anchor, url))
    units: list[list[tuple[HtmlElement, str]]] = []
    for child, members in groups.items():
        if child.tag != "a" and len(members) > 1:
            kids = {_child_towards(child, a) for a, _ in members}
            signatures = {_signature(k) for k in kids}
            if len(kids) > 1 and len(signatures) == 1 and "a" not in {k.tag for k in kids}:
                units.extend(_split_units(child, members))
                continue
        units.append(members)
    return units


def _heading_units(
    root: HtmlElement, anchors: list[tuple[HtmlElement, str]], headings: list[HtmlElement]
) -> tuple[list[tuple[HtmlElement, list[tuple[HtmlElement, str]]]], list[tuple[HtmlElement, str]]]:
    """Cards: each heading with the anchors of the largest element around it that holds no other heading
    (its image link, its "Read more", its author line); the anchors outside every card apart."""
    owner: dict[HtmlElement, int] = {}  # elements as keys: the dict keeps their proxies alive
    units: list[tuple[HtmlElement, list[tuple[HtmlElement, str]]]] = []
    marks = set(headings)
    for index, heading in enumerate(headings):
        unit = heading
        while (parent := unit.getparent()) is not None and unit is not root:
            if any(h is not heading and h in marks for h in parent.iter(*xpaths.HEADING_TAGS)):
                break
            unit = parent
        units.append((heading, []))
        owner[unit] = index
    rest: list[tuple[HtmlElement, str]] = []
    for anchor, url in anchors:
        for element in (anchor, *anchor.iterancestors()):
            owned = owner.get(element)
            if owned is not None:
                units[owned][1].append((anchor, url))
                break
            if element is root:
                rest.append((anchor, url))
                break
        else:
            rest.append((anchor, url))
    return [(heading, members) for heading, members in units if members], rest


def _main_link(members: list[tuple[HtmlElement, str]], heading: HtmlElement | None) -> str:
    """The URL an item is about: its heading's link, else the URL linked most often (an image and a title
    link), else the one with the longest link text (a title before or after its author's name)."""
    if heading is not None:
        for anchor, url in members:
            if anchor in heading.iterancestors() or heading in anchor.iterancestors():  # around it, in it
                return url
    weight: dict[str, tuple[int, int]] = {}  # (links, characters of link text) per URL
    for anchor, url in members:
        links, chars = weight.get(url, (0, 0))
        weight[url] = (links + 1, chars + len(normalize_space(anchor.text_content())))
    return max(weight, key=lambda url: weight[url])  # ties: the first linked (dicts keep insertion order)


def _unit_item(members: list[tuple[HtmlElement, str]], heading: HtmlElement | None) -> RelatedItem:
    """One item: the main URL, titled by the card's heading, else its longest link text, else a fallback."""
    url = _main_link(members, heading)
    heading_text = normalize_space(heading.text_content()) if heading is not None else ""
    title = fallback = ""
    for anchor, linked in members:
        if linked != url:
            continue
        text, alt = _anchor_title(anchor)
        if len(text) > len(title):
            title = text
        fallback = fallback or alt
    return {"url": url, "title": heading_text or title or fallback}


def _items(anchors: list[tuple[HtmlElement, str]], headings: Sequence[HtmlElement] = ()) -> list[RelatedItem]:
    """One item per unit of the block (a card, a list entry, a link), deduped by URL in first-seen order
    with the longest title: a card's link to its author or section is not an item of its own."""
    if not anchors:
        return []
    root = _lowest_common_ancestor([a for a, _ in anchors])
    headings = [h for h in headings if normalize_space(h.text_content())]
    units: list[RelatedItem] = []
    rest = anchors
    if headings:
        headed, rest = _heading_units(root, anchors, headings)
        units.extend(_unit_item(members, heading) for heading, members in headed)
    units.extend(_unit_item(members, None) for members in (_split_units(root, rest) if rest else []))
    order = {url: i for i, (_, url) in reversed(list(enumerate(anchors)))}
    units.sort(key=lambda item: order.get(item["url"], len(order)))
    merged: dict[str, RelatedItem] = {}
    for item in units:
        known = merged.get(item["url"])
        if known is None:
            merged[item["url"]] = item
        elif len(item["title"]) > len(known["title"]):
            known["title"] = item["title"]
    return list(merged.values())


def _child_towards(container: HtmlElement, element: HtmlElement) -> HtmlElement:
    """The child of ``container`` that contains ``element`` (or ``element`` itself)."""
    while (parent := element.getparent()) is not None and parent is not container:
        element = parent
    return element


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
    first = _child_towards(container, marker)
    last = _child_towards(container, anchors[-1][0])
    stop_child = _child_towards(container, stop) if stop is not None else None
    children = list(container)
    start, end = children.index(first), children.index(last)
    for child in children[end + 1 :]:
        if child is stop_child or _has_link(child) or _words(child.text_content()) >= SHORT_WORDS:
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
        words = _words(element.text_content())
        links = sum(_words(a.text_content()) for a in element.iter("a"))
        link_words, non_link = link_words + links, non_link + words - links
    return non_link > PROSE_WORDS and non_link > PROSE_RATIO * link_words


def _label_set(labels: Iterable[str]) -> frozenset[str]:
    return frozenset(normalize_label(label) for label in labels) - {""}


def find_related_groups(
    tree: HtmlElement, base_url: str, groups: Sequence[Iterable[str]]
) -> list[list[RelatedBlock]]:
    """The blocks of each group of labels (e.g. Read also, News Feed), the labels found in one pass; every
    group's labels also end the other groups' blocks."""
    wanted = [_label_set(labels) for labels in groups]
    everything = frozenset().union(*wanted)
    if not everything:
        return [[] for _ in wanted]
    found = _find_labels(tree, everything)
    stops = {match.element for match in found if match.kind == WHOLE}
    base, page = document_base(tree, base_url), urldefrag(base_url).url
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
            logger.debug("Related block %r: %d links in <%s>", match.label, len(anchors), container.tag)
            return RelatedBlock(match.label, _items(anchors, headings), elements)
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
