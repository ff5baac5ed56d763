"""Where the article is in a page: its headline, its container and the byline zone around the headline."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import cast
from urllib.parse import urlsplit

from lxml import etree
from lxml.etree import XPath
from lxml.html import HtmlElement

from newsmon.extract import xpaths
from newsmon.extract.text import count_words, normalize_space, text_of

logger = logging.getLogger(__name__)

HEADER_WORDS = 150  # a wrapper of the headline with more words than this is the article, not its header
BYLINE_WORDS = 15
STANDFIRST_WORDS = (4, 80)


_WITH_REL = "a[@rel]"  # ArticleScope.elements key: the page's links with a rel attribute (computed once)


def _is_rel_author(link: HtmlElement) -> bool:
    return xpaths.has_rel(link, "author")


def _is_rel_category(link: HtmlElement) -> bool:
    return xpaths.has_rel(link, "category")


def _is_rel_tag(link: HtmlElement) -> bool:
    return xpaths.has_rel(link, "tag") and not xpaths.has_rel(link, "category")


# Links to a section listing (WordPress /category/slug/, many CMSs /section/slug/) inside the article.
_SECTION_HREF = XPath(
    ".//a[contains(@href, '/category/') or contains(@href, '/section/') or contains(@href, '/rubric/')]"
)
_IN_BREADCRUMB = XPath(
    "boolean(ancestor::*[contains(translate(@class, 'BREADCUMS', 'breadcums'), 'breadcrumb') "
    "or contains(translate(@aria-label, 'BREADCUMS', 'breadcums'), 'breadcrumb')])"
)
_MAIN = XPath("//main|//@role[.='main']/..")  # //*[@role='main'] by the attribute axis: cheaper


def _breadcrumb_links(tree: HtmlElement) -> list[HtmlElement]:
    """Links of a breadcrumb trail anywhere in the page ("Home » Section » Headline"): the XPath
    ``//@class[contains(., 'readcrumb') or contains(., 'READCRUMB') or contains(., 'readCrumb')]/..//a[@href]
    | //@aria-label[contains(., 'readcrumb') or contains(., 'READCRUMB')]/..//a[@href]`` (a class or
    aria-label naming a breadcrumb in any case people write it) by one walk in C with the attributes tested
    in Python, a third cheaper. The trails' links in document order, each once: a trail inside another adds
    none, a later one follows."""
    found: list[HtmlElement] = []
    seen: set[HtmlElement] = set()
    for element in tree.getroottree().getroot().iter(etree.Element):
        css, label = element.get("class"), element.get("aria-label")
        if (css and ("readcrumb" in css or "READCRUMB" in css or "readCrumb" in css)) or (
            label and ("readcrumb" in label or "READCRUMB" in label)
        ):
            for link in element.iterdescendants("a"):
                if link not in seen and link.get("href") is not None:
                    seen.add(link)
                    found.append(link)
    return found


def _is_section_href(href: str | None) -> bool:
    """A link to a listing: not the home page, not a dated article path."""
    path = urlsplit(href or "").path.strip("/")
    return bool(path) and not path[:4].isdigit()


def _words(element: HtmlElement, limit: int | None = None) -> int:
    """Words of the element's text (``count_words``: a Chinese paragraph is many words, not one); with a
    ``limit``, counted up to limit + 1 only (every caller compares with a bound)."""
    return count_words(text_of(element), limit)


@dataclass
class ArticleScope:
    """The headline (first <h1> of the article), the element holding the article and its header zone."""

    tree: HtmlElement
    h1: HtmlElement | None = None
    root: HtmlElement | None = None  # the <article> of the headline, else <main>, else the body
    header: list[HtmlElement] = field(default_factory=list)  # the byline zone around the headline
    articles: int = 0  # <article> elements in the page
    h1_text: str | None = None
    title_text: str | None = None
    # the page's links, <meta>s, menus...: one walk, shared by the extractors (xpaths.page_elements)
    elements: xpaths.PageElements = field(default_factory=dict)
    _blocks: list[HtmlElement] | None = field(default=None, init=False, repr=False, compare=False)

    def _headline_wrappers(self) -> list[HtmlElement]:
        """``_headline_blocks`` of the headline, found once: the standfirst and the described lead both start
        from them, and each wrapper's whole text is read to find them."""
        if self._blocks is None:
            self._blocks = list(_headline_blocks(self.h1)) if self.h1 is not None else []
        return list(self._blocks)

    def _roots(self) -> list[HtmlElement]:
        return [*self.header, *([self.root] if self.root is not None else [])]

    def _in_zone(self, expr: xpaths.Selector) -> Iterator[HtmlElement]:
        seen: set[HtmlElement] = set()
        for zone in self._roots():
            for element in xpaths.select(expr, zone):
                if element not in seen:
                    seen.add(element)
                    yield element

    def _rel_links(self, test: Callable[[HtmlElement], bool]) -> list[HtmlElement]:
        """The page's links with a rel attribute that passes ``test`` (the links with one are listed once)."""
        with_rel = self.elements.get(_WITH_REL)
        if with_rel is None:
            with_rel = self.elements[_WITH_REL] = [a for a in self.elements["a"] if a.get("rel") is not None]
        return [a for a in with_rel if test(a)]

    def _rel_in_zone(self, test: Callable[[HtmlElement], bool]) -> list[HtmlElement]:
        """``_in_zone(.//a[rel test])`` from the page's links that have a rel attribute at all (a few): each
        is placed in the zones by its ancestors, instead of walking every zone's links."""
        rel = self._rel_links(test)
        if not rel:
            return []
        found: list[HtmlElement] = []
        seen: set[HtmlElement] = set()
        for zone in self._roots():
            for link in rel:
                if link not in seen and any(ancestor is zone for ancestor in link.iterancestors()):
                    seen.add(link)
                    found.append(link)
        return found

    def rel_authors(self) -> list[HtmlElement]:
        """rel=author links of the article (the page's when the article has none)."""
        return self._rel_in_zone(_is_rel_author)

    def bylines(self) -> list[HtmlElement]:
        """Short byline-like elements (class byline/author, itemprop=author) of the article."""
        return [
            el for el in self._in_zone(xpaths.BYLINE_HINTS) if 0 < _words(el, BYLINE_WORDS) <= BYLINE_WORDS
        ]

    def category_links(self) -> list[str]:
        """Texts of rel="category" links of the article, else of the page, else of the article's links to a
        section listing (the category label themes print above the headline)."""
        links = self._rel_in_zone(_is_rel_category) or self._rel_links(_is_rel_category)
        if not links:
            links = [
                a
                for a in self._in_zone(_SECTION_HREF)
                if xpaths.test(_IN_BREADCRUMB, a) or not xpaths.test(xpaths.IN_NAVIGATION, a)
            ]
        if not links:  # the trail's deepest link that is neither the home page nor this page
            trail = [a for a in _breadcrumb_links(self.tree) if _is_section_href(a.get("href"))]
            links = trail[-1:]
        return [normalize_space(text_of(a)) for a in links]

    def tag_links(self) -> list[str]:
        """Texts of rel=tag links (not categories) of the article, else of the page outside nav/aside."""
        links = self._rel_in_zone(_is_rel_tag)
        if not links:
            links = [a for a in self._rel_links(_is_rel_tag) if not xpaths.test(xpaths.OUTSIDE_MAIN, a)]
        return [normalize_space(text_of(a)) for a in links]

    def times(self) -> list[HtmlElement]:
        """<time> elements of the header zone, then of the article."""
        return list(self._in_zone(_times))

    def date_texts(self) -> Iterator[tuple[str, HtmlElement | None]]:
        """Short texts that may be the visible date, with the element holding them: the header zone's text
        nodes, then date-hinted elements."""
        for zone in self.header:
            for text in xpaths.select_text(xpaths.TEXT_NODES, zone):
                if len(text) < 80:
                    yield str(text), text.getparent()
        if self.root is not None:
            for element in xpaths.select(xpaths.DATE_HINTS, self.root):
                content = text_of(element)
                if len(content) < 80:
                    yield content, element

    def standfirst(self) -> str | None:
        """The dek right after the headline, found by the CMS's naming or by its position:

        - an element classed subtitle/standfirst/lead/dek/chapo/vorspann/perex... (xpaths.SUBTITLE_CLASS, many
          languages) among the next blocks or their inner wrappers;
        - the paragraph following the headline inside its header;
        - a short block right after the headline (or the header holding it) that is set apart from the
          body: the body's paragraphs are not its siblings, or it opens the body container styled unlike
          the paragraphs after it (a lead in the site's own words: "bevezeto", "opener", "spot").

        Page builders wrap the headline in blocks that hold nothing else (tagDiv: div.tdb_title >
        div.tdb-block-inner > h1 beside empty divs) and put the dek in the next block: each of those wrappers
        is tried, innermost first. A plain paragraph among the body's paragraphs never is a dek."""
        if self.h1 is None:
            return None
        in_header = any(el.tag == "header" or "header" in (el.get("class") or "") for el in self.header)
        anchors = self._headline_wrappers()
        if len(self.header) == 1 and self.header[0] not in anchors and self.header[0] is not self.root:
            anchors.append(self.header[0])  # header.entry-header > h1 + meta; the excerpt follows it
        for anchor in anchors:
            position, after_byline = 0, False
            for seen, sibling in enumerate(_next_elements(anchor)):
                if seen >= 3:
                    break
                if not _words(sibling, 0):
                    position += 1  # an image, an empty block: what follows it is no longer right after
                    continue
                if position == 0 and not after_byline and _short_byline(sibling):
                    after_byline = True  # the byline between the headline and the lead: not counted
                    continue
                found = _dek_of(sibling, position, in_header and anchor is not self.header[0], after_byline)
                position += 1
                if found:
                    return found
        return None

    def described_lead(self, description: str | None) -> str | None:
        """The block near the headline whose text is the page's meta description: the site's own lead,
        whatever its class and whatever sits between it and the headline (a byline, a picture). A plain
        paragraph among the body's paragraphs never is, nor a block the description was cut from (CMSs
        describe a page by its first paragraph, cut: an excerpt of the body, not a lead)."""
        wanted = fold_title(description or "")
        if self.h1 is None or len(wanted) < LEAD_MATCH_CHARS:
            return None
        anchors = self._headline_wrappers()
        if self.header and self.header[0] not in anchors and self.header[0] is not self.root:
            anchors.append(self.header[0])
        opening = normalize_space(description).split(" ")[0][:LEAD_OPENING_CHARS]
        for anchor in anchors:
            # the text nodes opening as the description does, in the blocks after the anchor (found in C)
            texts = _OPENING_TEXTS(anchor, n=LEAD_SIBLINGS, opening=opening)
            for text in cast("list[etree._ElementUnicodeResult]", texts):
                element = cast("HtmlElement | None", text.getparent())
                if element is not None and text.is_tail:
                    element = element.getparent()
                if element is None:
                    continue
                for _ in range(3):  # the text's element and the blocks around it: the lead is one of them
                    if element is None or element is anchor.getparent():
                        break
                    if next(islice(element.iter(), LEAD_ELEMENTS, None), None) is not None:
                        break  # a container of many elements: no lead (its text is not read)
                    if fold_title(text_of(element)) == wanted:
                        if _among_paragraphs(element) or _among_paragraphs(element.getparent()):
                            break  # one of the body's paragraphs (<p><strong>...</strong></p> too)
                        return _dek_text(element)
                    element = element.getparent()
        return None

    def canonical_hrefs(self) -> list[str]:
        """hrefs of <link rel=canonical>, as written."""
        return [
            link.get("href", "")
            for link in self.elements["link"]  # //link[@rel][@href]
            if link.get("href") is not None and "canonical" in (link.get("rel") or "").lower().split()
        ]


_BLOCK_LEVELS = 4  # wrappers climbed around a headline
LEAD_MATCH_CHARS = 20  # letters and digits a lead must share with the meta description
LEAD_SIBLINGS = 6  # blocks after the headline (or its header) looked at for the described lead
LEAD_OPENING_CHARS = 8  # the description's first characters, looked for at the start of text nodes
LEAD_DEPTH = 3  # a lead is a block after the headline, or inside one two levels down at most
# Text nodes (and tails) of those blocks opening as the description does; never deeper (the body's
# container after the headline is not walked: a text three levels down in it is no lead).
_OPENING_TEXTS = XPath(
    " | ".join(
        f"following-sibling::*[position() <= $n]{'/*' * depth}/text()"
        "[starts-with(normalize-space(.), $opening)]"
        for depth in range(LEAD_DEPTH)
    )
)
LEAD_ELEMENTS = 12  # elements of a block (itself included) that may be a lead: a few inline tags at most


def _among_paragraphs(element: HtmlElement | None) -> bool:
    """A <p> with two or more sibling <p> of its own class, or followed by a <p> of text: one of the
    body's paragraphs (its first, when the site classes that one apart)."""
    if element is None or element.tag != "p":
        return False
    parent = element.getparent()
    if parent is None:
        return False
    following = next((el for el in element.itersiblings() if isinstance(el.tag, str)), None)
    if following is not None and following.tag == "p" and text_of(following).strip():
        return True
    css = element.get("class")
    return sum(1 for p in parent.iterchildren("p") if p is not element and p.get("class") == css) >= 2


