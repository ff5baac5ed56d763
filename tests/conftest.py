"""Fixtures shared by several test modules."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.postgres_helpers import PostgresServer, pg_workdir
from tests.redis_helpers import RedisServer


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A redis-server of its own per test module (mark the module or test with needs_redis)."""
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the session (mark the module or test with needs_postgres); tests keep to
    their own tables. Its directory is outside pytest's (root-only) temp tree: the server runs as the
    `postgres` user."""
    workdir = pg_workdir()
    server = PostgresServer(workdir / "pg", template=True)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


# --- the order files start in under `--dist loadfile` ------------------------------------------------
# xdist hands whole files to its workers in collection order (`--no-loadscope-reorder`, Makefile), each
# worker taking the next file when it is almost done with its own: with the longest files first, that is
# longest-processing-time-first scheduling, so that no long file starts last and becomes the run's critical
# path. Collection happens in the workers, where xdist sets `dist` to "no": the order is applied whenever
# the session is a worker (`workerinput`) or distributes by file (until 2026-12-07 it was applied nowhere,
# and files ran in alphabetical order). Weights are the seconds a file took in `make test` on the shared
# 2-core machine under the other agents' load (load average about 20, three workers, fork server), after
# this suite's changes where they changed it; a file not listed is estimated from its tests (a test marked
# crawl runs a crawl or shares one). Keys are paths under tests/ (tests/test_feeds.py and
# tests/faults/test_feeds.py are two files).
FILE_WEIGHTS = {
    "test_output_faults.py": 400,
    "test_sink_faults.py": 400,
    "test_incremental.py": 290,
    "test_schedule.py": 230,  # scrapyd daemons
    "test_packaging.py": 200,  # builds and installs a wheel (549 s with no wheelhouse in pytest's cache)
    "test_tiers_crawl.py": 170,
    "test_shapes_corpus.py": 160,  # the corpus checks, then a sweep of 5 shapes, three times
    "test_quiet_feeds.py": 150,
    "test_process_faults.py": 130,
    "faults/test_store_damage.py": 130,
    "test_shapes_corpus_sweep2.py": 120,  # a sweep of 4 shapes, three times
    "test_shapes_corpus_sweep3.py": 120,
    "test_extract_budget.py": 110,
    "faults/test_site_files.py": 110,
    "test_browser_checks.py": 100,
    "test_template.py": 90,
    "test_site_identity.py": 90,
    "test_deploy.py": 90,
    "test_discover_behaviour.py": 85,
    "faults/test_page_budget.py": 80,
    "test_sweep.py": 80,
    "faults/test_sweep_containment.py": 75,
    "test_eval_gate.py": 70,
    "test_crawl.py": 60,
    "test_extract_workers.py": 60,
    "test_distributed.py": 55,
    "faults/test_path_order.py": 55,
    "test_othersites_crawl.py": 50,
    "test_monitors.py": 45,
    "test_stock_command.py": 40,
    "test_shapes_fields.py": 40,
    "test_registries.py": 35,
    "test_architecture.py": 30,  # each newsmon module parsed once (was 99 s: parsed again by every check)
    "faults/test_hub_budgets.py": 35,
    "faults/test_slow_server.py": 35,
    "faults/test_browser_guard.py": 35,
    "test_alerts.py": 30,
    "test_warc.py": 30,
    "test_discover.py": 30,
    "test_addon_crawl.py": 25,
    "faults/test_operator_errors.py": 25,
    "test_render_safety.py": 25,
    "test_sinks.py": 25,
    "test_forkserver.py": 25,
    "test_outputs.py": 20,
    "faults/test_feed_options.py": 20,
    "test_extract_html.py": 20,
    "faults/test_hub_verdicts.py": 15,
    "test_extras.py": 15,
    "faults/test_network.py": 15,
    "faults/test_markup_budget.py": 15,
    "faults/test_content.py": 10,
    "test_crawl_amp.py": 12,
    "faults/test_feeds.py": 11,
    "test_structured_crawl.py": 10,
    "test_order.py": 9,
}
CRAWL_TEST_SECONDS = 3.0  # a file not listed: many crawl-marked tests share one module crawl
TEST_SECONDS = 0.2


def distributes_by_file(config: pytest.Config) -> bool:
    """An xdist worker (the controller runs no collection hook that matters) or --dist loadfile itself."""
    if hasattr(config, "workerinput"):
        return True
    return getattr(config.option, "dist", "no") in ("loadfile", "loadscope")


def key(path: Path, tests_dir: Path) -> str:
    """A test file's FILE_WEIGHTS key: its path under tests/."""
    return path.relative_to(tests_dir).as_posix() if path.is_relative_to(tests_dir) else path.name


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not distributes_by_file(config):
        return
    tests_dir = Path(__file__).resolve().parent
    estimated: dict[Path, float] = {}
    for item in items:
        seconds = CRAWL_TEST_SECONDS if item.get_closest_marker("crawl") else TEST_SECONDS
        estimated[item.path] = estimated.get(item.path, 0.0) + seconds
    weight = {path: FILE_WEIGHTS.get(key(path, tests_dir), seconds) for path, seconds in estimated.items()}
    items.sort(key=lambda item: -weight[item.path])  # stable: a file's own order is kept
