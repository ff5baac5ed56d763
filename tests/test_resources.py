"""The process's shared resources (newsmon/resources.py): run-lock leases are counted, so one holder's
release never frees the lock under another holder; browser slots and the sweep's log counter are one per
process."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from newsmon.extensions.site_log_count import dispatcher
from newsmon.fetch.browser_handler import browser_slots
from newsmon.resources import ProcessResources, process_resources
from newsmon.state.lock import RunLock, RunLocked

PROBE = (
    "import sys; from pathlib import Path; from newsmon.state.lock import RunLock, RunLocked\n"
    "from newsmon.resources import process_resources\n"
    "try:\n    RunLock.lease(Path(sys.argv[1]), process_resources()).release()\n"
    "except RunLocked:\n    sys.exit(75)\n"
)
OWN = process_resources()  # this process's own (no newsmon command in a test)


def other_process_can_lock(path: Path) -> bool:
    probe = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, check=False
    )
    assert probe.returncode in (0, 75), probe.stderr
    return probe.returncode == 0


def test_the_run_lock_is_freed_with_its_last_lease(tmp_path: Path) -> None:
    path = tmp_path / "site.lock"
    command, crawl = RunLock.lease(path, OWN), RunLock.lease(path, OWN)  # the crawl command's and the crawl's
    assert command.lock is crawl.lock and RunLock.held(path, OWN)
    crawl.release()
    crawl.release()  # a second release of one lease changes nothing
    assert RunLock.held(path, OWN) and not other_process_can_lock(path)
    command.release()
    assert not RunLock.held(path, OWN) and other_process_can_lock(path)


def test_a_lease_on_a_lock_another_process_holds_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "site.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from newsmon.state.lock import RunLock\n"
            "from newsmon.resources import process_resources\n"
            "RunLock.lease(Path(sys.argv[1]), process_resources())\n"
            "print('held', flush=True); sys.stdin.read()",
            str(path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        try:
            RunLock.lease(path, OWN)
        except RunLocked as exc:
            assert exc.path == path.resolve()
        else:
            raise AssertionError("the lease was given while another process holds the lock")
        assert not RunLock.held(path, OWN)
    finally:
        holder.communicate("", timeout=30)


def test_browser_slots_and_the_log_counter_are_one_per_process() -> None:
    async def slots() -> tuple[asyncio.Semaphore, asyncio.Semaphore]:
        return browser_slots(2, OWN), browser_slots(5, OWN)

    first, again = asyncio.run(slots())
    assert first is again  # the process's bound, whatever a later crawl's setting says
    assert dispatcher(OWN) is dispatcher(OWN) is OWN.log_counter


def test_install_gives_the_process_fresh_resources() -> None:
    before = process_resources()
    try:
        fresh = ProcessResources.install()
        assert process_resources() is fresh is not before and fresh.run_locks == {}
    finally:
        ProcessResources.current = before


def test_the_command_hands_its_resources_down_to_every_crawler(tmp_path: Path) -> None:
    """What newsmon's crawl and sweep commands do (newsmon/commands/): one object, made by the command, put
    in the settings the crawler process copies for each crawler; each copy holds that very object."""
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.settings import Settings

    from newsmon.resources import resources_of
    from newsmon.state.backend import take_run_lock
    from newsmon.state.config import StateConfig
    from newsmon.sweep.run import sweep_settings

    resources = ProcessResources()
    settings = Settings({"NEWSMON_STATE_DIR": str(tmp_path)})
    assert resources.hand_down(settings) is resources
    crawlers = [Crawler(Spider, sweep_settings(settings)), Crawler(Spider, settings)]
    assert all(resources_of(c.settings) is resources for c in crawlers)
    assert resources is not process_resources() and resources_of(Settings()) is process_resources()
    # the command's lease and a crawl's lease share the command's table, not the process's own
    config = StateConfig.from_settings(settings)
    path = config.lock_path("harbour")
    command = take_run_lock(config, "harbour", resources)
    crawl = take_run_lock(config, "harbour", resources_of(crawlers[0].settings))
    assert command.lock is crawl.lock and RunLock.held(path, resources) and not RunLock.held(path, OWN)
    crawl.release()
    assert not other_process_can_lock(path)
    command.release()
    assert other_process_can_lock(path) and resources.run_locks == {}
