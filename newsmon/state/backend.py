"""The one place that chooses the storage backend: SQLite and a JSON file (one process, the default) or
Redis (NEWSMON_BACKEND=redis, shared by the processes of a distributed run)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from newsmon.distributed.config import DistributedConfig
from newsmon.fetch.host_memory import HostMemory, HostTierMemory
from newsmon.state.protocol import Store

if TYPE_CHECKING:
    from newsmon.fetch.policy import TierPolicy


def distributed_config(settings: BaseSettings) -> DistributedConfig | None:
    """The distributed settings when NEWSMON_BACKEND is redis, else None."""
    config = DistributedConfig.from_settings(settings)
    return config if config.enabled else None


def open_store(crawler: Crawler, spider: str, sqlite: Callable[[], Store]) -> Store:
    """The Redis state store in distributed mode, else what sqlite() opens."""
    config = distributed_config(crawler.settings)
    if config is None:
        return sqlite()
    from newsmon.distributed.connection import connect, run_failer
    from newsmon.state.redis_store import RedisStateStore

    return RedisStateStore(connect(config), config, spider, run_failer(crawler, config))


def open_host_memory(crawler: Crawler, spider: str, policy: TierPolicy) -> HostMemory:
    """Host tier memory: in Redis in distributed mode, else `<state dir>/<spider>.hosts.json`."""
    config = distributed_config(crawler.settings)
    if config is None:
        path = policy.state_dir / f"{spider}.hosts.json" if policy.state_dir else None
        memory = HostTierMemory(path, policy.remember_after, policy.memory_ttl)
        memory.load()
        return memory
    from newsmon.distributed.connection import connect, run_failer
    from newsmon.distributed.host_memory import RedisHostTierMemory

    failer = run_failer(crawler, config)
    return RedisHostTierMemory(
        connect(config), config, spider, policy.remember_after, policy.memory_ttl, failer
    )
