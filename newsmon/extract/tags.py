"""The page's visible tag list, learned from the page itself: which URLs are its tag (topic) hubs.

A tag hub is recognised by what points to it: a rel=tag link, a link whose text is one of the tags the page's
meta or structured data declare, a link in a container the CMS names for tags in its own language
("field--name-field-tags", "etiketler", "article__topics") or under a label ("Címkék:", "Témata:"), or a
link whose path names a tag hub in a common language (/tag/, /thema/, /etiket/, /tema/). The hub prefix
those links share (the path without its last segment; for a hub identified by a query, ``/Tag.aspx?t=3``,
``/search?tag=x``, the path and the query without its last value) is then the site's tag hub, and every
short link of the article to it is a tag. A pager (``?page=2``) is no tag: its links' texts are numbers or
"next", and neither names nor labels it for tags. Navigation, sidebars, teaser cards and comments never give
tags."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

from lxml.html import HtmlElement

from newsmon.extract import xpaths
from newsmon.extract.authors import dedupe_names, fold, in_comments, in_other_article, split_label
from newsmon.extract.scope import ArticleScope
from newsmon.extract.text import count_words, normalize_space, text_of

TAG_CLASS = re.compile(
    r"(?:^|[\s_-])(?:tags?|tag-?list|tagged|topics?|keywords?|schlagw\w*|stichw\w*|themen|etiquetas?|etiket\w*|"
    r"temas?|t[eé]mata|sujets?|mots?-cl[eé]s?|argomenti|cimk\w*|aihe\w*|emneord|trefwoord\w*|[sš]t[ií]tky|"
    r"tagi|teg[yi]?|теги|метки|теми|теги)(?:[\s_-]|$)",
    re.IGNORECASE,
)
HUB_WORDS = frozenset(
    [
        "tag", "tags", "topic", "topics", "thema", "themen", "schlagwort", "schlagworte", "stichwort",
        "etiqueta", "etiquetas", "etiket", "etiketler", "tema", "temas", "temi", "temata", "argomenti",
        "argomento", "sujet", "sujets", "mot-cle", "mots-cles", "cimke", "cimkek", "aihe", "aiheet", "tagi",
        "teg", "tegi", "temat", "stitek", "stitky", "trefwoord", "emne", "amne", "keyword", "keywords",
        "subject", "subjects", "теги", "тег", "тема", "теми", "темы",
    ]
)  # fmt: skip
_LABEL = re.compile(r"^[^\W\d_][^\W\d_ -]{1,20}(?:\s[^\W\d_]{1,20})?\s*[:：]$")
TAG_WORDS = 4  # a tag link's text: a few words (an article link reads as a headline)
_TAG_CHARS = 40
_CONTAINER_LEVELS = 3


@functools.cache
def _separators() -> re.Pattern[str]:
    """Every list separator of the world's scripts: the punctuation Unicode names a comma or a semicolon
    (, ; ، ؛ 、 ， ； ፣ ...), from the character database rather than a list (once, on first use)."""
    found = (
        chr(c)
        for c in range(0x10000)
        if unicodedata.category(chr(c)) == "Po"
        and {"COMMA", "SEMICOLON"} & set(unicodedata.name(chr(c), "").split())
    )
    return re.compile("[" + re.escape("".join(found)) + "]")


def split_keywords(value: str) -> list[str]:
    """A declared keyword list (``<meta name=keywords>``, JSON-LD ``keywords`` as one string) cut on every
    list separator of the world's scripts ("النقل، المياه", "道路、学校", "교육；예산")."""
    return [part for part in (normalize_space(p) for p in _separators().split(value)) if part]


def _query_hub(path: str, query: str) -> tuple[str, str] | None:
    """(hub prefix, last value) of a link to a hub identified by its query (``/Tag.aspx?t=3``: the prefix
    ``/tag.aspx?t=``, the value ``3``; ``/index.php?mod=tag&w=x``): the query without its last value."""
    head, sep, value = query.rpartition("=")
    if not sep or not value or "&" in value or not head.rpartition("&")[2]:
        return None
    return (path.casefold() or "/") + "?" + head.casefold() + "=", value


def _hub_words(prefix: str) -> set[str]:
    """The words a hub prefix names itself by: its last path segment (``/thema/``), and for a query hub
    that segment's stem and the query's keys (``/Tag.aspx?t=`` -> tag.aspx, tag, t)."""
    path, _, query = prefix.partition("?")
    last = path.strip("/").rsplit("/", 1)[-1]
    if not query:
        return {last}
    keys = {pair.partition("=")[0] for pair in query.split("&")}
    return {last, last.split(".", 1)[0], *keys}


