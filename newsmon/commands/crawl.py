"""`scrapy crawl` that refuses to start while another run of the same spider is on, and fails loudly.

One-process mode: the file lock is taken in process_options, before Scrapy creates the crawler process
(which configures logging and opens LOG_FILE): a second concurrent run prints one line to stderr and exits
with EXIT_LOCKED (75) without creating, opening or writing any log, output or state file. The lock is held
until the process ends.

Distributed mode (NEWSMON_BACKEND=redis): no file lock; Redis is pinged first (unreachable: one line naming
the URL without its password, exit EXIT_UNAVAILABLE, 69), then the process joins the spider's active run
(newsmon/distributed/coordinator.py:join_run): the same NEWSMON_RUN_ID joins, another one exits with 75.
A run closed because its store failed mid-run (Redis lost) also exits with 69.

A second SIGTERM/SIGINT makes Scrapy stop the reactor before the spider closed: the run exits with
EXIT_FORCED_SHUTDOWN (79), its output left `.partial` for the next start to recover. Whatever the run is
doing, it is gone SHUTDOWN_DEADLINE (10) seconds after the first signal (newsmon/shutdown.py: a watchdog
process SIGKILLs it, status 137 in a shell), even with its main thread stuck in C code.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError

from newsmon import redact, shutdown
from newsmon.commands.checks import exit_on_bad_arguments, sweep_sites_or_exit
from newsmon.commands.sweep import SiteOutcome, Sweep, sweep_status
from newsmon.compat import CrawlCommandBase
from newsmon.crawl.arguments import EXIT_BAD_ARGUMENT
from newsmon.distributed.config import CLOSE_REASON, EXIT_UNAVAILABLE, DistributedConfig, failed_run
from newsmon.extensions.order_check import COMPONENT_ORDER
from newsmon.sites import SiteConfig
from newsmon.sites.catalog import SiteEntry
from newsmon.state.backend import take_run_lock
from newsmon.state.config import StateConfig
from newsmon.state.lock import EXIT_LOCKED, RunLocked
from newsmon.state.outputs import OUTPUT_UNUSABLE
from newsmon.stats import MONITOR_EXIT_STATUS
from newsmon.stats import OUTPUT_UNUSABLE as UNUSABLE_STAT  # the stat (the reason); not the close reason

STORE_FAILURES = (CLOSE_REASON, "newsmon_state_error")
# A second SIGTERM/SIGINT: Scrapy stopped the reactor before the crawl closed, its output is left .partial.
# One status for both signals: Scrapy's public API does not say which came, and 128+N would claim a death
# by signal N; 79 is outside newsmon's own statuses, sysexits (64-78) and the shell's (126 and up).
EXIT_FORCED_SHUTDOWN = 79

logger = logging.getLogger(__name__)


def crawl_status(crawler: Crawler) -> int:
    """The exit status of a crawl that closed: unusable output or broken component order 2, store lost
    69, else the monitors'."""
    assert crawler.stats is not None
    if crawler.stats.get_value("finish_reason") in (OUTPUT_UNUSABLE, COMPONENT_ORDER):  # refused at once
        return EXIT_BAD_ARGUMENT
    if failed_run(crawler) or crawler.stats.get_value("finish_reason") in STORE_FAILURES:
        return EXIT_UNAVAILABLE
    # the monitors' verdict: 3, 4, 5 or 6 (README "Exit codes", newsmon/monitors)
    return int(crawler.stats.get_value(MONITOR_EXIT_STATUS) or 0)


