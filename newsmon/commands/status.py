"""The exit status of a crawl that closed, shared by `scrapy crawl` (newsmon/commands/crawl.py), each site
of `scrapy sweep` (newsmon/commands/sweep.py) and Scrapy's own crawl command (newsmon/commands/stock.py)."""

from __future__ import annotations

from scrapy.crawler import Crawler

from newsmon.crawl.arguments import EXIT_BAD_ARGUMENT
from newsmon.distributed.config import CLOSE_REASON, EXIT_UNAVAILABLE, failed_run
from newsmon.extensions.order_check import COMPONENT_ORDER
from newsmon.state.outputs import OUTPUT_UNUSABLE
from newsmon.stats import MONITOR_EXIT_STATUS
from newsmon.stats import OUTPUT_UNUSABLE as UNUSABLE_STAT  # the stat (the reason); not the close reason

STORE_FAILURES = (CLOSE_REASON, "newsmon_state_error")
# A second SIGTERM/SIGINT: Scrapy stopped the reactor before the crawl closed, its output is left .partial.
# One status for both signals: Scrapy's public API does not say which came, and 128+N would claim a death
# by signal N; 79 is outside newsmon's own statuses, sysexits (64-78) and the shell's (126 and up).
EXIT_FORCED_SHUTDOWN = 79

__all__ = ["EXIT_FORCED_SHUTDOWN", "STORE_FAILURES", "UNUSABLE_STAT", "crawl_status"]


def crawl_status(crawler: Crawler) -> int:
    """The exit status of a crawl that closed: unusable output or broken component order 2, store lost
    69, else the monitors'."""
    assert crawler.stats is not None
    if crawler.stats.get_value("finish_reason") in (OUTPUT_UNUSABLE, COMPONENT_ORDER):  # refused at once
        return EXIT_BAD_ARGUMENT
    if failed_run(crawler) or crawler.stats.get_value("finish_reason") in STORE_FAILURES:
        return EXIT_UNAVAILABLE
    # the monitors' verdict: 3, 4, 5 or 6 (docs "Exit codes", newsmon/monitors)
    return int(crawler.stats.get_value(MONITOR_EXIT_STATUS) or 0)
