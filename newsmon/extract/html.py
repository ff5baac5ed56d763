"""Parse HTTP bodies into one safe lxml tree that every extractor shares, whatever the bytes look like."""

from __future__ import annotations

import codecs
import logging
import re

import lxml.html
from lxml import etree

from newsmon.extract.markup import cap_attributes

logger = logging.getLogger(__name__)

# One parser for every page: no network, no comments/PIs, libxml2's default size limits kept.
# The bytes handed to it are always UTF-8 (decoded and re-encoded here), so the page's own charset
# declarations cannot make libxml2 guess again.
_PARSER = lxml.html.HTMLParser(
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
    no_network=True,
    huge_tree=False,
    collect_ids=False,
)
# Every element is a plain HtmlElement (no FormElement/InputElement/...): lxml.html's default lookup is a
# Python call for each element proxy created, a large share of the time spent walking a tree.
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity,
    )
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9:._-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# Characters libxml2 rejects or truncates on (C0 controls other than tab/newline/carriage return).
_BAD_BYTES = bytes(c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D))
_SNIFF_BYTES = 4096


def _codec(name: str | None) -> str | None:
    """Python codec name for a charset label, or None when Python does not know it."""
    if not name:
        return None
    label = name.strip().lower()
    if label in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"):
        label = "cp1252"  # what browsers do (WHATWG encoding spec)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_body(body: bytes, encoding: str | None = None) -> str:
    """Decode HTML bytes: BOM, then the given (HTTP) encoding, then <meta charset>, then UTF-8/cp1252."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(name, errors="replace")
    codec = _codec(encoding)
    if codec is None:
        match = _META_CHARSET.search(body[:_SNIFF_BYTES])
        codec = _codec(match.group(1).decode("ascii")) if match else None
    if codec is not None:
        return body.decode(codec, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace")


def _empty_document() -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(b"<html><head></head><body></body></html>", parser=_PARSER)


def parse_html(body: bytes | str, *, encoding: str | None = None) -> lxml.html.HtmlElement:
    """Parse a page into an lxml HTML tree (root <html>, always with a <body>); never raises on bad input."""
    text = decode_body(body, encoding) if isinstance(body, bytes) else body
    declaration = _XML_DECL.match(text)
    if declaration:
        text = text[declaration.end() :]
    if "\ufffe" in text or "\uffff" in text:
        text = text.replace("\ufffe", "").replace("\uffff", "")
    if not text or text.isspace():
        return _empty_document()
    # C0 controls are single bytes in UTF-8 (never inside a multi-byte sequence): drop them in C
    data = text.encode("utf-8", errors="replace").translate(None, _BAD_BYTES)
    data = cap_attributes(data)  # before the parser: a tag of 40,000 attributes costs it n² (markup.py)
    try:
        tree = lxml.html.document_fromstring(data, parser=_PARSER)
    except (etree.ParserError, ValueError) as exc:
        logger.debug("Unparseable HTML (%s); using an empty document", exc)
        return _empty_document()
    for error in _PARSER.error_log:
        if error.type_name == "ERR_RESOURCE_LIMIT":
            logger.warning("HTML truncated by the parser: %s (line %d)", error.message, error.line)
            break
    if tree.tag != "html":  # a fragment root: wrap it so every tree has the same shape
        root = _empty_document()
        root.body.append(tree)
        tree = root
    if tree.find("body") is None:
        tree.append(lxml.html.Element("body"))
    return tree
