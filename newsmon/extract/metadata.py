"""Article fields from the strongest signal: JSON-LD, then OpenGraph/article meta, then visible markup."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, tzinfo
from typing import Any

from lxml.html import HtmlElement

from newsmon.extract import xpaths
from newsmon.extract.authors import clean_author, dedupe_names, find_authors, find_source
from newsmon.extract.dates import (
    date_from_text,
    date_from_url,
    dateparser_languages,
    get_timezone,
    parse_machine_date,
    parse_relative_date,
    parse_text_date_timed,
    to_iso,
)
from newsmon.extract.jsonld import JsonLd, parse_jsonld, text_values
from newsmon.extract.links import absolute_url, document_base
from newsmon.extract.scope import ArticleScope, find_scope
from newsmon.extract.tags import split_keywords, visible_tags
from newsmon.extract.text import normalize_space, text_of
from newsmon.extract.titles import clean_text, extract_title, unescape_entities
from newsmon.extract.types import ArticleMetadata, ExtractOptions

logger = logging.getLogger(__name__)

__all__ = ["clean_author", "extract_metadata", "normalize_language", "read_meta"]

_LANG = re.compile(r"^([a-z]{2,3})(?:[-_]([a-z]{4}))?(?:[-_]([a-z]{2}|\d{3}))?(?:[-_].*)?$", re.I)
_PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "og:published_time", "datepublished",
    "date", "pubdate", "publishdate", "publish-date", "publish_date", "dc.date", "dc.date.issued",
    "dcterms.created", "dcterms.issued", "sailthru.date", "parsely-pub-date", "article.published",
)  # fmt: skip
_MODIFIED_META = (
    "article:modified_time", "og:article:modified_time", "og:updated_time", "datemodified",
    "last-modified", "dcterms.modified", "dc.date.modified", "article.updated",
)  # fmt: skip
_AUTHOR_META = ("article:author", "author", "byl", "dc.creator", "parsely-author", "sailthru.author")
_MODIFIED_HINT = re.compile(r"updated|modified", re.I)


def read_meta(tree: HtmlElement, elements: xpaths.PageElements | None = None) -> dict[str, list[str]]:
    """<meta> contents by lowercased property/name/itemprop/http-equiv, in document order; ``elements``:
    ``xpaths.page_elements(tree)`` when the caller has them (``ArticleScope.elements``)."""
    metas: dict[str, list[str]] = {}
    for meta in elements["meta"] if elements is not None else xpaths.select(xpaths.META, tree):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or meta.get("http-equiv")
        content = normalize_space(meta.get("content"))
        if key and content:
            metas.setdefault(key.strip().lower(), []).append(content)
    return metas


def normalize_language(value: str | None) -> str | None:
    """ "en", "en-US", "zh-Hant-TW" from html[lang]/og:locale spellings ("en_us", "EN"), else None."""
    match = _LANG.match((value or "").strip())
    if match is None:
        return None
    lang, script, region = match.groups()
    parts = [lang.lower(), script.title() if script else None, region.upper() if region else None]
    return "-".join(p for p in parts if p)


def _section(metas: dict[str, list[str]], jsonld: JsonLd, scope: ArticleScope) -> str | None:
    article = jsonld.article or {}
    for value in (*text_values(article.get("articleSection")), *metas.get("article:section", [])):
        return value
    return next((text for text in scope.category_links() if text), None)


def _tags(metas: dict[str, list[str]], jsonld: JsonLd, scope: ArticleScope, url: str) -> list[str]:
    """Declared tags (article:tag, JSON-LD keywords), then the page's visible tag list (tags.py), which
    the keywords meta helps recognise (its words name tags, but sites fill it for search engines: never
    tags by itself). Keyword lists are cut on every script's list separators (``split_keywords``)."""
    article = jsonld.article or {}
    keywords = article.get("keywords")
    if isinstance(keywords, str):
        keywords = split_keywords(keywords)
    declared = [normalize_space(t) for t in [*metas.get("article:tag", []), *text_values(keywords)]]
    declared = [t for t in declared if t]
    hints = [
        word
        for key in ("keywords", "news_keywords")
        for v in metas.get(key, [])
        for word in split_keywords(v)
    ]
    return dedupe_names([*declared, *scope.tag_links(), *visible_tags(scope, url, declared, hints)])


