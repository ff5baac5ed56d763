"""The Python API and WARC backfill (issue 21, items 5 and 6): `newsmon.extract()` returns the record `newsmon
extract` prints; `newsmon extract --warc` builds one record per article response of a WARC written by
newsmon's own archiver and of one written by warcio directly; the `article` field preset. In-process."""

from __future__ import annotations

import gzip
import json
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from scrapy import Spider
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import newsmon
from newsmon.archive.warc import WarcArchiver
from newsmon.cli import main as cli_main
from newsmon.record import PAGE_FIELDS, record_fields
from newsmon.schema import record_errors
from tests.replica import render
from tests.replica.model import build_default_site

BUILT_AT = frozenset({"scraped_at"})  # when the record was built: the one field two builds differ in


def without(record: dict[str, Any], names: frozenset[str] = BUILT_AT) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in names}


@pytest.fixture(scope="module")
def article() -> tuple[str, str, Any]:
    """(html, url, expected) of one replica article, and the site it belongs to."""
    site = build_default_site()
    (slug,) = site.roles["inline_read_also"]
    expected = site.expected(slug)
    return render.article_page(site, site.article(slug)), expected.canonical_url, expected


def test_extract_returns_what_the_command_prints(
    article: tuple[str, str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    html, url, expected = article
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    assert cli_main(["extract", str(path), "--url", url]) == 0
    printed = json.loads(capsys.readouterr().out)
    from_text, from_bytes = newsmon.extract(html, url), newsmon.extract(html.encode("utf-8"), url)
    assert without(from_text) == without(printed) == without(from_bytes)
    assert from_text["canonical_url"] == expected.canonical_url and from_text["title"] == expected.title
    assert record_errors(from_text) == []
    assert without(newsmon.extract(html, url, site="euromaidan")) == without(printed)


def test_article_preset_keeps_the_article_and_drops_the_page(article: tuple[str, str, Any]) -> None:
    html, url, _ = article
    full, short = newsmon.extract(html, url), newsmon.extract(html, url, fields="article")
    assert list(short) == [name for name in full if name not in PAGE_FIELDS] == record_fields("article")
    assert without(short) == {k: v for k, v in without(full).items() if k in short}
    assert full["links"] and full["content"] and not set(PAGE_FIELDS) & set(short)
    assert len(json.dumps(short)) < len(json.dumps(full)) / 2
    with pytest.raises(ValueError, match="NEWSMON_RECORD_FIELDS='bogus'"):
        newsmon.extract(html, url, fields="bogus")


# --- WARC backfill --------------------------------------------------------------------------------------
def warc_lines(capsys: pytest.CaptureFixture[str], *paths: Path) -> tuple[list[dict[str, Any]], str]:
    assert cli_main(["extract", *(a for p in paths for a in ("--warc", str(p)))]) == 0
    captured = capsys.readouterr()
    return [json.loads(line) for line in captured.out.splitlines()], captured.err


def test_warc_written_by_newsmons_archiver(
    article: tuple[str, str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The bytes as received (gzip Content-Encoding), as newsmon's WarcArchiver writes them in a crawl."""
    html, url, _ = article
    crawler = get_crawler(Spider, settings_dict={"NEWSMON_WARC_DIR": str(tmp_path / "warc")})
    archiver = WarcArchiver.from_crawler(crawler)
    spider = Spider(name="euromaidan")
    archiver.spider_opened(spider)
    origin = url.split("/", 3)[:3]
    pages = [
        (url, 200, gzip.compress(html.encode("utf-8")), {"Content-Encoding": "gzip"}),
        ("/".join(origin) + "/gone/", 404, b"<html><body>not here</body></html>", {}),
        ("/".join(origin) + "/logo.png", 200, b"\x89PNG\r\n", {"Content-Type": "image/png"}),
    ]
    for page_url, status, body, headers in pages:
        response = HtmlResponse(
            page_url,
            status=status,
            body=body,
            headers={"Content-Type": "text/html; charset=utf-8", **headers},
            request=Request(page_url),
        )
        archiver.process_response(Request(page_url), response)
    archiver.spider_closed(spider)
    (path,) = sorted((tmp_path / "warc").glob("*.warc.gz"))

    records, err = warc_lines(capsys, path)
    (record,) = records
    assert without(record, BUILT_AT | {"http_status", "warc_file", "warc_record_id"}) == without(
        newsmon.extract(html, url), BUILT_AT | {"http_status", "warc_file", "warc_record_id"}
    )
    assert record["warc_file"] == path.name and record["warc_record_id"].startswith("<urn:uuid:")
    assert record_errors(record) == []
    assert f"{path}: 1 records from 3 responses (1 HTTP 404, 1 not HTML)" in err


def warcio_file(path: Path, pages: list[tuple[str, bytes, list[tuple[str, str]]]]) -> None:
    """Another crawler's WARC: warcinfo, a dns record, then request/response pairs and a revisit."""
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "another crawler"}))
        writer.write_record(
            writer.create_warc_record("dns:news.example", "resource", payload=BytesIO(b"1.2.3.4"), length=7)
        )
        for url, body, headers in pages:
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")], is_http_request=True)
            writer.write_record(
                writer.create_warc_record(
                    url, "request", payload=BytesIO(b""), length=0, http_headers=request
                )
            )
            http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    url, "response", payload=BytesIO(body), length=len(body), http_headers=http
                )
            )
        revisit = writer.create_revisit_record(pages[0][0], "sha1:AAAA", pages[0][0], "20260101000000")
        writer.write_record(revisit)


