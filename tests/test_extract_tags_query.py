"""Tags on sites whose tag hubs are identified by a query (``/Tag.aspx?t=N``, ``/buscar?tag=x``,
``/index.php?tag=x``), pagers by ``?page=N`` never tags, and keyword lists cut on every script's list
separators. Invented pages in Persian, Spanish, Japanese, Amharic and Korean."""

from __future__ import annotations

import json

import pytest

from newsmon.extract.html import parse_html
from newsmon.extract.metadata import extract_metadata
from newsmon.extract.tags import split_keywords

PROSE = {
    "fa": "شورای شهر درباره لوله‌کشی آب محله قدیمی و ساختن مدرسه تازه در کنار رودخانه گفت‌وگو کرد.",
    "es": "El ayuntamiento aprobó la reparación del puente viejo después de las lluvias de la semana pasada.",
    "ja": "町議会は川沿いの遊歩道の改修と秋祭りの日程について住民の意見を聞く会を開いた。",
}


def page(lang: str, tags: str, *, head: str = "", after: str = "") -> bytes:
    text = "".join(f"<p>{PROSE[lang]} ({n})</p>" for n in range(5))
    return (
        f'<html lang="{lang}"><head><meta charset="utf-8"><title>t</title>{head}</head><body>'
        '<nav><a href="/">home</a></nav><main><article><h1>Titular de la noticia</h1>'
        f"{text}{tags}{after}</article></main></body></html>"
    ).encode()


def tags_of(html: bytes, url: str) -> list[str]:
    return extract_metadata(parse_html(html), url).tags


def test_a_labelled_tag_line_of_query_hubs() -> None:
    line = (
        '<div class="row">کلیدواژه: <a href="/News/Tag.aspx?t=12">آب</a> '
        '<a href="/News/Tag.aspx?t=40">مدرسه</a></div>'
    )
    assert tags_of(page("fa", line), "http://shahr.example/News/Item.aspx?id=9001") == ["آب", "مدرسه"]


def test_unlabelled_query_hub_links_named_by_the_keywords_meta() -> None:
    line = '<div class="row"><a href="/Default.aspx?kw=1">آب</a> <a href="/Default.aspx?kw=2">مدرسه</a></div>'
    head = '<meta name="keywords" content="آب، مدرسه، خبر">'  # Arabic comma
    assert tags_of(page("fa", line, head=head), "http://shahr.example/Item.aspx?id=3") == ["آب", "مدرسه"]
    assert tags_of(page("fa", line), "http://shahr.example/Item.aspx?id=3") == []  # nothing says so


@pytest.mark.parametrize(
    ("lang", "line", "expected"),
    [
        (
            "es",
            '<div class="etiquetas"><a href="/buscar?tag=lluvia">lluvia</a> '
            '<a href="/buscar?tag=puente">puente</a></div>',
            ["lluvia", "puente"],
        ),
        (
            "ja",
            '<p>タグ：<a href="/index.php?tag=祭り">祭り</a>、'
            '<a href="/index.php?tag=%E9%81%8A%E6%AD%A9%E9%81%93">遊歩道</a></p>',
            ["祭り", "遊歩道"],
        ),
    ],
)
def test_tag_hubs_named_by_their_query_key(lang: str, line: str, expected: list[str]) -> None:
    assert tags_of(page(lang, line), "http://pueblo.example/noticia.php?id=77") == expected


def test_a_pager_by_query_is_no_tag_list() -> None:
    pager = (
        '<div class="row">Páginas: <a href="/archivo.php?page=1">1</a> <a href="/archivo.php?page=2">2</a> '
        '<a href="/archivo.php?page=2">Siguiente</a></div>'
    )
    assert tags_of(page("es", pager), "http://pueblo.example/noticia.php?id=77") == []
    own = (
        '<div class="row">Ver: <a href="/nota/puente?page=2">Siguiente</a> '
        '<a href="/nota/puente?print=1">Imprimir</a></div>'
    )
    assert tags_of(page("es", own), "http://pueblo.example/nota/puente") == []  # the page itself


def test_declared_keywords_cut_on_every_scripts_separators() -> None:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "h",
        "keywords": "道路、学校，祭り",
    }
    head = f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'
    assert tags_of(page("ja", "", head=head), "http://machi.example/a/1.html") == ["道路", "学校", "祭り"]
    assert split_keywords("النقل، المياه؛ التعليم") == ["النقل", "المياه", "التعليم"]
    assert split_keywords("교육；예산 ; 도로") == ["교육", "예산", "도로"]
    assert split_keywords("ውሃ፣ ትምህርት") == ["ውሃ", "ትምህርት"]  # Ethiopic comma
    assert split_keywords("a, b,, c ") == ["a", "b", "c"]
