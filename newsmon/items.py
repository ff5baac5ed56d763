"""The article record: one JSON object per article, field names fixed because archives depend on them."""

from __future__ import annotations

from dataclasses import dataclass, field

from newsmon.extract.types import HeadingNode, LinkItem, RelatedItem


@dataclass
class ArticleRecord:
    """See the README's "The record" table; newsmon/schema/record.schema.json is the contract."""

    id: str  # stable, URL-safe article id from canonical_url (newsmon.record.record_id); (id, version) unique
    url: str  # the URL fetched (final, after redirects)
    canonical_url: str  # dedupe key: w3lib canonical, no tracking params or fragment, rel=canonical honoured
    domain: str  # host of url
    scraped_at: str  # UTC ISO 8601 with offset
    http_status: int
    fetcher_tier: str  # PLAIN | STEALTHY
    type: str  # "news"
    discovered_via: str  # rss | atom | json_feed | category | sitemap | read_also | news_feed | start_url
    referrer: str | None  # page that led here
    depth: int  # hops from a hub (an article listed on a feed or category page has depth 1)
    spider: str
    site: str  # the site config's name: what keys the state, output and monitors of the site
    title: str | None
    subtitle: str | None
    authors: list[str]
    section: str | None
    tags: list[str]
    language: str | None
    published_at: str | None
    modified_at: str | None
    body: str
    read_also: list[RelatedItem]
    structure: list[HeadingNode]
    content: list[str]
    links: list[LinkItem]
    content_hash: str
    version: int = 1
    fetch_reason: str | None = None  # why this tier was used (set by the tier policy)
    news_feed: list[RelatedItem] = field(default_factory=list)
    previous_hash: str | None = None  # content_hash of the previous version (null on version 1)
    warc_file: str | None = None  # WARC file (name in NEWSMON_WARC_DIR) holding the fetched response
    warc_record_id: str | None = None  # its WARC-Record-ID (<urn:uuid:...>); null when not archiving
    description: str | None = None  # the page's own summary (JSON-LD description, og/meta description)
    image: str | None = None  # lead image URL (JSON-LD image, og:image)
    publisher: str | None = None  # JSON-LD publisher name, else og:site_name
    source: str | None = None  # a "Source: <agency>" line's or the closing credit's agency; never an author
    is_accessible_for_free: bool | None = None  # False: paywalled; null: the page does not say
    body_source: str = "html"  # html | jsonld | embedded: where body was read (README "The record")
