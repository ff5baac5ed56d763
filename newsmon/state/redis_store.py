"""The state store in Redis (NEWSMON_BACKEND=redis): the StateStore interface, shared by every process.

Keys under `<prefix>:<spider>:` (see README "Running distributed"): `a:<url>` a hash per emitted article
(h content hash, v version, fs/ls/lf first seen, last seen, last fetched, p published, l related links,
u body lines and their page blocks),
`h:<hash>` the URLs emitted with that body, `alias:<url>`, `hub:<url>`, `count`, `runs`, `runs:<id>`,
`claim:u:<url>` / `claim:h:<hash>`. Upserts are Lua scripts, atomic across processes. Every call goes
through `guard`: a Redis error closes the run and raises, it is never read as "not emitted".

Exactly once across processes: before a record is written, `claim` takes both its canonical URL and its
body hash with SET NX semantics and a TTL (NEWSMON_CLAIM_TTL); another process fetching the same article
(by a shortlink, a redirect, a duplicate URL) finds the claim and drops its copy. The claim outlives the
durable write and the mark, so a process that checked the store just before the mark still loses. A
claimant that crashes before writing leaves its claim until it expires: the article is then not emitted by
this run, and a later run fetches it again (a delay, never a loss or a duplicate).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

import redis

from newsmon.distributed.config import DistributedConfig
from newsmon.distributed.connection import ErrorHandler, guarded, worker_id
from newsmon.state.redis_template import RedisTemplateKeys
from newsmon.state.store import ArticleState, HubState, pack_links, unpack_links

# KEYS: article, count, hash set of the new hash, hash set of the stored hash (found by the caller: "")
# ARGV: url, hash, version, now, published ("" = none), links blob ("" = none), hash set prefix,
#       body units blob ("" = none)
MARK = """
local cur = redis.call('HMGET', KEYS[1], 'h', 'v', 'ls', 'lf')
local url, hash, version, now, published, links, hprefix, units = ARGV[1], ARGV[2], ARGV[3], ARGV[4],
  ARGV[5], ARGV[6], ARGV[7], ARGV[8]
if not cur[2] then
  redis.call('HSET', KEYS[1], 'h', hash, 'v', version, 'fs', now, 'ls', now, 'lf', now)
  if published ~= '' then redis.call('HSET', KEYS[1], 'p', published) end
  if links ~= '' then redis.call('HSET', KEYS[1], 'l', links) end
  if units ~= '' then redis.call('HSET', KEYS[1], 'u', units) end
  redis.call('SADD', hprefix .. hash, url)
  redis.call('INCR', KEYS[2])
  return 1
end
if tonumber(version) >= tonumber(cur[2]) then
  if cur[1] ~= hash then
    redis.call('SREM', hprefix .. cur[1], url)
    redis.call('SADD', hprefix .. hash, url)
  end
  redis.call('HSET', KEYS[1], 'h', hash, 'v', version)
  if links ~= '' then redis.call('HSET', KEYS[1], 'l', links) end
  if units ~= '' then redis.call('HSET', KEYS[1], 'u', units) else redis.call('HDEL', KEYS[1], 'u') end
