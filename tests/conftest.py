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
    server = PostgresServer(workdir / "pg")
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


# --- the order files start in under `--dist loadfile` ------------------------------------------------
# xdist hands whole files to its workers in collection order (`--no-loadscope-reorder`, Makefile): the
# longest start first, so that no long file starts last and becomes the run's critical path. Seconds a
# file takes alone, measured on the shared 2-core machine under load with the fork server; a file not
# listed is estimated from its tests (a test marked crawl runs a crawl or shares one).
FILE_WEIGHTS = {
    "test_shapes_corpus.py": 410,  # three sweeps of 14 sites, one after the other (publish, then edit)
    "test_output_faults.py": 290,
    "test_schedule.py": 170,
    "test_incremental.py": 130,
    "test_deploy.py": 100,  # not measured alone: scrapyd daemons and eggs
    "test_process_faults.py": 90,  # not measured alone: kills real crawls
    "test_packaging.py": 80,  # not measured alone: builds and installs a wheel
    "test_site_identity.py": 45,
    "test_crawl.py": 40,
    "test_sweep.py": 35,
}
CRAWL_TEST_SECONDS = 4.0
TEST_SECONDS = 0.05


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if getattr(config.option, "dist", "no") not in ("loadfile", "loadscope"):
        return
    estimated: dict[Path, float] = {}
    for item in items:
        seconds = CRAWL_TEST_SECONDS if item.get_closest_marker("crawl") else TEST_SECONDS
        estimated[item.path] = estimated.get(item.path, 0.0) + seconds
    weight = {path: FILE_WEIGHTS.get(path.name, seconds) for path, seconds in estimated.items()}
    items.sort(key=lambda item: -weight[item.path])  # stable: a file's own order is kept
