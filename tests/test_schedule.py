"""`newsmon schedule`: the planner on its own (least busy, affinity, never twice, due-ness, unreachable nodes,
caps, batches), the HTTP client against a stub API, and the whole command against two real scrapyd nodes
(auth on) crawling four local sites.
"""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from newsmon.cli import main
from newsmon.scheduling.command import EXIT_NOPERM, EXIT_OK, EXIT_UNAVAILABLE
from newsmon.scheduling.plan import (
    Decision,
    Job,
    NodeState,
    group,
    job_id,
    plan,
    scrapyd_time,
)
from newsmon.scheduling.scrapyd import Node, NodeError, auth_from_env, call, parse_node, redact_url
from newsmon.sites import SiteConfig
from tests.crawl_helpers import read_jsonl
from tests.forkserver import run_python
from tests.othersites import atom_site
from tests.othersites.model import Reply
from tests.ports import refused_port
from tests.site_server import SiteServer, serving
from tests.test_deploy import (
    DEPLOY,
    PASSWORD,
    USERNAME,
    VENV_BIN,
    auth_header,
    copy_project,
    deps_only_python,
    free_port,
    http_get,
    require,
    scrapyd_conf,
)

pytestmark = pytest.mark.crawl

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def site(name: str, interval: timedelta = HOUR) -> SiteConfig:
    return SiteConfig(
        name=name, origin=f"https://{name}.example", hosts=(f"{name}.example",), interval=interval
    )


def finished(name: str, ended: datetime) -> Job:
    return Job(job_id([name], ended - timedelta(minutes=5)), "finished", (name,), ended=ended)


def node(name: str, *jobs: Job, pending: int = 0, running: int | None = None) -> NodeState:
    active = sum(job.state == "running" for job in jobs)
    return NodeState(name, pending=pending, running=active if running is None else running, jobs=jobs)


def where(result: Any) -> dict[str, str | None]:
    return {d.site: d.node for d in result.decisions if d.kind == "schedule"}


# --- the planner ------------------------------------------------------------------------------------------


def test_new_sites_go_to_the_least_busy_node_in_turn() -> None:
    result = plan([site("a"), site("b"), site("c")], [node("A", running=2), node("B")], NOW)
    # B (0) takes a, then B (1) still beats A (2); then a tie goes to the first node given
    assert where(result) == {"a": "B", "b": "B", "c": "A"}
    assert {d.why for d in result.decisions} == {"least busy"}
    assert [(j.node, j.id, j.sites) for j in result.jobs] == [
        ("A", "c.20260301T120000Z", ("c",)),
        ("B", "a.20260301T120000Z", ("a",)),
        ("B", "b.20260301T120000Z", ("b",)),
    ]


def test_a_site_goes_back_to_the_node_that_last_ran_it() -> None:
    ran = NOW - 2 * HOUR
    nodes = [
        node("A", finished("a", ran), running=3),
        node("B", finished("a", ran - HOUR), finished("b", ran)),
    ]
    result = plan([site("a"), site("b"), site("new")], nodes, NOW)
    # a ran last on A (its latest job), busier or not; b on B; the new site to the least busy
    assert where(result) == {"a": "A", "b": "B", "new": "B"}
    whys = {d.site: d.why for d in result.decisions}
    assert whys == {"a": "last ran there", "b": "last ran there", "new": "least busy"}


def test_affinity_is_placed_before_new_sites_take_the_room() -> None:
    # "aa" sorts first and is never-crawled (most overdue), yet "zz" keeps its place on its own node
    nodes = [node("A", finished("zz", NOW - 2 * HOUR)), node("B", running=1)]
    result = plan([site("aa"), site("zz")], nodes, NOW, max_per_node=1)
    assert where(result) == {"zz": "A"}
    (waiting,) = [d for d in result.decisions if d.kind == "no_room"]
    assert waiting.site == "aa" and "every node is full (--max-per-node 1)" in waiting.describe()


def test_a_site_whose_node_is_full_moves_unless_sticky() -> None:
    nodes = [node("A", finished("a", NOW - 2 * HOUR), running=2), node("B")]
    moved = plan([site("a")], nodes, NOW, max_per_node=2)
    assert where(moved) == {"a": "B"} and moved.decisions[0].why == "moved: A is full"
    waits = plan([site("a")], nodes, NOW, max_per_node=2, sticky=True)
    assert waits.jobs == [] and waits.decisions[0].describe() == "a: skipped: waiting for A (full)"


def test_never_twice_pending_or_running_anywhere() -> None:
    pending = Job("a.20260301T115900Z", "pending", ("a",))
    running = Job("b.20260301T115000Z", "running", ("b",))
    nodes = [node("A", pending, running), node("B")]
    result = plan([site("a"), site("b"), site("c")], nodes, NOW)
    assert where(result) == {"c": "B"}  # a and b are not sent to the idle B
    lines = [d.describe() for d in result.decisions]
    assert lines[0] == "a: skipped: pending on A as job a.20260301T115900Z"
    assert lines[1] == "b: skipped: running on A as job b.20260301T115000Z"
    # a job in a batch counts for each of its sites; running wins over pending in the line
    batch = Job("a+c.20260301T115900Z", "running", ("a", "c"))
    result = plan([site("a"), site("c")], [node("A", pending), node("B", batch)], NOW)
    assert result.jobs == [] and {d.node for d in result.decisions} == {"B"}


