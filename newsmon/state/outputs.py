"""The feeds a run writes, and whether each of them can take records: decided before the first request.

A record counts as delivered only when every configured feed has stored it (docs/guarantees.md).
So each feed is classified once, from the settings: a local file written by DurableFileFeedStorage with no
batches, filters or post-processing is durable *per record* (flushed and fsynced before the record is
marked); anything else (remote storages, batched or post-processed files) is durable only once the
FeedExporter stored it at the end. A feed that cannot be used at all (unknown or disabled scheme, a
storage library that is missing, a directory that cannot be created or written) makes the run unusable:
it is refused before any request instead of crawling into nowhere.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum
from pathlib import Path, PureWindowsPath
from typing import Any
from urllib.parse import urlsplit

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import BaseSettings
from scrapy.utils.misc import build_from_crawler, load_object
from w3lib.url import file_uri_to_path

from newsmon.context import CrawlContext
from newsmon.distributed.config import mask_url
from newsmon.options import Option, Options
from newsmon.state.storage import DurableFileFeedStorage

logger = logging.getLogger(__name__)

OPTIONS = Options(
    Option(
        "NEWSMON_OUTPUT_URI",
        "output/%(site)s/%(time)s.jsonl",
        "per-run JSON Lines file when no `-o`/`-O`/`FEEDS` is given (empty: none; `%(site)s` is the site, "
        "`%(name)s` the spider); default taken from the environment variable of the same name when set "
        "([Deployment](../deployment.md))",
        env="NEWSMON_OUTPUT_URI",
    ),
    Option(
        "NEWSMON_OUTPUT_CHECK",
        True,
        "check every feed when the spider opens (storage scheme usable, directory writable: a probe file is "
        "created, fsynced and removed); an unusable one stops the run before any request, exit status 2",
    ),
    Option(
        "NEWSMON_RECORD_FIELDS",
        "full",
        "fields every feed writes: `full` (the whole record) or `article` (without the page around the "
        "article: `links`, `content`, `structure`, `news_feed`); sets `FEED_EXPORT_FIELDS` unless it is set "
        "([feeds and API](../feeds-and-api.md))",
    ),
)

# Close reasons: a feed cannot be used at all (refused before the first request, exit status 2) ...
OUTPUT_UNUSABLE = "newsmon_output_unusable"
# ... or a feed could not store a record during the run (the monitors fail the run).
OUTPUT_ERROR = "newsmon_output_error"

# Storages that import their library only when they store, at the end of the run (Scrapy's S3 storage
# checks for botocore when built, which check_target does): the module to look for, the package to install.
LAZY_LIBRARIES = {
    "scrapy.extensions.feedexport.GCSFeedStorage": ("google.cloud.storage", "google-cloud-storage"),
}

ATOMIC_OPTION = "newsmon_atomic"  # feed option: written as <name>.partial, renamed when complete
_BATCHING = ("postprocessing", "item_filter", "batch_item_count")


class OutputUnusable(Exception):
    """A configured feed cannot store records; the message names it (without credentials) and why."""


@dataclass(frozen=True)
class FeedTarget:
    uri: str  # as configured (may hold %(name)s, %(time)s, ...)
    options: dict[str, Any]
    scheme: str  # "" or "file" for local paths
    per_record: bool  # durable record by record (see the module docstring)
    atomic: bool  # the per-run file: <name>.partial until complete

    @property
    def label(self) -> str:
        return mask_url(self.uri)

    @property
    def local(self) -> bool:
        return self.scheme in ("", "file") or bool(PureWindowsPath(self.uri).drive)


def feed_scheme(uri: str) -> str:
    """The storage scheme Scrapy picks for a feed URI: "" for a plain path (a Windows drive letter
    included), "stdout" for `-O -` / `stdout:` (no "//": classifying it as a local file made every
    record of a run with the state store on fail as "a feed file could not be opened")."""
    if PureWindowsPath(uri).drive and not uri.startswith(("file:", "stdout:")):
        return ""
    return urlsplit(uri).scheme


def feed_targets(settings: BaseSettings) -> list[FeedTarget]:
    """Every feed of FEEDS, classified."""
    storages = settings.getwithbase("FEED_STORAGES")
    global_batch = settings.getint("FEED_EXPORT_BATCH_ITEM_COUNT")
    targets = []
    for raw_uri, raw_options in settings.getdict("FEEDS").items():
        uri = str(raw_uri.absolute()) if isinstance(raw_uri, Path) else str(raw_uri)
        options = dict(raw_options or {})
        scheme = feed_scheme(uri)
        cls_path = storages.get(scheme or "file")
        durable_cls = False
        if cls_path is not None and scheme in ("", "file"):
            durable_cls = issubclass(load_object(cls_path), DurableFileFeedStorage)
        batched = global_batch or any(options.get(key) for key in _BATCHING)
        targets.append(
            FeedTarget(
                uri=uri,
                options=options,
                scheme=scheme,
                per_record=durable_cls and not batched,
                atomic=bool(options.get(ATOMIC_OPTION)),
            )
        )
    return targets


class _UriParams(dict[str, Any]):
    """Scrapy's feed URI parameters as they will be at open time; unknown ones stand in as "_"."""

    def __init__(self, spider: Any) -> None:
        now = datetime.now(tz=UTC).replace(microsecond=0).isoformat().replace(":", "-")
        super().__init__(name=getattr(spider, "name", "_"), time=now, batch_time=now, batch_id=1)
        self.spider = spider

    def __missing__(self, key: str) -> Any:
        return getattr(self.spider, key, "_")


