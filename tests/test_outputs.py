"""The output commit protocol's parts, built without a crawl: feed classification and start-up checks, the
write-error memory of feed files, writing back a removed file, and the state extension refusing to mark a
record that no feed file holds. The real faults (file systems, S3, kills) are in test_output_faults.py."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy import Spider
from scrapy.utils.test import get_crawler

from newsmon.context import CrawlContext
from newsmon.distributed.config import mask_url
from newsmon.state.extension import Pending, StateExtension
from newsmon.state.outputs import (
    OutputsSettled,
    OutputUnusable,
    SettleOrder,
    check_target,
    feed_targets,
    local_path,
)
from newsmon.state.storage import DurableFileFeedStorage, GuardedWriter, same_file, write_error
from newsmon.state.store import StateStore

STORAGES = {
    "": "newsmon.state.storage.DurableFileFeedStorage",
    "file": "newsmon.state.storage.DurableFileFeedStorage",
}


class NewsSpider(Spider):
    name = "news"


def crawler_with(feeds: dict[str, dict[str, Any]], **settings: Any) -> Any:
    return get_crawler(NewsSpider, settings_dict={"FEEDS": feeds, "FEED_STORAGES": STORAGES, **settings})


def test_feeds_are_classified_by_how_they_become_durable(tmp_path: Path) -> None:
    feeds = {
        f"{tmp_path}/%(name)s/%(time)s.jsonl": {"format": "jsonlines", "newsmon_atomic": True},
        f"file://{tmp_path}/latest.jsonl": {"format": "jsonlines"},
        "s3://bucket/x.jsonl": {"format": "jsonlines"},
        f"{tmp_path}/b-%(batch_id)d.jsonl": {"format": "jsonlines", "batch_item_count": 10},
        f"{tmp_path}/c.jsonl.gz": {"format": "jsonlines", "postprocessing": ["x"]},
    }
    targets = {t.uri: t for t in feed_targets(crawler_with(feeds).settings)}
    per_run, latest, s3, batched, gzipped = targets.values()
    assert per_run.per_record and per_run.atomic and per_run.local
    assert latest.per_record and not latest.atomic and latest.scheme == "file"
    assert not s3.per_record and not s3.local
    assert not batched.per_record and not gzipped.per_record
    assert local_path(per_run, NewsSpider()).parent == tmp_path / "news"


def test_stdout_is_not_taken_for_a_local_file() -> None:
    """`-O -` / `-o stdout:` (no "//"): was classified as a local file durable per record, so the state
    extension waited for a file that never opened and failed the run ("a feed file could not be opened")."""
    feeds = {"stdout:": {"format": "jsonlines"}, "C:\\out\\x.jsonl": {"format": "jsonlines"}}
    stdout, windows = feed_targets(crawler_with(feeds).settings)
    assert stdout.scheme == "stdout" and not stdout.per_record and not stdout.local
    assert windows.scheme == "" and windows.local


def test_plain_scrapy_file_storage_is_not_durable_per_record(tmp_path: Path) -> None:
    crawler = get_crawler(
        NewsSpider, settings_dict={"FEEDS": {f"{tmp_path}/x.jsonl": {"format": "jsonlines"}}}
    )
    assert [t.per_record for t in feed_targets(crawler.settings)] == [False]


def test_credentials_never_reach_a_label() -> None:
    crawler = crawler_with({"s3://AKIA:s3cr3t@bucket/a.jsonl": {}, "ftp://user:pw@host:21/a.jsonl": {}})
    labels = [t.label for t in feed_targets(crawler.settings)]
    assert labels == ["s3://***@bucket/a.jsonl", "ftp://***@host:21/a.jsonl"]
    assert mask_url("/var/out/a.jsonl") == "/var/out/a.jsonl"


@pytest.mark.parametrize(
    ("uri", "options", "says"),
    [
        ("nosuch://x/y.jsonl", {"format": "jsonlines"}, "unknown storage scheme 'nosuch'"),
        ("{tmp}/a.jsonl", {"format": "yaml"}, "unknown format 'yaml'"),
        ("{tmp}/a.jsonl", {"format": "jsonlines", "batch_item_count": 5}, "batches need"),
        ("{tmp}/a-file/b/c.jsonl", {"format": "jsonlines"}, "cannot write in"),  # a file where a dir must be
    ],
)
def test_unusable_feeds_are_named_with_the_reason(
    tmp_path: Path, uri: str, options: dict[str, Any], says: str
) -> None:
    (tmp_path / "a-file").write_text("not a directory")
    uri = uri.format(tmp=tmp_path)
    crawler = crawler_with({uri: options})
    (target,) = feed_targets(crawler.settings)
    with pytest.raises(OutputUnusable, match=says) as caught:
        check_target(target, crawler, NewsSpider())
    assert str(caught.value).startswith(f"feed {uri}:")


def test_a_usable_local_feed_passes_and_leaves_nothing_behind(tmp_path: Path) -> None:
    crawler = crawler_with({f"{tmp_path}/out/%(name)s/%(time)s.jsonl": {"format": "jsonlines"}})
    (target,) = feed_targets(crawler.settings)
    check_target(target, crawler, NewsSpider())
    assert list((tmp_path / "out" / "news").iterdir()) == []  # the directory is made, the probe removed


def test_a_failed_write_is_remembered() -> None:
    with GuardedWriter(io.FileIO("/dev/full", "wb")) as file:  # every write: ENOSPC
        file.write(b'{"a": 1}\n')  # buffered: nothing reached the device yet
        assert write_error(file) is None
        with pytest.raises(OSError):
            file.flush()
        error = write_error(file)
        assert error is not None and error.errno == 28
        with pytest.raises(OSError):
            file.close()


def test_a_removed_output_is_written_back_and_writes_go_on_there(tmp_path: Path) -> None:
    out = tmp_path / "out"
    storage = DurableFileFeedStorage(f"{out}/run.jsonl", feed_options={"newsmon_atomic": True})
    file = storage.open(NewsSpider())
    file.write(b'{"n": 1}\n')
    file.flush()
    assert storage.current_path == out / "run.jsonl.partial"
    assert same_file(file.fileno(), storage.current_path)
    shutil.rmtree(out)
    assert not same_file(file.fileno(), storage.current_path)
    restored = storage.restore(file)
    assert restored == out / "run.jsonl.partial" and same_file(file.fileno(), restored)
    file.write(b'{"n": 2}\n')
    storage.store(file)
    assert (out / "run.jsonl").read_bytes() == b'{"n": 1}\n{"n": 2}\n'


def test_removed_after_the_last_record_fails_the_store_but_keeps_the_records(tmp_path: Path) -> None:
    out = tmp_path / "out"
    storage = DurableFileFeedStorage(f"{out}/run.jsonl", feed_options={"newsmon_atomic": True})
    file = storage.open(NewsSpider())
    file.write(b'{"n": 1}\n')
    shutil.rmtree(out)
    with pytest.raises(OSError, match="was removed during the run"):
        storage.store(file)
    assert (out / "run.jsonl.partial").read_bytes() == b'{"n": 1}\n'  # for the next start's recovery


def state_extension(tmp_path: Path, feeds: dict[str, dict[str, Any]]) -> tuple[Any, StateExtension]:
    crawler = crawler_with(feeds, NEWSMON_STATE_DIR=str(tmp_path / "state"), NEWSMON_OUTPUT_URI="")
    crawler.spider = NewsSpider()
    crawler.engine = SimpleNamespace(spider=None)  # the run is not being crawled: nothing to close
    ext = StateExtension.from_crawler(crawler)
    ext.spider_opened(crawler.spider)
    return crawler, ext


def pending(url: str) -> Pending:
    return Pending(None, url, "sha256:" + "00" * 32, 1, None, [])


def test_a_record_no_feed_file_holds_is_not_marked(tmp_path: Path) -> None:
    crawler, ext = state_extension(tmp_path, {f"{tmp_path}/latest.jsonl": {"format": "jsonlines"}})
    assert ext.direct
    assert not ext._commit_to_files(pending("http://x.test/a"))  # the feed's file was never opened
    assert ext.output_failed and crawler.stats.get_value("newsmon/output/failed") == 1
    ext.outputs_settled("newsmon_output_error")
    with StateStore.open(tmp_path / "state" / "news.sqlite3") as store:
        assert store.count() == 0


def test_records_wait_for_every_feed_and_a_failed_store_marks_none(tmp_path: Path) -> None:
    feeds = {"s3://bucket/x.jsonl": {"format": "jsonlines"}}
    crawler, ext = state_extension(tmp_path, feeds)
    assert not ext.direct
    ext.pending.extend([pending("http://x.test/a"), pending("http://x.test/b")])
    crawler.stats.inc_value("feedexport/failed_count/S3FeedStorage")
    ext.outputs_settled("finished")
    assert crawler.stats.get_value("newsmon/state/not_marked") == 2
    with StateStore.open(tmp_path / "state" / "news.sqlite3") as store:
        assert store.count() == 0


def test_without_any_feed_nothing_is_marked(tmp_path: Path) -> None:
    _crawler, ext = state_extension(tmp_path, {})
    ext.pending.append(pending("http://x.test/a"))
    ext.outputs_settled("finished")
    with StateStore.open(tmp_path / "state" / "news.sqlite3") as store:
        assert store.count() == 0


def test_outputs_settle_after_the_feeds_once_and_in_order() -> None:
    calls: list[str] = []
    crawler = crawler_with({"/tmp/x.jsonl": {"format": "jsonlines"}})
    # registered in the "wrong" order (as EXTENSIONS priorities might build them): run in SettleOrder
    OutputsSettled(crawler, lambda reason: calls.append(f"report:{reason}"), SettleOrder.REPORT)
    OutputsSettled(crawler, lambda reason: calls.append(f"record:{reason}"), SettleOrder.RECORD)
    OutputsSettled(crawler, lambda reason: calls.append(f"judge:{reason}"), SettleOrder.JUDGE)
    settlement = CrawlContext.of(crawler).settlement.get()
    assert settlement is not None
    settlement.spider_closed(NewsSpider(), "finished")
    assert calls == []  # FeedExporter stores the feeds after the spider_closed handlers
    settlement.feed_exporter_closed()
    settlement.feed_exporter_closed()
    assert calls == ["judge:finished", "record:finished", "report:finished"]
    refused: list[str] = []
    other = crawler_with({"/tmp/x.jsonl": {"format": "jsonlines"}})
    OutputsSettled(other, refused.append)
    early = CrawlContext.of(other).settlement.get()
    assert early is not None
    early.spider_closed(NewsSpider(), "newsmon_output_unusable")  # no FeedExporter will ever close
    assert refused == ["newsmon_output_unusable"]


def test_the_probe_file_is_per_process(tmp_path: Path) -> None:
    """Two runs checking one directory at once never collide on the probe name."""
    crawler = crawler_with({f"{tmp_path}/a.jsonl": {"format": "jsonlines"}})
    (target,) = feed_targets(crawler.settings)
    (tmp_path / f".newsmon-probe-{os.getpid() + 1}").write_text("another process's probe")
    check_target(target, crawler, NewsSpider())


def test_a_failing_closing_step_does_not_stop_the_next(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[str] = []
    crawler = crawler_with({"/tmp/x.jsonl": {"format": "jsonlines"}})

    def judge(reason: str) -> None:
        raise RuntimeError("a monitor broke")

    OutputsSettled(crawler, judge, SettleOrder.JUDGE)
    OutputsSettled(crawler, lambda reason: calls.append(f"record:{reason}"), SettleOrder.RECORD)
    settlement = CrawlContext.of(crawler).settlement.get()
    assert settlement is not None
    settlement.feed_exporter_closed()
    settlement.spider_closed(NewsSpider(), "finished")
    assert calls == ["record:finished"]  # the run is still recorded (and its lock released)
    assert "Closing step JUDGE failed" in caplog.text
