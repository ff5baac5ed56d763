"""Redis Streams sink: one stream entry per (id, version), exactly once, readable by consumer groups.

Each record becomes ``XADD <stream> * id <id> version <n> record <JSON>``. Delivery is exactly-once in the
stream: one Lua script per batch adds ``<id>:<version>`` to a set of delivered keys (``<stream>:delivered``)
and appends the entry only when the key was new, atomically, so a batch delivered again after a crash adds
nothing. Consumers still acknowledge their entries (XACK); a consumer that crashes between processing and
acknowledging sees the entry again, which is Redis' own at-least-once to consumers: key what you write on
``id`` and ``version`` (../feeding-an-archive.md).

Trimming: ``?maxlen=N`` keeps about the newest N entries (``XADD MAXLEN ~ N``, trimmed in whole macro nodes:
cheap, may keep a few more); default 0 keeps everything. The delivered set is never trimmed (one small member
per version: it is what makes a redelivery after trimming still a no-op). A batch counts as held once Redis
answered the script; how durable that is depends on the server's persistence (``appendonly yes`` with
``appendfsync everysec`` loses at most a second of writes on a power cut; a plain restart loses nothing).
URI: ``redis+stream://[:password@]host:port/db?stream=newsmon:records&maxlen=1000000`` (``rediss+stream``
for TLS).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

import redis

from newsmon.sinks import Sink, SinkConfig, SinkError, SinkUnusable, batch_keys, own_params

logger = logging.getLogger(__name__)

DEFAULT_STREAM = "newsmon:records"

# KEYS: stream, delivered set. ARGV: maxlen, then (key, id, version, record) per record. Returns the added.
DELIVER = """
local maxlen = tonumber(ARGV[1])
local added = 0
for i = 2, #ARGV, 4 do
  if redis.call('SISMEMBER', KEYS[2], ARGV[i]) == 0 then
    if maxlen > 0 then
      redis.call('XADD', KEYS[1], 'MAXLEN', '~', maxlen, '*',
                 'id', ARGV[i + 1], 'version', ARGV[i + 2], 'record', ARGV[i + 3])
    else
      redis.call('XADD', KEYS[1], '*', 'id', ARGV[i + 1], 'version', ARGV[i + 2], 'record', ARGV[i + 3])
    end
    -- only once the entry is in: Redis does not undo a script's earlier writes when a later call fails
    redis.call('SADD', KEYS[2], ARGV[i])
    added = added + 1
  end
end
return added
"""


class RedisStreamSink(Sink):
    def __init__(self, uri: str, config: SinkConfig) -> None:
        super().__init__(uri, config)
        url, own = own_params(uri, ("stream", "maxlen"))
        self.url = url.replace("+stream://", "://", 1)
        self.stream = own.get("stream") or DEFAULT_STREAM
        self.delivered = f"{self.stream}:delivered"
        try:
            self.maxlen = int(own.get("maxlen") or 0)
        except ValueError:
            raise ValueError(f"sink {self.label}: maxlen must be an integer") from None
        self.client: redis.Redis | None = None
        self.script: Any = None

    def open(self) -> None:
        timeout = self.config.timeout
        try:
            client = redis.Redis.from_url(self.url, socket_timeout=timeout, socket_connect_timeout=timeout)
            client.ping()
            raw = client.type(self.stream)
            kind = raw.decode() if isinstance(raw, bytes) else str(raw)
            if kind not in ("stream", "none"):
                raise SinkUnusable(f"sink {self.label}: key {self.stream} is a {kind}, not a stream")
            self.script = client.register_script(DELIVER)
        except redis.RedisError as exc:
            raise SinkUnusable(f"sink {self.label}: {exc}") from None
        self.client = client
        logger.info("Sink %s: stream %s (maxlen %s)", self.label, self.stream, self.maxlen or "unlimited")

    def write(self, records: Sequence[dict[str, Any]]) -> None:
        if self.client is None:
            self.open()
        args: list[Any] = [self.maxlen]
        for record, (rid, version) in zip(records, batch_keys(records), strict=True):
            args += [f"{rid}:{version}", rid, version, json.dumps(record, ensure_ascii=False)]
        try:
            self.script(keys=[self.stream, self.delivered], args=args, client=self.client)
        except redis.RedisError as exc:
            raise SinkError(f"sink {self.label}: {exc}") from None

    def close(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            try:
                client.close()
            except redis.RedisError as exc:
                logger.debug("Sink %s: close failed (%s)", self.label, exc)
