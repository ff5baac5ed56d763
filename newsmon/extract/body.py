"""Main article text: trafilatura on the shared tree minus related blocks and boilerplate, with fallbacks."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

import trafilatura
from lxml.html import HtmlElement
from trafilatura.xml import xmltotxt

from newsmon.extract import xpaths
from newsmon.extract.html import parse_html
from newsmon.extract.jsonld import JsonLd, parse_jsonld
from newsmon.extract.text import element_text_lines, hidden_elements, normalize_space

logger = logging.getLogger(__name__)

# trafilatura's settings, chosen on the article-extraction benchmark (see tests/test_extract_body.py).
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "favor_precision": True,
    "fast": True,
}
MIN_WORDS = 25  # fewer words than this from trafilatura: try the fallbacks
ARTICLE_BODY_RATIO = 1.5  # JSON-LD articleBody wins when it is this much longer than trafilatura's text
PRUNE_NOISE = True
_BLANK_LINES = re.compile(r"\n\s*\n+")
_FALLBACK_TAGS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "figcaption"})


def _words(text: str) -> int:
    return len(text.split())


def _paragraphs(blocks: Iterable[str]) -> str:
    """Blocks as paragraphs: whitespace inside lines collapsed, one blank line between paragraphs."""
    out = []
    for block in blocks:
        lines = [normalize_space(line) for line in block.splitlines()]
        text = "\n".join(line for line in lines if line)
        if text:
            out.append(text)
    return "\n\n".join(out)


def _noise(tree: HtmlElement) -> set[HtmlElement]:
    """Boilerplate containers (nav, forms, share/newsletter/donation boxes) that do not hold the article."""
    found: set[HtmlElement] = set()
    for expr in xpaths.NOISE_PRUNE_XPATHS:
        for element in xpaths.select(expr, tree):
            if element.tag in ("html", "body", "main", "article") or element.find(".//h1") is not None:
                continue
            found.add(element)
    return found


def _trafilatura_text(tree: HtmlElement, url: str | None, prune: list[str]) -> str:
    document = trafilatura.bare_extraction(tree, url=url, prune_xpath=prune, **TRAFILATURA_OPTIONS)
    if document is None or document.body is None:  # type: ignore[union-attr]
        return ""
    body = document.body  # type: ignore[union-attr]
    return _paragraphs(xmltotxt(child, False) for child in body)


def _article_body(jsonld: JsonLd) -> str:
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


def extract_body(
    tree: HtmlElement,
    url: str | None = None,
    *,
    exclude: Iterable[HtmlElement] = (),
    jsonld: JsonLd | None = None,
) -> str:
    """Main text of the article in ``tree``: paragraphs separated by one blank line; "" when there is none.

    ``exclude``: elements to leave out (related-link blocks). The tree is left as it was found.
    """
    excluded = set(exclude)
    # trafilatura does not know the hidden attribute or every inline display:none: leave them out here
    hidden = hidden_elements(tree, aria=False)
    marked = excluded | hidden | (_noise(tree) if PRUNE_NOISE else set())
    for element in marked:
        element.set(xpaths.EXCLUDE_ATTR, "")
    try:
        text = _trafilatura_text(tree, url, [xpaths.EXCLUDED])
    finally:
        for element in marked:
            element.attrib.pop(xpaths.EXCLUDE_ATTR, None)
    jsonld = jsonld if jsonld is not None else parse_jsonld(tree)
    article_body = _article_body(jsonld)
    if article_body and _words(article_body) >= max(MIN_WORDS, ARTICLE_BODY_RATIO * _words(text)):
        logger.debug("Using JSON-LD articleBody for %s", url)
        return article_body
    if _words(text) >= MIN_WORDS:
        return text
    fallback = _fallback_text(tree, excluded)
    return max((text, article_body, fallback), key=_words)


def score_entry(html: str | bytes, url: str | None = None) -> str:
    """Adapter for ``score_extraction.py -e newsmon.extract.body:score_entry``: parse, then extract."""
    return extract_body(parse_html(html), url)
