"""Feed discovery with feedparser (RSS 2.0, RSS 1.0, Atom), keeping what a malformed feed still yields."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from time import struct_time
from urllib.parse import urljoin

import feedparser

logger = logging.getLogger(__name__)

# Header-level complaints (a feed served as text/html, a charset overridden): the XML itself is fine.
_HARMLESS_BOZO = (feedparser.NonXMLContentType, feedparser.CharacterEncodingOverride)
# Entries read from one feed document: real feeds carry 10-100; feedparser's time grows faster than
# linearly (a 100k-entry feed takes about a minute), so the rest are cut before parsing.
MAX_ENTRIES = 1000
_ENTRY_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>", re.IGNORECASE)


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
    dropped: int = 0  # entries beyond max_entries, not parsed

    @property
    def discovered_via(self) -> str:
        return "atom" if self.kind == "atom" else "rss"


def _iso(value: struct_time | None) -> str | None:
    if not value:
        return None
    return datetime(*value[:6], tzinfo=UTC).isoformat()


def cap_entries(body: bytes, max_entries: int) -> tuple[bytes, int]:
    """The feed without its entries beyond the first max_entries (the document around them kept), and
    how many were cut."""
    ends = [m.end() for m in _ENTRY_END.finditer(body)]
    if len(ends) <= max_entries:
        return body, 0
    return body[: ends[max_entries - 1]] + body[ends[-1] :], len(ends) - max_entries


def parse_feed(
    body: bytes, url: str, content_type: str | None = None, *, max_entries: int = MAX_ENTRIES
) -> FeedResult:
    """Entries of a feed document; a bozo feed keeps its parseable entries and reports the reason.
    Only the first max_entries entries are parsed (``dropped`` counts the rest)."""
    body, dropped = cap_entries(body, max_entries) if max_entries > 0 else (body, 0)
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(body, response_headers=headers, sanitize_html=False)
    version = parsed.get("version") or ""
    kind = "atom" if version.startswith("atom") else ("rss" if version else "")
    result = FeedResult(kind=kind, dropped=dropped)
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
