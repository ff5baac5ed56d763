"""Where newsmon's components sit among Scrapy's, and why: every priority the add-on uses, named here with
the reason for its place, and the rules the resolved order must keep (``order_problems``).

Scrapy runs downloader middlewares' ``process_request`` in increasing priority and ``process_response`` in
decreasing priority (a response meets the highest number first); extensions are built, and so connect
their signal handlers, in increasing priority, and a signal calls its handlers in connection order.
``newsmon.extensions.order_check.OrderCheck`` refuses a run whose settings broke a rule (exit status 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scrapy.settings import BaseSettings
from scrapy.utils.conf import build_component_list
from scrapy.utils.misc import load_object

# --- Scrapy's own places (scrapy/settings/default_settings.py) ---------------------------------------
SCRAPY_OFFSITE = "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware"  # 50
SCRAPY_ROBOTSTXT = "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"  # 100
SCRAPY_RETRY_PRIORITY = 550  # scrapy.downloadermiddlewares.retry.RetryMiddleware
SCRAPY_HTTP_COMPRESSION = "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware"  # 590
SCRAPY_FEED_EXPORTER = "scrapy.extensions.feedexport.FeedExporter"  # 0

# --- downloader middlewares ---------------------------------------------------------------------------
# after Offsite (50: offsite hosts dropped without a DNS lookup), before RobotsTxt (100: a refused host's
# robots.txt is never asked); every redirect hop and retry passes it again
SSRF_GUARD = 60
# Scrapy's retry's own place (Scrapy's RetryMiddleware is switched off for it)
RETRY_AFTER = SCRAPY_RETRY_PRIORITY
# between Retry (550) and HttpCompression (590): sees a decoded body, and judges a 503 challenge (escalating
# to the next tier) before Retry would retry it on the same tier
TIER = 575
# right after the tier middleware on the way out: hands its browser requests a reused tab and takes it back
PAGE_POOL = TIER + 1
# below HttpCompression (590): stores validators of decoded hub bodies, replays a 304 as the stored page
HUB_CONDITIONAL_GET = 580
# above HttpCompression and the tier middleware: counts requests by tier and raw responses
FETCH_COUNTS = 880
# above HttpCompression: the bytes as received, before decompression and the tier's verdict
WARC_ARCHIVER = 890

# --- spider middlewares -------------------------------------------------------------------------------
LEVEL_GATE = 40  # last before the engine: related-link requests leave level by level
SKIP_EMITTED = 950  # first after the spider: emitted article requests never reach the scheduler
HUB_SOURCES = 960  # tags hub requests with the configured hub they came from

# --- extensions (connection order; the closing steps run in SettleOrder, newsmon/state/outputs.py) ------
PERIODIC_LOG = 0
# before FeedExporter (0): the sinks' last batch is delivered before the feed files are stored, so a sink
# failing at close keeps the per-run file .partial for the next start
SINKS = -10
ORDER_CHECK = 10  # checks this very order when the crawl opens
OUTPUT_CHECK = 400
MONITORS = 450
ALERTS = 460  # alerts once the monitors' verdicts are in (settled in SettleOrder.ALERT)
# after FeedExporter (0): its item_scraped handler must run after the exporter wrote the record, so a
# record is marked emitted only once it is in the feed
STATE_EXTENSION = 500
RUN_COORDINATOR = 510  # distributed mode only (DistributedAddon adds it)
STATS_FILE = 900

# --- item pipelines -----------------------------------------------------------------------------------
SCHEMA_VALIDATION = 100  # an invalid record is dropped before it counts as seen
IN_RUN_DEDUPE = 200
CROSS_RUN_DEDUPE = 300


@dataclass(frozen=True)
class Before:
    """In ``setting``'s resolved order, ``first`` comes before ``then`` (when both are enabled)."""

    setting: str
    first: str
    then: str
    why: str


