"""The story as the page's own data states it: JSON-LD ``articleBody``/``wordCount`` and the state that
front-end frameworks embed for their scripts to render from.

A script-built page (its static article container empty, an inline script renders it) usually carries the
whole story as data: Next.js ``__NEXT_DATA__`` (pages router) or ``self.__next_f.push`` flight rows (app
router), Nuxt ``__NUXT_DATA__`` (a devalue payload) or ``window.__NUXT__``, Arc ``Fusion.globalContent``
(``content_elements``), Redux/Apollo ``window.__INITIAL_STATE__``/``__APOLLO_STATE__`` and the like. Key
paths differ by site and version, so nothing here follows one: every JSON value the page embeds is walked,
and the story is found by shape:

- a *block run*: a list of two or more paragraph-like items (strings, HTML strings, or objects whose text
  is prose: Arc ``{type: "text", content}``, Contentful/Portable-Text blocks, React flight elements),
  most of them (the last one aside) ending like sentences; items holding a URL of their own (images,
  teaser cards) are not paragraphs; a list of inline pieces is one paragraph;
- an HTML or plain string of two or more paragraphs (``body: "<p>..</p><p>..</p>"``);
- of those, the longest under the object that holds the page's headline (the article's own object), else
  the longest whose words overlap the headline and description (not a list of other stories).

The JSON is read with the standard library (``json.JSONDecoder.raw_decode`` from the assignment on, and
``JSON.parse("...")`` string literals): serialised state is JSON. Nothing is executed.
"""

from __future__ import annotations

import html
import json
import logging
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from lxml.html import HtmlElement

from newsmon.extract.guard import SURE_WORDS, count_words
from newsmon.extract.jsonld import JsonLd
from newsmon.extract.text import normalize_space

logger = logging.getLogger(__name__)

MAX_SCRIPT_CHARS = 2_000_000  # a script larger than this is not read (a page state is rarely past 1 MB)
MIN_SCRIPT_CHARS = 200  # nor one smaller: it cannot hold a story
MAX_NODES = 100_000  # JSON values walked per page, at most (about 0.6 s on a hostile page)
MAX_DEPTH = 64  # nesting followed
MIN_STORY_WORDS = 25  # a story candidate with fewer words is not one (body.MIN_WORDS)
PROSE_WORDS = 5  # an item with this many words is prose; a block run needs two such items
SENTENCE_SHARE = 0.5  # a block run: at least this share of its prose items end like a sentence
COVER_SHARE = 0.7  # an HTML body holding this share of the story's words is the story
OVERLAP_SHARE = 0.3  # without the headline's object: share of headline words the story must hold
_SENTENCE_END = re.compile(r"[.!?…。！？:;)\]\"'”’»]$")
_IDENTIFIER = re.compile(r"^[\w$:/.#@%+=,&?~-]*$")  # keys, ids, enums, URLs, class names: not prose
_URL = re.compile(r"^(?:https?:)?//\S+$|^/[^\s]*$")
_HTML_HINT = re.compile(r"<(?:p|br|div|h[1-6]|li|blockquote|span|a|em|strong)\b[^>]*>", re.IGNORECASE)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_BLOCK_TAG = re.compile(
    r"<(?:/?(?:p|div|h[1-6]|li|ul|ol|blockquote|figure|figcaption|section|table|tr)\b[^>]*|br\s*/?)>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]*>")
# An inline script assigning state: window.X = {..}, self.X = [..], Fusion.globalContent = {..},
# __X__ = JSON.parse("..."). Found as "= {" (cheap: a regex with alternatives at every character of 40 KB of
# scripts a page costs more than the rest of this module), then the target is checked just before it.
_ASSIGNED = re.compile(r"=\s*(JSON\.parse\(\s*)?([{\[\"'])")
_TARGET = re.compile(r"(?:\b(?:window|self|globalThis)\s*\.\s*[\w$]+|\.globalContent|\b__[A-Z][\w$]*__)\s*$")
_TARGET_CHARS = 80  # how far back the target is looked for
_TARGET_HINTS = ("window", "self", "globalThis", "globalContent", "__")  # what a target holds (cheap test)
_DOUBLE_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"', re.DOTALL)
_SINGLE_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'", re.DOTALL)
_NEXT_FLIGHT = re.compile(r"self\.__next_f\.push\(")
_FLIGHT_ROW = re.compile(r"^[0-9a-f]+:", re.MULTILINE)
_TOKEN = re.compile(r"\w{4,}", re.UNICODE)
# devalue (Nuxt 3 payload): wrapper types holding one value
_DEVALUE_WRAPPERS = frozenset(
    {"Reactive", "ShallowReactive", "Ref", "ShallowRef", "EmptyRef", "EmptyShallowRef", "Object"}
)


