"""Distributed mode's components on a real redis-server this module starts on 127.0.0.1 (tests/conftest.py):
the shared scheduler, its shortest-path dupefilter and the run coordinator, built as Scrapy builds them
(``get_crawler``, ``build_from_crawler``) and called directly (no crawl, no reactor). Off by default: one
process, Scrapy's own scheduler, no coordinator."""

from __future__ import annotations

import pickle
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.settings import Settings
from scrapy.utils.misc import build_from_crawler

from newsmon import Addon
from newsmon.crawl.frontier import article_hops
from newsmon.distributed import redact
from newsmon.distributed.config import default_run_id
from newsmon.distributed.coordinator import RunCoordinator
from newsmon.distributed.dupefilter import PathDupeFilter
from newsmon.distributed.scheduler import RedisScheduler
from newsmon.meta import META_HOPS, META_KIND
from newsmon.spiders.euromaidan import EuromaidanSpider
from newsmon.stats import (
    DISTRIBUTED_FILTERED,
    DISTRIBUTED_IDLE_WAITS,
    DISTRIBUTED_LOCAL_REQUESTS,
    DISTRIBUTED_RUN_CLEANED,
)
from tests.component_helpers import crawler_with, isolated, open_spider, stat
from tests.redis_helpers import RedisServer, needs_redis

SITE = "http://127.0.0.1:8080"


@pytest.fixture(autouse=True)
def _workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from isolated(tmp_path, monkeypatch)


@pytest.fixture
def redis_crawler(redis_server: RedisServer) -> Iterator[tuple[Crawler, Spider]]:
    """A crawler whose only newsmon setting is the Redis URL (the backend where it matters), on an empty
    Redis."""
    redis_server.client().flushdb()
    crawler = crawler_with({"NEWSMON_BACKEND": "redis", "REDIS_URL": redis_server.url})
    yield crawler, open_spider(crawler)


