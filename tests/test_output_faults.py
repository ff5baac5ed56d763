"""The output commit protocol under real faults: a record counts as delivered only when every feed holds
it. Real file systems (tmpfs mounts: read-only, full, out of inodes; a directory the crawl may not write
under a capability-dropped root; the output directory removed mid-run), a real S3 server (moto), and a
state store deleted between and during runs. In each case: nothing is marked that is not on disk (or in
the bucket), the run says so with a non-zero exit, and the next run delivers every article exactly once."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsmon.crawl.arguments import EXIT_BAD_ARGUMENT
from newsmon.state.store import StateStore
from tests.crawl_helpers import ROOT, collect_result, crawl_command, in_process_extraction, read_jsonl
from tests.forkserver import run_python, start_python
from tests.replica.server import ReplicaServer
from tests.test_incremental import wait_until

pytestmark = pytest.mark.crawl

SPIDER = "euromaidan"
IN_CI = bool(os.environ.get("NEWSMON_CI"))


def need(condition: bool, reason: str) -> None:
    """Skip with the reason on a developer machine; in CI the suite must exercise it, so fail instead."""
    if not condition:
        if IN_CI:
            pytest.fail(f"CI must run this test: {reason}")
        pytest.skip(reason)


def can_mount() -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    probe = Path(f"/tmp/newsmon-mount-probe-{os.getpid()}")
    probe.mkdir(exist_ok=True)
    try:
        ok = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe)]).returncode == 0
        if ok:
            subprocess.run(["umount", str(probe)], check=True)
        return ok
    finally:
        probe.rmdir()


class Tmpfs:
    """A tmpfs of its own at path, unmounted at the end."""

    def __init__(self, path: Path, options: str) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], check=True)

    def remount(self, options: str) -> None:
        subprocess.run(["mount", "-o", f"remount,{options}", str(self.path)], check=True)

    def umount(self) -> None:
        subprocess.run(["umount", "-l", str(self.path)], check=False)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Any]:
    mounts: list[Tmpfs] = []

    def make(options: str) -> Tmpfs:
        """A tmpfs mount (the test is skipped where it cannot be made: not root)."""
        if os.geteuid() != 0:
            pytest.skip("needs root to mount tmpfs file systems")
        if not mounts:
            need(can_mount(), "mount(8) could not mount a tmpfs as root")
        mounts.append(Tmpfs(tmp_path / f"mnt{len(mounts)}", options))
        return mounts[-1]

    yield make
    for mount in mounts:
        mount.umount()


class Site:
    """Runs against one replica, sharing a state dir; per-run outputs under `out`."""

    def __init__(self, replica: ReplicaServer, root: Path, out: Path) -> None:
        self.replica = replica
        self.root = root
        self.state = root / "state"
        self.out = out
        self.n = 0
        self.expected = {replica.base_url + p for p in replica.site.expected_by_path()}

    def command(self, *args: str, output_uri: bool = True) -> tuple[list[str], Path]:
        self.n += 1
        workdir = self.root / f"run{self.n}"
        uri = ("-s", f"NEWSMON_OUTPUT_URI={self.out}/%(name)s/%(time)s.jsonl") if output_uri else ()
        command = crawl_command(
            self.replica.base_url, workdir, *uri, *args, output=False, state_dir=self.state
        )
        return command, workdir

    def run(
        self, *args: str, prefix: tuple[str, ...] = (), env: dict[str, str] | None = None
    ) -> tuple[int, str, dict[str, Any]]:
        """(exit status, stderr + log, stats) of one run to completion (extraction in the crawl process)."""
        command, workdir = self.command(*in_process_extraction(args), *args)
        proc = run_python(  # through the fork server unless a prefix wraps the command
            [*prefix, *command],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
            timeout=180,
        )
        result = collect_result(workdir, proc.returncode, proc.stderr)
        return proc.returncode, result.log, result.stats

    def marked(self) -> set[str]:
        path = self.state / f"{SPIDER}.sqlite3"
        if not path.exists():
            return set()
        with StateStore.open(path) as store:
            rows = store.conn.execute("SELECT canonical_url FROM articles").fetchall()
        return {row[0] for row in rows}

    def outputs(self, partial: bool = False) -> list[Path]:
        folder = self.out / SPIDER
        return sorted(folder.glob("*.jsonl" + (".partial" if partial else ""))) if folder.exists() else []

    def union(self) -> Counter[str]:
        return Counter(r["canonical_url"] for p in self.outputs() for r in read_jsonl(p))

    def assert_exactly_once(self) -> None:
        union = self.union()
        assert set(union) == self.expected
        assert all(n == 1 for n in union.values()), union.most_common(3)
        assert self.marked() >= self.expected


def fill(directory: Path, *, inodes: bool) -> None:
    """Use up the file system's blocks (one big file) or its inodes (empty files)."""
    n = 0
    try:
        if inodes:
            while True:
                (directory / f"filler-{n}").touch()
                n += 1
        with (directory / "filler").open("wb") as fh:
            while True:
                fh.write(b"\0" * 4096)
                fh.flush()
    except OSError:
        pass


