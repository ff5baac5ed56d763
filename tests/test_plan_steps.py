"""The pure steps of the scrapyd plan (newsmon/scheduling/plan.py), each on its own: what the nodes' jobs
say of a site, which sites are due, affinity placement and least-busy placement."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newsmon.scheduling.plan import (
    Job,
    JobIndex,
    NodeState,
    Placement,
    job_id,
    place_at_home,
    place_least_busy,
    triage,
)
from newsmon.sites import SiteConfig
from newsmon.sweep.due import SiteDue

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def site(name: str) -> SiteConfig:
    return SiteConfig(name=name, origin=f"https://{name}.example", hosts=(f"{name}.example",), interval=HOUR)


def finished(name: str, ended: datetime) -> Job:
    return Job(job_id([name], ended), "finished", (name,), ended=ended)


def test_job_index_prefers_a_running_job_and_the_latest_finished_one() -> None:
    pending = Job("p", "pending", ("a",))
    running = Job("r", "running", ("a",))
    one = NodeState("one", jobs=(pending, finished("b", NOW - 3 * HOUR)))
    two = NodeState("two", jobs=(running, finished("b", NOW - HOUR)))
    index = JobIndex.of([one, two])
    assert index.active["a"] == (two, running)
    assert index.home("b") is two and index.history["b"][0] == NOW - HOUR
    assert index.home("a") is None
    index.add("a", one, Job("p2", "pending", ("a",)))  # a pending job never hides a running one
    assert index.active["a"][1] is running


def test_triage_skips_active_and_not_due_sites_and_orders_the_due_ones() -> None:
    node = NodeState(
        "one", jobs=(Job("x", "running", ("busy",)), finished("fresh", NOW - timedelta(minutes=5)))
    )
    index = JobIndex.of([node])
    last = {"old": NOW - 5 * HOUR, "older": NOW - 9 * HOUR}
    decided, due = triage([site("busy"), site("fresh"), site("old"), site("older")], index, NOW, None)
    assert decided["busy"].kind == "active" and decided["busy"].why == "running"
    assert decided["fresh"].kind == "not_due"
    assert [entry.site.name for entry in due] == ["old", "older"]  # never ran: both due at once, by name
    decided, due = triage([site("old"), site("older")], index, NOW, last)  # a shared state directory
    assert [entry.site.name for entry in due] == ["older", "old"]  # longest overdue first


def test_place_at_home_keeps_affinity_waits_when_sticky_and_hands_on_the_rest() -> None:
    home = NodeState("home", running=1, jobs=(finished("a", NOW - 2 * HOUR), finished("b", NOW - 2 * HOUR)))
    index = JobIndex.of([home])
    due = [SiteDue(site(name), NOW - 2 * HOUR) for name in ("a", "b", "c")]
    placement = Placement([home], NOW, max_per_node=2)
    rest = place_at_home(due, index, placement, sticky=False)
    assert placement.placed["home"] == ["a"]  # one running + a: full
    assert [(name, node.name if node else None) for name, node in rest] == [("b", "home"), ("c", None)]
    sticky = Placement([home], NOW, max_per_node=2)
    assert [name for name, _ in place_at_home(due, index, sticky, sticky=True)] == ["c"]
    assert sticky.decided["b"].kind == "no_room" and sticky.decided["b"].node == "home"


def test_place_least_busy_fills_the_emptiest_node_and_names_a_full_house() -> None:
    busy, idle = NodeState("busy", running=2), NodeState("idle")
    placement = Placement([busy, idle], NOW, max_per_node=2)
    place_least_busy([("a", None), ("b", busy), ("c", None)], placement)
    assert placement.placed == {"busy": [], "idle": ["a", "b"]}
    assert placement.decided["b"].why == "moved: busy is full"
    assert placement.decided["c"].kind == "no_room" and "every node is full" in placement.decided["c"].why
    nobody = Placement([], NOW)
    place_least_busy([("a", None)], nobody)
    assert nobody.decided["a"].why == "no scrapyd node answered"


def test_placement_batches_sites_into_one_job_per_node() -> None:
    placement = Placement([NodeState("one")], NOW, batch=3)
    for name in ("a", "b", "c", "d"):
        placement.place(name, placement.up[0], "least busy")
    assert placement.load(placement.up[0]) == 2
    assert [job.sites for job in placement.jobs()] == [("a", "b", "c"), ("d",)]


def test_the_plan_stays_in_small_steps() -> None:
    """plan() was one function of McCabe complexity 18 (radon: 39); each step now stays under 10."""
    import subprocess
    import sys
    from pathlib import Path

    ruff = Path(sys.executable).with_name("ruff")
    plan_py = Path(__file__).resolve().parents[1] / "newsmon" / "scheduling" / "plan.py"
    checked = subprocess.run(
        [
            str(ruff),
            "check",
            "--isolated",
            "--select",
            "C901",
            "--config",
            "lint.mccabe.max-complexity=10",
            str(plan_py),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout
