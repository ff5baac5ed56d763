"""Every XPath and selector vocabulary of the extractors, compiled once at import (like trafilatura's)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, cast

from lxml import etree
from lxml.etree import XPath
from lxml.html import HtmlElement

REGEXP_NS = {"re": "http://exslt.org/regular-expressions"}
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "abcdefghijklmnopqrstuvwxyz"


def lowercase(expr: str) -> str:
    """XPath 1.0 expression lowercasing ``expr`` (ASCII only, which is all markup tokens need)."""
    return f"translate({expr}, '{_UPPER}', '{_LOWER}')"


def has_token(attr: str, token: str) -> str:
    """XPath predicate: the space-separated attribute ``attr`` contains ``token`` (case-insensitive)."""
    return f"contains(concat(' ', normalize-space({lowercase(attr)}), ' '), ' {token} ')"


def alternation(words: Iterable[str]) -> str:
    """A regular expression matching any of ``words``, the longest where several start at one place (as an
    alternation sorted longest first), as a prefix tree ("lo(?:gin|gon)"): Python's engine tries the
    branches of an alternation one by one at each place, of a tree only the one its next character starts,
    two to three times faster over link targets."""

    def tree(suffixes: list[str]) -> str:
        following: dict[str, list[str]] = {}
        for suffix in suffixes:
            if suffix:
                following.setdefault(suffix[0], []).append(suffix[1:])
        branches = [re.escape(first) + tree(rest) for first, rest in sorted(following.items())]
        if "" in suffixes:  # a word ends here: the longer ones are tried first (greedy)
            return f"(?:{'|'.join(branches)})?" if branches else ""
        return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"

    found = sorted(set(words))
    return f"(?:{tree(found)})" if found else "(?!)"


# An XPath, or a Python function standing in for one where lxml would be slow (see ClassHints).
Selector = Callable[[etree._Element], Any]


def select(expr: Selector, node: etree._Element) -> list[HtmlElement]:
    """Elements selected by ``expr`` from ``node`` (typed wrapper: lxml's stubs return a union)."""
    return cast("list[HtmlElement]", expr(node))


def select_text(expr: XPath, node: etree._Element) -> list[etree._ElementUnicodeResult]:
    """Text nodes or attribute values selected by ``expr`` (lxml "smart" strings: they know their parent)."""
    return cast("list[etree._ElementUnicodeResult]", expr(node))


def test(expr: XPath, node: etree._Element) -> bool:
    """Boolean value of ``expr`` evaluated at ``node``."""
    return bool(expr(node))


# --- structure ------------------------------------------------------------------------------------
HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def is_page_title(title: etree._Element) -> bool:
    """A <title> that titles the page (``//head/title|//title[not(ancestor::svg)]``): in the <head>, or
    anywhere but inside an <svg>."""
    parent = title.getparent()
    return (parent is not None and parent.tag == "head") or next(title.iterancestors("svg"), None) is None


def page_title(tree: etree._Element) -> HtmlElement | None:
    """The page's first title (see is_page_title), by a walk that stops there (in the <head>, early)."""
    root = tree.getroottree().getroot()
    return next((cast("HtmlElement", t) for t in root.iter("title") if is_page_title(t)), None)


# The tags several extractors read from the whole page (links, <link>s, <meta>s, <base>, scripts, headings,
# paragraphs, the page structure and its menus): one walk in C gathers them all (page_elements); each
# extractor's own XPath or iter() walked the whole page again, ~0.15 ms a page each.
PAGE_TAGS = (
    "a", "link", "meta", "base", "script", "article", "title", "nav", "header", "footer", "p", *HEADING_TAGS,
    "style", "template", "noscript", "svg", "iframe", "object", "canvas", "input",  # HIDDEN_TAGS, inputs
    "table",  # layout tables (layout.layout_tables)
)  # fmt: skip
HEADINGS = "headings"  # the key of h1..h6 together, in document order
PageElements = dict[str, list[HtmlElement]]  # tag (or HEADINGS) -> the page's elements, in document order


def page_elements(tree: etree._Element) -> PageElements:
    """The document's elements of each of PAGE_TAGS (``//a``, ``//meta``, ...), and its headings (``//h1 |
    ... | //h6``) under HEADINGS, by one walk."""
    found: PageElements = {tag: [] for tag in (*PAGE_TAGS, HEADINGS)}
    headings = found[HEADINGS]
    for element in tree.getroottree().getroot().iter(*PAGE_TAGS):
        tag = element.tag
        found[tag].append(element)
        if tag[0] == "h" and tag in HEADING_TAGS:
            headings.append(element)
    return found


_REL_CASE = str.maketrans(_UPPER + "\t\n\r", _LOWER + "   ")


def has_rel(element: etree._Element, token: str) -> bool:
    """``element``'s rel attribute holds ``token`` (lowercase), as ``has_token('@rel', token)`` tests it in an
    XPath (ASCII case folded, tokens separated by XML whitespace), without an XPath evaluation."""
    rel = element.get("rel")
    return rel is not None and token in rel.translate(_REL_CASE).split(" ")


def page_body(tree: etree._Element) -> HtmlElement | None:
    """The page's first <body> (``/html/body|//body``), by a walk that stops there."""
    return cast("HtmlElement | None", next(tree.getroottree().getroot().iter("body"), None))


# Subtrees that never render. Attribute-based candidates are confirmed in Python (values matter).
HIDDEN_TAGS = ("script", "style", "template", "noscript", "svg", "iframe", "object", "canvas")
# //*[@hidden or @aria-hidden or @style] by the attribute axis: the same elements, a quarter cheaper
HIDDEN_ATTRIBUTES = XPath("//@hidden/..|//@aria-hidden/..|//@style/..")
ALWAYS_HIDDEN_TAGS = frozenset({*HIDDEN_TAGS, "head"})


def hidden_candidates(tree: etree._Element, elements: PageElements | None = None) -> list[HtmlElement]:
    """Elements that may not render: the never-rendered tags and the inputs (one walk in C, or the page's
    from ``elements`` for the whole page; an input without a type is a candidate too, is_hidden tells), then
    those with a hidden, aria-hidden or style attribute (one XPath instead of twelve unioned paths)."""
    root = tree.getroottree().getroot()
    walked: list[etree._Element]
    if tree is root and elements is not None:
        walked = [element for tag in (*HIDDEN_TAGS, "input") for element in elements[tag]]
    elif tree is root:
        walked = [*tree.iter(*HIDDEN_TAGS, "input")]
    else:  # the XPath's inputs are the whole page's, the tags the subtree's
        walked = [*tree.iter(*HIDDEN_TAGS), *root.iter("input")]
    return [*cast("list[HtmlElement]", walked), *select(HIDDEN_ATTRIBUTES, tree)]


# --- links ----------------------------------------------------------------------------------------
ANCHORS = XPath("//a[@href]")
_XML_SPACE = " \t\r\n"


def is_home_href(href: str) -> bool:
    """A link to a home page ("/", "./", "https://host/", "https://host"): the site's logo and its name.
    The test of the XPath ``@href='/' or @href='./' or (contains(@href, '://') and
    substring-after(substring-after(normalize-space(@href), '://'), '/') = '')``, on an href in hand (the
    page's links come from the shared walk: the XPath walked the page again)."""
    if href in ("/", "./"):
        return True
    if "://" not in href:
        return False
    rest = href.strip(_XML_SPACE).partition("://")[2]  # normalize-space: only the end matters after "/"
    slash = rest.find("/")
    return slash < 0 or slash == len(rest) - 1


LINK_ELEMENTS = XPath("//link[@rel][@href]")
REL_NEXT = XPath(f"//link[{has_token('@rel', 'next')}]/@href|//a[{has_token('@rel', 'next')}]/@href")
IN_NAVIGATION = XPath(
    "boolean(ancestor-or-self::nav|ancestor-or-self::*[@role='navigation' or @role='menu' "
    "or @role='menubar'])"
)

# --- metadata -------------------------------------------------------------------------------------
_ASCII_LOWER = str.maketrans(_UPPER, _LOWER)


def jsonld_scripts(tree: etree._Element, scripts: list[HtmlElement] | None = None) -> list[HtmlElement]:
    """``//script[contains(translate(@type, A-Z, a-z), 'ld+json')]``: the <script>s from a walk in C (or
    ``scripts``, the page's from ``page_elements``), the type tested in Python (translate() on every script
    cost the XPath more than the walk)."""
    return [
        cast("HtmlElement", script)
        for script in (scripts if scripts is not None else tree.getroottree().getroot().iter("script"))
        if "ld+json" in (script.get("type") or "").translate(_ASCII_LOWER)
    ]


META = XPath("//meta[@content]")
HTML_LANG = XPath("/html/@lang|/html/@xml:lang", namespaces={"xml": "http://www.w3.org/XML/1998/namespace"})
TIMES = XPath(".//time")


class ClassHints:
    """``.//*[re:test(@class, pattern, 'i') or @attr=value]`` as a Python loop: the descendants, in document
    order, whose class matches ``pattern`` or whose ``attr`` is ``value``. lxml runs an EXSLT regex as a
    Python callback per element; this is the same test without the XPath around it, several times faster."""

    def __init__(self, pattern: str, attr: str, value: str) -> None:
        self.regex = re.compile(pattern, re.IGNORECASE)
        self.attr, self.value = attr, value

    def __call__(self, node: etree._Element) -> list[HtmlElement]:
        search, attr, value = self.regex.search, self.attr, self.value
        return [
            cast("HtmlElement", element)
            for element in node.iterdescendants(etree.Element)
            if ((css := element.get("class")) and search(css)) or element.get(attr) == value
        ]


BYLINE_HINTS = ClassHints(
    r"(^|[\s_-])(byline|by-line|author|authors|author-name|posted-by|writer)([\s_-]|$)", "itemprop", "author"
)
DATE_HINTS = ClassHints(
    r"(^|[\s_-])(date|time|posted-on|published|pubdate|dateline|timestamp|meta)([\s_-]|$)",
    "itemprop",
    "datePublished",
)


class ClassTest:
    """``self::*[re:test(@class, pattern, 'i') or @attr=value]`` as a Python test of one element: the same
    regular expression (lxml's EXSLT re:test is Python's ``re`` with IGNORECASE) without an XPath evaluation
    and its Python callback."""

    def __init__(self, pattern: str, attr: str = "", value: str = "") -> None:
        self.search = re.compile(pattern, re.IGNORECASE).search
        self.attr, self.value = attr, value

    def __call__(self, element: etree._Element) -> bool:
        css = element.get("class")
        if css and self.search(css) is not None:
            return True
        return bool(self.attr) and element.get(self.attr) == self.value


SUBTITLE_CLASS = ClassTest(
    r"(^|[\s_-])(subtitle|sub-title|subheadline|sub-headline|standfirst|dek|"
    r"lead|lede|excerpt|summary|intro|deck|strapline|chapo|chapeau|sottotitolo|occhiello|catenaccio|sommario|"
    r"vorspann|teaser|perex|anons|announce|annotation|entradilla|entradeta|bajada|copete|ingress|ingresso|"
    r"ingressi|inleiding|lid|lide|abstract|standfirst|anotace|podtytul|wstep)([\s_-]|$)"
)
BYLINE_SELF = ClassTest(r"(^|[\s_-])(byline|author|authors|meta|info)([\s_-]|$)", "itemprop", "author")
TEXT_NODES = XPath(".//text()[normalize-space()][not(parent::script or parent::style)]")

# --- body -----------------------------------------------------------------------------------------
EXCLUDE_ATTR = "data-newsmon-exclude"
# //*[@data-newsmon-exclude] by the attribute axis: the same elements, in a third of the time (trafilatura
# prunes them from its copy of the page on every pass)
EXCLUDED = f"//@{EXCLUDE_ATTR}/.."
# Boilerplate recognised by semantics (ARIA roles, forms, dialogs) or by unambiguous class/id words.
_NOISE_WORDS = (
    "newsletter|subscribe|subscription|signup|sign-up|share|sharing|sharedaddy|social|social-links|"
    "related|related-posts|yarpp|jp-relatedposts|patreon|patrons?|donate|donation|donations|support-us|"
    "adsbygoogle|cookie-notice|cookie-consent|gdpr|popup|modal|comments|comment-respond|disqus"
)
# Checked in one pass over the tree (cheaper than an XPath union with a regex on every element).
NOISE_TAGS = frozenset({"nav", "aside", "form", "dialog"})
NOISE_ROLES = frozenset({"navigation", "complementary", "dialog", "contentinfo", "banner", "search"})
NOISE_CLASS = re.compile(rf"[\s_-](?:{_NOISE_WORDS})[\s_-]", re.IGNORECASE)  # on " class id "


def _by_first_letter(words: str) -> str:
    """An alternation of ``words`` ("a|b|...") grouped by first letter: ``s(?:hare|ocial)|...``, the same
    matches; Python's ``re`` tries every alternative at each place, a group only when its letter is there."""
    groups: dict[str, list[str]] = {}
    for word in words.split("|"):
        groups.setdefault(word[0], []).append(word[1:])
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())


