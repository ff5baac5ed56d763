"""Odd and hostile page content under article URLs: charsets, non-HTML, a challenge served with 200, a soft
404, 10,000-deep nesting. Good articles from the same listing still come out."""

from __future__ import annotations

import codecs
from typing import Any

import pytest

from tests.crawl_helpers import CrawlResult
from tests.faults.conftest import fault_crawl
from tests.faults.pages import PARAGRAPHS, article_html, listing_html
from tests.faults.server import FaultServer

pytestmark = pytest.mark.crawl

D = "/2026/03/11"
GOOD = [f"{D}/good-one/", f"{D}/good-two/"]
UKRAINIAN = (
    "Рада громади зібралася у вівторок, щоб обговорити ремонт набережної, який затримали дощі. "
    "Інженери пояснили, що нові труби пропускають удвічі більше води, ніж старі, і що стежку "
    "вздовж річки відкриють до початку літніх канікул. Мешканці попросили більше лавок і ліхтарів."
)
CP1252_TEXT = "The café on Naïve Street – said the council’s engineer – reopens in spring after the repairs."
CHALLENGE = (
    b"<!DOCTYPE html><html><head><title>Just a moment...</title>"
    b"<script src='/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1'></script></head>"
    b"<body><div id='cf-chl-widget'>Checking if the site connection is secure. Enable JavaScript and "
    b"cookies to continue.</div></body></html>"
)
SOFT_404 = (
    b"<!DOCTYPE html><html><head><title>Page not found - Euromaidan Press</title></head><body>"
    b"<main><h1>Page not found</h1><p>Sorry, the page you are looking for does not exist. Try the search "
    b"box or go back to the front page.</p></main></body></html>"
)
NON_HTML = {
    "pdf": (b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", "application/pdf"),
    "image": (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png"),
    "json": (b'{"title": "not a page", "body": "json under an article URL"}', "application/json"),
}
# a PDF with no Content-Type: parsed as HTML, found to have no article text
PDF_NO_TYPE = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n"
CHARSETS = {
    "cp1251-no-charset": f"{D}/cp1251-no-charset/",
    "utf8-header-cp1252-body": f"{D}/utf8-header-cp1252-body/",
    "bom-vs-header": f"{D}/bom-vs-header/",
}


def page(title: str, *paragraphs: str, **kwargs: Any) -> str:
    return article_html(title, paragraphs=(*paragraphs, *PARAGRAPHS), **kwargs)


def build_server() -> FaultServer:
    server = FaultServer()
    hostile = [*CHARSETS.values(), *(f"{D}/{k}/" for k in NON_HTML)]
    hostile += [f"{D}/challenge/", f"{D}/soft-404/", f"{D}/nested/", f"{D}/pdf-no-type/"]
    server.routes["/category/news/"] = lambda h, n: h.send_body(200, listing_html([*GOOD, *hostile]))
    for path in GOOD:
        server.routes[path] = lambda h, n, path=path: h.send_body(200, page(f"Good {path}", path).encode())
    cp1251 = page("Ремонт набережної", UKRAINIAN, charset_meta=None).encode("cp1251")
    server.routes[CHARSETS["cp1251-no-charset"]] = lambda h, n: h.send_body(200, cp1251, "text/html")
    cp1252 = page("Café reopens", CP1252_TEXT, charset_meta=None).encode("cp1252")
    server.routes[CHARSETS["utf8-header-cp1252-body"]] = lambda h, n: h.send_body(
        200, cp1252, "text/html; charset=utf-8"
    )
    bom = codecs.BOM_UTF8 + page("Набережна з BOM", "З BOM: " + UKRAINIAN, charset_meta=None).encode("utf-8")
    server.routes[CHARSETS["bom-vs-header"]] = lambda h, n: h.send_body(
        200, bom, "text/html; charset=windows-1251"
    )
    for name, (body, ctype) in NON_HTML.items():
        server.routes[f"{D}/{name}/"] = lambda h, n, body=body, ctype=ctype: h.send_body(200, body, ctype)
    server.routes[f"{D}/pdf-no-type/"] = lambda h, n: h.send_body(200, PDF_NO_TYPE, None)
    server.routes[f"{D}/challenge/"] = lambda h, n: h.send_body(200, CHALLENGE)
    server.routes[f"{D}/soft-404/"] = lambda h, n: h.send_body(200, SOFT_404)
    nested = page("Deeply nested", "A story with a very deep tail.").replace(
        "</article>", "</article>" + "<div>" * 10_000 + "deep" + "</div>" * 10_000
    )
    server.routes[f"{D}/nested/"] = lambda h, n: h.send_body(200, nested.encode())
    return server


@pytest.fixture(scope="module")
def server() -> Any:
    with build_server() as srv:
        yield srv


@pytest.fixture(scope="module")
def crawl(server: FaultServer, tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    result = fault_crawl(server, tmp_path_factory.mktemp("content"), categories="/category/news/")
    assert result.returncode == 0, result.log[-3000:]
    return result


def record(crawl: CrawlResult, path: str) -> dict[str, Any]:
    records = crawl.by_path().get(path, [])
    assert len(records) == 1, (path, sorted(crawl.by_path()))
    return records[0]


def test_good_articles_come_out(crawl: CrawlResult) -> None:
    for path in GOOD:
        assert record(crawl, path)["title"].startswith("Good")


def test_cp1251_page_without_charset_is_decoded(crawl: CrawlResult) -> None:
    rec = record(crawl, CHARSETS["cp1251-no-charset"])
    assert rec["title"] == "Ремонт набережної"
    assert "Рада громади зібралася у вівторок" in rec["body"]


def test_header_utf8_with_cp1252_body_never_crashes(crawl: CrawlResult) -> None:
    rec = record(crawl, CHARSETS["utf8-header-cp1252-body"])
    assert rec["title"].startswith("Caf")
    assert "reopens in spring after the repairs" in rec["body"]


def test_bom_wins_over_the_header(crawl: CrawlResult) -> None:
    rec = record(crawl, CHARSETS["bom-vs-header"])
    assert rec["title"] == "Набережна з BOM"
    assert "З BOM: Рада громади" in rec["body"]


def test_non_html_under_an_article_url_is_skipped(crawl: CrawlResult, server: FaultServer) -> None:
    for name in NON_HTML:
        assert f"{D}/{name}/" not in crawl.by_path()
        assert server.count(f"{D}/{name}/") == 1
    assert crawl.stats["newsmon/page/not_html"] == len(NON_HTML)
    assert sum("not HTML" in line for line in crawl.log.splitlines()) >= len(NON_HTML)
    assert f"{D}/pdf-no-type/" not in crawl.by_path()
    assert crawl.stats["newsmon/article/no_body"] == 1


def test_challenge_page_with_200_is_never_an_article(crawl: CrawlResult, server: FaultServer) -> None:
    assert f"{D}/challenge/" not in crawl.by_path()
    assert server.count(f"{D}/challenge/") == 1  # no refetch loop with the browser tier off
    assert crawl.stats["newsmon/page/challenge/challenge_200"] == 1


def test_soft_404_is_not_an_article(crawl: CrawlResult) -> None:
    assert f"{D}/soft-404/" not in crawl.by_path()
    assert crawl.stats["newsmon/page/not_found"] == 1


def test_deep_nesting_finishes_and_keeps_the_article(crawl: CrawlResult) -> None:
    rec = record(crawl, f"{D}/nested/")
    assert "A story with a very deep tail." in rec["body"]
    assert crawl.stats["elapsed_time_seconds"] < 30