def _language(tree: HtmlElement, metas: dict[str, list[str]], jsonld: JsonLd) -> str | None:
    article = jsonld.article or jsonld.webpage or {}
    for value in (
        *(str(v) for v in xpaths.select_text(xpaths.HTML_LANG, tree)),
        *metas.get("og:locale", []),
        *text_values(article.get("inLanguage")),
        *metas.get("content-language", []),
        *metas.get("language", []),
    ):
        lang = normalize_language(value)
        if lang:
            return lang
    return None


def _date(
    jsonld_keys: tuple[str, ...],
    meta_keys: tuple[str, ...],
    metas: dict[str, list[str]],
    jsonld: JsonLd,
    tz: tzinfo,
) -> datetime | None:
    for node in (jsonld.article, jsonld.webpage):
        for key in jsonld_keys:
            for value in text_values((node or {}).get(key)):
                parsed = parse_machine_date(value, tz)
                if parsed is not None:
                    return parsed
    for key in meta_keys:
        for value in metas.get(key, []):
            parsed = parse_machine_date(value, tz)
            if parsed is not None:
                return parsed
    return None


def _description(metas: dict[str, list[str]], jsonld: JsonLd) -> str | None:
    article = jsonld.article or jsonld.webpage or {}
    for value in (
        *text_values(article.get("description")),
        *metas.get("og:description", []),
        *metas.get("twitter:description", []),
        *metas.get("description", []),
        *metas.get("dc.description", []),
    ):
        text = clean_text(value)
        if text:
            return text
    return None


def _image_urls(value: Any, jsonld: JsonLd) -> list[str]:
    """URLs of a schema.org image value: a URL, an ImageObject (url / contentUrl), or a list of them."""
    urls = []
    for item in value if isinstance(value, list) else [value]:
        item = jsonld.resolve(item)
        if isinstance(item, dict):
            item = item.get("url") or item.get("contentUrl")
        if isinstance(item, str) and item.strip():
            urls.append(item.strip())
    return urls


def _image(base: str, metas: dict[str, list[str]], jsonld: JsonLd) -> str | None:
    article = jsonld.article or jsonld.webpage or {}
    for value in (
        *_image_urls(article.get("image"), jsonld),
        *metas.get("og:image:secure_url", []),
        *metas.get("og:image", []),
        *metas.get("og:image:url", []),
        *metas.get("twitter:image", []),
        *metas.get("twitter:image:src", []),
    ):
        absolute = absolute_url(value, base)  # http(s) only
        if absolute:
            return absolute
    return None


def _publisher(metas: dict[str, list[str]], jsonld: JsonLd) -> str | None:
    article = jsonld.article or jsonld.webpage or {}
    names = [
        *text_values(article.get("publisher"), jsonld),
        *metas.get("og:site_name", []),
        *(name for name in jsonld.site_names()),
        *metas.get("application-name", []),
    ]
    return next((normalize_space(n) for n in names if normalize_space(n)), None)


_FREE_WORDS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
# OpenGraph article:content_tier (also a <meta name>): what Google News and Facebook read for paywalls.
_CONTENT_TIERS = {"free": True, "metered": False, "locked": False}


def _accessible_for_free(metas: dict[str, list[str]], jsonld: JsonLd) -> bool | None:
    """False when the page declares its article paywalled (locked or metered), True when it declares it
    free, None when it says nothing."""
    for node in (jsonld.article, jsonld.webpage):
        value = (node or {}).get("isAccessibleForFree")
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _FREE_WORDS:
            return _FREE_WORDS[value.strip().lower()]
    for key in ("article:content_tier", "og:article:content_tier", "isaccessibleforfree"):
        for value in metas.get(key, []):
            word = value.strip().lower()
            if word in _CONTENT_TIERS:
                return _CONTENT_TIERS[word]
            if word in _FREE_WORDS:
                return _FREE_WORDS[word]
    return None


_DATE_CONTEXT_CHARS = 100  # an element around a date text that may hold its time ("<span>14:05</span>")


def _with_time(
    text: str, element: HtmlElement | None, tz: tzinfo, dayfirst: bool, languages: tuple[str, ...] | None
) -> datetime | None:
    """The date in ``text``; when it has no time of day, the same date with the time its element or the
    element's parent writes beside it ("<span>12 березня 2026</span>, <span>14:05</span>")."""
    found = parse_text_date_timed(text, tz, dayfirst=dayfirst, languages=languages)
    if found is None:
        return None
    value, timed = found
    while not timed and element is not None:
        context = normalize_space(text_of(element))
        if len(context) > _DATE_CONTEXT_CHARS:
            break
        wider = parse_text_date_timed(context, tz, dayfirst=dayfirst, languages=languages)
        if wider is not None and wider[1] and wider[0].date() == value.date():
            return wider[0]
        element = element.getparent()
    return value


