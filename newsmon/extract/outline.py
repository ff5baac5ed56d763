"""Heading outline of a page in document order, nested by level (the old system nested by tag)."""

from __future__ import annotations

import logging

from lxml.html import HtmlElement

from newsmon.extract import xpaths
from newsmon.extract.text import hidden_elements, normalize_space, text_of
from newsmon.extract.types import HeadingNode

logger = logging.getLogger(__name__)


def _visible(heading: HtmlElement, hidden: set[HtmlElement]) -> bool:
    if heading in hidden:
        return False
    return not any(ancestor in hidden for ancestor in heading.iterancestors())


def visible_headings(
    tree: HtmlElement, *, hidden: set[HtmlElement] | None = None, elements: xpaths.PageElements | None = None
) -> list[tuple[int, str, HtmlElement]]:
    """(level, normalised text, element) of every visible, non-empty h1..h6 in document order.

    ``hidden``: ``hidden_elements(tree, aria=False)``, ``elements``: ``xpaths.page_elements(tree)``, when
    the caller has them already."""
    # one walk in C: the XPath union of six paths (//h1|...|//h6) walked the page six times
    headings = (
        elements[xpaths.HEADINGS]
        if elements is not None
        else list(tree.getroottree().getroot().iter(*xpaths.HEADING_TAGS))
    )
    if not headings:
        return []
    # aria-hidden headings still render; only non-rendered subtrees are left out of the outline
    if hidden is None:
        hidden = hidden_elements(tree, aria=False)
    found = []
    for heading in headings:
        if hidden and not _visible(heading, hidden):
            continue
        text = normalize_space(text_of(heading))
        if text:
            found.append((int(heading.tag[1]), text, heading))
    return found


def build_outline(headings: list[tuple[int, str]]) -> list[HeadingNode]:
    """Nest (level, text) pairs with a stack: a heading is the child of the last shallower one."""
    roots: list[HeadingNode] = []
    stack: list[HeadingNode] = []
    for level, text in headings:
        node: HeadingNode = {"level": level, "text": text, "children": []}
        while stack and stack[-1]["level"] >= level:
            stack.pop()
        (stack[-1]["children"] if stack else roots).append(node)
        stack.append(node)
    return roots


def extract_outline(
    tree: HtmlElement, *, hidden: set[HtmlElement] | None = None, elements: xpaths.PageElements | None = None
) -> list[HeadingNode]:
    """h1..h6 in document order, nested by level; hidden and empty headings are skipped.

    ``hidden``, ``elements``: as for ``visible_headings``."""
    found = visible_headings(tree, hidden=hidden, elements=elements)
    return build_outline([(level, text) for level, text, _ in found])
