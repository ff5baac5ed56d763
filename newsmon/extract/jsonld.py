"""schema.org JSON-LD of a page: every script parsed (lists, @graph, broken JSON tolerated), nodes by type."""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

from newsmon.extract import xpaths

logger = logging.getLogger(__name__)

ARTICLE_TYPES = frozenset(
    {
        "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
        "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "askpublicnewsarticle",
        "satiricalarticle", "liveblogposting", "report", "techarticle", "scholarlyarticle",
        "socialmediaposting", "advertisercontentarticle",
    }
)  # fmt: skip
PAGE_TYPES = frozenset({"webpage", "itempage", "aboutpage", "profilepage"})
SITE_TYPES = frozenset({"website", "organization", "newsmediaorganization", "corporation"})
MAX_DEPTH = 8  # nesting followed inside one JSON-LD document
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_WRAPPER = re.compile(r"^\s*(?:<!--|<!\[CDATA\[)|(?:-->|\]\]>)\s*$")


def node_types(node: dict[str, Any]) -> set[str]:
    """The node's @type names, lowercased, without a schema.org URL prefix."""
    value = node.get("@type")
    values = value if isinstance(value, list) else [value]
    return {v.rsplit("/", 1)[-1].lower() for v in values if isinstance(v, str)}


@dataclass
class JsonLd:
    """The typed nodes of a page's JSON-LD, with @id references resolvable."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)

    def first(self, types: frozenset[str]) -> dict[str, Any] | None:
        """The first node of one of ``types`` (an article with a headline preferred)."""
        matches = [node for node in self.nodes if node_types(node) & types]
        with_headline = [node for node in matches if node.get("headline")]
        return (with_headline or matches or [None])[0]  # type: ignore[list-item]

    @functools.cached_property
    def article(self) -> dict[str, Any] | None:
        """The Article/NewsArticle/BlogPosting/... node, if any (looked up once: parse_jsonld fills nodes
        before anyone asks)."""
        return self.first(ARTICLE_TYPES)

    @functools.cached_property
    def webpage(self) -> dict[str, Any] | None:
        """The WebPage node (Yoast puts dates and language there)."""
        return self.first(PAGE_TYPES)

    def resolve(self, value: Any) -> Any:
        """A node referenced by {"@id": ...} when the page defines it, else ``value`` unchanged."""
        if isinstance(value, dict) and set(value) <= {"@id", "@type"} and "@id" in value:
            return self.by_id.get(str(value["@id"]), value)
        return value

    def site_names(self) -> list[str]:
        """Names of the WebSite/Organization nodes and of the article's publisher."""
        names = [node.get("name") for node in self.nodes if node_types(node) & SITE_TYPES]
        article = self.article
        if article is not None:
            publisher = self.resolve(article.get("publisher"))
            if isinstance(publisher, dict):
                names.append(publisher.get("name"))
        return [name.strip() for name in names if isinstance(name, str) and name.strip()]


def _loads(text: str) -> Any:
    text = _WRAPPER.sub("", text).strip()
    if not text:
        return None
    try:
        return json.loads(text, strict=False)
    except json.JSONDecodeError:
        pass
    try:  # the usual hand-written mistakes: trailing commas, several objects glued together
        return json.loads(_TRAILING_COMMA.sub(r"\1", text), strict=False)
    except json.JSONDecodeError:
        pass
    try:
        return json.loads("[" + re.sub(r"}\s*{", "},{", _TRAILING_COMMA.sub(r"\1", text)) + "]", strict=False)
    except json.JSONDecodeError as exc:
        logger.debug("Invalid JSON-LD ignored: %s", exc)
        return None


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    """Every dict with an @type in a JSON-LD document (lists, @graph and nested values followed)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        current, depth = stack.pop()
        if depth > MAX_DEPTH:
            continue
        if isinstance(current, list):
            stack.extend((item, depth + 1) for item in reversed(current))
        elif isinstance(current, dict):
            if "@type" in current:
                yield current
            graph = current.get("@graph")
            if graph is not None:
                stack.append((graph, depth + 1))
            for key in ("mainEntity", "mainEntityOfPage", "itemListElement"):
                child = current.get(key)
                if isinstance(child, dict | list):
                    stack.append((child, depth + 1))


def parse_jsonld(tree: HtmlElement, scripts: list[HtmlElement] | None = None) -> JsonLd:
    """All JSON-LD of the page as one collection of typed nodes; broken scripts are skipped. ``scripts``: the
    page's <script>s (``xpaths.page_elements``) when the caller has them."""
    data = JsonLd()
    for script in xpaths.jsonld_scripts(tree, scripts):
        document = _loads(script.text or "")
        if document is None:
            continue
        for node in _walk(document):
            data.nodes.append(node)
            node_id = node.get("@id")
            if isinstance(node_id, str) and len(node) > 2:
                data.by_id.setdefault(node_id, node)
    return data


def text_values(value: Any, jsonld: JsonLd | None = None) -> list[str]:
    """Strings of a schema.org value: a string, a list, or nodes with a name (resolving @id)."""
    values = value if isinstance(value, list) else [value]
    out = []
    for item in values:
        if jsonld is not None:
            item = jsonld.resolve(item)
        if isinstance(item, dict):
            item = item.get("name") or item.get("@value")
        if isinstance(item, str | int | float) and str(item).strip():
            out.append(str(item).strip())
    return out
