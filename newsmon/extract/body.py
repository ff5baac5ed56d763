"""Main article text: trafilatura on the shared tree minus related blocks and boilerplate, with fallbacks."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.xml import xmltotxt

from newsmon.extract import xpaths
from newsmon.extract.budget import BLOCK_TAGS, count_elements
from newsmon.extract.chunks import continuation_chunks, source_container, without_holes
from newsmon.extract.html import parse_html
from newsmon.extract.jsonld import JsonLd, parse_jsonld
from newsmon.extract.layout import credit_edges, layout_tables, unwrapped
from newsmon.extract.text import count_words, element_text_lines, hidden_elements, normalize_space, text_of

logger = logging.getLogger(__name__)

# The cascade, tuned on the article-extraction benchmark (tests/test_eval_gate.py, README "Extraction
# quality"): trafilatura in fast precision mode first; when its text is doubtful (short, or under 100
# words and a small share of the page's words), a second opinion from its full cascade (external
# comparison, rescues), in precision mode and, if that is still short, balanced; the longest of them wins.
# Then repairs that do not depend on the page set: paragraphs the extractor cut holes in restored whole,
# the later chunks of a split article, and (extract_page) runs of whole-link lines dropped.
FIRST_PASS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "favor_precision": True,
    "fast": True,
}
SECOND_OPINIONS: tuple[dict[str, Any], ...] = (
    {"include_comments": False, "include_tables": True, "favor_precision": True},
    {"include_comments": False, "include_tables": True},
)
MIN_WORDS = 25  # fewer words than this: the text is doubtful, and the next fallback is tried
DOUBT_SHARE = 0.12  # a first pass with fewer words than this share of the page's visible words is doubtful
DOUBT_MAX_WORDS = 100  # ... unless it has this many words: a text that long is an article on any page
ARTICLE_BODY_RATIO = 1.5  # JSON-LD articleBody wins when it is this much longer than the extracted text
# The second opinions' cost (trafilatura's own extraction again, readability, justext) grows quadratically
# with the page's blocks and elements (3,000 short divs: 3 s; the fast pass alone: 0.3 s). A page past
# either of these gets the fast pass only: the benchmark pages have at most 1,596 elements.
SECOND_OPINION_MAX_BLOCKS = 2_000
SECOND_OPINION_MAX_ELEMENTS = 6_000
PRUNE_NOISE = True
LINK_LIST_LINES = 3  # consecutive lines of the body that are each a whole link: a list of links
_BLANK_LINES = re.compile(r"\n\s*\n+")
_FALLBACK_TAGS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "figcaption"})
_KEEP_TAGS = frozenset({"html", "body", "main", "article"})


def _words(text: str) -> int:
    return count_words(text)  # a Chinese paragraph is many words, not one


def _paragraphs(blocks: Iterable[str]) -> str:
    """Blocks as paragraphs: whitespace inside lines collapsed, one blank line between paragraphs."""
    out = []
    for block in blocks:
        lines = [normalize_space(line) for line in block.splitlines()]
        text = "\n".join(line for line in lines if line)
        if text:
            out.append(text)
    return "\n\n".join(out)


def boilerplate_containers(tree: HtmlElement) -> set[HtmlElement]:
    """Boilerplate containers (nav, forms, share/newsletter/donation boxes) that do not hold the article:
    a noise tag or role, a modal, or a class or id naming boilerplate (xpaths.NOISE_CLASS). Every element is
    tested, so the test is inline (a function call per element cost a third of the walk)."""
    found: set[HtmlElement] = set()
    names_seen: dict[str, bool] = {}  # pages repeat the same class names many times: test each spelling once
    noise_tags, noise_roles, noisy_names = xpaths.NOISE_TAGS, xpaths.NOISE_ROLES, xpaths.noise_names
    walker = etree.iterwalk(tree, events=("start",))
    for _, element in walker:
        tag = element.tag
        if not isinstance(tag, str) or tag in _KEEP_TAGS:
            continue
        if tag not in noise_tags:
            get = element.get
            if get("role") not in noise_roles and get("aria-modal") != "true":
                css, ident = get("class"), get("id")
                if not css and not ident:
                    continue
                names = f" {css or ''} {ident or ''} "
                noisy = names_seen.get(names)
                if noisy is None:
                    noisy = names_seen[names] = noisy_names(names)
                if not noisy:
                    continue
        if next(element.iterdescendants("h1"), None) is None:  # find(".//h1") without ElementPath's Python
            found.add(element)
            walker.skip_subtree()  # left out whole: what is inside needs no test
    return found


def _page_words(tree: HtmlElement) -> int:
    """Words of the page body outside scripts and styles (a cheap measure of how much text there is)."""
    body = tree.find("body")
    if body is None:
        return 0
    words = _words(text_of(body))
    return words - sum(_words(el.text or "") for el in body.iter("script", "style", "noscript"))


def _trafilatura_text(tree: HtmlElement, url: str | None, prune: list[str], options: dict[str, Any]) -> str:
    document = trafilatura.bare_extraction(tree, url=url, prune_xpath=prune, **options)
    if document is None or document.body is None:  # type: ignore[union-attr]
        return ""
    body = document.body  # type: ignore[union-attr]
    return _paragraphs(xmltotxt(child, False) for child in body)


def _too_big_for_second_opinions(tree: HtmlElement) -> bool:
    if count_elements(tree) > SECOND_OPINION_MAX_ELEMENTS:
        return True
    return sum(1 for _ in tree.iter(*BLOCK_TAGS)) > SECOND_OPINION_MAX_BLOCKS


def _cascade(tree: HtmlElement, url: str | None, prune: list[str]) -> str:
    """trafilatura's fast pass, and its full cascade as a second opinion when the first looks wrong."""
    text = _trafilatura_text(tree, url, prune, FIRST_PASS)
    words = count_words(text, DOUBT_MAX_WORDS)  # exact below DOUBT_MAX_WORDS, where it is read further
    if words >= DOUBT_MAX_WORDS or (words >= MIN_WORDS and words >= DOUBT_SHARE * _page_words(tree)):
        return text
    if _too_big_for_second_opinions(tree):
        logger.debug("No second opinion for %s: too many elements", url)
        return text
    for options in SECOND_OPINIONS:
        second = _trafilatura_text(tree, url, prune, options)
        logger.debug("Second opinion for %s: %d words instead of %d", url, _words(second), words)
        if _words(second) > words:
            text, words = second, _words(second)
        if words >= MIN_WORDS:
            break
    return text


