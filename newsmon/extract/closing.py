"""The byline written as the story's last line, without a label: "（石田浩二）", "— Maria Lopez",
"/이서연 기자", "（记者 刘洋）", and the agency closing a wire story: "(Reuters)", "（共同）", "(EFE)".

A person there is the article's author, an agency its ``source`` (never an author), the site's own name its
desk (neither); none of them is body. Which one is decided by evidence, not by a list of names:

- a label says it ("记者", "By", "Source:"; the reporter's title after a name: "기자", "記者");
- the page's structured data names it: the JSON-LD ``sourceOrganization``/``provider`` (a source), the
  ``publisher``/``og:site_name`` (the site's desk);
- its shape in its script: a person's name is two to four words, each capitalised where the script has
  case ("Ana de la Cruz": short lowercase particles inside), or 2-6 Han/Kana characters starting with a Han
  surname, or 2-4 Hangul syllables; Han and Hangul names of organisations end with the noun of their kind
  (社 "agency/company", 通信, 新聞, 뉴스, ...), a person's never does; a name holding an organisation's noun
  ("The Harbour Press", "Agence X") is an agency, one holding a desk's ("Staff Writer", "Redacción") the
  site's desk; letters spelt apart ("أ ف ب") are an acronym, not initials;
- a handful of wire agencies (WIRE_AGENCIES): their closing credit is one word or an acronym, which no
  shape tells from a surname; they are few and stable.

Anything else ("(Updated)", "（完）", a sentence in brackets) stays text. Only the last line is looked at
(and the credit lines layout.py cut from the end): no walk of the page."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from newsmon.extract.authors import PHOTO_LABELS, clean_author, fold, source_of, split_label
from newsmon.extract.jsonld import JsonLd, text_values
from newsmon.extract.text import normalize_space

# Wire agencies that close their copy with their bare name (folded): the international wires and the
# largest national ones whose credit is an acronym or one word. Other agencies are known by the page's
# structured data or by their name's shape (module docstring).
WIRE_AGENCIES = frozenset(
    {
        "ap", "afp", "reuters", "upi", "efe", "dpa", "ansa", "apa", "anp", "belga", "pap", "ctk", "mti",
        "tass", "interfax", "ukrinform", "unian", "kyodo", "jiji", "xinhua", "yonhap", "pti", "ians", "aap",
        "lusa", "sda", "ats", "tt", "ntb", "stt", "ritzau",
        "共同", "時事", "新华社", "新華社", "中新社", "中央社", "연합뉴스", "뉴시스",
    }
)  # fmt: skip
# How Han and Hangul names of organisations end: the noun of their kind (agency, wire, paper, broadcaster).
ORG_ENDINGS = (
    "社", "通信", "通讯", "通訊", "新聞", "新闻", "日报", "日報", "放送", "电视台", "電視台",
    "뉴스", "통신", "신문", "방송",
)  # fmt: skip
# Words that make a capitalised credit an organisation's ("The Associated Press", "Agence X") or the
# site's own desk's ("Staff Writer", "Redacción"): the common nouns of news credits in the usual languages.
ORG_WORDS = frozenset(
    {"press", "news", "newswire", "wire", "wires", "agency", "agencies", "agence", "agencia", "agenzia",
     "agentur", "agência", "агентство", "агенція", "service"}
)  # fmt: skip
DESK_WORDS = frozenset(
    {"staff", "writer", "writers", "reporter", "reporters", "desk", "newsroom", "team", "editors",
     "correspondent", "redaktion", "redacción", "rédaction", "redazione", "redakcja", "redação",
     "редакция", "редакція"}
)  # fmt: skip
_NOT_NAME_WORDS = ORG_WORDS | DESK_WORDS | PHOTO_LABELS | WIRE_AGENCIES
MAX_CLOSING_CHARS = 60  # a credit, not a sentence
_QUOTE_ENDS = ("”", '"', "»", "«", "“", "」", "』", "’")

_BRACKETED = re.compile(r"^[（(【\[]\s*([^（()）【】\[\]]{1,60}?)\s*[）)】\]]$")
# "— Maria Lopez", "/이서연 기자"; not one hyphen: the extractor writes list items so ("- Item")
_LED = re.compile(r"^(?:[—–―]|--|/)\s*([^\s—–―/-].{0,59})$")
_LABELLED = re.compile(r"(?:기자|특파원|記者|记者|特派員|特派员)$|[:：]")  # a label or a reporter's title
_PARTS = re.compile(r"\s*(?:/|,|、|，|;|；|&|\band\b)\s*")
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # with the compatibility ideographs (﨑, 髙 is unified)
_KANA = "\u3041-\u309f\u30a1-\u30ff"  # hiragana, katakana: Japanese given names ("小野寺はるか")
_KATAKANA = "[\u30a1-\u30fa\u30fc]{2,8}"  # a foreign name's word in katakana ("ジョン・スミス")
# Han names (々 repeats a character), a Han surname with a kana given name (one Han and kana is a verb:
# "続く"), Hangul names, foreign names in katakana
_SPACELESS_NAME = re.compile(
    rf"^(?:[{_HAN}][{_HAN}\u3005]{{1,5}}|[{_HAN}][{_HAN}\u3005]{{1,2}}[{_KANA}]{{2,4}}|[\uac00-\ud7a3]{{2,4}}|{_KATAKANA}(?:・{_KATAKANA})+)$"
)
_NAME_MARKS = str.maketrans("", "", ".-'’")
# "(Reporting by Ann Lee; Editing by Bo Chen)": each role and its people; only a writing role is an author
_ROLE_BY = re.compile(r"^(?P<role>[^\W\d_]+(?:\s+[^\W\d_]+)?)\s+by\s+(?P<names>.+)$", re.IGNORECASE)
_PLACE = re.compile(r"\s+in\s+[^\W\d_].*$")  # "Reporting by Ann Lee in Lyon"
_AGENCY_REPORTER = re.compile(r"^(?P<agency>\S+?)(?:记者|記者|特派员|特派員)\s*(?P<names>\S.*)$")
_GLUED = re.compile(r"(?<=[.!?。！？」”])\s*[（(][^（()）]{1,40}[)）]$")
_EMAIL = re.compile(r"[\s,]*\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_SEGMENTS = re.compile(r"\s*[;；]\s*")
AUTHOR_ROLES = ("report", "writ", "word", "text", "story")  # "Reporting by", "Written by", "Words by"


@dataclass(frozen=True)
class Closing:
    """What a closing credit line says: the authors it names, the agency it names (``source``); both
    empty for the site's own desk."""

    authors: list[str]
    source: str | None


