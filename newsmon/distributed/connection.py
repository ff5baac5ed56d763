"""The Redis client of distributed mode, the start check, and what a Redis error mid-run does.

Every distributed component makes its own client with `client(config)` (a connection pool each; the
scheduler's and the store's calls do not wait on one another). At start, `connect` pings: an unreachable
Redis is one clear message naming the URL without its password (`RedisUnavailable`). Mid-run, every Redis
call goes through `guard`: the first error logs one ERROR, counts `newsmon/distributed/redis_error` and
closes the run with reason `newsmon_redis_error` (the crawl command then exits with EXIT_UNAVAILABLE); the
caller gets `RedisFailure`, never an empty answer, so nothing is re-crawled or re-emitted as if new.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Concatenate, ParamSpec, Protocol, TypeVar

import redis
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro

from newsmon.distributed.config import CLOSE_REASON as CLOSE_REASON  # re-exported for their readers
from newsmon.distributed.config import EXIT_UNAVAILABLE as EXIT_UNAVAILABLE
from newsmon.distributed.config import DistributedConfig
from newsmon.distributed.config import failed_run as failed_run
from newsmon.stats import DISTRIBUTED_REDIS_ERROR

logger = logging.getLogger(__name__)

ERROR_STAT = DISTRIBUTED_REDIS_ERROR

ErrorHandler = Callable[[Exception], None]
P = ParamSpec("P")
R = TypeVar("R")
G = TypeVar("G", bound="Guarded")


def worker_id() -> str:
    """This process among the workers of a run (its runs record and liveness key carry it)."""
    return f"{socket.gethostname()}:{os.getpid()}"


class RedisUnavailable(Exception):
    """Redis cannot be reached at start."""


class RedisFailure(Exception):
    """A Redis call failed mid-run; the run is being closed."""


def client(config: DistributedConfig) -> redis.Redis:
    return redis.Redis.from_url(
        config.url,
        socket_connect_timeout=5,
        socket_timeout=15,
        health_check_interval=30,
    )


def connect(config: DistributedConfig) -> redis.Redis:
    """A client that answered a PING; RedisUnavailable (masked URL, no password) otherwise."""
    try:
        conn = client(config)
        conn.ping()
    except (redis.RedisError, ValueError, OSError) as exc:
        raise RedisUnavailable(f"Redis at {config.masked_url} is unavailable: {exc}") from None
    return conn


def run_failer(crawler: Crawler, config: DistributedConfig) -> ErrorHandler:
    """The handler `guard` calls on a Redis error mid-run: log once, close the run, mark it failed."""

    def fail(exc: Exception) -> None:
        stats = crawler.stats
        if stats.get_value(ERROR_STAT):
            return
        stats.set_value(ERROR_STAT, 1)
        logger.error(
            "Redis at %s failed mid-run (%s): closing the run; records not yet marked emitted are "
            "reconciled or fetched again by the next run",
            config.masked_url,
            exc,
        )
        try:
            engine = crawler.engine
        except RuntimeError:  # not crawling yet: the caller's RedisFailure stops the start
            return
        if engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason=CLOSE_REASON))

    return fail


@contextmanager
def guard(on_error: ErrorHandler | None) -> Iterator[None]:
    """Redis errors inside become RedisFailure, after on_error was told."""
    try:
        yield
    except redis.RedisError as exc:
        if on_error is not None:
            on_error(exc)
        raise RedisFailure(str(exc)) from exc


class Guarded(Protocol):
    on_error: ErrorHandler | None


def guarded(method: Callable[Concatenate[G, P], R]) -> Callable[Concatenate[G, P], R]:
    """A method of an object with `on_error` whose Redis calls run under `guard`."""

    @functools.wraps(method)
    def wrapper(self: G, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with guard(self.on_error):
            return method(self, *args, **kwargs)

    return wrapper
