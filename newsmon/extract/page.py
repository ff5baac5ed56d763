"""One page, one tree: run every pure extractor on the same parsed HTML and gather a PageData."""

from __future__ import annotations

import logging

from lxml.html import HtmlElement

from newsmon.extract.body import MIN_WORDS, extract_body
from newsmon.extract.jsonld import JsonLd, parse_jsonld
from newsmon.extract.links import extract_links
from newsmon.extract.metadata import ArticleMetadata, extract_metadata, read_meta
from newsmon.extract.outline import extract_outline
from newsmon.extract.related import find_related_groups, merge_items
from newsmon.extract.scope import ArticleScope, find_scope
from newsmon.extract.text import hidden_element_sets, visible_text_lines
from newsmon.extract.types import ExtractOptions, PageData

logger = logging.getLogger(__name__)

# schema.org types of hub pages: a page declaring one of them is never an article.
HUB_TYPES = frozenset({"collectionpage", "searchresultspage", "profilepage", "itemlist"})
ARTICLE_OG_TYPES = frozenset({"article", "news", "newsarticle"})


def _declared_types(jsonld: JsonLd) -> set[str]:
    types: set[str] = set()
    for node in jsonld.nodes:
        value = node.get("@type")
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                types.add(item.rsplit("/", 1)[-1].lower())
    return types


def declares_hub(jsonld: JsonLd, og_types: list[str]) -> bool:
    """The page says it is not an article: a CollectionPage-like type, or og:type website/profile/...
    without any article markup."""
    if jsonld.article is not None or any(t.lower() in ARTICLE_OG_TYPES for t in og_types):
        return False
    declared = _declared_types(jsonld)
    return bool(declared & HUB_TYPES or og_types)


def looks_like_article(
    jsonld: JsonLd, og_types: list[str], scope: ArticleScope, meta: ArticleMetadata, body: str
) -> bool:
    """Page signals for "one article": a declared article type, else (no hub declared) a headline inside
    a single <article> with a date and a body."""
    if jsonld.article is not None or any(t.lower() in ARTICLE_OG_TYPES for t in og_types):
        return True
    if declares_hub(jsonld, og_types):
        return False
    in_article = scope.h1 is not None and scope.root is not None and scope.root.tag == "article"
    has_date = bool(scope.times()) or meta.published_at is not None
    return in_article and scope.articles <= 1 and has_date and len(body.split()) >= MIN_WORDS


def _header_wrapper(scope: ArticleScope) -> list[HtmlElement]:
    """The headline's own wrapper (headline, standfirst, byline, date): fields of their own, never body.
    Only a wrapper that cannot hold the article itself: not the article root, at most one paragraph."""
    if len(scope.header) != 1:
        return []
    wrapper = scope.header[0]
    holds_article = wrapper is scope.root or wrapper.tag in ("article", "main", "body")
    if holds_article or len(wrapper.findall(".//p")) > 1:
        return []
    return [wrapper]


def _without_headline(body: str, meta: ArticleMetadata, scope: ArticleScope) -> str:
    """The body without a first paragraph that repeats the headline (the title is its own field)."""
    first, _, rest = body.partition("\n\n")
    if first.strip() in {meta.title, scope.h1_text} - {None}:
        return rest
    return body


def extract_page(tree: HtmlElement, url: str, options: ExtractOptions | None = None) -> PageData:
    """Every field newsmon reads from one page; ``tree`` is shared by all extractors and left unchanged."""
    options = options or ExtractOptions()
    jsonld = parse_jsonld(tree)
    scope = find_scope(tree)
    metas = read_meta(tree)
    meta = extract_metadata(tree, url, options, jsonld=jsonld, scope=scope, metas=metas)
    # computed once, shared: visible text leaves aria-hidden subtrees out, outline and body keep them
    hidden, rendered_hidden = hidden_element_sets(tree)
    read_blocks, feed_blocks = find_related_groups(
        tree, url, [options.read_also_labels, options.news_feed_labels]
    )
    excluded = [el for block in (*read_blocks, *feed_blocks) for el in block.elements]
    excluded += _header_wrapper(scope)
    body = extract_body(tree, url, exclude=excluded, jsonld=jsonld, hidden=rendered_hidden)
    body = _without_headline(body, meta, scope)
    og_types = metas.get("og:type", [])
    return PageData(
        title=meta.title,
        subtitle=meta.subtitle,
        authors=meta.authors,
        section=meta.section,
        tags=meta.tags,
        language=meta.language,
        published_at=meta.published_at,
        published_from_url=meta.published_from_url,
        modified_at=meta.modified_at,
        canonical_href=meta.canonical_href,
        body=body,
        read_also=merge_items(read_blocks),
        news_feed=merge_items(feed_blocks),
        structure=extract_outline(tree, hidden=rendered_hidden),
        content=visible_text_lines(tree, hidden=hidden),
        links=extract_links(tree, url),
        is_article=looks_like_article(jsonld, og_types, scope, meta, body),
        is_hub=declares_hub(jsonld, og_types),
    )