def test_jobs_scheduled_by_hand_count_too() -> None:
    # `curl schedule.json -d spider=euromaidan` (the cron alternative) and `-d spider=news -d site=x`
    by_spider = Job.from_listjobs({"id": "9f3c", "spider": "euromaidan"}, "running", "news")
    by_argument = Job.from_listjobs(
        {"id": "77aa", "spider": "news", "args": {"site": "x"}}, "pending", "news"
    )
    unknown = Job.from_listjobs({"id": "1b2c", "spider": "news"}, "running", "news")
    sweep = Job.from_listjobs({"id": "5d", "spider": "news", "args": {"sites": "all"}}, "pending", "news")
    assert (by_spider.sites, by_argument.sites, unknown.sites, sweep.sites) == (
        ("euromaidan",),
        ("x",),
        (),
        (),
    )
    result = plan([site("euromaidan"), site("x")], [node("A", by_spider), node("B", by_argument)], NOW)
    assert [d.kind for d in result.decisions] == ["active", "active"]


def test_listjobs_entries_are_read_with_their_times() -> None:
    entry = {"id": "a+b.20260301T100000Z", "spider": "news", "start_time": "2026-03-01 10:00:01.5"}
    entry["end_time"] = "2026-03-01 10:04:00.250000"
    job = Job.from_listjobs(entry, "finished", "news")
    assert job.sites == ("a", "b") and job.scheduled == datetime(2026, 3, 1, 10, tzinfo=UTC)
    assert job.ended == datetime(2026, 3, 1, 10, 4, 0, 250000).astimezone(UTC)  # the node's local time
    # no parseable end: the time in the id stands in for it
    entry["end_time"] = "None"
    assert Job.from_listjobs(entry, "finished", "news").ended == datetime(2026, 3, 1, 10, tzinfo=UTC)
    assert scrapyd_time("yesterday") is None and scrapyd_time(None) is None
    assert Job.from_listjobs({"id": "A.20260301T100000Z"}, "running", "news").sites == ()  # not a site name
    odd = Job.from_listjobs({"id": "a.20261399T100000Z"}, "running", "news")
    assert (odd.sites, odd.scheduled) == (("a",), None)


def test_sites_not_due_are_skipped_with_when_they_are() -> None:
    ended = NOW - timedelta(minutes=30)
    nodes = [node("A", finished("a", ended), finished("b", NOW - 2 * HOUR)), node("B")]
    result = plan([site("a"), site("b"), site("c", interval=timedelta(days=1))], nodes, NOW)
    assert where(result) == {"b": "A", "c": "B"}
    assert result.decisions[0] == Decision("a", "not_due", until=ended + HOUR, last=ended)
    assert result.decisions[0].describe() == (
        "a: skipped: not due until 2026-03-01T12:30:00Z (last run ended 2026-03-01T11:30:00Z)"
    )
    # a minute of slack, as a sweep has: a run that ended 59.5 minutes ago is due
    almost = plan([site("a")], [node("A", finished("a", NOW - HOUR + timedelta(seconds=30)))], NOW)
    assert where(almost) == {"a": "A"}


def test_a_shared_state_dir_decides_due_ness_and_listjobs_still_gives_the_node() -> None:
    nodes = [node("A"), node("B", finished("a", NOW - 3 * HOUR), finished("b", NOW - 3 * HOUR))]
    stores = {"a": NOW - timedelta(minutes=10), "b": None}  # a ran since (on a node gone from the list)
    result = plan([site("a"), site("b")], nodes, NOW, last_finished=stores)
    assert [d.kind for d in result.decisions] == ["not_due", "schedule"]
    assert result.decisions[1].node == "B" and result.decisions[1].why == "last ran there"


def test_unreachable_nodes_get_nothing_and_the_others_still_do() -> None:
    down = NodeState("A", error="unreachable: Connection refused")
    result = plan([site("a"), site("b")], [down, node("B", running=5)], NOW)
    assert where(result) == {"a": "B", "b": "B"}
    refused = NodeState("C", error="refused the credentials (HTTP 401)", refused=True)
    nothing = plan([site("a")], [down, refused], NOW)
    assert nothing.jobs == [] and nothing.decisions[0].describe() == "a: skipped: no scrapyd node answered"


def test_max_per_node_counts_the_nodes_own_jobs() -> None:
    nodes = [node("A", running=2, pending=1), node("B", running=1)]
    result = plan([site(n) for n in "abcde"], nodes, NOW, max_per_node=3)
    # A has 3 already: no room; B takes 2 more; the rest wait for the next round
    assert where(result) == {"a": "B", "b": "B"}
    assert [d.kind for d in result.decisions] == ["schedule", "schedule", "no_room", "no_room", "no_room"]