# --- off by default ----------------------------------------------------------------------------------
def test_distributed_mode_is_off_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(NotConfigured):
        build_from_crawler(RunCoordinator, crawler_with())
    settings = Settings()
    Addon().update_settings(settings)
    assert settings["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"
    monkeypatch.setattr(redact, "install", lambda: None)  # a log filter on the root handlers: not here
    redis = Settings()
    redis.set("NEWSMON_BACKEND", "redis", priority="cmdline")
    redis.set("NEWSMON_TIERS_ENABLED", False, priority="cmdline")
    Addon().update_settings(redis)
    assert redis["SCHEDULER"] == "newsmon.distributed.scheduler.RedisScheduler"


# --- RedisScheduler ----------------------------------------------------------------------------------
@needs_redis
def test_scheduler_shares_requests_on_the_runs_keys_and_filters_duplicates(
    redis_crawler: tuple[Crawler, Spider], redis_server: RedisServer
) -> None:
    crawler, spider = redis_crawler
    before = default_run_id()  # NEWSMON_RUN_ID's default: the UTC hour (cron starts of one hour join)
    scheduler = build_from_crawler(RedisScheduler, crawler)
    scheduler.open(spider)
    run = before if scheduler.queue.key.endswith(f":{before}:requests") else default_run_id()
    assert scheduler.queue.key == f"newsmon:default:run:{run}:requests"  # NEWSMON_REDIS_PREFIX default
    feed = Request(f"{SITE}/feed/", meta={META_KIND: "feed"})
    assert scheduler.enqueue_request(feed) is True
    assert scheduler.enqueue_request(feed.replace()) is False  # the run's dupefilter saw it
    assert scheduler.enqueue_request(feed.replace(dont_filter=True)) is True
    assert len(scheduler) == 2 and redis_server.client().exists(f"newsmon:default:run:{run}:requests")
    fetched = scheduler.next_request()
    assert fetched is not None and fetched.url == feed.url and fetched.meta[META_KIND] == "feed"
    assert stat(crawler, DISTRIBUTED_FILTERED) == 1
    scheduler.close("finished")  # the queue is the run's: left for the other processes
    assert len(scheduler) == 1


@needs_redis
def test_scheduler_keeps_a_request_it_cannot_share_in_this_process(
    redis_crawler: tuple[Crawler, Spider],
) -> None:
    crawler, spider = redis_crawler
    scheduler = build_from_crawler(RedisScheduler, crawler)
    scheduler.open(spider)
    unshareable = Request(f"{SITE}/a", meta={"lock": threading.Lock()})
    with pytest.raises(TypeError):
        pickle.dumps(unshareable.meta)
    tab = Request(f"{SITE}/b", meta={"playwright_page": object()})  # a live browser tab: dropped, re-made
    assert scheduler.enqueue_request(unshareable) and scheduler.enqueue_request(tab)
    assert stat(crawler, DISTRIBUTED_LOCAL_REQUESTS) == 1 and "playwright_page" not in tab.meta
    first = scheduler.next_request()
    assert first is unshareable  # this process's own queue goes first
    second = scheduler.next_request()
    assert second is not None and second.url == tab.url


# --- PathDupeFilter ----------------------------------------------------------------------------------
def article(url: str, hops: Any) -> Request:
    return Request(url, meta={META_KIND: "article", META_HOPS: hops})


@needs_redis
def test_dupefilter_lets_an_article_through_again_only_by_a_shorter_path(redis_server: RedisServer) -> None:
    server = redis_server.client()
    dupefilter = PathDupeFilter(server, "t:dupefilter", article_hops=article_hops)  # the frontier's rule
    url = f"{SITE}/2026/03/01/a/"
    assert not dupefilter.request_seen(article(url, 2))
    assert dupefilter.request_seen(article(url, 2))
    assert dupefilter.request_seen(article(url, 3))
    assert not dupefilter.request_seen(article(url, 1))  # a shorter path: fetched again, links followed
    hub = Request(f"{SITE}/feed/", meta={META_KIND: "feed"})  # others: by fingerprint, as scrapy-redis
    assert not dupefilter.request_seen(hub) and dupefilter.request_seen(hub)
    dupefilter.close("finished")  # kept for the run's other processes
    assert server.exists("t:dupefilter", "t:dupefilter:hops") == 2
    dupefilter.clear()
    assert server.exists("t:dupefilter", "t:dupefilter:hops") == 0


@needs_redis
def test_scheduler_applies_the_news_spiders_path_rule(redis_server: RedisServer) -> None:
    redis_server.client().flushdb()
    settings = {"NEWSMON_BACKEND": "redis", "REDIS_URL": redis_server.url, "NEWSMON_EXTRACT_WORKERS": 0}
    crawler = crawler_with(settings, EuromaidanSpider)
    spider = EuromaidanSpider.from_crawler(crawler, base_url=SITE)  # hands its frontier to the crawl
    crawler.spider = spider
    scheduler = build_from_crawler(RedisScheduler, crawler)
    scheduler.open(spider)
    url = f"{SITE}/2026/03/01/a/"
    queued = [scheduler.enqueue_request(article(url, hops)) for hops in (2, 2, 1)]
    assert queued == [True, False, True]  # found again by a shorter path: fetched again
    plain = crawler_with(
        {"NEWSMON_BACKEND": "redis", "REDIS_URL": redis_server.url, "NEWSMON_RUN_ID": "other"}
    )
    other = build_from_crawler(RedisScheduler, plain)  # no news spider: by fingerprint only
    other.open(open_spider(plain))
    assert [other.enqueue_request(article(url, hops)) for hops in (2, 1)] == [True, False]


# --- RunCoordinator ----------------------------------------------------------------------------------
@needs_redis
def test_coordinator_waits_for_busy_workers_and_the_last_one_cleans_up(
    redis_server: RedisServer, redis_crawler: tuple[Crawler, Spider]
) -> None:
    crawler, spider = redis_crawler
    coordinator = build_from_crawler(RunCoordinator, crawler)
    config, conn = coordinator.config, redis_server.client()
    assert (config.heartbeat_s, config.worker_timeout_s) == (2.0, 30.0)  # declared defaults
    coordinator.working()  # a request reached the downloader
    coordinator.heartbeat()  # liveness, run keys' expiry, the spider's active-run marker
    assert conn.get(coordinator.active_key) == config.run_id.encode()
    reported = conn.hget(coordinator.workers_key, coordinator.me)
    assert isinstance(reported, bytes) and reported.startswith(b"busy ")
    now = conn.time()[0]
    conn.hset(coordinator.workers_key, "other-node:1", f"busy {now}")  # another process, still working
    conn.set(config.run_key("default", "requests"), "x")
    with pytest.raises(DontCloseSpider):
        coordinator.spider_idle(spider)
    assert stat(crawler, DISTRIBUTED_IDLE_WAITS) == 1
    conn.hset(coordinator.workers_key, "other-node:1", f"idle {now}")
    coordinator.spider_idle(spider)  # nobody busy: this one may close
    conn.hdel(coordinator.workers_key, "other-node:1")  # the other one left
    coordinator.spider_closed(spider, "finished")
    assert stat(crawler, DISTRIBUTED_RUN_CLEANED) == 1
    assert not conn.exists(
        coordinator.workers_key, coordinator.active_key, config.run_key("default", "requests")
    )