@dataclass(frozen=True)
class Story:
    """The story the page's data states: ``text`` as paragraphs, where it was found (``source``: "jsonld"
    or "embedded", "" when nothing was), and ``declared_words`` (JSON-LD wordCount, 0 when not given)."""

    text: str = ""
    source: str = ""
    declared_words: int = 0

    @property
    def words(self) -> int:
        """How long the data says the story is: the declared count, else the words of its text."""
        return self.declared_words or count_words(self.text)


# --- reading the scripts --------------------------------------------------------------------------------
def _decode_at(text: str, start: int) -> Any:
    try:
        value, _ = json.JSONDecoder(strict=False).raw_decode(text, start)
    except (json.JSONDecodeError, RecursionError):
        return None
    return value


def _js_string(text: str, start: int) -> str | None:
    """The JavaScript string literal at ``text[start]`` ("..." or '...'), decoded (JSON escapes)."""
    match = (_DOUBLE_QUOTED if text[start] == '"' else _SINGLE_QUOTED).match(text, start)
    if match is None:
        return None
    literal = match.group(1)
    if text[start] == "'":
        literal = literal.replace("\\'", "'").replace('"', '\\"')
    try:
        decoded = json.loads(f'"{literal}"', strict=False)
    except json.JSONDecodeError:
        return None
    return decoded if isinstance(decoded, str) else None


def _assigned_values(script: str) -> Iterator[Any]:
    """The JSON values an inline script assigns to globals (directly or through JSON.parse of a string)."""
    for match in _ASSIGNED.finditer(script):
        quoted = match.group(2) in "\"'"
        if quoted and not match.group(1):
            continue  # a plain string assignment (most of them in a minified script): not state
        before = match.start()
        window = script[max(0, before - _TARGET_CHARS) : before]
        if (
            window[-1:] in ("", "=", "!", "<", ">")  # a comparison (==, <=, ...)
            or not any(hint in window for hint in _TARGET_HINTS)
            or not _TARGET.search(window)
        ):
            continue
        start = match.start(2)
        if quoted:
            literal = _js_string(script, start)
            value = _decode_at(literal, 0) if literal and literal.lstrip()[:1] in "{[" else None
        else:
            value = _decode_at(script, start)
        if isinstance(value, dict | list):
            yield value


def _flight_rows(scripts: Iterable[str]) -> Iterator[Any]:
    """The rows of the Next.js app router's flight data (``self.__next_f.push([1, "..."])`` chunks joined):
    ``id:JSON`` lines, React elements as ``["$", "p", key, {"children": ...}]``."""
    chunks: list[str] = []
    for script in scripts:
        for match in _NEXT_FLIGHT.finditer(script):
            value = _decode_at(script, match.end())
            if isinstance(value, list) and len(value) > 1 and isinstance(value[1], str):
                chunks.append(value[1])
    if not chunks:
        return
    payload = "".join(chunks)
    starts = [m.start() for m in _FLIGHT_ROW.finditer(payload)]
    for begin, end in zip(starts, [*starts[1:], len(payload)], strict=True):
        row = payload[begin:end]
        colon = row.index(":") + 1
        if row[colon : colon + 1] in ("[", "{"):
            value = _decode_at(row, colon)
            if value is not None:
                yield value


def _is_devalue(values: list[Any]) -> bool:
    """A devalue payload: its root is a wrapper (["ShallowReactive", 1]) or an object of indices."""
    root = values[0] if values else None
    if isinstance(root, list):
        return len(root) == 2 and root[0] in _DEVALUE_WRAPPERS and isinstance(root[1], int)
    if isinstance(root, dict):
        return bool(root) and all(type(ref) is int for ref in root.values())
    return False


def _devalue(values: list[Any]) -> Any:
    """A devalue payload (Nuxt 3 ``__NUXT_DATA__``: a flat array, values referenced by index) as plain
    JSON. Shared references are resolved once; cycles and special types end as None."""
    resolved: dict[int, Any] = {}
    budget = [MAX_NODES]

    def resolve(index: Any, depth: int) -> Any:
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(values):
            return None
        if index in resolved:
            return resolved[index]
        budget[0] -= 1
        if depth > MAX_DEPTH or budget[0] < 0:
            return None
        resolved[index] = None  # a cycle resolves to None
        raw = values[index]
        out: Any
        if isinstance(raw, dict):
            out = {key: resolve(ref, depth + 1) for key, ref in raw.items()}
        elif isinstance(raw, list):
            if raw and isinstance(raw[0], str):  # a typed value: ["Reactive", ref], ["Date", "..."], ...
                out = resolve(raw[1], depth + 1) if raw[0] in _DEVALUE_WRAPPERS and len(raw) > 1 else None
            else:
                out = [resolve(ref, depth + 1) for ref in raw]
        else:
            out = raw
        resolved[index] = out
        return out

    return resolve(0, 0)


