"""The page's visible text as lines, in document order, with inline markup kept inside its line."""

from __future__ import annotations

import logging
import re

from lxml import etree
from lxml.html import HtmlElement

from newsmon.extract import xpaths

logger = logging.getLogger(__name__)

# Elements that start and end a line (CSS display other than inline, per the HTML rendering spec).
BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "br", "button", "caption", "center",
        "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
        "footer", "form", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr",
        "html", "legend", "li", "listing", "main", "menu", "nav", "ol", "optgroup", "option", "p",
        "plaintext", "pre", "section", "select", "summary", "table", "tbody", "td", "textarea",
        "tfoot", "th", "thead", "title", "tr", "ul", "video", "audio", "xmp",
    }
)  # fmt: skip
_WHITESPACE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_DISPLAY_NONE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\b", re.IGNORECASE)


# Scripts written without spaces between words (Thai, Lao, Myanmar, Khmer, Kana, Han): each character counts
# as a word, as the benchmark's --cjk tokens do (over-counting only makes a page less thin).
_UNSPACED = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(rf"[{_UNSPACED}]|[^\s{_UNSPACED}]+")
_HAS_UNSPACED = re.compile(rf"[{_UNSPACED}]")
# The UTF-16 high bytes of those scripts' code points (a superset of them): bytes.translate deletes every
# other high byte in C, twice as fast as the regex search over a long Cyrillic or Latin text.
_UNSPACED_HIGH = frozenset({0x0E, 0x10, 0x17, 0x30, *range(0x34, 0xA0), 0xF9, 0xFA})
_SPACED_HIGH = bytes(b for b in range(256) if b not in _UNSPACED_HIGH)


def count_words(text: str | None, limit: int | None = None) -> int:
    """Words of ``text``: runs between spaces, and each character of a script written without spaces. With a
    ``limit`` (>= 0), exact up to ``limit`` words and some number above it past that: a caller comparing
    with a bound does not cut a long text into all its words (limit + 1 runs between spaces are limit + 1
    words at least, whatever the script)."""
    if not text:
        return 0
    if limit is not None and len(text.split(None, limit)) > limit:
        return limit + 1
    if (
        text.isascii()
        or not text.encode("utf-16-be", "surrogatepass")[::2].translate(None, _SPACED_HIGH)
        or _HAS_UNSPACED.search(text) is None
    ):  # runs between spaces only (str.split agrees with \s): counted in C
        return len(text.split())
    return len(_WORD.findall(text))


def normalize_space(text: str | None) -> str:
    """Collapse every run of whitespace (incl. NBSP and zero-width spaces) to one space and strip."""
    if not text:
        return ""
    if "\u200b" in text or "\u200c" in text or "\u200d" in text or "\u2060" in text or "\ufeff" in text:
        return _WHITESPACE.sub(" ", text).strip()
    return " ".join(text.split())  # the same without zero-width spaces (str.split and \s agree), 5x faster


def text_of(element: etree._Element) -> str:
    """``element.text_content()``: the text of the element and its descendants. An element without children
    (most links, headings and paragraphs read) is its own text: no XPath evaluation, 5-8 times faster. One
    with children is written out as text by libxml2 (``tostring(method="text")``: the same string, its text
    nodes in document order, without setting up the XPath evaluation of ``string()`` that text_content is:
    a third cheaper a call, ~0.1 ms a page in the template fingerprints alone)."""
    if not len(element):
        return element.text or ""
    return etree.tostring(element, method="text", encoding=str, with_tail=False)


def is_hidden(element: HtmlElement, *, aria: bool = True) -> bool:
    """True when ``element`` itself never renders (its tag, hidden attribute or inline style)."""
    tag = element.tag
    if not isinstance(tag, str):
        return True
    if tag in xpaths.ALWAYS_HIDDEN_TAGS:
        return True
    if tag == "input" and (element.get("type") or "").lower() == "hidden":
        return True
    if element.get("hidden") is not None:
        return True
    if aria and (element.get("aria-hidden") or "").strip().lower() == "true":
        return True
    style = element.get("style")
    return bool(style and _DISPLAY_NONE.search(style))


def hidden_elements(tree: HtmlElement, *, aria: bool = True) -> set[HtmlElement]:
    """Roots of the subtrees that never render: script/style/template/..., [hidden], display:none."""
    return {el for el in xpaths.hidden_candidates(tree) if is_hidden(el, aria=aria)}


def hidden_element_sets(
    tree: HtmlElement, elements: xpaths.PageElements | None = None
) -> tuple[set[HtmlElement], set[HtmlElement]]:
    """``(hidden_elements(tree), hidden_elements(tree, aria=False))`` from one pass over the tree, for
    extractors that share them (visible text leaves aria-hidden subtrees out; outline and body keep them)."""
    with_aria: set[HtmlElement] = set()
    without_aria: set[HtmlElement] = set()
    for element in xpaths.hidden_candidates(tree, elements):
        if is_hidden(element, aria=False):
            with_aria.add(element)
            without_aria.add(element)
        elif (element.get("aria-hidden") or "").strip().lower() == "true":  # is_hidden's one test left
            with_aria.add(element)
    return with_aria, without_aria


class _Lines:
    """Accumulates text pieces and cuts them into normalised, non-empty lines; ``owners[i]`` is the innermost
    block element around ``lines[i]`` (``block`` when the line was cut; None outside any)."""

    __slots__ = ("block", "lines", "owners", "parts")

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.owners: list[HtmlElement | None] = []
        self.parts: list[str] = []
        self.block: HtmlElement | None = None

    def add(self, text: str | None) -> None:
        if text:
            self.parts.append(text)

    def add_preformatted(self, text: str | None) -> None:
        if not text:
            return
        first, *rest = text.split("\n")
        self.add(first)
        for piece in rest:
            self.flush()
            self.add(piece)

    def flush(self) -> None:
        if self.parts:
            line = normalize_space("".join(self.parts))
            self.parts.clear()
            if line:
                self.lines.append(line)
                self.owners.append(self.block)


