"""Dates as pages write them (ISO 8601, RFC 2822, "27/02/2026", "February 27, 2026", "12. März 2026 um
14:05 Uhr", "12 березня 2026, 14:05", "2026年12月7日 14:05", "2026년 12월 7일", "vor 3 Stunden", in any
script's digits: "٢٠ آذار ٢٠٢٦ - ٠٦:٤٠", "２０２６年３月２０日 ６時４０分") to tz-aware ISO 8601."""

from __future__ import annotations

import functools
import logging
import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateparser.data.languages_info import language_order
from dateparser.date import DateDataParser
from htmldate import find_date
from lxml.html import HtmlElement

from newsmon.extract.date_words import (
    LETTERS,
    MAX_LOCALES,
    ascii_digits,
    meridiems,
    month_locales,
    script_languages,
    word_pattern,
)
from newsmon.extract.text import normalize_space

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
    r"(?:(?:\s*[^\w\s]?(?:\s+[^\W\d_]{1,6}\.?){1,2}\s+|\s*[^\w\s]\s*|\s+|T)(?P<hour>[01]?\d|2[0-3])[:.h](?P<minute>[0-5]\d)"
    r"(?::(?P<second>[0-5]\d))?(?:\s*(?P<ampm>[ap]\.?m\.?))?)?"
)
_DATE_PATTERNS = (
    *(
        re.compile(pattern + _TIME, re.IGNORECASE)
        for pattern in (
            r"\b(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})\b",
            r"\b(?P<day>\d{1,2})(?P<sep>[./-])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4})\b",
            rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b",
            rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(?P<year>\d{{4}})\b",
            # year first with dots or slashes, as East Asian and Hungarian pages write it: "2026.12.07 14:05"
            r"(?<![\d.A-Za-z])(?P<year>(?:19|20)\d{2})(?P<ysep>[./])\s?(?P<month>\d{1,2})(?P=ysep)\s?(?P<day>\d{1,2})"
            r"(?![\d])\.?",
        )
    ),
    # zh/ja "2026年12月7日 14:05", ja "2026年12月7日 14時05分", ko "2026년 12월 7일 오후 2:05": the units are
    # written after each number (no word boundary between Han characters and digits: lookarounds instead)
    re.compile(
        r"(?<!\d)(?P<year>\d{4})\s*[年년]\s*(?P<month>\d{1,2})\s*[月월]\s*(?P<day>\d{1,2})(?!\d)\s*[日일号號]?"
        r"(?:[\s,，（(]*(?:[^\d\s]{1,3}?[\s)）]*)??(?P<ampm>午前|午後|上午|下午|오전|오후)?\s*(?P<hour>[01]?\d|2[0-3])"
        r"\s*(?:[:：]|[時时시]\s*)(?P<minute>[0-5]?\d)(?!\d)"
        r"(?:(?:[:：]|\s*[分분]\s*)(?P<second>[0-5]\d)(?!\d)|\s*[分분])?)?"
    ),
)
_PM = frozenset({"午後", "下午", "오후"})
# /2026/03/07/, /2026-03-07/ or a compact 20260307 between separators in the path (never in a longer number)
_URL_DATE = re.compile(
    r"/((?:19|20)\d{2})/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])/"
    r"|/((?:19|20)\d{2})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?=[/._-]|$)"
    r"|(?<=[/_-])((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=[/._-]|$)"
)
_RFC2822 = re.compile(r"^[A-Za-z]{3},?\s+\d{1,2}\s+[A-Za-z]{3}")


# A date written with a month *word* in any language, and its time when one follows: "12 de marzo de 2026,
# 14:05", "12. März 2026 um 14:05 Uhr", "2026. március 12. 14:05", "marzo 12, 2026", "8 تشرين الثاني 2026 -
# 17:05", "9 أغسطس (آب) 2026". Only such a short span is handed to dateparser (which knows the world's month
# names): it is slow on long or dateless text. A word is a letter and the letters and combining marks after
# it (Devanagari, Bengali, Thai vowel signs are marks: Python's \w stops at them); a month name may have two
# words ("تشرين الأول") and a second name for the same month, bracketed or after a slash ("آب/أغسطس").
@functools.cache
def _word_date() -> re.Pattern[str]:
    word = word_pattern()
    month = rf"{word_pattern(2)}(?:\s+{word})?"  # "آب" (August in the Levant) has two letters

    def alternative(name: str) -> str:  # a second name of the month: "مارس (آذار)", "آب/أغسطس"
        return rf"(?P<{name}>\s*\({month}\)|\s*/\s*{month})?"

    return re.compile(
        rf"(?P<date>\b\d{{1,2}}(?:\.|º|er)?\s*(?:de\s+)?{month}{alternative('alt')}\.?(?:\s+de)?,?\s+\d{{4}}"
        rf"|\b{word}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
        rf"|\b\d{{4}}\.?\s+{month}{alternative('alt2')}\.?\s+\d{{1,2}}\.?)"
        r"(?:[^\d\n]{0,14}?(?P<time>(?<!\d)(?:[01]?\d|2[0-3])[:.h][0-5]\d(?:[:.][0-5]\d)?)"
        rf"(?P<meridiem>\s*(?:[ap]\.?\s?m\.?|{LETTERS}{{1,2}}\b\.?))?)?"
    )


