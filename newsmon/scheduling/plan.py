"""Which due site goes to which scrapyd node: a pure function of the sites, the nodes' jobs and the time.

The nodes' job lists are the cross-node source of truth, because every job newsmon schedules carries an id
naming its sites (`<site>.<UTC time>`, `<a>+<b>.<UTC time>` for a batch): a site pending or running on any
node is not sent again, and its last finished job says where its SQLite state lives (affinity) and, when
no shared state directory is given, when it last ran (due-ness).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from newsmon.sites import SiteConfig
from newsmon.sweep.due import SiteDue

_SITE = r"[a-z0-9][a-z0-9_-]{0,63}"  # newsmon.sites.SITE_NAME
JOB_ID = re.compile(rf"^(?P<sites>{_SITE}(?:\+{_SITE})*)\.(?P<at>\d{{8}}T\d{{6}}Z)$")
JOB_TIME = "%Y%m%dT%H%M%SZ"
# a job id names a log file on the node (`<job>.log`): keep it well under the 255-byte file name limit
MAX_JOB_ID = 200

JobState = Literal["pending", "running", "finished"]


def job_id(sites: Sequence[str], at: datetime) -> str:
    """`<site>.<UTC time>`, or `<a>+<b>.<UTC time>` for a batch: listjobs on any node then names the sites."""
    return "+".join(sites) + "." + at.astimezone(UTC).strftime(JOB_TIME)


def scrapyd_time(value: Any) -> datetime | None:
    """A listjobs `start_time`/`end_time`: scrapyd writes the node's local time without a zone, read here as
    this machine's local time (run the scheduler and the nodes in one timezone, UTC on servers)."""
    if not isinstance(value, str) or not value or value == "None":
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.astimezone(UTC)  # naive: local time


@dataclass(frozen=True)
class Job:
    """A scrapyd job as listjobs shows it, with the sites it crawls as far as they can be told."""

    id: str
    state: JobState
    sites: tuple[str, ...]  # empty: a job that names no site (another spider's, or a `sites=all` sweep)
    ended: datetime | None = None  # finished jobs: when the process ended
    scheduled: datetime | None = None  # newsmon's jobs: the time in the id

    @classmethod
    def from_listjobs(cls, entry: Mapping[str, Any], state: JobState, generic_spider: str) -> Job:
        """The sites: from newsmon's job id; else a pending job's `site`/`sites` argument; else the spider's
        name for a site spider (`euromaidan` crawls the site of that name, e.g. the cron line's job)."""
        job = str(entry.get("id", ""))
        sites: tuple[str, ...] = ()
        scheduled = None
        if match := JOB_ID.match(job):
            sites = tuple(match["sites"].split("+"))
            try:
                scheduled = datetime.strptime(match["at"], JOB_TIME).replace(tzinfo=UTC)
            except ValueError:  # digits that are no date (month 13): the sites still count
                scheduled = None
        else:
            args = entry.get("args")
            named = str(args.get("site") or args.get("sites") or "") if isinstance(args, Mapping) else ""
            spider = str(entry.get("spider", ""))
            if named and named != "all":
                sites = tuple(s.strip() for s in named.split(",") if s.strip())
            elif spider and spider != generic_spider:
                sites = (spider,)
        ended = scrapyd_time(entry.get("end_time")) if state == "finished" else None
        return cls(job, state, sites, ended or (scheduled if state == "finished" else None), scheduled)


@dataclass(frozen=True)
class NodeState:
    """What one scrapyd node said (or why it could not be asked)."""

    name: str  # its URL without credentials: what every line shows
    error: str | None = None  # why it cannot be used this round (None: it answered)
    refused: bool = False  # it refused the credentials (401/403)
    pending: int = 0  # jobs queued on the node, every project
    running: int = 0
    jobs: tuple[Job, ...] = ()  # the project's jobs, pending, running and finished

    @property
    def up(self) -> bool:
        return self.error is None

    @property
    def busy(self) -> int:
        return self.pending + self.running


Kind = Literal["schedule", "active", "not_due", "no_room"]


