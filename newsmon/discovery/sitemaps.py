"""Sitemaps (urlset, sitemap index, gzipped, Google News) read as a stream with bounded memory, keeping what
Scrapy's SitemapSpider drops: news:publication_date and news:title."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from datetime import UTC

from lxml import etree
from protego import Protego
from scrapy.utils.gz import gunzip

from newsmon.extract.dates import parse_machine_date, to_iso
from newsmon.extract.links import absolute_url

logger = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b"
MAX_ENTRIES = 50_000  # the sitemap protocol's own limit per file
MAX_UNZIPPED = 64 * 1024 * 1024  # a gzipped sitemap may unpack to this much (protocol: 50 MB)


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    lastmod: str | None = None  # ISO 8601 with offset
    news_title: str | None = None
    news_published_at: str | None = None  # ISO 8601 with offset (news:publication_date)


@dataclass
class SitemapResult:
    kind: str = ""  # "urlset" | "sitemapindex" | "" (not a sitemap)
    entries: list[SitemapEntry] = field(default_factory=list)  # urlset pages
    sitemaps: list[str] = field(default_factory=list)  # sitemapindex children
    error: str | None = None  # why parsing stopped early (the entries before it are kept)
    truncated: bool = False  # more than max_entries: the rest was not read


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _iso(text: str | None) -> str | None:
    value = parse_machine_date((text or "").strip(), UTC)
    return to_iso(value, UTC) if value else None


def unpack(body: bytes, max_size: int = MAX_UNZIPPED) -> bytes:
    """The XML of a sitemap that may be gzipped (a .xml.gz served without Content-Encoding)."""
    return gunzip(body, max_size=max_size) if body[:2] == GZIP_MAGIC else body


def _entry(element: etree._Element, base: str) -> SitemapEntry | None:
    values: dict[str, str] = {}
    for child in element.iter():
        name = _local(child.tag)
        if name in ("loc", "lastmod", "title", "publication_date") and child.text:
            values.setdefault(name, child.text.strip())
    url = absolute_url(values.get("loc"), base)
    if url is None:
        return None
    return SitemapEntry(
        url=url,
        lastmod=_iso(values.get("lastmod")),
        news_title=values.get("title") or None,
        news_published_at=_iso(values.get("publication_date")),
    )


def parse_sitemap(body: bytes, url: str, *, max_entries: int = MAX_ENTRIES) -> SitemapResult:
    """Entries of a sitemap or child sitemaps of an index. Entities are never expanded nor fetched; an
    ill-formed file keeps the entries read before the error."""
    result = SitemapResult()
    try:
        data = unpack(body)
    except OSError as exc:
        result.error = f"bad gzip: {exc}"
        return result
    events = etree.iterparse(
        io.BytesIO(data),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    depth = 0
    try:
        for event, element in events:
            if event == "start":
                depth += 1
                if depth == 1:
                    result.kind = (
                        _local(element.tag) if _local(element.tag) in ("urlset", "sitemapindex") else ""
                    )
                    if not result.kind:
                        result.error = f"not a sitemap (root <{_local(element.tag)}>)"
                        return result
                continue
            depth -= 1
            if depth != 1:
                continue
            name = _local(element.tag)
            if len(result.entries) + len(result.sitemaps) >= max_entries:
                result.truncated = True
                break
            entry = _entry(element, url) if name in ("url", "sitemap") else None
            if entry is not None and name == "url":
                result.entries.append(entry)
            elif entry is not None:
                result.sitemaps.append(entry.url)
            element.clear(keep_tail=False)  # bounded memory: forget what was read
            while element.getprevious() is not None:
                del element.getparent()[0]
    except etree.XMLSyntaxError as exc:
        result.error = f"ill-formed XML: {exc}"
    return result


def robots_sitemaps(robots_txt: str, base_url: str) -> list[str]:
    """Absolute URLs of the `Sitemap:` lines of a robots.txt."""
    urls = (absolute_url(line, base_url) for line in Protego.parse(robots_txt).sitemaps)
    return list(dict.fromkeys(u for u in urls if u))
