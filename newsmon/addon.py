"""newsmon as a Scrapy add-on: ``ADDONS = {"newsmon.Addon": 0}`` is all a Scrapy project needs.

The add-on sets every newsmon default at add-on priority (a project setting, a site's TOML, ``-s`` or a
spider argument still wins: newsmon/crawl/config.py), inserts each component at its priority into Scrapy's
component dictionaries without replacing them (``-s EXTENSIONS='{...}'`` adds to newsmon's, it does not
drop them), and then runs the steps that depend on the resolved settings: the default per-run output, the
browser tier (Chromium lookup, scrapy-playwright wiring) and distributed mode (the Redis scheduler).
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings
from scrapy.utils.misc import load_object

from newsmon import order, redact, registry, stats
from newsmon.distributed.addon import DistributedAddon
from newsmon.extensions.default_output import DefaultOutput
from newsmon.fetch.browser import BrowserAddon

logger = logging.getLogger(__name__)

#: Component -> priority, per Scrapy component setting: each place and its reason is named in
#: newsmon/order.py, and newsmon.extensions.order_check.OrderCheck refuses a run whose settings broke it.
COMPONENTS: dict[str, dict[str, int | None]] = {
    "DOWNLOADER_MIDDLEWARES": {
        "newsmon.fetch.ssrf.SsrfGuard": order.SSRF_GUARD,
        # Scrapy's retry, waiting for Retry-After (capped) or a backoff before HTTP-status retries
        "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
        "newsmon.fetch.retry.RetryAfterMiddleware": order.RETRY_AFTER,
        "newsmon.fetch.tiers.TierMiddleware": order.TIER,
        "newsmon.fetch.page_pool.PagePoolMiddleware": order.PAGE_POOL,
        "newsmon.state.conditional.HubConditionalGet": order.HUB_CONDITIONAL_GET,
        "newsmon.fetch.counts.FetchCounts": order.FETCH_COUNTS,
        # WARC archive (NEWSMON_WARC_DIR)
        "newsmon.archive.warc.WarcArchiver": order.WARC_ARCHIVER,
    },
    "SPIDER_MIDDLEWARES": {
        "newsmon.crawl.levels.LevelGate": order.LEVEL_GATE,
        "newsmon.state.skip.SkipEmittedArticles": order.SKIP_EMITTED,
        # monitors: per-source freshness
        "newsmon.monitors.sources.HubSources": order.HUB_SOURCES,
    },
    "EXTENSIONS": {
        # progress: newsmon's own counters every LOGSTATS_INTERVAL seconds (PERIODIC_LOG_STATS, below)
        "scrapy.extensions.periodic_log.PeriodicLog": order.PERIODIC_LOG,
        # the resolved component order checked when the crawl opens: a broken one stops the run (exit 2)
        "newsmon.extensions.order_check.OrderCheck": order.ORDER_CHECK,
        # every feed checked when the spider opens: an unusable one stops the run before any request (exit 2)
        "newsmon.extensions.output_check.OutputCheck": order.OUTPUT_CHECK,
        # judges the run once the feeds are stored (the closing steps run in SettleOrder, not by priority)
        "newsmon.monitors.extension.MonitorExtension": order.MONITORS,
        # alerts (NEWSMON_ALERT_URLS, a site's `alerts`) once the verdicts are in (SettleOrder.ALERT)
        "newsmon.alerts.extension.AlertExtension": order.ALERTS,
        "newsmon.state.extension.StateExtension": order.STATE_EXTENSION,
        # distributed mode only (DistributedAddon adds it, so a plain install never imports redis): the run
        # coordinator, at order.RUN_COORDINATOR
        # sinks (NEWSMON_SINKS): batches delivered on time; records themselves when the state store is off.
        # Before FeedExporter (0): its spider_closed handler delivers the last batch before the feed files
        # are stored, so a failure there still keeps the per-run file .partial for the next start
        "newsmon.sinks.extension.SinkExtension": order.SINKS,
        # the run's final stats as JSON (NEWSMON_STATS_FILE), written last (SettleOrder.REPORT)
        "newsmon.extensions.stats_file.StatsFile": order.STATS_FILE,
    },
    "ITEM_PIPELINES": {
        "newsmon.pipelines.validate.SchemaValidationPipeline": order.SCHEMA_VALIDATION,
        "newsmon.pipelines.dedupe.InRunDedupePipeline": order.IN_RUN_DEDUPE,
        "newsmon.pipelines.cross_run.CrossRunDedupePipeline": order.CROSS_RUN_DEDUPE,
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
    # a run that emitted nothing writes no file: no 0-byte per-run file, and `-O out.jsonl` on a quiet
    # run leaves the file as it was (docs/feeds-and-api.md); `-s FEED_STORE_EMPTY=True` asks for empty ones
    "FEED_STORE_EMPTY": False,
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


#: The project setting that gives `scrapy crawl` newsmon's command (newsmon/commands/crawl.py).
COMMANDS_MODULE = "newsmon.commands"
MISSING_COMMANDS = (
    "newsmon: COMMANDS_MODULE = %r is not in this project's settings: the crawl runs under Scrapy's own "
    "command, and the add-on makes newsmon's checks and exit statuses from there (found on Scrapy's call "
    "stack, not a Scrapy API); add that line next to ADDONS (docs/feeds-and-api.md)"
)


class Addon:
    crawler: Crawler | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Addon:
        addon = cls()
        addon.crawler = crawler
        return addon

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
        self._under_stock_command(settings)

    def _under_stock_command(self, settings: BaseSettings) -> None:
        """Scrapy's own `scrapy crawl` (no COMMANDS_MODULE): newsmon's start-up checks, run lock and exit
        statuses from the add-on (newsmon/commands/stock.py), and a warning naming the missing line."""
        from newsmon.commands.stock import run_under_stock_command
        from newsmon.crawl.stock import stock_command

        found = stock_command()
        if found is None:
            return
        logger.warning(MISSING_COMMANDS, COMMANDS_MODULE)
        if settings.get("LOG_FILE"):  # loud: on the terminal (cron's mail) too, not only in the file
            sys.stderr.write(MISSING_COMMANDS % COMMANDS_MODULE + "\n")
        if self.crawler is not None:
            run_under_stock_command(*found, self.crawler, settings)
