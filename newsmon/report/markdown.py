"""Records as Markdown in the layout of the system newsmon replaces (# domain, ## Metadata, ...), or as
the article a reader would open (render_article: the title as heading, the text first).

Every value comes from a crawled page, so none is trusted: text is escaped (HTML `<` and `>` as entities,
`&` only where it would start one, so "Ledger & Co" stays as it reads; Markdown's inline markers with a
backslash; a line that would start a heading, quote or list is defused; control characters dropped), only
http(s) URLs become links, and a field of the wrong type is rendered as far as it makes sense and reported,
never raised.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit

_METADATA = (
    ("URL", "url"),
    ("Canonical URL", "canonical_url"),
    ("Domain", "domain"),
    ("Scraped at", "scraped_at"),
    ("HTTP Status", "http_status"),
    ("Fetcher tier", "fetcher_tier"),
    ("Fetch reason", "fetch_reason"),
    ("type", "type"),
    ("Discovered via", "discovered_via"),
    ("Referrer", "referrer"),
    ("Depth", "depth"),
    ("Spider", "spider"),
    ("Title", "title"),
    ("Subtitle", "subtitle"),
    ("Authors", "authors"),
    ("Section", "section"),
    ("Tags", "tags"),
    ("Language", "language"),
    ("Published at", "published_at"),
    ("Modified at", "modified_at"),
    ("Description", "description"),
    ("Image", "image"),
    ("Publisher", "publisher"),
    ("Free to read", "is_accessible_for_free"),
    ("Body source", "body_source"),
    ("Content hash", "content_hash"),
    ("Version", "version"),
)

# C0 and C1 control characters but tab (a terminal showing `newsmon render` must not take escape sequences)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# `&` is escaped only where it would start a character reference (`&amp;`, `&#38;`): a bare one is text in
# CommonMark and in HTML, and "AT&T" should read as that in a terminal
_INLINE = re.compile(r"[\\`*_\[\]~|<>]|&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{0,31};)")
# what starts a block when it opens a line (or a list item): an ATX heading, a bullet, a setext underline or
# thematic break, a numbered list item ("127.0.0.1" or "#tag" do not, and stay as they are)
_BLOCK_START = re.compile(r"^(\s*)(?:(#{1,6}|[-+=])(?=\s|$|[-=])|(\d{1,9})([.)])(?=\s|$))")
_URL_SAFE = "/:?#[]@!$&'*+,;=%~-._"  # everything else in a link destination is percent-encoded
_MAX_LEVEL = 6


def _plain(value: Any) -> str:
    """Any JSON value as text: strings as they are, numbers and true/false as JSON writes them, lists
    joined with ", ", objects as compact JSON; control characters dropped."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool | int | float):
        text = json.dumps(value)
    elif isinstance(value, list | tuple):
        text = ", ".join(_plain(v) for v in value)
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        except ValueError:  # a circular structure (not from JSON)
            text = repr(value)
    return _CONTROL.sub("", text)


def escape(value: Any) -> str:
    """A value as one line of Markdown text that renders as exactly that text: no HTML, link, image, code,
    emphasis or block of its own."""
    text = " ".join(_plain(value).splitlines())
    return _BLOCK_START.sub(_defuse_block, _INLINE.sub(_escape_char, text), count=1)


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()[0]
    return _HTML.get(char, "\\" + char)


def _defuse_block(match: re.Match[str]) -> str:
    indent, marker, number, delimiter = match.groups()
    if marker is not None:
        return f"{indent}\\{marker}"
    return f"{indent}{number}\\{delimiter}"


def _lines(value: Any) -> list[str]:
    """A multi-line text (the body) as escaped lines, its paragraph breaks kept."""
    return [escape(line) for line in _plain(value).splitlines()]


def safe_url(value: Any) -> str | None:
    """An http(s) URL with a host, encoded for a Markdown link destination; None for anything else
    (`javascript:`, `data:`, relative, not a string)."""
    if not isinstance(value, str) or _CONTROL.search(value) or any(c.isspace() for c in value):
        return None
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return quote(value, safe=_URL_SAFE)


def _link(text: Any, url: Any) -> str:
    """`[text](url)` for an http(s) URL; the text and the URL as escaped plain text otherwise."""
    label = escape(text) or escape(url)
    target = safe_url(url)
    if target is not None:
        return f"[{label}]({target})"
    return f"{label} (not a web link: {escape(url)})" if escape(url) != label else f"{label} (not a web link)"


class _Problems:
    """What could not be rendered, as notes for the caller (`newsmon render` prints them to stderr)."""

    def __init__(self) -> None:
        self.notes: list[str] = []

    def note(self, field: str, what: str) -> None:
        self.notes.append(f"'{field}' {what}")


