"""Site template learning, the pure part: fingerprints of a page's blocks, and which of them are template.

A site teaches its own template. Every block of a page (a block-level element, and every link) gets a
fingerprint: a block's is its DOM path (its own and its three nearest ancestors' tags and stable class
and id tokens) with its text, a link's is its text alone (a story's title links from the home page, the
section page and every "latest" box alike). The crawl records on which distinct pages each fingerprint was
seen (the state store keeps it: newsmon/state/template.py). A fingerprint seen on ``min_pages`` distinct
pages of the site, this page counted, is template: navigation, footers, newsletter boxes, a section's
heading, the items of its "latest stories" list. Article text is unique to its page and never is.

A block whose items change between pages (the "latest stories" list after a publication: one new item,
the others shifted) is template as a whole when at least half of its text is in template blocks and links,
and what is left is link text (the new items) or a little more (their times): so a publication elsewhere
on the site never changes another article's body. A block holding the page's ``<h1>`` never is.

Extraction then drops the body lines that are the text of template blocks (``without_template``): the
body and ``content_hash`` lose them, ``content`` (the page's visible text) keeps them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from newsmon.extract.text import element_text_lines, normalize_space

# Elements that are blocks of a page (inline elements belong to the block around them); links apart.
BLOCK_TAGS = (
    "p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "div", "section", "aside", "nav", "header", "footer",
    "ul", "ol", "dl", "dt", "dd", "table", "tr", "td", "th", "form", "blockquote", "figure", "figcaption",
    "article", "main",
)  # fmt: skip
PATH_DEPTH = 3  # ancestors in a block's path: enough to tell a sidebar list from the body's list
MIN_PAGES = 3  # distinct pages a fingerprint is seen on (this one included) before it is template
MAX_TEXT = 4000  # characters: a block longer than this is never template on its own (and is not learned)
TEMPLATE_SHARE = 0.5  # a block is template when at least this share of its text is template ...
FREE_SHARE = 0.25  # ... and at most this share is neither template nor link text
CARD_WORDS = 60  # a repeated item led by a template link (a teaser card) is template up to this many words
CARD_TAGS = frozenset({"div", "li", "article", "section", "aside", "figure"})  # never a paragraph
CARD_LEAD_WORDS = 3  # a card's leading link has this many words at least (a title, not a tag)
SAMPLE_CHARS = 80  # text kept with a fingerprint, for `newsmon sites template`
_DIGITS = re.compile(r"\d")
_MARKER = re.compile(r"^(?:[-*•·–—]\s+)+")


def fingerprint(text: str) -> int:
    """A stable signed 64-bit fingerprint (the same in every process and run; Python's hash() is not)."""
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def page_key(url: str) -> int:
    """The identity of a page for counting distinct pages: its URL without fragment, as a 32-bit number."""
    parts = urlsplit(url)
    ident = f"{(parts.hostname or '').lower()}{parts.path}?{parts.query}"
    return int.from_bytes(hashlib.blake2b(ident.encode(), digest_size=4).digest(), "big")


def _step(element: HtmlElement) -> str:
    """One step of a block's path: its tag, id and class tokens without digits (post-123 differs per page)."""
    names = [n for n in (element.get("class") or "").split() if not _DIGITS.search(n)]
    ident = element.get("id") or ""
    if ident and not _DIGITS.search(ident):
        names.append("#" + ident)
    return element.tag + ("." + ".".join(sorted(names)) if names else "")


def _path(element: HtmlElement, step: str) -> str:
    steps = [step]
    for ancestor in element.iterancestors():
        if len(steps) > PATH_DEPTH or ancestor.tag in ("body", "html"):
            break
        steps.append(_step(ancestor))
    return ">".join(reversed(steps))


class Unit(NamedTuple):
    """One block or link of a page, with its fingerprint, its text and the nearest enclosing unit."""

    element: HtmlElement
    sig: int
    text: str
    chars: int  # characters without spaces
    link: bool
    parent: int  # index in the page's unit list, -1 for none
    step: str  # tag and stable class/id tokens (see _step)


def page_units(tree: HtmlElement) -> list[Unit]:
    """The page's blocks and links in document order (so every unit comes after its enclosing ones)."""
    units: list[Unit] = []
    index: dict[HtmlElement, int] = {}
    for element in tree.iter(*BLOCK_TAGS, "a"):
        text = normalize_space(element.text_content())
        if not text:
            continue
        parent = -1
        for ancestor in element.iterancestors():
            found = index.get(ancestor)
            if found is not None:
                parent = found
                break
        link = element.tag == "a"
        chars = len(text) - text.count(" ")
        step = _step(element)
        if link:
            sig = fingerprint("a|" + text.lower())
        elif chars <= MAX_TEXT:
            sig = fingerprint(_path(element, step) + "|" + text)
        else:
            sig = 0  # too long to be a template block by itself: not learned
        index[element] = len(units)
        units.append(Unit(element, sig, text, chars, link, parent, step))
    return units


def learnable(units: Sequence[Unit]) -> list[tuple[int, str]]:
    """(fingerprint, text sample) of each distinct unit of a page: what the crawl learns from it."""
    seen: dict[int, str] = {}
    for unit in units:
        if unit.sig and unit.sig not in seen:
            seen[unit.sig] = unit.text[:SAMPLE_CHARS]
    return list(seen.items())


@dataclass(frozen=True)
class TemplateView:
    """What extraction needs of a site's learned template (plain data, sent to extraction workers):
    for each fingerprint seen on at least ``min_pages - 1`` distinct pages, the keys of those pages (up to
    ``min_pages``)."""

    pages: Mapping[int, frozenset[int]] = field(default_factory=dict, hash=False, compare=False)
    min_pages: int = MIN_PAGES
    version: int = 0  # changes whenever ``pages`` does (the view's identity for equality and hashing)

    def is_template(self, sig: int, page: int) -> bool:
        """``sig``, found on page ``page``, was seen on ``min_pages`` distinct pages with this one."""
        seen = self.pages.get(sig)
        return seen is not None and len(seen - {page}) + 1 >= self.min_pages


def template_units(
    tree: HtmlElement, units: Sequence[Unit], view: TemplateView, page: int
) -> tuple[list[int], list[bool]]:
    """Indexes of the outermost template units of the page (see the module docstring for the rule), and
    for every unit whether it is inside one of them."""
    protected: set[HtmlElement] = set()
    for h1 in tree.iter("h1"):
        protected.add(h1)
        protected.update(h1.iterancestors())
    count = len(units)
    covered = [0] * count  # characters in template units below
    linked = [0] * count  # characters in links below that are not template
    template = [False] * count
    shapes: dict[tuple[int, str], int] = {}  # (parent, step) -> units of that shape: repeated items
    for unit in units:
        shapes[unit.parent, unit.step] = shapes.get((unit.parent, unit.step), 0) + 1
    for i in range(count - 1, -1, -1):  # enclosed units first
        unit = units[i]
        if unit.element in protected:
            is_template = False
        elif unit.sig and view.is_template(unit.sig, page):
            is_template = True
        elif unit.link:
            is_template = False
        else:
            free = unit.chars - covered[i] - linked[i]
            is_template = covered[i] > 0 and (
                (covered[i] >= TEMPLATE_SHARE * unit.chars and free <= FREE_SHARE * unit.chars)
                or _is_card(units, template, shapes, i)
            )
        template[i] = is_template
        parent = unit.parent
        if parent < 0:
            continue
        if is_template:
            covered[parent] += unit.chars
        else:
            covered[parent] += covered[i]
            linked[parent] += unit.chars - covered[i] if unit.link else linked[i]
    inside = [False] * count
    outermost = []
    for i, unit in enumerate(units):
        enclosed = unit.parent >= 0 and (template[unit.parent] or inside[unit.parent])
        inside[i] = enclosed
        if template[i] and not enclosed:
            outermost.append(i)
    return outermost, inside


def _is_card(units: Sequence[Unit], template: list[bool], shapes: dict[tuple[int, str], int], i: int) -> bool:
    """A teaser card: one of several items of the same shape, led by a template unit (the title link of a
    story the site lists elsewhere, or a heading made of it), with a short text (its teaser)."""
    unit = units[i]
    first = i + 1
    if unit.element.tag not in CARD_TAGS or first >= len(units) or units[first].parent != i:
        return False
    lead = units[first]
    return (
        template[first]
        and len(lead.text.split()) >= CARD_LEAD_WORDS
        and unit.text.startswith(lead.text)
        and shapes[unit.parent, unit.step] > 1
        and len(unit.text.split()) <= CARD_WORDS
    )


def _key(line: str) -> str:
    return _MARKER.sub("", normalize_space(line))


def template_texts(tree: HtmlElement, units: Sequence[Unit], view: TemplateView, page: int) -> set[str]:
    """The texts of the page's template blocks, as lines of the body may hold them."""
    texts: set[str] = set()
    outermost, inside = template_units(tree, units, view, page)
    if not outermost:
        return texts
    texts.update(unit.text for unit, enclosed in zip(units, inside, strict=True) if enclosed)
    for i in outermost:
        texts.add(units[i].text)
        texts.update(normalize_space(line) for line in element_text_lines(units[i].element))
    texts.discard("")
    return {_key(text) for text in texts}


def without_template(body: str, texts: set[str]) -> tuple[str, int]:
    """``body`` without its lines that are template text; and how many lines were dropped."""
    if not texts or not body:
        return body, 0
    dropped = 0
    paragraphs = []
    for paragraph in body.split("\n\n"):
        lines = paragraph.split("\n")
        kept = [line for line in lines if _key(line) not in texts]
        dropped += len(lines) - len(kept)
        if kept:
            paragraphs.append("\n".join(kept))
    return "\n\n".join(paragraphs), dropped
