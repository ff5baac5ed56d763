"""Which hosts needed the browser, in Redis: HostTierMemory's data, shared by every process of every run.

`<prefix>:<spider>:hosts` maps a remembered host to {"stealthy_until", "reason"} (JSON); escalations
below the threshold are counted per run, in the run's `escalations` hash, by all its processes together.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime, timedelta

import redis

from newsmon.distributed.config import DistributedConfig
from newsmon.distributed.connection import ErrorHandler, guarded

logger = logging.getLogger(__name__)

CACHE_S = 10.0  # seconds a host's remembered tier is trusted before Redis is asked again


class RedisHostTierMemory:
    """Same behaviour as newsmon.state.host_memory.HostTierMemory; nothing to load or save."""

    def __init__(
        self,
        conn: redis.Redis,
        config: DistributedConfig,
        spider: str,
        remember_after: int,
        ttl: timedelta,
        on_error: ErrorHandler | None = None,
    ) -> None:
        self.conn = conn
        self.remember_after = remember_after
        self.ttl = ttl
        self.on_error = on_error
        self.hosts_key = config.spider_key(spider, "hosts")
        self.counts_key = config.run_key(spider, "escalations")
        self.run_ttl_s = int(config.run_ttl_s)
        # host -> when Redis last said it is not remembered: most hosts never are and every page request
        # asks, so a "no" is trusted for CACHE_S seconds (a host another process remembered meanwhile goes
        # STEALTHY here that much later); a "yes" is always read again, as it may expire
        self._not_remembered: dict[str, float] = {}

    def load(self) -> None:
        """Shared and always current: nothing to load."""

    def save(self) -> None:
        """Every change is written at once."""

    @guarded
    def stealthy_reason(self, host: str, now: datetime | None = None) -> str | None:
        checked = self._not_remembered.get(host)
        if checked is not None and time.monotonic() - checked < CACHE_S:
            return None
        until = self._read(host)
        if until is None:
            self._not_remembered[host] = time.monotonic()
            return None
        if (now or datetime.now(UTC)) >= until:
            logger.info("Host %s: STEALTHY memory expired, trying PLAIN again", host)
            self.conn.hdel(self.hosts_key, host)
            return None
        return "host_memory"

    def _read(self, host: str) -> datetime | None:
        raw = self.conn.hget(self.hosts_key, host)
        if raw is None:
            return None
        try:
            return datetime.fromisoformat(json.loads(raw)["stealthy_until"])
        except (ValueError, TypeError, KeyError):
            return datetime.min.replace(tzinfo=UTC)  # unreadable: treated as expired (and removed)

    @guarded
    def record_escalation(self, host: str, reason: str, now: datetime | None = None) -> bool:
        """Count one escalation (all processes of the run together); True when the host has just become
        remembered (by this process: the first to pass the threshold)."""
        if self.remember_after <= 0:
            return False
        pipe = self.conn.pipeline()
        pipe.hincrby(self.counts_key, host, 1)
        pipe.expire(self.counts_key, self.run_ttl_s)
        count = int(pipe.execute()[0])
        if count < self.remember_after:
            return False
        until = (now or datetime.now(UTC)) + self.ttl
        entry = json.dumps({"stealthy_until": until.isoformat(), "reason": reason})
        self._not_remembered.pop(host, None)
        return bool(self.conn.hsetnx(self.hosts_key, host, entry))
