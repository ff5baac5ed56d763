"""Per-page budget: how much HTML extraction gets, and the fast path that caps a pathological tree first.

trafilatura's extractor and its second opinions (justext, readability) grow quadratically with some page
shapes: thousands of links or spans in one paragraph, tens of thousands of short paragraphs or divs. A
normal article page has a few thousand elements and at most a few dozen links in a paragraph (the 181
benchmark pages: at most 1,596 elements, 24 links in a paragraph, 258 children of one element); the caps
below sit far above that, so they only ever act on pages no reader would call normal, and bound what one
page can cost.

- ``cut_html``: bytes past ``max_bytes`` are not handed to extraction; the cut is made just before a tag
  (``<``), so no tag or multi-byte character is split.
- ``cap_tree`` (the fast path), on the parsed tree, before every extractor:
  1. an element keeps its first ``max_inline`` inline child elements (links, spans, formatting, custom
     elements: anything but a block such as a paragraph, list item, cell or div), and a paragraph its
     first ``max_inline`` inline elements however nested (a block inside it counts its own); the later
     ones are dropped with their text;
  2. past ``max_elements`` elements, the subtrees that carry no text (svg, template, iframe, object,
     canvas) are emptied, and if that is not enough, the document is cut after its ``max_elements``-th
     element, as if the download had ended there.
  Rule 1 is looked at on pages of more than INLINE_CHECK_ABOVE (2,000) elements, where it matters; a
  normal page costs one XPath count here. What was cut is returned, so that the crawl can count it.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, cast

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from newsmon.options import Option, Options

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

MAX_BYTES = 4 * 1024 * 1024  # NEWSMON_EXTRACT_MAX_BYTES
TIMEOUT = 10.0  # NEWSMON_EXTRACT_TIMEOUT, seconds
MAX_ELEMENTS = 10_000  # NEWSMON_EXTRACT_MAX_ELEMENTS
MAX_INLINE = 500  # NEWSMON_EXTRACT_MAX_INLINE
OPTIONS = Options(
    Option(
        "NEWSMON_EXTRACT_MAX_BYTES",
        MAX_BYTES,
        "HTML handed to extraction; a bigger page is cut just before a tag at this size and extracted as "
        "far as that (`extract/truncated`, WARNING; 0: no cut) "
        "([Per-page budget](../hostile-input.md#per-page-budget))",
        default_doc="`4194304` (4 MiB)",
    ),
    Option(
        "NEWSMON_EXTRACT_TIMEOUT",
        TIMEOUT,
        "seconds a page may take in an extraction worker: then the worker is killed and replaced, the "
        "page gives no record (`extract/too_slow`, WARNING; 0: no limit). No effect with "
        "`NEWSMON_EXTRACT_WORKERS=0`",
    ),
    Option(
        "NEWSMON_EXTRACT_MAX_ELEMENTS",
        MAX_ELEMENTS,
        "the fast path: elements a page keeps; past them, textless subtrees (svg, iframe, ...) are "
        "emptied, then the page is cut after its 10,000th element (`extract/capped/elements`; 0: no cap)",
    ),
    Option(
        "NEWSMON_EXTRACT_MAX_INLINE",
        MAX_INLINE,
        "the fast path, on pages of more than 2,000 elements: inline elements (links, spans, ...) one "
        "element keeps among its children, and one paragraph however nested; the rest are dropped with "
        "their text (`extract/capped/inline`; 0: no cap)",
    ),
)
# Pages of at most this many elements cost under half a second whatever their shape (2,000 links or spans
# in one paragraph: 0.4-0.5 s of CPU): the inline rule is not looked at there, which keeps the fast path
# at one XPath count for a normal page (the benchmark pages: at most 1,596 elements).
INLINE_CHECK_ABOVE = 2_000

# Elements that open a block: inline elements are counted against their nearest one. Everything else
# (links, spans, formatting, custom elements, ...) is inline.
BLOCK_TAGS = frozenset(
    {
        "html",
        "head",
        "body",
        "address",
        "article",
        "aside",
        "blockquote",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "legend",
        "li",
        "main",
        "menu",
        "nav",
        "noscript",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
# Subtrees without text for any extractor (newsmon's never-rendered set, scripts and styles aside: JSON-LD
# lives in scripts, and neither has child elements to save).
TEXTLESS_TAGS = ("svg", "template", "iframe", "object", "canvas")
_COUNT_ELEMENTS = etree.XPath("count(//*)")
_WIDE = etree.XPath("//*[count(*) > $limit]")  # more child elements than the cap: maybe inline ones
_CROWDED_PARAGRAPHS = etree.XPath("//p[count(.//*) > $limit]")


@dataclass(frozen=True)
class PageBudget:
    """What one page may cost: HTML bytes handed to extraction, seconds in a worker, tree caps (0: none)."""

    max_bytes: int = MAX_BYTES
    timeout: float = TIMEOUT
    max_elements: int = MAX_ELEMENTS
    max_inline: int = MAX_INLINE

    def __post_init__(self) -> None:
        for name in ("max_bytes", "timeout", "max_elements", "max_inline"):
            if getattr(self, name) < 0:
                raise ValueError(f"NEWSMON_EXTRACT_{name.upper()} must be >= 0 (0: no limit)")

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> PageBudget:
        return cls(
            max_bytes=OPTIONS.getint(settings, "NEWSMON_EXTRACT_MAX_BYTES"),
            timeout=OPTIONS.getfloat(settings, "NEWSMON_EXTRACT_TIMEOUT"),
            max_elements=OPTIONS.getint(settings, "NEWSMON_EXTRACT_MAX_ELEMENTS"),
            max_inline=OPTIONS.getint(settings, "NEWSMON_EXTRACT_MAX_INLINE"),
        )


def cut_html(body: bytes, max_bytes: int) -> bytes:
    """``body`` unchanged when it fits in ``max_bytes`` (0: no limit), else cut just before the last ``<``
    within the limit (a tag boundary; ``<`` is never part of a multi-byte character in ASCII-compatible
    charsets), or at the limit when there is none."""
    if not max_bytes or len(body) <= max_bytes:
        return body
    boundary = body.rfind(b"<", 0, max_bytes + 1)
    return body[: boundary if boundary > 0 else max_bytes]


def _drop(element: HtmlElement) -> None:
    """Remove ``element`` with its subtree and its tail text."""
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def _in_tree(element: HtmlElement, tree: HtmlElement) -> bool:
    """Whether ``element`` is still under ``tree`` (not inside a subtree dropped before)."""
    ancestors = list(element.iterancestors())
    return (ancestors[-1] if ancestors else element) is tree


def count_elements(tree: HtmlElement) -> int:
    """Elements in ``tree`` (counted in C)."""
    return int(cast(float, _COUNT_ELEMENTS(tree)))


def _over(expr: etree.XPath, tree: HtmlElement, limit: int) -> list[HtmlElement]:
    return cast("list[HtmlElement]", expr(tree, limit=limit))


def _inline_past(block: HtmlElement, max_inline: int) -> list[HtmlElement]:
    """The inline elements under ``block`` past the ``max_inline``-th of their nearest block (a block
    inside a paragraph, which the parser allows for some tags, counts its own)."""
    over: list[HtmlElement] = []
    counters: list[list[int]] = []  # per open element: the inline counter of its nearest block
    walker = etree.iterwalk(block, events=("start", "end"))
    for event, element in walker:
        if event == "end":
            counters.pop()
            continue
        if not counters or element.tag in BLOCK_TAGS:
            counters.append([0])
            continue
        counter = counters[-1]
        counter[0] += 1
        if counter[0] > max_inline:
            over.append(element)
            walker.skip_subtree()  # dropped whole: what is inside needs no count
        counters.append(counter)
    return over


def _cap_inline(tree: HtmlElement, max_inline: int) -> int:
    """Rule 1 of the fast path; how many inline elements (with their subtrees) were dropped."""
    dropped = 0
    for element in _over(_WIDE, tree, max_inline):
        if element.tag == "head" or not _in_tree(element, tree):
            continue
        inline = [child for child in element if child.tag not in BLOCK_TAGS]
        for child in inline[max_inline:]:
            _drop(child)
        dropped += max(0, len(inline) - max_inline)
    for paragraph in _over(_CROWDED_PARAGRAPHS, tree, max_inline):
        if _in_tree(paragraph, tree):
            over = _inline_past(paragraph, max_inline)
            for element in over:
                _drop(element)
            dropped += len(over)
    return dropped


def _cut_after(tree: HtmlElement, max_elements: int) -> int:
    """Cut the document after its ``max_elements``-th element in document order; elements dropped."""
    total = count_elements(tree)
    if total <= max_elements:
        return 0
    element: HtmlElement = next(islice(tree.iter(), max_elements, None))  # the first one past the cap
    node: HtmlElement | None = element
    while node is not None and node is not tree:  # the element, what follows it, what follows its ancestors
        parent = node.getparent()
        for sibling in list(node.itersiblings()):
            _drop(sibling)
        if node is element:
            _drop(node)
        else:
            node.tail = None
        node = parent
    if tree.find("body") is None:  # cut inside <head>: every tree keeps a <body> (parse_html's promise)
        tree.append(lxml.html.Element("body"))
    return total - count_elements(tree)


def cap_tree(
    tree: HtmlElement,
    max_elements: int = MAX_ELEMENTS,
    max_inline: int = MAX_INLINE,
    *,
    inline_check_above: int = INLINE_CHECK_ABOVE,
) -> dict[str, int]:
    """The fast path: cap ``tree`` in place (see the module docstring; 0: no cap). Returns what was cut,
    per rule: ``inline`` elements dropped, ``textless`` elements emptied out, ``elements`` cut off the end;
    empty when the page is within the caps. The inline rule is looked at on pages of more than
    ``inline_check_above`` elements only."""
    cuts: dict[str, int] = {}
    total = count_elements(tree)
    if max_inline and total > max(max_inline, inline_check_above):
        dropped = _cap_inline(tree, max_inline)
        if dropped:
            cuts["inline"] = dropped
            total = count_elements(tree)
    if max_elements and total > max_elements:
        emptied = 0
        for element in tree.iter(*TEXTLESS_TAGS):
            emptied += sum(1 for _ in element.iterdescendants())
            element.clear(keep_tail=True)
        if emptied:
            cuts["textless"] = emptied
        cut = _cut_after(tree, max_elements)
        if cut:
            cuts["elements"] = cut
    return cuts
