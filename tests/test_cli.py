"""`newsmon extract` builds the same record as the spider from a saved page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsmon.cli import main as cli_main
from newsmon.schema import record_errors
from tests.replica import render
from tests.replica.model import build_default_site


@pytest.fixture
def saved_article(tmp_path: Path) -> tuple[Path, str]:
    site = build_default_site()
    (slug,) = site.roles["inline_read_also"]
    article = site.article(slug)
    path = tmp_path / "page.html"
    path.write_text(render.article_page(site, article), encoding="utf-8")
    return path, slug


def test_extract_prints_a_valid_record(
    saved_article: tuple[Path, str], capsys: pytest.CaptureFixture
) -> None:
    path, slug = saved_article
    site = build_default_site()
    expected = site.expected(slug)
    assert cli_main(["extract", str(path), "--url", expected.canonical_url + "?utm_source=x"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record_errors(record) == []
    assert record["canonical_url"] == expected.canonical_url
    assert record["title"] == expected.title
    assert list(record["authors"]) == list(expected.authors)
    assert record["published_at"] == expected.published_at
    for phrase in (*expected.body_phrases, *expected.tail_phrases):
        assert phrase in record["body"]
    assert {item["title"] for item in record["read_also"]} == {
        t for _, t in expected.read_also + expected.inline_read_also
    }


def test_extract_markdown_and_errors(
    saved_article: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path, _ = saved_article
    assert cli_main(["extract", str(path), "--url", "https://euromaidanpress.com/x/", "--markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# euromaidanpress.com\n\n## Metadata")
    assert cli_main(["extract", str(tmp_path / "missing.html"), "--url", "https://a.example/"]) == 2
    assert "newsmon:" in capsys.readouterr().err


@pytest.mark.parametrize("codec", ["gbk", "shift_jis", "cp1251", "cp1252"])
def test_extract_decodes_a_file_without_any_charset_like_the_crawl(
    codec: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    title = {
        "gbk": "河畔小镇的新渡轮正式启航",
        "shift_jis": "川沿いの町で新しいフェリー",
        "cp1251": "Новий пором вийшов у рейс",
        "cp1252": "Le café du port rouvre",
    }[codec]
    story = f"<p>{title}. " + "Passengers queued on the pier from dawn, and the crew waved. " * 8 + "</p>"
    page = f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{story}</article></body>"
    path = tmp_path / "page.html"
    path.write_bytes(page.encode(codec))
    assert cli_main(["extract", str(path), "--url", "https://ferry.example/2026/05/04/ferry/"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["title"] == title
    assert record["body"].startswith(title)


def test_extract_says_when_the_file_is_an_amp_page(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "amp.html"
    story = "<p>" + "The ferry crew waved from the deck as the passengers boarded at dawn. " * 6 + "</p>"
    path.write_text(
        "<html amp><head><title>Ferry</title><link rel='canonical' href='https://ferry.example/ferry/'></head>"
        f"<body><article><h1>Ferry</h1>{story}</article></body></html>",
        encoding="utf-8",
    )
    assert cli_main(["extract", str(path), "--url", "https://ferry.example/ferry/amp/"]) == 0
    assert "a crawl records its canonical page https://ferry.example/ferry/" in capsys.readouterr().err
