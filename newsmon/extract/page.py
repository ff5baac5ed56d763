"""One page, one tree: run every pure extractor on the same parsed HTML and gather a PageData."""

from __future__ import annotations

import logging
from functools import cache, partial
from itertools import islice

from lxml.html import HtmlElement

from newsmon.extract.body import (
    MIN_WORDS,
    PRUNE_NOISE,
    article_body,
    boilerplate_containers,
    jsonld_article_body,
    without_link_lists,
)
from newsmon.extract.closing import closing_credit, page_names, with_closing
from newsmon.extract.embedded import find_story, html_words_read, prefer_story
from newsmon.extract.guard import count_words, guard_body
from newsmon.extract.jsonld import ARTICLE_TYPES, JsonLd, node_types, parse_jsonld
from newsmon.extract.links import document_base, extract_links
from newsmon.extract.metadata import extract_metadata, read_meta
from newsmon.extract.outline import extract_outline
from newsmon.extract.parts import article_parts
from newsmon.extract.paywall import gated_parts, prompt_boxes, without_trailing_prompts
from newsmon.extract.related import find_related_groups, merge_items
from newsmon.extract.scope import ArticleScope, find_scope
from newsmon.extract.template import (
    learnable,
    line_units,
    page_key,
    page_units,
    template_texts,
    without_template,
)
from newsmon.extract.text import hidden_element_sets, normalize_space, text_of, visible_text_lines
from newsmon.extract.titles import title_suffixes, without_learned_suffix
from newsmon.extract.types import ArticleMetadata, ExtractOptions, PageData

logger = logging.getLogger(__name__)

HEADER_CHECK_WORDS = 8  # a headline wrapper holding the body's first words holds the article
# schema.org types of hub pages: a page declaring one of them is never an article.
HUB_TYPES = frozenset({"collectionpage", "searchresultspage", "profilepage", "itemlist"})
ARTICLE_OG_TYPES = frozenset({"article", "news", "newsarticle"})


def declares_hub(jsonld: JsonLd, og_types: list[str]) -> bool:
    """The page says it is not an article: a CollectionPage-like type, or og:type website/profile/...
    without any article markup."""
    if jsonld.article is not None or any(t.lower() in ARTICLE_OG_TYPES for t in og_types):
        return False
    declared = set().union(*(node_types(node) for node in jsonld.nodes))
    return bool(declared & HUB_TYPES or og_types)


def headline_in_article_item(h1: HtmlElement | None) -> bool:
    """The headline belongs to an article declared in schema.org microdata: the nearest item around it
    (``itemscope``) has an article ``itemtype``. A listing's items are articles too, but its headline (the
    section's name) is in none of them."""
    for element in h1.iterancestors() if h1 is not None else ():
        if element.get("itemscope") is not None and element.get("itemtype"):
            types = {t.rstrip("/").rsplit("/", 1)[-1].lower() for t in element.get("itemtype", "").split()}
            return bool(types & ARTICLE_TYPES)
    return False


def looks_like_article(
    jsonld: JsonLd,
    og_types: list[str],
    scope: ArticleScope,
    meta: ArticleMetadata,
    body: str,
) -> bool:
    """Page signals for "one article" on a page that declares no hub (see declares_hub): a declared
    article type (JSON-LD, og:type, or a microdata article item holding the headline, with a body), else
    a headline inside a single <article> with a date and a body."""
    if jsonld.article is not None or any(t.lower() in ARTICLE_OG_TYPES for t in og_types):
        return True
    if count_words(body) >= MIN_WORDS and headline_in_article_item(scope.h1):
        return True
    in_article = scope.h1 is not None and scope.root is not None and scope.root.tag == "article"
    has_date = bool(scope.times()) or meta.published_at is not None
    return in_article and scope.articles <= 1 and has_date and count_words(body) >= MIN_WORDS


def _header_wrapper(scope: ArticleScope) -> list[HtmlElement]:
    """The headline's own wrapper (headline, standfirst, byline, date): fields of their own, never body.
    Only a wrapper that cannot hold the article itself: not the article root, at most one paragraph."""
    if len(scope.header) != 1:
        return []
    wrapper = scope.header[0]
    holds_article = wrapper is scope.root or wrapper.tag in ("article", "main", "body")
    if holds_article or next(islice(wrapper.iterdescendants("p"), 1, None), None) is not None:  # 2 <p>s
        return []
    return [wrapper]