# A time zone abbreviation right after a date ("10:32 CET", "14:05 Uhr MESZ"): its fixed offset, in minutes.
_ZONE_AFTER = re.compile(r"\s*(?:Uhr|h|óra)?\s*\(?(?P<zone>[A-Z]{2,5})\b")
ZONE_ABBREVIATIONS = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 60, "BST": 60, "IST": 60, "CET": 60, "CEST": 120,
    "MEZ": 60, "MESZ": 120, "EET": 120, "EEST": 180, "MSK": 180, "TRT": 180, "EST": -300, "EDT": -240,
    "CST": -360, "CDT": -300, "MST": -420, "MDT": -360, "PST": -480, "PDT": -420, "JST": 540, "KST": 540,
    "AEST": 600, "AEDT": 660,
}  # fmt: skip
# A relative date ("3 hours ago", "vor 3 Stunden", "il y a 2 heures", "вчера в 14:05"): short, no year.
_RELATIVE_MAX_CHARS = 40
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_DATEPARSER_LANGUAGES = frozenset(language_order)
_SETTINGS = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}


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


_BUDDHIST_ERA = 543  # Thai dates count years from 543 BC (2569 is 2026); months and days are Gregorian
_THAI = re.compile("[\u0e01-\u0e4e]")


def _common_era(value: datetime, text: str, languages: tuple[str, ...] | None) -> datetime | None:
    """``value`` when plausible; a Thai date's Buddhist-era year counted as the common era's."""
    if _plausible(value) or value.year - _BUDDHIST_ERA < MIN_YEAR:
        return _plausible(value)
    if (languages and languages[0] == "th") or _THAI.search(text):
        try:
            return _plausible(value.replace(year=value.year - _BUDDHIST_ERA))
        except ValueError:  # 29 February of a year that is no leap year in the common era
            return None
    return None


def parse_machine_date(text: str | None, tz: tzinfo) -> datetime | None:
    """A machine-readable date (ISO 8601, RFC 2822) as an aware datetime, or None."""
    if not text:
        return None
    text = ascii_digits(text.strip())
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
        pm = parts["ampm"] in _PM or parts["ampm"].lower().startswith("p")
        hour = hour % 12 + (12 if pm else 0)
    try:
        value = datetime(year, month, day, hour, int(parts["minute"] or 0), int(parts["second"] or 0))
    except ValueError:
        return None
    return value.replace(tzinfo=tz)


def _zone_after(text: str, end: int, tz: tzinfo) -> tzinfo:
    """The fixed offset a zone abbreviation right after a date names ("10:32 CET"), else ``tz``."""
    match = _ZONE_AFTER.match(text, end)
    if match is None or match.group("zone") not in ZONE_ABBREVIATIONS:
        return tz
    return timezone(timedelta(minutes=ZONE_ABBREVIATIONS[match.group("zone")]))


def dateparser_languages(language: str | None) -> tuple[str, ...] | None:
    """dateparser's languages for a page language ("uk-UA" -> ("uk", "en")); None (guess) when unknown."""
    if not language:
        return None
    for code in (language, language.split("-")[0].lower()):
        if code in _DATEPARSER_LANGUAGES:
            return (code, "en") if code != "en" else ("en",)
    return None


@functools.lru_cache(maxsize=128)
def _parser(languages: tuple[str, ...] | None, locales: tuple[str, ...] | None = None) -> DateDataParser:
    """One dateparser per language (or locale) set, kept: building one and loading its languages is the
    costly part."""
    return DateDataParser(
        languages=list(languages) if languages else None,
        locales=list(locales) if locales else None,
        settings=_SETTINGS,
    )


@functools.lru_cache(maxsize=8)
def _relative_parser(languages: tuple[str, ...] | None, base: datetime) -> DateDataParser:
    """The same for relative dates: RELATIVE_BASE is a constructor setting, so one per (languages, base);
    a page's texts share its fetch time, so they share one parser."""
    return DateDataParser(
        languages=list(languages) if languages else None, settings=_SETTINGS | {"RELATIVE_BASE": base}
    )


def _dateparser(
    text: str,
    languages: tuple[str, ...] | None,
    locales: tuple[str, ...] | None = None,
    base: datetime | None = None,
) -> datetime | None:
    """dateparser on one short span (naive result) in ``languages`` or ``locales``; ``base``: the moment
    relative dates count from."""
    try:
        parser = _parser(languages, locales) if base is None else _relative_parser(languages, base)
        return parser.get_date_data(text).date_obj
    except Exception as exc:  # a library heuristic must never cost the record
        logger.debug("dateparser failed on %r: %s", text, exc)
        return None


