"""Fixtures shared by several test modules."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

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
