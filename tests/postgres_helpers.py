"""A throwaway PostgreSQL server for the sink tests: Debian's binaries, initdb in a temp dir, 127.0.0.1:port.

PostgreSQL refuses to run as root, so under root the cluster directory is given to the `postgres` user and
initdb/postgres run as that user (runuser). Trust authentication on loopback: the tests check that the sink
masks credentials, not PostgreSQL's password checks.

A test's server of its own (`template=True`) starts from a copy of one cluster initdb made once per pytest
process: initdb takes seconds (a bootstrap backend run several times), a copy of its 40 MB a fifth of one.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.procs import stat_fields
from tests.redis_helpers import free_port


def _binary(name: str) -> str | None:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(found[-1]) if found else shutil.which(name)


INITDB, POSTGRES = _binary("initdb"), _binary("postgres")

needs_postgres = pytest.mark.skipif(
    (INITDB is None or POSTGRES is None) and not os.environ.get("NEWSMON_CI"),
    reason="PostgreSQL is not installed (apt-get install postgresql; scripts/system-deps.sh installs it)",
)


def pg_workdir() -> Path:
    """A fresh directory the `postgres` user can reach (pytest's temp tree is root-only); remove it after."""
    path = Path(tempfile.mkdtemp(prefix="newsmon-pg-"))
    path.chmod(0o711)
    return path


@functools.cache
def template_cluster() -> Path:
    """A fresh cluster (initdb), made on first use in this process and removed when it ends."""
    workdir = pg_workdir()
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    server = PostgresServer(workdir / "template")
    server.init()
    return server.data


class PostgresServer:
    """initdb once (or a copy of this process's template cluster); start, stop (or kill -9) and start again
    on the same data and port."""

    def __init__(self, workdir: Path, *, durable: bool = False, template: bool = False) -> None:
        self.workdir = workdir
        self.durable = durable  # fsync on (the benchmark); off in tests: speed over crash safety
        self.template = template  # the data directory copied from template_cluster(), not initdb's own
        self.data = workdir / "data"
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.as_root = os.geteuid() == 0

    @property
    def url(self) -> str:
        return f"postgresql://newsmon:pw-not-logged@127.0.0.1:{self.port}/postgres"

    def _user(self) -> dict[str, Any]:
        """Popen arguments: run as `postgres` under root (PostgreSQL refuses root)."""
        return {"user": "postgres", "group": "postgres", "extra_groups": []} if self.as_root else {}

    def init(self) -> None:
        assert INITDB is not None
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            shutil.chown(self.workdir, "postgres", "postgres")
            self.workdir.chmod(0o700)
        if self.template:  # cp -a: the owner (postgres) and modes PostgreSQL checks come along
            subprocess.run(["cp", "-a", str(template_cluster()), str(self.data)], check=True)
            return
        subprocess.run(
            [INITDB, "-D", str(self.data), "-U", "newsmon", "--auth=trust", "-E", "UTF8"],
            check=True,
            cwd=self.workdir,
            **self._user(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def start(self) -> None:
        import psycopg

        assert POSTGRES is not None
        if not self.data.exists():
            self.init()
        options = ["-h", "127.0.0.1", "-p", str(self.port), "-k", str(self.workdir)]
        if not self.durable:
            options += ["-c", "fsync=off", "-c", "full_page_writes=off"]
        with (self.workdir / "server.log").open("ab") as log:  # why it did not start, when it did not
            self.proc = subprocess.Popen(
                [POSTGRES, "-D", str(self.data), *options],
                cwd=self.workdir,
                stdout=log,
                stderr=log,
                start_new_session=True,  # not in the test's process group (a Ctrl-C is the test's)
                **self._user(),
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                psycopg.connect(self.url, connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.1)
        raise RuntimeError("postgres did not start")

    def processes(self) -> list[int]:
        """The postmaster and its children (each child is a session of its own: setsid)."""
        if self.proc is None:
            return []
        found = [self.proc.pid]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == self.proc.pid:
                    found.append(int(entry.name))
        return found

    def cpu_seconds(self) -> float:
        """CPU time the server used so far: its live processes', and the exited backends' (counted in the
        postmaster's children times once it reaped them). For the benchmark's per-record cost."""
        total = 0
        for pid in self.processes():
            fields = stat_fields(pid)
            if fields is None:
                continue
            total += int(fields[11]) + int(fields[12])
            if self.proc is not None and pid == self.proc.pid:
                total += int(fields[13]) + int(fields[14])
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self, sig: int = signal.SIGINT) -> None:
        """SIGINT: fast shutdown (clients disconnected); SIGKILL: the server and its backends die at once."""
        pids = self.processes() if sig == signal.SIGKILL else []
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            for pid in pids or [proc.pid]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, sig)
            proc.wait(30)

    def connect(self):  # type: ignore[no-untyped-def]
        import psycopg

        return psycopg.connect(self.url, autocommit=True)


@contextlib.contextmanager
def running_postgres(*, durable: bool = False, template: bool = False) -> Iterator[PostgresServer]:
    """A server started in a fresh directory (pg_workdir), stopped and its directory removed afterwards
    whatever happened: the one lifecycle of the tests' fixtures and the sink benchmark (bench/sinks.py).
    template: its cluster a copy of template_cluster() (the tests), not initdb's own."""
    workdir = pg_workdir()
    server = PostgresServer(workdir / "pg", durable=durable, template=template)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