def test_longest_overdue_first_when_room_is_short() -> None:
    nodes = [node("A", finished("old", NOW - 5 * HOUR), finished("recent", NOW - 2 * HOUR))]
    nodes.append(node("B", running=1))
    result = plan([site("recent"), site("old"), site("never")], nodes, NOW, max_per_node=1)
    # the affinity pass goes in overdue order too: old takes A's one slot, recent may not move to full B
    assert where(result) == {"old": "A"}


def test_batches_group_a_nodes_sites_into_jobs() -> None:
    result = plan([site(n) for n in "abcde"], [node("A"), node("B")], NOW, batch=2, max_per_node=2)
    assert [(j.node, j.id, j.sites) for j in result.jobs] == [
        ("A", "a+b.20260301T120000Z", ("a", "b")),
        ("A", "e.20260301T120000Z", ("e",)),
        ("B", "c+d.20260301T120000Z", ("c", "d")),
    ]
    assert {d.site: d.job for d in result.decisions}["b"] == "a+b.20260301T120000Z"
    # the id stays a file name scrapyd can write: long site names close a batch early
    names = [f"{c}{'x' * 63}" for c in "abcd"]
    assert [len(j) for j in group(names, 10, NOW)] == [2, 2]


# --- the HTTP client --------------------------------------------------------------------------------------


