"""`newsmon sites template NAME`: what a site's template learning knows (newsmon/state/template.py), and
`--reset` to forget it (the next crawl learns it again, warm-up included)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from newsmon.crawl.arguments import EXIT_BAD_ARGUMENT
from newsmon.state.config import state_directory
from newsmon.state.template import OPTIONS as TEMPLATE_OPTIONS

URL_ENV = "NEWSMON_REDIS_URL"


def add_parser(actions: Any) -> None:
    template = actions.add_parser(
        "template",
        help="what a site's template learning knows (blocks left out of bodies); --reset forgets it",
    )
    template.add_argument("name", help="the site's name (its state store is <state dir>/<name>.sqlite3)")
    template.add_argument("--state-dir", help="state directory (default: $NEWSMON_STATE_DIR or .newsmon)")
    template.add_argument(
        "--redis-url", help=f"the Redis store of distributed runs (default: ${URL_ENV} when set)"
    )
    template.add_argument("--redis-prefix", default="newsmon", help="NEWSMON_REDIS_PREFIX (default newsmon)")
    template.add_argument(
        "--min-pages",
        type=int,
        default=TEMPLATE_OPTIONS.default("NEWSMON_TEMPLATE_MIN_PAGES"),
        help="NEWSMON_TEMPLATE_MIN_PAGES of the crawls (default %(default)s)",
    )
    template.add_argument("--limit", type=int, default=50, help="template blocks shown (default 50)")
    template.add_argument("--reset", action="store_true", help="forget the site's template")
    template.add_argument("--json", action="store_true", help="the same data as JSON")
    template.set_defaults(func=cmd_template)


def _open(args: argparse.Namespace) -> Any:
    redis_url = args.redis_url or (None if args.state_dir else os.environ.get(URL_ENV))
    if redis_url:
        from newsmon.state.redis_store import RedisStateStore

        return RedisStateStore.open_for_reading(redis_url, args.name, args.redis_prefix)
    from newsmon.state.store import StateStore

    state_dir = state_directory(args.state_dir)
    path = state_dir / f"{args.name}.sqlite3"
    if not path.is_file():
        return None
    return StateStore.open(path, check=False)


def cmd_template(args: argparse.Namespace) -> int:
    store = _open(args)
    if store is None:
        print(f"newsmon: no state store for site {args.name!r}", file=sys.stderr)
        return EXIT_BAD_ARGUMENT
    with store:
        if args.reset:
            dropped = store.template_reset()
            print(f"{args.name}: template forgotten ({dropped} blocks); the next crawl learns it again")
            return 0
        summary: dict[str, Any] = store.template_summary(max(2, args.min_pages), args.limit)
    if args.json:
        json.dump(summary, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    print(
        f"{args.name}: learned from {summary['pages_learned']} pages; {summary['template']} template blocks "
        f"(seen on {args.min_pages}+ pages) of {summary['fingerprints']} known"
    )
    for sample in summary["samples"]:
        print(f"  {sample['pages']:>2}+ pages  {sample['text']}")
    return 0
