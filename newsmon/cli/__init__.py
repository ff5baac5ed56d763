"""`newsmon` command line: render records as Markdown, extract a record from a saved page, report runs,
check and list sites, sweep the due sites, discover a site, schedule scrapyd jobs."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from newsmon.cli import records, report, sites, sweep
from newsmon.extras import MissingExtra
from newsmon.onboard.command import add_parser as add_discover_parser
from newsmon.scheduling.command import add_parser as add_schedule_parser

# One module per command here (records: render and extract; report; sites; sweep); the onboarding and
# scheduling packages register their own (newsmon/onboard/command.py, newsmon/scheduling/command.py).


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsmon", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    records.add_parsers(sub)
    report.add_parser(sub)
    sites.add_parser(sub)
    sweep.add_parser(sub)
    add_discover_parser(sub)
    add_schedule_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["sweep"]:  # every argument is scrapy sweep's, -h included
        return sweep.run(arguments[1:])
    args = build_parser().parse_args(arguments)
    try:
        result: int = args.func(args)
    except BrokenPipeError:  # `newsmon render x.jsonl | head`
        return 0
    except (OSError, ValueError, MissingExtra) as exc:
        print(f"newsmon: {exc}", file=sys.stderr)
        return 2
    return result