def _hub(href: str, host: str) -> tuple[str, str] | None:
    """(hub prefix, last segment) of a same-site link with at least two path segments, or (path and query
    without its last value, that value) of a link to a query-identified hub (``_query_hub``); None for a
    fragment (a comment anchor) and other schemes. String operations only: this runs on every link."""
    if not href or "#" in href or href.startswith(("javascript:", "mailto:", "tel:", "data:")):
        return None
    if "://" in href or href.startswith("//"):
        scheme, _, rest = href.partition("//")
        if scheme not in ("", "http:", "https:"):
            return None
        netloc, slash, path = rest.partition("/")
        if netloc.rsplit("@", 1)[-1].split(":", 1)[0].lower() != host:
            return None
        href = slash + path
    elif ":" in href.split("/", 1)[0]:
        return None  # another scheme
    if "?" in href:
        path, _, query = (unquote(href) if "%" in href else href).partition("?")
        return _query_hub(path, query) if path else None  # "?page=2": this page's pager
    path = (unquote(href) if "%" in href else href).rstrip("/")
    prefix, _, last = path.rpartition("/")
    if not prefix.strip("/") or not last:
        return None
    return prefix.casefold() + "/", last


def _text(link: HtmlElement) -> str:
    """The tag a link names: no "#", no separators, no label inside the link ("Filed to: science")."""
    text = normalize_space(text_of(link)).lstrip("#").strip(" ,;·|")
    return split_label(text)[1].strip() if ":" in text or "：" in text else text


def _short(text: str) -> bool:
    return bool(text) and len(text.split()) <= TAG_WORDS and len(text) <= _TAG_CHARS


def _labelled(container: HtmlElement) -> bool:
    """The container's first text is a short label ending in a colon ("Címkék:"), not a link's."""
    for text in xpaths.select_text(xpaths.TEXT_NODES, container):
        parent = text.getparent()
        if parent is not None and (parent.tag == "a" or any(a.tag == "a" for a in parent.iterancestors())):
            return False
        return bool(_LABEL.match(normalize_space(str(text))))
    return False


def _hinted(link: HtmlElement) -> bool:
    """A rel=tag link, or one in a container named for tags or labelled ("Tags:") a few levels up."""
    if "tag" in (link.get("rel") or "").lower().split():
        return True
    element = link
    for _ in range(_CONTAINER_LEVELS):
        element = element.getparent()
        if element is None:
            return False
        marks = f"{element.get('class') or ''} {element.get('id') or ''}"
        if TAG_CLASS.search(marks) or _labelled(element):
            return True
    return False


# Links of the page's menus, header and footer: the site's sections, never tags. A sidebar's links are not: a
# "hot topics" box links the same tag hubs the article's list does.
_MENU_ROLES = frozenset({"navigation", "menu", "menubar", "banner", "contentinfo"})


def _in_menu(link: HtmlElement) -> bool:
    """In a <nav>, under a menu or banner role, or in a page's (not an article's) <header> or <footer>."""
    page_level = False  # a <header> or <footer> below, no <article> above it so far
    for ancestor in link.iterancestors():
        tag = ancestor.tag
        if tag == "nav" or ancestor.get("role") in _MENU_ROLES:
            return True
        if tag in ("header", "footer"):
            page_level = True
        elif tag == "article":
            page_level = False
    return page_level


def _menu_paths(scope: ArticleScope, paths: set[str]) -> set[str]:
    """Those of ``paths`` (``_path`` values, with the query when they have one) that a link of the page's
    menus (``_in_menu``) leads to. A path is part of its href: the page's hrefs are joined into one string,
    searched for each path in C, and only the few links holding it are climbed (the menus' links by an
    XPath of the page's roles and a walk of each menu cost a whole-page walk)."""
    anchors: list[HtmlElement] = []
    hrefs: list[str] = []
    for anchor in scope.elements["a"]:
        href = anchor.get("href")
        if href is not None:
            anchors.append(anchor)
            hrefs.append(href)
    joined = "\x00".join(hrefs)  # no attribute value holds a NUL: a path found lies in one href
    found: set[str] = set()
    for path in paths if hrefs else ():
        at = joined.find(path)
        while at >= 0:
            index = joined.count("\x00", 0, at)  # the href it is in
            if _path(hrefs[index], query="?" in path) == path and _in_menu(anchors[index]):
                found.add(path)
                break
            end = joined.find("\x00", at)
            at = joined.find(path, end + 1) if end >= 0 else -1
    return found


_OUTSIDE_TAGS = frozenset({"nav", "aside"})
_OUTSIDE_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "menu", "menubar"})


