"""The run's shared request queue: scrapy-redis's scheduler on per-run keys, failing loudly.

Keys `<prefix>:<spider>:run:<NEWSMON_RUN_ID>:requests` (a priority queue: related links nearer a hub go
first, as in one process) and `...:dupefilter` (newsmon/distributed/dupefilter.py). A new run id is a new
queue and dupefilter, so every run fetches its hubs again; the keys are kept when one process closes
(SCHEDULER_PERSIST: the others still use them) and deleted by the last one (coordinator.py). The scheduler
never blocks on Redis (SCHEDULER_IDLE_BEFORE_CLOSE is not used): an empty queue makes the process idle,
and the coordinator decides whether it waits for the other processes or ends.

A Redis error closes the run (connection.guard); a request that cannot be serialized (a live browser tab
in its meta) is kept in this process's own queue instead (`newsmon/distributed/local_requests`).
"""

from __future__ import annotations

import logging
import pickle
from collections import deque
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from scrapy_redis import defaults
from scrapy_redis.scheduler import Scheduler

from newsmon.context import CrawlContext
from newsmon.distributed.config import DistributedConfig
from newsmon.distributed.connection import RedisFailure, connect, guard, run_failer
from newsmon.distributed.dupefilter import PathDupeFilter
from newsmon.stats import DISTRIBUTED_FILTERED, DISTRIBUTED_LOCAL_REQUESTS

logger = logging.getLogger(__name__)

PROCESS_LOCAL_META = ("playwright_page",)  # live objects of this process, re-made after scheduling


class RedisScheduler(Scheduler):
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisScheduler:
        config = DistributedConfig.from_settings(crawler.settings)
        assert crawler.spidercls is not None
        spider = crawler.spidercls.name
        on_error = run_failer(crawler, config)
        server = connect(config)  # RedisUnavailable: the crawl command checked it before; clear anyway
        dupefilter = PathDupeFilter(
            server,
            config.run_key(spider, "dupefilter"),
            crawler.settings.getbool("DUPEFILTER_DEBUG"),
            on_error,
            CrawlContext.of(crawler).article_hops,
        )
        scheduler = cls(
            server=server,
            persist=True,
            queue_key=config.run_key(spider, "requests"),
            queue_cls=crawler.settings.get("SCHEDULER_QUEUE_CLASS") or defaults.SCHEDULER_QUEUE_CLASS,
            dupefilter=dupefilter,
            idle_before_close=0,
        )
        assert crawler.stats is not None
        scheduler.stats = crawler.stats
        scheduler.on_error = on_error
        scheduler.local = deque()
        return scheduler

    stats: StatsCollector
    local: deque[Request]

    def open(self, spider: Spider) -> None:
        with guard(self.on_error):
            super().open(spider)

    def close(self, reason: str) -> None:
        """The queue and dupefilter are the run's, not this process's: left for the others."""

    def __len__(self) -> int:
        with guard(self.on_error):
            return len(self.local) + len(self.queue)

    def enqueue_request(self, request: Request) -> bool:
        for key in PROCESS_LOCAL_META:
            request.meta.pop(key, None)
        try:
            if not request.dont_filter and self.df.request_seen(request):
                self.df.log(request, self.spider)
                self.stats.inc_value(DISTRIBUTED_FILTERED)
                return False
            try:
                with guard(self.on_error):
                    self.queue.push(request)
            except (pickle.PicklingError, TypeError, AttributeError, ValueError) as exc:
                logger.warning("Request %s cannot be shared (%s): this process fetches it", request, exc)
                self.stats.inc_value(DISTRIBUTED_LOCAL_REQUESTS)
                self.local.append(request)
        except RedisFailure:
            return False  # the run is closing
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        if self.local:
            return self.local.popleft()
        try:
            with guard(self.on_error):
                request: Request | None = self.queue.pop(0)
        except RedisFailure:
            return None
        if request is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        try:
            return len(self) > 0
        except RedisFailure:
            return False

    def flush(self) -> Any:
        with guard(self.on_error):
            return super().flush()
