"""`newsmon render` and `newsmon extract`: records of JSON Lines files as Markdown, and the record a crawl
would build from a saved page or from a WARC file's responses."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsmon.api import WarcTally, page_record, warc_records
from newsmon.jsonlines import read_lines
from newsmon.record import FIELD_PRESETS
from newsmon.report.markdown import render_article, render_markdown


def add_parsers(sub: Any) -> None:
    """Register `newsmon render` and `newsmon extract` on the subparsers of newsmon/cli/__init__.py."""
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
