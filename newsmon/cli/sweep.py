"""`newsmon sweep [all | SITE,SITE,...] [OPTIONS]`: `scrapy sweep` (newsmon/commands/sweep.py), every due site
(or the named ones) crawled in this one process, from anywhere newsmon is installed.

Its arguments go to `scrapy sweep` as they are (`-s NAME=VALUE`, `-a NAME=VALUE`, `--spider`, `-L`,
`--logfile`; `newsmon sweep -h` lists them), and its exit status is the sweep's. Outside a Scrapy project
(no scrapy.cfg above the working directory, no SCRAPY_SETTINGS_MODULE) it runs with newsmon's own project
settings, newsmon.settings.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from typing import Any

#: The settings module `newsmon sweep` runs with outside a Scrapy project.
PROJECT_SETTINGS = "newsmon.settings"


def add_parser(sub: Any) -> None:
    """Register `newsmon sweep` for `newsmon -h`; main() hands its arguments to run() before parsing."""
    sweep = sub.add_parser(
        "sweep",
        add_help=False,
        help="crawl every due site (or the named ones: a,b,c) in this one process: `scrapy sweep`",
    )
    sweep.add_argument("arguments", nargs=argparse.REMAINDER, help="scrapy sweep's arguments")
    sweep.set_defaults(func=lambda args: run(args.arguments))


def run(arguments: Sequence[str]) -> int:
    """`scrapy sweep ARGUMENTS` in this process; its exit status."""
    from scrapy.cmdline import execute
    from scrapy.utils.project import inside_project

    if not inside_project():
        os.environ["SCRAPY_SETTINGS_MODULE"] = PROJECT_SETTINGS
    try:
        execute(["scrapy", "sweep", *arguments])
    except SystemExit as exit_:  # Scrapy's cmdline always exits, with the command's status
        code = exit_.code
        return code if isinstance(code, int) else (0 if code is None else 2)
    return 0
