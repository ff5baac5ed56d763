"""`scrapy crawl` that refuses to start while another run of the same spider holds the state lock, or when
the site configuration given with `-a site=` is invalid (exit status 2, one line naming the key).

The lock is taken in process_options, before Scrapy creates the crawler process (which configures logging
and opens LOG_FILE): a second concurrent run prints one line to stderr and exits with EXIT_LOCKED (75)
without creating, opening or writing any log, output or state file. The lock is held until the process ends.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from newsmon.sites import SiteConfigError, load_site_config
from newsmon.state.config import StateConfig
from newsmon.state.lock import EXIT_LOCKED, RunLock, RunLocked

EXIT_BAD_CONFIG = 2  # the site configuration given with -a site= is invalid


class Command(ScrapyCrawlCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if len(args) != 1:
            return  # run() raises the usage error
        site = opts.spargs.get("site")
        if site:  # a bad site config stops the run here, with one line naming the key
            try:
                load_site_config(site)
            except SiteConfigError as exc:
                sys.stderr.write(f"newsmon: {exc}\n")
                sys.exit(EXIT_BAD_CONFIG)
        assert self.settings is not None
        config = StateConfig.from_settings(self.settings)
        if not config.enabled:
            return
        try:
            RunLock.acquire(config.lock_path(args[0]))
        except RunLocked as exc:
            sys.stderr.write(f"newsmon: {exc} (exit status {EXIT_LOCKED})\n")
            sys.exit(EXIT_LOCKED)