_CONTAINERS = frozenset({"header", "article", "main", "body", "html", "section"})


_SENTENCE_END = (".", "!", "?", "…", "»", "”", '"')
_BODY_TAGS = frozenset({"p", "div"})


_NOT_DEKS = frozenset({"figure", "figcaption", "img", "picture", "ul", "ol", "nav", "a", "time"})


def _dek_text(element: HtmlElement) -> str | None:
    """The element's text when it reads as a dek: 4-80 words, no date, no byline, no picture or caption,
    not mostly links (a breadcrumb, a list of teasers)."""
    if element.tag in _NOT_DEKS or _has(element, "img") or _has(element, "figure"):
        return None
    words = _words(element, STANDFIRST_WORDS[1])
    text = normalize_space(text_of(element))
    linked = sum(len(normalize_space(text_of(a))) for a in element.iter("a"))
    if linked * 2 > len(text):
        return None
    if (
        STANDFIRST_WORDS[0] <= words <= STANDFIRST_WORDS[1]
        and not _has(element, "time")
        and not text.lower().startswith("by ")
        and not _has(element, "p", 2)
    ):
        return text
    return None


def _style(element: HtmlElement) -> tuple[str, str]:
    return element.tag, (element.get("class") or "").strip()


def _set_apart(element: HtmlElement) -> bool:
    """A block the body's paragraphs are not siblings of, or one styled unlike the paragraphs after it."""
    after = [el for el in _next_elements(element) if el.tag in _BODY_TAGS and _words(el, 0)]
    paragraphs = [el for el in after if el.tag == "p"]
    if not paragraphs:  # the body is in a container after it: at least two paragraphs there
        return sum(1 for el in after for p in el.iter("p") if _words(p, 0)) >= 2
    return all(_style(el) != _style(element) for el in paragraphs[:3]) and len(paragraphs) >= 2