class Command(CrawlCommandBase):
    crawler: Crawler | None = None
    sweep_sites: list[SiteConfig] | None = None  # `-a sites=`: the sites this process crawls
    sweep_broken: tuple[SiteEntry, ...] = ()  # `-a sites=all`: the directory's unusable site files

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        redact.install()  # before any line: `-o ftp://u:pw@...` is printed by Scrapy itself
        super().process_options(args, opts)
        if len(args) != 1:
            return  # run() raises the usage error
        assert self.settings is not None
        if "sites" in opts.spargs:
            self.sweep_sites, broken = sweep_sites_or_exit(args[0], opts.spargs, self.settings)
            self.sweep_broken = tuple(broken)
            return
        # a bad -a/-s value or site config stops the run here, with one line naming it (exit status 2)
        site = exit_on_bad_arguments(args[0], opts.spargs, self.settings)
        try:
            distributed = DistributedConfig.from_settings(self.settings)
        except ValueError as exc:
            raise UsageError(str(exc), print_help=False) from None
        if distributed.enabled:
            self._join(distributed, args[0])
            return
        config = StateConfig.from_settings(self.settings)
        if not config.enabled:
            return
        try:
            take_run_lock(config, site)
        except RunLocked as exc:
            sys.stderr.write(f"newsmon: {exc} (exit status {EXIT_LOCKED})\n")
            sys.exit(EXIT_LOCKED)

    def _join(self, config: DistributedConfig, spider: str) -> None:
        import redis  # installed: checks.check_extras ran first

        from newsmon.distributed.connection import RedisUnavailable, connect
        from newsmon.distributed.coordinator import join_run

        try:
            conn = connect(config)
            holder = join_run(conn, config, spider)
            conn.close()
        except (RedisUnavailable, redis.RedisError) as exc:
            message = (
                str(exc) if isinstance(exc, RedisUnavailable) else f"Redis at {config.masked_url}: {exc}"
            )
            sys.stderr.write(f"newsmon: {message} (exit status {EXIT_UNAVAILABLE})\n")
            sys.exit(EXIT_UNAVAILABLE)
        if holder is not None:
            sys.stderr.write(
                f"newsmon: run {holder} of {spider} is still on (Redis {config.masked_url}); not starting "
                f"run {config.run_id} (exit status {EXIT_LOCKED})\n"
            )
            sys.exit(EXIT_LOCKED)

    def crawler_created(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._arm_shutdown_deadline()  # the reactor is installed now

    def _arm_shutdown_deadline(self) -> None:
        """Arm the hard deadline after a shutdown signal once the reactor runs: Scrapy installs its own
        signal handlers at startup, and `signal.signal` would replace a C-level handler set before them."""
        from twisted.internet import reactor as installed

        reactor: Any = installed
        reactor.callWhenRunning(lambda: reactor.callLater(0, shutdown.arm))

    def _forced_down(self, crawler: Crawler) -> bool:
        """Whether the crawl never ended (a second SIGTERM/SIGINT stopped the reactor before the spider
        closed): CrawlerProcess drops a crawler from ``crawlers`` once its crawl ends, however it ended."""
        if self.crawler_process is None or crawler not in self.crawler_process.crawlers:
            return False
        logger.error(
            "Run forced down by a second SIGTERM/SIGINT before it closed (exit status %d): its output is "
            "left .partial for the next start to recover",
            EXIT_FORCED_SHUTDOWN,
        )
        self.exitcode = EXIT_FORCED_SHUTDOWN
        return True

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if self.sweep_sites is not None:
            self._sweep(args[0], self.sweep_sites, opts.spargs)
            return
        super().run(args, opts)
        crawler = self.crawler
        if crawler is None or self.exitcode or self._forced_down(crawler):
            return
        self.exitcode = crawl_status(crawler)
        if self.exitcode == EXIT_BAD_ARGUMENT:
            why = (
                crawler.stats.get_value(UNUSABLE_STAT)
                or "component order broken by the settings (see the log)"
            )
            sys.stderr.write(f"newsmon: {why} (exit status {EXIT_BAD_ARGUMENT})\n")

    def _sweep(self, spider: str, sites: list[SiteConfig], spargs: dict[str, Any]) -> None:
        """Every site in this process (newsmon/commands/sweep.py); the exit status is the worst site's."""
        assert self.crawler_process is not None
        broken = [SiteOutcome(e.name, EXIT_BAD_ARGUMENT, broken=e.error) for e in self.sweep_broken]
        for outcome in broken:  # at once, not only in the summary: a person must fix the file
            logger.error("Sweep: %s", outcome.line())
        if not sites:
            logger.info("Sweep: no site is due")
            self.exitcode = sweep_status(broken)
            return
        from twisted.internet import reactor as installed

        reactor: Any = installed  # the asyncio reactor Scrapy installed (the module is typed as a module)
        spidercls = self.crawler_process.spider_loader.load(spider)
        sweep = Sweep(self.crawler_process, spidercls, sites, spargs, crawl_status)

        def begin() -> None:
            task = asyncio.ensure_future(sweep.run())
            task.add_done_callback(lambda _: reactor.callLater(0, stop_reactor))

        def stop_reactor() -> None:
            with contextlib.suppress(RuntimeError):  # already stopping (a signal)
                reactor.stop()

        reactor.callWhenRunning(begin)
        self._arm_shutdown_deadline()
        self.crawler_process.start(stop_after_crawl=False)
        outcomes = list(sweep.outcomes.values()) + broken
        for name, crawler in sweep.crawlers.items():  # a signal stopped the reactor: settle what closed
            outcome = sweep.outcomes[name]
            if outcome.status is None and crawler in self.crawler_process.crawlers:
                outcome.status = EXIT_FORCED_SHUTDOWN  # its crawl never closed: a second signal
            elif outcome.status is None:
                sweep.settle(outcome, crawler)
        for outcome in outcomes:
            if outcome.status is None and not outcome.skipped:
                outcome.skipped = "not started: the sweep was stopped"
        for outcome in outcomes:
            level = logging.WARNING if outcome.status or outcome.skipped else logging.INFO
            logger.log(level, "Sweep: %s", outcome.line())
        self.exitcode = sweep_status(outcomes)
        crawled = sum(1 for o in outcomes if o.status is not None and not o.broken)
        logger.info("Sweep: %d of %d sites crawled, exit status %d", crawled, len(outcomes), self.exitcode)