def local_path(target: FeedTarget, spider: Any) -> Path:
    """Where a local feed's file will be (its parameters applied as at open time)."""
    uri = target.uri % _UriParams(spider) if "%(" in target.uri else target.uri
    return Path(file_uri_to_path(uri) if target.scheme == "file" else uri)


def check_target(target: FeedTarget, crawler: Crawler, spider: Any) -> None:
    """Raise OutputUnusable when the feed cannot take records (no file is left behind by the check)."""
    settings = crawler.settings
    if target.options.get("format") and target.options["format"] not in settings.getwithbase(
        "FEED_EXPORTERS"
    ):
        raise OutputUnusable(f"feed {target.label}: unknown format {target.options['format']!r}")
    cls_path = settings.getwithbase("FEED_STORAGES").get(target.scheme or "file")
    if cls_path is None:
        raise OutputUnusable(f"feed {target.label}: unknown storage scheme {target.scheme!r}")
    storage_cls = load_object(cls_path)
    library = LAZY_LIBRARIES.get(f"{storage_cls.__module__}.{storage_cls.__qualname__}")
    if library is not None and not _importable(library[0]):
        raise OutputUnusable(
            f"feed {target.label}: storage {target.scheme}:// needs {library[1]} (pip install {library[1]})"
        )
    try:
        build_from_crawler(storage_cls, crawler, target.uri, feed_options=target.options)
    except NotConfigured as exc:
        raise OutputUnusable(f"feed {target.label}: storage disabled ({exc})") from None
    batch = target.options.get("batch_item_count") or settings.getint("FEED_EXPORT_BATCH_ITEM_COUNT")
    if batch and "%(batch_time)s" not in target.uri and "%(batch_id)" not in target.uri:
        raise OutputUnusable(f"feed {target.label}: batches need %(batch_time)s or %(batch_id)d in the URI")
    if target.local:
        probe_directory(local_path(target, spider).parent, target.label)


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:  # its parent package is missing
        return False


def probe_directory(directory: Path, label: str) -> None:
    """Create the directory and one small file in it, fsynced, then remove it: a read-only file system,
    a denied permission, a full disk or no free inodes all show here, before anything is crawled."""
    probe = directory / f".newsmon-probe-{os.getpid()}"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
            probe.unlink(missing_ok=True)
    except OSError as exc:
        raise OutputUnusable(f"feed {label}: cannot write in {directory} ({exc.strerror or exc})") from None


class SettleOrder(IntEnum):
    """Who runs first once the outputs settled, whatever the EXTENSIONS priorities."""

    JUDGE = 10  # the monitors' verdicts (output health included)
    ALERT = 15  # alerts on the site's health, the verdicts included, while the store is still open
    RECORD = 20  # the state extension: marks what waited, records the run with the verdicts
    REPORT = 30  # the stats file, holding all of the above


class OutputsSettled:
    """Calls back once the spider has closed and every feed has been stored (or failed to be): verdicts
    on output health and the marking of batched or remote feeds must wait for that, and FeedExporter
    stores its feeds only after the spider_closed handlers ran. Without a feed, or when the run was
    refused for an unusable one (no FeedExporter then), it calls back at spider_closed. The callbacks of
    one crawl run in ``SettleOrder``."""

    def __init__(
        self, crawler: Crawler, callback: Callable[[str], None], order: SettleOrder = SettleOrder.JUDGE
    ) -> None:
        self.callback = callback
        self.order = order
        slot = CrawlContext.of(crawler).settlement
        settlement = slot.get() if slot.is_set else slot.set(Settlement(crawler))
        settlement.waiting.append(self)


class Settlement:
    """The one watcher per crawl behind every OutputsSettled."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.waiting: list[OutputsSettled] = []
        self.expect_feeds = bool(crawler.settings.getdict("FEEDS"))
        self.reason: str | None = None
        self.feeds_closed = False
        self.done = False
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.feed_exporter_closed, signal=signals.feed_exporter_closed)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.reason = reason
        if not self.expect_feeds or self.feeds_closed or reason == OUTPUT_UNUSABLE:
            self._settle()

    def feed_exporter_closed(self) -> None:
        self.feeds_closed = True
        if self.reason is not None:
            self._settle()

    def _settle(self) -> None:
        if not self.done and self.reason is not None:
            self.done = True
            for waiting in sorted(self.waiting, key=lambda w: w.order):
                try:  # one failing step (a monitor) must not keep the run from being recorded
                    waiting.callback(self.reason)
                except Exception:
                    logger.exception("Closing step %s failed; the next steps still run", waiting.order.name)