# --- unusable outputs: refused before the first request ------------------------------------------------
FAULTS = ("read-only", "no-space", "no-inodes", "permission")


@pytest.mark.parametrize("fault", FAULTS)
def test_unusable_output_is_refused_before_any_request(fault: str, tmpfs: Any, tmp_path: Path) -> None:
    prefix: tuple[str, ...] = ()
    if fault == "permission":
        out = tmp_path / "locked"
        (out / SPIDER).mkdir(parents=True)
        (out / SPIDER).chmod(0o555)
        if os.geteuid() == 0:  # root without CAP_DAC_OVERRIDE: permissions apply to it as to anyone
            need(shutil.which("setpriv") is not None, "needs setpriv(1) to drop root's permission override")
            prefix = ("setpriv", "--bounding-set=-dac_override,-dac_read_search", "--")
        mount = None
    else:
        size = "size=64k" + (",nr_inodes=16" if fault == "no-inodes" else "")
        mount = tmpfs(size)
        out = mount.path / "out"
        (out / SPIDER).mkdir(parents=True)
        if fault == "read-only":
            mount.remount("ro")
        else:
            fill(mount.path, inodes=fault == "no-inodes")
    with ReplicaServer() as replica:
        site = Site(replica, tmp_path, out)
        status, log, stats = site.run(prefix=prefix)
        assert status == EXIT_BAD_ARGUMENT, log[-3000:]
        reason = [line for line in log.splitlines() if line.startswith("newsmon: feed ")]
        assert len(reason) == 1 and "cannot write in" in reason[0], log[-3000:]
        assert replica.requests == []  # not even robots.txt
        assert stats["finish_reason"] == "newsmon_output_unusable"
        assert site.marked() == set()
        # the fault removed, the next run delivers everything
        if fault == "permission":
            (out / SPIDER).chmod(0o755)
        else:
            assert mount is not None
            for filler in mount.path.glob("filler*"):
                filler.unlink()
            mount.remount("rw,size=16m,nr_inodes=1000")
        status, log, _ = site.run()
        assert status == 0, log[-3000:]
    site.assert_exactly_once()


def test_a_feed_file_that_cannot_be_opened_marks_nothing(tmp_path: Path) -> None:
    """A -O target that turns out unopenable when the first record comes (a directory sits at its
    path): the records go nowhere, so none is marked and the run fails."""
    with ReplicaServer() as replica:
        site = Site(replica, tmp_path, tmp_path / "out")
        blocked = tmp_path / "latest.jsonl"
        blocked.mkdir()
        status, log, stats = site.run("-O", str(blocked))
        assert status != 0, log[-3000:]
        assert "Output error" in log
        assert site.marked() == set()
        assert stats["newsmon/monitor/outputs"] == "fail"
        blocked.rmdir()
        status, log, stats = site.run("-O", str(blocked))
        assert status == 0, log[-3000:]
    assert {r["canonical_url"] for r in read_jsonl(blocked)} == site.expected


# --- faults during the run ---------------------------------------------------------------------------
def partial_lines(site: Site) -> int:
    return sum(p.read_bytes().count(b"\n") for p in site.outputs(partial=True))


