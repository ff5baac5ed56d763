"""WARC archive (NEWSMON_WARC_DIR): a real crawl's files pass warcio's own checker, every record points at
the response it was built from, and that response's payload digest matches its bytes."""

from __future__ import annotations

import base64
import hashlib
import html
import logging
import os
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.cli import main as warcio_main
from warcio.warcwriter import WARCWriter

from newsmon.archive.writer import OPEN_SUFFIX, RecoveredWarc, RotatingWarcWriter, recover_open_files
from newsmon.fetch.browser import find_chromium
from tests.crawl_helpers import CrawlResult, run_crawl
from tests.replica.content import protected_site
from tests.replica.server import ReplicaServer

pytestmark = pytest.mark.crawl


def read_warcs(directory: Path) -> dict[str, dict[str, Any]]:
    """WARC-Record-ID -> file, type, headers, raw payload (as stored) and decoded content."""
    records: dict[str, dict[str, Any]] = {}
    for path in sorted(directory.glob("*.warc.gz")):
        with path.open("rb") as fh:
            for rec in ArchiveIterator(fh):
                raw = rec.raw_stream.read()
                records[rec.rec_headers.get_header("WARC-Record-ID")] = {
                    "file": path.name,
                    "type": rec.rec_type,
                    "headers": dict(rec.rec_headers.headers),
                    "http": rec.http_headers,
                    "payload": raw,
                }
    return records


def text(entry: dict[str, Any]) -> str:
    return html.unescape(entry["payload"].decode("utf-8"))


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def warcio_check(paths: list[Path]) -> int:
    try:
        warcio_main(["check", *map(str, paths)])
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def check_archive(result: CrawlResult, warc_dir: Path) -> dict[str, dict[str, Any]]:
    files = sorted(warc_dir.glob("*.warc.gz"))
    assert files and not list(warc_dir.glob("*.open")), sorted(warc_dir.iterdir())  # all finalized
    assert warcio_check(files) == 0
    archived = read_warcs(warc_dir)
    assert result.records
    for record in result.records:
        entry = archived.get(record["warc_record_id"])
        assert entry is not None, record["url"]
        assert entry["file"] == record["warc_file"]
        assert entry["headers"]["WARC-Target-URI"] == record["url"]
        assert entry["headers"]["WARC-Payload-Digest"] == sha1_b32(entry["payload"])
        assert record["title"] in text(entry)  # the bytes the record came from
        request = archived[entry["headers"]["WARC-Concurrent-To"]]
        assert request["type"] == "request"
    return archived


def test_every_record_points_at_its_archived_response(tmp_path: Path) -> None:
    warc_dir = tmp_path / "warc"
    with ReplicaServer() as replica:
        result = run_crawl(
            replica.base_url,
            tmp_path,
            "-s",
            f"NEWSMON_WARC_DIR={warc_dir}",
            "-s",
            "NEWSMON_WARC_MAX_BYTES=40000",
        )
    assert result.returncode == 0, result.log[-3000:]
    archived = check_archive(result, warc_dir)
    assert len(set(r["warc_file"] for r in result.records)) > 1  # rotated by size
    for path in warc_dir.glob("*.warc.gz"):  # every file opens with its warcinfo, WARC 1.1, gzip per record
        assert path.read_bytes()[:2] == b"\x1f\x8b"
        with path.open("rb") as fh:
            first = next(iter(ArchiveIterator(fh)))
            assert (first.rec_type, first.rec_headers.protocol) == ("warcinfo", "WARC/1.1")
    for record in result.records:
        entry = archived[record["warc_record_id"]]
        assert entry["type"] == "response" and entry["http"].get_statuscode() == "200"
    # hubs and robots.txt are archived too, not only the articles
    uris = {e["headers"].get("WARC-Target-URI", "") for e in archived.values()}
    assert any(u.endswith("/feed/") for u in uris) and any(u.endswith("/robots.txt") for u in uris)
    assert result.stats["newsmon/warc/files"] == len(list(warc_dir.glob("*.warc.gz")))


def test_records_have_null_warc_fields_when_off(tmp_path: Path) -> None:
    with ReplicaServer() as replica:
        result = run_crawl(replica.base_url, tmp_path, "-a", "categories=", "-a", "follow_depth=0")
    assert result.returncode == 0 and result.records
    assert all(r["warc_file"] is None and r["warc_record_id"] is None for r in result.records)


