"""Parse HTTP bodies into one safe lxml tree that every extractor shares, whatever the bytes look like."""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata

import charset_normalizer
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
_HTTP_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9:._-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# Characters libxml2 rejects or truncates on (C0 controls other than tab/newline/carriage return).
_BAD_BYTES = bytes(c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D))
_SNIFF_BYTES = 4096


# WHATWG encoding labels whose Python codec is a subset of what browsers decode them as: a page declaring
# one is decoded with the browsers' superset (iso-8859-1 is windows-1252, gb2312 is GBK/gb18030, ...).
_BROWSER_CODECS = {
    "iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252",
    "ascii": "cp1252", "iso-8859-9": "cp1254", "gb2312": "gb18030", "gbk": "gb18030",
    "x-gbk": "gb18030", "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932",
    "x-sjis": "cp932", "ms_kanji": "cp932", "euc-kr": "cp949", "ks_c_5601-1987": "cp949",
    "tis-620": "cp874", "iso-8859-11": "cp874", "big5": "big5hkscs",
}  # fmt: skip
_DETECT_BYTES = 64 * 1024  # what charset detection reads: enough text for a verdict, bounded time
WESTERN_EVIDENCE = 200  # non-ASCII bytes from which charset detection alone decides (see _detect)
SCANT_EVIDENCE = 16  # fewer non-ASCII bytes than this: windows-1252 whenever it reads them as Latin text
_HTML_LANG = re.compile(rb"""<html[^>]*?\slang\s*=\s*["']?\s*([A-Za-z]{2,3}(?:[-_][A-Za-z]{2,4})?)""", re.I)
# WHATWG's fallback encodings by language (the HTML standard, "encoding sniffing"): what browsers decode an
# undeclared page in when its language is known; every other language: windows-1252.
_LANG_FALLBACK = {
    **dict.fromkeys(("cs", "hr", "hu", "pl", "ro", "sk", "sl"), "cp1250"),
    **dict.fromkeys(("ru", "uk", "bg", "be", "mk", "sr", "kk", "ky", "tg", "tt"), "cp1251"),
    "el": "cp1253", "tr": "cp1254", "az": "cp1254", "ku": "cp1254", "he": "cp1255", "iw": "cp1255",
    "ar": "cp1256", "fa": "cp1256", "ur": "cp1256", "lt": "cp1257", "lv": "cp1257", "et": "cp1257",
    "vi": "cp1258", "th": "cp874", "ja": "cp932", "ko": "cp949", "zh": "gb18030", "zh-tw": "big5hkscs",
    "zh-hk": "big5hkscs", "zh-hant": "big5hkscs",
}  # fmt: skip
TIE_CHAOS = 0.01  # a windows-1252 reading scoring this close to the detector's best is taken (see _detect)
# What browsers decode (the WHATWG encodings), as charset-normalizer names them: the detector's candidates.
# x-mac-cyrillic and macintosh are left out: pages in them are vanishingly rare, and their readings of
# windows-1251/1252 bytes score as well as the right ones.
WEB_CODECS = (
    "utf_8", "cp866", "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_5", "iso8859_6", "iso8859_7",
    "iso8859_8", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16", "koi8_r", "koi8_u",
    "cp874", "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258",
    "gb18030", "big5", "euc_jp", "iso2022_jp", "shift_jis", "cp932", "euc_kr", "cp949", "utf_16",
)  # fmt: skip
_NON_ASCII = bytes(range(0x80, 0x100))
# a run of bytes holding a non-ASCII one, with the ASCII letters and the 0x40-0x7E trail bytes of the
# double-byte CJK encodings (GBK, Shift_JIS, Big5) around it: a word of the page's text
_NON_ASCII_WORDS = re.compile(rb"[\x40-\x7e]*[\x80-\xff][\x40-\x7e\x80-\xff]*")
_WESTERN_SYMBOLS = frozenset("€£¥©®°±²³µ¶·¹º¼½¾×÷™•")
# windows-1252 readings that are never Western text: these signs inside a word ("mo¿e", "by³o", "s¹d": Polish
# or Czech windows-1250 read wrongly), where Spanish "¿" opens a sentence and "nº", "1ª" end a word
_NOT_WESTERN = re.compile(r"[^\W\d_][¹³¿¾¼ºª¦¥¢][^\W\d_]")


def _codec(name: str | None) -> str | None:
    """Python codec name for a charset label, or None when Python does not know it."""
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    label = _BROWSER_CODECS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def http_charset(content_type: str | bytes | None) -> str | None:
    """The charset parameter of a Content-Type header ("text/html; charset=utf-8" -> "utf-8"), else None.
    Only what the server said: a crawl passes this to ``decode_body``, never a guess (Scrapy's
    ``response.encoding`` already holds its own <meta>/detection verdict)."""
    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    match = _HTTP_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def _latin(text: str) -> bool:
    """Every non-ASCII character of ``text`` is a Latin letter, a mark or common punctuation/symbol."""
    for char in {c for c in text if c > "\x7f"}:
        category = unicodedata.category(char)
        if category[0] == "L" and not unicodedata.name(char, "").startswith("LATIN"):
            return False
        if category[0] not in "LMPZ" and char not in _WESTERN_SYMBOLS:
            return False
    return True


