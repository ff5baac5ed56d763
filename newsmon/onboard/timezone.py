"""The site's timezone from the UTC offsets its pages write, narrowed by the page language's country.
Pure: page trees and offsets in, an IANA zone and the reasoning out.

Every zone of the IANA ``zone.tab`` is scored by how many of the dated values it explains (its UTC offset at
that instant is the one written). Among the best, zones of the country the site names come first, in this
order: the region of its language tag (``lang="ru-UA"``), the country of its host's top-level domain
(``.ua``), the usual country of a bare language (the C library's locale aliases, ``et`` -> ``et_EE``); then
the zone zone.tab says covers most of that country, then the zone more countries share (zone1970.tab), then
zone.tab's order. With no country named, a zone whose own country has the page language as an official
language (CLDR's territory data, through babel) comes before one where it has not (``ar`` at +03:00:
Riyadh, not Nairobi; ``sw`` at +03:00: Nairobi).
Values written in UTC with a ``Z`` tell nothing about the site's zone and are left out; when none is left the
answer is UTC.
"""

from __future__ import annotations

import functools
import json
import locale
import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from importlib import resources
from pathlib import Path
from zoneinfo import TZPATH, ZoneInfo, ZoneInfoNotFoundError

from babel.languages import get_official_languages
from lxml.html import HtmlElement

from newsmon.extract import xpaths

logger = logging.getLogger(__name__)

