"""parse_html/decode_body: charsets (BOM, HTTP, <meta>), odd bytes and broken or deeply nested markup."""

import codecs
import time

import pytest

from newsmon.extract.html import decode_body, http_charset, parse_html
from newsmon.extract.page import extract_page
from newsmon.extract.text import visible_text_lines
from tests.extract_pages import BOM, CP1251, URLS, load_page, options_for, read_page


def test_cp1251_page_declared_only_by_meta_charset():
    body = read_page(CP1251)
    assert b'charset="windows-1251"' in body and not body.startswith(codecs.BOM_UTF8)
    lines = visible_text_lines(parse_html(body))
    assert lines[:3] == [
        "У Корвелі відкрили міст через Тессу — Північний вісник",
        "У Корвелі відкрили міст через Тессу",
        "Марта Глушко",
    ]
    text = "\n".join(lines)
    assert "Ґрунт під опорами тепер перевіряють щомісяця." in text
    assert "\ufffd" not in text and "Ð" not in text


def test_cp1251_page_extracts_like_any_other():
    page = load_page(CP1251)
    assert page.title == "У Корвелі відкрили міст через Тессу"
    assert page.language == "uk"
    assert page.authors == ["Марта Глушко"]
    assert page.published_at == "2026-03-14T09:30:00+02:00"
    assert page.is_article
    assert "Міська голова Іванна Петраш перерізала стрічку о восьмій, а головний інженер" in page.body


@pytest.mark.parametrize("http_charset", [None, "iso-8859-1", "windows-1251", "utf-16"])
def test_bom_beats_a_wrong_http_charset_and_meta(http_charset):
    body = read_page(BOM)
    assert body.startswith(codecs.BOM_UTF8)
    lines = visible_text_lines(parse_html(body, encoding=http_charset))
    assert lines[0] == "Brückenfest in Kelmtown – Café Žovten öffnet wieder"
    assert "Die Besitzerin Ganna Rybak verspricht „Kaffee wie früher“ und Kuchen für 3 €." in lines[2]
    assert not decode_body(body, http_charset).startswith("\ufeff")


def test_bom_page_through_extract_page():
    tree = parse_html(read_page(BOM), encoding="iso-8859-1")
    page = extract_page(tree, URLS[BOM], options_for(BOM))
    assert page.title == "Brückenfest in Kelmtown – Café Žovten öffnet wieder"
    assert page.language == "de"


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
    ],
)
def test_utf16_and_utf32_boms(bom, codec):
    body = bom + "<p>Žovten café</p>".encode(codec)
    assert decode_body(body, "utf-8") == "<p>Žovten café</p>"


def test_http_charset_beats_meta_charset():
    body = '<meta charset="windows-1251"><p>Café</p>'.encode()
    assert decode_body(body, "utf-8") == '<meta charset="windows-1251"><p>Café</p>'
    assert "Café" in decode_body(body)  # without the header, valid UTF-8 comes before <meta>
    assert decode_body(b'<meta charset="windows-1251"><p>\xca\xe8\xbf\xe2</p>') == (
        '<meta charset="windows-1251"><p>Київ</p>'
    )  # not UTF-8: the <meta> is believed


def test_latin1_label_means_windows_1252_like_browsers():
    assert decode_body(b"\x93quoted\x94 \x80", "ISO-8859-1") == "\u201cquoted\u201d €"


def test_undeclared_bytes_utf8_then_cp1252():
    assert decode_body("Київ".encode()) == "Київ"
    assert decode_body(b"caf\xe9 \x96 bar") == "café – bar"


def test_unknown_http_charset_falls_back_to_meta():
    body = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251"><p>Київ</p>'.encode(
        "cp1251"
    )
    assert "Київ" in decode_body(body, "x-no-such-charset")


@pytest.mark.parametrize(
    "body",
    [b"", b"   \n ", "", b"\x00\x00", b"<?xml version='1.0'?>", b"<!-- only a comment -->", b"\xff\xfe"],
)
def test_empty_or_junk_input_gives_an_empty_document(body):
    tree = parse_html(body)
    assert tree.tag == "html"
    assert tree.find("body") is not None
    assert visible_text_lines(tree) == []


def test_fragments_and_control_characters():
    tree = parse_html("<p>One\x00 two\x0b three</p>")
    assert tree.tag == "html" and tree.find("body") is not None
    assert visible_text_lines(tree) == ["One two three"]
    tree = parse_html(b"<?xml version='1.0' encoding='utf-8'?>\n<html><body><p>x</p></body></html>")
    assert visible_text_lines(tree) == ["x"]


