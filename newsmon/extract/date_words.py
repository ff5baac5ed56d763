"""What dates need to know of the world's scripts and languages, read from unicodedata and dateparser's own
data rather than kept in tables here: digits of any script as ASCII, a word of any script (letters and
combining marks), the dateparser locales whose month names a date uses, the languages of a script, and the
words a language writes for am and pm (newsmon/extract/dates.py reads the dates)."""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata

from dateparser.data.languages_info import language_locale_dict, language_order

# Every Unicode decimal digit that is not ASCII (Arabic-Indic, Persian, Devanagari, Bengali, Thai, ...: what
# Python's \d adds to [0-9]) and the full-width forms of ASCII ("２０２６／３／１４ ９：０５"): the date
# patterns and dateparser read ASCII digits only.
_OTHER_DIGITS = re.compile(r"(?![0-9])\d|[\uff01-\uff5e]")


def _ascii_form(match: re.Match[str]) -> str:
    char = match.group()
    digit = unicodedata.decimal(char, None)
    return chr(ord(char) - 0xFEE0) if digit is None else str(digit)


def ascii_digits(text: str) -> str:
    """``text`` with its digits in ASCII ("٠٦:٤٠", "۰۶:۴۰", "०६:४०", "０６：４０" -> "06:40"): unicodedata
    knows every script's digits; full-width ASCII forms are written as ASCII. Cheap on ASCII text."""
    return text if text.isascii() else _OTHER_DIGITS.sub(_ascii_form, text)


LETTERS = r"[^\W\d_]"


@functools.cache
def word_pattern(least: int = 3) -> str:
    """A word of ``least`` characters or more: a letter, then letters and the combining marks of the BMP
    (Devanagari, Bengali, Thai vowel signs are marks: Python's \\w stops at them; read once from
    unicodedata: some 1,300 characters)."""
    ranges: list[list[int]] = []
    for code in range(0x300, 0x10000):
        if unicodedata.category(chr(code)) in ("Mn", "Mc"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    marks = "".join(rf"\u{a:04x}-\u{b:04x}" if a != b else rf"\u{a:04x}" for a, b in ranges)
    # a dot between letters: Thai abbreviations ("ก.พ.")
    return rf"{LETTERS}(?:{LETTERS}|[{marks}]|\.(?={LETTERS})){{{least - 1},}}"


@functools.cache
def words_pattern() -> re.Pattern[str]:
    return re.compile(word_pattern(2))


# Languages tried for a date in a page whose language is unknown, by the date's script: a bounded set (no
# language at all makes dateparser load and try every locale it has, a second and more per page).
_LATIN = ("en", "de", "fr", "es", "it", "pt", "nl", "pl", "cs", "ro", "hu", "tr", "sv", "da", "nb", "fi",
          "hr", "sk", "sl", "lt", "lv", "et", "ca", "id")  # fmt: skip
_CYRILLIC = ("uk", "ru", "bg", "sr", "be", "mk")
_MONTH_KEYS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
               "october", "november", "december")  # fmt: skip
MAX_LOCALES = 3  # a parser of many locales tries each in turn: tens of ms a date


@functools.cache
def _month_index(
    languages: tuple[str, ...], regional: int
) -> tuple[dict[str, tuple[str, ...]], dict[str, int]]:
    """Month word (lower case, no dot, every form dateparser knows: "märz", "березня", "mar", "كانون
    الثاني") -> the dateparser locales among ``languages`` that write it, in their order; ``regional``: with
    the regional locales of that many first languages (the page's), which hold the names a region uses
    beside the language's own ("ar-SY" knows the Levantine "آذار" as well as "مارس"). Read once from
    dateparser's own data."""
    from dateparser.languages.loader import default_loader

    names: dict[str, list[str]] = {}
    rank: dict[str, int] = {}
    for position, language in enumerate(languages):
        regions = language_locale_dict.get(language, ()) if position < regional else ()
        for locale in (language, *regions):
            rank.setdefault(locale, len(rank))
            info = default_loader.get_locale(locale).info
            for key in _MONTH_KEYS:
                for name in info.get(key, ()):
                    found = names.setdefault(unicodedata.normalize("NFC", name.lower().rstrip(".")), [])
                    if locale not in found:
                        found.append(locale)
    return {name: tuple(locales) for name, locales in names.items()}, rank


