"""Dedupe across runs with the state store: unchanged articles are dropped, changed ones become new versions.

Runs after the in-run dedupe. Same canonical URL and same content hash as emitted before: dropped
(`newsmon/state/unchanged`); so is a body that differs only by lines the site template learned since the
stored version was emitted (they were body then: `record.template_equivalent`), and a body whose only
changed lines come from page blocks the template knows by now, the stored version's lines (kept with it in
the store) judged by today's template (`record.BodyLines`, `newsmon/state/template_only`). Same URL, new
hash: emitted
with version = previous + 1 and previous_hash (`newsmon/state/revised`). A new URL whose body was already
emitted under another URL: dropped (`newsmon/state/duplicate_content`). With NEWSMON_SNAPSHOT an unchanged
article is emitted again with its stored version (`newsmon/state/unchanged` still counts it) and nothing is
dropped. The store itself is updated only once the record is durable (newsmon/state/extension.py), never
here.

Distributed mode: a record about to be emitted first claims its URL and body hash in the shared store;
when another process holds either claim, it is emitting that article and this copy is dropped
(`newsmon/distributed/claimed_elsewhere`). In one-process mode the claim is always granted.
"""

from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newsmon.record import body_lines, template_equivalent
from newsmon.state.backend import StateBackend, enabled_state
from newsmon.state.protocol import Store
from newsmon.stats import (
    DISTRIBUTED_CLAIMED_ELSEWHERE,
    STATE_DUPLICATE_CONTENT,
    STATE_FIRST_VERSION,
    STATE_REVISED,
    STATE_TEMPLATE_ONLY,
    STATE_UNCHANGED,
)

logger = logging.getLogger(__name__)


class CrossRunDedupePipeline:
    def __init__(self, crawler: Crawler, state: StateBackend) -> None:
        assert crawler.stats is not None
        self.stats = crawler.stats
        self.state = state  # its store is opened by the state extension when the spider opens
        self.snapshot = self.state.config.snapshot

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrossRunDedupePipeline:
        return cls(crawler, enabled_state(crawler))  # NotConfigured when state is off

    def process_item(self, item: Any) -> Any:
        store = self.state.store
        if store is None:
            return item
        adapter = ItemAdapter(item)
        url, digest = adapter["canonical_url"], adapter["content_hash"]
        previous = store.get(url)
        if previous is not None:
            # the same text, or the same text but for lines the site template learned since it was emitted
            if previous.content_hash in (digest, template_equivalent(item)) or self._template_only(
                store, url, item
            ):
                self.stats.inc_value(STATE_UNCHANGED)
                if self.snapshot:
                    adapter["version"] = previous.version
                    return item
                raise DropItem(f"{url} is unchanged since version {previous.version}", log_level="DEBUG")
            self._claim(store, url, digest)
            adapter["version"] = previous.version + 1
            adapter["previous_hash"] = previous.content_hash
            self.stats.inc_value(STATE_REVISED)
            logger.info("%s changed: emitting version %d", url, previous.version + 1)
            return item
        other = store.url_for_hash(digest)
        if other is not None and not self.snapshot:
            self.stats.inc_value(STATE_DUPLICATE_CONTENT)
            raise DropItem(f"{url} has the same body as {other}, emitted in an earlier run", log_level="INFO")
        self._claim(store, url, digest)
        self.stats.inc_value(STATE_FIRST_VERSION)
        return item

    def _template_only(self, store: Store, url: str, item: Any) -> bool:
        """The body differs from the stored version's only by lines whose page block the site template
        knows by now: a block learned after that version was emitted, and changed since (a "more in this
        section" list after a publication). Judged on the lines the store keeps with the version."""
        lines = body_lines(item)
        if lines is None or lines.view is None:
            return False
        stored = store.body_units(url)
        if not stored or not lines.same_text(stored):
            return False
        self.stats.inc_value(STATE_TEMPLATE_ONLY)
        return True

    def _claim(self, store: Store, url: str, digest: str) -> None:
        if not store.claim(url, digest):
            self.stats.inc_value(DISTRIBUTED_CLAIMED_ELSEWHERE)
            raise DropItem(f"{url} (or its body) is being emitted by another process", log_level="DEBUG")
