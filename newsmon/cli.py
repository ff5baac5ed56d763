"""`newsmon` command line: render records as Markdown, extract a record from a saved page, report runs."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from newsmon.api import WarcTally, page_record, warc_records
from newsmon.distributed.config import URL_ENV
from newsmon.extras import MissingExtra
from newsmon.jsonlines import read_lines
from newsmon.onboard.command import add_parser as add_discover_parser
from newsmon.record import FIELD_PRESETS
from newsmon.render import render_article, render_markdown
from newsmon.scheduling.command import add_parser as add_schedule_parser
from newsmon.site_commands import add_parser as add_sites_parser


def iter_records(path: Path) -> Iterator[dict[str, Any]]:
    """Records of a JSON Lines file; a bad or torn line (a crashed writer) is skipped with a note."""
    end = 0
    for line in read_lines(path):
        end = line.end
        if line.record is None:
            print(f"{path}:{line.number}: skipped a line that is not a JSON record", file=sys.stderr)
        else:
            yield line.record
    if path.stat().st_size > end:
        print(f"{path}: skipped a torn last line (no newline at its end)", file=sys.stderr)


def cmd_render(args: argparse.Namespace) -> int:
    first = True
    for path in args.files:
        for number, record in enumerate(iter_records(Path(path)), 1):
            if not first:
                sys.stdout.write("\n---\n\n")
            notes: list[str] = []
            sys.stdout.write(render_article(record, 0) if args.article else render_markdown(record, notes))
            for note in notes:  # fields of the wrong type: rendered as far as they go, named here
                print(f"{path}: record {number}: {note}", file=sys.stderr)
            first = False
            if args.limit and args.limit <= 1:
                return 0
            if args.limit:
                args.limit -= 1
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    if args.warc:
        return extract_warc(args)
    if not args.file or not args.url:
        raise ValueError("extract: give FILE and --url URL, or --warc FILE.warc.gz")
    record, page = page_record(
        Path(args.file).read_bytes(), args.url, args.site, encoding=args.encoding, fields=args.fields
    )  # the code path of newsmon.extract(): the Python API returns this very record
    if args.markdown:
        sys.stdout.write(render_markdown(record))
    else:
        json.dump(record, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    if not page.is_article:
        print("note: page signals say this is not an article page", file=sys.stderr)
    if page.amp and page.canonical_href and page.canonical_href != args.url:
        print(f"note: an AMP page: a crawl records its canonical page {page.canonical_href}", file=sys.stderr)
    return 0


def extract_warc(args: argparse.Namespace) -> int:
    """One JSON line per article of each WARC file's responses; a summary line per file on stderr."""
    for name in args.warc:
        path = Path(name)
        tally = WarcTally()
        for record in warc_records(path, args.site, fields=args.fields, tally=tally):
            if args.markdown:
                sys.stdout.write(render_markdown(record) + "\n---\n\n")
            else:
                sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        print(f"newsmon: {tally.line(path)}", file=sys.stderr)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from newsmon.report import (
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
    state_dir = Path(args.state_dir or os.environ.get("NEWSMON_STATE_DIR") or ".newsmon")
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
    from newsmon.report import EXIT_UNREADABLE
    from newsmon.report_html import write_html
    from newsmon.report_sites import FAIL, load_site_reports

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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsmon", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    render = sub.add_parser("render", help="print JSON Lines records in the seed's Markdown layout")
    render.add_argument("files", nargs="+", help="JSON Lines files written by a crawl")
    render.add_argument("--limit", type=int, default=0, help="stop after this many records (0 = all)")
    render.add_argument(
        "--article",
        action="store_true",
        help="each record as its article: the title as heading, the text, related links (no menus)",
    )
    render.set_defaults(func=cmd_render)
    extract = sub.add_parser(
        "extract", help="print the record newsmon builds from a saved HTML page, or from a WARC's responses"
    )
    extract.add_argument("file", nargs="?", help="saved HTML page")
    extract.add_argument("--url", help="the URL the page was fetched from (with FILE)")
    extract.add_argument(
        "--warc", action="append", metavar="FILE.warc.gz",
        help="build a record from each article response of this WARC file (any crawler's), one JSON line "
        "each (repeatable); a summary line per file on stderr",
    )  # fmt: skip
    extract.add_argument(
        "--fields", choices=FIELD_PRESETS, default="full", help="record preset (NEWSMON_RECORD_FIELDS)"
    )
    extract.add_argument("--site", help="site config (bundled name or TOML path); default: by URL host")
    extract.add_argument("--encoding", help="page encoding when the file does not declare it")
    extract.add_argument("--markdown", action="store_true", help="render as Markdown instead of JSON")
    extract.set_defaults(func=cmd_extract)
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
    add_sites_parser(sub)
    add_discover_parser(sub)
    add_schedule_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        result: int = args.func(args)
    except BrokenPipeError:  # `newsmon render x.jsonl | head`
        return 0
    except (OSError, ValueError, MissingExtra) as exc:
        print(f"newsmon: {exc}", file=sys.stderr)
        return 2
    return result


if __name__ == "__main__":
    sys.exit(main())
