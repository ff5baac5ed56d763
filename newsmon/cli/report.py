"""`newsmon report`: the recent runs of the state stores as a table or JSON, or every site's health as one
HTML page (newsmon/report/)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from newsmon.distributed.config import URL_ENV
from newsmon.state.config import state_directory


def add_parser(sub: Any) -> None:
    """Register `newsmon report` on the subparsers of newsmon/cli/__init__.py."""
    report = sub.add_parser("report", help="recent runs from the state store: fetches, records, monitors")
    report.add_argument(
        "state_dir", nargs="?", default=None,
        help="state directory (NEWSMON_STATE_DIR; default .newsmon)",
    )  # fmt: skip
    report.add_argument(
        "--redis-url", help=f"read the Redis store of distributed runs (default: ${URL_ENV} when set)"
    )
    report.add_argument("--redis-prefix", default="newsmon", help="NEWSMON_REDIS_PREFIX (default newsmon)")
    report.add_argument("--site", help="only this site (default: every store in the directory)")
    report.add_argument("--spider", help=argparse.SUPPRESS)  # deprecated alias of --site
    report.add_argument("--json", action="store_true", help="the same data as JSON, for machines")
    report.add_argument(
        "--html", metavar="FILE", help="write one self-contained HTML page of every site's health to FILE"
    )
    report.add_argument(
        "--sites-dir", help="site TOMLs, for each site's interval in --html (default: $NEWSMON_SITES_DIR)"
    )
    report.add_argument("--limit", type=int, default=20, help="the last N runs (0 = all; default 20)")
    report.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    from newsmon.report.runs import (
        EXIT_UNREADABLE,
        StoreUnreadable,
        as_json,
        format_table,
        load_redis_rows,
        load_rows,
    )

    if args.spider:
        print("newsmon: --spider is deprecated, use --site (stores are named after sites)", file=sys.stderr)
        args.site = args.site or args.spider
    state_dir = state_directory(args.state_dir)
    if args.html:
        return report_html(args, state_dir)
    # Redis: --redis-url, else $NEWSMON_REDIS_URL unless a state directory was named; SQLite otherwise
    redis_url = args.redis_url or (None if args.state_dir else os.environ.get(URL_ENV))
    if redis_url:
        from newsmon.extras import require

        require("redis", "newsmon report --redis-url")  # MissingExtra: one line, exit 2 (main)
        from newsmon.distributed.connection import EXIT_UNAVAILABLE, RedisFailure, RedisUnavailable
        from newsmon.distributed.redact import redact

        try:
            rows = load_redis_rows(redis_url, args.site, args.limit, args.redis_prefix)
        except (RedisUnavailable, RedisFailure) as exc:
            print(f"newsmon: {redact(str(exc))}", file=sys.stderr)
            return EXIT_UNAVAILABLE
        except StoreUnreadable as exc:
            print(f"newsmon: {redact(str(exc))}", file=sys.stderr)
            return EXIT_UNREADABLE
    else:
        try:
            rows = load_rows(state_dir, args.site, args.limit)
        except StoreUnreadable as exc:
            print(f"newsmon: {exc}", file=sys.stderr)
            return EXIT_UNREADABLE
    if args.json:
        json.dump(as_json(rows), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_table(rows))
    return 0


def report_html(args: argparse.Namespace, state_dir: Path) -> int:
    """`newsmon report --html FILE`: the page, then one line; an unreadable store is on the page too."""
    from newsmon.report.html import write_html
    from newsmon.report.runs import EXIT_UNREADABLE
    from newsmon.report.sites import FAIL, load_site_reports

    if args.redis_url:
        print("newsmon: --html reads the SQLite stores of a state directory, not Redis", file=sys.stderr)
        return 2
    sites_dir = args.sites_dir or os.environ.get("NEWSMON_SITES_DIR")
    now = time.time()
    reports = load_site_reports(state_dir, args.limit, args.site, Path(sites_dir) if sites_dir else None)
    write_html(Path(args.html), reports, now, runs_shown=args.limit)
    for report in reports:
        if report.error:
            print(f"newsmon: {report.error}", file=sys.stderr)
    failing = sum(r.status == FAIL for r in reports)
    stale = sum(bool(r.stale(now)) for r in reports)
    summary = f"{len(reports)} sites, {failing} failing, {stale} stale"
    print(f"newsmon: wrote {args.html}: {summary}", file=sys.stderr)
    return EXIT_UNREADABLE if any(r.error for r in reports) else 0