def test_warc_written_by_warcio_directly(
    article: tuple[str, str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Chunked transfer coding, a charset only in the HTTP header (cp1251), a listing page (no record)."""
    html, url, _ = article
    story = "<p>Новий пором вийшов у рейс. " + "Пасажири чекали на причалі з самого ранку. " * 8 + "</p>"
    other = (
        "<html><head><title>Новий пором</title></head><body><article><h1>Новий пором</h1>"
        f"{story}</article></body></html>"
    ).encode("cp1251")
    chunked = (
        b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (other[:100], other[100:])) + b"0\r\n\r\n"
    )
    site = build_default_site()
    listing = render.home_page(site).encode("utf-8")
    html_type = ("Content-Type", "text/html; charset=utf-8")
    pages = [
        (url, html.encode("utf-8"), [html_type]),
        (
            "https://ferry.example/2026/05/04/ferry/",
            chunked,
            [("Content-Type", "text/html; charset=windows-1251"), ("Transfer-Encoding", "chunked")],
        ),
        ("/".join(url.split("/", 3)[:3]) + "/", listing, [html_type]),
    ]
    path = tmp_path / "other-crawler.warc.gz"
    warcio_file(path, pages)

    records, err = warc_lines(capsys, path)
    by_url = {r["url"]: r for r in records}
    assert set(by_url) == {url, "https://ferry.example/2026/05/04/ferry/"}
    assert without(by_url[url], BUILT_AT | {"warc_file", "warc_record_id"}) == without(
        newsmon.extract(html, url), BUILT_AT | {"warc_file", "warc_record_id"}
    )
    ferry = by_url["https://ferry.example/2026/05/04/ferry/"]
    assert ferry["title"] == "Новий пором" and ferry["body"].startswith("Новий пором вийшов у рейс.")
    assert ferry["scraped_at"].startswith("20") and ferry["warc_file"] == path.name
    assert all(record_errors(r) == [] for r in records)
    assert f"{path}: 2 records from 3 responses (1 not articles)" in err


def test_warc_backfill_with_the_article_preset(
    article: tuple[str, str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    html, url, _ = article
    path = tmp_path / "a.warc.gz"
    warcio_file(path, [(url, html.encode("utf-8"), [("Content-Type", "text/html")])])
    assert cli_main(["extract", "--warc", str(path), "--fields", "article"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert list(json.loads(line)) == record_fields("article")


def test_extract_without_a_page_or_warc_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["extract"]) == 2
    assert capsys.readouterr().err.startswith("newsmon: extract: give FILE and --url URL")


# --- the preset as a setting ----------------------------------------------------------------------------
def test_the_addon_turns_the_preset_into_feed_export_fields() -> None:
    from scrapy.settings import Settings

    from newsmon.addon import Addon
    from newsmon.commands.checks import check_settings
    from newsmon.crawl.arguments import ArgumentError

    settings = Settings({"NEWSMON_RECORD_FIELDS": "article"}, priority="cmdline")
    Addon().update_settings(settings)
    assert settings.getlist("FEED_EXPORT_FIELDS") == record_fields("article")
    own = Settings({"NEWSMON_RECORD_FIELDS": "article", "FEED_EXPORT_FIELDS": ["url", "body"]}, "project")
    Addon().update_settings(own)
    assert own.getlist("FEED_EXPORT_FIELDS") == ["url", "body"]  # the project's own list wins
    full = Settings()
    Addon().update_settings(full)
    assert full.get("FEED_EXPORT_FIELDS") is None
    with pytest.raises(ArgumentError, match="NEWSMON_RECORD_FIELDS='bogus'"):
        check_settings(Settings({"NEWSMON_RECORD_FIELDS": "bogus"}))