def _outside(link: HtmlElement) -> bool:
    """In navigation, a sidebar, or the page's (not the article's) header or footer; or in a heading (a
    teaser's title): one climb of the link's ancestors for both."""
    for ancestor in link.iterancestors():
        tag = ancestor.tag
        if tag in _OUTSIDE_TAGS or tag in xpaths.HEADING_TAGS or ancestor.get("role") in _OUTSIDE_ROLES:
            return True
        if tag in ("header", "footer") and not any(True for _ in ancestor.iterancestors("article")):
            return True
    return False


def _path(href: str, query: bool = False) -> str:
    """The path of a link, cheaply (no fragment, no scheme and host; no query unless ``query``)."""
    if "://" in href:
        href = "/" + href.split("/", 3)[3] if href.count("/") >= 3 else "/"
    href = href.split("#", 1)[0]
    return href if query and "?" in href else href.split("?", 1)[0].rstrip("/")


_INLINE = frozenset({"a", "span", "strong", "b", "em", "i", "small", "mark", "font"})
_PROSE_CHARS = 40


def _in_prose(link: HtmlElement, verdicts: dict[HtmlElement, bool]) -> bool:
    """A link inside a sentence (a tag hub linked from the article's prose), not in a list of links: its
    block holds more unlinked text than linked, beyond a label's length. ``verdicts``: the blocks already
    judged (a paragraph's links share its verdict: its text is read once)."""
    block = link.getparent()
    while block is not None and block.tag in _INLINE:
        block = block.getparent()
    if block is None or block.tag in ("li", "ul", "ol", "nav"):
        return False
    verdict = verdicts.get(block)
    if verdict is None:
        total = len(normalize_space(text_of(block)))
        linked = sum(len(normalize_space(text_of(a))) for a in block.iter("a"))
        verdict = verdicts[block] = total - linked > max(_PROSE_CHARS, linked)
    return verdict


_NOT_TAG_PAGES = frozenset({"feed", "rss", "atom", "amp", "print", "comments", "embed", "trackback"})
MAX_TAGS = 15  # more links than this to one hub is a tag cloud or an index, not the article's tags
_LISTS = frozenset({"ul", "ol", "div", "p", "section", "footer", "dl", "nav", "aside", "span"})


def _list_of(link: HtmlElement) -> HtmlElement | None:
    """The block holding a link and its neighbours: the list around a list item, else the nearest block."""
    element = link.getparent()
    while element is not None and element.tag in _INLINE:
        element = element.getparent()
    if element is not None and element.tag in ("li", "dd", "dt"):
        element = element.getparent()
    return element


def _tag_lists(
    links: list[tuple[HtmlElement, str, str]], known_keys: set[str], strong_only: bool
) -> list[str]:
    """Texts of the links of each block that reads as a tag list: its links share one hub, at most
    MAX_TAGS of them, and the hub is named for tags, declared, rel=tag or the block is named or labelled for
    tags (``strong_only``: only a declared tag or rel=tag counts, for blocks outside the article)."""
    blocks: dict[HtmlElement | None, list[tuple[HtmlElement, str, str]]] = {}
    for item in links:
        blocks.setdefault(_list_of(item[0]), []).append(item)
    tags: list[str] = []
    for items in blocks.values():
        prefixes = {prefix for _, prefix, _ in items}
        if len(prefixes) != 1 or len(items) > MAX_TAGS:
            continue
        (prefix,) = prefixes
        declared = any(fold(text) in known_keys for _, _, text in items)
        rel_tag = any(xpaths.has_rel(link, "tag") for link, _, _ in items)
        hub_word = bool(_hub_words(prefix) & HUB_WORDS)
        strong = declared or rel_tag
        # the block's own label or class names it: looked at only when nothing stronger decided
        if strong or (not strong_only and (hub_word or any(_hinted(link) for link, _, _ in items))):
            tags.extend(text for _, _, text in items)
    return tags


def _article_zone(scope: ArticleScope) -> HtmlElement | None:
    """The article's element: its root when that is an <article> or <main>, else the headline's nearest
    wrapper that holds paragraphs of text (a page without semantic markup)."""
    if scope.root is not None and scope.root.tag not in ("body", "html"):
        return scope.root
    if scope.h1 is None:
        return None
    for ancestor in scope.h1.iterancestors():
        if ancestor.tag in ("body", "html"):
            return None
        if sum(1 for p in ancestor.iter("p") if count_words(text_of(p), 8) >= 8) >= 3:
            return ancestor
    return None


def _has_rel_tags(scope: ArticleScope) -> bool:
    """Whether a link of the page (``scope.elements``) is rel=tag."""
    return any(xpaths.has_rel(a, "tag") for a in scope.elements["a"])


