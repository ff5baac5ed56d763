"""The state extension: run lock, store lifecycle, crash recovery, and marking records emitted once durable.

The output commit protocol (README "What is guaranteed"): a record is marked emitted only when every
configured feed has durably stored it. FeedExporter writes a record in its item_scraped handler; this
extension's handler is connected after it (EXTENSIONS order). For feeds durable per record (local files,
newsmon/state/outputs.py) it checks that each feed has an open file, flushes and fsyncs it, checks that it
grew and that it is still the file linked at its path (a removed directory leaves an unlinked file that
fsync happily "saves": its content is then written back to the path, newsmon/state/storage.py, and the run
fails), and only then marks the record. Any other feed (remote storages, postprocessing, batches, item
filters) marks its records only once every feed was stored without error; a feed that failed leaves them
unmarked, so the next run emits them again. With no feed at all nothing is marked.

Sinks (NEWSMON_SINKS: PostgreSQL, Redis Streams, a webhook; newsmon/sinks/) are outputs too: a record that
is durable in the files is handed to the sinks' writer, and marked only when the writer reports its batch
committed by every sink (with feeds marked at the end, only if the sinks also committed everything). A sink
failure keeps the per-run file `.partial`; the next start hands the records of a crashed or failed run's
`.partial` file to the sinks (idempotent upserts) before it marks them.

A kill -9 at any point therefore leaves either a record that is on disk (in a `.partial` file that the next
start recovers and reconciles), or one that is not on disk and not marked (it is fetched again). A record
written but not marked (the store failed: Redis down mid-run) leaves the per-run file as `.partial`, so the
next start marks what it holds instead of emitting it again. A store that is missing (deleted) or corrupt
while outputs exist is rebuilt from those outputs, so it never re-emits what they already hold.

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
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro

from newsmon.meta import META_KEY
from newsmon.record import body_lines
from newsmon.sinks.extension import SinkWriter, sink_writer
from newsmon.state.backend import StateBackend, state_backend
from newsmon.state.config import StateConfig
from newsmon.state.outputs import OUTPUT_ERROR, OUTPUT_UNUSABLE, OutputsSettled, SettleOrder, feed_targets
from newsmon.state.protocol import Store
from newsmon.state.recovery import (
    output_files,
    output_glob,
    published_ts,
    rebuild_from_outputs,
    record_links,
    recover_partials,
)
from newsmon.state.storage import DurableFileFeedStorage, feed_file_opened, same_file, write_error
from newsmon.state.store import StateStore, StoreCorrupt
from newsmon.stats import (
    OUTPUT_FAILED,
    OUTPUT_RESTORED,
    PREFIX,
    STATE_ALIASES,
    STATE_BAD_LINES,
    STATE_CORRUPT_RECOVERED,
    STATE_EMITTED,
    STATE_MARK_FAILED,
    STATE_MISSING_RECOVERED,
    STATE_NOT_MARKED,
    STATE_REBUILT_RECORDS,
    STATE_RECOVERED_FILES,
    STATE_RECOVERED_RECORDS,
    STATE_STORE_REMOVED,
    STATE_TORN_LINES,
)

logger = logging.getLogger(__name__)


class Pending(NamedTuple):
    key: str | None
    url: str
    content_hash: str
    version: int
    published_at: float | None
    links: list[tuple[str, str]]
    units: bytes | None = None  # the body's lines and their page blocks (record.BodyLines)


class OpenFeedFile:
    """A feed file open for writing, and its size when the last record was marked."""

    __slots__ = ("file", "size", "storage")

    def __init__(self, storage: DurableFileFeedStorage, file: IO[bytes]) -> None:
        self.storage = storage
        self.file = file
        self.size = file.tell()


class StateExtension:
    def __init__(self, crawler: Crawler, backend: StateBackend) -> None:
        assert crawler.stats is not None
        self.crawler = crawler
        self.stats = crawler.stats
        self.backend = backend  # the run lock is the backend's (taken once, newsmon/state/backend.py)
        self.config: StateConfig = backend.config
        self.spider_name = backend.name  # the site's name: its store, lock and history
        assert crawler.spidercls is not None
        # the per-run files, or None
        self.output_pattern = output_glob(self.config.output_uri, crawler.spidercls.name, backend.name)
        self.store: Store | None = None
        self.run_id = 0
        self.targets = feed_targets(crawler.settings)
        self.sinks: list[OpenFeedFile] = []  # the per-record feeds' open files
        self.writer: SinkWriter | None = sink_writer(crawler)  # the sinks (not feed files), or None
        # True: mark records after each fsync (and sink commit); False: only once every feed is stored
        self.direct = (bool(self.targets) or self.writer is not None) and all(
            t.per_record for t in self.targets
        )
        self.pending: list[Pending] = []
        self.output_failed = False  # a feed lost a record: nothing more is marked in this run
        self._closing_reason: str | None = None
        self.settled: OutputsSettled | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StateExtension:
        config = StateConfig.from_settings(crawler.settings)
        if not config.enabled:
            raise NotConfigured  # off on purpose: no message, so Scrapy does not log it as a warning
        ext = cls(crawler, state_backend(crawler))
        ext.backend.take_lock()  # RunLocked: another run is on; nothing touched yet
        connect = crawler.signals.connect
        connect(ext.spider_opened, signal=signals.spider_opened)
        connect(ext.item_scraped, signal=signals.item_scraped)
        connect(ext.item_dropped, signal=signals.item_dropped)
        connect(ext.feed_file_opened, signal=feed_file_opened)
        ext.settled = OutputsSettled(crawler, ext.outputs_settled, SettleOrder.RECORD)  # after the verdicts
        if ext.writer is not None:
            ext.writer.driven_by_state = True
            ext.writer.on_commit = ext.sinks_committed
        return ext

    # --- lifecycle -----------------------------------------------------------------------------
    def spider_opened(self, spider: Spider) -> None:
        try:
            self.store = self.backend.open_store(self._open_sqlite)
            self._check_redis(self.store)  # the SQLite store was checked as it opened
            pattern = self.output_pattern
            deliver = self._deliver_recovered if self.writer is not None else None
            recovered = recover_partials(self.store, pattern, deliver) if pattern else None
            self.run_id = self.backend.run_id = self.store.start_run()
        except Exception as exc:  # never crawl as if nothing had been emitted, nor without a run record
            logger.error("The state store cannot be opened or reconciled (%s): not crawling", exc)
            raise CloseSpider("newsmon_state_error") from None
        if recovered is not None and recovered.files:
            self.stats.inc_value(STATE_RECOVERED_FILES, recovered.files)
            self.stats.inc_value(STATE_RECOVERED_RECORDS, recovered.records)
            self.stats.inc_value(STATE_TORN_LINES, recovered.torn_lines)
            self.stats.inc_value(STATE_BAD_LINES, recovered.bad_lines)
        logger.info(
            "State store %s: %d articles emitted before; records marked %s",
            self.store.location,
            self.store.count(),
            "after each fsync" if self.direct else "when the feeds are stored",
        )
        if not self.targets and self.writer is None:
            logger.warning("No feed is configured (FEEDS, NEWSMON_OUTPUT_URI): no record is marked emitted")
        chosen = [t.label for t in self.targets if not t.atomic]
        if chosen and not self.config.snapshot:
            logger.info(
                "%s will hold only new and changed articles (earlier runs emitted the rest); "
                "-s NEWSMON_SNAPSHOT=True writes every article the run reaches",
                ", ".join(chosen),
            )

    def _open_sqlite(self) -> StateStore:
        path = self.config.store_path(self.spider_name)
        pattern = self.output_pattern
        if not path.exists() and pattern and output_files(pattern):
            for leftover in (Path(f"{path}-wal"), Path(f"{path}-shm")):  # the deleted store's journal
                leftover.unlink(missing_ok=True)
            self.stats.inc_value(STATE_MISSING_RECOVERED)
            logger.warning("State store %s is missing but outputs exist: rebuilding it from them", path)
            return self._rebuild(path)
        try:
            return StateStore.open(path, check=self.config.check_on_open)
        except StoreCorrupt as exc:
            aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}")
            for suffix in ("", "-wal", "-shm"):
                src = Path(f"{path}{suffix}")
                if src.exists():
                    src.replace(f"{aside}{suffix}")
            self.stats.inc_value(STATE_CORRUPT_RECOVERED)
            logger.warning("State store %s is corrupt (%s): moved to %s, rebuilding", path, exc, aside)
        return self._rebuild(path)

    def _check_redis(self, store: Store) -> None:
        """The Redis store as the SQLite one: keys of the wrong type (a damaged copy, another program's
        keys) are moved aside and the store is rebuilt from the outputs."""
        if isinstance(store, StateStore) or not self.config.check_on_open:
            return  # SQLite (checked as it opened): redis, the `redis` extra, is never imported for it
        from newsmon.state.redis_store import RedisStateStore

        if not isinstance(store, RedisStateStore):
            return
        wrong = store.wrong_types()
        if not wrong:
            return
        store.set_aside([key for key, _ in wrong])
        self.stats.inc_value(STATE_CORRUPT_RECOVERED)
        shown = ", ".join(f"{key} is a {kind}" for key, kind in wrong[:3])
        logger.warning(
            "State store %s is corrupt (%d keys of the wrong type: %s): moved under %scorrupt:, rebuilding",
            store.location,
            len(wrong),
            shown,
            store.base,
        )
        pattern = self.output_pattern
        rebuilt = rebuild_from_outputs(store, pattern) if pattern else 0
        self.stats.set_value(STATE_REBUILT_RECORDS, rebuilt)
        logger.warning("State store rebuilt from %d records in the outputs %s", rebuilt, pattern)

    def _rebuild(self, path: Path) -> StateStore:
        store = StateStore.open(path)
        pattern = self.output_pattern
        rebuilt = rebuild_from_outputs(store, pattern) if pattern else 0
        self.stats.set_value(STATE_REBUILT_RECORDS, rebuilt)
        logger.warning("State store rebuilt from %d records in the outputs %s", rebuilt, pattern)
        return store

    def _deliver_recovered(self, records: list[dict[str, Any]]) -> None:
        """A crashed run's records go to the sinks before they are marked (SinkError: not marked)."""
        assert self.writer is not None
        self.writer.deliver_now(records)

    def feed_file_opened(self, storage: DurableFileFeedStorage, file: IO[bytes]) -> None:
        self.sinks.append(OpenFeedFile(storage, file))

    def outputs_settled(self, reason: str) -> None:
        """The spider closed and every feed was stored or failed: mark what waited, record the run."""
        self._closing_reason = reason
        if not self.direct and self.pending:
            stats = self.stats.get_stats()
            failed = {k: v for k, v in stats.items() if k.startswith("feedexport/failed_count")}
            if self.writer is not None and (self.writer.failed or self.writer.buffer):
                failed["sinks"] = self.writer.failed or "not delivered"
            if failed or self.output_failed or reason == OUTPUT_UNUSABLE:
                logger.error(
                    "A feed failed to store (%s): %d records are not marked emitted, they are fetched again",
                    failed or reason,
                    len(self.pending),
                )
                self.stats.inc_value(STATE_NOT_MARKED, len(self.pending))
                self.pending.clear()
        self._finish()

    def _finish(self) -> None:
        store = self.store
        if store is None:  # never opened (newsmon_state_error): nothing to record, the lock still goes
            self.backend.release_lock()
            return
        if not self.targets and self.writer is None and self.pending:  # written nowhere: emitted again
            self.stats.inc_value(STATE_NOT_MARKED, len(self.pending))
            self.pending.clear()
        for done, p in enumerate(self.pending):
            if not self._mark(p):  # the store failed: the rest would only wait on it too
                self.stats.inc_value(STATE_NOT_MARKED, len(self.pending) - done - 1)
                break
        self.pending.clear()
        keep = (
            "item_scraped_count",
            "downloader/request_count",
            "elapsed_time_seconds",
            "log_count/ERROR",
            PREFIX,  # every newsmon stat
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
        if isinstance(store, StateStore) and not store.path.exists():
            self.stats.inc_value(STATE_STORE_REMOVED)
            logger.error(
                "State store %s was removed during the run: the next start rebuilds it from the outputs",
                store.path,
            )
        self.backend.release_lock()

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
            lines.units if (lines := body_lines(item)) is not None else None,
        )
        if not self.direct:
            self.pending.append(record)
            if self.writer is not None:  # marked at the end, if the sinks committed everything
                self.writer.add(adapter.asdict())
            return
        if self.output_failed:
            self.stats.inc_value(STATE_NOT_MARKED)
            return
        try:
            if self._commit_to_files(record):
                if self.writer is not None:
                    self.writer.add(adapter.asdict(), record)  # marked when committed: sinks_committed
                else:
                    self._mark(record)
        except OSError as exc:
            self._output_error(record, f"writing the output failed ({exc})")

    def sinks_committed(self, tokens: list[Any], ok: bool) -> None:
        """The sinks' writer delivered a batch: mark its records when every sink committed it."""
        records = [t for t in tokens if isinstance(t, Pending)]
        if not records:
            return
        if not ok or self.store is None:
            self.stats.inc_value(STATE_NOT_MARKED, len(records))
            for sink in self.sinks:  # the per-run file's unmarked records go to the sinks at the next start
                sink.storage.keep_partial = True
            return
        for done, p in enumerate(records):
            if not self._mark(p):
                self.stats.inc_value(STATE_NOT_MARKED, len(records) - done - 1)
                return

    def _commit_to_files(self, record: Pending) -> bool:
        """Flush, fsync and check every per-record feed file; False (run failing) when one lacks it."""
        open_files = [sink for sink in self.sinks if not sink.file.closed]
        if len(open_files) < len(self.targets):
            self._output_error(record, "a feed file could not be opened")
            return False
        restored: list[str] = []
        for sink in open_files:
            failed = write_error(sink.file)
            if failed is not None:  # the exporter's write raised: the record may be torn
                self._output_error(record, f"writing {sink.storage.current_path} failed ({failed})")
                return False
            sink.file.flush()
            os.fsync(sink.file.fileno())
            size = sink.file.tell()
            if size <= sink.size:
                self._output_error(record, f"it was not written to {sink.storage.current_path}")
                return False
            if not same_file(sink.file.fileno(), sink.storage.current_path):
                gone = sink.storage.current_path
                restored.append(f"{gone} -> {sink.storage.restore(sink.file)}")
            sink.size = size
        if restored:  # the marked records are on disk again, but someone removed the output: stop
            self.stats.inc_value(OUTPUT_RESTORED, len(restored))
            self._output_error(
                record,
                "the output was removed during the run; what it held was written back "
                f"({', '.join(restored)})",
                marked=True,
            )
        return True

    def _output_error(self, record: Pending, why: str, *, marked: bool = False) -> None:
        """A feed lost or may lose records: close the run (non-zero exit), mark nothing more."""
        first = not self.output_failed
        self.output_failed = True
        self.stats.inc_value(OUTPUT_FAILED)
        if not marked:
            self.stats.inc_value(STATE_NOT_MARKED)
        for sink in self.sinks:  # the per-run file keeps its unmarked records for the next start's recovery
            sink.storage.keep_partial = True
        if first:
            logger.error(
                "Output error: %s; closing the run, %s%s",
                why,
                record.url,
                " is marked (it is on disk)" if marked else " and later records are not marked emitted",
            )
            engine = self.crawler.engine
            if engine is not None and engine.spider is not None:
                deferred_from_coro(engine.close_spider_async(reason=OUTPUT_ERROR))

    def _mark(self, p: Pending) -> bool:
        """Mark one durable record emitted; False when the store failed (the run is being closed)."""
        assert self.store is not None
        try:
            self.store.mark_emitted(
                p.url, p.content_hash, p.version, p.published_at, links=p.links, units=p.units, commit=False
            )
            if p.key and self.store.add_alias(p.key, p.url):
                self.stats.inc_value(STATE_ALIASES)
                self.backend.run_aliases.add(p.key)
            self.store.commit()
        except Exception as exc:
            self._mark_failed(p, exc)
            return False
        self.stats.inc_value(STATE_EMITTED)
        return True

    def _mark_failed(self, p: Pending, exc: Exception) -> None:
        """Written but not marked: close the run. Records marked per fsync keep the per-run file
        `.partial` (the next start marks them); records of `-O`/`-o` files, and of feeds marked only once
        stored (remote, batched, post-processed: their files are final by then), are emitted again by the
        next run."""
        self.stats.inc_value(STATE_MARK_FAILED)
        for sink in self.sinks:
            sink.storage.keep_partial = True
        if self.stats.get_value(STATE_MARK_FAILED) == 1:
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
                self.stats.inc_value(STATE_ALIASES)
        store.commit()
