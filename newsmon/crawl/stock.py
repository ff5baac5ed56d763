"""Whether a crawl runs under Scrapy's own `scrapy crawl` rather than newsmon's (a project that enables the
add-on without ``COMMANDS_MODULE = "newsmon.commands"``), and how a bad value then still ends in one line.

Scrapy picks the command from the project settings before it loads any add-on, and has no API for an
add-on or a spider to set the exit status: its `cmdline` exits with the command object's ``exitcode``. The
command object is found on the call stack (sys.argv no longer names it: Scrapy pops the command name);
when it is not there (a script, another Scrapy version) nothing changes. newsmon/commands/stock.py uses it
for the checks, the run lock and the exit statuses of newsmon's command.
"""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from newsmon import compat

EXIT_BAD_VALUE = 2  # as newsmon's command: a bad argument or setting (README "Exit codes")


def stock_command() -> tuple[ScrapyCrawlCommand, argparse.Namespace | None] | None:
    """Scrapy's own crawl command running this crawl (not newsmon's subclass) and its options, else None."""
    for frame in compat.calling_frames():
        owner = frame.f_locals.get("self")
        if isinstance(owner, ScrapyCrawlCommand):
            if type(owner) is not ScrapyCrawlCommand:
                return None
            opts = frame.f_locals.get("opts")
            return owner, opts if isinstance(opts, argparse.Namespace) else None
    return None


def exit_bad_value(why: object) -> NoReturn:
    """One line naming the bad value and exit status 2, as newsmon's command gives before a crawl."""
    sys.stderr.write(f"newsmon: {why} (exit status {EXIT_BAD_VALUE})\n")
    sys.exit(EXIT_BAD_VALUE)