_JSONLD_DATE_KEYS = ("datePublished", "dateModified", "dateCreated", "uploadDate")
_META_DATE_KEYS = frozenset(
    {"article:published_time", "article:modified_time", "og:updated_time", "og:article:published_time"}
)
MAX_COUNTRY_OFFSETS = 3  # a country whose zones span more offsets names no one time (with no main zone)
_REGION = re.compile(r"^[a-z]{2,3}[-_]([a-z]{2})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Dated:
    """A date a page wrote with an explicit offset."""

    instant: datetime  # aware
    offset: timedelta
    utc_designator: bool  # written with "Z": the CMS stores UTC, says nothing of the zone


@dataclass
class TimezoneGuess:
    zone: str
    reason: str
    also: list[str] = field(default_factory=list)  # other zones that fit as well
    offsets: Counter[str] = field(default_factory=Counter)  # "+02:00" -> values seen


def parse_dated(value: str) -> Dated | None:
    """An ISO 8601 date-time with an offset, else None (a naive value says nothing of the zone)."""
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    offset = parsed.utcoffset()
    if offset is None or "T" not in text.upper():
        return None
    return Dated(parsed, offset, text.upper().endswith("Z"))


def feed_dated(values: Iterable[str]) -> list[Dated]:
    """Dates as feeds write them (RFC 822 in RSS, ISO 8601 in Atom) with their offset. RSS dates in GMT or
    +0000 count as written in UTC: a CMS that stores UTC writes every feed date so, whatever its zone."""
    found: list[Dated] = []
    for value in values:
        dated = parse_dated(value)
        if dated is None:
            try:
                parsed = parsedate_to_datetime(value.strip())
            except (TypeError, ValueError, IndexError):
                continue
            offset = parsed.utcoffset()
            if offset is None:
                continue
            dated = Dated(parsed, offset, not offset)
        found.append(dated)
    return found


def _jsonld_values(text: str) -> list[str]:
    try:
        data = json.loads(text, strict=False)
    except ValueError:
        return []
    found: list[str] = []
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            found.extend(v for k, v in value.items() if k in _JSONLD_DATE_KEYS and isinstance(v, str))
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return found


def page_dates(tree: HtmlElement) -> list[Dated]:
    """Dates with offsets a page writes for machines: JSON-LD, article:* meta tags, <time datetime>."""
    raw: list[str] = []
    for script in xpaths.jsonld_scripts(tree):
        raw.extend(_jsonld_values(script.text or ""))
    for meta in xpaths.select(xpaths.META, tree):
        if (meta.get("property") or meta.get("name") or "").lower() in _META_DATE_KEYS:
            raw.append(meta.get("content") or "")
    raw.extend(t.get("datetime") or "" for t in xpaths.select(xpaths.TIMES, tree))
    return [d for d in (parse_dated(v) for v in raw if v) if d is not None]


def format_offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _tab_files(name: str) -> str:
    for directory in TZPATH:
        path = Path(directory) / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    try:  # the tzdata package ships the tables too
        return resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return ""


@functools.lru_cache(maxsize=1)
def zone_table() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(zone, countries) in zone.tab order, countries from zone1970.tab where it lists more."""
    shared: dict[str, tuple[str, ...]] = {}
    for line in _tab_files("zone1970.tab").splitlines():
        fields = line.split("\t")
        if len(fields) >= 3 and not line.startswith("#"):
            shared[fields[2]] = tuple(fields[0].split(","))
    rows: list[tuple[str, tuple[str, ...]]] = []
    for line in _tab_files("zone.tab").splitlines():
        fields = line.split("\t")
        if len(fields) >= 3 and not line.startswith("#"):
            code, zone = fields[0], fields[2]
            rows.append((zone, tuple(dict.fromkeys((code, *shared.get(zone, ()))))))
    return tuple(rows)


@functools.lru_cache(maxsize=1)
def main_zones() -> frozenset[str]:
    """Zones zone.tab describes as covering most of their country ("most of Ukraine", "Eastern (most
    areas)"), and the zones of countries with one zone (no comment): a country's own time."""
    rows = [line.split("\t") for line in _tab_files("zone.tab").splitlines() if not line.startswith("#")]
    rows = [r for r in rows if len(r) >= 3]
    per_country = Counter(r[0] for r in rows)
    return frozenset(r[2] for r in rows if per_country[r[0]] == 1 or (len(r) > 3 and "most" in r[3].lower()))


def language_country(language: str | None) -> tuple[str | None, str]:
    """The country a language tag names (``pt-BR`` -> BR), else the usual one for the bare language
    (locale aliases: ``et`` -> EE); with how it was found. An alias whose region is no country of the zone
    tables (``ar`` -> ``ar_AA``, "all Arabic"; ``eo`` -> ``eo_XX``) names none."""
    if not language:
        return None, ""
    match = _REGION.match(language)
    if match:
        return match.group(1).upper(), f"lang {language}"
    alias = locale.locale_alias.get(language.lower().split("-")[0].split("_")[0], "")
    region = _REGION.match(alias)
    if region and region.group(1).upper() in _countries():
        return region.group(1).upper(), f"lang {language} (usually {alias.split('.')[0]})"
    return None, ""


@functools.lru_cache(maxsize=512)
def _official(language: str, country: str) -> bool:
    """The language is an official one (de facto included) of the country, by CLDR's territory data."""
    if not language:
        return False
    try:
        return language in {code.split("_")[0] for code in get_official_languages(country, de_facto=True)}
    except (KeyError, ValueError):
        return False


@functools.lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    """Every country code the zone tables name."""
    return frozenset(code for _, codes in zone_table() for code in codes)


# Country-code domains sold to the world as generic names (.io, .tv, .me ...): they name no country.
_GENERIC_CC = frozenset(
    {"io", "tv", "me", "fm", "co", "ai", "ly", "cc", "ws", "to", "gg", "la", "sh", "ac", "am", "nu"}
)
_TLD_COUNTRY = {"uk": "GB", "su": "RU"}


def tld_country(host: str | None) -> str | None:
    """The country a host's country-code top-level domain names (``news.example.ua`` -> UA), else None."""
    if not host or "." not in host:
        return None
    tld = host.rstrip(".").rsplit(".", 1)[-1].lower()
    if tld.startswith("xn--"):
        try:
            tld = tld.encode("ascii").decode("idna")
        except UnicodeError:
            return None
        tld = {"рф": "ru", "укр": "ua", "срб": "rs", "бел": "by", "қаз": "kz", "мон": "mn"}.get(tld, "")
    if len(tld) != 2 or not tld.isalpha() or tld in _GENERIC_CC:
        return None
    return _TLD_COUNTRY.get(tld, tld.upper())


def country_hints(language: str | None, host: str | None = None, usual: bool = True) -> list[tuple[str, str]]:
    """Countries the site names, surest first: its language tag's region, its domain, its language's usual
    country (unless not ``usual``: a bare language names no country for sure); each with how it was found."""
    hints: list[tuple[str, str]] = []
    if language and (match := _REGION.match(language)):
        hints.append((match.group(1).upper(), f"lang {language}"))
    country = tld_country(host)
    if country:
        hints.append((country, f"domain .{(host or '').rsplit('.', 1)[-1]}"))
    if usual and language and not _REGION.match(language):
        country, how = language_country(language)
        if country:
            hints.append((country, how))
    return hints


def _country_time(language: str | None, host: str | None, why: str) -> TimezoneGuess | None:
    """With no offset written anywhere, the time of the country the site names for sure (its language
    tag's region, its country-code domain): the zone zone.tab says covers most of it. A bare language
    names no country for sure (en, es, ar, pt span many zones): None, and the caller keeps UTC."""
    named = country_hints(language, host, usual=False)
    if not named:
        return None
    country, how = named[0]
    zones = [zone for zone, countries in zone_table() if countries[0] == country]
    if not zones:
        return None
    main = main_zones()
    chosen = next((z for z in zones if z in main), None)
    which = "the zone covering most of it"
    if chosen is None:  # zone.tab names no main zone: its first (the capital's, mostly) unless the country
        # spans so many offsets that no one time is its own (Russia, Brazil): then nothing is known
        if _offsets_at_once(zones) > MAX_COUNTRY_OFFSETS:
            return None
        chosen, which = zones[0], "its first zone in zone.tab"
    reason = f"{why}; the time of {country} ({how}), {which}"
    return TimezoneGuess(chosen, reason, [z for z in zones if z != chosen][:5])


def _offsets_at_once(zones: Sequence[str]) -> int:
    """The most offsets the zones have at one moment, in January or in July of this year: the same answer
    every day of the year (a count taken now changed at each DST switch of some of the zones)."""
    year = datetime.now(tz=UTC).year
    moments = (datetime(year, 1, 15, 12, tzinfo=UTC), datetime(year, 7, 15, 12, tzinfo=UTC))
    return max(len({moment.astimezone(ZoneInfo(z)).utcoffset() for z in zones}) for moment in moments)


def _fits(zone: str, dates: Sequence[Dated]) -> int:
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return -1
    return sum(1 for d in dates if d.instant.astimezone(tz).utcoffset() == d.offset)


def infer_timezone(
    dates: Iterable[Dated], language: str | None = None, host: str | None = None
) -> TimezoneGuess:
    """The IANA zone that explains the most offsets seen (see the module docstring)."""
    every = list(dates)
    usable = [d for d in every if not d.utc_designator]
    offsets = Counter(format_offset(d.offset) for d in usable)
    ignored = len(every) - len(usable)
    skipped = f"; {ignored} written in UTC (Z) left out" if ignored else ""
    if not usable:
        why = "no date with a local offset on the pages read" + skipped
        return _country_time(language, host, why) or TimezoneGuess("UTC", why, offsets=offsets)
    table = zone_table()
    scores = {zone: _fits(zone, usable) for zone, _ in table}
    best = max(scores.values(), default=-1)
    seen = ", ".join(f"{o} ({n})" for o, n in sorted(offsets.items()))
    if best <= 0:
        return TimezoneGuess("UTC", f"offsets {seen}: no IANA zone fits them; UTC", offsets=offsets)
    hints = country_hints(language, host)
    order = {zone: i for i, (zone, _) in enumerate(table)}
    countries = dict(table)
    fitting = [zone for zone, _ in table if scores[zone] == best]

    def rank(zone: str) -> int:
        return next((i for i, (c, _) in enumerate(hints) if c in countries[zone]), len(hints))

    main = main_zones()

    # in a country the site names: the zones zone.tab files under it (Berlin before Zurich), its own before
    # those another country shares unless they cover most of it (Kyiv before Simferopol), then zone.tab's
    # order; with no country named, the zone most countries share
    base = (language or "").replace("_", "-").split("-")[0].lower()

    def key(zone: str) -> tuple[int, bool, bool, int, int]:
        if rank(zone) == len(hints):
            return (
                rank(zone),
                not _official(base, countries[zone][0]),
                False,
                -len(countries[zone]),
                order[zone],
            )
        country = hints[rank(zone)][0]
        listed_elsewhere = countries[zone][0] != country  # zone.tab files it under another country
        shared = len(countries[zone]) > 1 and zone not in main  # another country's time too (Crimea)
        return rank(zone), listed_elsewhere, shared, 0, order[zone]

    fitting.sort(key=key)
    chosen = fitting[0]
    country, how = hints[rank(chosen)] if rank(chosen) < len(hints) else (hints[0] if hints else (None, ""))
    in_country = [z for z in fitting if country in countries[z]]
    if not in_country and set(offsets) == {"+00:00"}:
        why = f"offsets {seen}, no zone of the page's country fits: UTC as written{skipped}"
        return TimezoneGuess("UTC", why, fitting[:5], offsets)
    where = (
        f"in {country} ({how})"
        if in_country
        else (
            f"none in {country} ({how}); shared by most countries" if country else "shared by most countries"
        )
    )
    if not in_country and _official(base, countries[chosen][0]):
        where += f" where {base} is official ({countries[chosen][0]})"
    fit = "all" if best == len(usable) else f"{best} of {len(usable)}"
    reason = f"{len(usable)} dated values, offsets {seen}; {len(fitting)} zones fit {fit}; {where}{skipped}"
    logger.debug("Timezone %s: %s", chosen, reason)
    alternatives = [z for z in fitting[1:] if not in_country or z in in_country] or fitting[1:]
    return TimezoneGuess(chosen, reason, alternatives[:5], offsets)
