"""The fork server runs a command as a fresh interpreter would: same output, status, cwd and environment."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.forkserver import ROOT, ForkedProcess, plain_run, run_python, start_python
from tests.procs import alive

# A "spider" file whose import is the whole program: `scrapy runspider` imports it, it reports what it
# sees and leaves with a status of its own (or sleeps, for the timeout).
PROBE = """
import json, os, sys, time
print(json.dumps({"cwd": os.getcwd(), "probe": os.environ.get("PROBE"), "argv": sys.argv[1:],
                  "path0": sys.path[0], "main": sys.modules["__main__"].__spec__.name}))
print("to stderr", file=sys.stderr)
if os.environ.get("PROBE") == "sleep":
    open(os.environ["PROBE_PID"], "w").write(str(os.getpid()))
    time.sleep(120)
sys.exit(int(os.environ.get("PROBE_STATUS", "0")))
"""


@pytest.fixture
def probe(tmp_path: Path) -> Path:
    path = tmp_path / "probe.py"
    path.write_text(PROBE, encoding="utf-8")
    return path


def command(probe: Path) -> list[str]:
    return [sys.executable, "-m", "scrapy", "runspider", str(probe), "-s", "LOG_ENABLED=False"]


def test_a_forked_command_matches_a_fresh_interpreter(probe: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PROBE": "seen", "PROBE_STATUS": "7"}
    forked = run_python(command(probe), cwd=tmp_path, env=env, timeout=60)
    fresh = plain_run(command(probe), cwd=tmp_path, env=env, timeout=60)
    assert forked.returncode == fresh.returncode == 7, forked.stderr[-2000:]
    assert forked.stdout == fresh.stdout
    assert '"probe": "seen"' in forked.stdout and f'"cwd": "{tmp_path}"' in forked.stdout
    assert forked.stderr == fresh.stderr == "to stderr\n"


def test_a_command_past_its_timeout_is_killed(probe: Path, tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PROBE": "sleep", "PROBE_PID": str(pid_file)}
    with pytest.raises(subprocess.TimeoutExpired) as raised:
        run_python(command(probe), cwd=tmp_path, env=env, timeout=10)
    assert "to stderr" in str(raised.value.stderr)
    pid = int(pid_file.read_text(encoding="utf-8"))
    deadline = time.monotonic() + 30  # a safety bound: the kill is immediate, reaping it nearly so
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(pid)  # killed, not left sleeping


def test_another_pythonpath_gets_a_fresh_interpreter(probe: Path, tmp_path: Path) -> None:
    hidden = tmp_path / "hidden"
    (hidden / "json").mkdir(parents=True)  # as if json were not installed: only a fresh interpreter sees it
    (hidden / "json" / "__init__.py").write_text("raise ImportError('json hidden')\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": f"{hidden}{os.pathsep}{ROOT}"}
    proc = run_python(command(probe), cwd=tmp_path, env=env, timeout=60)
    assert proc.returncode != 0
    assert "json hidden" in proc.stderr


def test_a_started_command_gives_its_status_and_output_files(probe: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PROBE": "seen", "PROBE_STATUS": "7"}
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    proc = start_python(command(probe), cwd=tmp_path, env=env, stdout=out, stderr=err)
    assert isinstance(proc, ForkedProcess)  # forked, not a plain Popen
    assert proc.wait(timeout=60) == 7 and proc.poll() == 7
    fresh = plain_run(command(probe), cwd=tmp_path, env=env, timeout=60)
    assert out.read_text(encoding="utf-8") == fresh.stdout
    assert err.read_text(encoding="utf-8") == fresh.stderr == "to stderr\n"


def test_a_started_command_runs_until_killed_in_a_session_of_its_own(probe: Path, tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PROBE": "sleep", "PROBE_PID": str(pid_file)}
    proc = start_python(command(probe), cwd=tmp_path, env=env, start_new_session=True)
    assert isinstance(proc, ForkedProcess)
    deadline = time.monotonic() + 60  # a safety bound: a loaded machine starts the command slowly
    while not (pid_file.exists() and pid_file.read_text(encoding="utf-8")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert int(pid_file.read_text(encoding="utf-8")) == proc.pid
    assert os.getsid(proc.pid) == proc.pid  # its own session: os.killpg(proc.pid, ...) reaches it alone
    assert proc.poll() is None
    with pytest.raises(subprocess.TimeoutExpired):
        proc.wait(timeout=0.1)
    proc.kill()
    assert proc.wait(timeout=30) == -signal.SIGKILL
    assert not alive(proc.pid)