def extract_page(tree: HtmlElement, url: str, options: ExtractOptions | None = None) -> PageData:
    """Every field newsmon reads from one page; ``tree`` is shared by all extractors and left unchanged."""
    options = options or ExtractOptions()
    scope = find_scope(tree)
    elements = scope.elements  # the page's <meta>s, <a>s, <script>s, ...: one walk, shared (find_scope)
    jsonld = parse_jsonld(tree, elements["script"])
    metas = read_meta(tree, elements)
    base = document_base(tree, url, elements)  # what relative links resolve against
    meta = extract_metadata(tree, url, options, jsonld=jsonld, scope=scope, metas=metas, base=base)
    key = page_key(url)
    titles = [scope.title_text, *metas.get("og:title", [])]
    if options.template is not None and meta.title:  # the site's own title suffix, learned from its pages
        meta.title = without_learned_suffix(meta.title, titles, options.template, key)
    # computed once, shared: visible text leaves aria-hidden subtrees out, outline and body keep them
    hidden, rendered_hidden = hidden_element_sets(tree, elements)
    read_blocks, feed_blocks = find_related_groups(
        tree, url, [options.read_also_labels, options.news_feed_labels], base=base
    )
    related = {el for block in (*read_blocks, *feed_blocks) for el in block.elements}
    header = _header_wrapper(scope)
    noise = boilerplate_containers(tree) if PRUNE_NOISE else set()
    # subscription and login prompts: never body (a paywalled page's body is what it serves)
    gated = gated_parts(tree, jsonld)
    paywalled = meta.is_accessible_for_free is False or bool(gated)
    prompts = prompt_boxes(tree, url, paywalled=paywalled, container=scope.root, gated=gated, skip=noise)
    noise |= prompts
    headlines = {text for text in (meta.title, scope.h1_text) if text}
    found = article_body(
        tree,
        url,
        exclude=related,
        jsonld=jsonld,
        hidden=rendered_hidden,
        noise=noise,
        # a leading paragraph that is the page's own standfirst is a field (subtitle), not body
        headlines=headlines | {meta.subtitle} if meta.subtitle else headlines,
        header=header,
        elements=elements,
    )
    body = "" if found.text in headlines else found.text  # nothing but the headline: no article text
    # the byline written as the story's last line: its author or source, never body
    names = cache(partial(page_names, jsonld, [meta.publisher, *metas.get("og:site_name", [])]))
    body, closing = closing_credit(body, found.credits, names)
    links = extract_links(tree, url, base=base, elements=elements)
    if found.source == "extractor":
        body = without_link_lists(body, {link["text"] for link in links})
    if paywalled or prompts:
        body = without_trailing_prompts(body)
    # the headline's wrapper is not article text, unless the body is in it (a short article in one block)
    start = " ".join(body.split()[:HEADER_CHECK_WORDS])
    if header and start and start in normalize_space(text_of(header[0])):
        header = []
    skip = related | noise | rendered_hidden | set(header)
    known = {*headlines, meta.subtitle or "", meta.description or ""}
    body, article_words, rejected = guard_body(
        tree, scope, body, found.source, hidden=hidden, skip=skip, known=known
    )
    if rejected:
        logger.debug("Body of %s is boilerplate (%d article words): left empty", url, article_words)
        closing = None  # a boilerplate block's last line names nobody of the article
    # the site's template (blocks recurring across its pages) never is body: the blocks of the article's
    # root (the headline's <article>, else <main>, else the page) are fingerprinted, for learning too
    units = page_units(scope.root if scope.root is not None else tree)
    dropped, with_template = 0, ""
    if options.template is not None and body:
        with_template = body
        body, dropped = without_template(body, template_texts(tree, units, options.template, key))
    source = found.source if body else ""
    # the story as the page's data states it: evidence of its length, and the body when the HTML lacks it
    story = find_story(
        tree,
        jsonld,
        jsonld_article_body(jsonld),
        headlines,
        meta.description or "",
        html_words=min(article_words, count_words(body, min(article_words, html_words_read(jsonld)))),
        scripts=elements["script"],
    )
    if prefer_story(body, story) and not (paywalled and body):  # a paywalled page's body is what it serves
        logger.debug("Body of %s from its %s data (%d words in the HTML)", url, story.source, article_words)
        paragraphs = story.text.split("\n\n")
        while len(paragraphs) > 1 and paragraphs[0] in known:
            paragraphs.pop(0)
        body, source, rejected = "\n\n".join(paragraphs), story.source, None
        body, story_closing = closing_credit(body, (), names)
        closing = story_closing or closing
    if closing is not None:  # the header's byline and "Source:" line come first
        meta.authors = with_closing(meta.authors, closing, names()[1])
        meta.source = meta.source or closing.source
    og_types = metas.get("og:type", [])
    is_hub = declares_hub(jsonld, og_types)
    return PageData(
        **vars(meta),
        body=body,
        article_words=article_words,
        body_source=source,
        story_words=story.words,
        body_rejected=rejected,
        read_also=merge_items(read_blocks),
        news_feed=merge_items(feed_blocks),
        structure=extract_outline(tree, hidden=rendered_hidden, elements=elements),
        content=visible_text_lines(tree, hidden=hidden),
        links=links,
        parts=article_parts(scope.root if scope.root is not None else tree, url),
        is_article=not is_hub and looks_like_article(jsonld, og_types, scope, meta, body),
        is_hub=is_hub,
        template_page=key,
        template_units=learnable(units) + title_suffixes(titles),
        template_dropped=dropped,
        body_with_template=with_template if dropped else "",
        body_units=line_units(body, units) if options.template is not None and body else b"",
    )
