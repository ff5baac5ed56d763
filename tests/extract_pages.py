"""Saved pages of the extractor tests (tests/sample_data/pages/) and the URLs they stand for."""

from __future__ import annotations

import functools
from pathlib import Path

from lxml.html import HtmlElement

from newsmon.extract.html import parse_html
from newsmon.extract.page import extract_page
from newsmon.extract.types import ExtractOptions, HeadingNode, PageData

PAGES_DIR = Path(__file__).parent / "sample_data" / "pages"

TAGDIV = "tagdiv_article.html"
JSONLD = "jsonld_graph_article.html"
OPENGRAPH = "og_meta_article.html"
VISIBLE = "visible_markup_article.html"
CATEGORY = "category_listing.html"
TAG = "tag_listing.html"
AUTHOR = "author_page.html"
NOT_FOUND = "not_found.html"
CP1251 = "cp1251_meta_charset.html"
BOM = "utf8_bom_wrong_http_charset.html"

# The URL each page was "fetched" from, and the site timezone of its site configuration.
URLS = {
    TAGDIV: "https://northgatecourier.example/2026/03/14/korvel-bridge-reopens/",
    JSONLD: "https://ostrivkadaily.example/news/2026/02/03/riverside-park/",
    OPENGRAPH: "https://brenfieldtimes.example/node/5521",
    VISIBLE: "http://lowmarsh-gazette.example/ferry/new-engine.html",
    CATEGORY: "https://northgatecourier.example/category/regions/",
    TAG: "http://lowmarsh-gazette.example/tag/ferry/",
    AUTHOR: "https://ostrivkadaily.example/author/yarema/",
    NOT_FOUND: "https://northgatecourier.example/2026/03/14/no-such-story/",
    CP1251: "https://pivnichnyi.example/2026/03/14/mist/",
    BOM: "https://kelmtown.example/cafe-zovten",
}
TIMEZONES = {TAGDIV: "Europe/Kyiv", VISIBLE: "Europe/Kyiv", CP1251: "Europe/Kyiv"}


def read_page(name: str) -> bytes:
    return (PAGES_DIR / name).read_bytes()


def load_tree(name: str) -> HtmlElement:
    """A fresh tree of a saved page (each test may look at it as it likes)."""
    return parse_html(read_page(name))


def options_for(name: str) -> ExtractOptions:
    return ExtractOptions(default_timezone=TIMEZONES.get(name, "UTC"))


@functools.cache
def load_page(name: str) -> PageData:
    """extract_page() of a saved page with its site's options (cached: treat it as read-only)."""
    return extract_page(load_tree(name), URLS[name], options_for(name))


def flatten(nodes: list[HeadingNode], depth: int = 0) -> list[tuple[int, int, str]]:
    """(depth in the outline, level, text) of every heading, in the outline's order."""
    out = []
    for node in nodes:
        out.append((depth, node["level"], node["text"]))
        out.extend(flatten(node["children"], depth + 1))
    return out
