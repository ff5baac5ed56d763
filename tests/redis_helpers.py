"""A throwaway redis-server for the tests that need a real one (test_distributed, test_report)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import redis

from newsmon.distributed.config import DistributedConfig

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
PASSWORD = "s3cret-pw-4711"

needs_redis = pytest.mark.skipif(
    not Path(REDIS_SERVER).exists() and not os.environ.get("NEWSMON_CI"),
    reason="redis-server is not installed (apt-get install redis-server; CI installs it via .ci/run)",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """A throwaway redis-server on 127.0.0.1 with a password, data in a temp dir."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://:{PASSWORD}@127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        args = ["--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.workdir)]
        args += ["--save", "", "--appendonly", "no", "--requirepass", PASSWORD]
        self.proc = subprocess.Popen(
            [REDIS_SERVER, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis.from_url(self.url).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)


def store_config(server: RedisServer, **overrides: Any) -> DistributedConfig:
    """A distributed-mode config on ``server`` with keys of its own (a fresh prefix per call)."""
    base = DistributedConfig(
        backend="redis",
        url=server.url,
        run_id="r1",
        prefix=f"t{uuid.uuid4().hex[:8]}",
        claim_ttl_s=3600.0,
        heartbeat_s=1.0,
        worker_timeout_s=10.0,
        run_ttl_s=600.0,
    )
    return DistributedConfig(**{**base.__dict__, **overrides})
