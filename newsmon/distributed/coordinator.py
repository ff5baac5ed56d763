"""The processes of one distributed run: who is working, when the run ends, and its cleanup.

Every process registers in the run's `workers` hash (state `busy` or `idle` with Redis server time, so
node clocks do not matter) and refreshes it every NEWSMON_REDIS_HEARTBEAT seconds, together with its
liveness key, the run keys' expiry (NEWSMON_RUN_TTL: what crashed processes leave behind disappears) and
the spider's active-run marker. A process whose own work is done and whose shared queue is empty is idle;
it waits (DontCloseSpider; Scrapy asks again every 5 s) while another live process is busy, since that one
may still queue more requests (an idle process looks at the queue again at every heartbeat), and closes
when none is. A process silent for NEWSMON_WORKER_TIMEOUT is
gone (killed): nobody waits for it, and requests it held are fetched by a later run. The last process to
leave deletes the run's queue, dupefilter and workers, and the active-run marker.

One run at a time per spider: the crawl command takes the active-run marker (`join_run`) before Scrapy
starts; processes with the same NEWSMON_RUN_ID join, another run id exits with status 75 (as the file
lock of one-process mode, which distributed mode does not take).
"""

from __future__ import annotations

import contextlib
import logging

import redis
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from twisted.internet import task

from newsmon.compat import wake_engine
from newsmon.distributed.config import DistributedConfig
from newsmon.distributed.connection import (
    CLOSE_REASON,
    ErrorHandler,
    RedisFailure,
    connect,
    guarded,
    run_failer,
    worker_id,
)
from newsmon.stats import DISTRIBUTED_IDLE_WAITS, DISTRIBUTED_RUN_CLEANED

logger = logging.getLogger(__name__)

# KEYS: workers; ARGV: me, state
REPORT = """
local t = redis.call('TIME')
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ' ' .. t[1])
return 1
"""
# KEYS: workers; ARGV: me, timeout (s). The live workers other than me that are busy.
BUSY_OTHERS = """
local now = tonumber(redis.call('TIME')[1])
local busy = 0
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local state, ts = string.match(all[i + 1], '(%S+) (%S+)')
  if all[i] ~= ARGV[1] and state == 'busy' and now - tonumber(ts) < tonumber(ARGV[2]) then busy = busy + 1 end
end
return busy
"""
# KEYS: workers, active marker, run keys...; ARGV: me, timeout (s), run id. 1: I was the last, cleaned up.
LEAVE = """
redis.call('HDEL', KEYS[1], ARGV[1])
local now = tonumber(redis.call('TIME')[1])
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local state, ts = string.match(all[i + 1], '(%S+) (%S+)')
  if now - tonumber(ts) < tonumber(ARGV[2]) then return 0 end
end
for i = 3, #KEYS do redis.call('DEL', KEYS[i]) end
if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
return 1
"""
# KEYS: active marker; ARGV: run id, ttl ms. The run holding the marker (ours once taken or refreshed).
HOLD = """
local v = redis.call('GET', KEYS[1])
if v and v ~= ARGV[1] then return v end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ARGV[1]
"""


def join_run(conn: redis.Redis, config: DistributedConfig, spider: str) -> str | None:
    """Take or join the spider's active-run marker; the other run's id when a different run holds it."""
    ttl_ms = str(int(config.worker_timeout_s * 1000))
    holder = conn.eval(HOLD, 1, config.spider_key(spider, "active"), config.run_id, ttl_ms)
    holder = holder.decode() if isinstance(holder, bytes) else str(holder)
    return None if holder == config.run_id else holder


