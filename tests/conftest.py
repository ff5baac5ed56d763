"""Fixtures shared by several test modules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.postgres_helpers import PostgresServer, running_postgres
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
    with running_postgres(template=True) as server:
        yield server


# --- the order files start in under `--dist loadfile` ------------------------------------------------
# xdist hands whole files to its workers in collection order (`--no-loadscope-reorder`, Makefile), each
# worker taking the next file when it is almost done with its own: with the longest files first, that is
# longest-processing-time-first scheduling, so that no long file starts last and becomes the run's critical
# path. Collection happens in the workers, where xdist sets `dist` to "no": the order is applied whenever
# the session is a worker (`workerinput`) or distributes by file (until 2026-12-07 it was applied nowhere,
# and files ran in alphabetical order). Weights are the seconds a file took under `pytest -n 4 --dist
# loadfile` on the 2-core machine with no other suite running (load average 2-7: docs/testing.md,
# 2026-12-08 s6); a file not listed is estimated from its tests (a test marked crawl runs a crawl or shares
# one). Keys are paths under tests/ (tests/test_feeds.py and tests/faults/test_feeds.py are two files).
FILE_WEIGHTS = {
    "test_packaging.py": 58,  # builds and installs a wheel (549 s with no wheelhouse in pytest's cache)
    "test_output_faults.py": 51,
    "test_process_faults.py": 49,
    "test_schedule.py": 49,  # scrapyd daemons
    "test_tiers_crawl.py": 45,
    "faults/test_page_budget.py": 42,
    "test_sink_faults.py": 39,
    "test_shapes_corpus.py": 37,  # checks, then a sweep of 6 shapes (2 need Chromium), two runs
    "faults/test_sweep_containment.py": 34,
    "test_deploy.py": 27,
    "test_extract_budget.py": 27,
    "test_discover_behaviour.py": 24,
    "faults/test_slow_server.py": 21,
    "test_browser_checks.py": 21,
    "test_incremental.py": 20,
    "test_template.py": 20,
    "test_extract_workers.py": 19,
    "faults/test_browser_guard.py": 17,
    "faults/test_site_files.py": 17,
    "faults/test_path_order.py": 15,
    "faults/test_hub_budgets.py": 14,
    "test_forkserver.py": 14,
    "test_shapes_corpus_sweep2.py": 14,  # a sweep of 6 shapes, two runs
    "test_discover.py": 13,
    "test_shapes_corpus_sweep3.py": 13,  # a sweep of 6 shapes, two runs
    "test_quiet_feeds.py": 12,
    "test_crawl.py": 11,
    "faults/test_network.py": 10,
    "test_architecture.py": 10,
    "test_distributed.py": 9,
    "test_sweep.py": 9,
    "test_alerts.py": 8,
    "test_othersites_crawl.py": 8,
    "test_eval_gate.py": 7,
    "test_registries.py": 7,
    "test_shapes_fields.py": 7,
    "test_site_identity.py": 7,
    "faults/test_store_damage.py": 6,
    "test_warc.py": 6,
    "test_article_parts.py": 5,
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
