"""`scrapy crawl` that refuses to start while another run of the same spider is on, and fails loudly.

One site per crawl: many sites in one process are `scrapy sweep` (newsmon/commands/sweep.py). `-a sites=`
still runs a sweep for one release, logging a warning that names the command to use instead; scrapyd,
which can only run `crawl`, runs its batch jobs (`newsmon schedule --batch`) that way without the warning.

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
doing, it is gone SHUTDOWN_DEADLINE (10) seconds after the first signal (newsmon/commands/shutdown.py: a
watchdog process SIGKILLs it, status 137 in a shell), even with its main thread stuck in C code.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError

from newsmon import redact
from newsmon.commands import shutdown
from newsmon.commands.checks import exit_on_bad_arguments, sweep_sites_or_exit
from newsmon.commands.status import EXIT_FORCED_SHUTDOWN, UNUSABLE_STAT, crawl_status
from newsmon.commands.sweep import run_sweep
from newsmon.compat import CrawlCommandBase
from newsmon.crawl.arguments import EXIT_BAD_ARGUMENT
from newsmon.distributed.config import EXIT_UNAVAILABLE, DistributedConfig
from newsmon.resources import ProcessResources
from newsmon.sites import SiteConfig
from newsmon.sites.catalog import SiteEntry
from newsmon.state.backend import take_run_lock
from newsmon.state.config import StateConfig
from newsmon.state.lock import EXIT_LOCKED, RunLocked

# the statuses live in newsmon/commands/status.py; older imports find them here too
__all__ = ["EXIT_FORCED_SHUTDOWN", "Command", "crawl_status"]
#: The spider argument scrapyd gives every job: a `-a sites=` job from scrapyd is no deprecated use.
SCRAPYD_JOB_ARGUMENT = "_job"

logger = logging.getLogger(__name__)


def deprecated_sweep(spider: str, spargs: dict[str, Any]) -> str | None:
    """The warning for `scrapy crawl SPIDER -a sites=...` run by hand or cron (None under scrapyd)."""
    if "sites" not in spargs or SCRAPYD_JOB_ARGUMENT in spargs:
        return None
    rest = "".join(f" -a {k}={v}" for k, v in spargs.items() if k != "sites" and not k.startswith("_"))
    spider_option = "" if spider == "news" else f" --spider {spider}"
    return (
        f"`scrapy crawl {spider} -a sites=...` is deprecated and goes in the next release: run "
        f"`scrapy sweep {spargs['sites']}{spider_option}{rest}` (or `newsmon sweep ...` with the same "
        "arguments) instead"
    )


class Command(CrawlCommandBase):
    crawler: Crawler | None = None
    resources: ProcessResources | None = None  # owned by the command, handed to the crawl in its settings
    sweep_sites: list[SiteConfig] | None = None  # `-a sites=`: the sites this process crawls
    sweep_broken: tuple[SiteEntry, ...] = ()  # `-a sites=all`: the directory's unusable site files

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        redact.install()  # before any line: `-o ftp://u:pw@...` is printed by Scrapy itself
        super().process_options(args, opts)
        if len(args) != 1:
            return  # run() raises the usage error
        assert self.settings is not None
        self.resources = ProcessResources().hand_down(self.settings)  # before the crawler process copies them
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
            take_run_lock(config, site, self.resources)
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
        resources = self.resources
        assert resources is not None  # made in process_options, before any crawler
        reactor.callWhenRunning(
            lambda: reactor.callLater(0, shutdown.arm, shutdown.SHUTDOWN_DEADLINE, resources)
        )

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
        """The deprecated `-a sites=`: `scrapy sweep` (newsmon/commands/sweep.py), after a warning."""
        warning = deprecated_sweep(spider, spargs)
        if warning:
            logger.warning("%s", warning)
        self.exitcode = run_sweep(self, spider, sites, list(self.sweep_broken), spargs)