def embedded_values(tree: HtmlElement, scripts: list[HtmlElement] | None = None) -> list[Any]:
    """Every JSON value the page embeds for its scripts (JSON-LD left out: jsonld.py reads it); ``scripts``:
    the page's <script>s (``xpaths.page_elements``) when the caller has them."""
    found: list[Any] = []
    inline: list[str] = []
    for script in scripts if scripts is not None else tree.iter("script"):
        kind = (script.get("type") or "").strip().lower()
        text = script.text or ""
        if "ld+json" in kind or script.get("src") or not MIN_SCRIPT_CHARS <= len(text) <= MAX_SCRIPT_CHARS:
            continue
        if kind.endswith("json"):  # __NEXT_DATA__, __NUXT_DATA__, any application/json island
            value = _decode_at(text, len(text) - len(text.lstrip()))
            if isinstance(value, list) and _is_devalue(value):
                found.append(_devalue(value))
            elif isinstance(value, dict | list):
                found.append(value)
        elif kind in ("", "text/javascript", "application/javascript", "module"):
            inline.append(text)
            found.extend(_assigned_values(text))
    found.extend(_flight_rows(inline))
    return found


# --- finding the story in JSON ----------------------------------------------------------------------------
def _html_paragraphs(text: str) -> list[str]:
    """An HTML string's paragraphs: cut at block tags, other tags dropped, entities decoded (a regex, not a
    parser: these are small fragments a CMS wrote, and there can be many)."""
    pieces = (_TAG.sub("", piece) for piece in _BLOCK_TAG.split(text))
    return [line for line in (normalize_space(html.unescape(piece)) for piece in pieces) if line]


def _string_paragraphs(text: str) -> list[str]:
    """A string value as paragraphs: HTML by its blocks, plain text by its blank (else single) lines,
    entities decoded in both."""
    if _HTML_HINT.search(text):
        return _html_paragraphs(text)
    pieces = _PARAGRAPH_BREAK.split(text) if "\n\n" in text else text.split("\n")
    # CMS text fields are often HTML-escaped without tags (Arc's text elements): the page shows the characters
    return [line for line in (normalize_space(html.unescape(piece)) for piece in pieces) if line]


def _is_prose(text: str) -> bool:
    return count_words(text) >= PROSE_WORDS


@dataclass
class _Node:
    """What the walk knows of one JSON value: its text as one paragraph ("" when it is not one), and
    whether it holds a block run (then it is a container, never a paragraph of its parent)."""

    text: str = ""
    container: bool = False


@dataclass
class _Candidate:
    paragraphs: list[str]
    anchors: tuple[int, ...]  # ids of the objects around it that hold the headline

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


class _Walk:
    def __init__(self, headlines: set[str]) -> None:
        self.headlines = headlines
        sizes = [len(headline) for headline in headlines] or [0]
        self.lengths = (min(sizes), 2 * max(sizes) + 20)  # a headline's string, give or take its spacing
        self.budget = MAX_NODES
        self.candidates: list[_Candidate] = []
        self.anchors: list[int] = []

    def _holds_headline(self, value: dict[str, Any]) -> bool:
        shortest, longest = self.lengths
        for item in value.values():
            texts = item.values() if isinstance(item, dict) else (item,)  # Arc: headlines.basic
            for text in texts:
                if (
                    isinstance(text, str)
                    and shortest <= len(text) <= longest
                    and normalize_space(text) in self.headlines
                ):
                    return True
        return False

    def _add(self, paragraphs: list[str]) -> None:
        if count_words(" ".join(paragraphs)) >= MIN_STORY_WORDS:
            self.candidates.append(_Candidate(paragraphs, tuple(self.anchors)))

    def visit(self, value: Any, depth: int = 0) -> _Node:
        self.budget -= 1
        if self.budget < 0 or depth > MAX_DEPTH:
            return _Node()
        if isinstance(value, str):
            return self._string(value)
        if isinstance(value, list):
            return self._list(value, depth)
        if isinstance(value, dict):
            anchored = self._holds_headline(value)
            if anchored:
                self.anchors.append(id(value))
            try:
                return self._dict(value, depth)
            finally:
                if anchored:
                    self.anchors.pop()
        return _Node()

    def _string(self, value: str) -> _Node:
        if len(value) < 2 or (" " not in value and value.isascii()) or _IDENTIFIER.match(value):
            return _Node()
        paragraphs = _string_paragraphs(value)
        if len(paragraphs) >= 2 and sum(_is_prose(p) for p in paragraphs) >= 2:
            self._add(paragraphs)
            return _Node(container=True)
        # the spaces around a piece matter when inline pieces are joined ("Monday, " + "two weeks")
        lead = " " if value[:1].isspace() else ""
        trail = " " if value[-1:].isspace() else ""
        return _Node(f"{lead}{' '.join(paragraphs)}{trail}" if paragraphs else "")

    def _list(self, value: list[Any], depth: int) -> _Node:
        children = [self.visit(item, depth + 1) for item in value]
        if any(child.container for child in children):
            return _Node(container=True)
        texts = [child.text for child in children if child.text]
        prose = [text for text in texts if _is_prose(text)]
        # paragraphs end like sentences; inline pieces stop mid-sentence but for the last one
        ending = sum(1 for text in prose[:-1] if _SENTENCE_END.search(text.rstrip()))
        if len(prose) >= 2 and ending >= SENTENCE_SHARE * (len(prose) - 1):
            self._add([text.strip() for text in texts])
            return _Node(container=True)
        # inline pieces (spans, text nodes, React children): one paragraph
        return _Node(normalize_space("".join(texts)) if texts else "")

    def _dict(self, value: dict[str, Any], depth: int) -> _Node:
        children = [self.visit(item, depth + 1) for item in value.values()]
        if any(child.container for child in children):
            return _Node(container=True)
        if any(isinstance(item, str) and _URL.match(item) for item in value.values()):
            return _Node()  # an image, an embed, a card linking elsewhere: not a paragraph
        texts = [child.text for child in children if child.text]
        if len(texts) == 1:  # a text node ({"value": "Monday, "}): its spaces kept for an inline join
            return _Node(texts[0])
        return _Node(normalize_space(" ".join(texts)))


