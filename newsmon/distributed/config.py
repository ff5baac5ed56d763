"""The distributed settings, read once and validated; the Redis key names of a spider and of a run."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from newsmon.options import Option, Options
from newsmon.stats import DISTRIBUTED_REDIS_ERROR

# Exit status of `scrapy crawl` when Redis is unreachable at start or failed mid-run (EX_UNAVAILABLE).
# Here, not in connection.py, so a crawl without the redis extra reads them without importing redis.
EXIT_UNAVAILABLE = 69
CLOSE_REASON = "newsmon_redis_error"


def failed_run(crawler: Crawler) -> bool:
    """Whether the crawl was closed by a Redis failure."""
    try:
        return bool(crawler.stats.get_value(DISTRIBUTED_REDIS_ERROR)) if crawler.stats else False
    except RuntimeError:  # never started
        return False


OPTIONS = Options(
    Option(
        "NEWSMON_BACKEND",
        "sqlite",
        "`sqlite`: one process, state in `NEWSMON_STATE_DIR`; `redis`: several processes or nodes share "
        "one crawl ([Running distributed](../distributed.md))",
    ),
    Option(
        "REDIS_URL",
        "",
        "Redis of distributed mode; empty: the environment variable `NEWSMON_REDIS_URL`, else "
        "`redis://127.0.0.1:6379/0`. Give a URL with a password in `NEWSMON_REDIS_URL`, not with `-s`",
    ),
    Option(
        "NEWSMON_RUN_ID",
        "",
        "processes given the same id share one run (its queue and dupefilter); a new id is a new run",
        default_doc="the UTC hour (`20260301T07`)",
    ),
    Option(
        "NEWSMON_REDIS_PREFIX",
        "newsmon",
        "first part of every Redis key",
    ),
    Option(
        "NEWSMON_CLAIM_TTL",
        3600.0,
        "seconds an emit claim on a canonical URL and body hash holds ([exactly once](../distributed.md))",
    ),
    Option(
        "NEWSMON_REDIS_HEARTBEAT",
        2.0,
        "seconds between a process's reports to Redis (liveness, Redis health, an idle process looks at "
        "the queue again)",
    ),
    Option(
        "NEWSMON_WORKER_TIMEOUT",
        30.0,
        "seconds of silence after which a process of the run counts as dead: the others stop waiting for it",
    ),
    Option(
        "NEWSMON_RUN_TTL",
        21600.0,
        "seconds the keys of a run whose processes all died outlive their last heartbeat",
    ),
)

BACKENDS = ("sqlite", "redis")
DEFAULT_URL = "redis://127.0.0.1:6379/0"
URL_ENV = "NEWSMON_REDIS_URL"  # the preferred way to pass a URL with a password: never in settings or logs
RUN_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,99}")


def default_run_id(now: datetime | None = None) -> str:
    """The UTC hour: processes started by cron in the same hour join the same run."""
    return (now or datetime.now(UTC)).strftime("%Y%m%dT%H")


def mask_url(url: str) -> str:
    """url with its password (and a user name, when there is a password) replaced by ***: Redis URLs and
    feed URIs (s3://KEY:SECRET@bucket/...) in logs and verdicts."""
    try:
        parts = urlsplit(url)
        if parts.password is None and not (parts.username and "@" in parts.netloc):
            return url
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        netloc = f"***@{host}" + (f":{parts.port}" if parts.port is not None else "")
        return urlunsplit(parts._replace(netloc=netloc))
    except ValueError:
        return "<unparseable URL>"


@dataclass(frozen=True)
class DistributedConfig:
    backend: str  # sqlite (one process, the default) | redis (distributed)
    url: str  # REDIS_URL setting, else $NEWSMON_REDIS_URL, else DEFAULT_URL; log masked_url only
    run_id: str  # shared by the processes of one run; names its queue, dupefilter and workers
    prefix: str  # first part of every key
    claim_ttl_s: float  # how long an emit claim on a URL / body hash holds
    heartbeat_s: float  # how often a process reports itself and checks Redis
    worker_timeout_s: float  # a process silent this long is gone (crashed): nobody waits for it
    run_ttl_s: float  # run keys left by crashed processes expire this long after the last heartbeat

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> DistributedConfig:
        backend = (OPTIONS.get(settings, "NEWSMON_BACKEND") or "sqlite").strip().lower()
        if backend not in BACKENDS:
            raise ValueError(f"NEWSMON_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")
        run_id = OPTIONS.get(settings, "NEWSMON_RUN_ID") or default_run_id()
        if not RUN_ID_RE.fullmatch(run_id):
            raise ValueError(f"NEWSMON_RUN_ID must match {RUN_ID_RE.pattern}, not {run_id!r}")
        config = cls(
            backend=backend,
            url=OPTIONS.get(settings, "REDIS_URL") or os.environ.get(URL_ENV) or DEFAULT_URL,
            run_id=run_id,
            prefix=OPTIONS.get(settings, "NEWSMON_REDIS_PREFIX") or "newsmon",
            claim_ttl_s=OPTIONS.getfloat(settings, "NEWSMON_CLAIM_TTL"),
            heartbeat_s=OPTIONS.getfloat(settings, "NEWSMON_REDIS_HEARTBEAT"),
            worker_timeout_s=OPTIONS.getfloat(settings, "NEWSMON_WORKER_TIMEOUT"),
            run_ttl_s=OPTIONS.getfloat(settings, "NEWSMON_RUN_TTL"),
        )
        if min(config.claim_ttl_s, config.heartbeat_s) <= 0 or config.worker_timeout_s <= config.heartbeat_s:
            raise ValueError(
                "NEWSMON_CLAIM_TTL and NEWSMON_REDIS_HEARTBEAT must be > 0 and NEWSMON_WORKER_TIMEOUT "
                "longer than NEWSMON_REDIS_HEARTBEAT"
            )
        return config

    @property
    def enabled(self) -> bool:
        return self.backend == "redis"

    @property
    def masked_url(self) -> str:
        return mask_url(self.url)

    def spider_key(self, spider: str, name: str) -> str:
        """A key kept across runs (state store, host memory, the active-run marker)."""
        return f"{self.prefix}:{spider}:{name}"

    def run_key(self, spider: str, name: str) -> str:
        """A key of this run only (queue, dupefilter, workers); deleted when the run ends."""
        return f"{self.prefix}:{spider}:run:{self.run_id}:{name}"

    def run_keys(self, spider: str) -> list[str]:
        names = ("requests", "dupefilter", "dupefilter:hops", "workers", "escalations")
        return [self.run_key(spider, name) for name in names]