def test_comments_and_processing_instructions_are_dropped():
    tree = parse_html("<body><p>a<!-- secret -->b</p><?php echo 1; ?></body>")
    assert visible_text_lines(tree) == ["ab"]


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><h1>Deep</h1>" + "<div>" * 5000 + "<p>bottom</p>",
        "<html><body><h1>Deep</h1>" + "<div class='x'><p>level <a href='/a'>link</a> more" * 5000,
        "<body>" + "<span><b><i>" * 3000 + "text",
        "<table>" + "<tr><td><table>" * 2000 + "cell",
        "<body>" + "<ul><li>" * 4000 + "item",
    ],
    ids=["divs", "divs-with-text", "inline", "tables", "lists"],
)
def test_deeply_nested_broken_html_finishes_quickly(html):
    start = time.process_time()  # this process's CPU: other processes on a loaded machine do not count
    tree = parse_html(html)
    page = extract_page(tree, "https://deep.example/2026/01/02/deep/")
    elapsed = time.process_time() - start
    assert elapsed < 5, elapsed
    assert isinstance(page.content, list) and isinstance(page.body, str)
    assert not page.is_article


def test_huge_flat_page_finishes_quickly():
    html = "<body><h1>Wide</h1>" + "<p>Some words and <a href='/same'>a link</a> after.</p>" * 5000
    start = time.process_time()
    page = extract_page(parse_html(html), "https://wide.example/")
    assert time.process_time() - start < 10
    assert len(page.links) == 1


# --- pages without an HTTP charset (texts invented for these tests) -----------------------------------
STORIES = {
    "cp1252": "Le café du port rouvre après l’hiver : « On a tout repeint », dit la gérante, ravie.",
    "gbk": "河畔小镇的新渡轮今天正式启航，居民们在码头上排起长队，等待第一次免费乘坐。",
    "shift_jis": "川沿いの町で新しいフェリーが今日運航を開始し、住民たちは桟橋に長い列を作った。",
    "cp1251": "Новий пором у прибережному містечку сьогодні вперше вийшов у рейс, а мешканці раділи.",
    "cp1250": "Wczoraj w małym mieście nad rzeką otwarto nowy most; mieszkańcy świętowali do późna.",
}


def _page(text: str, meta: str = "") -> str:
    filler = "<p>Ferry times are on the notice board by the pier.</p>" * 5
    return f"<html><head>{meta}<title>T</title></head><body><article><h1>T</h1>{filler}<p>{text}</p>"  \
        f"<p>{text}</p></article></body></html>"  # fmt: skip


@pytest.mark.parametrize("codec", sorted(STORIES))
@pytest.mark.parametrize("meta", ["", '<meta charset="utf-8">', '<meta name="x">'])
def test_undeclared_or_wrongly_declared_pages_decode_right(codec, meta):
    body = _page(STORIES[codec], meta).encode(codec)
    assert STORIES[codec] in decode_body(body)
    assert STORIES[codec] in "\n".join(visible_text_lines(parse_html(body)))


@pytest.mark.parametrize("codec", sorted(STORIES))
def test_pages_declaring_their_charset_in_meta_decode_right(codec):
    label = {"cp1252": "iso-8859-1", "gbk": "gb2312", "shift_jis": "Shift_JIS", "cp1251": "windows-1251"}
    body = _page(STORIES[codec], f'<meta charset="{label.get(codec, codec)}">').encode(codec)
    assert STORIES[codec] in decode_body(body)


@pytest.mark.parametrize("meta", ['<meta charset="windows-1252">', '<meta charset="gbk">', ""])
def test_a_utf8_page_is_utf8_whatever_its_meta_says(meta):
    text = "Zürich – 河畔小镇 – Київ – “quoted”"
    assert text in decode_body(_page(text, meta).encode())


@pytest.mark.parametrize(
    "text",
    [
        "Their naïve café “reopened” — at last.",
        "¿Qué pasa en el puerto? El 1º de mayo, la 2ª travesía.",
        "Ísland: þú og ég förum með ferjunni í dag.",
        "Die Fähre fährt über den Fluß, sagt Jürgen.",
    ],
)
def test_a_few_accents_in_a_western_page_read_as_windows_1252(text):
    assert text in decode_body(_page(text).encode("cp1252"))


def test_http_charset_of_a_content_type():
    assert http_charset("text/html; charset=UTF-8") == "UTF-8"
    assert http_charset(b'text/html;charset="windows-1251"') == "windows-1251"
    assert http_charset("text/html") is None
    assert http_charset(None) is None


@pytest.mark.parametrize(
    ("lang", "codec", "text"),
    [
        ("cs", "cp1250", "Včera večer se v malém městě u řeky otevřel nový most."),
        ("hu-HU", "cp1250", "Tegnap este a kisvárosban megnyílt az új híd, a lakók késő estig ünnepeltek."),
        ("da", "cp1252", "Færgen til Skærbæk sejler igen i næste uge, og beboerne på øen glæder sig."),
        ("ru", "cp1251", "Паром снова ходит."),
    ],
)
def test_an_undeclared_page_falls_back_on_its_languages_charset(lang, codec, text):
    body = f"<html lang='{lang}'><head><title>T</title></head><body><p>{text}</p></body></html>".encode(codec)
    assert text in decode_body(body)


def test_symbols_and_quotes_alone_read_as_windows_1252():
    text = "© 2026 Harbour Weekly – “all rights reserved” · 12 °C"
    assert text in decode_body(_page(text).encode("cp1252"))
