"""`newsmon sites check` and `newsmon sites list`: the sites of NEWSMON_SITES_DIR, checked and at a glance.

Both take the sites a sweep (`scrapy sweep`, `newsmon schedule`) takes: the directory's when one is set,
else the bundled ones (newsmon/sites/catalog.py); `list --bundled` also shows the bundled sites a sites
directory leaves out of sweeps (still crawlable alone with `-a site=NAME`), marked so.

`check` loads every file with the crawl's own loader, so a file it passes is one a crawl accepts; each
broken file is one line naming the file and the key. `list` shows where each site comes from, its last run,
records, freshness, tier mix and when a sweep next takes it, from its state store (read, never written).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsmon.cli import template as template_command
from newsmon.crawl.arguments import EXIT_BAD_ARGUMENT
from newsmon.report.sites import load_site_reports, run_started
from newsmon.sites.catalog import SiteEntry, catalog, sites_dir
from newsmon.state.config import state_directory
from newsmon.sweep.due import SiteDue, last_finished


def add_parser(sub: Any) -> None:
    sites = sub.add_parser("sites", help="the sites of NEWSMON_SITES_DIR: check their files, list their runs")
    actions = sites.add_subparsers(dest="sites_command", required=True)
    check = actions.add_parser(
        "check", help="load every site file as a crawl would; one line per broken file"
    )
    check.add_argument("--sites-dir", help="sites directory (default: $NEWSMON_SITES_DIR)")
    check.set_defaults(func=cmd_check)
    listing = actions.add_parser("list", help="each site's last run, records, freshness, tier mix, next due")
    listing.add_argument("--sites-dir", help="sites directory (default: $NEWSMON_SITES_DIR)")
    listing.add_argument("--state-dir", help="state directory (default: $NEWSMON_STATE_DIR or .newsmon)")
    listing.add_argument("--json", action="store_true", help="the same data as JSON")
    listing.add_argument(
        "--bundled",
        action="store_true",
        help="also the bundled sites a sites directory leaves out of sweeps (crawlable with -a site=NAME)",
    )
    listing.set_defaults(func=cmd_list)
    template_command.add_parser(actions)


BUNDLED, NOT_SWEPT = "bundled", "bundled, not swept (a sites dir is set)"


def _entries(args: argparse.Namespace, *, bundled: bool = False) -> list[SiteEntry]:
    """What a sweep takes (the directory's sites, else the bundled ones); with bundled, the bundled sites
    the directory leaves out too."""
    directory = Path(args.sites_dir) if args.sites_dir else sites_dir()
    return catalog(directory, bundled=bundled or directory is None)


def origin_of(entry: SiteEntry, directory_set: bool) -> str:
    """Where the site comes from: its file in the sites directory, or bundled (swept or not)."""
    if entry.source != BUNDLED:
        return "sites dir"
    return NOT_SWEPT if directory_set else BUNDLED


def cmd_check(args: argparse.Namespace) -> int:
    entries = _entries(args)  # an unusable directory: newsmon.cli.main prints it, exit status 2
    broken = [entry for entry in entries if entry.error]
    for entry in broken:
        print(entry.error, file=sys.stderr)
    hosts: dict[str, str] = {}
    for entry in entries:
        for host in entry.config.hosts if entry.config else ():
            other = hosts.setdefault(host.lower(), entry.name)
            if other != entry.name:  # allowed (a sweep never runs them together), but likely a mistake
                print(f"note: {entry.source}: host {host} is also {other}'s", file=sys.stderr)
    good = len(entries) - len(broken)
    print(f"{good} of {len(entries)} sites usable" + (f", {len(broken)} broken" if broken else ""))
    return EXIT_BAD_ARGUMENT if broken else 0


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f}{unit} ago"
    return f"{seconds:.0f}s ago"


def site_rows(
    entries: list[SiteEntry], state_dir: Path, now: float, directory_set: bool = False
) -> list[dict[str, Any]]:
    """One summary per site: what `sites list` prints."""
    rows = []
    for entry in entries:
        row: dict[str, Any] = {
            "site": entry.name,
            "from": origin_of(entry, directory_set),
            "source": entry.source,
            "swept": origin_of(entry, directory_set) != NOT_SWEPT,
            "error": entry.error,
        }
        if entry.config is not None:
            due = SiteDue(entry.config, last_finished(state_dir, entry.name))
            row["interval_s"] = entry.config.interval.total_seconds()
            due_at = due.due_at
            is_due = due_at is None or due.is_due(datetime.fromtimestamp(now, UTC))
            row["next_due"] = "now" if is_due or due_at is None else due_at.isoformat(timespec="seconds")
        if (state_dir / f"{entry.name}.sqlite3").is_file():
            report = load_site_reports(state_dir, 20, entry.name)[0]
            last = report.last_run
            with_records = report.last_with_records
            plain, stealthy = report.requests
            started = run_started(last) if last else None
            new_at = run_started(with_records) if with_records else None
            row |= {
                "last_run": last.started if last else None,
                "last_run_age_s": now - started if started else None,
                "status": report.status,
                "records_last_run": report.records_last,
                "last_new_records_age_s": now - new_at if new_at else None,
                "requests_plain": plain,
                "requests_stealthy": stealthy,
                "error": entry.error or report.error,
            }
        rows.append(row)
    return rows


def cmd_list(args: argparse.Namespace) -> int:
    entries = _entries(args, bundled=args.bundled)  # an unusable directory: cli.main prints it, exit 2
    state_dir = state_directory(args.state_dir)
    directory_set = bool(args.sites_dir or sites_dir())
    rows = site_rows(entries, state_dir, time.time(), directory_set)
    if args.json:
        json.dump(rows, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    header = ("site", "from", "last run", "status", "records", "last new", "plain/stealthy", "next due")
    table = [header]
    for row in rows:
        if row["error"] and "status" not in row:
            table.append((row["site"], row["from"], "-", "broken", "-", "-", "-", row["error"][:60]))
            continue
        tier = f"{row['requests_plain']}/{row['requests_stealthy']}" if "requests_plain" in row else "-"
        due = str(row.get("next_due", "-")) if row["swept"] else "-a site= only"
        table.append((
            row["site"], row["from"], _age(row.get("last_run_age_s")), row.get("status", "never run"),
            str(row.get("records_last_run", "-")), _age(row.get("last_new_records_age_s")), tier, due,
        ))  # fmt: skip
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for line in table:
        sys.stdout.write(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        )
        sys.stdout.write("\n")
    return 0
