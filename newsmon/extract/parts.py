"""The other pages of an article split over several ("Pages: 1 2 3"): read from the article's own pager.

A pager link is a link inside the article container to the same article: the page's own path with a
page number in one query parameter (``?page=2``, ``?p=3``, ``&pg=2``) or one path segment added
(``/2``, ``/2/``, ``/page/2/``). The number is the part's position; links to other paths (related stories,
tags) and to the article's first page are not parts. Pure: one parsed tree and its URL in, URLs out."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urljoin, urlsplit

from lxml.html import HtmlElement

MAX_PARTS = 10  # pages of one article read at most (the first included)
_NUMBER = re.compile(r"\d{1,3}")
_PAGE_SEGMENT = re.compile(r"(?:/(?:page|seite|pagina|strona|stranitsa|sayfa|side))?/(\d{1,3})/?$", re.I)


# a link starting so leads to a path of its own: a part of the article only when it holds the article's slug
# (the last segment of its path); relative links ("2/", "?page=2") are always looked at
_ELSEWHERE = ("/", "http:", "https:", "HTTP:", "HTTPS:")


def _slug(url: str) -> str:
    return next((segment for segment in reversed(urlsplit(url).path.split("/")) if segment), "")


def _path(path: str) -> str:
    return path.rstrip("/") or "/"


def part_number(url: str, article_url: str) -> int | None:
    """The page number ``url`` has as a part of the article at ``article_url`` (2, 3, ...), or None when
    it is not one of its pages (another article, another host, the first page itself)."""
    link, base = urlsplit(url), urlsplit(article_url)
    if (link.scheme, link.netloc.lower()) != (base.scheme, base.netloc.lower()):
        return None
    base_query = dict(parse_qsl(base.query))
    number: int | None = None
    if _path(link.path) == _path(base.path):
        changed = [(k, v) for k, v in parse_qsl(link.query) if base_query.get(k) != v]
        if len(changed) == 1 and _NUMBER.fullmatch(changed[0][1]):
            number = int(changed[0][1])
    elif link.path.startswith(_path(base.path) + "/") and dict(parse_qsl(link.query)) == base_query:
        match = _PAGE_SEGMENT.fullmatch(link.path[len(_path(base.path)) :])
        if match:
            number = int(match.group(1))
    return number if number is not None and number >= 2 else None


def article_parts(root: HtmlElement | None, article_url: str, page_url: str | None = None) -> list[str]:
    """The URLs of the article's other pages linked from its pager inside ``root`` (the article
    container), in page order, at most MAX_PARTS - 1 of them. ``page_url``: the page the tree is (a later
    part links relative to itself), by default the article's first page."""
    if root is None:
        return []
    found: dict[int, str] = {}
    slug = _slug(article_url)
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        if slug and slug not in href and href.startswith(_ELSEWHERE):  # another page: no URL parsing
            continue
        url = urljoin(page_url or article_url, href).split("#", 1)[0]
        number = part_number(url, article_url)
        if number is not None and number <= MAX_PARTS:
            found.setdefault(number, url)
    return [found[number] for number in sorted(found)]
