"""`scrapy crawl` that refuses to start while another run of the same spider holds the state lock.

The lock is taken in process_options, before Scrapy creates the crawler process (which configures logging
and opens LOG_FILE): a second concurrent run prints one line to stderr and exits with EXIT_LOCKED (75)
without creating, opening or writing any log, output or state file. The lock is held until the process ends.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from newsmon.state.config import StateConfig
from newsmon.state.lock import EXIT_LOCKED, RunLock, RunLocked


class Command(ScrapyCrawlCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if len(args) != 1:
            return  # run() raises the usage error
        assert self.settings is not None
        config = StateConfig.from_settings(self.settings)
        if not config.enabled:
            return
        try:
            RunLock.acquire(config.lock_path(args[0]))
        except RunLocked as exc:
            sys.stderr.write(f"newsmon: {exc} (exit status {EXIT_LOCKED})\n")
            sys.exit(EXIT_LOCKED)
