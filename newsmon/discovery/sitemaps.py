"""Sitemaps (urlset, sitemap index, gzipped, Google News) read as a stream with bounded memory, keeping what
Scrapy's SitemapSpider drops: news:publication_date and news:title. An index's children are ordered newest
first."""

from __future__ import annotations

import gzip
import io
import logging
import re
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from lxml import etree
from protego import Protego

from newsmon.extract.dates import parse_machine_date, to_iso
from newsmon.extract.links import absolute_url

logger = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b"
MAX_ENTRIES = 50_000  # the sitemap protocol's own limit per file
MAX_UNZIPPED = 64 * 1024 * 1024  # a gzipped sitemap may unpack to this much (protocol: 50 MB)
_CHUNK = 64 * 1024
# A date in a child sitemap's path: sitemap-2026-03.xml, /sitemaps/2026/03/11.xml, post-20260311.xml
_PATH_DATE = re.compile(
    r"(?<!\d)(?P<year>(?:19|20)\d{2})(?:[-_/.]?(?P<month>0[1-9]|1[0-2])(?:[-_/.]?(?P<day>0[1-9]|[12]\d|3[01]))?)?(?!\d)"
)
_LAST_NUMBER = re.compile(r"(\d+)\D*$")  # post-sitemap12.xml, wp-sitemap-posts-post-3.xml


class SitemapTooLarge(Exception):
    """A gzipped sitemap unpacks to more than the limit (a decompression bomb)."""


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
    children: list[SitemapEntry] = field(default_factory=list)  # sitemapindex children, in document order
    error: str | None = None  # why parsing stopped early (the entries before it are kept)
    truncated: bool = False  # more than max_entries: the rest was not read
    too_large: bool = False  # gzipped and unpacking past the size limit: the rest was not read

    @property
    def sitemaps(self) -> list[str]:
        """URLs of the index's children, in document order."""
        return [child.url for child in self.children]


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _iso(text: str | None) -> str | None:
    value = parse_machine_date((text or "").strip(), UTC)
    return to_iso(value, UTC) if value else None


class _BoundedGunzip:
    """A gzipped body unpacked as it is read, raising SitemapTooLarge past max_size bytes (the parser reads
    it in chunks: memory stays bounded whatever the bomb)."""

    def __init__(self, body: bytes, max_size: int) -> None:
        self._file = gzip.GzipFile(fileobj=io.BytesIO(body))
        self._left = max_size
        self.max_size = max_size

    def read(self, size: int = -1) -> bytes:
        chunk = self._file.read(min(size, _CHUNK) if size > 0 else _CHUNK)
        self._left -= len(chunk)
        if self._left < 0:
            raise SitemapTooLarge(f"unpacks to more than {self.max_size} bytes")
        return chunk


def open_sitemap(body: bytes, max_size: int = MAX_UNZIPPED) -> io.BytesIO | _BoundedGunzip:
    """The XML of a sitemap that may be gzipped (a .xml.gz served without Content-Encoding), as a stream."""
    return _BoundedGunzip(body, max_size) if body[:2] == GZIP_MAGIC else io.BytesIO(body)


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


def parse_sitemap(
    body: bytes, url: str, *, max_entries: int = MAX_ENTRIES, max_unzipped: int = MAX_UNZIPPED
) -> SitemapResult:
    """Entries of a sitemap or child sitemaps of an index. Entities are never expanded nor fetched; an
    ill-formed, cut or too large (gzip bomb) file keeps the entries read before the error."""
    result = SitemapResult()
    events = etree.iterparse(
        open_sitemap(body, max_unzipped),
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
            if len(result.entries) + len(result.children) >= max_entries:
                result.truncated = True
                break
            entry = _entry(element, url) if name in ("url", "sitemap") else None
            if entry is not None and name == "url":
                result.entries.append(entry)
            elif entry is not None:
                result.children.append(entry)
            element.clear(keep_tail=False)  # bounded memory: forget what was read
            while element.getprevious() is not None:
                del element.getparent()[0]
    except etree.XMLSyntaxError as exc:
        result.error = f"ill-formed XML: {exc}"
    except SitemapTooLarge as exc:
        result.too_large = True
        result.error = f"gzip bomb: {exc}"
    except (OSError, EOFError, zlib.error, struct.error) as exc:  # a cut or corrupt gzip stream
        result.error = f"bad gzip: {exc}"
    return result


def _path_date(path: str) -> datetime | None:
    """The last date in a path (a year in a directory name comes before the file's own date)."""
    matches = list(_PATH_DATE.finditer(path))
    if not matches:
        return None
    match = matches[-1]
    return datetime(int(match["year"]), int(match["month"] or 1), int(match["day"] or 1), tzinfo=UTC)


def newest_first(children: Sequence[SitemapEntry]) -> list[SitemapEntry]:
    """An index's children in the order to read them: those with nothing to tell their age by (no
    <lastmod>, no date, no number: a news or pages sitemap) first, in document order; then the dated ones
    newest first (by <lastmod>, else a date in the path); then numbered ones highest number first
    (post-sitemap12.xml before post-sitemap11.xml: WordPress and Yoast number their oldest posts 1)."""
    unknown: list[SitemapEntry] = []
    dated: list[tuple[datetime, int, SitemapEntry]] = []
    numbered: list[tuple[int, int, SitemapEntry]] = []
    for index, child in enumerate(children):
        when = datetime.fromisoformat(child.lastmod) if child.lastmod else None
        path = urlsplit(child.url).path if when is None else ""
        when = when or _path_date(path)
        number = _LAST_NUMBER.search(path.rsplit("/", 1)[-1]) if when is None else None
        if when is not None:
            dated.append((when, -index, child))
        elif number is not None:
            numbered.append((int(number.group(1)), -index, child))
        else:
            unknown.append(child)
    dated.sort(key=lambda row: row[:2], reverse=True)
    numbered.sort(key=lambda row: row[:2], reverse=True)
    return [*unknown, *(row[2] for row in dated), *(row[2] for row in numbered)]


def robots_sitemaps(robots_txt: str, base_url: str) -> list[str]:
    """Absolute URLs of the `Sitemap:` lines of a robots.txt."""
    urls = (absolute_url(line, base_url) for line in Protego.parse(robots_txt).sitemaps)
    return list(dict.fromkeys(u for u in urls if u))
