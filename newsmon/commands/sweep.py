"""`scrapy sweep [all | SITE,SITE,...]`: every due site (or the named ones) crawled in this one process.

The sweep itself (which sites, how many at once, hosts never crawled by two sites together, the per-site
summary) is newsmon/sweep/run.py; this command checks the arguments before anything starts (a bad one, or
a named site that cannot be used: one line, exit status 2), drives the reactor until every site closed,
and exits with the highest status of its sites. `newsmon sweep` runs this command (newsmon/cli/sweep.py).

A first SIGTERM/SIGINT starts no further site and lets the running ones close; a second one stops the
reactor: each site still open counts EXIT_FORCED_SHUTDOWN (79), and whatever the sweep is doing, it is gone
SHUTDOWN_DEADLINE seconds after the first signal (newsmon/commands/shutdown.py), as a one-site crawl is.

`scrapy crawl news -a sites=...` still runs a sweep through the same code for one release, with a
deprecation warning (newsmon/commands/crawl.py); scrapyd, which can only run `crawl`, uses it unwarned.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from typing import Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.utils.conf import arglist_to_dict

from newsmon import redact
from newsmon.commands import shutdown
from newsmon.commands.checks import sweep_sites_or_exit
from newsmon.commands.status import EXIT_FORCED_SHUTDOWN, crawl_status
from newsmon.crawl.arguments import EXIT_BAD_ARGUMENT
from newsmon.resources import ProcessResources, resources_of
from newsmon.sites import SiteConfig
from newsmon.sites.catalog import ALL, SiteEntry
from newsmon.sweep.run import SiteOutcome, Sweep, sweep_status

logger = logging.getLogger(__name__)

#: The spider a sweep crawls each site with, unless `--spider` names another news spider.
DEFAULT_SPIDER = "news"


def run_sweep(
    command: ScrapyCommand,
    spider: str,
    sites: list[SiteConfig],
    broken: list[SiteEntry],
    spargs: dict[str, Any],
) -> int:
    """Crawl `sites` in the command's process (its reactor runs until every site closed); log one summary
    line per site, the unusable site files included, and return the sweep's exit status: the worst site's."""
    process = command.crawler_process
    assert process is not None
    failed = [SiteOutcome(e.name, EXIT_BAD_ARGUMENT, broken=e.error) for e in broken]
    for outcome in failed:  # at once, not only in the summary: a person must fix the file
        logger.error("Sweep: %s", outcome.line())
    if not sites:
        logger.info("Sweep: no site is due")
        return sweep_status(failed)
    from twisted.internet import reactor as installed

    reactor: Any = installed  # the asyncio reactor Scrapy installed (the module is typed as a module)
    spidercls = process.spider_loader.load(spider)
    sweep = Sweep(process, spidercls, sites, spargs, crawl_status)

    def begin() -> None:
        task = asyncio.ensure_future(sweep.run())
        task.add_done_callback(lambda _: reactor.callLater(0, stop_reactor))

    def stop_reactor() -> None:
        with contextlib.suppress(RuntimeError):  # already stopping (a signal)
            reactor.stop()

    reactor.callWhenRunning(begin)
    # the hard deadline after a shutdown signal, armed once the reactor runs: Scrapy installs its own
    # signal handlers at startup, and `signal.signal` would replace a C-level handler set before them
    resources = resources_of(process.settings)  # the command's, handed down
    reactor.callWhenRunning(lambda: reactor.callLater(0, shutdown.arm, shutdown.SHUTDOWN_DEADLINE, resources))
    process.start(stop_after_crawl=False)
    outcomes = list(sweep.outcomes.values()) + failed
    for name, crawler in sweep.crawlers.items():  # a signal stopped the reactor: settle what closed
        outcome = sweep.outcomes[name]
        if outcome.status is None and crawler in process.crawlers:
            outcome.status = EXIT_FORCED_SHUTDOWN  # its crawl never closed: a second signal
        elif outcome.status is None:
            sweep.settle(outcome, crawler)
    for outcome in outcomes:
        if outcome.status is None and not outcome.skipped:
            outcome.skipped = "not started: the sweep was stopped"
    for outcome in outcomes:
        level = logging.WARNING if outcome.status or outcome.skipped else logging.INFO
        logger.log(level, "Sweep: %s", outcome.line())
    status = sweep_status(outcomes)
    crawled = sum(1 for o in outcomes if o.status is not None and not o.broken)
    logger.info("Sweep: %d of %d sites crawled, exit status %d", crawled, len(outcomes), status)
    return status


class Command(ScrapyCommand):
    requires_project = True
    sites: list[SiteConfig] | None = None
    broken: tuple[SiteEntry, ...] = ()

    def syntax(self) -> str:
        return "[options] [all | SITE,SITE,...]"

    def short_desc(self) -> str:
        return "Crawl every due site (all, the default) or the named sites, in this one process"

    def long_desc(self) -> str:
        return (
            "Crawl the sites of NEWSMON_SITES_DIR (else the bundled ones) whose interval has passed since "
            "their last run (`all`, the default), or the named sites (names or TOML paths, comma-separated) "
            "now. Each site is its own crawl: its settings, state store, run lock, output, monitors and exit "
            "status; the sweep exits with the highest."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "-a",
            dest="spargs",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="spider argument for every site's crawl (follow_depth, max_pages)",
        )
        parser.add_argument(
            "--spider", default=DEFAULT_SPIDER, help=f"the news spider (default: {DEFAULT_SPIDER})"
        )

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        redact.install()  # before any line
        super().process_options(args, opts)
        try:
            opts.spargs = arglist_to_dict(opts.spargs)
        except ValueError:
            raise UsageError("Invalid -a value, use -a NAME=VALUE", print_help=False) from None
        if len(args) > 1:
            raise UsageError("give the sites as one argument: all, or SITE,SITE,...", print_help=False)
        if "sites" in opts.spargs or "site" in opts.spargs:
            raise UsageError(
                "name the sites as the argument (`scrapy sweep a,b`), not with -a", print_help=False
            )
        assert self.settings is not None
        ProcessResources().hand_down(self.settings)  # the command's, for every site's crawl
        selection = {"sites": args[0] if args else ALL}
        sites, broken = sweep_sites_or_exit(opts.spider, {**opts.spargs, **selection}, self.settings)
        self.sites, self.broken = sites, tuple(broken)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.sites is not None
        self.exitcode = run_sweep(self, opts.spider, self.sites, list(self.broken), opts.spargs)