def _short_byline(element: HtmlElement) -> bool:
    """A byline or date block of a few words (no lead inside)."""
    return (
        _words(element, BYLINE_WORDS) <= BYLINE_WORDS
        and (_is_byline_block(element) or _has(element, "time"))
        and not any(xpaths.SUBTITLE_CLASS(el) for el in _top_elements(element))
    )


def _dek_of(
    sibling: HtmlElement, position: int, plain_in_header: bool, after_byline: bool = False
) -> str | None:
    """The dek ``sibling`` is or opens (see ArticleScope.standfirst), else None. After a byline only a
    named or wholly bold block is taken (below a byline, an unstyled block is the body or a caption)."""
    for element in _top_elements(sibling):
        if xpaths.SUBTITLE_CLASS(element):
            return _dek_text(element)
    opener = _opener(sibling)
    if opener is not None:
        return opener
    if after_byline:
        inner = next((child for child in sibling if isinstance(child.tag, str)), None)
        bold = _bold(sibling) or (inner is not None and len(sibling) == 1 and _bold(inner))
        text = _dek_text(sibling) if bold and position == 0 and _set_apart(sibling) else None
        return text if text and text.endswith(_SENTENCE_END) else None
    if position != 0:
        return None
    if plain_in_header and sibling.tag in ("p", "h2", "div") and not _is_byline_block(sibling):
        return _dek_text(sibling)
    if sibling.tag == "h2":  # a second headline that reads as a sentence
        text = _dek_text(sibling)
        return text if text and text.endswith(_SENTENCE_END) and count_words(text) >= 6 else None
    if (
        sibling.tag in ("p", "div")
        and not _has(sibling, "br")
        and _set_apart(sibling)
        and not _is_byline_block(sibling)
    ):
        text = _dek_text(sibling)
        if text and text.endswith(_SENTENCE_END):
            return text
    return None


def _bold(element: HtmlElement) -> bool:
    """A paragraph whose whole text is bold (<p><strong>lead</strong></p>)."""
    strong = [child for child in element if child.tag in ("strong", "b")]
    return len(strong) == 1 and normalize_space(text_of(strong[0])) == normalize_space(text_of(element))