def _month_words(span: str) -> list[str]:
    """The words of ``span`` and its pairs of words (for two-word month names), lower case."""
    found = words_pattern().findall(unicodedata.normalize("NFC", span))
    words = [word.lower().replace(".", "") for word in found]
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def month_locales(span: str, languages: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """The dateparser locales whose month names include a word of ``span`` (a candidate date): those of
    the page's ``languages`` and their regions first, else the languages of the span's script (with their
    regions beyond Latin and Cyrillic). dateparser is then asked in those few, not in every language of
    the script."""
    words = _month_words(span)
    found = _locales_naming(words, languages, 1) if languages else ()
    if not found:
        script = script_languages(span)
        found = _locales_naming(words, script, 0 if script in (_LATIN, _CYRILLIC) else len(script))
    return found


def _locales_naming(words: list[str], languages: tuple[str, ...], regional: int) -> tuple[str, ...]:
    index, rank = _month_index(languages, regional)
    found = sorted({locale for word in words for locale in index.get(word, ())}, key=rank.__getitem__)
    # dateparser takes one region of a language: the first that writes the word
    by_language = {locale.split("-")[0]: locale for locale in reversed(found)}
    return tuple(sorted(by_language.values(), key=rank.__getitem__)[:MAX_LOCALES])


def script_languages(text: str) -> tuple[str, ...]:
    """dateparser languages for the script of ``text``'s letters: a chosen few for Latin and Cyrillic,
    Greek; for another script the languages whose month names dateparser writes in it, in its order
    ("ARABIC": fa, ar, ur...; "DEVANAGARI": hi, mr, ne...; "CJK": ja, zh...)."""
    letters = [ch for ch in text if ch.isalpha()]
    if any("\u0400" <= ch <= "\u04ff" for ch in letters):
        return _CYRILLIC
    if any("\u0370" <= ch <= "\u03ff" for ch in letters):
        return ("el",)
    for ch in letters:
        if ch >= "\u0250":
            found = _script_index().get(unicodedata.name(ch, "").split(" ")[0])
            if found:
                return found
    return _LATIN


@functools.cache
def _script_index() -> dict[str, tuple[str, ...]]:
    """Script (the first word of a letter's Unicode name: "ARABIC", "THAI") -> the dateparser languages
    writing month names in it, in dateparser's order; Latin left out (``_LATIN`` is the bounded set).
    Read once from dateparser's data (every language: some 0.2 s)."""
    from dateparser.languages.loader import default_loader

    index: dict[str, list[str]] = {}
    for language in language_order:
        info = default_loader.get_locale(language).info
        names = "".join(name for key in _MONTH_KEYS for name in info.get(key, ()))
        for script in {unicodedata.name(ch, "").split(" ")[0] for ch in names if ch.isalpha()} - {"LATIN"}:
            index.setdefault(script, []).append(language)
    return {script: tuple(languages) for script, languages in index.items()}


@functools.cache
def meridiems(languages: tuple[str, ...]) -> dict[str, bool]:
    """The words ``languages`` write after a time for am (False) and pm (True), from dateparser's data
    ("ص"/"م" in Arabic, "πμ"/"μμ" in Greek, "öö"/"ös" in Turkish)."""
    from dateparser.languages.loader import default_loader

    words: dict[str, bool] = {}
    for language in languages:
        info = default_loader.get_locale(language).info
        for key, pm in (("am", False), ("pm", True)):
            words.update({word.lower(): pm for word in info.get(key, ())})
    return words