def _tag_links(
    links: Iterable[HtmlElement], scope: ArticleScope, host: str, known_keys: set[str]
) -> list[tuple[HtmlElement, str, str]]:
    """(link, hub prefix, tag text) of the links that may be tags, cheapest tests first; the menus' links
    (a walk of the whole page) are only read when a link passed every other test."""
    found: list[tuple[HtmlElement, str, str]] = []
    prose: dict[HtmlElement, bool] = {}
    comments: dict[HtmlElement, bool] = {}  # in_comments verdicts of the ancestors walked
    pagers: set[str] = set()  # query hubs linked by a page number
    for link in links:
        href = link.get("href") or ""
        hub = _hub(href, host)
        if hub is None:
            continue
        prefix, last = hub
        trimmed = prefix.rstrip("/")
        if (
            trimmed.rsplit("/", 1)[-1].isdigit()
            or last.casefold() in _NOT_TAG_PAGES
            or "category" in (link.get("rel") or "").lower()
        ):
            continue  # a dated story, the page's feed, a category
        text = _text(link)
        if not _short(text) or not any(ch.isalpha() for ch in text):
            if "?" in prefix and text.isdigit():
                pagers.add(prefix)  # "1 2 3 next" by ?page=N: none of its links is a tag
            continue
        if _outside(link):
            continue  # navigation, sidebars, the page's header and footer; a teaser's heading
        if in_comments(link, comments) or in_other_article(link, scope) or _in_prose(link, prose):
            continue
        found.append((link, prefix, text))
    if pagers:
        found = [item for item in found if item[1] not in pagers]
    # a section the menu links (a "Category:" line) is not a tag, unless the page declares it one; a hub
    # named by its query (/Tag.aspx?t=5) is told apart by it
    undeclared = {
        i: _path(item[0].get("href") or "", query=True)
        for i, item in enumerate(found)
        if fold(item[2]) not in known_keys
    }
    if undeclared:
        menus = _menu_paths(scope, set(undeclared.values()))
        found = [item for i, item in enumerate(found) if undeclared.get(i) not in menus]
    return found


def _in_strong_blocks(links: list[HtmlElement], host: str, known_keys: set[str]) -> list[HtmlElement]:
    """The links of the blocks (``_list_of``) holding a link to a hub that is rel=tag or names a declared
    tag: outside the article only those blocks can be tag lists (``_tag_lists``, ``strong_only``), so the
    other links need none of ``_tag_links``' tests (each climbs the link's ancestors)."""
    if known_keys:
        blocks = {
            _list_of(link)
            for link in links
            if _hub(link.get("href") or "", host) is not None
            and (xpaths.has_rel(link, "tag") or fold(_text(link)) in known_keys)
        }
    else:  # rel=tag only: the cheaper test first
        blocks = {
            _list_of(link)
            for link in links
            if xpaths.has_rel(link, "tag") and _hub(link.get("href") or "", host)
        }
    return [link for link in links if _list_of(link) in blocks] if blocks else []


def visible_tags(scope: ArticleScope, url: str, known: list[str], hints: Iterable[str] = ()) -> list[str]:
    """Texts of the article's tag list(s) (learned as the module says), in page order: the article's own,
    else a list elsewhere in the page (outside navigation, sidebars and cards) that holds a declared tag or
    rel=tag links (looked for only when the page declares tags or has rel=tag links). ``hints``: words the
    page names itself by less surely (its keywords meta), which declare a tag link inside the article only."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    here = _path(parts.path).casefold()
    # the page itself with other parameters (?page=2, &share=x): by path, or by path and its own query
    itself = f"{here}?{parts.query.casefold()}&" if parts.query else f"{here}?"
    known_keys = {fold(tag) for tag in known}
    article = _article_zone(scope)

    def usable(items: list[tuple[HtmlElement, str, str]]) -> list[tuple[HtmlElement, str, str]]:
        # the page's own parts and anything under its path are no tag hubs
        return [
            i
            for i in items
            if i[1].rstrip("/") not in (here, "")
            and not i[1].startswith(here + "/")
            and not i[1].startswith(itself)
        ]

    inner_keys = known_keys | {fold(word) for word in hints}
    own = usable(_tag_links(article.iter("a"), scope, host, inner_keys)) if article is not None else []
    tags = _tag_lists(own, inner_keys, strong_only=False) if own else []
    if not tags and (known_keys or _has_rel_tags(scope)):
        inside = {item[0] for item in own}
        links = _in_strong_blocks([a for a in scope.elements["a"] if a not in inside], host, known_keys)
        tags = _tag_lists(usable(_tag_links(links, scope, host, known_keys)), known_keys, strong_only=True)
    return dedupe_names(tags)
