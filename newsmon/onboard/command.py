"""The `newsmon discover URL` subcommand: discover a site, write (or print) its TOML, and with --dry-run show
what a crawl would make of the first article URLs found."""

from __future__ import annotations

import argparse
import dataclasses
import logging
import shlex
import sys
from pathlib import Path
from typing import Any, TextIO

from newsmon.crawl.arguments import EXIT_BAD_ARGUMENT as EXIT_USAGE
from newsmon.crawl.classify import Emit, Escalate, FetchedPage, PagePolicy, Verdict, classify, precheck
from newsmon.crawl.config import OPTIONS as CRAWL_OPTIONS
from newsmon.extract.html import parse_html
from newsmon.extract.page import extract_page
from newsmon.fetch.browser import INSTALL_HINT
from newsmon.onboard.browser import BrowserFetcher, BrowserUnavailable
from newsmon.onboard.discover import DiscoverError, Discovery, discover, origin_of, site_name
from newsmon.onboard.fetch import Fetcher
from newsmon.onboard.writer import render
from newsmon.record import FetchInfo, build_record
from newsmon.sites import SITE_NAME, SiteConfig, SiteConfigError, parse_toml
from newsmon.sites.catalog import sites_dir
from newsmon.urls import SiteScope

logger = logging.getLogger(__name__)