def jsonld_article_body(jsonld: JsonLd) -> str:
    """JSON-LD articleBody as paragraphs (its line breaks, when it has any, separate paragraphs)."""
    article = jsonld.article or {}
    value = article.get("articleBody")
    if not isinstance(value, str):
        return ""
    if "<" in value and ">" in value:  # some sites put HTML there
        value = "\n".join(element_text_lines(parse_html(f"<div>{value}</div>").body))
    return _paragraphs(_BLANK_LINES.split(value) if "\n\n" in value else value.splitlines())


def _fallback_text(tree: HtmlElement, excluded: set[HtmlElement]) -> str:
    """Paragraph-level text of the main container, for pages trafilatura gives up on."""
    candidates = xpaths.select(xpaths.MAIN_CANDIDATES, tree)
    hidden = hidden_elements(tree) | excluded
    for container in candidates:
        blocks = [
            " ".join(element_text_lines(el, hidden))
            for el in container.iter(*_FALLBACK_TAGS)
            if el not in hidden and not any(a in hidden for a in el.iterancestors())
        ]
        text = _paragraphs(blocks)
        if _words(text) >= MIN_WORDS:
            return text
    return ""


def _headlines(tree: HtmlElement, elements: xpaths.PageElements | None = None) -> set[str]:
    """The page's headline as it may open the extracted text: <h1>s, <title>, og:title; ``elements``:
    ``xpaths.page_elements(tree)`` when the caller has them (no walk of its own then)."""
    if elements is None:
        found = {normalize_space(text_of(h1)) for h1 in tree.iter("h1")}
        found.add(normalize_space(tree.findtext(".//title")))
        metas = tree.iterfind(".//meta[@property='og:title']")
    else:
        found = {normalize_space(text_of(h1)) for h1 in elements["h1"]}
        found.add(normalize_space(elements["title"][0].text) if elements["title"] else "")  # .//title
        metas = (m for m in elements["meta"] if m.get("property") == "og:title")
    found.update(normalize_space(m.get("content")) for m in metas)
    found.discard("")
    return found


def _header_texts(header: Iterable[HtmlElement]) -> set[str]:
    """Every text of the header elements at every depth: the units an extractor may cut them into."""
    found: set[str] = set()
    for element in header:
        found.update(element_text_lines(element))
        found.update(normalize_space(text_of(el)) for el in element.iter(etree.Element))
    found.discard("")
    return found


def _without_header(text: str, header: set[str]) -> str:
    """The text without leading paragraphs that only repeat the header (headline, standfirst, byline,
    date: fields of their own); a text that is nothing else is left as it is."""
    paragraphs = text.split("\n\n")
    start = 0
    while start < len(paragraphs) - 1 and all(
        normalize_space(line) in header for line in paragraphs[start].splitlines()
    ):
        start += 1
    return "\n\n".join(paragraphs[start:])


@dataclass(frozen=True)
class Body:
    """The article text and where it came from: "extractor" (trafilatura on the page, with the repairs),
    "jsonld" (the page's JSON-LD articleBody), "fallback" (the main container's paragraphs) or "" (none)."""

    text: str
    source: str
    credits: tuple[str, ...] = ()  # credit lines cut from the extracted text's end ("이서연 기자")


