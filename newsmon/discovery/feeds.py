"""Feed discovery: RSS 2.0, RSS 1.0 and Atom with feedparser, keeping what a malformed feed still yields;
JSON Feed 1.0/1.1 (https://www.jsonfeed.org/version/1.1/) with the json module."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from time import struct_time
from typing import Any
from urllib.parse import urljoin

import feedparser

logger = logging.getLogger(__name__)

# Header-level complaints (a feed served as text/html, a charset overridden): the XML itself is fine.
_HARMLESS_BOZO = (feedparser.NonXMLContentType, feedparser.CharacterEncodingOverride)
# Entries read from one feed document: real feeds carry 10-100; feedparser's time grows faster than
# linearly (a 100k-entry feed takes about a minute), so the rest are cut before parsing.
MAX_ENTRIES = 1000
_ENTRY_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>", re.IGNORECASE)
# A document with nothing in it: no bytes, white space, an XML declaration alone (answered, but empty).
_EMPTY_DOCUMENT = re.compile(rb"^\s*(?:<\?xml[^>]*\?>\s*)?$")
_BOM = b"\xef\xbb\xbf"
JSON_FEED_VERSION = "jsonfeed.org/version/1"  # in "https://jsonfeed.org/version/1" and ".../1.1"


@dataclass(frozen=True)
class FeedEntry:
    url: str
    title: str | None = None
    published_at: str | None = None  # ISO 8601, UTC


@dataclass
class FeedResult:
    kind: str  # "rss", "atom", "json" (JSON Feed), or "" when the document is not a feed at all
    entries: list[FeedEntry] = field(default_factory=list)
    bozo_reason: str | None = None  # why the document was ill-formed, when it was
    dropped: int = 0  # entries beyond max_entries, not parsed
    empty_document: bool = False  # no bytes, white space or an XML declaration: empty, not "not a feed"
    language: str | None = None  # as the feed declares it (RSS <language>, Atom xml:lang, JSON "language")

    @property
    def discovered_via(self) -> str:
        return {"atom": "atom", "json": "json_feed"}.get(self.kind, "rss")


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


def _json_date(value: Any) -> str | None:
    """A JSON Feed date (RFC 3339) as ISO 8601 in UTC; None when missing or not a date."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed.astimezone(UTC).isoformat() if parsed.tzinfo else parsed.replace(tzinfo=UTC).isoformat()


def _is_json_feed(data: Any, content_type: str) -> bool:
    version = data.get("version") if isinstance(data, dict) else None
    if isinstance(version, str):
        return JSON_FEED_VERSION in version
    return isinstance(data, dict) and content_type == "application/feed+json" and "items" in data


def parse_json_feed(
    body: bytes, url: str, content_type: str = "", *, max_entries: int = MAX_ENTRIES
) -> FeedResult:
    """Items of a JSON Feed (``url``, else ``external_url``; ``title``; ``date_published``, else
    ``date_modified``), URLs made absolute and deduplicated. Anything else in JSON is not a feed."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        looks_like = JSON_FEED_VERSION.encode() in body[:4096].replace(b"\\/", b"/")
        return FeedResult(kind="json" if looks_like else "", bozo_reason=f"{type(exc).__name__}: {exc}")
    if not _is_json_feed(data, content_type):
        return FeedResult(kind="")
    items = data.get("items")
    language = data.get("language")
    result = FeedResult(kind="json", language=language if isinstance(language, str) else None)
    if not isinstance(items, list):
        result.bozo_reason = "JSON Feed without an items list"
        return result
    if max_entries > 0 and len(items) > max_entries:
        items, result.dropped = items[:max_entries], len(items) - max_entries
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, dict):
            continue
        link = next(
            (v for v in (item.get("url"), item.get("external_url")) if isinstance(v, str) and v.strip()), None
        )
        if link is None:
            continue
        absolute = urljoin(url, link.strip())
        if absolute in seen:
            continue
        seen.add(absolute)
        title = item.get("title")
        published = _json_date(item.get("date_published")) or _json_date(item.get("date_modified"))
        result.entries.append(
            FeedEntry(url=absolute, title=title if isinstance(title, str) else None, published_at=published)
        )
    return result


def parse_feed(
    body: bytes, url: str, content_type: str | None = None, *, max_entries: int = MAX_ENTRIES
) -> FeedResult:
    """Entries of a feed document; a bozo feed keeps its parseable entries and reports the reason.
    Only the first max_entries entries are parsed (``dropped`` counts the rest). A JSON Feed is told by
    its body (a JSON object whose version is a jsonfeed.org one); an empty document is an empty feed."""
    if _EMPTY_DOCUMENT.match(body.removeprefix(_BOM)):
        return FeedResult(kind="", empty_document=True)
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if body.removeprefix(_BOM).lstrip()[:1] == b"{":
        return parse_json_feed(body, url, media_type, max_entries=max_entries)
    body, dropped = cap_entries(body, max_entries) if max_entries > 0 else (body, 0)
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(body, response_headers=headers, sanitize_html=False)
    version = parsed.get("version") or ""
    kind = "atom" if version.startswith("atom") else ("rss" if version else "")
    result = FeedResult(kind=kind, dropped=dropped, language=parsed.get("feed", {}).get("language"))
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
