"""The items of a related block: its links grouped by the block's repeated structure (cards, list entries,
bare links), one {url, title} each, whatever the theme's classes (newsmon/extract/related.py finds blocks)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from lxml.html import HtmlElement

from newsmon.extract import xpaths
from newsmon.extract.text import normalize_space, text_of
from newsmon.extract.types import RelatedItem

# A heading without a link titles one card of a block (not the next section) when the element around it
# that holds a link links to at most this many pages (story, author, section) and has fewer words.
CARD_URLS = 3
CARD_WORDS = 80
_WORD = re.compile(r"\w+")
Anchor = tuple[HtmlElement, str]  # a block's link and its absolute URL


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def child_towards(container: HtmlElement, element: HtmlElement) -> HtmlElement:
    """The child of ``container`` that contains ``element`` (or ``element`` itself)."""
    while (parent := element.getparent()) is not None and parent is not container:
        element = parent
    return element


def in_card(
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
            if headings != 1 or len(hrefs) > CARD_URLS or _words(text_of(unit)) >= CARD_WORDS:
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
    text = normalize_space(text_of(heading if heading is not None else anchor))
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
    return element if element is ancestor else child_towards(ancestor, element)


def _signature(element: HtmlElement) -> tuple[str, tuple[str, ...]]:
    """What repeats in a list of items whatever the theme's classes: the tag and its children's tags."""
    return element.tag, tuple(child.tag for child in element if isinstance(child.tag, str))


def _split_units(root: HtmlElement, anchors: list[Anchor]) -> list[list[Anchor]]:
    """The block's anchors grouped by item: the children of their common ancestor, each split again while
    its link-holding children all repeat one structure (rows of cards, a list in each column). Bare links
    side by side are items of their own only at the top (a list of links), never inside an item (a story
    link and its author link)."""
    groups: dict[HtmlElement, list[Anchor]] = {}
    for anchor, url in anchors:
        child = _child_towards_or_self(root, anchor)
        groups.setdefault(child, []).append((anchor, url))
    units: list[list[Anchor]] = []
    for child, members in groups.items():
        if child.tag != "a" and len(members) > 1:
            kids = {child_towards(child, a) for a, _ in members}
            while (
                len(kids) == 1 and (only := next(iter(kids))).tag != "a"
            ):  # a wrapper (a carousel page's <ul>)
                child, kids = only, {child_towards(only, a) for a, _ in members}
            signatures = {_signature(k) for k in kids}
            if len(kids) > 1 and len(signatures) == 1 and "a" not in {k.tag for k in kids}:
                units.extend(_split_units(child, members))
                continue
        units.append(members)
    return units


def _heading_units(
    root: HtmlElement, anchors: list[Anchor], headings: list[HtmlElement]
) -> tuple[list[tuple[HtmlElement, list[Anchor]]], list[Anchor]]:
    """Cards: each heading with the anchors of the largest element around it that holds no other heading
    (its image link, its "Read more", its author line); the anchors outside every card apart."""
    owner: dict[HtmlElement, int] = {}  # elements as keys: the dict keeps their proxies alive
    units: list[tuple[HtmlElement, list[Anchor]]] = []
    marks = set(headings)
    for index, heading in enumerate(headings):
        unit = heading
        while (parent := unit.getparent()) is not None and unit is not root:
            if any(h is not heading and h in marks for h in parent.iter(*xpaths.HEADING_TAGS)):
                break
            unit = parent
        units.append((heading, []))
        owner[unit] = index
    rest: list[Anchor] = []
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


def _main_link(members: list[Anchor], heading: HtmlElement | None) -> str:
    """The URL an item is about: its heading's link, else the URL linked most often (an image and a title
    link), else the one with the longest link text (a title before or after its author's name)."""
    if heading is not None:
        for anchor, url in members:
            if anchor in heading.iterancestors() or heading in anchor.iterancestors():  # around it, in it
                return url
    weight: dict[str, tuple[int, int]] = {}  # (links, characters of link text) per URL
    for anchor, url in members:
        links, chars = weight.get(url, (0, 0))
        weight[url] = (links + 1, chars + len(normalize_space(text_of(anchor))))
    return max(weight, key=lambda url: weight[url])  # ties: the first linked (dicts keep insertion order)


def _unit_item(members: list[Anchor], heading: HtmlElement | None, titled: bool = True) -> RelatedItem:
    """One item: the main URL, titled by the card's heading (unless not ``titled``: a kicker every card
    repeats), else its longest link text, else a fallback."""
    url = _main_link(members, heading)
    heading_text = normalize_space(text_of(heading)) if heading is not None and titled else ""
    title = fallback = ""
    for anchor, linked in members:
        if linked != url:
            continue
        text, alt = _anchor_title(anchor)
        if len(text) > len(title):
            title = text
        fallback = fallback or alt
    return {"url": url, "title": heading_text or title or fallback}


def block_items(anchors: list[Anchor], headings: Sequence[HtmlElement] = ()) -> list[RelatedItem]:
    """One item per unit of the block (a card, a list entry, a link), deduped by URL in first-seen order
    with the longest title: a card's link to its author or section is not an item of its own."""
    if not anchors:
        return []
    root = _lowest_common_ancestor([a for a, _ in anchors])
    headings = [h for h in headings if normalize_space(text_of(h))]
    units: list[RelatedItem] = []
    rest = anchors
    if headings:
        headed, rest = _heading_units(root, anchors, headings)
        # a heading text several cards share is a kicker ("News · Cloud"), not the card's own title
        texts = Counter(normalize_space(text_of(heading)).casefold() for heading, _ in headed)
        units.extend(
            _unit_item(members, heading, texts[normalize_space(text_of(heading)).casefold()] == 1)
            for heading, members in headed
        )
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
