"""What newsmon's components share within one crawl, built once per crawler and handed to them.

Scrapy builds each component on its own (``from_crawler``); the few things several of them must share live
here, typed, instead of being found by scanning the crawler's middleware lists or by ``getattr`` on the
spider: the state backend (run lock, store, host tier memory; newsmon/state/backend.py), the crawl's
configuration and frontier (set by the spider, which Scrapy builds first), and the hub-source tracker the
monitors read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scrapy import Spider
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


@dataclass(frozen=True)
class NewsCrawl:
    """What the news spider gives the crawl, in one piece, as Scrapy builds it (before any component)."""

    config: CrawlConfig
    frontier: Frontier
    # the spider's request for an article visit (a spider method callback, so requests serialise)
    request_for: Callable[[ArticleVisit], Any]


class CrawlContext:
    """Built once per crawler, here only (``of``); each part is set by its one owner: ``news`` by the news
    spider (``attach_news``, once), ``state`` by newsmon.state.backend.state_backend(), ``sources`` by the
    HubSources middleware when monitors are on, ``settlement`` by the first OutputsSettled."""

    def __init__(self, spidercls: type[Spider] | None) -> None:
        self.spidercls = spidercls
        self.news: NewsCrawl | None = None
        self.state: StateBackend | None = None  # built by newsmon.state.backend.state_backend()
        self.sources: HubSources | None = None  # set by the HubSources middleware when monitors are on
        self.settlement: Settlement | None = None  # the outputs-settled watcher (newsmon/state/outputs.py)
        self.sinks: SinkWriter | None = None  # the sinks' writer (newsmon/sinks/extension.py)
        self.sinks_built = False

    @classmethod
    def of(cls, crawler: Crawler) -> CrawlContext:
        context: CrawlContext | None = getattr(crawler, _ATTRIBUTE, None)
        if context is None:
            context = cls(crawler.spidercls)
            setattr(crawler, _ATTRIBUTE, context)
        return context

    def attach_news(self, news: NewsCrawl) -> None:
        """The news spider's part, once. A state opened under another name first is an error, not a
        silent split of the site's store and lock."""
        if self.news is not None:
            raise RuntimeError(
                f"crawl context: a news spider ({self.news.config.site.name}) is attached already"
            )
        if self.state is not None and self.state.name != news.config.site.name:
            raise RuntimeError(
                f"crawl context: state opened as {self.state.name!r} before the spider named its site "
                f"{news.config.site.name!r}"
            )
        self.news = news

    @property
    def run_name(self) -> str:
        """The name a crawl's state (store, lock, host memory, monitor history) is kept under: its site's, so
        two sites crawled by one spider class keep apart; a crawl without a news spider (another project's
        spider with the add-on) uses its spider's name."""
        if self.news is not None:
            return self.news.config.site.name
        assert self.spidercls is not None
        return str(self.spidercls.name)

    @property
    def config(self) -> CrawlConfig | None:
        return self.news.config if self.news is not None else None

    @property
    def frontier(self) -> Frontier | None:
        return self.news.frontier if self.news is not None else None

    @property
    def request_for(self) -> Callable[[ArticleVisit], Any] | None:
        return self.news.request_for if self.news is not None else None

    def article_hops(self, meta: Mapping[str, Any]) -> int | None:
        """The frontier's path rule for the distributed dupefilter: the related-link hops of an article
        request (None for hubs, or when no news spider runs this crawl)."""
        return self.news.frontier.hops_of(meta) if self.news is not None else None

    @property
    def crawl_origin(self) -> str | None:
        """The origin the crawl talks to (the site's, or ``base_url``): exempt from the SSRF rule."""
        return self.news.config.scope.origin if self.news is not None else None

    def article_requests(self, visits: Iterable[ArticleVisit]) -> Iterable[Any]:
        """Requests for visits the frontier gave (none when no news spider runs this crawl)."""
        if self.news is None:
            return
        for visit in visits:
            yield self.news.request_for(visit)
