"""Feed options (issue 20, cases 8 and 9): every storage scheme checked before the first request, no
credential in any log line, and no output file from a refused run. Real `scrapy crawl` subprocesses
against the fault server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.crawl_helpers import CrawlResult, run_crawl
from tests.faults.conftest import FAULT_SETTINGS
from tests.faults.pages import article_html, listing_html
from tests.faults.server import FaultServer
from tests.ports import refused_port

pytestmark = pytest.mark.crawl

GOOD = "/2026/03/11/good-one/"
EXIT_BAD = 2
SECRET = "secretpw"


@pytest.fixture(scope="module")
def server() -> Any:
    fault = FaultServer()
    fault.routes["/category/news/"] = lambda h, n: h.send_body(200, listing_html([GOOD]))
    fault.routes[GOOD] = lambda h, n: h.send_body(200, article_html("A good article").encode())
    with fault:
        yield fault


def crawl(server: FaultServer, workdir: Path, *args: str) -> CrawlResult:
    extra: list[str] = ["-a", "feeds=", "-a", "categories=/category/news/"]
    for setting in FAULT_SETTINGS:
        extra += ["-s", setting]
    return run_crawl(server.base_url, workdir, *extra, *args, output=False, timeout=120)


def test_gs_feed_without_google_cloud_storage_is_refused_before_any_request(
    server: FaultServer, tmp_path: Path
) -> None:
    """Was: the whole crawl ran, then the feed failed at the end: exit 3."""
    pytest.importorskip("scrapy")
    try:
        import google.cloud.storage  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("google-cloud-storage is installed here")
    before = len(server.hits)
    result = crawl(server, tmp_path / "run", "-o", "gs://news-bucket/%(name)s/%(time)s.jsonl")
    assert result.returncode == EXIT_BAD, result.log[-3000:]
    assert (
        "newsmon: feed gs://news-bucket/%(name)s/%(time)s.jsonl: storage gs:// needs google-cloud-storage "
        "(pip install google-cloud-storage)" in result.log
    )
    assert len(server.hits) == before


def test_ftp_credentials_are_masked_in_every_log_line(server: FaultServer, tmp_path: Path) -> None:
    """Was: Scrapy's own "Error storing ... feed in: ftp://u:secretpw@..." ERROR line held the password."""
    uri = f"ftp://u:{SECRET}@127.0.0.1:{refused_port()}/news/%(time)s.jsonl"
    result = crawl(server, tmp_path / "run", "-o", uri)
    assert result.returncode != 0, result.log[-3000:]  # the feed could not be stored: the outputs monitor
    errors = [line for line in result.log.splitlines() if "Error storing" in line]
    assert errors and all("ftp://***@127.0.0.1:" in line for line in errors), errors
    assert SECRET not in result.log
    assert SECRET not in json.dumps(result.stats)


def test_a_refused_run_leaves_no_empty_time_jsonl(server: FaultServer, tmp_path: Path) -> None:
    """Was: `-o out/%(time)s.jsonl -o /proc/nope/x.jsonl` refused the run (exit 2: the second feed's directory
    cannot be made), and the exporter still stored the first feed empty (FEED_STORE_EMPTY): an empty
    <time>.jsonl was left behind."""
    out = tmp_path / "out"
    before = len(server.hits)
    result = crawl(server, tmp_path / "run", "-o", f"{out}/%(time)s.jsonl", "-o", "/proc/nope/x.jsonl")
    assert result.returncode == EXIT_BAD, result.log[-3000:]
    assert "newsmon: feed /proc/nope/x.jsonl: cannot write in /proc/nope" in result.log
    assert len(server.hits) == before
    assert [p for p in out.rglob("*") if p.is_file()] == []


def test_a_refused_run_leaves_no_per_run_file(server: FaultServer, tmp_path: Path) -> None:
    """The same with the per-run file (written as .partial, renamed when complete): neither is left."""
    out = tmp_path / "out"
    local = {"format": "jsonlines", "store_empty": True, "newsmon_atomic": True}
    feeds = {f"{out}/%(name)s/%(time)s.jsonl": local, "/proc/nope/x.jsonl": {"format": "jsonlines"}}
    result = crawl(server, tmp_path / "run", "-s", f"FEEDS={json.dumps(feeds)}")
    assert result.returncode == EXIT_BAD, result.log[-3000:]
    assert [p for p in out.rglob("*") if p.is_file()] == []