class RunCoordinator:
    def __init__(self, crawler: Crawler, config: DistributedConfig, conn: redis.Redis, spider: str) -> None:
        assert crawler.stats is not None
        self.crawler = crawler
        self.stats = crawler.stats
        self.config = config
        self.conn = conn
        self.spider = spider
        self.me = worker_id()
        self.on_error: ErrorHandler | None = run_failer(crawler, config)
        self.workers_key = config.run_key(spider, "workers")
        self.active_key = config.spider_key(spider, "active")
        self.alive_key = config.spider_key(spider, "worker:" + self.me)
        self.state = ""
        self.loop: task.LoopingCall | None = None
        self._report = conn.register_script(REPORT)
        self._busy_others = conn.register_script(BUSY_OTHERS)
        self._leave = conn.register_script(LEAVE)
        self._hold = conn.register_script(HOLD)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunCoordinator:
        config = DistributedConfig.from_settings(crawler.settings)
        if not config.enabled:
            raise NotConfigured  # one-process mode: quiet
        assert crawler.spidercls is not None
        coordinator = cls(crawler, config, connect(config), crawler.spidercls.name)
        connect_signal = crawler.signals.connect
        connect_signal(coordinator.spider_opened, signal=signals.spider_opened)
        connect_signal(coordinator.spider_idle, signal=signals.spider_idle)
        connect_signal(coordinator.spider_closed, signal=signals.spider_closed)
        connect_signal(coordinator.working, signal=signals.request_reached_downloader)
        return coordinator

    def spider_opened(self, spider: Spider) -> None:
        logger.info(
            "Distributed run %s on Redis %s as worker %s", self.config.run_id, self.config.masked_url, self.me
        )
        self._set_state("busy")
        self.heartbeat()
        self.loop = task.LoopingCall(self.heartbeat)
        self.loop.start(self.config.heartbeat_s, now=False)

    def heartbeat(self) -> None:
        try:
            self._beat()
        except RedisFailure:
            self._stop_loop()
            return
        if self.state == "idle":
            self._wake_engine()

    def _wake_engine(self) -> None:
        """Let an idle process look at the shared queue now, not at Scrapy's next 5 s engine heartbeat
        (requests other processes queued). Engine internals (newsmon.compat): without them, the 5 s hold."""
        wake_engine(self.crawler)

    @guarded
    def _beat(self) -> None:
        ttl_ms = int(self.config.worker_timeout_s * 1000)
        pipe = self.conn.pipeline(transaction=False)
        pipe.set(self.alive_key, self.config.run_id, px=ttl_ms)
        for key in self.config.run_keys(self.spider):
            pipe.expire(key, int(self.config.run_ttl_s))
        pipe.execute()
        self._report(keys=[self.workers_key], args=[self.me, self.state])
        holder = self._hold(keys=[self.active_key], args=[self.config.run_id, str(ttl_ms)])
        if holder.decode() != self.config.run_id:
            logger.warning("Run %s of %s started while this one is on", holder.decode(), self.spider)

    def working(self) -> None:
        if self.state != "busy":
            self._set_state("busy")

    def _set_state(self, state: str) -> None:
        self.state = state
        with contextlib.suppress(RedisFailure):  # the run is closing
            self._write_state()

    @guarded
    def _write_state(self) -> None:
        self._report(keys=[self.workers_key], args=[self.me, self.state])

    def spider_idle(self, spider: Spider) -> None:
        """Our queue is empty and our work done: wait while another live process may still add some."""
        if self.state != "idle":
            self._set_state("idle")
        try:
            busy = self._count_busy_others()
        except RedisFailure:
            return
        if busy:
            self.stats.inc_value(DISTRIBUTED_IDLE_WAITS)
            logger.debug("Queue empty; waiting for %d busy worker(s) of run %s", busy, self.config.run_id)
            raise DontCloseSpider

    @guarded
    def _count_busy_others(self) -> int:
        return int(
            self._busy_others(keys=[self.workers_key], args=[self.me, int(self.config.worker_timeout_s)])
        )

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self._stop_loop()
        if reason == CLOSE_REASON:
            return
        with contextlib.suppress(RedisFailure):
            self._depart()

    @guarded
    def _depart(self) -> None:
        self.conn.delete(self.alive_key)
        keys = [self.workers_key, self.active_key, *self.config.run_keys(self.spider)]
        args: list[str | int] = [self.me, int(self.config.worker_timeout_s), self.config.run_id]
        if self._leave(keys=keys, args=args):
            self.stats.set_value(DISTRIBUTED_RUN_CLEANED, 1)
            logger.info("Last worker of run %s: its queue and dupefilter are deleted", self.config.run_id)
        self.conn.close()

    def _stop_loop(self) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
