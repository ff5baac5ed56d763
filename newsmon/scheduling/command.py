"""`newsmon schedule --scrapyd URL [--scrapyd URL ...]`: ask every node, plan, send, one line per site.

stdout: one line per site (scheduled on X as job J / skipped: running on Y / not due until T). stderr: one
line per node that could not be used (its URL without credentials) and a summary. Exit status 0 when every
node answered and took its jobs; 69 (EX_UNAVAILABLE) when a node was unreachable, answered with an error or
did not take a job (the others still got theirs); 77 (EX_NOPERM) when a node refused the credentials.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsmon.crawl.arguments import EXIT_BAD_ARGUMENT
from newsmon.deadline import Deadline
from newsmon.scheduling.plan import NodeState, Plan, plan
from newsmon.scheduling.scrapyd import (
    Node,
    NodeError,
    auth_from_env,
    node_states,
    parse_node,
    schedule,
)
from newsmon.sites.catalog import ALL, SiteEntry, select_all, select_sites, sites_dir
from newsmon.sweep.due import last_finished

EXIT_OK = 0
EXIT_UNAVAILABLE = 69  # EX_UNAVAILABLE: a node could not be asked or did not take its job
EXIT_NOPERM = 77  # EX_NOPERM: a node refused the credentials (fix them; it will not pass by itself)
PREFIX = "newsmon schedule"
SETTING = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*=")


def setting(value: str) -> str:
    if not SETTING.match(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not NAME=VALUE")
    return value


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value} is not at least 1")
    return number


def seconds(value: str) -> float:
    number = float(value)
    if not 0 < number < 86400:  # NaN and inf fail too
        raise argparse.ArgumentTypeError(f"{value} is not a number of seconds above 0 and below a day")
    return number


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Register `newsmon schedule` on the subparsers of newsmon/cli/__init__.py's build_parser."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "schedule",
        help="send each due site to the least busy scrapyd node (schedule.json), never twice at once",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--scrapyd", action="append", required=True, metavar="URL",
        help="a scrapyd node (repeat for each); credentials: user:pass@ in the URL, --auth-env, else netrc",
    )  # fmt: skip
    parser.add_argument("--project", default="newsmon", help="scrapyd project (default newsmon)")
    parser.add_argument("--spider", default="news", help="spider the jobs run (default news: -a site=NAME)")
    parser.add_argument(
        "--sites", default="all", help="all (NEWSMON_SITES_DIR's sites, else the bundled ones) or a,b,c"
    )
    parser.add_argument("--sites-dir", help="directory of site TOMLs (default: $NEWSMON_SITES_DIR)")
    parser.add_argument(
        "--state-dir", type=Path,
        help="a state directory the nodes share (NEWSMON_STATE_DIR): due-ness from its stores rather than "
        "from the nodes' finished jobs",
    )  # fmt: skip
    parser.add_argument(
        "--max-per-node", type=positive, metavar="N",
        help="at most N jobs pending or running on a node, counting its other jobs (default: no cap)",
    )  # fmt: skip
    parser.add_argument(
        "--sticky", action="store_true",
        help="a site whose node is full waits for it instead of moving (nodes with their own state)",
    )  # fmt: skip
    parser.add_argument(
        "--batch", type=positive, default=1, metavar="N",
        help="up to N sites of a node in one job (crawl -a sites=a,b: the sweep scrapyd runs; default 1)",
    )  # fmt: skip
    parser.add_argument(
        "-s", dest="settings", action="append", default=[], type=setting, metavar="NAME=VALUE",
        help="a setting for the jobs (scrapyd's setting=); repeat for more",
    )  # fmt: skip
    parser.add_argument("--auth-env", metavar="VAR", help="environment variable holding user:password")
    parser.add_argument("--netrc-file", type=Path, help="netrc file for credentials (default ~/.netrc)")
    parser.add_argument(
        "--timeout", type=seconds, default=10.0, help="seconds per request, all of the answer (default 10)"
    )
    parser.add_argument(
        "--deadline", type=seconds, default=300.0, metavar="SECONDS",
        help="seconds the whole command may spend on the nodes; no request starts after (default 300)",
    )  # fmt: skip
    parser.add_argument("--dry-run", action="store_true", help="print the plan; send nothing")
    parser.set_defaults(func=cmd_schedule)
    return parser


def cmd_schedule(args: argparse.Namespace) -> int:
    auth = auth_from_env(args.auth_env, os.environ) if args.auth_env else None
    nodes = [parse_node(url, auth, args.netrc_file) for url in args.scrapyd]
    names = [node.name for node in nodes]
    if len(set(names)) != len(names):
        raise ValueError("--scrapyd names the same node twice")
    if args.state_dir is not None and not args.state_dir.is_dir():  # a typo would make every site due
        raise ValueError(f"--state-dir {args.state_dir} is not a directory")
    directory = Path(args.sites_dir) if args.sites_dir else sites_dir()
    broken: list[SiteEntry] = []
    if args.sites.strip() == ALL:  # a broken file is reported and fails the exit status; the rest go out
        sites, broken = select_all(directory)
        for entry in broken:
            print(f"{PREFIX}: {entry.error}; not scheduled", file=sys.stderr)
    else:
        sites = select_sites(args.sites, directory)
    deadline = Deadline(args.deadline)  # every request of the command ends by it
    states = node_states(nodes, args.project, args.spider, args.timeout, deadline)
    for state in states:
        if not state.up:
            print(f"{PREFIX}: {state.name}: {state.error}; no jobs sent there", file=sys.stderr)
    now = datetime.now(UTC).replace(microsecond=0)
    finished = None
    if args.state_dir is not None:  # shared by the nodes: the stores themselves say when each site last ran
        finished = {site.name: last_finished(args.state_dir, site.name) for site in sites}
    result = plan(
        sites, states, now,
        last_finished=finished, max_per_node=args.max_per_node, batch=args.batch, sticky=args.sticky,
    )  # fmt: skip
    failed = {} if args.dry_run else send(result, nodes, args, deadline)
    for decision in result.decisions:
        if decision.job in failed:
            why = failed[decision.job]
            print(f"{decision.site}: failed: {decision.node} did not take job {decision.job}: {why}")
        else:
            print(decision.describe(dry_run=args.dry_run))
    sys.stdout.flush()
    print(summary(result, states, failed, args.dry_run), file=sys.stderr)
    return exit_status(states, failed) or (EXIT_BAD_ARGUMENT if broken else EXIT_OK)


def send(result: Plan, nodes: list[Node], args: argparse.Namespace, deadline: Deadline) -> dict[str, str]:
    """Post every new job, the nodes at once (a node's first schedule.json of an egg version runs
    `scrapy list`, seconds); {job id: why it failed} for those a node did not take."""
    failed: dict[str, str] = {}

    def post(node: Node) -> None:
        for job in (job for job in result.jobs if job.node == node.name):
            arguments = {"site": job.sites[0]} if len(job.sites) == 1 else {"sites": ",".join(job.sites)}
            try:
                schedule(
                    node, args.project, args.spider, job.id, arguments, args.settings, args.timeout, deadline
                )
            except NodeError as exc:
                failed[job.id] = str(exc)

    with ThreadPoolExecutor(max_workers=max(1, len(nodes))) as pool:
        list(pool.map(post, nodes))
    return failed


def summary(result: Plan, states: list[NodeState], failed: dict[str, str], dry_run: bool) -> str:
    counts: dict[str, int] = {}
    for decision in result.decisions:
        counts[decision.kind] = counts.get(decision.kind, 0) + 1
    sent = counts.get("schedule", 0) - sum(d.job in failed for d in result.decisions)
    down = sum(not state.up for state in states)
    parts = [
        f"{sent} {'to schedule' if dry_run else 'scheduled'}",
        f"{counts.get('active', 0)} pending or running",
        f"{counts.get('not_due', 0)} not due",
    ]
    if counts.get("no_room"):
        parts.append(f"{counts['no_room']} without a node")
    if failed:
        parts.append(f"{len(failed)} jobs not taken")
    parts.append(f"{len(states) - down} of {len(states)} nodes answered")
    return f"{PREFIX}: {', '.join(parts)}" + (" (dry run: nothing sent)" if dry_run else "")


def exit_status(states: list[NodeState], failed: dict[str, str]) -> int:
    if any(state.refused for state in states):
        return EXIT_NOPERM
    if failed or any(not state.up for state in states):
        return EXIT_UNAVAILABLE
    return EXIT_OK
