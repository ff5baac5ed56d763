"""Delivering records to the sinks in batches, and telling the state extension what was committed.

One SinkWriter per crawl (in the CrawlContext): opened by the output check before the first request, fed by
the state extension (which marks a record only when the writer reports its batch committed by every sink)
or, with the state store off, by SinkExtension itself. A batch is delivered when full, when the oldest
record in it waited ``NEWSMON_SINK_MAX_DELAY`` seconds, and when the spider closes (SinkExtension, once),
before the feed files are stored and the run is judged and recorded (newsmon/order.py keeps SinkExtension's
spider_closed handler before FeedExporter's and the settlement's). A failing sink closes the run
(``newsmon_output_error``, the monitors fail it) and from then on nothing more is reported committed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

from newsmon.context import CrawlContext
from newsmon.sinks import Sink, SinkConfig, SinkError, build_sink
from newsmon.stats import SINK_BATCHES, SINK_FAILED, SINK_RECORDS

logger = logging.getLogger(__name__)

#: What the writer reports: the tokens of a delivered batch and whether every sink committed it.
OnCommit = Callable[[list[Any], bool], None]

OUTPUT_ERROR = "newsmon_output_error"  # the close reason (newsmon/state/outputs.py holds the same)


class SinkWriter:
    def __init__(self, crawler: Crawler | None, config: SinkConfig, sinks: list[Sink]) -> None:
        self.crawler = crawler
        self.config = config
        self.sinks = sinks
        self.buffer: list[tuple[dict[str, Any], Any]] = []
        self.oldest = 0.0  # monotonic time the oldest buffered record came
        self.on_commit: OnCommit | None = None
        self.driven_by_state = False  # the state extension feeds the writer (it marks what is committed)
        self.failed: str | None = None  # why a sink failed: nothing more is delivered in this run
        self.opened = False

    @property
    def labels(self) -> list[str]:
        return [sink.label for sink in self.sinks]

    def open(self) -> None:
        """Open and check every sink (SinkUnusable names the first that cannot be used)."""
        if not self.opened:
            for sink in self.sinks:
                sink.open()
            self.opened = True

    def add(self, record: dict[str, Any], token: Any = None) -> None:
        if self.failed is not None:
            self._report([token], ok=False)
            return
        if not self.buffer:
            self.oldest = time.monotonic()
        self.buffer.append((record, token))
        if len(self.buffer) >= self.config.batch_size:
            self.flush()

    def due(self) -> bool:
        return bool(self.buffer) and time.monotonic() - self.oldest >= self.config.max_delay

    def flush(self) -> bool:
        """Deliver the buffered batch to every sink; True when all committed it (or nothing waited)."""
        if not self.buffer:
            return self.failed is None
        batch, self.buffer = self.buffer, []
        tokens = [token for _, token in batch]
        if self.failed is not None:
            self._report(tokens, ok=False)
            return False
        records = [record for record, _ in batch]
        try:
            self.open()
            for sink in self.sinks:
                sink.write(records)
        except Exception as exc:  # a sink's own bug too: the batch was taken out of the buffer, never lose it
            self._fail(str(exc) if isinstance(exc, SinkError) else f"sink error: {exc!r}", len(records))
            self._report(tokens, ok=False)
            return False
        self._inc(SINK_BATCHES)
        self._inc(SINK_RECORDS, len(records))
        self._report(tokens, ok=True)
        return True

    def deliver_now(self, records: list[dict[str, Any]]) -> None:
        """Deliver records outside the batches (a crashed run's recovered output); SinkError on failure."""
        self.open()
        size = self.config.batch_size
        for start in range(0, len(records), size):
            for sink in self.sinks:
                sink.write(records[start : start + size])
        self._inc(SINK_RECORDS, len(records))

    def finish(self) -> None:
        """The spider closed: deliver what waits, then close every sink."""
        try:
            self.flush()
        finally:
            for sink in self.sinks:
                sink.close()

    def _report(self, tokens: list[Any], *, ok: bool) -> None:
        if self.on_commit is not None:
            self.on_commit(tokens, ok)

    def _inc(self, stat: str, count: int = 1) -> None:
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value(stat, count)

    def _fail(self, why: str, records: int) -> None:
        self.failed = why
        self._inc(SINK_FAILED)
        logger.error(
            "Output error: %s; closing the run, the batch's %d records and later ones are not marked emitted",
            why,
            records,
        )
        crawler = self.crawler
        engine = crawler.engine if crawler is not None else None
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason=OUTPUT_ERROR))


def sink_writer(crawler: Crawler) -> SinkWriter | None:
    """The crawl's writer (built once from NEWSMON_SINKS), or None when no sink is configured."""
    slot = CrawlContext.of(crawler).sinks
    if not slot.is_set:
        config = SinkConfig.from_settings(crawler.settings)
        sinks = [build_sink(uri, config) for uri in config.uris]
        slot.set(SinkWriter(crawler, config, sinks) if sinks else None)
    return slot.get()


class SinkExtension:
    """Delivers batches on time, and the records themselves when the state store is off."""

    def __init__(self, crawler: Crawler, writer: SinkWriter) -> None:
        self.writer = writer
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SinkExtension:
        writer = sink_writer(crawler)
        if writer is None:
            raise NotConfigured
        ext = cls(crawler, writer)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self) -> None:
        self.loop = task.LoopingCall(self._tick)
        self.loop.start(min(1.0, self.writer.config.max_delay), now=False)

    def _tick(self) -> None:
        if self.writer.due():
            self.writer.flush()

    def item_scraped(self, item: Any) -> None:
        if not self.writer.driven_by_state:
            self.writer.add(ItemAdapter(item).asdict())

    def spider_closed(self) -> None:
        """The last batch, delivered before FeedExporter stores the files (its handler runs after this
        one): a failure keeps the per-run file .partial, so the next start hands its records over again."""
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.writer.finish()