def test_credentials_from_the_url_then_auth_env_then_netrc(tmp_path: Path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine node1 login ops password from-netrc\n", encoding="utf-8")
    netrc.chmod(0o600)
    assert parse_node("http://node1:6800", None, netrc) == Node("http://node1:6800/", "ops", "from-netrc")
    assert parse_node("http://node2:6800/", None, netrc) == Node("http://node2:6800/")
    env = auth_from_env("SCRAPYD_AUTH", {"SCRAPYD_AUTH": "bot:from:env"})
    assert parse_node("https://node1/scrapyd", env, netrc) == Node(
        "https://node1/scrapyd/", "bot", "from:env"
    )
    url = parse_node("http://u%40x:p%3Ass@node1:6800/", env, netrc)
    assert url == Node("http://node1:6800/", "u@x", "p:ss") and "p:ss" not in repr(url)
    with pytest.raises(ValueError, match=r"^--scrapyd ftp://\*\*\*@node1/: not an http"):
        parse_node("ftp://u:secret@node1/")
    with pytest.raises(ValueError, match=r"^--scrapyd http://\*\*\*@node1:x/: Port could not be cast"):
        parse_node("http://u:secret@node1:x/")
    with pytest.raises(ValueError, match="must hold user:password"):
        auth_from_env("SCRAPYD_AUTH", {"SCRAPYD_AUTH": "no-colon"})
    assert redact_url("http://u:secret@h:1/x") == "http://***@h:1/x"


class _Stub(BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}  # noqa: RUF012 (set per server subclass)
    seen: list[tuple[str, str, dict[str, str]]] = []  # noqa: RUF012

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        self.seen.append((self.command, self.path, {**dict(self.headers.items()), "body": body}))
        path = urlsplit(self.path).path.lstrip("/")
        status, headers, payload = self.routes.get(path, (404, {}, b"not here"))
        if path == "slow":
            time.sleep(1)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _answer


@pytest.fixture
def stub() -> Iterator[tuple[str, type[_Stub]]]:
    handler = type("Stub", (_Stub,), {"routes": {}, "seen": []})
    with serving(handler) as server:
        yield f"http://127.0.0.1:{server.server_address[1]}/", handler


def test_redirects_are_not_followed_with_the_credentials(stub: tuple[str, type[_Stub]]) -> None:
    url, handler = stub
    handler.routes["daemonstatus.json"] = (302, {"Location": url + "elsewhere"}, b"")
    handler.routes["elsewhere"] = (200, {}, b'{"status": "ok"}')
    with pytest.raises(NodeError, match="HTTP 302"):
        call(Node(url, "ops", "pw-not-to-leak"), "daemonstatus.json", 5)
    assert [path for _, path, _ in handler.seen] == ["/daemonstatus.json"]


def test_client_errors_are_one_line_without_the_password(stub: tuple[str, type[_Stub]]) -> None:
    url, handler = stub
    secret = Node(url, "ops", "pw-not-to-leak")
    handler.routes["listjobs.json"] = (
        200,
        {},
        b'{"status": "error", "message": "pw-not-to-leak is bad\\nx"}',
    )
    handler.routes["html"] = (200, {}, b"<html>")
    handler.routes["slow"] = (200, {}, b"{}")
    handler.routes["auth"] = (401, {}, b"")
    cases = {
        "listjobs.json": "listjobs.json: *** is bad",
        "html": "html: the answer is not JSON (not a scrapyd API?)",
        "slow": "slow: no answer within 0.5 s",
        "auth": "refused the credentials (HTTP 401)",
    }
    for endpoint, message in cases.items():
        with pytest.raises(NodeError) as caught:
            call(secret, endpoint, 0.5)
        assert str(caught.value) == message and (caught.value.refused == (endpoint == "auth"))
    assert handler.seen[0][2]["Authorization"] == "Basic " + base64.b64encode(b"ops:pw-not-to-leak").decode()
    with pytest.raises(NodeError, match=r"^unreachable: Connection refused$"):
        call(Node(f"http://127.0.0.1:{refused_port()}/"), "daemonstatus.json", 5)


class FakeScrapyd:
    """The three endpoints `newsmon schedule` uses, with basic auth, jobs kept in memory."""

    def __init__(
        self, url: str, handler: type[_Stub], jobs: Mapping[str, list[dict[str, Any]]] | None = None
    ):
        self.url, self.handler = url, handler
        self.listing = {"pending": [], "running": [], "finished": [], **(jobs or {})}
        self.update()

    def update(self) -> None:
        status = {
            "status": "ok",
            "pending": len(self.listing["pending"]),
            "running": len(self.listing["running"]),
        }
        self.handler.routes["daemonstatus.json"] = (200, {}, json.dumps(status).encode())
        self.handler.routes["listjobs.json"] = (
            200,
            {},
            json.dumps({"status": "ok", **self.listing}).encode(),
        )
        self.handler.routes["schedule.json"] = (200, {}, b'{"status": "ok", "jobid": "x"}')

    def posted(self) -> list[dict[str, list[str]]]:
        return [parse_qs(headers["body"]) for method, _, headers in self.handler.seen if method == "POST"]


def write_sites(directory: Path, names: list[str], origin: str = "https://example.org") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name in names:
        text = f'name = "{name}"\norigin = "{origin}"\nfeeds = ["/feed/"]\ninterval = "1h"\n'
        (directory / f"{name}.toml").write_text(text, encoding="utf-8")
    return directory


def test_command_sends_settings_batches_and_reads_a_shared_state_dir(
    tmp_path: Path, stub: tuple[str, type[_Stub]], capsys: pytest.CaptureFixture[str]
) -> None:
    url, handler = stub
    fake = FakeScrapyd(url, handler)
    sites = write_sites(tmp_path / "sites", ["alpha", "beta", "gamma", "delta"])
    state = tmp_path / "state"
    state.mkdir()
    with sqlite3.connect(state / "gamma.sqlite3") as db:  # gamma finished a run a minute ago
        db.execute("CREATE TABLE runs (started REAL, ended REAL)")
        db.execute("INSERT INTO runs VALUES (?, ?)", (time.time() - 120, time.time() - 60))
    db.close()
    argv = [
        "schedule",
        "--scrapyd",
        url.replace("http://", "http://ops:Pa55-word-x@"),
        "--sites-dir",
        str(sites),
    ]
    argv += ["--state-dir", str(state), "--batch", "2", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "A=b=c"]
    assert main(argv) == EXIT_OK
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["alpha", "beta", "delta", "gamma"]  # by name
    assert lines[3].startswith("gamma: skipped: not due until ")
    assert all(f"scheduled on {url} as job " in line and "(least busy)" in line for line in lines[:3])
    ((form_ab), (form_d)) = fake.posted()
    assert form_ab["sites"] == ["alpha,beta"] and form_ab["jobid"][0].startswith("alpha+beta.")
    assert form_d["site"] == ["delta"] and "sites" not in form_d
    assert form_ab["setting"] == ["AUTOTHROTTLE_ENABLED=False", "A=b=c"]
    assert (form_ab["project"], form_ab["spider"]) == (["newsmon"], ["news"])
    assert "Pa55-word-x" not in out + err
    assert err.strip().endswith("3 scheduled, 0 pending or running, 1 not due, 1 of 1 nodes answered")


def test_command_schedules_the_usable_sites_and_fails_on_a_broken_file(
    tmp_path: Path, stub: tuple[str, type[_Stub]], capsys: pytest.CaptureFixture[str]
) -> None:
    url, handler = stub
    fake = FakeScrapyd(url, handler)
    sites = write_sites(tmp_path / "sites", ["alpha"])
    (sites / "bad.toml").write_text('name = "bad"\norigin = "https://x.example"\ninterval = "soon"\n')
    assert main(["schedule", "--scrapyd", url, "--sites-dir", str(sites)]) == 2
    out, err = capsys.readouterr()
    assert out.startswith("alpha: scheduled on ") and "bad.toml: 'interval'" in err and "not scheduled" in err
    assert [form["site"] for form in fake.posted()] == [["alpha"]]


def test_command_reports_refused_and_failed_nodes(
    tmp_path: Path, stub: tuple[str, type[_Stub]], capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    url, handler = stub
    fake = FakeScrapyd(url, handler)
    sites = write_sites(tmp_path / "sites", ["alpha"])
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.netrc
    monkeypatch.setenv("SCRAPYD_AUTH", "ops:env-Pa55-word")
    port = refused_port()
    dead = f"http://ops:dead-Pa55-word@127.0.0.1:{port}/"
    # a dead node: the live one still gets the job, status 69, the dead one's password is not printed
    assert (
        main(["schedule", "--scrapyd", dead, "--scrapyd", url, "--sites-dir", str(sites)]) == EXIT_UNAVAILABLE
    )
    out, err = capsys.readouterr()
    assert out == f"alpha: scheduled on {url} as job {fake.posted()[0]['jobid'][0]} (least busy)\n"
    # one line for the dead node and the summary (under load a logging warning of another component may come
    # through the root logger's last-resort handler too: the test is about these two lines)
    node_line = (
        f"newsmon schedule: http://127.0.0.1:{port}/: unreachable: Connection refused; no jobs sent there"
    )
    assert node_line in err.splitlines()
    assert any(line.startswith("newsmon schedule: 1 scheduled, ") for line in err.splitlines())
    assert "Traceback" not in err
    assert "dead-Pa55-word" not in err
    # a node that answers but does not take the job: the site's line says so, status 69
    handler.routes["schedule.json"] = (
        200,
        {},
        b'{"status": "error", "message": "spider \'news\' not found"}',
    )
    assert main(["schedule", "--scrapyd", url, "--sites-dir", str(sites), "--auth-env", "SCRAPYD_AUTH"]) == 69
    out, err = capsys.readouterr()
    assert f"alpha: failed: {url} did not take job alpha." in out and "spider 'news' not found" in out
    assert "0 scheduled" in err and "1 jobs not taken" in err
    assert handler.seen[-1][2]["Authorization"] == "Basic " + base64.b64encode(b"ops:env-Pa55-word").decode()
    # refused credentials: 77, nothing sent
    handler.routes["daemonstatus.json"] = (401, {}, b"")
    before = len(fake.posted())
    assert main(["schedule", "--scrapyd", url, "--sites-dir", str(sites)]) == EXIT_NOPERM
    out, err = capsys.readouterr()
    assert "refused a request without credentials (HTTP 401); give them in netrc, --auth-env or" in err
    assert out == "alpha: skipped: no scrapyd node answered\n" and len(fake.posted()) == before
    # the dry run asks the nodes but sends nothing
    fake.update()
    assert main(["schedule", "--scrapyd", url, "--sites-dir", str(sites), "--dry-run"]) == EXIT_OK
    out, err = capsys.readouterr()
    assert out.startswith(f"alpha: would schedule on {url} as job alpha.") and len(fake.posted()) == before
    assert err.rstrip().endswith("(dry run: nothing sent)")


def test_command_refuses_bad_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sites = write_sites(tmp_path / "sites", ["alpha"])
    for argv, message in (
        (["--scrapyd", "127.0.0.1:6800"], "not an http(s)://host[:port]/ URL"),
        (["--scrapyd", "http://a/", "--scrapyd", "http://a"], "names the same node twice"),
        (["--scrapyd", "http://a/", "--auth-env", "NEWSMON_TEST_UNSET"], "not set or empty"),
        (["--scrapyd", "http://a/", "--sites", "nope"], "no site named 'nope'"),
        (["--scrapyd", "http://a/", "--state-dir", str(tmp_path / "typo")], "typo is not a directory"),
    ):
        assert main(["schedule", "--sites-dir", str(sites), *argv]) == 2
        assert message in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        main(["schedule", "--scrapyd", "http://a/", "-s", "no-equals"])
    assert exited.value.code == 2 and "is not NAME=VALUE" in capsys.readouterr().err


# --- two real scrapyd nodes -------------------------------------------------------------------------------

SITES = ("harbour-east", "harbour-north", "harbour-south", "harbour-west")
# the test sites need neither the browser tier nor politeness delays; the jobs extract in their own process
# (tests/crawl_helpers.py, in_process_extraction: the same records; a spawned worker is one more fresh
# interpreter per job, and tests/test_deploy.py's scrapyd job keeps newsmon's default worker)
JOB_SETTINGS = (
    *("-s", "NEWSMON_TIERS_ENABLED=False", "-s", "AUTOTHROTTLE_ENABLED=False"),
    *("-s", "NEWSMON_EXTRACT_WORKERS=0"),
)


def mirrored_atom_site(delay: float) -> SiteServer:
    """The Atom test site served with every absolute link on its own 127.0.0.1 origin, so that a site TOML
    with `origin = <that origin>` crawls it without a base_url argument."""
    site = atom_site.build_site()
    server = SiteServer(delay=delay)

    def handle(target: str, headers: Mapping[str, str]) -> Reply:
        reply = site.handle(target, headers)
        body = reply.body.replace(atom_site.ORIGIN.encode(), server.base_url.encode())
        return Reply(reply.status, body, reply.content_type, dict(reply.headers))

    server.handler = handle
    return server.start()


def site_toml(name: str, origin: str) -> str:
    """tests/othersites/atom_site.toml as a site of its own, on its own origin."""
    text = atom_site.CONFIG.read_text(encoding="utf-8")
    text = text.replace('name = "harbourtimes"', f'name = "{name}"')
    text = text.replace(f'origin = "{atom_site.ORIGIN}"', f'origin = "{origin}"')
    text = text.replace('hosts = ["harbourtimes.example"]', "hosts = []")
    assert text.count(name) == 1 and text.count(origin) == 1, text
    head, table, rest = text.partition("[related]")  # a top-level key goes before the first table
    return f'{head}interval = "1h"\n\n{table}{rest}'


@dataclass
class ScrapydNode:
    url: str
    tmp: Path
    proc: subprocess.Popen[bytes]
    out: Path

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def listjobs(self) -> dict[str, Any]:
        status, body = http_get(self.url + "listjobs.json?project=newsmon", auth_header())
        assert status == 200, body
        return dict(json.loads(body))

    def job_ids(self, *states: str) -> set[str]:
        listed = self.listjobs()
        return {job["id"] for state in states or ("pending", "running", "finished") for job in listed[state]}


@dataclass
class Run:
    returncode: int
    out: str
    err: str
    seconds: float

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


@dataclass
class Cluster:
    nodes: list[ScrapydNode]
    sites: dict[str, SiteServer]
    sites_dir: Path
    home: Path  # with the netrc file
    bare_home: Path  # without
    env: dict[str, str]
    runs: dict[str, Run] = field(default_factory=dict)
    jobs_after: dict[str, list[set[str]]] = field(default_factory=dict)  # each node's job ids after a round

    def schedule(self, *args: str, home: Path | None = None) -> Run:
        env = {**self.env, "HOME": str(home or self.home)}
        command = [sys.executable, "-m", "newsmon.cli", "schedule", "--sites-dir", str(self.sites_dir)]
        command += ["--timeout", "60", *args]  # a safety margin: scrapyd under load took over 10 s
        started = time.monotonic()
        proc = run_python(command, env=env, timeout=120)
        return Run(proc.returncode, proc.stdout, proc.stderr, time.monotonic() - started)

    def urls(self) -> list[str]:
        return [arg for node in self.nodes for arg in ("--scrapyd", node.url)]


def start_node(tmp: Path, python: Path, sites_dir: Path, clean_env: dict[str, str]) -> ScrapydNode:
    """One scrapyd as the systemd unit starts it (through scrapyd-start, credentials in its environment),
    with its own state and output directories, as separate machines would have."""
    port = free_port()
    for name in ("lib", "log", "home", "daemon"):
        (tmp / name).mkdir(parents=True)
    (tmp / "daemon" / "scrapyd.conf").write_text(scrapyd_conf(tmp, port), encoding="utf-8")
    env = {
        **clean_env,
        "HOME": str(tmp / "home"),
        "SCRAPYD_USERNAME": USERNAME,
        "SCRAPYD_PASSWORD": PASSWORD,
        "NEWSMON_SITES_DIR": str(sites_dir),
        "NEWSMON_STATE_DIR": str(tmp / "lib" / "state"),
        "NEWSMON_OUTPUT_URI": f"{tmp / 'lib' / 'output'}/%(site)s/%(time)s.jsonl",
    }
    out = tmp / "scrapyd.out"
    with out.open("wb") as sink:
        proc = subprocess.Popen(
            ["sh", str(DEPLOY / "scrapyd-start"), str(python), "-m", "scrapyd"],
            cwd=tmp / "daemon", env=env, stdout=sink, stderr=sink,
        )  # fmt: skip
    return ScrapydNode(f"http://127.0.0.1:{port}/", tmp, proc, out)


def wait_up(node: ScrapydNode, deadline: float) -> None:
    while True:
        assert node.proc.poll() is None, node.out.read_text(encoding="utf-8")
        try:
            if http_get(node.url + "daemonstatus.json", auth_header())[0] == 200:
                return
        except OSError:
            pass
        assert time.monotonic() < deadline, f"scrapyd at {node.url} did not start"
        time.sleep(0.2)


def wait_finished(nodes: list[ScrapydNode], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while any(node.job_ids("pending", "running") for node in nodes):
        assert time.monotonic() < deadline, [node.listjobs() for node in nodes]
        time.sleep(0.5)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    require("scrapyd", "scrapyd-deploy")
    tmp = tmp_path_factory.mktemp("schedule")
    clean_env = {
        k: v for k, v in os.environ.items() if not k.startswith(("NEWSMON_", "SCRAPY", "PYTHON", "XDG_"))
    }
    # four sites, slow enough that their jobs are still pending or running when scheduling again
    servers = {name: mirrored_atom_site(delay=0.3) for name in SITES}
    sites_dir = tmp / "sites"
    sites_dir.mkdir()
    for name, server in servers.items():
        (sites_dir / f"{name}.toml").write_text(site_toml(name, server.base_url), encoding="utf-8")
    python = deps_only_python(tmp / "venv")
    nodes = [start_node(tmp / f"node{i}", python, sites_dir, clean_env) for i in (1, 2)]
    try:
        # the egg is built once while the nodes start, then uploaded to both as scrapyd-deploy does
        home = tmp / "home"
        home.mkdir()
        netrc = home / ".netrc"
        netrc.write_text(f"machine 127.0.0.1 login {USERNAME} password {PASSWORD}\n", encoding="utf-8")
        netrc.chmod(0o600)
        targets = "".join(
            f"[deploy:node{i}]\nurl = {n.url}\nproject = newsmon\n" for i, n in enumerate(nodes, 1)
        )
        (home / ".scrapy.cfg").write_text(targets, encoding="utf-8")
        project = copy_project(tmp / "project")
        deploy_env = {**clean_env, "HOME": str(home)}
        egg = tmp / "newsmon.egg"
        built = subprocess.run(
            [VENV_BIN / "scrapyd-deploy", "--build-egg", egg],
            cwd=project, env=deploy_env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert built.returncode == 0, built.stderr
        deadline = time.monotonic() + 60
        for node in nodes:
            wait_up(node, deadline)
        uploads = [
            subprocess.Popen(
                [VENV_BIN / "scrapyd-deploy", f"node{i}", "--egg", egg, "--version", "r1"],
                cwd=project,
                env=deploy_env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for i in (1, 2)
        ]
        for upload in uploads:
            out, err = upload.communicate(timeout=120)
            assert upload.returncode == 0 and json.loads(out)["spiders"] >= 2, err + out
        bare_home = tmp / "bare-home"
        bare_home.mkdir()
        yield Cluster(nodes, servers, sites_dir, home, bare_home, clean_env)
    finally:
        for server in servers.values():
            server.stop()
        for node in nodes:
            node.stop()


@pytest.fixture(scope="module")
def rounds(cluster: Cluster) -> Cluster:
    """The scenario, each step's outcome kept for the tests below: a dry run, a round without credentials,
    a first round (with a dead third node), a second one at once, and one after the jobs finished."""
    runs = cluster.runs
    runs["dry"] = cluster.schedule(*cluster.urls(), "--dry-run")
    assert [node.job_ids() for node in cluster.nodes] == [set(), set()]
    # one node with a wrong password in its URL, the other with none at all (no netrc in that HOME)
    wrong = cluster.nodes[0].url.replace("http://", f"http://{USERNAME}:wrong-Pa55word@")
    runs["refused"] = cluster.schedule(
        "--scrapyd", wrong, "--scrapyd", cluster.nodes[1].url, home=cluster.bare_home
    )
    dead = f"http://{USERNAME}:dead-node-Pa55word@127.0.0.1:{refused_port()}/"
    runs["first"] = cluster.schedule(*cluster.urls(), "--scrapyd", dead, *JOB_SETTINGS)
    runs["second"] = cluster.schedule(*cluster.urls(), *JOB_SETTINGS)
    cluster.jobs_after["second"] = [node.job_ids() for node in cluster.nodes]
    wait_finished(cluster.nodes, timeout=90)
    runs["third"] = cluster.schedule(*cluster.urls(), *JOB_SETTINGS)
    cluster.jobs_after["third"] = [node.job_ids() for node in cluster.nodes]
    # a shared state dir that has never seen the sites says they are due; listjobs still gives their node
    empty = cluster.home / "empty-state"
    empty.mkdir()
    runs["affinity"] = cluster.schedule(*cluster.urls(), "--state-dir", str(empty), "--dry-run")
    # the same for real, two sites per job: a sweep (-a sites=a,b) on each node
    runs["batch"] = cluster.schedule(
        *cluster.urls(), "--state-dir", str(empty), "--batch", "2", *JOB_SETTINGS
    )
    wait_finished(cluster.nodes, timeout=60)
    return cluster


def jobs_by_site(cluster: Cluster) -> dict[str, tuple[int, str]]:
    """{site: (node index, job id)} from the nodes' finished one-site jobs."""
    found: dict[str, tuple[int, str]] = {}
    for i, node in enumerate(cluster.nodes):
        for job in node.listjobs()["finished"]:
            site_name = job["id"].split(".")[0]
            if "+" in site_name:
                continue
            assert site_name not in found, f"{site_name} ran twice"
            found[site_name] = (i, job["id"])
    return found


def test_e2e_dry_run_prints_the_plan_and_sends_nothing(rounds: Cluster) -> None:
    dry = rounds.runs["dry"]
    assert dry.returncode == EXIT_OK, dry.err
    assert [line.split(": ")[0] for line in dry.lines] == list(SITES)
    assert all(": would schedule on http://127.0.0.1:" in line for line in dry.lines), dry.out


def test_e2e_requests_without_credentials_are_refused(rounds: Cluster) -> None:
    refused = rounds.runs["refused"]
    assert refused.returncode == EXIT_NOPERM, refused.err
    assert refused.lines == [f"{name}: skipped: no scrapyd node answered" for name in SITES]
    node1, node2 = rounds.nodes
    assert (
        f"newsmon schedule: {node1.url}: refused the credentials (HTTP 401); no jobs sent there"
        in refused.err
    )
    assert f"newsmon schedule: {node2.url}: refused a request without credentials (HTTP 401)" in refused.err
    assert "wrong-Pa55word" not in refused.out + refused.err


def test_e2e_due_sites_spread_over_both_nodes_and_a_dead_node_is_skipped(rounds: Cluster) -> None:
    first = rounds.runs["first"]
    assert first.returncode == EXIT_UNAVAILABLE, first.err  # the dead node
    (dead_line,) = [line for line in first.err.splitlines() if "unreachable" in line]
    assert dead_line.endswith("/: unreachable: Connection refused; no jobs sent there")
    assert "dead-node-Pa55word" not in first.out + first.err and PASSWORD not in first.out + first.err
    node1, node2 = rounds.nodes
    # alternately to the least busy node: two sites each, all with the round's time in the job id
    at = first.lines[0].rsplit(".", 1)[1].split()[0]
    assert first.lines == [
        f"{name}: scheduled on {node.url} as job {name}.{at} (least busy)"
        for name, node in zip(SITES, (node1, node2, node1, node2), strict=True)
    ]
    ran = jobs_by_site(rounds)
    assert {name: where for name, (where, _) in ran.items()} == dict(zip(SITES, (0, 1, 0, 1), strict=True))


def test_e2e_nothing_is_scheduled_twice_while_pending_or_running(rounds: Cluster) -> None:
    second = rounds.runs["second"]
    assert second.returncode == EXIT_OK, second.err
    for line in second.lines:
        assert " skipped: running on " in line or " skipped: pending on " in line, second.out
    assert "0 scheduled, 4 pending or running" in second.err
    # the nodes had the four first jobs only
    assert sum(len(ids) for ids in rounds.jobs_after["second"]) == len(SITES)


def test_e2e_each_sites_records_are_on_the_node_that_ran_it(rounds: Cluster) -> None:
    expected = sorted(atom_site.build_site().expected_by_path())
    for name, (index, job) in jobs_by_site(rounds).items():
        node, other = rounds.nodes[index], rounds.nodes[1 - index]
        assert f"Process finished: project='newsmon' spider='news' job='{job}'" in node.out.read_text(
            encoding="utf-8"
        )
        # the first run's file (named by its start time), then the batch round's: back on the node that
        # holds the site's state, so it found nothing new to emit
        first, *later = sorted((node.tmp / "lib" / "output" / name).glob("*.jsonl"))
        assert all(read_jsonl(path) == [] for path in later), later
        records = read_jsonl(first)
        assert sorted(urlsplit(r["url"]).path for r in records) == expected
        assert {r["site"] for r in records} == {name}
        assert {r["url"].split("/stories/")[0] for r in records} == {rounds.sites[name].base_url}
        assert (node.tmp / "lib" / "state" / f"{name}.sqlite3").exists()
        assert not (other.tmp / "lib" / "output" / name).exists()
        log = (node.tmp / "log" / "scrapyd" / "newsmon" / "news" / f"{job}.log").read_text(encoding="utf-8")
        assert "Traceback" not in log and PASSWORD not in log


def test_e2e_finished_sites_are_not_due_again_before_their_interval(rounds: Cluster) -> None:
    third = rounds.runs["third"]
    assert third.returncode == EXIT_OK, third.err
    assert all(" skipped: not due until " in line for line in third.lines), third.out
    assert len(third.lines) == len(SITES) and "0 scheduled" in third.err
    assert sum(len(ids) for ids in rounds.jobs_after["third"]) == len(SITES)


def test_e2e_due_sites_go_back_to_the_node_that_ran_them(rounds: Cluster) -> None:
    affinity = rounds.runs["affinity"]
    assert affinity.returncode == EXIT_OK, affinity.err
    for name, (index, _) in jobs_by_site(rounds).items():
        line = f"{name}: would schedule on {rounds.nodes[index].url} as job {name}."
        assert any(out.startswith(line) and out.endswith("(last ran there)") for out in affinity.lines), (
            affinity.out
        )


def test_e2e_batches_run_as_one_sweep_job_per_node(rounds: Cluster) -> None:
    batch = rounds.runs["batch"]
    assert batch.returncode == EXIT_OK, batch.err
    at = batch.lines[0].rsplit(".", 1)[1].split()[0]
    for i, node in enumerate(rounds.nodes):
        first, second = SITES[i], SITES[i + 2]  # each node's own two sites, in one job
        job = f"{first}+{second}.{at}"
        for name in (first, second):
            assert f"{name}: scheduled on {node.url} as job {job} (last ran there)" in batch.lines
        daemon_log = node.out.read_text(encoding="utf-8")
        assert f"Process finished: project='newsmon' spider='news' job='{job}'" in daemon_log, daemon_log[
            -2000:
        ]
        log = (node.tmp / "log" / "scrapyd" / "newsmon" / "news" / f"{job}.log").read_text(encoding="utf-8")
        assert "Traceback" not in log