@pytest.mark.skipif(
    find_chromium() is None and not os.environ.get("NEWSMON_CI"),
    reason="no Chromium: apt-get install chromium (make install does it when it can)",
)
def test_browser_rendered_pages_are_archived_as_resources(tmp_path: Path) -> None:
    warc_dir = tmp_path / "warc"
    site = protected_site()
    slug = site.roles["js_body"][0]
    article = next(a for a in site.articles if a.slug == slug)
    with ReplicaServer(site=site) as replica:
        url = f"{replica.base_url}{article.path}"
        result = run_crawl(
            replica.base_url, tmp_path, "-a", "feeds=", "-a", "categories=", "-a", f"urls={url}",
            "-a", "follow_depth=0", "-s", f"NEWSMON_WARC_DIR={warc_dir}",
        )  # fmt: skip
    assert result.returncode == 0, result.log[-3000:]
    (record,) = result.records
    assert (record["fetcher_tier"], record["fetch_reason"]) == ("STEALTHY", "js_shell")
    archived = check_archive(result, warc_dir)
    entry = archived[record["warc_record_id"]]
    assert entry["type"] == "resource"
    assert entry["headers"]["WARC-Newsmon-Note"].startswith("browser-rendered DOM")
    assert entry["headers"]["Content-Type"].startswith("text/html")
    assert record["body"].split("\n")[0] in text(entry)  # text only the browser saw
    plain = [
        e for e in archived.values() if e["type"] == "response" and e["headers"]["WARC-Target-URI"] == url
    ]
    assert plain and record["body"].split("\n")[0] not in text(plain[0])  # the shell


# --- crash recovery of `.open` files -----------------------------------------------------------------
def torn_open_file(directory: Path, responses: int = 3) -> tuple[Path, list[str]]:
    """A crashed run's file: the project's writer, renamed back to `.open`, with half a gzip member
    appended (a write torn by kill -9). Returns the path and the IDs of its complete records."""
    writer = RotatingWarcWriter(directory, "newsmon-crashed", 0, {"software": "test"})
    ids = []
    for n in range(responses):
        record = writer.record(
            f"https://example.org/{n}", "resource", f"<p>body {n}</p>".encode(), content_type="text/html"
        )
        ids.append(record.rec_headers.get_header("WARC-Record-ID"))
        writer.write(record)
    writer.close()
    (final,) = writer.finished
    tail = BytesIO()
    extra = WARCWriter(tail, gzip=True, warc_version="1.1")
    extra.write_record(
        extra.create_warc_record(
            "https://example.org/torn", "resource", payload=BytesIO(b"x" * 5000), length=5000
        )
    )
    path = final.with_name(final.name + OPEN_SUFFIX)
    final.replace(path)
    with path.open("ab") as fh:
        fh.write(tail.getvalue()[: len(tail.getvalue()) // 2])
    return path, ids


def record_ids(path: Path) -> list[str]:
    with path.open("rb") as fh:
        return [
            r.rec_headers.get_header("WARC-Record-ID")
            for r in ArchiveIterator(fh)
            if r.rec_type != "warcinfo"
        ]


def test_torn_open_file_is_recovered(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path, ids = torn_open_file(tmp_path)
    size = path.stat().st_size
    with caplog.at_level(logging.WARNING, logger="newsmon.archive.writer"):
        assert recover_open_files(tmp_path) == RecoveredWarc(files=1, records=4, torn_records=1)
    final = path.with_name(path.name.removesuffix(OPEN_SUFFIX))
    assert not path.exists() and final.stat().st_size < size
    assert warcio_check([final]) == 0
    assert record_ids(final) == ids  # every complete record kept, in order
    (warning,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "1 WARC files" in warning.getMessage() and "1 torn" in warning.getMessage()
    assert recover_open_files(tmp_path) == RecoveredWarc(0, 0, 0)  # nothing left to do


def test_open_file_of_a_live_writer_is_left_alone(tmp_path: Path) -> None:
    writer = RotatingWarcWriter(tmp_path, "newsmon-live", 0, {"software": "test"})
    writer.write(writer.record("https://example.org/", "resource", b"<p>x</p>", content_type="text/html"))
    (live,) = tmp_path.glob("*.open")
    before = live.read_bytes()
    assert recover_open_files(tmp_path) == RecoveredWarc(0, 0, 0)
    assert live.read_bytes() == before
    writer.close()
    assert not live.exists() and len(writer.finished) == 1


def test_empty_open_file_is_removed(tmp_path: Path) -> None:
    (tmp_path / "newsmon-x-1.warc.gz.open").write_bytes(b"\x1f\x8b\x08\x00")  # died inside the warcinfo
    assert recover_open_files(tmp_path) == RecoveredWarc(files=0, records=0, torn_records=1)
    assert not list(tmp_path.iterdir())


def test_crawl_recovers_a_crashed_runs_open_file(tmp_path: Path) -> None:
    warc_dir = tmp_path / "warc"
    path, ids = torn_open_file(warc_dir)
    with ReplicaServer() as replica:
        result = run_crawl(
            replica.base_url, tmp_path, "-a", "categories=", "-a", "follow_depth=0",
            "-s", f"NEWSMON_WARC_DIR={warc_dir}",
        )  # fmt: skip
    assert result.returncode == 0, result.log[-3000:]
    assert (result.stats["newsmon/warc/recovered_files"], result.stats["newsmon/warc/torn_records"]) == (1, 1)
    assert "WARNING: Recovered 1 WARC files of a crashed run" in result.log
    recovered = path.with_name(path.name.removesuffix(OPEN_SUFFIX))
    assert record_ids(recovered) == ids
    check_archive(result, warc_dir)  # no `.open` left, warcio check passes on every file
