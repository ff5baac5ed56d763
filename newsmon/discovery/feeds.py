"""Feed discovery with feedparser (RSS 2.0, RSS 1.0, Atom), keeping what a malformed feed still yields."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from time import struct_time
from urllib.parse import urljoin

import feedparser

logger = logging.getLogger(__name__)

# Header-level complaints (a feed served as text/html, a charset overridden): the XML itself is fine.
_HARMLESS_BOZO = (feedparser.NonXMLContentType, feedparser.CharacterEncodingOverride)


@dataclass(frozen=True)
class FeedEntry:
    url: str
    title: str | None = None
    published_at: str | None = None  # ISO 8601, UTC


@dataclass
class FeedResult:
    kind: str  # "rss", "atom", or "" when the document is not a feed at all
    entries: list[FeedEntry] = field(default_factory=list)
    bozo_reason: str | None = None  # why the XML was ill-formed, when it was

    @property
    def discovered_via(self) -> str:
        return "atom" if self.kind == "atom" else "rss"


def _iso(value: struct_time | None) -> str | None:
    if not value:
        return None
    return datetime(*value[:6], tzinfo=UTC).isoformat()


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> FeedResult:
    """Entries of a feed document; a bozo feed keeps its parseable entries and reports the reason."""
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(body, response_headers=headers, sanitize_html=False)
    version = parsed.get("version") or ""
    kind = "atom" if version.startswith("atom") else ("rss" if version else "")
    result = FeedResult(kind=kind)
    exc = parsed.get("bozo_exception")
    if parsed.get("bozo") and not isinstance(exc, _HARMLESS_BOZO):
        result.bozo_reason = f"{type(exc).__name__}: {exc}" if exc else "ill-formed feed"
    seen: set[str] = set()
    for entry in parsed.get("entries", []):
        link = entry.get("link") or next(
            (lk.get("href") for lk in entry.get("links", []) if lk.get("rel", "alternate") == "alternate"),
            None,
        )
        if not link:
            continue
        absolute = urljoin(url, link.strip())
        if absolute in seen:
            continue
        seen.add(absolute)
        published = entry.get("published_parsed") or entry.get("updated_parsed")
        result.entries.append(FeedEntry(url=absolute, title=entry.get("title"), published_at=_iso(published)))
    return result
