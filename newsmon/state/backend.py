"""The crawl's state backend, built once per crawler and handed to the components that need it.

One place chooses SQLite and a JSON file (one process, the default) or Redis (NEWSMON_BACKEND=redis, shared
by the processes of a distributed run), holds a lease on the run lock (one process mode; taken explicitly
by the state extension as the crawl is built, released when it ends; the crawl command's early lease on the
same lock is its own), opens the store for the state extension and the host tier memory for
the tier middleware. Nothing here imports the fetch or crawl packages.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import BaseSettings

from newsmon.context import CrawlContext
from newsmon.distributed.config import DistributedConfig
from newsmon.resources import ProcessResources, resources_of
from newsmon.state.config import StateConfig
from newsmon.state.host_memory import HostMemory, HostTierMemory
from newsmon.state.lock import RunLease, RunLock
from newsmon.state.protocol import Store


def distributed_config(settings: BaseSettings) -> DistributedConfig | None:
    """The distributed settings when NEWSMON_BACKEND is redis, else None."""
    config = DistributedConfig.from_settings(settings)
    return config if config.enabled else None


def run_name(crawler: Crawler) -> str:
    """The name a crawl's state is kept under (newsmon.context.CrawlContext.run_name)."""
    return CrawlContext.of(crawler).run_name


def take_run_lock(config: StateConfig, name: str, resources: ProcessResources) -> RunLease:
    """A lease on the one-process run lock (RunLocked when another process holds it): each holder in this
    process (the crawl command, a sweep, the crawl's state) releases its own; the lock goes with the last.
    ``resources``: the ones the command handed down (newsmon/resources.py)."""
    return RunLock.lease(config.lock_path(name), resources)


class StateBackend:
    def __init__(self, crawler: Crawler, config: StateConfig, name: str) -> None:
        self.crawler = crawler
        self.config = config
        self.name = name
        self.distributed = distributed_config(crawler.settings)
        self.lock: RunLease | None = None  # take_lock(), by the state extension as the crawl is built
        self.store: Store | None = None  # opened by the state extension when the spider opens
        self.run_id = 0  # this run's record in the store (the state extension starts it)
        # request URLs this run first recorded as aliases: records resolve related links only through what
        # earlier runs knew, so a record does not depend on which page of this run was marked first
        self.run_aliases: set[str] = set()
        self._host_memory: HostMemory | None = None

    def take_lock(self) -> None:
        """This crawl's lease on the run lock (one process mode with state on), before anything is touched:
        RunLocked when another process runs the same site."""
        if self.config.enabled and self.distributed is None and self.lock is None:
            self.lock = take_run_lock(self.config, self.name, resources_of(self.crawler.settings))

    def release_lock(self) -> None:
        """At the end of the crawl: this crawl's lease (the crawl command's, if any, holds on)."""
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def open_store(self, sqlite: Callable[[], Store]) -> Store:
        """The Redis state store in distributed mode, else what sqlite() opens; kept as ``store``."""
        if self.distributed is None:
            self.store = sqlite()
        else:
            from newsmon.distributed.connection import connect, run_failer
            from newsmon.state.redis_store import RedisStateStore

            self.store = RedisStateStore(
                connect(self.distributed),
                self.distributed,
                self.name,
                run_failer(self.crawler, self.distributed),
            )
        return self.store

    def host_memory(self, state_dir: Path | None, remember_after: int, ttl: timedelta) -> HostMemory:
        """Host tier memory: in Redis in distributed mode, else `<state dir>/<name>.hosts.json`."""
        if self._host_memory is not None:
            return self._host_memory
        if self.distributed is None:
            path = state_dir / f"{self.name}.hosts.json" if state_dir else None
            memory: HostMemory = HostTierMemory(path, remember_after, ttl)
            memory.load()
        else:
            from newsmon.distributed.connection import connect, run_failer
            from newsmon.distributed.host_memory import RedisHostTierMemory

            failer = run_failer(self.crawler, self.distributed)
            memory = RedisHostTierMemory(
                connect(self.distributed), self.distributed, self.name, remember_after, ttl, failer
            )
        self._host_memory = memory
        return memory


def enabled_state(crawler: Crawler) -> StateBackend:
    """state_backend() for components that only make sense with state on: NotConfigured (quiet) when off."""
    backend = state_backend(crawler)
    if not backend.config.enabled:
        raise NotConfigured
    return backend


def state_backend(crawler: Crawler) -> StateBackend:
    """The crawler's state backend, built on first use (the run lock is taken by the state extension)."""
    slot = CrawlContext.of(crawler).state
    if slot.is_set:
        return slot.get()
    return slot.set(StateBackend(crawler, StateConfig.from_settings(crawler.settings), run_name(crawler)))