_NOISE_LOWER = re.compile(rf"[\s_-](?:{_by_first_letter(_NOISE_WORDS)})[\s_-]").search


def noise_names(names: str) -> bool:
    """``NOISE_CLASS.search(names)`` found something. ASCII text (nearly every class and id) is lowercased
    and searched case-sensitively with the words grouped by first letter, 3-4 times faster (an IGNORECASE
    search folds every character it compares; for ASCII text, both match the same letters); other text
    keeps the IGNORECASE search (it also folds non-ASCII letters such as the long s or the Kelvin sign)."""
    if names.isascii():
        return _NOISE_LOWER(names.lower()) is not None
    return NOISE_CLASS.search(names) is not None


MAIN_CANDIDATES = XPath(
    "//*[@itemprop='articleBody']|//*[re:test(@class, '(^|[\\s])(entry-content|post-content|"
    "article-content|article-body|post-body|story-body|content-body)([\\s]|$)', 'i')]"
    "|//article|//main|//*[@role='main']",
    namespaces=REGEXP_NS,
)

# --- paywalls ----------------------------------------------------------------------------------------
# A class or id that may name a paywall (paywall.py checks the tokens); a regex on the distinct class
# strings, lowercased (case-sensitive alternations run several times faster than IGNORECASE ones), is far
# cheaper than an XPath with translate() on every element.
PAYWALL_HINT_WORDS = ("paywall", "regwall", "piano", "meter", "tp-", "subscriber", "premium-wall")
PAYWALL_HINT = re.compile(alternation(PAYWALL_HINT_WORDS))  # on lowercased text

# --- listings -------------------------------------------------------------------------------------
OUTSIDE_MAIN = XPath(
    "boolean(ancestor::nav|ancestor::aside|ancestor::header[not(ancestor::article)]"
    "|ancestor::footer[not(ancestor::article)]"
    "|ancestor::*[@role='navigation' or @role='banner' or @role='contentinfo' or @role='complementary'])"
)
