"""Titles: entities decoded, and the site's own prefix and suffix cut, learned from the page's signals."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from datetime import UTC, tzinfo
from itertools import islice
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from newsmon.extract import xpaths
from newsmon.extract.dates import parse_text_date
from newsmon.extract.jsonld import JsonLd, text_values
from newsmon.extract.links import absolute_url, document_base
from newsmon.extract.scope import ArticleScope, fold_title
from newsmon.extract.template import SAMPLE_CHARS, TemplateView, fingerprint
from newsmon.extract.text import normalize_space, text_of

# What sites put between a headline and their name or a date in <title> ("Story | Name | 28.04.2023"),
# spaces on both sides (a hyphen inside a word or "10/12" is no separator); captured to rebuild runs.
_TITLE_SPLIT = re.compile(r"(\s+(?:\||-|–|—|::|»|«|·|•|/|~)\s+)")
# The same without spaces, as many CJK and older CMSs write titles ("标题_栏目_网站", "見出し｜サイト",
# "标题——网站"): cut there only where the page's own signals or site names confirm the cut.
_UNSPACED_SPLIT = re.compile(r"(\s*(?:_|｜|\||——|—|–|-|::|»|«|·|•|/|~|：)\s*)")
_UNSPACED_HINT = re.compile(r"[_｜|—–·•»«~]")  # worth reading the logo's name for (a hyphen is not)
_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
MAX_UNESCAPE = 3  # "&amp;amp;quot;" at worst: escaped three times over
MAX_DATE_WORDS = 4  # a title segment of more words is not only a date
MAX_HOME_LINKS = 20  # links to the home page read for the site's name (logo, breadcrumb, footer)
MAX_SITE_NAME = 60  # a longer text on a home link is not a name


def unescape_entities(text: str) -> str:
    """``text`` with HTML character references decoded, double-escaped ones too ("&amp;ouml;" -> "ö"): CMSs
    escape titles again when they write them into <meta> content and JSON-LD, where the parser leaves
    them. A text without "&...;" is returned as is (no "AT&T" or "Q&A" ever changes)."""
    for _ in range(MAX_UNESCAPE):
        if _ENTITY.search(text) is None:
            break
        text = html.unescape(text)
    return text


def _is_affix(segment: str, sites: set[str], tz: tzinfo) -> bool:
    """A title segment that names the site (its own names and host) or is only a date ("28.04.2023")."""
    if fold_title(segment) in sites:
        return True
    words = segment.split()
    if not any(ch.isdigit() for ch in segment) or len(words) > MAX_DATE_WORDS:
        return False
    return not any(ch.isalpha() for ch in segment) or parse_text_date(segment, tz) is not None


def strip_site_suffix(
    title: str, site_names: list[str], h1: str | None, others: Iterable[str | None] = ()
) -> str:
    """``title`` without the site's own prefix or suffix (" - Site", "Site | ", "… | Site | 28.04.2023"),
    learned from the page's signals, not from a list of sites: when the page's other headline signals
    (``h1``, ``others``: og:title, JSON-LD headline) read as a run of the title's segments, that run is
    the title; else the segments at either end naming the site (``site_names``: og:site_name, publisher,
    host) or holding only a date are cut."""
    parts = _TITLE_SPLIT.split(title)
    segments = parts[0::2]
    if len(segments) == 1:
        return _strip_unspaced(title, site_names, (h1, *others))
    whole = fold_title(title)
    sites = {fold_title(name) for name in site_names} - {""}
    signals = {fold_title(text) for text in (h1, *others) if text} - {"", whole}
    if signals:
        for length in range(len(segments) - 1, 0, -1):
            for start in range(len(segments) - length + 1):
                run = "".join(parts[2 * start : 2 * (start + length) - 1])
                folded = fold_title(run)
                if folded not in signals or folded in sites:
                    continue
                rest = segments[:start] + segments[start + length :]
                if all(len(fold_title(segment)) <= len(folded) for segment in rest):
                    return run.strip()  # not a logo or section name in an <h1>: the longest part
    return _without_affixes(parts, lambda segment: _is_affix(segment, sites, UTC))


def _strip_unspaced(title: str, site_names: list[str], signals: Iterable[str | None]) -> str:
    """``title`` cut at a separator written without spaces ("标题_栏目_网站"): at the end of another headline
    signal (the <h1>, og:title) the title starts with, else the segments at either end that name the site."""
    parts = _UNSPACED_SPLIT.split(title)
    if len(parts) == 1:
        return title
    whole = fold_title(title)
    for signal in signals:
        folded = fold_title(signal or "")
        if not folded or folded == whole:
            continue
        for end in range(1, len(parts), 2):  # the run of segments before each separator
            run = "".join(parts[:end]).strip()
            if fold_title(run) == folded:
                return run
    sites = {fold_title(name) for name in site_names} - {""}
    return _without_affixes(parts, lambda segment: fold_title(segment) in sites)


def _without_affixes(parts: list[str], is_affix: Callable[[str], bool]) -> str:
    """A title split at its separators (segments at even indexes) without the segments at either end that
    ``is_affix`` says name the site (or a date), keeping one segment at least."""
    segments = parts[0::2]
    first, last = 0, len(segments) - 1
    while last > first and is_affix(segments[last]):
        last -= 1
    while first < last and is_affix(segments[first]):
        first += 1
    return "".join(parts[2 * first : 2 * last + 1]).strip()


def _home_link_names(
    tree: HtmlElement, url: str, base: str | None = None, anchors: list[HtmlElement] | None = None
) -> list[str]:
    """What the page calls its site where it links its home page (a logo: its text, title or image alt);
    ``base``: ``document_base(tree, url)`` when the caller has it; ``anchors``: the page's <a> elements
    (``//a``), from the shared walk."""
    host = urlsplit(url).hostname
    base = base if base is not None else document_base(tree, url)
    names: list[str] = []
    links = anchors if anchors is not None else tree.getroottree().getroot().iter("a")
    home = (a for a in links if (href := a.get("href")) is not None and xpaths.is_home_href(href))
    for anchor in islice(home, MAX_HOME_LINKS):
        target = absolute_url(anchor.get("href"), base)
        parts = urlsplit(target) if target else None
        if parts is None or parts.hostname != host or parts.path not in ("", "/") or parts.query:
            continue
        alts = [img.get("alt") for img in anchor.iter("img")]
        for name in (text_of(anchor), anchor.get("title"), anchor.get("aria-label"), *alts):
            name = normalize_space(name)
            if name and len(name) <= MAX_SITE_NAME:
                names.append(name)
    return names


def _site_names(metas: dict[str, list[str]], jsonld: JsonLd, url: str) -> list[str]:
    """What the page's metadata calls its site, and its host."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    names = metas.get("og:site_name", []) + metas.get("application-name", []) + jsonld.site_names()
    return [*(unescape_entities(name) for name in names), host, host.split(".")[0]]


def clean_text(text: str | None) -> str:
    """``text`` with entities decoded and whitespace collapsed ("" for None)."""
    return normalize_space(unescape_entities(text)) if text else ""


def extract_title(
    tree: HtmlElement,
    metas: dict[str, list[str]],
    jsonld: JsonLd,
    scope: ArticleScope,
    url: str,
    *,
    base: str | None = None,
) -> str | None:
    """The declared headline (JSON-LD, og:title, twitter:title), else the <h1>, else <title>; entities
    decoded, the site's affixes cut by strip_site_suffix with the page's other headline signals. The names
    on the page's home links are read only when needed (a title with separators, an <h1> no declared
    headline confirms): most pages need neither."""
    article = jsonld.article or {}
    declared = [
        text
        for text in map(
            clean_text,
            (
                *text_values(article.get("headline")),
                *metas.get("og:title", []),
                *metas.get("twitter:title", []),
            ),
        )
        if text
    ]
    headlines = {fold_title(text) for text in declared}
    # a "site name" that reads as the headline (a WebSite node named after the page) names nothing
    sites = [name for name in _site_names(metas, jsonld, url) if fold_title(name) not in headlines]
    home: list[str] = []

    def all_sites() -> list[str]:
        if not home:
            names = _home_link_names(tree, url, base, scope.elements["a"])
            home.extend(n for n in names if fold_title(n) not in headlines)
            home.append("")  # read once, even when the page has none
        return sites + home

    h1 = clean_text(scope.h1_text) or None
    if h1 and (h1_key := fold_title(h1)) not in headlines and h1_key in {fold_title(n) for n in all_sites()}:
        h1 = None  # a logo in an <h1>: the site's name, not the headline
    candidates = [*declared, *filter(None, (h1, clean_text(scope.title_text)))]
    for index, candidate in enumerate(candidates):
        others = candidates[:index] + candidates[index + 1 :]
        separated = _TITLE_SPLIT.search(candidate) or _UNSPACED_HINT.search(candidate)
        names = all_sites() if separated else sites
        return strip_site_suffix(candidate, names, h1, others) or None
    return None


# Learned from the site (newsmon/extract/template.py): a title's end after a separator ("_新闻中心_临江网",
# " | Rheinpost") seen on the site's other pages is its own suffix, not the headline's. Hyphens and slashes
# written without spaces join words ("Covid-19"): only spaced ones separate here.
_AFFIX_SPLIT = re.compile(r"(\s+(?:\||-|–|—|::|»|«|·|•|/|~)\s+|\s*(?:_|｜|——|—|::|»|«|·|•|~)\s*)")
_AFFIX_KEY = "title-suffix\n"
MIN_HEADLINE_CHARS = 4  # letters and digits left of a title once a learned suffix is cut


def title_suffixes(titles: Iterable[str | None]) -> list[tuple[int, str]]:
    """(fingerprint, sample) of every end of the page's titles after a separator: the crawl learns them
    with the page's blocks, and an end found on ``min_pages`` pages of the site is its suffix."""
    found: dict[int, str] = {}
    for title in titles:
        parts = _AFFIX_SPLIT.split(clean_text(title))
        for end in range(1, len(parts), 2):
            suffix = "".join(parts[end:])
            found.setdefault(fingerprint(_AFFIX_KEY + suffix), f"title suffix: {suffix}"[:SAMPLE_CHARS])
    return list(found.items())


def without_learned_suffix(title: str, titles: Iterable[str | None], view: TemplateView, page: int) -> str:
    """``title`` without the longest end of the page's titles (``titles``: <title>, og:title) that the
    site's template knows as a suffix, when ``title`` still holds it."""
    for raw in titles:
        parts = _AFFIX_SPLIT.split(clean_text(raw))
        for end in range(1, len(parts), 2):  # the longest suffix first
            if not view.is_template(fingerprint(_AFFIX_KEY + "".join(parts[end:])), page):
                continue
            head = "".join(parts[:end]).strip()
            long_enough = len(fold_title(head)) >= MIN_HEADLINE_CHARS
            if long_enough and len(title) > len(head) and title.startswith(head):
                return head
            break
    return title
