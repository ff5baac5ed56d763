"""Words of article text in the article container, and the guard that keeps boilerplate out of ``body``.

A JavaScript shell has an empty article container in its static HTML (a script fills it from a JSON blob),
while a correction box, a newsletter sign-up and a consent banner around it still hold text: an extractor
that finds no article hands back that text. The measures are structural (no word lists):

- *skipped* subtrees are not article text: the headline and its wrapper, hidden subtrees, boilerplate
  containers, related-link blocks and widgets (the small box around a form control: sign-up, consent,
  poll, search); nor are link lists (a block with most of its words in links);
- the article container is *scoped* when it is the headline's own <article> or <main> and the page's only
  <article>: text outside it is not the article's. Elsewhere (no such container, or a page of article
  cards) the container ``find_scope`` picks cannot be trusted either way;
- ``article_words``: in a scoped container, its words outside links and skipped subtrees; otherwise the
  words of the extracted body that are article text (its lines located in the page outside skipped
  subtrees and link lists), or simply the body's words when it has SURE_WORDS or more;
- the page's other text is not article text either, however long it is: the headline, standfirst and
  summary (the page's own metadata values), captions (``figure``), dates (``time``), ``header``/``footer``/
  ``address`` boxes, and teasers (items of a list, or cards, that link to other pages): a script-built
  page whose container is empty is surrounded by exactly these (a word count is not evidence);
- the guard: when ``article_words`` is thin, the body must hold enough article text (inside the container
  when it is scoped), else it is boilerplate and left empty (the page is escalated or dropped, never
  emitted with it). A body from JSON-LD articleBody is the page's own statement and is not guarded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from lxml import etree
from lxml.html import HtmlElement

from newsmon.extract.scope import ArticleScope
from newsmon.extract.text import count_words, normalize_space, visible_text_blocks

FORM_CONTROLS = ("input", "button", "select", "textarea")
WIDGET_WORDS = 60  # a box around a form control with at most this many words is a widget, not text
WIDGET_LEVELS = 3  # ancestors of a form control tried as its widget box
ITEM_WORDS = 15  # an item this long, one of several alike each with a control, is a post, not a widget
LINK_SHARE = 0.5  # a block with more of its words in links than this is a link list, not article text
THIN_WORDS = 50  # fewer article words than this: the guard looks at where the body came from
GUARD_MIN_WORDS = 25  # a thin page's body needs this many words of article text (body.MIN_WORDS)
# Without a scoped container, a body this long is taken as article text without looking where each of its
# lines is in the page (the boilerplate an extractor hands back on an empty page is a few short boxes).
SURE_WORDS = 150
_TEXT_BLOCKS = frozenset({"p", "div", "span", "h2", "h3", "h4", "h5", "h6", "strong", "em", "blockquote"})
LOCATE_LINES = 50  # body lines looked for inside longer page lines (reflowed text), at most
_CONTAINER_TAGS = frozenset({"article", "main", "body", "html"})
# Elements whose text is about the article, never its text: captions, dates, bylines' boxes, the header.
PAGE_FURNITURE = frozenset({"figure", "figcaption", "time", "address", "header", "footer"})
LEAD_SIBLING_WORDS = 8  # a paragraph beside a known text with this many words makes it article text
TEASER_ITEMS = 2  # a list (or a row of cards) with this many items linking elsewhere is a list of teasers


def _repeated_item(element: HtmlElement) -> bool:
    """One of several items of one kind (same tag and class) under its parent, each with a form control."""
    parent = element.getparent()
    if parent is None:
        return False
    kind = (element.tag, element.get("class"))
    alike = [
        sibling
        for sibling in parent
        if (sibling.tag, sibling.get("class")) == kind
        and next(sibling.iter(*FORM_CONTROLS), None) is not None
    ]
    return len(alike) >= 2


def widget_boxes(root: HtmlElement) -> set[HtmlElement]:
    """The small boxes built around form controls: for each visible control, its largest ancestor (up to
    WIDGET_LEVELS up, never an article/main/body nor the headline's) with at most WIDGET_WORDS words, and
    below any item of text (ITEM_WORDS or more) that has siblings of its kind with controls too: the posts
    of a live blog, each with its own share button, are the story, not widgets."""
    boxes: set[HtmlElement] = set()
    for control in root.iter(*FORM_CONTROLS):
        if control.tag == "input" and (control.get("type") or "").lower() == "hidden":
            continue
        box = None
        for level, ancestor in enumerate(control.iterancestors()):
            if level >= WIDGET_LEVELS or ancestor in boxes or ancestor.tag in _CONTAINER_TAGS:
                break
            words = count_words(ancestor.text_content())
            if ancestor.find(".//h1") is not None or words > WIDGET_WORDS:
                break
            if words >= ITEM_WORDS and _repeated_item(ancestor):
                break  # one post of a feed (a live blog's, each with its share button): text, not a widget
            box = ancestor
        if box is not None:
            boxes.add(box)
    return boxes


# A link to another page: not a fragment of this one (a live blog post's permalink, a footnote) nor a script.
_LINKS_ELSEWHERE = etree.XPath(
    "boolean(.//a[@href][not(starts-with(normalize-space(@href), '#'))]"
    "[not(starts-with(translate(normalize-space(@href), 'JAVSCRIPT', 'javscript'), 'javascript:'))])"
)


def furniture(root: HtmlElement, known: set[str], keep: HtmlElement | None = None) -> set[HtmlElement]:
    """The subtrees of ``root`` that are about the article, not its text: PAGE_FURNITURE elements, teaser
    items (list items or cards linking to other pages, TEASER_ITEMS or more under one parent: a live blog's
    posts, each with a permalink to itself, are not teasers), and text blocks
    whose whole text is one of ``known`` (the page's title, standfirst, description). ``keep`` (the article
    container) and its ancestors are never furniture."""
    keep_chain = {keep, *keep.iterancestors()} if keep is not None else set()
    linked_items: dict[HtmlElement, int] = {}

    def teaser(element: HtmlElement) -> bool:
        if element.tag not in ("li", "article") or not _LINKS_ELSEWHERE(element):
            return False
        parent = element.getparent()
        if parent is None:
            return False
        if parent not in linked_items:
            linked_items[parent] = sum(
                1 for item in parent if item.tag == element.tag and _LINKS_ELSEWHERE(item)
            )
        return linked_items[parent] >= TEASER_ITEMS

    longest = max((len(text) for text in known), default=0)
    found: set[HtmlElement] = set()
    walker = etree.iterwalk(root, events=("start",))
    for _, element in walker:
        if not isinstance(element.tag, str) or element in keep_chain:
            continue
        if element.tag in PAGE_FURNITURE or teaser(element) or _is_known(element, known, longest):
            found.add(element)
            walker.skip_subtree()
    return found


def _is_known(element: HtmlElement, known: set[str], longest: int) -> bool:
    """``element``'s text is the page's title, standfirst or description, and it is not one paragraph among
    the article's own (a lead paragraph that the site also uses as its description stays article text)."""
    if not known or element.tag not in _TEXT_BLOCKS:
        return False
    text = element.text_content()
    if len(text) > 2 * longest + 40 or normalize_space(text) not in known:
        return False
    parent = element.getparent()
    return parent is None or not any(
        sibling is not element
        and sibling.tag == "p"
        and count_words(sibling_text := normalize_space(sibling.text_content())) >= LEAD_SIBLING_WORDS
        and sibling_text not in known
        for sibling in parent
    )


def scoped_container(root: HtmlElement | None, h1: HtmlElement | None, articles: int) -> bool:
    """``root`` is the headline's own <article> or <main>, and the page has no other <article>."""
    if root is None or h1 is None or root.tag not in ("article", "main") or articles > 1:
        return False
    return any(ancestor is root for ancestor in h1.iterancestors())


def container_words(root: HtmlElement | None, skip: Iterable[HtmlElement]) -> int:
    """Words of ``root``'s text outside links and outside the subtrees of ``skip`` (tails count: the text
    after a skipped element belongs to its parent)."""
    if root is None:
        return 0
    skipped = skip if isinstance(skip, set | frozenset) else set(skip)
    pieces: list[str] = []
    add = pieces.append
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        if event == "start":
            if element in skipped or not isinstance(element.tag, str) or element.tag == "a":
                walker.skip_subtree()
            elif element.text:
                add(element.text)
        elif element is not root and element.tail:
            add(element.tail)
    return count_words(" ".join(pieces))


def _link_list(element: HtmlElement) -> bool:
    words = count_words(element.text_content())
    links = sum(count_words(a.text_content()) for a in element.iter("a"))
    return words > 0 and links > LINK_SHARE * words


class PageLines:
    """The page's visible lines with the block element around each (``visible_text_blocks``), to find where
    a line of extracted text comes from."""

    def __init__(self, lines: Sequence[str], owners: Sequence[HtmlElement | None]) -> None:
        self.lines = lines
        self.owner: dict[str, HtmlElement | None] = {}
        for line, owner in zip(lines, owners, strict=True):
            self.owner.setdefault(line, owner)

    def locate(self, line: str, *, search: bool) -> HtmlElement | None:
        """The block of ``line``; with ``search``, of the shortest page line holding it (reflowed text)."""
        if line in self.owner:
            return self.owner[line]
        if not search:
            return None
        holders = [page_line for page_line in self.lines if line in page_line]
        return self.owner[min(holders, key=len)] if holders else None


def article_text(
    body: str, page: PageLines, skip: set[HtmlElement], scope_root: HtmlElement | None = None
) -> str:
    """``body`` without its lines that are not article text: lines found in the page under a ``skip``
    subtree or in a link list (or outside ``scope_root`` when given). A line not found (reflowed, or from
    JSON-LD) stays: it cannot be shown to be boilerplate."""
    paragraphs = [[normalize_space(line) for line in block.splitlines()] for block in body.split("\n\n")]
    search = sum(len(lines) for lines in paragraphs) <= LOCATE_LINES
    kept: list[str] = []
    for lines in paragraphs:
        article_lines = [
            line for line in lines if line and _is_article_line(line, page, skip, scope_root, search)
        ]
        if article_lines:
            kept.append("\n".join(article_lines))
    return "\n\n".join(kept)


def _is_article_line(
    line: str, page: PageLines, skip: set[HtmlElement], scope_root: HtmlElement | None, search: bool
) -> bool:
    element = page.locate(line, search=search)
    if element is None:
        return True
    ancestors = {element, *element.iterancestors()}
    if not ancestors.isdisjoint(skip) or _link_list(element):
        return False
    return scope_root is None or scope_root in ancestors


class Guarded(NamedTuple):
    """What the guard decided: the body to keep, the page's article words, why the body was emptied."""

    body: str
    article_words: int
    rejected: str | None


def guard_body(
    tree: HtmlElement,
    scope: ArticleScope,
    body: str,
    source: str,
    *,
    hidden: set[HtmlElement],
    skip: set[HtmlElement],
    known: Iterable[str] = (),
) -> Guarded:
    """The article words of the page and the body it may have (see the module docstring). On a thin page
    the body keeps only its article text and is emptied ("boilerplate") when that is under GUARD_MIN_WORDS;
    a body whose ``source`` is "jsonld" is kept whole. ``hidden``: what visible text leaves out; ``skip``:
    what the body extractor left out (hidden, boilerplate containers, related blocks) and the headline's
    wrapper (the headline, widgets and ``furniture`` are added here); ``known``: the page's title, standfirst
    and description, never article text. Where each line of the body is in the page (a walk
    over the page) is only looked up on a thin page."""
    headline = {scope.h1} if scope.h1 is not None else set()
    root = scope.root if scoped_container(scope.root, scope.h1, scope.articles) else None
    texts = {normalize_space(text) for text in known} - {""}
    if root is not None:
        skip = skip | widget_boxes(root) | headline
        words = container_words(root, skip)
        if words < SURE_WORDS:  # a container this full is an article whatever else it holds
            skip |= furniture(root, texts)
            words = container_words(root, skip)
        if words >= THIN_WORDS or not body or source == "jsonld":
            return Guarded(body, words, None)
    else:
        words = count_words(body)
        if words >= SURE_WORDS or not body or source == "jsonld":
            return Guarded(body, words, None)
        skip = skip | widget_boxes(tree) | headline | furniture(tree, texts, scope.root)
    text = article_text(body, PageLines(*visible_text_blocks(tree, hidden=hidden)), skip, root)
    if root is None:
        words = count_words(text)
    if count_words(text) < GUARD_MIN_WORDS:
        return Guarded("", words, "boilerplate")
    return Guarded(text, words, None)
