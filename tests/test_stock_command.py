"""newsmon's checks and exit statuses under Scrapy's own `scrapy crawl` (a project without
COMMANDS_MODULE = "newsmon.commands"), in this checkout: the settings are newsmon's minus that line.
tests/test_packaging.py runs the same in a separate project built from the wheel."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.crawl_helpers import ROOT
from tests.forkserver import run_python

WARNING_LINE = "COMMANDS_MODULE = 'newsmon.commands' is not in this project's settings"


@pytest.fixture
def bare(tmp_path: Path) -> Path:
    """A settings module: newsmon's, without COMMANDS_MODULE."""
    (tmp_path / "bare_settings.py").write_text(
        "from newsmon.settings import *  # noqa: F403\n\nCOMMANDS_MODULE = ''\n", encoding="utf-8"
    )
    return tmp_path


def stock_crawl(bare: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m scrapy crawl` in bare, forked from the fork server (run_python): `-m` puts the working
    directory first on sys.path, so bare_settings is found there as it would be through PYTHONPATH."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SCRAPY_SETTINGS_MODULE": "bare_settings"}
    command = [sys.executable, "-m", "scrapy", "crawl", "euromaidan", "-a", "base_url=http://127.0.0.1:9"]
    command += ["-s", f"NEWSMON_STATE_DIR={bare / 'state'}", "-s", "NEWSMON_OUTPUT_URI="]
    return run_python([*command, *args], cwd=bare, env=env, timeout=120)


def errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("newsmon:") and WARNING_LINE not in line]


@pytest.mark.parametrize(
    "bad", [("-a", "bogus=1"), ("-s", "NEWSMON_FOLLOW_DEPTH=abc")], ids=["argument", "spider-setting"]
)
def test_a_bad_value_is_one_line_and_2(bare: Path, bad: tuple[str, str]) -> None:
    """Was: `-a bogus=1` ignored (exit 0); a ValueError traceback and exit 1."""
    proc = stock_crawl(bare, *bad)
    assert proc.returncode == 2, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    (line,) = errors(proc.stderr)
    assert ("bogus" in line) if bad[0] == "-a" else ("NEWSMON_FOLLOW_DEPTH='abc'" in line)


def test_a_locked_run_is_one_line_and_75_with_the_warning(bare: Path) -> None:
    """Was: exit 1 and "Task exception was never retrieved ... RunLocked"."""
    lock = bare / "state" / "euromaidan.lock"
    lock.parent.mkdir()
    with lock.open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        proc = stock_crawl(bare)
    assert proc.returncode == 75, proc.stderr[-3000:]
    assert "Task exception was never retrieved" not in proc.stderr
    (line,) = errors(proc.stderr)
    assert "another newsmon run holds" in line
    assert WARNING_LINE in proc.stderr


def test_an_unusable_output_is_refused_with_2(bare: Path) -> None:
    """Refused when the spider opens (the engine never starts, no engine_stopped): was exit 0 although the
    monitors failed."""
    proc = stock_crawl(bare, "-O", "ftpx://nowhere/x.jsonl")
    assert proc.returncode == 2, proc.stderr[-3000:]
    (line,) = errors(proc.stderr)
    assert "ftpx://nowhere/x.jsonl" in line and "unknown storage scheme" in line