end
if tonumber(now) > tonumber(cur[3]) then redis.call('HSET', KEYS[1], 'ls', now) end
if tonumber(now) > tonumber(cur[4]) then redis.call('HSET', KEYS[1], 'lf', now) end
if published ~= '' then redis.call('HSET', KEYS[1], 'p', published) end
return 0
"""
# KEYS: article; ARGV: now, fetched ("1"/"0")
TOUCH = """
local cur = redis.call('HMGET', KEYS[1], 'v', 'ls', 'lf')
if not cur[1] then return 0 end
if tonumber(ARGV[1]) > tonumber(cur[2]) then redis.call('HSET', KEYS[1], 'ls', ARGV[1]) end
if ARGV[2] == '1' and tonumber(ARGV[1]) > tonumber(cur[3]) then redis.call('HSET', KEYS[1], 'lf', ARGV[1]) end
return 1
"""
# KEYS: URL claim, hash claim; ARGV: holder, ttl ms
CLAIM = """
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return 1
"""


# KEYS[1] the note; ARGV[1] the value expected ("" = none), ARGV[2] the new one ("" = delete)
SWAP_NOTE = """
local cur = redis.call('GET', KEYS[1]) or ''
if cur ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2]) end
return 1
"""


# The type of each key under `<prefix>:<spider>:`, by exact name or by prefix (the first match decides).
KEY_TYPES: tuple[tuple[str, str], ...] = (
    ("a:", "hash"),
    ("h:", "set"),
    ("alias:", "string"),
    ("hub:", "hash"),
    ("claim:", "string"),
    ("worker:", "string"),
    ("runs:open", "set"),
    ("runs:seq", "string"),
    ("runs:", "hash"),
    ("runs", "list"),
    ("count", "string"),
    ("sources", "hash"),
    ("note:", "string"),
)
ASIDE = "corrupt:"  # `<base>corrupt:<key>`: where a key of the wrong type is moved


def expected_type(name: str) -> str | None:
    """The Redis type the key `<base><name>` must have; None for keys the store does not own."""
    for key, kind in KEY_TYPES:
        if name == key or (key.endswith(":") and name.startswith(key)):
            return kind
    return None


def _glob_escape(text: str) -> str:
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)


def stored_spiders(conn: redis.Redis, prefix: str) -> list[str]:
    """The spiders with runs under prefix (`<prefix>:<spider>:runs:seq`), sorted; SCAN, never KEYS."""
    pattern = f"{prefix}:*:runs:seq"
    found = {str(_str(key))[len(prefix) + 1 : -len(":runs:seq")] for key in conn.scan_iter(match=pattern)}
    return sorted(found)


def _str(value: object) -> str | None:
    """A Redis reply as text (None stays None)."""
    if value is None:
        return None
    return value.decode() if isinstance(value, bytes) else str(value)


def _num(value: object) -> float | None:
    text = _str(value)
    return float(text) if text else None


def _bytes(value: object) -> bytes | None:
    if value is None or isinstance(value, bytes):
        return value
    return str(value).encode()


class RedisStateStore(RedisTemplateKeys):
    def __init__(
        self, conn: redis.Redis, config: DistributedConfig, spider: str, on_error: ErrorHandler | None = None
    ) -> None:
        self.conn = conn
        self.config = config
        self.on_error = on_error
        self.base = config.spider_key(spider, "")
        self.spider = spider
        self.worker = worker_id()
        self._mark = conn.register_script(MARK)
        self._touch = conn.register_script(TOUCH)
        self._claim = conn.register_script(CLAIM)

    @classmethod
    def open_for_reading(cls, url: str, spider: str, prefix: str = "newsmon") -> RedisStateStore:
        """A store for readers (`newsmon report`): no crawler, so no run to fail on an error (the caller
        gets RedisFailure), and nothing written on open; RedisUnavailable (URL masked) when Redis does
        not answer. Call only its reading methods (get, runs, count, ...)."""
        from scrapy.settings import Settings

        from newsmon.distributed.connection import connect

        settings = Settings({"NEWSMON_BACKEND": "redis", "REDIS_URL": url, "NEWSMON_REDIS_PREFIX": prefix})
        config = DistributedConfig.from_settings(settings)
        return cls(connect(config), config, spider)

    @property
    def location(self) -> str:
        return f"{self.config.masked_url} ({self.base}*)"

    def close(self) -> None:
        self.conn.close()

    def commit(self) -> None:
        """Every write is applied at once."""

    def __enter__(self) -> RedisStateStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- integrity -----------------------------------------------------------------------------
    @guarded
    def wrong_types(self, batch: int = 1000) -> list[tuple[str, str]]:
        """[(key, its type)] of the store's keys whose type is not the one the store writes: another
        program's keys, or a damaged copy; SCAN with pipelined TYPE, one pass over the spider's keys."""
        found: list[tuple[str, str]] = []
        names: list[str] = []

        def check() -> None:
            pipe = self.conn.pipeline(transaction=False)
            for name in names:
                pipe.type(self.base + name)
            for name, kind in zip(names, pipe.execute(), strict=True):
                kind = str(_str(kind))
                if kind != "none" and kind != expected_type(name):
                    found.append((self.base + name, kind))
            names.clear()

        for raw in self.conn.scan_iter(match=_glob_escape(self.base) + "*", count=batch):
            name = str(_str(raw))[len(self.base) :]
            if not name.startswith(ASIDE) and expected_type(name) is not None:
                names.append(name)
                if len(names) >= batch:
                    check()
        check()
        return found

    @guarded
    def set_aside(self, keys: list[str]) -> None:
        """Move keys to `<base>corrupt:<name>` (kept for a look, out of the store's way)."""
        for key in keys:
            try:
                self.conn.rename(key, self.base + ASIDE + key[len(self.base) :])
            except redis.ResponseError as exc:  # gone meanwhile (another process set it aside)
                if "no such key" not in str(exc).lower():
                    raise
        if self.base + "count" in keys:  # recounted from the article keys (the rebuild adds the rest)
            articles = sum(1 for _ in self.conn.scan_iter(match=_glob_escape(self.base) + "a:*", count=1000))
            self.conn.set(self.base + "count", articles)

    # --- articles ------------------------------------------------------------------------------
    @guarded
    def get(self, canonical_url: str) -> ArticleState | None:
        h, v, fs, ls, lf, p = self.conn.hmget(
            self.base + "a:" + canonical_url, "h", "v", "fs", "ls", "lf", "p"
        )
        if h is None or v is None:
            return None
        return ArticleState(
            canonical_url, str(_str(h)), int(v), _num(fs) or 0.0, _num(ls) or 0.0, _num(lf) or 0.0, _num(p)
        )

    @guarded
    def resolve(self, url: str) -> ArticleState | None:
        state = self.get(url)
        if state is not None:
            return state
        target = _str(self.conn.get(self.base + "alias:" + url))
        return self.get(target) if target is not None else None

    @guarded
    def links(self, canonical_url: str) -> list[tuple[str, str]]:
        return unpack_links(_bytes(self.conn.hget(self.base + "a:" + canonical_url, "l")))

    @guarded
    def url_for_hash(self, content_hash: str) -> str | None:
        return _str(self.conn.srandmember(self.base + "h:" + content_hash))

    @guarded
    def body_units(self, canonical_url: str) -> bytes | None:
        return _bytes(self.conn.hget(self.base + "a:" + canonical_url, "u"))

    @guarded
    def mark_emitted(
        self,
        canonical_url: str,
        content_hash: str,
        version: int,
        published_at: float | None,
        *,
        links: list[tuple[str, str]] | None = None,
        units: bytes | None = None,
        now: float | None = None,
        commit: bool = True,
    ) -> None:
        """Upsert, atomically; a lower version than the stored one never wins (as StateStore)."""
        now = time.time() if now is None else now
        self._mark(
            keys=[self.base + "a:" + canonical_url, self.base + "count"],
            args=[
                canonical_url,
                content_hash,
                str(version),
                repr(float(now)),
                "" if published_at is None else repr(float(published_at)),
                pack_links(links) if links else b"",
                self.base + "h:",
                units or b"",
            ],
        )

    @guarded
    def touch(self, canonical_url: str, *, fetched: bool, now: float | None = None) -> None:
        now = time.time() if now is None else now
        self._touch(keys=[self.base + "a:" + canonical_url], args=[repr(float(now)), "1" if fetched else "0"])

    @guarded
    def add_alias(self, url: str, canonical_url: str) -> bool:
        if url == canonical_url:
            return False
        previous = self.conn.set(self.base + "alias:" + url, canonical_url, get=True)
        return _str(previous) != canonical_url

    @guarded
    def count(self) -> int:
        return int(self.conn.get(self.base + "count") or 0)

    @guarded
    def claim(self, canonical_url: str, content_hash: str) -> bool:
        keys = [self.base + "claim:u:" + canonical_url, self.base + "claim:h:" + content_hash]
        ttl_ms = str(int(self.config.claim_ttl_s * 1000))
        return bool(self._claim(keys=keys, args=[f"{self.worker} {self.config.run_id}", ttl_ms]))

    # --- hubs ----------------------------------------------------------------------------------
    @guarded
    def hub(self, url: str) -> HubState | None:
        etag, last_modified, headers, body = self.conn.hmget(self.base + "hub:" + url, "e", "m", "hd", "b")
        if headers is None or body is None:
            return None
        return HubState(
            _str(etag) or None, _str(last_modified) or None, json.loads(headers), _bytes(body) or b""
        )

    @guarded
    def store_hub(
        self,
        url: str,
        etag: str | None,
        last_modified: str | None,
        headers: Mapping[str, list[str]],
        body: bytes,
    ) -> None:
        mapping = {
            "e": etag or "",
            "m": last_modified or "",
            "hd": json.dumps(dict(headers)),
            "b": body,
            "at": repr(time.time()),
        }
        self.conn.hset(self.base + "hub:" + url, mapping=mapping)  # type: ignore[arg-type]

    # --- runs ----------------------------------------------------------------------------------
    @guarded
    def start_run(self, now: float | None = None) -> int:
        """A new run record of this process; open records of processes no longer alive become crashed."""
        for raw in self.conn.smembers(self.base + "runs:open"):
            other = str(_str(raw))
            worker = _str(self.conn.hget(self.base + "runs:" + other, "worker"))
            if worker is None or not self.conn.exists(self.base + "worker:" + worker):
                self.conn.hset(self.base + "runs:" + other, "finish_reason", "crashed")
                self.conn.srem(self.base + "runs:open", other)
        run_id = int(self.conn.incr(self.base + "runs:seq"))
        self.alive()
        started = time.time() if now is None else now
        mapping = {"started": repr(started), "worker": self.worker, "run_id": self.config.run_id}
        self.conn.hset(self.base + f"runs:{run_id}", mapping=mapping)  # type: ignore[arg-type]
        self.conn.rpush(self.base + "runs", run_id)
        self.conn.sadd(self.base + "runs:open", run_id)
        return run_id

    @guarded
    def alive(self) -> None:
        """This process is working (refreshed by the coordinator's heartbeat; expires when it dies)."""
        ttl_ms = int(self.config.worker_timeout_s * 1000)
        self.conn.set(self.base + "worker:" + self.worker, self.config.run_id, px=ttl_ms)

    @guarded
    def end_run(self, run_id: int, reason: str, stats: Mapping[str, Any]) -> None:
        mapping = {
            "ended": repr(time.time()),
            "finish_reason": reason,
            "stats": json.dumps(dict(stats), sort_keys=True, default=str),
        }
        self.conn.hset(self.base + f"runs:{run_id}", mapping=mapping)  # type: ignore[arg-type]
        self.conn.srem(self.base + "runs:open", run_id)

    @guarded
    def runs(self, limit: int | None = None) -> list[dict[str, Any]]:
        out = []
        for raw in self.conn.lrange(self.base + "runs", -limit if limit else 0, -1):
            row = self.conn.hgetall(self.base + f"runs:{int(raw)}")
            fields = {str(_str(k)): str(_str(v)) for k, v in row.items()}
            out.append(
                {
                    "id": int(raw),
                    "started": _num(fields.get("started")),
                    "ended": _num(fields.get("ended")),
                    "finish_reason": fields.get("finish_reason"),
                    "stats": json.loads(fields.get("stats") or "{}"),
                    "worker": fields.get("worker"),
                    "run_id": fields.get("run_id"),
                }
            )
        return out

    # --- sources (per-hub freshness, newsmon/monitors) -----------------------------------------
    @guarded
    def record_sources(
        self, counts: Mapping[str, tuple[int, int]], now: float | None = None
    ) -> dict[str, int]:
        """Hash `sources`: hub URL -> consecutive runs without a new article URL (the SQLite store's
        `sources` table); a new one resets it, HINCRBY keeps concurrent processes consistent."""
        out: dict[str, int] = {}
        key = self.base + "sources"
        for url, (_listed, new) in counts.items():
            if new:
                self.conn.hset(key, url, 0)
                out[url] = 0
            else:
                out[url] = int(self.conn.hincrby(key, url, 1))
        return out

    # --- notes: small JSON values kept between runs (the alert state, newsmon/alerts) -----------------
    @guarded
    def note(self, key: str) -> Any:
        raw = self.conn.get(self.base + "note:" + key)
        return None if raw is None else json.loads(_str(raw) or "null")

    @guarded
    def swap_note(self, key: str, old: Any, new: Any) -> bool:
        """Compare and set in one Lua call: of the processes of a distributed run that see the same
        change, one wins (and sends the alert)."""
        found = self.conn.eval(
            SWAP_NOTE,
            1,
            self.base + "note:" + key,
            "" if old is None else json.dumps(old, sort_keys=True),
            "" if new is None else json.dumps(new, sort_keys=True),
        )
        return bool(found)
