"""Authors of an article in any language: byline labels ("By", "Von", "Автор:", "Szerző:") taken off, one
clean name per author, and agency/source lines ("Source: <agency>", "Джерело:", "Fuente:") kept apart.

Labels are recognised three ways: a small multilingual list of the words bylines start with, any short label
ending in a colon ("Teksti:", "Autorka:"), and what the page's own bylines share (the article's and its
teaser cards' "Text von …": the words before the names, learned from the page). Comments, replies, user
widgets and teaser cards never give the article's authors."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any, cast
from urllib.parse import unquote, urlsplit

from lxml import etree
from lxml.etree import XPath
from lxml.html import HtmlElement

from newsmon.extract import xpaths
from newsmon.extract.jsonld import JsonLd, text_values
from newsmon.extract.scope import ArticleScope
from newsmon.extract.text import count_words, normalize_space, text_of

# Words a byline starts with, without a colon (lowercase; "de" only before a name of two words or more).
BYLINE_WORDS = (
    "written by", "words by", "text by", "reported by", "posted by", "story by", "by", "por", "von", "par",
    "di", "door", "av", "af", "od", "text", "texto", "teksti", "tekst", "текст", "автор", "авторка", "de",
    "本报记者", "记者", "記者", "作者",
)  # fmt: skip
# Labels before a colon that name where a story comes from (a `source`, never an author) ...
SOURCE_LABELS = frozenset(
    [
        "source",
        "sources",
        "fuente",
        "fuentes",
        "fonte",
        "fontes",
        "quelle",
        "quellen",
        "джерело",
        "джерела",
        "источник",
        "источники",
        "źródło",
        "zdroj",
        "forrás",
        "kaynak",
        "kilde",
        "källa",
        "lähde",
        "bron",
        "sursa",
        "agency",
        "agencia",
        "agentur",
        "agenzia",
        "来源",
        "來源",
        "出处",
        "出處",
        "出典",
        "출처",
    ]
)
_SOURCE_WORD = re.compile(xpaths.alternation(SOURCE_LABELS), re.IGNORECASE)
# ... or the desk that edited it (not its author): "（责任编辑：孙静）", "編集：山田", "편집: 김민지"
EDITOR_LABELS = frozenset(
    ["责任编辑", "責任編輯", "编辑", "編輯", "编审", "审核", "审校", "校对", "監修", "編集", "편집", "데스크"]
)
# ... or a picture's credit (neither source nor author)
PHOTO_LABELS = frozenset(
    [
        "photo",
        "photos",
        "foto",
        "fotos",
        "fotó",
        "фото",
        "світлина",
        "kuva",
        "zdjęcie",
        "bild",
        "bilder",
        "image",
        "images",
        "credit",
        "crédito",
    ]
)
_LABEL_COLON = re.compile(r"^([^\W\d_][^\W\d_.'’-]*(?:\s+[^\W\d_][^\W\d_.'’-]*){0,2})\s*[:：]\s*")
# A label inside a line, after a space or a bracket ("2026年12月07日 14:05 来源：临江晚报 作者：周明"): the
# line's labelled parts start there.
_INNER_LABEL = re.compile(r"(?:(?<=\s)|(?<=[（(【\[]))(?=[^\W\d_]{1,12}\s*[:：])")
# What ends a labelled value inside a line: a bracket or the next label.
_VALUE_END = re.compile(r"\s*[（【）】]|\s*[(\[]?\s*(?<=[\s(\[])[^\W\d_]{1,12}\s*[:：]")
# A name followed by the reporter's title, the way Korean, Japanese and Chinese bylines write it
# ("홍길동 기자", "山田太郎記者", "김민지·박서준 기자 minji@example.kr"); names without spaces are
# plausible names in those scripts: 2-4 Han characters, or 2-5 Hangul syllables.
_NAME_TITLE = re.compile(
    r"^(?P<names>[^\W\d_][\w·・、,\s]{1,40}?)\s*(?:기자|특파원|記者|记者|特派員|特派员)(?=$|[\s=/])"
)
_NAME_TITLE_IN = re.compile(
    r"(?:^|(?<=\s))[^\W\d_]{2,5}(?:\s*[·・、,]\s*[^\W\d_]{2,5})*\s*(?:기자|특파원|記者|记者|特派員|特派员)(?=$|[\s=/])"
)
MAX_NAME_CHARS = 10  # characters of a name in a script written without spaces (counted as words)
_CJK_NAME = re.compile(r"^(?:[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005]{2,4}|[\uac00-\ud7a3]{2,5})$")
_EMAIL = re.compile(r"\s*\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_WORD_LABEL = re.compile(
    r"^(?:"
    + "|".join(re.escape(w) for w in sorted(BYLINE_WORDS, key=len, reverse=True))
    + r")\b\s*[:：]?\s+",
    re.IGNORECASE,
)
# What themes put between the author and the date in one byline element.
_BYLINE_SEPARATORS = re.compile(r"\s+[·•—–]\s+|\s*\|\s*")
_AUTHOR_SPLIT = re.compile(
    r"\s*(?:,|;|&|、|，|\band\b|\bund\b|\by\b|\bet\b|\be\b|\bi\b|\bи\b|\bі\b|\bés\b|\bog\b|\boch\b|\bja\b|\|)\s*",
    re.IGNORECASE,
)
_NOT_NAMES = frozenset(
    {"admin", "staff", "by", "redaktion", "redacción", "rédaction", "redazione", "редакція"}
)
# Containers of comments, replies and user widgets (class or id, any case): their names are commenters.
# Path words of an author's page ("/autor/anna-berg", "/auteurs/claire-le-goff", "/szerzo/kovacs-anna")
AUTHOR_PATH_WORDS = frozenset(
    [
        "author",
        "authors",
        "autor",
        "autoren",
        "autori",
        "autore",
        "auteur",
        "auteurs",
        "autores",
        "avtor",
        "avtori",
        "автор",
        "автори",
        "авторы",
        "szerzo",
        "szerzok",
        "yazar",
        "yazarlar",
        "forfattare",
        "forfatter",
        "toimittaja",
        "toimittajat",
        "journalist",
        "journalists",
        "journalisten",
        "redakteur",
        "redakteure",
        "people",
        "profile",
        "profiles",
        "writer",
        "writers",
        "columnist",
        "columnists",
    ]
)
_HEADER_LINKS = XPath(".//a[@href]")
# Short text nodes holding a colon: where a "Source: <agency>" line can start (filtered in C).
_COLON_TEXTS = XPath(  # descendant::, not .//: the same nodes without a node-set of every descendant first
    "descendant::text()[contains(., ':') or contains(., '：')][string-length(.) < 80]"
    "[not(parent::script or parent::style or parent::a)]"
)


def fold(name: str) -> str:
    """The key two spellings of one name share: case, diacritics and spacing aside."""
    if name.isascii():  # nothing to decompose, no combining marks, casefold() is lower()
        return " ".join(name.lower().split())
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    combining = unicodedata.combining
    return " ".join("".join([ch for ch in decomposed if not combining(ch)]).split())


def dedupe_names(names: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(fold(name), name)
    return list(seen.values())


def split_label(text: str) -> tuple[str | None, str]:
    """(label, rest) of a "Label: rest" line (a label of one to three words before a colon), else
    (None, text)."""
    match = _LABEL_COLON.match(text)
    if match is None:
        return None, text
    return match.group(1), text[match.end() :]


def plausible_name(name: str) -> bool:
    """A name of two words or more, or one written without spaces in a script that writes names so
    (2-4 Han characters, 2-5 Hangul syllables)."""
    return len(name.split()) >= 2 or _CJK_NAME.match(name) is not None


def labelled_parts(line: str) -> list[str]:
    """The line, and its parts that start with a label inside it ("12月07日 来源：临江晚报 作者：周明" ->
    "来源：临江晚报 作者：周明", "作者：周明"): several labelled fields share a line in many CMSs."""
    if "：" not in line and ":" not in line:
        return [line]
    return [line, *(line[match.start() :] for match in _INNER_LABEL.finditer(line))]


def source_of(text: str) -> str | None:
    """The agency of a "Source: <agency>" line in any language (the label from SOURCE_LABELS), else None;
    the label may follow other fields in the line ("14:05 来源：临江晚报 （责任编辑：周明）")."""
    if _SOURCE_WORD.search(text) is None:  # most colon texts name no source: one C search decides
        return None
    for part in labelled_parts(normalize_space(text)):
        label, rest = split_label(part)
        if label is None or label.casefold() not in SOURCE_LABELS:
            continue
        end = _VALUE_END.search(rest)
        rest = (rest[: end.start()] if end else rest).strip(" .。")
        if rest and len(rest.split()) <= 8:
            return rest
    return None


def _strip_label(text: str, learned: tuple[str, ...]) -> str | None:
    """The byline without its label; None when the label says it is no author (a source, a photo)."""
    if text[:1] in "（(【[" and text[-1:] in "）)】]":
        text = text[1:-1].strip()  # "（责任编辑：孙静）"
    for prefix in learned:
        if text.casefold().startswith(prefix):
            text = text[len(prefix) :].lstrip(" :：")
    label, rest = split_label(text)
    if label is not None:
        if label.casefold() in SOURCE_LABELS or label.casefold() in PHOTO_LABELS or label in EDITOR_LABELS:
            return None
        text = rest
    match = _WORD_LABEL.match(text)
    if match is not None:
        rest = text[match.end() :]
        word = match.group(0).strip(" :：").casefold()
        if word != "de" or len(rest.split()) >= 2:
            text = rest
    return text


def clean_author(name: str, learned: tuple[str, ...] = ()) -> list[str]:
    """Author names in a byline or field: labels in any language stripped ("By", "Von", "Автор:",
    ``learned`` prefixes), split on "and"/"," in the usual languages; URLs, dates and times that share the
    byline ("Ann Lee · 7 April 2026") dropped; a source or photo credit line gives no name."""
    names = []
    text = normalize_space(name)
    for piece in _BYLINE_SEPARATORS.split(text):
        stripped = _strip_label(piece.strip(), learned)
        if stripped is None:
            continue
        titled = _NAME_TITLE.match(_EMAIL.sub("", stripped).strip())
        if titled is not None:  # "홍길동 기자 hong@example.kr": the name before the reporter's title
            stripped = titled.group("names").strip()
        end = _VALUE_END.search(stripped, 1)
        if end is not None:  # "周明 来源：临江晚报": the next field of the line is not the name
            stripped = stripped[: end.start()]
        several = len(stripped.split()) > 3 or any(mark in stripped for mark in ",、，")
        parts = _AUTHOR_SPLIT.split(stripped) if several else [stripped]
        if titled is not None:  # "김민지·박서준 기자": reporters' names joined by a middle dot
            dotted = re.split(r"\s*[·・]\s*", stripped)
            parts = dotted if all(_CJK_NAME.match(n) for n in dotted) else parts
        for part in parts:
            part = (_strip_label(part.strip(), learned) or "").strip(" .:-–—|·")
            lowered = part.lower()
            if (
                not part
                or any(ch.isdigit() for ch in part)  # a date, a time, a count: never a name
                or "://" in part
                or lowered.startswith(("www.", "/", "@"))
                or "@" in part
                or len(part.split()) > 6
                or count_words(part) > MAX_NAME_CHARS  # a sentence in a script without spaces
                or lowered in _NOT_NAMES
            ):
                continue
            names.append(part)
    return names


def learned_labels(texts: list[str]) -> tuple[str, ...]:
    """The words the page's bylines all start with ("Text von Anna Berg", "Text von Jan Kos" -> "text
    von"), when at least two bylines differ after them and each goes on with a name of two words or more:
    the site's own label, in whatever language. A shared first name is no label: a prefix of capitalised
    words needs a colon or three different bylines."""
    starts = list(dict.fromkeys(normalize_space(t) for t in texts if normalize_space(t)))
    if len(starts) < 2:
        return ()
    words = [s.split() for s in starts]
    shared = 0
    while all(len(w) > shared + 2 for w in words) and len({w[shared].casefold() for w in words}) == 1:
        shared += 1
    if not shared or shared > 3:
        return ()
    prefix = " ".join(words[0][:shared])
    if prefix[:1].isdigit() or any(ch.isdigit() for ch in prefix):
        return ()
    if not prefix.endswith((":", "：")) and prefix[:1].isupper() and len(starts) < 3:
        return ()
    return (prefix.casefold(),)


def _without_fragments(names: list[str]) -> list[str]:
    """Names deduplicated, and a name glued to more text ("Ann LeeContributing Writer") dropped for the
    clean one."""
    names = dedupe_names(names)
    keys = [fold(n) for n in names]
    return [
        n for n, key in zip(names, keys, strict=True) if not any(key != k and key.startswith(k) for k in keys)
    ]


# Containers of comments, replies and user widgets (a class or id word, any case): their names are commenters.
_COMMENTS = re.compile(
    r"[ck]om+ent|reply|replies|respond|discuss|disqus|r[ée]actions?\b|user-?widget|коммент|коментар",
    re.IGNORECASE,
)
_COMMENT_TYPES = re.compile(r"schema\.org/(?:Comment|UserComments|Review)", re.IGNORECASE)
_PAGE_TAGS = frozenset({"html", "body", "main", "article"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def in_comments(element: HtmlElement, memo: dict[HtmlElement, bool] | None = None) -> bool:
    """Inside a comments, replies or user-widget container. The page's and the article's own elements
    (<body class="comments-open">, WordPress's) are no such container. Called on a few candidates only: a
    walk up from each is cheaper than finding every container of the page. ``memo``: the verdicts of
    elements walked before (links of one list share their ancestors: the walk stops at a known one)."""
    walked: list[HtmlElement] = []
    verdict = False
    ancestor: HtmlElement | None = element  # its own class too ("comment-author")
    while ancestor is not None:
        if memo is not None:
            known = memo.get(ancestor)
            if known is not None:
                verdict = known
                break
            walked.append(ancestor)
        if ancestor.tag not in _PAGE_TAGS:
            css, ident, itemtype = ancestor.get("class"), ancestor.get("id"), ancestor.get("itemtype")
            if ((css or ident) and _COMMENTS.search(f"{css or ''} {ident or ''}")) or (
                itemtype and _COMMENT_TYPES.search(itemtype)
            ):
                verdict = True
                break
        ancestor = ancestor.getparent()
    if memo is not None:
        for seen in walked:  # each is inside the container found, or below ancestors that are none
            memo[seen] = verdict
    return verdict


def in_other_article(element: HtmlElement, scope: ArticleScope) -> bool:
    """Inside a teaser card: an <article> other than the headline's, without the headline, that links its
    own heading (a related story, a "more from" grid)."""
    for ancestor in element.iterancestors("article"):
        if ancestor is scope.root or (scope.h1 is not None and scope.h1 in ancestor.iterdescendants()):
            return False
        return bool(ancestor.xpath(".//h2//a|.//h3//a|.//h4//a|.//a//h2|.//a//h3|.//a//h4"))
    return False


def _own(elements: Iterable[HtmlElement], scope: ArticleScope) -> list[HtmlElement]:
    """The article's own byline elements: not in comments or teaser cards."""
    return [el for el in elements if not in_comments(el) and not in_other_article(el, scope)]


def _author_links(scope: ArticleScope) -> list[HtmlElement]:
    """Links of the header zone to an author's page (a path word in AUTHOR_PATH_WORDS)."""
    links = []
    for zone in scope.header:
        for link in xpaths.select(_HEADER_LINKS, zone):
            segments = unquote(urlsplit(link.get("href") or "").path).casefold().strip("/").split("/")
            if len(segments) >= 2 and any(s in AUTHOR_PATH_WORDS for s in segments[:-1]):
                links.append(link)
    return links  # find_authors keeps the article's own (_own), as for every byline source


def _element_after(text: Any) -> HtmlElement | None:
    """The element right after a text node: its parent's first child for the parent's text, else the
    element whose tail it is's next sibling."""
    parent = text.getparent()
    if parent is None:
        return None
    following = parent[0] if text.is_text and len(parent) else parent.getnext() if text.is_tail else None
    return following if following is not None and isinstance(following.tag, str) else None


def _labelled_lines(scope: ArticleScope) -> list[str]:
    """Short header-zone lines that start with a byline label ("Szerző: Kovács Anna", "Por <a>Ana Gil</a>",
    "Texto: Inês Lopes · 30/03/2026"): a bare label takes the name from the element right after it (not
    before a list of links: tags); the date after a separator is left out."""
    lines = []
    for zone in scope.header:
        for text in xpaths.select_text(xpaths.TEXT_NODES, zone):
            line = normalize_space(str(text))
            parent = text.getparent()
            if parent is not None and any(el.tag in _HEADINGS for el in (parent, *parent.iterancestors())):
                continue  # the headline, a heading: never a byline
            if len(line.split()) <= 2 and parent is not None and len(parent.findall(".//a")) <= 1:
                following = _element_after(text)  # a bare label: the name is the element right after it
                if following is not None and len(text_of(following).split()) <= 6:
                    line = f"{line} {normalize_space(text_of(following))}"
                elif text.is_text and _LABEL_COLON.match(line) and line.rstrip().endswith((":", "：")):
                    line = f"{line} {normalize_space(parent.tail)}"  # "<small>作者:</small>李堃"
            for part in labelled_parts(line):
                part = _BYLINE_SEPARATORS.split(part)[0].strip()
                end = _VALUE_END.search(part, part.find("：") + 1 or part.find(":") + 1 or len(part))
                part = part[: end.start()] if end else part  # "作者：周明 编辑：孙静": the author's part
                if len(part.split()) > 8 or any(ch.isdigit() for ch in part):
                    continue
                label, _ = split_label(part)
                if (label is not None and len(label.split()) <= 2) or _WORD_LABEL.match(part):
                    lines.append(part)
            lines.extend(m.group(0) for m in _NAME_TITLE_IN.finditer(line))  # "홍길동 기자", "山田太郎記者"
    return lines


def find_authors(
    metas: dict[str, list[str]], jsonld: JsonLd, scope: ArticleScope, meta_keys: tuple[str, ...]
) -> list[str]:
    """The article's authors from the strongest source that names any: JSON-LD, author meta tags, rel=author
    links, byline elements (microdata itemprop=author, byline/author classes), links to an author page in the
    header, labelled header lines; one clean name per author, deduplicated."""
    article = jsonld.article or {}
    found = [n for value in text_values(article.get("author"), jsonld) for n in clean_author(value)]
    if not found:
        found = [n for key in meta_keys for value in metas.get(key, []) for n in clean_author(value)]
    if found:
        return dedupe_names(found)
    bylines = scope.bylines()
    learned = learned_labels([text_of(el) for el in bylines])
    for elements in (scope.rel_authors, lambda: bylines, lambda: _author_links(scope)):  # in turn, lazily
        names = [n for el in _own(elements(), scope) for n in clean_author(text_of(el), learned)]
        if names:
            return _without_fragments(names)
    names = [n for line in _labelled_lines(scope) for n in clean_author(line, learned)]
    return dedupe_names(n for n in names if plausible_name(n))


def find_source(scope: ArticleScope) -> str | None:
    """The agency a "Source: <agency>" line names, in the header zone or among the article's short lines.

    A header zone inside the article's root holds none of the root's colon texts' sources but its own
    (what a text names does not depend on the zone it is read from): the root is read once, and such a
    zone only looks among the root's finds (an XPath over each zone read the header twice)."""
    root = scope.root
    found = (
        [(text, source) for text in xpaths.select_text(_COLON_TEXTS, root) if (source := _source_at(text))]
        if root is not None
        else []
    )
    for zone in scope.header:
        if root is not None and (zone is root or root in zone.iterancestors()):
            source = next((source for text, source in found if _inside(text, zone)), None)
        else:
            source = next(filter(None, map(_source_at, xpaths.select_text(_COLON_TEXTS, zone))), None)
        if source:
            return source
    return found[0][1] if found else None


def _source_at(text: etree._ElementUnicodeResult) -> str | None:
    """The agency a colon text names, itself or, when it ends in a colon ("<b>Source:</b> <a>Agency</a>"),
    with the label's element, then its parent, when short."""
    line = str(text)
    source = source_of(line)
    element = text.getparent()
    for _ in range(2):
        if source is not None or element is None or not line.rstrip().endswith((":", "：")):
            break
        context = normalize_space(text_of(cast("HtmlElement", element)))
        if len(context) >= 80:
            break
        source = source_of(context)
        element = element.getparent()
    return source


def _inside(text: etree._ElementUnicodeResult, zone: HtmlElement) -> bool:
    """A text node (an element's text, or its tail: then in the element's parent) is in ``zone``."""
    owner = text.getparent()
    if owner is None:
        return False
    if owner is zone:
        return bool(text.is_text)
    return any(ancestor is zone for ancestor in owner.iterancestors())
