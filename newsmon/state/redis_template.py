"""A site's learned template in Redis (NEWSMON_BACKEND=redis): the template methods of RedisStateStore.

See newsmon/state/template_store.py for what is kept; here one Lua script a page updates it atomically, so
the processes of a distributed crawl learn one template.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import redis

from newsmon.distributed.connection import ErrorHandler, guarded
from newsmon.state.template_store import DAY, SINGLE_TTL, Learned, _text

# KEYS: counter of pages learned, set of fingerprints on 2+ pages; ARGV: key prefix, page, keep, ttl ms,
# single ttl ms, then (fingerprint, sample) pairs. Returns fingerprint, pages (comma-separated) for those on
# 2+ pages.
LEARN = """
local prefix, page, keep, ttl, single = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local out = {}
for i = 6, #ARGV, 2 do
  local sig, sample = ARGV[i], ARGV[i + 1]
  local key = prefix .. sig
  local pages = redis.call('HGET', key, 'p')
  local list = {}
  if pages then
    for p in string.gmatch(pages, '[^,]+') do list[#list + 1] = p end
  end
  local found = false
  for _, p in ipairs(list) do if p == page then found = true end end
  if not found and #list < keep then list[#list + 1] = page end
  local joined = table.concat(list, ',')
  redis.call('HSET', key, 'p', joined)
  if #list > 1 then
    redis.call('HSET', key, 's', sample)
    redis.call('PEXPIRE', key, ttl)
    redis.call('SADD', KEYS[2], sig)
    out[#out + 1] = sig
    out[#out + 1] = joined
  else
    redis.call('PEXPIRE', key, single)
  end
end
redis.call('INCR', KEYS[1])
return out
"""


class RedisTemplateKeys:
    """The template methods of RedisStateStore: keys `<base>tpl:<fingerprint>` (hash: p pages, s sample),
    `<base>tpl:multi` (set of fingerprints on 2+ pages), `<base>tpl:pages` (pages learned)."""

    conn: redis.Redis
    base: str
    on_error: ErrorHandler | None
    _learn_script: Any = None
    template_ttl: float = 30 * DAY  # set by the learner before the first template_learn

    def _tpl(self, suffix: str) -> str:
        return f"{self.base}tpl:{suffix}"

    @guarded
    def template_learn(
        self, page: int, units: Sequence[tuple[int, str]], keep: int, now: float | None = None
    ) -> Learned:
        if self._learn_script is None:
            self._learn_script = self.conn.register_script(LEARN)
        args: list[Any] = [
            self._tpl(""),
            str(page),
            keep,
            int(self.template_ttl * 1000),
            int(SINGLE_TTL * 1000),
        ]
        for sig, sample in units:
            args += [str(sig), sample]
        reply = self._learn_script(keys=[self._tpl("pages"), self._tpl("multi")], args=args)
        out: Learned = {}
        for i in range(0, len(reply), 2):
            out[int(reply[i])] = tuple(int(p) for p in _text(reply[i + 1]).split(","))
        return out

    def _multi(self) -> list[tuple[int, tuple[int, ...], str | None]]:
        sigs = [int(_text(s)) for s in self.conn.smembers(self._tpl("multi"))]
        pipe = self.conn.pipeline(transaction=False)
        for sig in sigs:
            pipe.hmget(self._tpl(str(sig)), "p", "s")
        found, gone = [], []
        for sig, (pages, sample) in zip(sigs, pipe.execute(), strict=True):
            if pages is None:  # expired
                gone.append(str(sig))
                continue
            found.append((sig, tuple(int(p) for p in _text(pages).split(",")), _text(sample) or None))
        if gone:
            self.conn.srem(self._tpl("multi"), *gone)
        return found

    @guarded
    def template_load(self, least: int, ttl: float, now: float | None = None) -> Learned:
        self.template_ttl = ttl
        return {sig: pages for sig, pages, _ in self._multi() if len(pages) >= least}

    @guarded
    def template_pages(self) -> int:
        value = self.conn.get(self._tpl("pages"))
        return int(value) if value else 0

    @guarded
    def template_summary(self, least: int, limit: int = 50) -> dict[str, Any]:
        multi = self._multi()
        template = sorted((m for m in multi if len(m[1]) >= least), key=lambda m: -len(m[1]))
        return {
            "pages_learned": self.template_pages(),
            "fingerprints": len(multi),
            "template": len(template),
            "samples": [{"pages": len(p), "text": s, "last_seen": None} for _, p, s in template[:limit]],
        }

    @guarded
    def template_reset(self) -> int:
        keys = list(self.conn.scan_iter(match=self._tpl("*"), count=1000))
        for start in range(0, len(keys), 500):
            self.conn.delete(*keys[start : start + 500])
        return max(0, len(keys) - 2)