def _opener(container: HtmlElement) -> str | None:
    """The first block of a body container when it is a lead set apart from the paragraphs after it: another
    element than theirs (a div, a heading), a sentence, 4-80 words."""
    if container.tag not in ("div", "section"):
        return None
    first = next(_next_elements_of(container), None)
    if first is None or first.tag not in ("div", "h2", "h3"):
        return None  # a paragraph, even a bold one, opening the text is the body's first
    paragraphs = [
        p
        for sibling in _next_elements(first)
        for p in ([sibling] if sibling.tag == "p" else sibling.iterdescendants("p"))
        if _words(p, 0)
    ][:5]
    if len(paragraphs) < 2 or any(_style(el) == _style(first) for el in paragraphs[:3]):
        return None
    text = _dek_text(first)
    return text if text and text.endswith(_SENTENCE_END) else None


def _next_elements_of(element: HtmlElement) -> Iterator[HtmlElement]:
    return (child for child in element if isinstance(child.tag, str))


def _is_byline_block(element: HtmlElement) -> bool:
    return any(True for _ in xpaths.BYLINE_HINTS(element)) or xpaths.BYLINE_SELF(element)


def _headline_blocks(h1: HtmlElement) -> Iterator[HtmlElement]:
    """The headline, then each wrapper around it that holds no other text, innermost first."""
    text = normalize_space(text_of(h1))
    element: HtmlElement = h1
    yield element
    for _ in range(_BLOCK_LEVELS):
        parent = element.getparent()
        if parent is None or parent.tag in _CONTAINERS or normalize_space(text_of(parent)) != text:
            return
        yield parent
        element = parent


def _next_elements(element: HtmlElement) -> Iterator[HtmlElement]:
    return (sibling for sibling in element.itersiblings() if isinstance(sibling.tag, str))


def _top_elements(element: HtmlElement) -> Iterator[HtmlElement]:
    """The element and its descendants two levels down (a dek block's own inner wrappers)."""
    yield element
    for child in element:
        if isinstance(child.tag, str):
            yield child
            yield from (grand for grand in child if isinstance(grand.tag, str))