def parse_word_date(
    text: str, tz: tzinfo, languages: tuple[str, ...] | None = None
) -> tuple[datetime, bool] | None:
    """The first date written with a month word in any language in ``text``, with its time when written,
    in ``tz`` (a zone abbreviation after it wins); and whether a time of day was written. None when none."""
    text = ascii_digits(text)
    for match in _word_date().finditer(text):
        for span, timed in _spans(match):
            value = _dateparser(span, languages) if languages else None
            if value is None:  # the page's language unknown, or not the date's: the locales naming that month
                locales = month_locales(span, languages)
                if locales and locales != languages:
                    value = _dateparser(span, None, locales)
            value = _common_era(value, span, languages) if value is not None else None
            if value is not None:
                return value.replace(tzinfo=_zone_after(text, match.end(), tz)), timed
    return None


def _spans(match: re.Match[str]) -> list[tuple[str, bool]]:
    """What dateparser is asked for a word date, best first, and whether it holds a time: the date (its
    second month name dropped) and the time with its am/pm word, without it, the date alone. The words
    between date and time ("um", "à", "الساعة") are left out: dateparser needs none of them."""
    date = match.group("date")
    for alternative in ("alt", "alt2"):
        if match.group(alternative):
            start, end = (i - match.start("date") for i in match.span(alternative))
            date = date[:start] + date[end:]
    spans: list[tuple[str, bool]] = []
    if match.group("time"):
        if match.group("meridiem"):
            spans.append((f"{date} {match.group('time')}{match.group('meridiem')}", True))
        spans.append((f"{date} {match.group('time')}", True))
    spans.append((date, False))
    return spans


def parse_relative_date(
    text: str, tz: tzinfo, now: datetime, languages: tuple[str, ...] | None = None
) -> datetime | None:
    """A relative date ("3 hours ago", "vor 3 Stunden", "gestern, 14:05") counted from ``now`` in ``tz``,
    or None. Only short texts without a year are tried (the page's visible date, not its prose)."""
    text = ascii_digits(normalize_space(text))
    if (
        not text
        or len(text) > _RELATIVE_MAX_CHARS
        or _YEAR.search(text)
        or not any(c.isalpha() for c in text)
        or not any(c.isdigit() for c in text)  # "3 hours ago", "вчера в 14:05": a count or a time
    ):
        return None
    base = now.astimezone(tz).replace(tzinfo=None)
    value = _dateparser(text, languages or script_languages(text)[:MAX_LOCALES], base=base)
    if value is None or value > base + timedelta(minutes=1):
        return None
    return _plausible(value.replace(tzinfo=tz))


def parse_text_date(
    text: str, tz: tzinfo, *, dayfirst: bool = True, languages: tuple[str, ...] | None = None
) -> datetime | None:
    """The first date written for people in ``text`` ("27/02/2026", "Feb 27, 2026 2:05 pm", "12 березня
    2026, 14:05"), with its time when written, or None."""
    found = parse_text_date_timed(text, tz, dayfirst=dayfirst, languages=languages)
    return found[0] if found else None


def parse_text_date_timed(
    text: str, tz: tzinfo, *, dayfirst: bool = True, languages: tuple[str, ...] | None = None
) -> tuple[datetime, bool] | None:
    """``parse_text_date`` and whether the text gave a time of day."""
    text = ascii_digits(text)
    best: tuple[datetime, re.Match[str]] | None = None
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):  # the first that is a date: "15/09/1447 هـ = 01/03/2026"
            if best is not None and match.start() >= best[1].start():
                break
            value = _from_match(match, tz, dayfirst)
            value = _common_era(value, text, languages) if value is not None else None
            if value is not None:
                best = (value.replace(tzinfo=_zone_after(text, match.end(), tz)), match)
                break
    if best is None:
        return parse_word_date(text, tz, languages)
    value, match = best
    timed = match.group("hour") is not None
    if timed and not match.group("ampm") and languages:
        value = _meridiem_after(value, text, match.end(), languages)
    return value, timed


_WORD_AFTER = re.compile(r"\s*(\S{1,12})")


def _meridiem_after(value: datetime, text: str, end: int, languages: tuple[str, ...]) -> datetime:
    """``value`` read on a 12-hour clock when the page's am/pm word follows its time ("06:40 م")."""
    match = _WORD_AFTER.match(text, end)
    if match is None or value.hour > 12:
        return value
    pm = meridiems(languages).get(match.group(1).lower().rstrip(".,;)"))
    if pm is None:
        return value
    return value.replace(hour=value.hour % 12 + (12 if pm else 0))


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
