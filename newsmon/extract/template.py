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

Extraction then drops the body lines that are the text of template blocks (``without_template``, matched
without whitespace): the body and ``content_hash`` lose them, ``content`` (the page's visible text) keeps
them."""

from __future__ import annotations

import hashlib
import pickle
import re
import zlib
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from newsmon.extract.text import element_text_lines, normalize_space, text_of
from newsmon.resources import process_resources

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
    """A stable signed 64-bit fingerprint, the same in every process and run (Python's hash() is not):
    CRC-32 and Adler-32 side by side, two C calls (a cryptographic hash costs twice as much per block)."""
    data = text.encode("utf-8", "surrogatepass")
    return (zlib.crc32(data) << 32 | zlib.adler32(data)) - (1 << 63)


def page_key(url: str) -> int:
    """The identity of a page for counting distinct pages: its URL without fragment, as a 32-bit number."""
    parts = urlsplit(url)
    ident = f"{(parts.hostname or '').lower()}{parts.path}?{parts.query}"
    return int.from_bytes(hashlib.blake2b(ident.encode(), digest_size=4).digest(), "big")


def _step(element: HtmlElement, cache: dict[tuple[str, str, str], str]) -> str:
    """One step of a block's path: its tag, id and class tokens without digits (post-123 differs per page)."""
    css, ident = element.get("class") or "", element.get("id") or ""
    key = (element.tag, css, ident)
    step = cache.get(key)
    if step is None:
        names = [n for n in css.split() if not _DIGITS.search(n)]
        if ident and not _DIGITS.search(ident):
            names.append("#" + ident)
        step = cache[key] = element.tag + ("." + ".".join(sorted(names)) if names else "")
    return step


class Unit(NamedTuple):
    """One block or link of a page, with its fingerprint and the nearest enclosing unit."""

    element: HtmlElement
    sig: int  # 0: not learned (no text, or longer than MAX_TEXT)
    text: str  # normalized text when it holds text of its own (see page_units), else ""
    chars: int  # characters of its text without spaces
    words: int
    link: bool
    parent: int  # index in the page's unit list, -1 for none


def _holds_text(element: HtmlElement, index: Mapping[HtmlElement, int]) -> bool:
    """Whether ``element`` holds text of its own: direct text, or a child that is not a unit (inline)."""
    if element.text and not element.text.isspace():
        return True
    for child in element:
        if child.tail and not child.tail.isspace():
            return True
        if child not in index and isinstance(child.tag, str) and (child.text or len(child)):
            return True
    return False


def _prefix(
    unit: int, parents: list[int], elements: list[HtmlElement], step_of: list[str], steps: dict[Any, str]
) -> str:
    """The path a child of ``unit`` has before its own step: ``unit``'s and its nearest enclosing units'
    steps (PATH_DEPTH in all), each followed by ">"."""
    path: list[str] = []
    while unit >= 0 and len(path) < PATH_DEPTH:
        step = step_of[unit] = step_of[unit] or _step(elements[unit], steps)
        path.append(step + ">")
        unit = parents[unit]
    return "".join(reversed(path))


def page_units(tree: HtmlElement) -> list[Unit]:
    """The page's blocks and links in document order (every unit after its enclosing ones). A unit holding
    text of its own (a link, a paragraph, a block with no other unit inside) is fingerprinted by its path
    (its own step and its nearest enclosing units', PATH_DEPTH of them) and its text; a unit only made of
    other units is not (it is template when they are: ``template_units``), so each text is read about once:
    reading every block's whole text would cost as much as the rest of extraction on deep pages."""
    elements: list[HtmlElement] = []
    parents: list[int] = []
    index: dict[HtmlElement, int] = {}
    for element in tree.iter(*BLOCK_TAGS, "a"):
        parent = -1
        ancestor = element.getparent()
        while ancestor is not None:
            found = index.get(ancestor)
            if found is not None:
                parent = found
                break
            ancestor = ancestor.getparent()
        index[element] = len(elements)
        elements.append(element)
        parents.append(parent)
    count = len(elements)
    has_kids = [False] * count
    for parent in parents:
        if parent >= 0:
            has_kids[parent] = True
    steps: dict[tuple[str, str, str], str] = {}
    step_of: list[str] = [""] * count  # computed when needed
    prefixes: dict[int, str] = {}  # unit -> the path of its children without their own step
    sigs = [0] * count
    texts = [""] * count
    chars = [0] * count
    words = [0] * count
    links = [False] * count
    for i in range(count - 1, -1, -1):  # enclosed units first
        element = elements[i]
        parent = parents[i]
        link = links[i] = element.tag == "a"
        if link or not has_kids[i] or _holds_text(element, index):
            text = " ".join(text_of(element).split())
            if not text:
                continue
            spaces = text.count(" ")
            texts[i] = text
            chars[i] = len(text) - spaces
            words[i] = spaces + 1
            if link:
                sigs[i] = fingerprint("a|" + text.lower())
            elif chars[i] <= MAX_TEXT:
                step = step_of[i] = step_of[i] or _step(element, steps)
                prefix = prefixes.get(parent)
                if prefix is None:
                    prefix = prefixes[parent] = _prefix(parent, parents, elements, step_of, steps)
                sigs[i] = fingerprint(prefix + step + "|" + text)
        if parent >= 0:  # a container is the sum of its units (a unit with text of its own: reset above)
            chars[parent] += chars[i]
            words[parent] += words[i]
    kept: dict[int, int] = {}  # a unit with text is inside units with text: its parent is kept too
    units: list[Unit] = []
    new = tuple.__new__  # a NamedTuple's own constructor costs a Python call per unit
    for i in range(count):
        if chars[i]:
            kept[i] = len(units)
            units.append(new(Unit, (elements[i], sigs[i], texts[i], chars[i], words[i], links[i],
                                    kept.get(parents[i], -1))))  # fmt: skip
    return units


def learnable(units: Sequence[Unit]) -> list[tuple[int, str]]:
    """(fingerprint, text sample) of each distinct unit of a page: what the crawl learns from it."""
    seen: dict[int, str] = {}
    for unit in units:
        if unit.sig and unit.sig not in seen:
            seen[unit.sig] = unit.text[:SAMPLE_CHARS]
    return list(seen.items())


def teaser_titles(units: Sequence[Unit]) -> list[tuple[int, str]]:
    """(fingerprint, text sample) of a listing page's story title links (CARD_LEAD_WORDS words or more): the
    crawl counts them as seen on one more page (``SiteTemplate.learn``). A listing names each story it lists
    by its title link, as every "latest" or "more in section" block of the site does: with the listing and
    the page being extracted, such a link is template, so a teaser block is known as soon as the section's
    listing is, not only once enough articles of that section were read."""
    seen: dict[int, str] = {}
    for unit in units:
        if unit.link and unit.sig and unit.words >= CARD_LEAD_WORDS and unit.sig not in seen:
            seen[unit.sig] = unit.text[:SAMPLE_CHARS]
    return list(seen.items())


@dataclass(frozen=True)
class TemplateView:
    """What extraction needs of a site's learned template (plain data, sent to extraction workers):
    for each fingerprint seen on at least ``min_pages - 1`` distinct pages, the keys of those pages (up to
    ``min_pages``). Pickled once per view (the crawl sends it with every page to a worker; a worker
    unpickles each view once): see ``__reduce__``."""

    pages: Mapping[int, frozenset[int]] = field(default_factory=dict, hash=False, compare=False)
    min_pages: int = MIN_PAGES
    version: int = 0  # changes whenever ``pages`` does (the view's identity for equality and hashing)

    def is_template(self, sig: int, page: int) -> bool:
        """``sig``, found on page ``page``, was seen on ``min_pages`` distinct pages with this one."""
        seen = self.pages.get(sig)
        return seen is not None and len(seen - {page}) + 1 >= self.min_pages

    def __reduce__(self) -> tuple[Any, tuple[bytes, bytes]]:
        cached: tuple[bytes, bytes] | None = self.__dict__.get("_packed")
        if cached is None:
            data = pickle.dumps((dict(self.pages), self.min_pages, self.version), pickle.HIGHEST_PROTOCOL)
            cached = (hashlib.blake2b(data, digest_size=16).digest(), data)
            object.__setattr__(self, "_packed", cached)
        return (_unpack_view, cached)


def _unpack_view(digest: bytes, data: bytes) -> TemplateView:
    """In a worker: the views it was sent, kept by digest (the last few; newsmon/resources.py)."""
    unpacked = process_resources().template_views
    view: TemplateView | None = unpacked.get(digest)
    if view is None:
        pages, min_pages, version = pickle.loads(data)
        view = TemplateView(pages, min_pages, version)
        if len(unpacked) >= 8:
            unpacked.pop(next(iter(unpacked)))
        unpacked[digest] = view
    return view


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
    steps: dict[tuple[str, str, str], str] = {}
    shape = [_step(unit.element, steps) for unit in units]
    shapes: dict[tuple[int, str], int] = {}  # (parent, step) -> units of that shape: repeated items
    for unit, step in zip(units, shape, strict=True):
        shapes[unit.parent, step] = shapes.get((unit.parent, step), 0) + 1
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
                or _is_card(units, template, shapes[unit.parent, shape[i]], i)
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


def _is_card(units: Sequence[Unit], template: list[bool], alike: int, i: int) -> bool:
    """A teaser card: one of several items of the same shape, led by a template unit (the title link of a
    story the site lists elsewhere, or a heading made of it), with a short text (its teaser); ``alike``:
    the units of its shape under its parent."""
    unit = units[i]
    first = i + 1
    if unit.element.tag not in CARD_TAGS or first >= len(units) or units[first].parent != i:
        return False
    lead = units[first]
    return (
        template[first]
        and lead.words >= CARD_LEAD_WORDS
        and unit.element[0] is lead.element  # the card starts with it
        and not (unit.element.text or "").strip()
        and alike > 1
        and unit.words <= CARD_WORDS
    )


def _key(line: str) -> str:
    return _MARKER.sub("", normalize_space(line))


def _bare(text: str) -> str:
    """How a body line and a block's text are matched: without list markers and without any whitespace. A
    block's text is read with lxml's text_content, which puts no space where an inline element meets a
    block one (``<span>21/03</span><p>Lead</p>``: "21/03Lead"); the body's renderer puts one there."""
    return "".join(_key(text).split())


def template_texts(tree: HtmlElement, units: Sequence[Unit], view: TemplateView, page: int) -> set[str]:
    """The texts of the page's template blocks, as lines of the body may hold them."""
    texts: set[str] = set()
    outermost, inside = template_units(tree, units, view, page)
    if not outermost:
        return texts
    texts.update(unit.text for unit, enclosed in zip(units, inside, strict=True) if enclosed)
    for i in outermost:
        texts.add(normalize_space(text_of(units[i].element)))
        texts.update(normalize_space(line) for line in element_text_lines(units[i].element))
    texts.discard("")
    return {_bare(text) for text in texts}


def without_template(body: str, texts: set[str]) -> tuple[str, int]:
    """``body`` without its lines that are template text; and how many lines were dropped."""
    if not texts or not body:
        return body, 0
    dropped = 0
    paragraphs = []
    for paragraph in body.split("\n\n"):
        lines = paragraph.split("\n")
        kept = [line for line in lines if _bare(line) not in texts]
        dropped += len(lines) - len(kept)
        if kept:
            paragraphs.append("\n".join(kept))
    return "\n\n".join(paragraphs), dropped


# --- the body's lines and the blocks they came from (a revisit re-judges them with today's template) ---


def body_lines(body: str) -> list[str]:
    """The body's lines as ``without_template`` reads them, normalized (list markers off), none empty."""
    keys = (_key(line) for paragraph in body.split("\n\n") for line in paragraph.split("\n"))
    return [key for key in keys if key]


def line_units(body: str, units: Sequence[Unit]) -> bytes:
    """For every line of ``body``: the fingerprint of its text and the fingerprint of the page's block
    whose text it is (0: none, e.g. a body from the page's data), packed (16 bytes a line). Stored with
    the emitted version, so that a revisit can tell whether the only lines that changed are lines whose
    block the site template has learned since (``core_lines``)."""
    lines = body_lines(body)
    bare = ["".join(line.split()) for line in lines]
    wanted = set(bare)
    sizes = {len(key) for key in wanted}  # a unit's ``chars`` is the length of its bare text
    block: dict[str, int] = {}
    for unit in units:  # a block's fingerprint wins over a link's with the same text (its path tells more)
        if not unit.sig or unit.chars not in sizes:
            continue
        text = "".join(unit.text.split())
        if text in wanted and (text not in block or not unit.link):
            block[text] = unit.sig
    packed = array("q")
    for line, key in zip(lines, bare, strict=True):
        packed.append(fingerprint(line))
        packed.append(block.get(key, 0))
    return packed.tobytes()


def core_lines(packed: bytes, view: TemplateView, page: int) -> list[int]:
    """The line fingerprints of a ``line_units`` body whose block is not template in ``view``: the
    article's own text as today's template sees it, whenever the lines were stored."""
    values = array("q")
    values.frombytes(packed[: len(packed) - len(packed) % 16])
    return [
        values[i]
        for i in range(0, len(values), 2)
        if not (values[i + 1] and view.is_template(values[i + 1], page))
    ]