def _header_zone(h1: HtmlElement, root: HtmlElement | None) -> list[HtmlElement]:
    """The wrapper of the headline with its byline (e.g. header.entry-header), else its near siblings."""
    best = None
    element = h1
    for _ in range(3):
        parent = element.getparent()
        if (
            parent is None
            or parent is root
            or parent.tag in ("body", "html")
            or _words(parent, HEADER_WORDS) > HEADER_WORDS
        ):
            break
        element = best = parent
    if best is not None and normalize_space(text_of(best)) != normalize_space(text_of(h1)):
        return [best]
    anchor = best if best is not None else h1  # a wrapper of the headline alone: its siblings are the zone
    zone = [anchor, *list(anchor.itersiblings(preceding=True))[:3]]
    for position, sibling in enumerate(anchor.itersiblings()):
        if position >= 6 or (sibling.tag == "p" and _words(sibling, HEADER_WORDS // 5) > HEADER_WORDS // 5):
            break
        zone.append(sibling)
    return zone


TITLE_SHARE = 0.35  # a heading naming at least this share of the page's title may be its headline
HEADLINE_SHARE = 0.5  # an <h1> naming this share of the title is the headline, whatever else the page has
_FOLD = re.compile(r"[\W_]+")
_LOGO = re.compile(r"logo|brand|site-?(?:name|title)", re.IGNORECASE)


def fold_title(text: str) -> str:
    """The letters and digits of a title or heading, case folded: how two spellings of one headline (or a
    headline and a run of a <title>) are compared."""
    return _FOLD.sub("", text.casefold())


def _logo_like(h1: HtmlElement) -> bool:
    """An <h1> holding the site's logo: a link to the home page, an image, a logo class."""
    if _LOGO.search(f"{h1.get('class') or ''} {h1.get('id') or ''}") or _has(h1, "img"):
        return True
    return any((a.get("href") or "").strip() in ("/", "./", "") for a in h1.iter("a"))


def _titled_heading(
    tree: HtmlElement,
    h1: HtmlElement | None,
    headings: list[HtmlElement],
    title: HtmlElement | None,
    metas: list[HtmlElement],
) -> HtmlElement | None:
    """The page's headline: the chosen <h1>, unless it names little of the page's <title> or og:title and
    another <h1>/<h2> names it better while the <h1> is a logo (or the site's name the title ends or starts
    with, much shorter than that heading), or there is no <h1>. DedeCMS and many Chinese and Japanese CMSs
    print the logo in an <h1> and the story's headline in an <h2>. ``metas``: the page's <meta>s (those
    of its <head> are read)."""
    titles = [fold_title(text_of(title))] if title is not None else []
    head = tree.find("head")
    if head is not None:
        og = (
            m for m in metas if m.get("property") == "og:title"
        )  # one get each: a walk of the head costs more
        in_head = [m for m in og if any(a is head for a in m.iterancestors())]
        titles += [fold_title(m.get("content") or "") for m in in_head]
    titles = [t for t in titles if t]
    if not titles:
        return h1
    shares: dict[HtmlElement, float] = {}

    def share(heading: HtmlElement) -> float:
        if heading not in shares:
            text = fold_title(text_of(heading))
            shares[heading] = max(
                (len(text) / len(t) for t in titles if len(text) >= 4 and text in t), default=0.0
            )
        return shares[heading]

    own = share(h1) if h1 is not None else 0.0
    if own >= HEADLINE_SHARE:
        return h1  # the <h1> is most of the title: the headline (most pages stop here)
    best = max((h for h in headings if h is not h1), key=share, default=None)
    if best is None or share(best) < TITLE_SHARE or share(best) <= own:
        return h1
    if h1 is None or _logo_like(h1):
        return best
    text, other = fold_title(text_of(h1)), fold_title(text_of(best))
    affix = any(t.endswith(text) or t.startswith(text) for t in titles)  # the site's name in the title
    return best if text and affix and 2 * len(text) <= len(other) else h1


def _times(zone: HtmlElement) -> list[HtmlElement]:
    """``.//time`` (xpaths.TIMES) by lxml's walk in C: the XPath's evaluation costs more to set up."""
    return list(zone.iterdescendants("time"))


def _has(element: HtmlElement, tag: str, count: int = 1) -> bool:
    """``element`` holds ``count`` ``tag`` elements or more (``len(element.findall(f".//{tag}")) >= count``,
    by lxml's walk in C instead of ElementPath's Python steps)."""
    return next(islice(element.iterdescendants(tag), count - 1, None), None) is not None


def _article_of(element: HtmlElement) -> HtmlElement | None:
    """The nearest <article> around ``element`` (``ancestor::article[1]``, by a walk up in C: no XPath
    evaluation to set up, which costs more than the few steps)."""
    article: HtmlElement | None = next(element.iterancestors("article"), None)
    return article


def _in_main(element: HtmlElement) -> bool:
    """Inside a <main> or a role=main element (``ancestor::main|ancestor::*[@role='main']``)."""
    return any(a.tag == "main" or a.get("role") == "main" for a in element.iterancestors())


def find_scope(tree: HtmlElement) -> ArticleScope:
    """Locate the headline, the article around it and its header zone."""
    # <article>s, <h1>s and <title>s from the walk the other extractors share (three XPaths walked the page
    # three times)
    found = xpaths.page_elements(tree)
    articles = found["article"]
    h1s = [h for h in found["h1"] if normalize_space(text_of(h))]
    h1 = next((h for h in h1s if _article_of(h) is not None), None)
    if h1 is None:
        h1 = next((h for h in h1s if _in_main(h)), None)
    if h1 is None and h1s:
        h1 = h1s[0]
    titles = [t for t in found["title"] if xpaths.is_page_title(t)]
    h1 = _titled_heading(tree, h1, [*h1s, *found["h2"]], titles[0] if titles else None, found["meta"])
    root: HtmlElement | None = None
    if h1 is not None:
        root = _article_of(h1)
    if root is None and len(articles) == 1:
        root = articles[0]
    if root is None:
        mains = xpaths.select(_MAIN, tree)
        root = mains[0] if mains else xpaths.page_body(tree)
    return ArticleScope(
        tree=tree,
        h1=h1,
        root=root,
        header=_header_zone(h1, root) if h1 is not None else [],
        articles=len(articles),
        h1_text=normalize_space(text_of(h1)) if h1 is not None else None,
        title_text=normalize_space(text_of(titles[0])) if titles else None,
        elements=found,
    )