def _visible_dates(
    scope: ArticleScope,
    tz: tzinfo,
    options: ExtractOptions,
    language: str | None,
    known: tuple[datetime | None, datetime | None] = (None, None),
) -> tuple[datetime | None, datetime | None]:
    """(published, modified) from <time> elements, then date-like text around the headline (in any
    language, dateparser knowing the month names), then a relative date ("vor 3 Stunden") there.
    ``known``: the (published, modified) the page's structured data gave, kept: the text is not read for
    them (dateparser is the costliest part of the metadata)."""
    dayfirst, languages = options.dayfirst, dateparser_languages(language)
    published, modified = known
    times = scope.times()
    for time in times:
        if published is not None and modified is not None:
            break
        hint = " ".join(filter(None, (time.get("class"), time.get("itemprop"))))
        is_modified = _MODIFIED_HINT.search(hint) is not None
        if (modified if is_modified else published) is not None:
            continue  # the side this element would give is known already
        value = parse_machine_date(time.get("datetime"), tz) or _with_time(
            text_of(time), time, tz, dayfirst, languages
        )
        if value is None:
            continue
        if is_modified:
            modified = value
        else:
            published = value
    if published is None:
        texts = list(scope.date_texts())
        for text, element in texts:
            published = _with_time(text, element, tz, dayfirst, languages)
            if published is not None:
                break
        else:
            now = options.fetched_at or datetime.now(UTC)
            for text in [text_of(t) for t in times] + [text for text, _ in texts]:
                published = parse_relative_date(text, tz, now, languages)
                if published is not None:
                    break
    return published, modified


def extract_metadata(
    tree: HtmlElement,
    url: str,
    options: ExtractOptions | None = None,
    *,
    jsonld: JsonLd | None = None,
    scope: ArticleScope | None = None,
    metas: dict[str, list[str]] | None = None,
    base: str | None = None,
) -> ArticleMetadata:
    """Title, subtitle, authors, section, tags, language, dates and canonical link of a page.

    ``jsonld``, ``scope``, ``metas``: ``parse_jsonld(tree)``, ``find_scope(tree)``, ``read_meta(tree)``
    when the caller has them already; ``base``: ``document_base(tree, url)``, likewise (a page walk)."""
    options = options or ExtractOptions()
    tz = get_timezone(options.default_timezone)
    jsonld = jsonld if jsonld is not None else parse_jsonld(tree)
    scope = scope if scope is not None else find_scope(tree)
    metas = metas if metas is not None else read_meta(tree)
    base = base if base is not None else document_base(tree, url)
    published = _date(("datePublished", "dateCreated"), _PUBLISHED_META, metas, jsonld, tz)
    modified = _date(("dateModified",), _MODIFIED_META, metas, jsonld, tz)
    language = _language(tree, metas, jsonld)
    if published is None or modified is None:
        published, modified = _visible_dates(scope, tz, options, language, (published, modified))
    from_url = published is None
    if from_url:
        published = date_from_url(url, tz)
    if published is None:  # nothing machine-readable, no dated URL: dates written out, in any language
        published = date_from_text(tree, tz)
        from_url = False
    article = jsonld.article or {}
    description = _description(metas, jsonld)
    subtitle = (
        next(iter(text_values(article.get("alternativeHeadline"))), None)
        or scope.standfirst()
        or scope.described_lead(unescape_entities(description or ""))
    )
    canonical = next((href for href in scope.canonical_hrefs()), None)
    return ArticleMetadata(
        title=extract_title(tree, metas, jsonld, scope, url, base=base),
        subtitle=normalize_space(unescape_entities(subtitle or "")) or None,
        authors=find_authors(metas, jsonld, scope, _AUTHOR_META),
        source=find_source(scope),
        section=_section(metas, jsonld, scope),
        tags=_tags(metas, jsonld, scope, url),
        language=language,
        published_at=to_iso(published, tz) if published else None,
        published_from_url=from_url and published is not None,
        modified_at=to_iso(modified, tz) if modified else None,
        canonical_href=absolute_url(canonical, base) if canonical else None,
        amp=tree.get("amp") is not None or tree.get("\u26a1") is not None,
        description=description,
        image=_image(base, metas, jsonld),
        publisher=_publisher(metas, jsonld),
        is_accessible_for_free=_accessible_for_free(metas, jsonld),
    )
