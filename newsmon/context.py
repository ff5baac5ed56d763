"""What newsmon's components share within one crawl, built once per crawler and handed to them.

Scrapy builds each component on its own (``from_crawler``); the few things several of them must share live
here, typed, instead of being found by scanning the crawler's middleware lists or by ``getattr`` on the
spider: the state backend (run lock, store, host tier memory; newsmon/state/backend.py), the crawl's
configuration and frontier (set by the spider, which Scrapy builds first), and the hub-source tracker the
monitors read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from newsmon.crawl.config import CrawlConfig
    from newsmon.crawl.frontier import ArticleVisit, Frontier
    from newsmon.monitors.sources import HubSources
    from newsmon.sinks.extension import SinkWriter
    from newsmon.state.backend import StateBackend
    from newsmon.state.outputs import Settlement

# Kept on the crawler itself, so it lives exactly as long as the crawler. (A module-level WeakKeyDictionary
# keyed by crawler never let one go: its value, the context, holds the state backend, which holds the
# crawler; a sweep kept every finished site's crawler, settings and frontier until the process ended.)
_ATTRIBUTE = "_newsmon_crawl_context"


class CrawlContext:
    def __init__(self) -> None:
        self.state: StateBackend | None = None  # built by newsmon.state.backend.state_backend()
        self.config: CrawlConfig | None = None  # set by NewsSpider.from_crawler
        self.frontier: Frontier | None = None  # set by NewsSpider.from_crawler
        # the spider's request for an article visit (a spider method callback, so requests serialise)
        self.request_for: Callable[[ArticleVisit], Any] | None = None
        self.sources: HubSources | None = None  # set by the HubSources middleware when monitors are on
        self.settlement: Settlement | None = None  # the outputs-settled watcher (newsmon/state/outputs.py)
        self.sinks: SinkWriter | None = None  # the sinks' writer (newsmon/sinks/extension.py)
        self.sinks_built = False

    @classmethod
    def of(cls, crawler: Crawler) -> CrawlContext:
        context: CrawlContext | None = getattr(crawler, _ATTRIBUTE, None)
        if context is None:
            context = cls()
            setattr(crawler, _ATTRIBUTE, context)
        return context

    def article_hops(self, meta: Mapping[str, Any]) -> int | None:
        """The frontier's path rule for the distributed dupefilter: the related-link hops of an article
        request (None for hubs, or when no news spider runs this crawl)."""
        return self.frontier.hops_of(meta) if self.frontier is not None else None

    @property
    def crawl_origin(self) -> str | None:
        """The origin the crawl talks to (the site's, or ``base_url``): exempt from the SSRF rule."""
        return self.config.scope.origin if self.config is not None else None

    def article_requests(self, visits: Iterable[ArticleVisit]) -> Iterable[Any]:
        """Requests for visits the frontier gave (none when no news spider runs this crawl)."""
        if self.request_for is None:
            return
        for visit in visits:
            yield self.request_for(visit)
