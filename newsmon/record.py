"""Build a record from one page: the spider and `newsmon extract` share this, so both give the same output."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from newsmon.extract.template import TemplateView, core_lines
from newsmon.extract.types import PageData, RelatedItem
from newsmon.items import ArticleRecord
from newsmon.meta import Tier
from newsmon.urls import DEFAULT_TRACKING_PARAMS, SiteScope, canonicalize


def content_hash(body: str) -> str:
    """sha256 of the body with Unicode and whitespace normalised, so cosmetic changes are not revisions."""
    # str.split() and the regex \s agree on what whitespace is: the same as \s+ -> " " and strip(), in C
    normal = " ".join(unicodedata.normalize("NFKC", body).split()).lower()
    return "sha256:" + hashlib.sha256(normal.encode("utf-8")).hexdigest()


def record_id(canonical_url: str) -> str:
    """The article's stable id: base64url (``[A-Za-z0-9_-]``, 22 characters) of the first 128 bits of the
    SHA-256 of its canonical URL. Depends on nothing else, so every run, site config, spider and state
    backend gives the same id to the same article, and a search index or database can key on it;
    ``(id, version)`` names one emitted version."""
    digest = hashlib.sha256(canonical_url.encode("utf-8")).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


@dataclass(frozen=True)
class FetchInfo:
    """How the page was reached and fetched; everything in a record that does not come from the HTML."""

    url: str
    http_status: int = 200
    fetcher_tier: str = Tier.PLAIN
    discovered_via: str = "start_url"
    referrer: str | None = None
    depth: int = 0
    spider: str = "newsmon"
    site: str = ""  # the site config's name (the spider's name when empty)
    fetch_reason: str | None = None
    scraped_at: str | None = None
    published_hint: str | None = None  # what a hub said (news sitemap); used when the page has no date
    warc: tuple[str, str] | None = None  # (WARC file, WARC-Record-ID) of the response, when archiving


def _identity(canonical: str) -> str:
    """What makes two canonical URLs the same page for related links: the trailing slash aside."""
    parts = urlsplit(canonical)
    return f"{parts.netloc}{parts.path.rstrip('/')}?{parts.query}"


def canonical_url_for(
    page: PageData, url: str, scope: SiteScope, tracking: tuple[str, ...] = DEFAULT_TRACKING_PARAMS
) -> str:
    """rel=canonical when it points to the same site (mapped onto the crawl origin), else the fetched URL."""
    target = url
    if page.canonical_href:
        local = scope.localize(urljoin(url, page.canonical_href))
        if local is not None:
            target = local
    return canonicalize(target, tracking)


# PageData.body_source (the extractor's finer names) -> the record's body_source
_BODY_SOURCES = {"jsonld": "jsonld", "embedded": "embedded"}


def record_body_source(source: str) -> str:
    """The record's ``body_source``: "jsonld" (JSON-LD articleBody), "embedded" (a front-end framework's
    embedded state), else "html" (the page's markup: the extractor or the main container's paragraphs)."""
    return _BODY_SOURCES.get(source, "html")


def build_record(
    page: PageData,
    fetch: FetchInfo,
    scope: SiteScope,
    tracking: tuple[str, ...] = DEFAULT_TRACKING_PARAMS,
    resolve: Callable[[str], str | None] | None = None,
    template: TemplateView | None = None,
) -> ArticleRecord:
    """Combine page data and fetch metadata; related URLs get the same canonical form as `canonical_url`,
    and a related link to the page itself (under a host alias, with tracking parameters, with or without
    the trailing slash, or to the URL it was fetched as) is dropped. ``resolve``: the canonical URL a
    related URL is known to lead to (the state store's redirects and aliases); the item's ``url`` is then
    that one, joinable on ``canonical_url``, and ``linked_url`` keeps what the page linked. ``template``:
    the site template the crawl has learned so far (``BodyLines``)."""
    canonical = canonical_url_for(page, fetch.url, scope, tracking)
    fetched = scope.localize(fetch.url)
    itself = {_identity(canonical)} | ({_identity(canonicalize(fetched, tracking))} if fetched else set())

    def local(items: list[RelatedItem]) -> list[RelatedItem]:
        out: list[RelatedItem] = []
        seen = set(itself)
        for item in items:
            mapped = scope.localize(item["url"])
            if mapped is None:
                continue
            linked = canonicalize(mapped, tracking)
            known = resolve(linked) if resolve is not None else None
            url = known or linked
            if _identity(url) in seen or _identity(linked) in seen:
                continue
            seen.add(_identity(url))
            related: RelatedItem = {"url": url, "title": item["title"]}
            if url != linked:
                related["linked_url"] = linked
            out.append(related)
        return out

    record = ArticleRecord(
        id=record_id(canonical),
        url=fetch.url,
        canonical_url=canonical,
        domain=(urlsplit(fetch.url).hostname or "").lower(),
        scraped_at=fetch.scraped_at or datetime.now(UTC).isoformat(),
        http_status=fetch.http_status,
        fetcher_tier=fetch.fetcher_tier,
        type="news",
        discovered_via=fetch.discovered_via,
        referrer=fetch.referrer,
        depth=fetch.depth,
        spider=fetch.spider,
        site=fetch.site or fetch.spider,
        title=page.title,
        subtitle=page.subtitle,
        authors=list(page.authors),
        section=page.section,
        tags=list(page.tags),
        language=page.language,
        published_at=page.published_at
        if page.published_at and not page.published_from_url
        else fetch.published_hint or page.published_at,
        modified_at=page.modified_at,
        body=page.body,
        read_also=local(page.read_also),
        structure=page.structure,
        content=page.content,
        links=page.links,
        content_hash=content_hash(page.body),
        version=1,
        fetch_reason=fetch.fetch_reason,
        news_feed=local(page.news_feed),
        warc_file=fetch.warc[0] if fetch.warc else None,
        warc_record_id=fetch.warc[1] if fetch.warc else None,
        description=page.description,
        image=page.image,
        publisher=page.publisher,
        source=page.source,
        is_accessible_for_free=page.is_accessible_for_free,
        body_source=record_body_source(page.body_source),
    )
    if page.template_dropped and page.body_with_template:
        set_template_equivalent(record, content_hash(page.body_with_template))
    if page.body_units:
        setattr(record, BODY_LINES, BodyLines(page.body_units, template, page.template_page))
    return record


TEMPLATE_EQUIVALENT = "_newsmon_template_equivalent"  # an attribute, not a field: never exported


def set_template_equivalent(record: ArticleRecord, digest: str) -> None:
    """The hash the record's body had before the site template took lines out of it. A revisit whose body
    differs from the stored one only because the template learned those lines since (they were body when
    the article was emitted) is the same article text: no new version (pipelines/cross_run.py)."""
    setattr(record, TEMPLATE_EQUIVALENT, digest)


def template_equivalent(item: object) -> str | None:
    value = getattr(item, TEMPLATE_EQUIVALENT, None)
    return value if isinstance(value, str) else None


# --- field presets (NEWSMON_RECORD_FIELDS) ------------------------------------------------------------
#: What the "article" preset leaves out: the page around the article (every link, every visible line, the
#: heading outline, the site's news sidebar), most of a record's size (docs/feeds-and-api.md has numbers).
PAGE_FIELDS = ("links", "content", "structure", "news_feed")
FIELD_PRESETS = ("full", "article")


def record_fields(preset: str) -> list[str] | None:
    """The fields a preset exports, in the record's order (None: every field, the full record). Read from
    the record's own fields, so a field added to it joins the article preset unless it is a page field."""
    if preset == "full":
        return None
    if preset != "article":
        raise ValueError(f"NEWSMON_RECORD_FIELDS={preset!r}: must be one of {', '.join(FIELD_PRESETS)}")
    return [f.name for f in dataclasses.fields(ArticleRecord) if f.name not in PAGE_FIELDS]


def select_fields(record: dict[str, object], preset: str) -> dict[str, object]:
    """The record as the preset exports it (what a feed with FEED_EXPORT_FIELDS set from it writes)."""
    names = record_fields(preset)
    return record if names is None else {k: record[k] for k in names if k in record}


BODY_LINES = "_newsmon_body_lines"  # an attribute, not a field: never exported


@dataclass(frozen=True)
class BodyLines:
    """The record's body lines with the page block each came from (``template.line_units``), and the site
    template the crawl knew when it built the record. The state store keeps ``units`` with the version; a
    revisit whose body differs from the stored one only by lines whose block is template by now (a block
    learned after the article was emitted, and changed since by a publication) is the same article text:
    no new version (pipelines/cross_run.py)."""

    units: bytes
    view: TemplateView | None
    page: int

    def same_text(self, stored: bytes) -> bool:
        """``stored`` (an earlier version's units) holds the same article lines as this body, once every
        line whose block is template in today's view is left out of both."""
        if self.view is None or not stored:
            return False
        core = core_lines(self.units, self.view, self.page)
        return bool(core) and core == core_lines(stored, self.view, self.page)


def body_lines(item: object) -> BodyLines | None:
    value = getattr(item, BODY_LINES, None)
    return value if isinstance(value, BodyLines) else None