def person_shaped(name: str) -> bool:
    """A person's name by its shape in its script (see the module docstring)."""
    if _SPACELESS_NAME.match(name):
        return not name.endswith(ORG_ENDINGS)
    words = name.split()
    if not 2 <= len(words) <= 4 or _words_in(name, _NOT_NAME_WORDS):
        return False
    for index, word in enumerate(words):
        letters = word.translate(_NAME_MARKS)
        if not letters.isalpha() or (len(letters) == 1 and not word.endswith(".")):
            return False  # a single letter without its period is no initial: "أ ف ب" is an acronym
        if word[0].islower() and (index in (0, len(words) - 1) or len(word) > 3):
            return False  # "de", "van", "al" inside a name; a lowercase word elsewhere is prose
    return True


def _words_in(text: str, words: frozenset[str]) -> bool:
    return any(word.strip(".,") in words for word in text.casefold().split())


def _agency(part: str, sources: set[str]) -> bool:
    """An agency by evidence: the page's source organisations, a wire, an acronym spelt in letters
    ("أ ف ب"), a Han/Hangul name ending with its kind, a capitalised name with an organisation's noun."""
    key = fold(part)
    if key in WIRE_AGENCIES or key in sources:
        return True
    words = part.split()
    if " " not in part:
        return part.endswith(ORG_ENDINGS)
    if len(words) >= 2 and all(len(word.strip(".")) == 1 and word.strip(".").isalpha() for word in words):
        return True
    return words[-1][:1].isupper() and len(words) <= 5 and _words_in(part, ORG_WORDS)


