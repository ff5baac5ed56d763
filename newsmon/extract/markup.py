"""Pathological markup capped before the HTML parser: one linear pass over the bytes.

libxml2 checks each attribute of a start tag against the ones before it: a tag with n attributes costs n²
(40,000 attributes in one element, 781 KB: 12 s of CPU in the parser, before any per-page budget could act;
200,000: over a minute). The pass below finds the start tags and keeps the first MAX_ATTRIBUTES attributes
of each; the rest are dropped, and one marker attribute (``data-newsmon-dropped-attributes="<count>"``)
takes their place, so the extraction that follows can count the cut (``extract/capped/attributes``). Real
pages stay far below the cap (the 181 benchmark pages: at most 64 attributes in a tag, none changed).

Linear in the page: one regular expression with possessive quantifiers (an unclosed quote or tag runs to
the end of the page, a script or style element or a comment is skipped whole), so no byte is scanned more
than twice (an unclosed comment or script: once looking for its end, once taken to the end of the page);
attributes are only counted in start tags longer than 2 x MAX_ATTRIBUTES bytes, the least such a tag can
take.
"""

from __future__ import annotations

import logging
import re
from typing import cast

from lxml import etree
from lxml.html import HtmlElement

logger = logging.getLogger(__name__)

MAX_ATTRIBUTES = 200  # attributes one start tag keeps
MARKER = b"data-newsmon-dropped-attributes"

# A start tag's attribute part: unquoted runs, values quoted after "=" (to their closing quote, or the end
# of the page when there is none; a lone quote elsewhere, an apostrophe in stray text, opens nothing, as in
# the parser), stopping before ``>`` or a ``<`` outside quotes. Written as an unrolled loop (a run, then
# any number of "a value or a lone quote, and the run after it"), the common ``="value"`` first: one
# repetition per attribute, not two, for the regex engine.
_RUN = rb"""[^>"'<=]*+"""
_ATTRS = _RUN + rb"""(?:(?:="[^"]*+"?|=\s*+(?:"[^"]*+"?|'[^']*+'?)?+|["'])""" + _RUN + rb")*+"
# Raw text and comments are skipped in runs ("unrolled loops": a run of bytes that cannot start the end,
# then one byte that starts no end), not one lazy step per byte: three times faster on real pages.
_COMMENT = rb"[^-]*+(?:-(?!->)[^-]*+)*+-->"
_RAW_TEXT = rb"[^<]*+(?:<(?!/(?i:script|style))[^<]*+)*+</(?i:script|style)"
# A comment (to its end or the page's), or a start tag: its attributes are group 2, and after those of a
# script or style element (group 1: its name) the raw text is skipped. One group for every tag's
# attributes: the loop over the tags reads one span.
_SCAN = re.compile(
    rb"<!--(?:" + _COMMENT + rb"|.*+)"
    rb"|<(?:((?i:script|style))\b|[A-Za-z][^\s/>\"'<]*+)("
    + _ATTRS
    + rb")(?(1)>?(?:"
    + _RAW_TEXT
    + rb"|.*+))",
    re.DOTALL,
)
# One attribute: stray characters (whitespace, "/", "=", a lone quote), a name, an optional value (quoted,
# or unquoted up to whitespace or ``>``).
_ATTRIBUTE = re.compile(rb"""[\s/="']*+[^\s"'=<>/]++(?:\s*+=\s*+(?:"[^"]*+"?|'[^']*+'?|[^\s"'>]*+))?+""")


def cap_attributes(data: bytes, max_attributes: int = MAX_ATTRIBUTES) -> bytes:
    """``data`` with each start tag cut to its first ``max_attributes`` attributes (0: unchanged)."""
    if not max_attributes:
        return data
    shortest = 2 * max_attributes  # " a" is the shortest attribute
    pieces: list[bytes] = []
    kept_to = tags = dropped = 0
    for match in _SCAN.finditer(data):
        start, end = match.span(2)  # (-1, -1) for a comment
        if end - start <= shortest:
            continue
        cut, count = _past(data, start, end, max_attributes)
        if cut is None:
            continue
        pieces += [data[kept_to:cut], b" ", MARKER, b'="%d"' % count]
        kept_to = end
        tags += 1
        dropped += count
    if not tags:
        return data
    pieces.append(data[kept_to:])
    logger.warning(
        "Pathological markup capped before parsing: %d attributes dropped from %d tags (%d kept per tag)",
        dropped,
        tags,
        max_attributes,
    )
    return b"".join(pieces)


def _past(data: bytes, start: int, end: int, keep: int) -> tuple[int | None, int]:
    """(where the attribute after the ``keep``-th one begins, how many follow), or (None, 0) when the tag
    between ``start`` and ``end`` has no more than ``keep`` attributes."""
    position, seen, cut = start, 0, None
    while position < end:
        found = _ATTRIBUTE.match(data, position, end)
        if found is None:  # only stray characters left
            break
        seen += 1
        if seen == keep:
            cut = found.end()
        position = found.end()
    return (cut, seen - keep) if cut is not None and seen > keep else (None, 0)


_MARKED = etree.XPath(f"//@{MARKER.decode()}/..")  # //*[@marker] by the attribute axis: cheaper


def dropped_attributes(tree: HtmlElement) -> int:
    """How many attributes cap_attributes dropped from the page ``tree`` was parsed from; the markers are
    removed (no record shows them)."""
    name = MARKER.decode()
    dropped = 0
    for element in cast("list[HtmlElement]", _MARKED(tree)):
        value = element.attrib.pop(name, "0")
        dropped += int(value) if value.isdigit() else 0
    return dropped
