"""The state extension: run lock, store lifecycle, crash recovery, and marking records emitted once durable.

Ordering (the guarantee): FeedExporter writes a record in its item_scraped handler; this extension's handler
is connected after it (EXTENSIONS order), flushes and fsyncs every open output file, checks that each one
grew, and only then marks the record emitted in the store. A kill -9 at any point therefore leaves either a
record that is on disk (in a `.partial` file that the next start recovers and reconciles), or one that is
not on disk and not marked (it is fetched again). Feeds this process cannot fsync per record (remote
storages, postprocessing, batches, item filters) are marked only when the whole feed was stored. A record
written but not marked (the store failed: Redis down mid-run) leaves the per-run file as `.partial`, so the
next start marks what it holds instead of emitting it again.

The store is SQLite, or Redis with NEWSMON_BACKEND=redis (newsmon/state/backend.py); the file run lock is
taken in one-process mode only (a distributed run has its own, newsmon/distributed/coordinator.py).
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import IO, Any, NamedTuple

from itemadapter import ItemAdapter
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, NotConfigured
from scrapy.extensions.feedexport import FeedExporter
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.misc import load_object

from newsmon.meta import META_KEY
from newsmon.state.backend import distributed_config, open_store
from newsmon.state.config import StateConfig
from newsmon.state.lock import RunLock
from newsmon.state.protocol import Store
from newsmon.state.recovery import (
    output_glob,
    published_ts,
    rebuild_from_outputs,
    record_links,
    recover_partials,
)
from newsmon.state.storage import DurableFileFeedStorage, feed_file_opened
from newsmon.state.store import StateStore, StoreCorrupt

logger = logging.getLogger(__name__)


class Pending(NamedTuple):
    key: str | None
    url: str
    content_hash: str
    version: int
    published_at: float | None
    links: list[tuple[str, str]]


class StateExtension:
    def __init__(self, crawler: Crawler, config: StateConfig, spider_name: str) -> None:
        assert crawler.stats is not None
        self.crawler = crawler
        self.stats = crawler.stats
        self.config = config
        self.spider_name = spider_name
        self.output_pattern = output_glob(config.output_uri, spider_name)  # the per-run files, or None
        self.lock: RunLock | None = None
        self.own_lock = False
        if distributed_config(crawler.settings) is None:
            lock_path = config.lock_path(spider_name)
            self.own_lock = not RunLock.held(lock_path)
            self.lock = RunLock.acquire(lock_path)  # RunLocked: another run is on; nothing touched yet
        self.store: Store | None = None
        self.run_id = 0
        self.sinks: dict[IO[bytes], int] = {}  # open feed files -> size when the last record was marked
        self.storages: list[Any] = []  # their storages (told to keep a `.partial` when marking fails)
        self.direct = True  # False: mark records only once every feed is stored (see module docstring)
        self.pending: list[Pending] = []
        self.has_feed_exporter = False
        self._closing_reason: str | None = None
        self._feeds_closed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StateExtension:
        config = StateConfig.from_settings(crawler.settings)
        if not config.enabled:
            raise NotConfigured  # off on purpose: no message, so Scrapy does not log it as a warning
        assert crawler.spidercls is not None
        ext = cls(crawler, config, crawler.spidercls.name)
        connect = crawler.signals.connect
        connect(ext.spider_opened, signal=signals.spider_opened)
        connect(ext.spider_closed, signal=signals.spider_closed)
        connect(ext.item_scraped, signal=signals.item_scraped)
        connect(ext.item_dropped, signal=signals.item_dropped)
        connect(ext.feed_exporter_closed, signal=signals.feed_exporter_closed)
        connect(ext.feed_file_opened, signal=feed_file_opened)
        return ext

    # --- lifecycle -----------------------------------------------------------------------------
    def spider_opened(self, spider: Spider) -> None:
        try:
            self.store = open_store(self.crawler, self.spider_name, self._open_sqlite)
            pattern = self.output_pattern
            recovered = recover_partials(self.store, pattern) if pattern else None
            self.run_id = self.store.start_run()
        except Exception as exc:  # never crawl as if nothing had been emitted, nor without a run record
            logger.error("The state store cannot be opened or reconciled (%s): not crawling", exc)
            raise CloseSpider("newsmon_state_error") from None
        if recovered is not None and recovered.files:
            self.stats.inc_value("newsmon/state/recovered_files", recovered.files)
            self.stats.inc_value("newsmon/state/recovered_records", recovered.records)
            self.stats.inc_value("newsmon/state/torn_lines", recovered.torn_lines)
            self.stats.inc_value("newsmon/state/bad_lines", recovered.bad_lines)
        self.has_feed_exporter = any(isinstance(m, FeedExporter) for m in self.crawler.extensions.middlewares)
        self.direct = self._feeds_are_durable()
        logger.info(
            "State store %s: %d articles emitted before; records marked %s",
            self.store.location,
            self.store.count(),
            "after each fsync" if self.direct else "when the feeds are stored",
        )

    def _open_sqlite(self) -> StateStore:
        path = self.config.store_path(self.spider_name)
        try:
            return StateStore.open(path, check=self.config.check_on_open)
        except StoreCorrupt as exc:
            aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}")
            for suffix in ("", "-wal", "-shm"):
                src = Path(f"{path}{suffix}")
                if src.exists():
                    src.replace(f"{aside}{suffix}")
            self.stats.inc_value("newsmon/state/corrupt_recovered")
            logger.warning("State store %s is corrupt (%s): moved to %s, rebuilding", path, exc, aside)
        store = StateStore.open(path)
        pattern = self.output_pattern
        rebuilt = rebuild_from_outputs(store, pattern) if pattern else 0
        self.stats.set_value("newsmon/state/rebuilt_records", rebuilt)
        logger.warning("State store rebuilt from %d records in the outputs %s", rebuilt, pattern)
        return store

    def _feeds_are_durable(self) -> bool:
        settings = self.crawler.settings
        feeds = settings.getdict("FEEDS")
        if not feeds or not self.has_feed_exporter:
            return False
        storages = settings.getwithbase("FEED_STORAGES")
        for uri, options in feeds.items():
            scheme = str(uri).split("://", 1)[0] if "://" in str(uri) else ""
            cls = storages.get(scheme)
            if scheme not in ("", "file") or cls is None:
                return False
            if not issubclass(load_object(cls), DurableFileFeedStorage):
                return False
            if any(options.get(k) for k in ("postprocessing", "item_filter", "batch_item_count")):
                return False
        return not settings.getint("FEED_EXPORT_BATCH_ITEM_COUNT")

    def feed_file_opened(self, storage: Any, file: IO[bytes]) -> None:
        self.sinks[file] = file.tell()
        self.storages.append(storage)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self._closing_reason = reason
        if self._feeds_closed or not self.has_feed_exporter:
            self._finish()

    def feed_exporter_closed(self) -> None:
        self._feeds_closed = True
        if not self.direct and self.pending:
            stats = self.stats.get_stats()
            failed = {k: v for k, v in stats.items() if k.startswith("feedexport/failed_count")}
            if failed:
                logger.error(
                    "A feed failed to store (%s): %d records are not marked emitted, they are fetched again",
                    failed,
                    len(self.pending),
                )
                self.stats.inc_value("newsmon/state/not_marked", len(self.pending))
                self.pending.clear()
        if self._closing_reason is not None:
            self._finish()

    def _finish(self) -> None:
        store = self.store
        if store is None:
            return
        for done, p in enumerate(self.pending):
            if not self._mark(p):  # the store failed: the rest would only wait on it too
                self.stats.inc_value("newsmon/state/not_marked", len(self.pending) - done - 1)
                break
        self.pending.clear()
        keep = (
            "item_scraped_count",
            "downloader/request_count",
            "elapsed_time_seconds",
            "log_count/ERROR",
            "newsmon/",
        )
        stats = {k: v for k, v in self.stats.get_stats().items() if k.startswith(keep)}
        try:
            store.end_run(self.run_id, self._closing_reason or "unknown", stats)
        except Exception as exc:  # the store failed (already reported by it): the run is over anyway
            logger.error("State store %s: the run could not be recorded (%s)", store.location, exc)
        finally:
            try:
                store.close()
            except Exception as exc:
                logger.error("State store %s did not close cleanly (%s)", store.location, exc)
        self.store = None
        if self.own_lock and self.lock is not None:
            self.lock.release()

    # --- records -------------------------------------------------------------------------------
    def item_scraped(self, item: Any, response: Response | None) -> None:
        if self.store is None:
            return
        adapter = ItemAdapter(item)
        record = Pending(
            response.meta.get(META_KEY) if response is not None else None,
            adapter["canonical_url"],
            adapter["content_hash"],
            int(adapter.get("version") or 1),
            published_ts(adapter.get("published_at")),
            record_links(adapter),
        )
        if not self.direct:
            self.pending.append(record)
            return
        try:
            for file in list(self.sinks):
                if file.closed:
                    del self.sinks[file]
                    continue
                file.flush()
                os.fsync(file.fileno())
                size = file.tell()
                if size <= self.sinks[file]:
                    self.stats.inc_value("newsmon/state/not_written")
                    logger.error("%s was not written to %s: not marked emitted", record.url, file.name)
                    return
                self.sinks[file] = size
        except OSError as exc:
            self.stats.inc_value("newsmon/state/write_failed")
            logger.error("Writing the output failed (%s): closing the run; %s is not marked", exc, record.url)
            assert self.crawler.engine is not None
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="newsmon_output_error"))
            return
        self._mark(record)

    def _mark(self, p: Pending) -> bool:
        """Mark one durable record emitted; False when the store failed (the run is being closed)."""
        assert self.store is not None
        try:
            self.store.mark_emitted(
                p.url, p.content_hash, p.version, p.published_at, links=p.links, commit=False
            )
            if p.key and self.store.add_alias(p.key, p.url):
                self.stats.inc_value("newsmon/state/aliases")
            self.store.commit()
        except Exception as exc:
            self._mark_failed(p, exc)
            return False
        self.stats.inc_value("newsmon/state/emitted")
        return True

    def _mark_failed(self, p: Pending, exc: Exception) -> None:
        """Written but not marked: close the run. Records marked per fsync keep the per-run file
        `.partial` (the next start marks them); records of `-O`/`-o` files, and of feeds marked only once
        stored (remote, batched, post-processed: their files are final by then), are emitted again by the
        next run."""
        self.stats.inc_value("newsmon/state/mark_failed")
        for storage in self.storages:
            storage.keep_partial = True
        if self.stats.get_value("newsmon/state/mark_failed") == 1:
            logger.error(
                "Marking %s emitted failed (%s): closing the run; its output stays .partial for the next "
                "start to reconcile",
                p.url,
                exc,
            )
        engine = self.crawler.engine
        if engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason="newsmon_state_error"))

    def item_dropped(self, item: Any, response: Response | None, exception: BaseException) -> None:
        """A dropped record whose URL or body is known: remember its request URL, count the fetch."""
        store = self.store
        adapter = ItemAdapter(item)
        url, digest = adapter.get("canonical_url"), adapter.get("content_hash")
        if store is None or not isinstance(url, str) or not isinstance(digest, str):
            return
        target = url if store.get(url) is not None else store.url_for_hash(digest)
        if target is None:
            return
        store.touch(target, fetched=True)
        key = response.meta.get(META_KEY) if response is not None else None
        for alias in {key, url} - {None, target}:
            if alias and store.add_alias(alias, target):
                self.stats.inc_value("newsmon/state/aliases")
        store.commit()