def test_output_directory_removed_mid_run(tmp_path: Path) -> None:
    with ReplicaServer(delay=0.05) as replica:
        site = Site(replica, tmp_path, tmp_path / "out")
        command, workdir = site.command(*in_process_extraction(()), "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2")
        proc = start_python(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        try:
            wait_until(lambda: partial_lines(site) >= 5 or proc.poll() is not None)
            assert proc.poll() is None, "the crawl ended before the output could be removed"
            shutil.rmtree(site.out)
            status = proc.wait(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
        result = collect_result(workdir, status)
        assert status != 0, result.log[-3000:]
        assert "the output was removed during the run" in result.log
        assert result.stats["newsmon/output/restored"] == 1
        # every marked record is on disk again (in the written-back file, kept .partial for recovery)
        on_disk = {r["canonical_url"] for p in site.outputs(partial=True) for r in read_jsonl(p)}
        assert site.marked() and site.marked() <= on_disk
        replica.delay = 0.0
        status, log, stats = site.run()
        assert status == 0, log[-3000:]
        assert stats["newsmon/state/recovered_files"] == 1
    assert site.outputs(partial=True) == []
    site.assert_exactly_once()


def test_disk_fills_mid_run(tmpfs: Any, tmp_path: Path) -> None:
    mount = tmpfs("size=96k")
    with ReplicaServer() as replica:
        site = Site(replica, tmp_path, mount.path / "out")
        status, log, stats = site.run()
        assert status != 0, log[-3000:]
        assert "Output error" in log or "No space left" in log
        assert stats["newsmon/output/failed"] == 1
        # marked = the complete lines on disk, no more
        lines = [
            json.loads(line)["canonical_url"]
            for p in site.outputs(True) + site.outputs()
            for line in p.read_bytes().split(b"\n")[:-1]  # complete lines: a torn tail has no newline
        ]
        assert site.marked() <= set(lines)
        assert len(site.marked()) < len(site.expected)
        mount.remount("size=16m")
        status, log, _ = site.run()
        assert status == 0, log[-3000:]
    site.assert_exactly_once()


# --- the state store lost ------------------------------------------------------------------------------
def remove_store(state: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{state / SPIDER}.sqlite3{suffix}").unlink(missing_ok=True)


def test_store_deleted_between_runs_is_rebuilt_from_outputs(tmp_path: Path) -> None:
    with ReplicaServer() as replica:
        site = Site(replica, tmp_path, tmp_path / "out")
        status, log, _ = site.run()
        assert status == 0, log[-3000:]
        remove_store(site.state)
        status, log, stats = site.run()
        assert status == 0, log[-3000:]
    assert "is missing but outputs exist: rebuilding it" in log
    assert stats["newsmon/state/missing_recovered"] == 1
    assert stats["newsmon/state/rebuilt_records"] == len(site.expected)
    assert stats.get("item_scraped_count", 0) == 0
    site.assert_exactly_once()


def test_store_deleted_mid_run_duplicates_nothing(tmp_path: Path) -> None:
    with ReplicaServer(delay=0.05) as replica:
        site = Site(replica, tmp_path, tmp_path / "out")
        command, workdir = site.command(*in_process_extraction(()), "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2")
        proc = start_python(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        try:
            wait_until(lambda: partial_lines(site) >= 5 or proc.poll() is not None)
            assert proc.poll() is None
            remove_store(site.state)
            proc.wait(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
        log = collect_result(workdir, proc.returncode).log
        assert "was removed during the run" in log
        replica.delay = 0.0
        status, log, stats = site.run()
        assert status == 0, log[-3000:]
        assert stats.get("item_scraped_count", 0) == 0
    site.assert_exactly_once()


# --- -O with the state store, and snapshots ------------------------------------------------------------
def test_dash_o_says_it_holds_only_new_articles_and_snapshot_holds_all(tmp_path: Path) -> None:
    with ReplicaServer() as replica:
        site = Site(replica, tmp_path, tmp_path / "out")
        files = [tmp_path / f"{name}.jsonl" for name in ("first", "second", "snapshot")]
        status, log, _ = site.run("-O", str(files[0]))
        assert status == 0, log[-3000:]
        status, log, _ = site.run("-O", str(files[1]))
        assert status == 0, log[-3000:]
        notice = [line for line in log.splitlines() if "will hold only new and changed articles" in line]
        assert len(notice) == 1 and str(files[1]) in notice[0] and "NEWSMON_SNAPSHOT" in notice[0]
        status, log, stats = site.run("-O", str(files[2]), "-s", "NEWSMON_SNAPSHOT=True")
        assert status == 0, log[-3000:]
        assert "will hold only new" not in log
    first, second, snapshot = (read_jsonl(f) for f in files)
    assert {r["canonical_url"] for r in first} == site.expected
    assert second == []
    assert sorted(r["canonical_url"] for r in snapshot) == sorted(site.expected)
    assert {r["version"] for r in snapshot} == {1}
    assert stats["newsmon/state/unchanged"] == len(site.expected)


# --- a remote feed: S3 (moto's server) -------------------------------------------------------------------
class MotoServer:
    def __init__(self, port: int = 0) -> None:
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        binary = Path(sys.executable).with_name("moto_server")
        self.proc = subprocess.Popen(
            [str(binary), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import urllib.request

        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(self.url + "/moto-api/", timeout=1).read()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


S3_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_MAX_ATTEMPTS": "1",
    "AWS_RETRY_MODE": "standard",
}


def s3_objects(server: MotoServer, bucket: str) -> dict[str, bytes]:
    boto3 = pytest.importorskip("boto3")
    client = boto3.client("s3", endpoint_url=server.url, **{k.lower(): v for k, v in S3_ENV.items() if
                                                            k.startswith("AWS_") and "KEY" in k})  # fmt: skip
    listing = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {o["Key"]: client.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listing}


def make_bucket(server: MotoServer, bucket: str) -> None:
    boto3 = pytest.importorskip("boto3")
    client = boto3.client(
        "s3", endpoint_url=server.url, aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    client.create_bucket(Bucket=bucket)


@pytest.fixture
def moto() -> Iterator[MotoServer]:
    pytest.importorskip("moto", reason="moto[server] is a dev dependency (pip install -e '.[dev]')")
    server = MotoServer()
    server.start()
    yield server
    server.stop()


def test_s3_feed_marks_after_store_and_fails_loudly_when_the_store_fails(
    moto: MotoServer, tmp_path: Path
) -> None:
    make_bucket(moto, "news")
    s3 = ("-o", "s3://news/%(name)s/%(time)s.jsonl", "-s", f"AWS_ENDPOINT_URL={moto.url}")
    with ReplicaServer(delay=0.02) as replica:
        site = Site(replica, tmp_path, tmp_path / "out")
        # the server goes away before the run closes: nothing is marked, the verdict names the feed
        command, workdir = site.command(*in_process_extraction(()), *s3)
        stderr = workdir / "stderr.txt"
        env = {**os.environ, "PYTHONPATH": str(ROOT), **S3_ENV}
        proc = start_python(command, cwd=ROOT, env=env, stderr=stderr)
        wait_until(lambda: replica.count("/20") >= 3 or proc.poll() is not None)
        moto.stop()
        proc.wait(timeout=180)
        result = collect_result(workdir, proc.returncode, stderr.read_text(encoding="utf-8"))
        assert proc.returncode != 0, result.log[-3000:]
        assert result.stats["newsmon/monitor/outputs"] == "fail"
        verdict = [line for line in result.log.splitlines() if "Monitor outputs: FAIL" in line]
        assert verdict and "s3://news/euromaidan/" in verdict[0]
        assert site.marked() == set()
        # the server back (empty, as after an outage that lost nothing it had acknowledged): all delivered
        moto.start()
        make_bucket(moto, "news")
        replica.delay = 0.0
        status, log, stats = site.run(*s3, env=S3_ENV)
        assert status == 0, log[-3000:]
        assert stats["newsmon/monitor/outputs"] == "pass"
    objects = s3_objects(moto, "news")
    assert len(objects) == 1
    records = [line for line in next(iter(objects.values())).splitlines() if line.strip()]
    assert len(records) == len(site.expected)
    assert site.marked() >= site.expected


def test_s3_without_boto3_is_refused_before_any_request(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    for name in ("boto3", "botocore"):  # as if neither were installed
        (blocker / name).mkdir(parents=True)
        (blocker / name / "__init__.py").write_text(f"raise ImportError('{name} is not installed')\n")
    with ReplicaServer() as replica:
        site = Site(replica, tmp_path, tmp_path / "out")
        status, log, _stats = site.run(
            "-o", "s3://news/x.jsonl", env={"PYTHONPATH": f"{blocker}{os.pathsep}{ROOT}"}
        )
        assert status == EXIT_BAD_ARGUMENT, log[-3000:]
        assert "newsmon: feed s3://news/x.jsonl: storage disabled (missing boto3 library)" in log
        assert replica.requests == []
        assert site.marked() == set()