def _tokens(text: str) -> set[str]:
    return {token.lower() for token in _TOKEN.findall(text)}


def embedded_story(values: Iterable[Any], headlines: set[str], summary: str = "") -> str:
    """The story among the page's embedded values, as paragraphs ("" when none): the longest candidate
    under the headline's own object, else the longest that holds OVERLAP_SHARE of the headline's words."""
    walk = _Walk({normalize_space(h) for h in headlines if h})
    for value in values:
        walk.visit(value)
    if not walk.candidates:
        return ""
    anchored = [c for c in walk.candidates if c.anchors]
    if anchored:
        return max(anchored, key=lambda c: count_words(c.text)).text
    wanted = _tokens(" ".join([*headlines, summary]))
    if not wanted:
        return ""
    overlapping = [c for c in walk.candidates if len(wanted & _tokens(c.text)) >= OVERLAP_SHARE * len(wanted)]
    return max(overlapping, key=lambda c: count_words(c.text)).text if overlapping else ""


def declared_words(jsonld: JsonLd) -> int:
    """The article's JSON-LD ``wordCount`` (0 when absent or not a positive number)."""
    value = (jsonld.article or {}).get("wordCount")
    try:
        count = int(str(value).strip().replace(",", ""))
    except (TypeError, ValueError):
        return 0
    return count if count > 0 else 0


def html_words_read(jsonld: JsonLd) -> int:
    """The count of the HTML's article words from which ``find_story`` reads no embedded state: its
    ``html_words`` need not be counted past it."""
    return max(SURE_WORDS, math.ceil(COVER_SHARE * declared_words(jsonld)))


def find_story(
    tree: HtmlElement,
    jsonld: JsonLd,
    articlebody: str,
    headlines: set[str],
    summary: str = "",
    *,
    html_words: int = 0,
    scripts: list[HtmlElement] | None = None,
) -> Story:
    """What the page's data says the story is: the embedded state's story when it is longer than the JSON-LD
    ``articlebody`` (as body.py read it), else that; with the declared wordCount. The embedded state is only
    read when the HTML's article text (``html_words``) is under SURE_WORDS, or under COVER_SHARE of the
    declared count: a page whose HTML holds a long story does not need it (and the walk is the cost)."""
    declared = declared_words(jsonld)
    embedded = ""
    if html_words < SURE_WORDS or html_words < COVER_SHARE * declared:
        embedded = embedded_story(embedded_values(tree, scripts), headlines, summary)
    if embedded and count_words(embedded) > count_words(articlebody):
        return Story(embedded, "embedded", declared)
    if articlebody:
        return Story(articlebody, "jsonld", declared)
    return Story("", "", declared)


def coverage(body: str, story: str) -> float:
    """The share of the story's distinct words (of 4+ letters) that ``body`` holds."""
    wanted = _tokens(story)
    return len(wanted & _tokens(body)) / len(wanted) if wanted else 1.0


def prefer_story(body: str, story: Story) -> bool:
    """The page's data holds the story and ``body`` (what the HTML gave) does not: the story is longer and
    the body holds less than COVER_SHARE of its words (an empty container among a standfirst, a caption and
    a byline; a teaser of a longer text)."""
    if not story.text or story.text == body:
        return False
    return count_words(story.text) > count_words(body) and coverage(body, story.text) < COVER_SHARE
