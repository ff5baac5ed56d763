"""Absolute http(s) links of a page, deduplicated in document order, each with a readable text."""

from __future__ import annotations

import functools
import logging
import re
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml.html import HtmlElement
from w3lib.url import safe_url_string

from newsmon.extract import xpaths
from newsmon.extract.text import normalize_space, text_of
from newsmon.extract.types import LinkItem

logger = logging.getLogger(__name__)

_ALLOWED_SCHEMES = ("http", "https")
# The URL parser of the HTML spec strips leading/trailing C0 controls and spaces, drops tabs/newlines.
_STRIP_INSIDE = re.compile(r"[\t\n\r]")
# Characters a browser percent-encodes before requesting (spaces, non-ASCII, quotes, angle brackets).
_UNSAFE = re.compile(r"[^\x21-\x7e]|[\"<>\\^`{|}]")
# Most hrefs need none of urljoin's work: an absolute http(s) URL, or a root-relative path, made of safe
# ASCII, with no fragment, no empty query, no ;params, no dot segments. For those the result is known
# (the href itself, or the base's origin + the href), and absolute_url takes this shortcut.
_SAFE = r"[^\x00-\x20\x7f-\U0010ffff\"<>\\^`{|}#\[\];"
_SIMPLE_ABSOLUTE = re.compile(rf"https?://{_SAFE}/?]+(?:/{_SAFE}?]*)?(?:\?{_SAFE}]+)?")
_SIMPLE_ROOTED = re.compile(rf"/(?!/){_SAFE}?]*(?:\?{_SAFE}]+)?")
_SIMPLE_ORIGIN = re.compile(rf"https?://{_SAFE}/?]+(?=[/?#]|$)")


def document_base(tree: HtmlElement, base_url: str, elements: xpaths.PageElements | None = None) -> str:
    """The URL relative links resolve against: <base href> (itself resolved) or the page URL. The page's
    <base> elements are found by a walk in C (``iter``), or taken from ``elements`` (``page_elements``) when
    the caller has them: several extractors ask, and an XPath returning smart strings cost more than the
    rest of this function on every page."""
    bases = elements["base"] if elements is not None else tree.getroottree().getroot().iter("base")
    for base in bases:
        value = base.get("href")
        if value is None:
            continue
        href = _STRIP_INSIDE.sub("", value).strip()
        if href:
            try:
                return urljoin(base_url, href)
            except ValueError:
                return base_url
    return base_url


@functools.lru_cache(maxsize=8192)  # pure; pages of one site repeat most of their links
def absolute_url(href: str | None, base: str) -> str | None:
    """Absolute http(s) URL of ``href`` without its fragment, or None for other schemes/bad URLs."""
    if href is None:
        return None
    if "\t" in href or "\n" in href or "\r" in href:  # rare: no regex call for the others
        href = _STRIP_INSIDE.sub("", href)
    href = href.strip(" \x00\x0b\x0c")
    if not href:
        return None
    if _SIMPLE_ABSOLUTE.fullmatch(href):
        return href
    if _SIMPLE_ROOTED.fullmatch(href) and "/." not in href.partition("?")[0]:
        origin = _SIMPLE_ORIGIN.match(base)
        if origin is not None:
            return origin.group() + href
    try:
        url = urldefrag(urljoin(base, href)).url
        if _UNSAFE.search(url):
            url = safe_url_string(url)
        parts = urlsplit(url)
    except ValueError:
        logger.debug("Unusable href %r", href)
        return None
    if parts.scheme.lower() not in _ALLOWED_SCHEMES or not parts.netloc:
        return None
    return url


def anchor_text(anchor: HtmlElement) -> str:
    """Normalised text of an anchor, else its title/aria-label, else the alt of an image inside it."""
    text = normalize_space(text_of(anchor))
    if text:
        return text
    for attr in ("title", "aria-label"):
        text = normalize_space(anchor.get(attr))
        if text:
            return text
    for img in anchor.iter("img"):
        text = normalize_space(img.get("alt"))
        if text:
            return text
    return ""


def extract_links(
    tree: HtmlElement,
    base_url: str,
    *,
    base: str | None = None,
    elements: xpaths.PageElements | None = None,
) -> list[LinkItem]:
    """Every <a href> of the page in document order: absolute, http(s) only, no fragment, first wins;
    ``base``: ``document_base(tree, base_url)``, ``elements``: ``xpaths.page_elements(tree)``, when the
    caller has them."""
    base = base if base is not None else document_base(tree, base_url, elements)
    seen: set[str] = set()
    links: list[LinkItem] = []
    resolved: dict[str, str | None] = {}  # a page links the same href many times: resolved once
    anchors = elements["a"] if elements is not None else xpaths.select(xpaths.ANCHORS, tree)
    for anchor in anchors:  # //a[@href]
        href = anchor.get("href")
        if href is None:
            continue
        if href in resolved:
            continue  # its URL is in ``seen`` already (or it has none): the first anchor won
        url = resolved[href] = absolute_url(href, base)
        if url is None or url in seen:
            continue
        seen.add(url)
        links.append({"url": url, "text": anchor_text(anchor) or url})
    return links