def read_closing(
    line: str, sources: set[str], desks: set[str], prose: frozenset[str] = frozenset()
) -> Closing | None:
    """What the closing ``line`` says (a credit line, bracketed or led by a dash or slash, or a credit
    line layout.py cut); None when it names nobody. ``sources``, ``desks``: folded names the page's
    structured data gives to its source organisations and to the site itself; ``prose``: the words the
    story itself writes in lower case (``common_words``)."""
    shaped = _BRACKETED.match(line) or _LED.match(line)
    inner = _EMAIL.sub("", normalize_space(shaped.group(1) if shaped else line)).strip(" ,")
    if not inner or len(inner) > MAX_CLOSING_CHARS or any(ch.isdigit() for ch in inner):
        return None
    roles = [match for seg in _SEGMENTS.split(inner) if (match := _ROLE_BY.match(seg)) is not None]
    if roles:  # a credit of roles: the writers are the authors, the others (editing, photos) nobody's
        people = [
            (match["role"].casefold().startswith(AUTHOR_ROLES), name)
            for match in roles
            for name in clean_author(_PLACE.sub("", match["names"]))
            if person_shaped(name)
        ]
        return Closing([name for writer, name in people if writer], None) if people else None
    if _words_in(inner, PHOTO_LABELS):
        return None  # a picture's credit ("AP Photo/Ann Lee"): not the story's
    reporter = _AGENCY_REPORTER.match(inner)
    if reporter is not None and _agency(reporter["agency"], sources):  # "新华社记者 刘洋"
        names = [name for name in clean_author(reporter["names"]) if person_shaped(name)]
        return Closing(names, reporter["agency"]) if names else None
    names = clean_author(inner)
    if _LABELLED.search(inner) or split_label(inner)[0] is not None or (names and names[0] != inner):
        source = source_of(inner)  # "Source: X", else a label, a title or a list of names
        if source is not None:
            return Closing([], source)
        names = [name for name in names if person_shaped(name)]
        return Closing(names, None) if names else None
    if not shaped:
        return None
    key = fold(inner)
    if key in desks:
        return Closing([], None)
    parts = [part for part in _PARTS.split(inner) if part]
    if parts and all(_agency(part, sources) for part in parts):
        return Closing([], inner)
    if len(inner.split()) <= 4 and (_words_in(inner, DESK_WORDS) or fold(inner) in ORG_WORDS):
        return Closing([], None)  # "— Staff Writer": the site's desk
    if parts and all(
        person_shaped(part) and fold(part) not in desks and not _common(part, prose) for part in parts
    ):
        return Closing(parts, None)
    return None


def common_words(text: str) -> frozenset[str]:
    """The words ``text`` writes in lower case: in a script with case, a capitalised credit made of them
    ("— Read More", "(Video Report)") is a phrase of the language, not a person's name (names keep their
    capitals wherever the story writes them)."""
    return frozenset(word.strip(".,;:!?()\"'«»“”") for word in text.split() if word.islower())


def _common(name: str, prose: frozenset[str]) -> bool:
    """A capitalised name (a script with case) one of whose words the story writes in lower case: no
    closing byline then (a name missed leaves the line in the body, as before it was read; a phrase taken
    for a name would give a false author)."""
    return any(word[:1].isupper() and word.strip(".").lower() in prose for word in name.split())


def closing_credit(
    body: str, credits: Sequence[str], evidence: Callable[[], tuple[set[str], set[str]]]
) -> tuple[str, Closing | None]:
    """The body without its closing credit line, and what it says (the credit lines layout.py cut from
    the end, ``credits``, are read too). ``evidence``: (sources, desks) of the page, asked for only when
    a line may be a credit."""
    head, _, last = body.rstrip().rpartition("\n")  # the last line with text: a body may end in blank lines
    last = last.strip()
    glued = _GLUED.search(last) if last[-1:] in ")）" else None
    if glued is not None:  # "…と述べた。（共同）", "…on Monday. (Reuters)": glued after the last sentence
        head, last = body[: body.rindex(glued.group())], glued.group().strip()
    candidate = bool(head.strip()) and len(last) <= MAX_CLOSING_CHARS + 4 and last[:1] in "（(【[—–―-/"
    if candidate and last[0] in "—–―-" and head.rstrip().endswith(_QUOTE_ENDS):
        candidate = False  # "“…” — Ann Lee": a quotation's attribution, not the byline
    if not candidate and not credits:
        return body, None
    sources, desks = evidence()
    found = [closing for line in credits if (closing := read_closing(line, sources, desks)) is not None]
    if candidate:
        closing = read_closing(last, sources, desks, common_words(head))
        if closing is not None:
            found.append(closing)
            body = head.rstrip()
    if not found:
        return body, None
    return body, Closing(
        [name for closing in found for name in closing.authors],
        next((closing.source for closing in found if closing.source), None),
    )


def with_closing(authors: list[str], closing: Closing, desks: set[str]) -> list[str]:
    """The article's authors given its closing credit: those found before, unless they only name the site
    itself (a JSON-LD author that is the publisher): then the people the closing credit names."""
    if authors and not all(fold(name) in desks for name in authors):
        return authors
    return closing.authors or authors


def page_names(jsonld: JsonLd, own: Iterable[str | None]) -> tuple[set[str], set[str]]:
    """The evidence ``closing_credit`` asks for: the folded names of the page's source organisations
    (JSON-LD ``sourceOrganization``, ``provider``) and of the site itself (``own``: its publisher,
    ``og:site_name``)."""
    article = jsonld.article or {}
    sources = [
        *text_values(article.get("sourceOrganization"), jsonld),
        *text_values(article.get("provider"), jsonld),
    ]
    return {fold(name) for name in sources}, {fold(name) for name in own if name}