@dataclass(frozen=True)
class Decision:
    """One line of the plan: what happens to one site, and why."""

    site: str
    kind: Kind
    node: str | None = None  # schedule: where it goes; active: where it is; no_room: the node it waits for
    job: str | None = None  # schedule: the new job's id; active: the job pending or running
    why: str = ""  # schedule: last ran there / least busy / moved; active: pending or running
    until: datetime | None = None  # not_due: when it is due
    last: datetime | None = None  # not_due: when its last run ended

    def describe(self, dry_run: bool = False) -> str:
        if self.kind == "schedule":
            verb = "would schedule" if dry_run else "scheduled"
            return f"{self.site}: {verb} on {self.node} as job {self.job} ({self.why})"
        if self.kind == "active":
            return f"{self.site}: skipped: {self.why} on {self.node} as job {self.job}"
        if self.kind == "not_due":
            assert self.until is not None and self.last is not None
            until, last = stamp(self.until), stamp(self.last)
            return f"{self.site}: skipped: not due until {until} (last run ended {last})"
        return f"{self.site}: skipped: {self.why}"


@dataclass(frozen=True)
class NewJob:
    node: str
    id: str
    sites: tuple[str, ...]


@dataclass
class Plan:
    decisions: list[Decision]  # one per site, in the order the sites were given
    jobs: list[NewJob] = field(default_factory=list)  # what to send, node by node


def stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def group(sites: Sequence[str], batch: int, at: datetime) -> list[tuple[str, ...]]:
    """Sites in jobs of up to `batch` each, a job's id kept under MAX_JOB_ID characters."""
    jobs: list[list[str]] = []
    for site in sites:
        if jobs and len(jobs[-1]) < batch and len(job_id([*jobs[-1], site], at)) <= MAX_JOB_ID:
            jobs[-1].append(site)
        else:
            jobs.append([site])
    return [tuple(job) for job in jobs]


@dataclass
class JobIndex:
    """What the nodes' jobs say of each site: a job pending or running (a running one wins), and the node
    and end of its last finished job."""

    active: dict[str, tuple[NodeState, Job]] = field(default_factory=dict)
    history: dict[str, tuple[datetime, NodeState]] = field(default_factory=dict)

    @classmethod
    def of(cls, up: Sequence[NodeState]) -> JobIndex:
        index = cls()
        for node in up:
            for job in node.jobs:
                for name in job.sites:
                    index.add(name, node, job)
        return index

    def add(self, name: str, node: NodeState, job: Job) -> None:
        if job.state != "finished":
            if name not in self.active or job.state == "running":
                self.active[name] = (node, job)
        elif job.ended is not None and (name not in self.history or self.history[name][0] < job.ended):
            self.history[name] = (job.ended, node)

    def home(self, name: str) -> NodeState | None:
        """The node of the site's last finished job (its SQLite state is there)."""
        return self.history[name][1] if name in self.history else None


def triage(
    sites: Sequence[SiteConfig],
    index: JobIndex,
    now: datetime,
    last_finished: Mapping[str, datetime | None] | None,
) -> tuple[dict[str, Decision], list[SiteDue]]:
    """The sites decided already (active somewhere, or not due) and the due ones, longest overdue first."""
    decided: dict[str, Decision] = {}
    due: list[SiteDue] = []
    for site in sites:
        if site.name in index.active:
            node, job = index.active[site.name]
            decided[site.name] = Decision(site.name, "active", node.name, job.id, job.state)
            continue
        ran = index.history.get(site.name)
        last = last_finished.get(site.name) if last_finished is not None else (ran[0] if ran else None)
        entry = SiteDue(site, last)
        if not entry.is_due(now):
            decided[site.name] = Decision(site.name, "not_due", until=entry.due_at, last=last)
        else:
            due.append(entry)
    oldest = datetime.min.replace(tzinfo=UTC)
    due.sort(key=lambda entry: (entry.due_at or oldest, entry.site.name))
    return decided, due