def _fallback(sample: bytes) -> str:
    """The page's default charset by its <html lang> (WHATWG's locale fallbacks), windows-1252 without."""
    match = _HTML_LANG.search(sample[:_SNIFF_BYTES])
    if match is None:
        return "cp1252"
    lang = match.group(1).decode("ascii").lower().replace("_", "-")
    return _LANG_FALLBACK.get(lang, _LANG_FALLBACK.get(lang.split("-")[0], "cp1252"))


def _detect(body: bytes) -> str:
    """The charset of bytes that are not UTF-8 and declare nothing usable: charset-normalizer's verdict
    among the charsets browsers decode (WEB_CODECS: a page in a DOS or Mac code page cannot be read on the
    web, and those readings of windows-1252 bytes are what the detector gets wrong), weighed against the
    page's default charset, what browsers fall back on for its language (``<html lang>``; windows-1252
    without one).

    Few non-ASCII bytes are little evidence (a page of English with a © and typographic quotes, a name with
    one accent), so the default is kept when: nothing fits; its reading of those bytes has no letter at all
    (only punctuation and symbols); it scores as well as the verdict (within TIE_CHAOS); or, for
    windows-1252, the page has under WESTERN_EVIDENCE non-ASCII bytes, the verdict is another Latin-script
    reading (any, under SCANT_EVIDENCE bytes) and windows-1252 reads every one as a Latin letter or common
    punctuation without the signs a Central European page read wrongly shows inside words."""
    sample = body[:_DETECT_BYTES]
    default = _fallback(sample)
    # only the words holding non-ASCII bytes: markup and English boilerplate around a few CJK headlines
    # outweigh them and make the detector read a single-byte code page
    words = b" ".join(_NON_ASCII_WORDS.findall(sample))
    results = list(charset_normalizer.from_bytes(words, cp_isolation=list(WEB_CODECS)))
    best = results[0] if results else None
    codec = _codec(best.encoding) if best is not None else None
    if codec is None or codec == default:
        return default
    try:
        reading = sample.decode(default)
    except UnicodeDecodeError:  # bytes the default leaves undefined: not in it
        return codec
    if not any(unicodedata.category(c)[0] == "L" for c in {c for c in reading if c > "\x7f"}):
        return default
    if best is not None and any(
        _codec(m.encoding) == default and m.chaos <= best.chaos + TIE_CHAOS and m.coherence >= best.coherence
        for m in results
    ):
        return default
    non_ascii = len(sample) - len(sample.translate(None, _NON_ASCII))
    if default != "cp1252" or non_ascii >= WESTERN_EVIDENCE:
        return codec
    try:
        detected = sample.decode(codec, errors="replace")
    except LookupError:
        return codec
    scant = non_ascii < SCANT_EVIDENCE  # a word or two: no script can be told from so little
    if (scant or _latin(detected)) and _latin(reading) and _NOT_WESTERN.search(reading) is None:
        return default
    return codec


def decode_body(body: bytes, encoding: str | None = None) -> str:
    """Decode HTML bytes, the one decoder of the crawl and ``newsmon extract FILE``: a BOM, then the HTTP
    charset (``encoding``), then valid UTF-8, then the page's <meta> declaration, then detection.

    Valid UTF-8 comes before <meta>: text in another charset is almost never valid UTF-8 once it has a
    non-ASCII byte, while pages re-encoded to UTF-8 with an old ``charset=windows-1251`` left in the template
    are common. A <meta> charset the bytes do not decode under (a GBK page declaring UTF-8) is a wrong
    declaration: detection decides. Detection is charset-normalizer (what requests uses): it scores
    candidate decodings by the coherence of the text in each language, so it tells GBK from Shift_JIS and
    cp1251 from cp1252 on a few hundred characters, where byte-frequency tables need more."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(name, errors="replace")
    codec = _codec(encoding)
    if codec is not None:
        return body.decode(codec, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    match = _META_CHARSET.search(body[:_SNIFF_BYTES])
    codec = _codec(match.group(1).decode("ascii")) if match else None
    if codec is not None and codec not in ("utf-8", "utf-16", "utf-16-le", "utf-16-be"):
        try:
            return body.decode(codec)
        except UnicodeDecodeError:
            logger.debug("Bytes do not decode as their <meta> charset %s: detecting", codec)
    return body.decode(_detect(body), errors="replace")


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
