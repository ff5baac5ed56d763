"""Dates as pages write them (ISO 8601, RFC 2822, "27/02/2026", "February 27, 2026") to tz-aware ISO 8601."""

from __future__ import annotations

import functools
import logging
import re
from datetime import UTC, datetime, tzinfo
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from htmldate import find_date
from lxml.html import HtmlElement

logger = logging.getLogger(__name__)

MIN_YEAR, MAX_YEAR = 1990, 2100
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "(?P<month_name>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_TIME = (
    r"(?:(?:\s*,\s*|\s+|\s*[-–—|@]\s*|\s+at\s+|T)(?P<hour>[01]?\d|2[0-3])[:.h](?P<minute>[0-5]\d)"
    r"(?::(?P<second>[0-5]\d))?(?:\s*(?P<ampm>[ap]\.?m\.?))?)?"
)
_DATE_PATTERNS = tuple(
    re.compile(pattern + _TIME, re.IGNORECASE)
    for pattern in (
        r"\b(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})\b",
        r"\b(?P<day>\d{1,2})(?P<sep>[./-])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4})\b",
        rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b",
        rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(?P<year>\d{{4}})\b",
    )
)
# /2026/03/07/, /2026-03-07/ or a compact 20260307 between separators in the path (never in a longer number)
_URL_DATE = re.compile(
    r"/((?:19|20)\d{2})/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])/"
    r"|/((?:19|20)\d{2})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?=[/._-]|$)"
    r"|(?<=[/_-])((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=[/._-]|$)"
)
_RFC2822 = re.compile(r"^[A-Za-z]{3},?\s+\d{1,2}\s+[A-Za-z]{3}")


@functools.lru_cache(maxsize=16)
def get_timezone(name: str) -> tzinfo:
    """The IANA zone ``name``; UTC (with a warning) when the name is unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        logger.warning("Unknown timezone %r; dates without an offset are taken as UTC", name)
        return UTC


def aware(value: datetime, tz: tzinfo) -> datetime:
    """``value`` with ``tz`` attached when it has no offset (an offset given by the page is kept)."""
    return value if value.tzinfo is not None and value.utcoffset() is not None else value.replace(tzinfo=tz)


def to_iso(value: datetime, tz: tzinfo) -> str:
    """ISO 8601 with an offset, seconds precision (microseconds only when the page gave them)."""
    return aware(value, tz).isoformat()


def _plausible(value: datetime) -> datetime | None:
    return value if MIN_YEAR <= value.year <= MAX_YEAR else None


def parse_machine_date(text: str | None, tz: tzinfo) -> datetime | None:
    """A machine-readable date (ISO 8601, RFC 2822) as an aware datetime, or None."""
    if not text:
        return None
    text = text.strip()
    if not text:
        return None
    try:
        return _plausible(aware(datetime.fromisoformat(text), tz))
    except ValueError:
        pass
    if _RFC2822.match(text):
        try:
            return _plausible(aware(parsedate_to_datetime(text), tz))
        except (TypeError, ValueError, IndexError):
            pass
    return parse_text_date(text, tz)


def _from_match(match: re.Match[str], tz: tzinfo, dayfirst: bool) -> datetime | None:
    parts = match.groupdict()
    year, day = int(parts["year"]), int(parts["day"])
    if parts.get("month_name"):  # only the patterns with a month name have this group
        month = _MONTHS[parts["month_name"].lower()]
    else:
        month = int(parts["month"])
        if parts.get("sep") is not None and (not dayfirst or month > 12) and day <= 12:
            day, month = month, day  # month first ("02/27/2026"), or day-first was impossible
    hour = int(parts["hour"] or 0)
    if parts["ampm"]:
        hour = hour % 12 + (12 if parts["ampm"].lower().startswith("p") else 0)
    try:
        value = datetime(year, month, day, hour, int(parts["minute"] or 0), int(parts["second"] or 0))
    except ValueError:
        return None
    return _plausible(value.replace(tzinfo=tz))


def parse_text_date(text: str, tz: tzinfo, *, dayfirst: bool = True) -> datetime | None:
    """The first date written for people in ``text`` ("27/02/2026", "Feb 27, 2026 2:05 pm"), or None."""
    best: tuple[int, datetime] | None = None
    for pattern in _DATE_PATTERNS:
        match = pattern.search(text)
        if match is None:
            continue
        value = _from_match(match, tz, dayfirst)
        if value is not None and (best is None or match.start() < best[0]):
            best = (match.start(), value)
    return best[1] if best else None


def date_from_url(url: str, tz: tzinfo) -> datetime | None:
    """Midnight of the date in a URL path (/YYYY/MM/DD/, /YYYY-MM-DD/, slug-YYYYMMDD/), or None: a last
    resort, the page's own date wins."""
    path = urlsplit(url).path
    for match in _URL_DATE.finditer(path):
        year, month, day = (int(g) for g in match.groups() if g is not None)
        try:
            return datetime(year, month, day, tzinfo=tz)
        except ValueError:
            continue
    return None


def date_from_text(tree: HtmlElement, tz: tzinfo) -> datetime | None:
    """Midnight of the publication date htmldate finds in the page (its markup heuristics, then dates
    written out in many languages: "23 novembre 2026", "5. März 2026", "12 березня 2026"), or None.

    A fallback for pages where newsmon's own readers (JSON-LD, meta, <time>, dated text near the
    headline, which keep the time and offset) found nothing. htmldate reads a copy of the tree."""
    try:
        found = find_date(tree, extensive_search=True, original_date=True, outputformat="%Y-%m-%d")
    except Exception as exc:  # a library heuristic must never cost the record
        logger.debug("htmldate failed: %s", exc)
        return None
    if not found:
        return None
    try:
        return datetime.strptime(found, "%Y-%m-%d").replace(tzinfo=tz)
    except ValueError:
        return None