@dataclass
class Placement:
    """The sites placed on the nodes that answered this round, and each node's load with them."""

    up: Sequence[NodeState]
    now: datetime
    batch: int = 1
    max_per_node: int | None = None
    placed: dict[str, list[str]] = field(default_factory=dict)
    decided: dict[str, Decision] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for node in self.up:
            self.placed.setdefault(node.name, [])

    def load(self, node: NodeState, extra: Iterable[str] = ()) -> int:
        """The node's jobs: busy, plus this round's (batched) with ``extra`` placed too."""
        return node.busy + len(group([*self.placed[node.name], *extra], self.batch, self.now))

    def room(self, node: NodeState, site: str) -> bool:
        return self.max_per_node is None or self.load(node, [site]) <= self.max_per_node

    def place(self, site: str, node: NodeState, why: str) -> None:
        self.placed[node.name].append(site)
        self.decided[site] = Decision(site, "schedule", node.name, why=why)

    def refuse(self, site: str, node: str | None, why: str) -> None:
        self.decided[site] = Decision(site, "no_room", node, why=why)

    def jobs(self) -> list[NewJob]:
        """What to send, node by node, in batches."""
        return [
            NewJob(node.name, job_id(members, self.now), members)
            for node in self.up
            for members in group(self.placed[node.name], self.batch, self.now)
        ]


def place_at_home(
    due: Sequence[SiteDue], index: JobIndex, placement: Placement, sticky: bool
) -> list[tuple[str, NodeState | None]]:
    """Affinity first, so that new sites do not crowd a node's own sites out: a due site goes back to the
    node it last ran on while that node has room (or, ``sticky``, waits for it). The rest, with their home."""
    rest: list[tuple[str, NodeState | None]] = []
    for entry in due:
        name = entry.site.name
        home = index.home(name)
        if home is not None and placement.room(home, name):
            placement.place(name, home, "last ran there")
        elif home is not None and sticky:
            placement.refuse(name, home.name, f"waiting for {home.name} (full)")
        else:
            rest.append((name, home))
    return rest


def place_least_busy(rest: Sequence[tuple[str, NodeState | None]], placement: Placement) -> None:
    """Each remaining site to the node with the fewest jobs once it is placed (with batches, filling a
    node's open job costs nothing); ties to the first node given."""
    order = {node.name: i for i, node in enumerate(placement.up)}
    for name, home in rest:
        options = [node for node in placement.up if placement.room(node, name)]
        if not options:
            full = f"every node is full (--max-per-node {placement.max_per_node})"
            placement.refuse(name, None, full if placement.up else "no scrapyd node answered")
            continue
        node = min(options, key=lambda n: (placement.load(n, [name]), order[n.name]))
        placement.place(name, node, "least busy" if home is None else f"moved: {home.name} is full")


def plan(
    sites: Sequence[SiteConfig],
    nodes: Sequence[NodeState],
    now: datetime,
    *,
    last_finished: Mapping[str, datetime | None] | None = None,
    max_per_node: int | None = None,
    batch: int = 1,
    sticky: bool = False,
) -> Plan:
    """Where each due site goes.

    - Never twice: a site pending or running on any node that answered is skipped.
    - Due: `interval` passed since its last run ended (`last_finished`, from a shared state directory,
      else its last finished job on any node), with newsmon.sweep.due's minute of slack.
    - Affinity first: a site goes back to the node of its last finished job (its SQLite state is there)
      while that node answered and has room; then the others, longest overdue first, each to the node with
      the fewest jobs (busy + sent this round). `max_per_node` caps a node's jobs (None: no cap); a site
      whose node is full moves to another one, or with `sticky` waits for it.
    """
    up = [node for node in nodes if node.up]
    index = JobIndex.of(up)
    decided, due = triage(sites, index, now, last_finished)
    placement = Placement(up, now, batch, max_per_node)
    place_least_busy(place_at_home(due, index, placement, sticky), placement)
    decided.update(placement.decided)
    jobs = placement.jobs()
    ids = {site: job.id for job in jobs for site in job.sites}
    decisions = [decided[site.name] for site in sites]
    decisions = [
        Decision(d.site, d.kind, d.node, ids[d.site], d.why) if d.kind == "schedule" else d for d in decisions
    ]
    return Plan(decisions, jobs)
