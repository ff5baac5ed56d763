"""newsmon's start-up checks and exit statuses under Scrapy's own `scrapy crawl` (a project that enables
the add-on without ``COMMANDS_MODULE = "newsmon.commands"``; newsmon/crawl/stock.py finds that command).

Scrapy picks the command before any add-on runs, so the add-on cannot swap in newsmon's. What it can do,
from its ``update_settings`` (after the spider was built, before any extension, state or output file):
run the argument and setting checks of newsmon's command (a bad one: one line, exit status 2; a value
the spider reads itself already failed that way as the spider was built, newsmon/crawl/spider.py), take
the run lock (held by another run: one line, exit status 75), and once the outputs settled, hand the
crawl's status (2 for a refused output, 69 for a lost store, 3-6 from the monitors) to the command, whose
``exitcode`` Scrapy's ``cmdline`` exits with.
"""

from __future__ import annotations

import argparse
import logging
import sys

from scrapy import Spider, signals
from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from newsmon.commands.checks import exit_on_bad_arguments
from newsmon.crawl.stock import EXIT_BAD_VALUE, exit_bad_value
from newsmon.distributed.config import DistributedConfig
from newsmon.resources import resources_of
from newsmon.state.backend import take_run_lock
from newsmon.state.config import StateConfig
from newsmon.state.lock import EXIT_LOCKED, RunLocked
from newsmon.state.outputs import OutputsSettled, SettleOrder

logger = logging.getLogger(__name__)


def run_under_stock_command(
    command: ScrapyCrawlCommand, opts: argparse.Namespace | None, crawler: Crawler, settings: BaseSettings
) -> None:
    """The checks newsmon's command makes before a crawl, then its exit status at the end."""
    spider = crawler.spidercls.name if crawler.spidercls is not None else ""
    spargs = dict(getattr(opts, "spargs", None) or {})
    if spider and "sites" not in spargs:  # a sweep checks its sites as it goes (newsmon/sweep/run.py)
        site = exit_on_bad_arguments(spider, spargs, settings)  # one line, SystemExit(2)
        try:
            distributed = DistributedConfig.from_settings(settings)
        except ValueError as exc:
            exit_bad_value(exc)
        config = StateConfig.from_settings(settings)
        if config.enabled and not distributed.enabled:
            try:
                # held to the end of the process, as newsmon's command does; in the crawl's resources
                take_run_lock(config, site, resources_of(settings))
            except RunLocked as exc:
                sys.stderr.write(f"newsmon: {exc} (exit status {EXIT_LOCKED})\n")
                sys.exit(EXIT_LOCKED)

    def settled(reason: str) -> None:
        """The spider closed (refused at open included: no engine_stopped then) and the feeds were stored;
        the monitors judged before (SettleOrder): the status newsmon's command would exit with."""
        from newsmon.commands.status import UNUSABLE_STAT, crawl_status

        status = crawl_status(crawler)
        if status and not command.exitcode:
            command.exitcode = status
            if status == EXIT_BAD_VALUE:  # the run was refused for an unusable output
                why = crawler.stats.get_value(UNUSABLE_STAT) if crawler.stats is not None else None
                sys.stderr.write(f"newsmon: {why} (exit status {EXIT_BAD_VALUE})\n")

    def opened(spider: Spider) -> None:
        # not earlier: the one Settlement per crawl must connect to spider_closed after CoreStats (which
        # sets finish_reason), as it does when the extensions create it
        OutputsSettled(crawler, settled, SettleOrder.REPORT)

    crawler.signals.connect(opened, signal=signals.spider_opened, weak=False)