DRY_RUN_ARTICLES = 5


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Register `discover` on the `newsmon` subcommand parsers."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "discover",
        help="write a site TOML from its URL: feeds, sitemaps, listings, article pattern, labels, timezone",
        description=__doc__,
    )
    parser.add_argument("url", help="the site's home page, e.g. https://example.com/")
    parser.add_argument(
        "-o", "--output",
        help="the TOML file to write (default: <name>.toml in $NEWSMON_SITES_DIR, else in the current dir)",
    )  # fmt: skip
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")
    parser.add_argument(
        "--name",
        help="the site's name (default: the file name given with -o, else from the host); the file is "
        "named after it, as `newsmon sites check` wants",
    )
    parser.add_argument(
        "--browser", action="store_true",
        help="render pages with Chromium (the browser tier's) for sites whose scripts build their pages",
    )  # fmt: skip
    parser.add_argument(
        "--dry-run", nargs="?", type=int, const=DRY_RUN_ARTICLES, default=None, metavar="N",
        help=f"write nothing: print the TOML and what a crawl would emit from the first N (default "
        f"{DRY_RUN_ARTICLES}) article URLs found",
    )  # fmt: skip
    parser.add_argument("--max-pages", type=int, default=40, help="pages fetched at most (default 40)")
    parser.add_argument("--delay", type=float, default=1.0, help="seconds between requests (default 1)")
    parser.add_argument(
        "--timeout", type=float, default=20.0, help="seconds a response may take (default 20)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    parser.set_defaults(func=cmd_discover)
    return parser


def output_path(args: argparse.Namespace, name: str) -> Path:
    if args.output:
        return Path(args.output)
    return (sites_dir() or Path()) / f"{name}.toml"


def chosen_name(args: argparse.Namespace, origin: str) -> str:
    """--name, else the stem of -o's file (a site file is named after its site), else from the host."""
    if args.name:
        return str(args.name)
    if args.output:
        return Path(args.output).stem
    return site_name(origin)


def cmd_discover(args: argparse.Namespace) -> int:
    if not logging.getLogger().handlers:  # run as a command (tests and callers keep their own logging)
        logging.basicConfig(level=logging.WARNING, format="newsmon: %(message)s")
        logging.getLogger("newsmon").setLevel(logging.INFO if args.verbose else logging.WARNING)
        logging.getLogger("trafilatura").setLevel(logging.ERROR)  # "discarding data" on every listing page
    if args.max_pages < 3:
        print(
            "newsmon: --max-pages must be at least 3 (robots.txt, the home page, one more)", file=sys.stderr
        )
        return EXIT_USAGE
    try:
        origin = origin_of(args.url)
    except DiscoverError as exc:
        print(f"newsmon: {exc}", file=sys.stderr)
        return EXIT_USAGE
    name = chosen_name(args, origin)
    if not SITE_NAME.match(name):
        print(
            f"newsmon: {name!r} is not a valid site name (lowercase letters, digits, - and _, at most 64); "
            f"use --name or -o {site_name(origin)}.toml",
            file=sys.stderr,
        )
        return EXIT_USAGE
    path = output_path(args, name)
    if path.stem != name:
        print(
            f"newsmon: the file of site {name!r} is named {name}.toml (`newsmon sites check`)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.dry_run is None and path.exists() and not args.force:
        print(f"newsmon: {path} exists; use --force to overwrite it (or -o another file)", file=sys.stderr)
        return EXIT_USAGE
    try:
        fetcher = make_fetcher(args, origin)
    except BrowserUnavailable as exc:
        print(f"newsmon: {exc}: {INSTALL_HINT}", file=sys.stderr)
        return 1
    try:
        found = discover(args.url, fetcher)
        found.name = name
        command = "newsmon discover " + shlex.quote(args.url) + (" --browser" if args.browser else "")
        return _write(args, found, fetcher, command, path)
    except (DiscoverError, BrowserUnavailable) as exc:
        print(f"newsmon: {exc}", file=sys.stderr)
        return 1
    finally:
        if isinstance(fetcher, BrowserFetcher):
            fetcher.close()


def make_fetcher(args: argparse.Namespace, origin: str) -> Fetcher:
    options = {"max_pages": args.max_pages, "delay": args.delay, "timeout": args.timeout}
    return BrowserFetcher(origin, **options) if args.browser else Fetcher(origin, **options)


def _write(args: argparse.Namespace, found: Discovery, fetcher: Fetcher, command: str, path: Path) -> int:
    text = render(found, command)
    try:
        site = parse_toml(text, str(path))  # the written TOML loaded as the crawl will load it
    except SiteConfigError as exc:  # a bug here, never the user's doing
        print(text, file=sys.stderr)
        print(f"newsmon: the discovered configuration does not load: {exc}", file=sys.stderr)
        return 1
    if args.dry_run is not None:
        sys.stdout.write(text)
        dry_run(found, site, fetcher, args.dry_run, sys.stdout)
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
    print(summary(found, site, path), file=sys.stderr)
    return 0


def summary(found: Discovery, site: SiteConfig, path: Path) -> str:
    pattern = site.article_pattern.pattern if site.article_pattern else "none"
    return (
        f"newsmon: wrote {path}: {len(site.feeds)} feeds, {len(site.categories)} categories, "
        f"sitemaps {list(site.sitemaps) or ('from robots.txt' if site.robots_sitemaps else 'none')}, "
        f"article_pattern {pattern}, {len(site.hub_patterns)} hub patterns, timezone {site.timezone} "
        f"({len(found.log.fetched)} requests)"
    )


def dry_run(found: Discovery, site: SiteConfig, fetcher: Fetcher, count: int, out: TextIO) -> None:
    """What the crawl would emit from the first ``count`` article URLs found (the same extraction, the same
    verdict, the same record builder as the spider; pages fetched by the discovery are not fetched again)."""
    urls = found.article_urls[: max(0, count)]
    out.write(f"\n# Dry run: what a crawl would emit from the first {len(urls)} article URLs found\n")
    fetcher.max_pages = fetcher.spent + len(urls)
    scope = SiteScope.build(site.origin, site.hosts, mirror=None)
    thin = CRAWL_OPTIONS.default("NEWSMON_THIN_BODY_WORDS")
    policy = PagePolicy(site, browser_tier=True, thin_body_words=thin)
    for url in urls:
        page = fetcher.get(url)
        if page is None:
            out.write(f"- {url}\n  not fetched\n")
            continue
        fetched = FetchedPage(page.url, page.status, {}, page.body, page.content_type, True)
        data = extract_page(parse_html(page.body), page.url, site.extract_options())
        verdict: Verdict = precheck(fetched, policy) or classify(fetched, data, policy)
        if isinstance(verdict, Escalate):
            out.write(
                f"- {page.url}\n  fetched again in the browser ({verdict.reason}): "
                "JavaScript writes its text\n"
            )
            continue
        if not isinstance(verdict, Emit):
            out.write(f"- {page.url}\n  no record: {getattr(verdict, 'message', verdict)}\n")
            continue
        record = dataclasses.asdict(build_record(data, FetchInfo(url=page.url, spider=site.name), scope))
        words = len((record.get("body") or "").split())
        out.write(
            f"- {record['url']}\n  title: {record['title']}\n  published_at: {record['published_at']}\n"
            f"  words: {words}\n"
        )