DOWNLOADER = "DOWNLOADER_MIDDLEWARES"
SINK_EXTENSION = "newsmon.sinks.extension.SinkExtension"
#: the extensions that wait for the outputs to settle (OutputsSettled)
SETTLING_EXTENSIONS = (
    "newsmon.monitors.extension.MonitorExtension",
    "newsmon.alerts.extension.AlertExtension",
    "newsmon.state.extension.StateExtension",
    "newsmon.extensions.stats_file.StatsFile",
)
RULES = (
    Before(DOWNLOADER, SCRAPY_OFFSITE, "newsmon.fetch.ssrf.SsrfGuard", "no DNS lookup for offsite hosts"),
    Before(DOWNLOADER, "newsmon.fetch.ssrf.SsrfGuard", SCRAPY_ROBOTSTXT, "no robots.txt of a refused host"),
    Before(
        DOWNLOADER,
        "newsmon.fetch.retry.RetryAfterMiddleware",
        "newsmon.fetch.tiers.TierMiddleware",
        "a 503 challenge escalates to the next tier before it is retried on the same one",
    ),
    Before(
        DOWNLOADER,
        "newsmon.fetch.tiers.TierMiddleware",
        SCRAPY_HTTP_COMPRESSION,
        "the tier judges decoded bodies",
    ),
    Before(
        DOWNLOADER,
        "newsmon.fetch.tiers.TierMiddleware",
        "newsmon.fetch.page_pool.PagePoolMiddleware",
        "the page pool hands a tab to the browser requests the tier made",
    ),
    Before(
        DOWNLOADER,
        "newsmon.state.conditional.HubConditionalGet",
        SCRAPY_HTTP_COMPRESSION,
        "hub validators and 304 replays work on decoded bodies",
    ),
    Before(
        DOWNLOADER, SCRAPY_HTTP_COMPRESSION, "newsmon.archive.warc.WarcArchiver", "WARC keeps the raw bytes"
    ),
    Before(
        "EXTENSIONS",
        SCRAPY_FEED_EXPORTER,
        "newsmon.state.extension.StateExtension",
        "a record is marked emitted only after FeedExporter wrote it (item_scraped connection order)",
    ),
    Before(
        "EXTENSIONS",
        SINK_EXTENSION,
        SCRAPY_FEED_EXPORTER,
        "the sinks' last batch is delivered before the feed files are stored (spider_closed connection "
        "order): a sink failing at close keeps the per-run file .partial",
    ),
    # the first of these builds the crawl's Settlement (newsmon/state/outputs.py), which settles in its
    # spider_closed handler when there is no feed: the sinks' last batch is an output, delivered before
    *(
        Before(
            "EXTENSIONS",
            SINK_EXTENSION,
            settling,
            "the sinks' last batch is delivered (spider_closed connection order) before the outputs "
            "settle and the run is judged and recorded",
        )
        for settling in SETTLING_EXTENSIONS
    ),
)


def _resolved(settings: BaseSettings, setting: str) -> list[Any]:
    return [
        load_object(c) if isinstance(c, str) else c
        for c in build_component_list(settings.get_component_priority_dict_with_base(setting))
    ]


def order_problems(settings: BaseSettings, rules: tuple[Before, ...] = RULES) -> list[str]:
    """Each rule the resolved component order breaks, as a sentence naming both components and why."""
    problems = []
    orders: dict[str, list[Any]] = {}
    for rule in rules:
        order = orders.setdefault(rule.setting, _resolved(settings, rule.setting))
        first, then = load_object(rule.first), load_object(rule.then)
        if first in order and then in order and order.index(first) > order.index(then):
            priorities = settings.get_component_priority_dict_with_base(rule.setting)
            problems.append(
                f"{rule.setting}: {rule.first} ({_priority(priorities, first)}) must come before "
                f"{rule.then} ({_priority(priorities, then)}): {rule.why}"
            )
    return problems


def _priority(priorities: BaseSettings, component: Any) -> Any:
    for key, value in priorities.items():
        if (load_object(key) if isinstance(key, str) else key) is component:
            return value
    return None
