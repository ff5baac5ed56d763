"""Sinks: outputs that are not feed files (PostgreSQL, Redis Streams, an HTTP webhook), under the same commit
protocol as the feeds (README "What is guaranteed", docs/feeding-an-archive.md).

A record is marked emitted in the state store only once every sink holds it (a committed transaction, a
stream entry Redis acknowledged, a 2xx answer): records are delivered in batches (``NEWSMON_SINK_BATCH_SIZE``
records, or what came in ``NEWSMON_SINK_MAX_DELAY`` seconds) and marked when the batch is committed by all
sinks. Every sink is opened and checked before the first request (an unreachable one refuses the run, exit
status 2); a sink that fails during the run closes it (non-zero exit) with nothing marked that it does not
hold. Deliveries are idempotent upserts keyed by ``(id, version)``, so delivering again after a crash (the
next start hands a crashed run's `.partial` output to the sinks before marking it) never duplicates.

Configured like feeds: ``NEWSMON_SINKS = ["postgresql://...", "redis+stream://...", "https://..."]`` or a
site's TOML ``sinks = [...]``; credentials in the URIs never reach a log line (only ``label`` is logged).
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scrapy.settings import BaseSettings

from newsmon.distributed.config import mask_url
from newsmon.options import Option, Options

OPTIONS = Options(
    Option(
        "NEWSMON_SINKS",
        [],
        "sinks records are delivered to besides the feeds: `postgresql://...`, `redis+stream://...`, "
        "`https://...` (a webhook); a record is marked emitted once every sink holds it "
        "([Feeding an archive](../feeding-an-archive.md)); a site's TOML key `sinks` sets it per site",
    ),
    Option("NEWSMON_SINK_BATCH_SIZE", 500, "records per sink delivery (one transaction, script or POST)"),
    Option(
        "NEWSMON_SINK_MAX_DELAY",
        5.0,
        "seconds: a batch that is not full is delivered after at most this long (and at the end of the run)",
    ),
    Option(
        "NEWSMON_SINK_TIMEOUT",
        10.0,
        "seconds: a sink's connection and each delivery must finish within this (the webhook's total "
        "deadline per request)",
    ),
    Option(
        "NEWSMON_SINK_RETRIES",
        3,
        "webhook: retries of a batch after a connection error, a timeout, 408, 429 or 5xx, with exponential "
        "backoff (0.5 s, 1 s, 2 s, ... capped at 8 s)",
    ),
    Option(
        "NEWSMON_SINK_AUTH_ENV",
        "NEWSMON_SINK_AUTH",
        "webhook: the environment variable whose value is sent as the `Authorization` header (never logged)",
    ),
)

#: URI scheme -> (module, class) of the sink; the library a sink needs is imported only when it is used.
SCHEMES = {
    "postgresql": ("newsmon.sinks.postgres", "PostgresSink"),
    "postgres": ("newsmon.sinks.postgres", "PostgresSink"),
    "redis+stream": ("newsmon.sinks.redis_stream", "RedisStreamSink"),
    "rediss+stream": ("newsmon.sinks.redis_stream", "RedisStreamSink"),
    "http": ("newsmon.sinks.webhook", "WebhookSink"),
    "https": ("newsmon.sinks.webhook", "WebhookSink"),
}


class SinkError(Exception):
    """A sink could not take a batch (or could not be opened); the message names no credential."""


class SinkUnusable(SinkError):
    """A sink that cannot be used at all: checked before the first request, the run is refused (exit 2)."""


@dataclass(frozen=True)
class SinkConfig:
    uris: tuple[str, ...]
    batch_size: int
    max_delay: float
    timeout: float
    retries: int
    auth_env: str

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> SinkConfig:
        raw = OPTIONS.get(settings, "NEWSMON_SINKS")
        uris = [raw] if isinstance(raw, str) else list(raw or ())
        if isinstance(raw, str) and raw.lstrip().startswith("["):  # `-s NEWSMON_SINKS='["a", "b"]'`
            try:
                uris = json.loads(raw)
            except ValueError:
                raise ValueError("NEWSMON_SINKS: not a JSON list of URIs") from None
            if not isinstance(uris, list):
                raise ValueError("NEWSMON_SINKS: not a JSON list of URIs")
        config = cls(
            uris=tuple(u.strip() for u in uris if isinstance(u, str) and u.strip()),
            batch_size=OPTIONS.getint(settings, "NEWSMON_SINK_BATCH_SIZE"),
            max_delay=OPTIONS.getfloat(settings, "NEWSMON_SINK_MAX_DELAY"),
            timeout=OPTIONS.getfloat(settings, "NEWSMON_SINK_TIMEOUT"),
            retries=OPTIONS.getint(settings, "NEWSMON_SINK_RETRIES"),
            auth_env=str(OPTIONS.get(settings, "NEWSMON_SINK_AUTH_ENV") or ""),
        )
        if config.batch_size < 1 or config.max_delay <= 0 or config.timeout <= 0 or config.retries < 0:
            raise ValueError(
                "NEWSMON_SINK_BATCH_SIZE must be >= 1, NEWSMON_SINK_MAX_DELAY and NEWSMON_SINK_TIMEOUT > 0, "
                "NEWSMON_SINK_RETRIES >= 0"
            )
        for uri in config.uris:
            scheme = urlsplit(uri).scheme.lower()
            if scheme not in SCHEMES:
                raise ValueError(
                    f"NEWSMON_SINKS: {sink_label(uri)} has an unknown scheme {scheme!r} "
                    f"(known: {', '.join(sorted(SCHEMES))})"
                )
            build_sink(uri, config)  # its own URI parameters are checked as it is built
        return config


def sink_label(uri: str) -> str:
    """The URI as it may be logged: no user, password or query (which may hold a password)."""
    masked = mask_url(uri)
    try:
        return urlunsplit(urlsplit(masked)._replace(query="", fragment=""))
    except ValueError:
        return "<unparseable URI>"


def own_params(uri: str, names: Sequence[str]) -> tuple[str, dict[str, str]]:
    """(the URI without newsmon's own query parameters, those parameters): `?table=`, `?stream=`, ..."""
    parts = urlsplit(uri)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    own = {k: v for k, v in pairs if k in names}
    rest = [(k, v) for k, v in pairs if k not in names]
    return urlunsplit(parts._replace(query=urlencode(rest))), own


def batch_keys(records: Sequence[dict[str, Any]]) -> list[tuple[str, int]]:
    """The (id, version) of each record of a batch: what sinks key their idempotent upserts on."""
    return [(str(r["id"]), int(r.get("version") or 1)) for r in records]


class Sink(ABC):
    """One sink: opened (and checked) once, then given batches; every method raises SinkError."""

    def __init__(self, uri: str, config: SinkConfig) -> None:
        self.uri = uri
        self.config = config
        self.label = sink_label(uri)

    @abstractmethod
    def open(self) -> None:
        """Connect and check (and create or migrate what the sink keeps); SinkUnusable when it cannot."""

    @abstractmethod
    def write(self, records: Sequence[dict[str, Any]]) -> None:
        """Deliver the batch durably, idempotently by (id, version); returns only once it is committed."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection (never raises)."""


def build_sink(uri: str, config: SinkConfig) -> Sink:
    import importlib

    module, name = SCHEMES[urlsplit(uri).scheme.lower()]
    cls: type[Sink] = getattr(importlib.import_module(module), name)
    return cls(uri, config)
