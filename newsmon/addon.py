"""newsmon as a Scrapy add-on: ``ADDONS = {"newsmon.Addon": 0}`` is all a Scrapy project needs.

The add-on sets every newsmon default at add-on priority (a project setting, a site's TOML, ``-s`` or a
spider argument still wins: newsmon/crawl/config.py), inserts each component at its priority into Scrapy's
component dictionaries without replacing them (``-s EXTENSIONS='{...}'`` adds to newsmon's, it does not
drop them), and then runs the steps that depend on the resolved settings: the default per-run output, the
browser tier (Chromium lookup, scrapy-playwright wiring) and distributed mode (the Redis scheduler).
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.settings import BaseSettings
from scrapy.utils.misc import load_object

from newsmon import redact, registry, stats
from newsmon.distributed.addon import DistributedAddon
from newsmon.extensions.default_output import DefaultOutput
from newsmon.fetch.browser import BrowserAddon

logger = logging.getLogger(__name__)

#: Component -> priority, per Scrapy component setting. The order matters where noted.
COMPONENTS: dict[str, dict[str, int | None]] = {
    "DOWNLOADER_MIDDLEWARES": {
        # SSRF guard: after Offsite (50; offsite hosts dropped without a DNS lookup), before RobotsTxt (100;
        # a refused host's robots.txt is never asked); every redirect hop and retry passes it again
        "newsmon.fetch.ssrf.SsrfGuard": 60,
        # Scrapy's retry, waiting for Retry-After (capped) or a backoff before HTTP-status retries
        "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
        "newsmon.fetch.retry.RetryAfterMiddleware": 550,
        # after HttpCompression (590) has decoded the body, before Retry (550) retries a 503 challenge
        "newsmon.fetch.tiers.TierMiddleware": 575,
        # right after it: hands its browser requests a reused tab (playwright_page) and takes it back
        "newsmon.fetch.page_pool.PagePoolMiddleware": 576,
        # hub conditional GET: sees bodies after HttpCompression (590), stores validators, replays a 304
        "newsmon.state.conditional.HubConditionalGet": 580,
        # downloader side of the tier middleware and HttpCompression: requests by tier, raw responses
        "newsmon.fetch.counts.FetchCounts": 880,
        # WARC archive (NEWSMON_WARC_DIR): the bytes as received, before decompression and the tier's verdict
        "newsmon.archive.warc.WarcArchiver": 890,
    },
    "SPIDER_MIDDLEWARES": {
        # last before the engine: related-link requests leave level by level (shortest path in any order)
        "newsmon.crawl.levels.LevelGate": 40,
        # skip before download: emitted article requests never reach the scheduler
        "newsmon.state.skip.SkipEmittedArticles": 950,
        # monitors: tags hub requests with the configured hub they came from (per-source freshness)
        "newsmon.monitors.sources.HubSources": 960,
    },
    "EXTENSIONS": {
        # progress: newsmon's own counters every LOGSTATS_INTERVAL seconds (PERIODIC_LOG_STATS, below)
        "scrapy.extensions.periodic_log.PeriodicLog": 0,
        # every feed checked when the spider opens: an unusable one stops the run before any request (exit 2)
        "newsmon.extensions.output_check.OutputCheck": 400,
        # judges the run once the feeds are stored (the closing steps run in SettleOrder, not by priority)
        "newsmon.monitors.extension.MonitorExtension": 450,
        # after FeedExporter (0): its item_scraped handler must run after the exporter wrote the record
        "newsmon.state.extension.StateExtension": 500,
        # distributed mode only: the run's workers, waiting for each other when idle, cleanup by the last
        "newsmon.distributed.coordinator.RunCoordinator": 510,
        # sinks (NEWSMON_SINKS): batches delivered on time; records themselves when the state store is off.
        # Before FeedExporter (0): its spider_closed handler delivers the last batch before the feed files
        # are stored, so a failure there still keeps the per-run file .partial for the next start
        "newsmon.sinks.extension.SinkExtension": -10,
        # the run's final stats as JSON (NEWSMON_STATS_FILE), written last (SettleOrder.REPORT)
        "newsmon.extensions.stats_file.StatsFile": 900,
    },
    "ITEM_PIPELINES": {
        "newsmon.pipelines.validate.SchemaValidationPipeline": 100,
        "newsmon.pipelines.dedupe.InRunDedupePipeline": 200,
        "newsmon.pipelines.cross_run.CrossRunDedupePipeline": 300,
    },
}

#: Local feed files: fsynced per record before the store marks it emitted; per-run files written atomically.
FEED_STORAGES = {
    "": "newsmon.state.storage.DurableFileFeedStorage",
    "file": "newsmon.state.storage.DurableFileFeedStorage",
}

#: Scrapy settings newsmon's guarantees rest on, at add-on priority (a project may still change them).
SCRAPY_SETTINGS: dict[str, Any] = {
    # a body shorter than its Content-Length fails the request: a half page never becomes a record
    "DOWNLOAD_FAIL_ON_DATALOSS": True,
    "FEED_EXPORT_ENCODING": "utf-8",
    # redirect hops per request; a loop or longer chain ends as newsmon/<kind>/failed/redirect_limit
    "REDIRECT_MAX_TIMES": 10,
    # progress: Scrapy's PeriodicLog prints newsmon's own counters (records, skips, escalations, state)
    # every LOGSTATS_INTERVAL seconds during a run, not only at the end
    "PERIODIC_LOG_STATS": {"include": [stats.PREFIX, "item_scraped_count"]},
    # Scrapy 2.19's RemoteControl (runs any Python code sent to it with a token): off unless asked for
    "REMOTE_CONTROL_ENABLED": False,
    # scrapy-playwright, used by the STEALTHY tier only (BrowserAddon sets handlers and launch options)
    "PLAYWRIGHT_BROWSER_TYPE": "chromium",
    "PLAYWRIGHT_PROCESS_REQUEST_HEADERS": None,  # Chromium sends its own, consistent headers
    "PLAYWRIGHT_ABORT_REQUEST": "newsmon.fetch.browser.abort_unneeded",
    "PLAYWRIGHT_MAX_CONTEXTS": 2,
    "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 4,
    "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": 30_000,  # ms
}


class Addon:
    def update_settings(self, settings: BaseSettings) -> None:
        redact.install()  # credentials in any URL masked in every log line, before Scrapy logs settings
        settings.setdict(registry.defaults(), priority="addon")
        settings.setdict(SCRAPY_SETTINGS, priority="addon")
        for name, components in COMPONENTS.items():
            for path, priority in components.items():
                settings.setdefault_in_component_priority_dict(name, load_object(path), priority)
        for scheme, path in FEED_STORAGES.items():
            storages = settings.getdict("FEED_STORAGES")
            storages.setdefault(scheme, path)
            settings.set("FEED_STORAGES", storages, settings.getpriority("FEED_STORAGES") or 0)
        for step in (DefaultOutput(), BrowserAddon(), DistributedAddon()):
            step.update_settings(settings)