def article_body(
    tree: HtmlElement,
    url: str | None = None,
    *,
    exclude: Iterable[HtmlElement] = (),
    jsonld: JsonLd | None = None,
    hidden: set[HtmlElement] | None = None,
    noise: set[HtmlElement] | None = None,
    headlines: Iterable[str] = (),
    header: Iterable[HtmlElement] = (),
    elements: xpaths.PageElements | None = None,
) -> Body:
    """Main text of the article in ``tree`` and its source (see ``extract_body`` for the arguments;
    ``noise``: ``boilerplate_containers(tree)``, ``elements``: ``xpaths.page_elements(tree)``, when the
    caller has them already)."""
    excluded = set(exclude)
    # trafilatura does not know the hidden attribute or every inline display:none: leave them out here
    if hidden is None:
        hidden = hidden_elements(tree, aria=False)
    if noise is None:
        noise = boilerplate_containers(tree) if PRUNE_NOISE else set()
    marked = excluded | hidden | noise
    for element in marked:
        element.set(xpaths.EXCLUDE_ATTR, "")
    try:
        with unwrapped(
            layout_tables(tree, elements["table"] if elements is not None else None)
        ):  # a story in a layout table: paragraphs, not one table row
            text = _cascade(tree, url, [xpaths.EXCLUDED] if marked else [])
    finally:
        for element in marked:
            element.attrib.pop(xpaths.EXCLUDE_ATTR, None)
    credits: list[str] = []
    if text:
        source = source_container(tree, text, elements["p"] if elements is not None else None)
        chunks = continuation_chunks(tree, text, marked, source)
        text, credits = credit_edges("\n\n".join([without_holes(source, text, marked), *chunks]))
    jsonld = jsonld if jsonld is not None else parse_jsonld(tree)
    from_jsonld = jsonld_article_body(jsonld)
    leading = _headlines(tree, elements) | set(headlines) | _header_texts(header)
    if from_jsonld and _words(from_jsonld) >= max(MIN_WORDS, ARTICLE_BODY_RATIO * _words(text)):
        logger.debug("Using JSON-LD articleBody for %s", url)
        return Body(_without_header(from_jsonld, leading), "jsonld")
    if text:
        return Body(_without_header(text, leading), "extractor", tuple(credits))
    if from_jsonld:  # trafilatura gave up: JSON-LD, else the main container's paragraphs
        return Body(_without_header(from_jsonld, leading), "jsonld")
    fallback = _without_header(_fallback_text(tree, excluded), leading)
    return Body(fallback, "fallback" if fallback else "")


def extract_body(
    tree: HtmlElement,
    url: str | None = None,
    *,
    exclude: Iterable[HtmlElement] = (),
    jsonld: JsonLd | None = None,
    hidden: set[HtmlElement] | None = None,
    headlines: Iterable[str] = (),
    header: Iterable[HtmlElement] = (),
) -> str:
    """Main text of the article in ``tree``: paragraphs separated by one blank line; "" when there is none.

    ``exclude``: elements to leave out (related-link blocks). ``hidden``: ``hidden_elements(tree,
    aria=False)`` when the caller has it already. ``headlines``: the article's title as the caller read
    it, besides the page's <h1>, <title> and og:title. ``header``: the headline's wrapper (standfirst,
    byline, date): leading paragraphs repeating its texts are dropped from the result (pruning it before
    extraction instead can send trafilatura to another container). The tree is left as it was found.
    """
    return article_body(
        tree, url, exclude=exclude, jsonld=jsonld, hidden=hidden, headlines=headlines, header=header
    ).text


def without_link_lists(text: str, link_texts: set[str]) -> str:
    """``text`` without runs of LINK_LIST_LINES or more consecutive lines that are each the whole text of a
    link of the page: a list of links (related stories, "most read", a site map) is not article text, and
    extractors let it through when it sits inside the article's container."""
    lines = [(index, line) for index, block in enumerate(text.split("\n\n")) for line in block.split("\n")]
    is_link = [normalize_space(line) in link_texts for _, line in lines]
    dropped: set[int] = set()
    start = 0
    while start < len(lines):
        end = start
        while end < len(lines) and is_link[end]:
            end += 1
        if end - start >= LINK_LIST_LINES:
            dropped.update(range(start, end))
        start = end + 1
    if not dropped:
        return text
    blocks: dict[int, list[str]] = {}
    for position, (index, line) in enumerate(lines):
        if position not in dropped:
            blocks.setdefault(index, []).append(line)
    return "\n\n".join("\n".join(block) for block in blocks.values())


def score_entry(html: str | bytes, url: str | None = None) -> str:
    """Adapter for ``score_extraction.py -e newsmon.extract.body:score_entry``: the record's ``body``, from
    the same call the spider and ``newsmon extract`` make (``extract_page``), so the score is the record's."""
    from newsmon.extract.page import extract_page  # page.py builds on this module

    return extract_page(parse_html(html), url or "").body