def _items(record: Mapping[str, Any], field: str, problems: _Problems) -> list[Mapping[str, Any]]:
    """The objects of a list field; a field that is not a list, or entries that are not objects, noted."""
    value = record.get(field)
    if value is None:
        return []
    if not isinstance(value, list):
        problems.note(field, f"is not a list ({type(value).__name__}): not rendered")
        return []
    items = [v for v in value if isinstance(v, Mapping)]
    if len(items) < len(value):
        problems.note(field, f"has {len(value) - len(items)} entries that are not objects: skipped")
    return items


def _level(value: Any) -> int:
    """A heading level 1-6 (a wrong or absurd level is clamped: `'#' * 10**9` would be a gigabyte)."""
    if isinstance(value, bool):
        return 1
    try:
        level = int(value)
    except (TypeError, ValueError, OverflowError):
        return 1
    return min(max(level, 1), _MAX_LEVEL)


def _outline(nodes: list[Mapping[str, Any]], indent: int, out: list[str], problems: _Problems) -> None:
    stack = [(node, indent) for node in reversed(nodes)]
    skipped = 0
    while stack:  # iterative: a hostile outline cannot exhaust the recursion limit
        node, level = stack.pop()
        out.append(f"{'  ' * level}- {'#' * _level(node.get('level'))} {escape(node.get('text'))}")
        children = node.get("children")
        if children is None:
            continue
        if not isinstance(children, list):
            skipped += 1
            continue
        valid = [child for child in children if isinstance(child, Mapping)]
        skipped += len(children) - len(valid)
        stack.extend((child, level + 1) for child in reversed(valid))
    if skipped:
        problems.note("structure", f"has {skipped} children that are not objects: skipped")


def render_markdown(record: Mapping[str, Any], notes: list[str] | None = None) -> str:
    """The record as Markdown; what could not be rendered (a field of the wrong type) is appended to notes."""
    problems = _Problems()
    out = [f"# {escape(record.get('domain'))}", "", "## Metadata", ""]
    for label, key in _METADATA:
        if key in record and record[key] not in (None, "", []):
            out.append(f"- **{label}**: {escape(record[key])}")
    out += ["", "## Page Structure", ""]
    _outline(_items(record, "structure", problems), 0, out, problems)
    out += ["", "## Content", ""]
    content = record.get("content")
    if isinstance(content, list):
        out += [escape(line) for line in content]
    elif content is not None:
        problems.note("content", f"is not a list ({type(content).__name__}): rendered as text")
        out += _lines(content)
    out += ["", "## Links", ""]
    out += [f"- {_link(link.get('text'), link.get('url'))}" for link in _items(record, "links", problems)]
    out += ["", "## Article", ""]
    body = record.get("body")
    if body is not None and not isinstance(body, str):
        problems.note("body", f"is not a string ({type(body).__name__}): rendered as text")
    out += _lines(body) or [""]
    read_also = _items(record, "read_also", problems)
    if read_also:
        out += ["", "## Read also", ""]
        out += [f"- {_link(item.get('title') or item.get('url'), item.get('url'))}" for item in read_also]
    if notes is not None:
        notes.extend(problems.notes)
    return "\n".join(out) + "\n"


ARTICLE_LINES = 40  # body lines render_article shows before it says how many more there are


def render_article(record: Mapping[str, Any], max_lines: int = ARTICLE_LINES) -> str:
    """One record as a reader sees the article: its title as the heading, a line of who and when, the
    article text, then its related links; the page's menus, outline and link list left out (render_markdown
    has every field). Escaped as render_markdown escapes."""
    title = record.get("title") or record.get("domain") or record.get("url")
    byline = [
        escape(v)
        for v in (record.get("published_at"), record.get("authors"), record.get("section"))
        if v not in (None, "", [])
    ]
    url = safe_url(record.get("canonical_url") or record.get("url"))
    out = [f"# {escape(title)}", ""]
    if byline or url:
        out += [" · ".join([*byline, *([f"<{url}>"] if url else [])]), ""]
    body = _lines(record.get("body") if isinstance(record.get("body"), str) else _plain(record.get("body")))
    paragraphs = [line for line in body if line.strip()]
    shown = paragraphs[:max_lines] if max_lines else paragraphs
    for line in shown:
        out += [line, ""]
    if len(shown) < len(paragraphs):
        out += [f"*({len(paragraphs) - len(shown)} more paragraphs)*", ""]
    read_also = [item for item in record.get("read_also") or [] if isinstance(item, Mapping)]
    if read_also:
        out += ["## Read also", ""]
        out += [f"- {_link(item.get('title') or item.get('url'), item.get('url'))}" for item in read_also]
    return "\n".join(out).rstrip("\n") + "\n"
