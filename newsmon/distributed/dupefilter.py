"""The run's shared request dupefilter: scrapy-redis's, plus the frontier's shortest-path rule for articles.

One process's frontier (newsmon/crawl/frontier.py) remembers by how many related-link hops it reached each
article and follows an article's links again when a shorter path turns up. Across processes that memory is
not shared, so an article request is a duplicate only when the run already requested that URL by as few hops
or fewer (`<dupefilter key>:hops`, an atomic check-and-set): a shorter path is fetched again by the process
that found it (the copy is dropped by the emit claim) and its links are followed from there. Other requests
(hubs, robots.txt) are filtered by fingerprint as in scrapy-redis.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

import redis
from scrapy import Request
from scrapy_redis.dupefilter import RFPDupeFilter

from newsmon.distributed.connection import ErrorHandler, guarded

logger = logging.getLogger(__name__)

# KEYS: hops hash; ARGV: fingerprint, hops. 1 = seen by as few hops (a duplicate), 0 = new or shorter.
SEEN_BY_HOPS = """
local h = redis.call('HGET', KEYS[1], ARGV[1])
if h and tonumber(h) <= tonumber(ARGV[2]) then return 1 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 0
"""


class PathDupeFilter(RFPDupeFilter):
    def __init__(
        self,
        server: redis.Redis,
        key: str,
        debug: bool = False,
        on_error: ErrorHandler | None = None,
        article_hops: Callable[[Mapping[str, Any]], int | None] | None = None,
    ) -> None:
        super().__init__(server, key, debug)
        # the frontier's path rule (newsmon/crawl/frontier.py), handed in through the crawl context
        self.article_hops = article_hops or (lambda meta: None)
        self.hops_key = key + ":hops"
        self.on_error = on_error
        self._seen_by_hops = server.register_script(SEEN_BY_HOPS)

    @guarded
    def request_seen(self, request: Request) -> bool:
        hops = self.article_hops(request.meta)
        if hops is None:
            return bool(super().request_seen(request))
        fingerprint = self.request_fingerprint(request)
        return bool(self._seen_by_hops(keys=[self.hops_key], args=[fingerprint, hops]))

    def close(self, reason: str = "") -> None:
        """Kept: the run's other processes still use it (the coordinator deletes it when the run ends)."""

    @guarded
    def clear(self) -> None:
        self.server.delete(self.key, self.hops_key)