_PRE_TAGS = frozenset({"pre", "textarea", "listing", "xmp"})
assert _PRE_TAGS <= BLOCK_TAGS  # the walks test them only for block tags
# Element levels the recursive walk descends before the iterative one takes over: the HTML parser stops
# nesting at 256 levels, but a tree built otherwise may go deeper than Python's recursion limit.
_RECURSION_DEPTH = 100


def _walk(root: HtmlElement, hidden: set[HtmlElement], out: _Lines, *, owners: bool = False) -> None:
    """Append the visible text of ``root``'s subtree (not its tail) to ``out``. ``owners``: keep
    ``out.block`` up to date (the innermost open block element)."""
    if root in hidden:
        return
    tag = root.tag
    if tag in BLOCK_TAGS:
        out.flush()
        opened = out.block
        if owners:
            out.block = root
        pre = tag in _PRE_TAGS
        if pre:
            out.add_preformatted(root.text)
        else:
            out.add(root.text)
        _children(root, hidden, out, owners, pre, 1)
        out.flush()
        out.block = opened
    elif isinstance(tag, str):
        out.add(root.text)
        _children(root, hidden, out, owners, False, 1)


def _children(
    parent: HtmlElement, hidden: set[HtmlElement], out: _Lines, owners: bool, pre: bool, depth: int
) -> None:
    """Append the visible text of ``parent``'s children and their tails to ``out``: a recursion over the
    children (a hot loop, a third faster than an ``iterwalk``'s two events per element: each element is
    visited once, its text and tail read once, a block's lines cut inline). Text that only whitespace
    starts a line with is not kept (the line is normalised: the same lines)."""
    parts = out.parts
    add = parts.append
    for child in parent:
        if child in hidden:
            if not isinstance(child.tag, str):
                continue
        else:
            tag = child.tag
            if not isinstance(tag, str):  # a comment or processing instruction: skipped with its tail
                continue
            block = tag in BLOCK_TAGS
            inner = pre
            if block:  # a line of its own, owned by the block
                if parts:
                    out.flush()
                opened = out.block
                if owners:
                    out.block = child
                inner = pre or tag in _PRE_TAGS
            text = child.text
            if text:
                if inner:
                    out.add_preformatted(text)
                elif parts or not text.isspace():
                    add(text)
            if len(child):
                if depth < _RECURSION_DEPTH:
                    _children(child, hidden, out, owners, inner, depth + 1)
                else:
                    _walk_iteratively(child, hidden, out, owners, inner)
            if block:
                if parts:
                    out.flush()
                out.block = opened
        tail = child.tail
        if tail:
            if pre:
                out.add_preformatted(tail)
            elif parts or not tail.isspace():
                add(tail)


def _walk_iteratively(
    parent: HtmlElement, hidden: set[HtmlElement], out: _Lines, owners: bool, pre: bool
) -> None:
    """``_children(parent, ...)`` without recursion, for subtrees deeper than _RECURSION_DEPTH: an
    ``iterwalk``, the end event of an element closing its block and adding its tail."""
    walker = etree.iterwalk(parent, events=("start", "end"))
    in_pre = int(pre)
    blocks: list[HtmlElement | None] = [out.block]  # the open block elements, innermost last
    for event, el in walker:
        if el is parent:
            continue
        tag = el.tag
        if event == "start":
            if el in hidden:
                walker.skip_subtree()
                continue
            if not isinstance(tag, str):
                continue
            if tag in BLOCK_TAGS:
                out.flush()
                if owners:
                    blocks.append(el)
                    out.block = el
                if tag in _PRE_TAGS:
                    in_pre += 1
            if in_pre:
                out.add_preformatted(el.text)
            else:
                out.add(el.text)
            continue
        # "end": the element is done; its tail belongs to the parent's flow
        if isinstance(tag, str) and tag in BLOCK_TAGS and el not in hidden:
            if tag in _PRE_TAGS:
                in_pre -= 1
            out.flush()
            if owners:
                blocks.pop()
                out.block = blocks[-1]
        if in_pre:
            out.add_preformatted(el.tail)
        else:
            out.add(el.tail)


def visible_text_lines(tree: HtmlElement, *, hidden: set[HtmlElement] | None = None) -> list[str]:
    """Visible text of the page as lines: the <title> first, then the body in document order.

    ``hidden``: ``hidden_elements(tree)`` when the caller has it already."""
    return visible_text_blocks(tree, hidden=hidden, owners=False)[0]


def visible_text_blocks(
    tree: HtmlElement, *, hidden: set[HtmlElement] | None = None, owners: bool = True
) -> tuple[list[str], list[HtmlElement | None]]:
    """``visible_text_lines`` and, for each line, the innermost block element around it (None for the
    title; every owner None unless ``owners``)."""
    out = _Lines()
    title = xpaths.page_title(tree)  # walks that stop at the element (XPaths walked the whole page)
    if title is not None:
        out.add(text_of(title))
        out.flush()
    body = xpaths.page_body(tree)
    if body is None:
        return out.lines, out.owners
    _walk(body, hidden if hidden is not None else hidden_elements(tree), out, owners=owners)
    out.flush()
    return out.lines, out.owners


def element_text_lines(element: HtmlElement, hidden: set[HtmlElement] | None = None) -> list[str]:
    """Visible text lines of one element's subtree (its tail excluded)."""
    out = _Lines()
    _walk(element, hidden if hidden is not None else set(), out)
    out.flush()
    return out.lines
