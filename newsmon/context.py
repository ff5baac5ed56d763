"""What newsmon's components share within one crawl, built once per crawler and handed to them.

Scrapy builds each component on its own (``from_crawler``); the few things several of them must share live
here, typed, instead of being found by scanning the crawler's middleware lists or by ``getattr`` on the
spider. The context is built in one place (``CrawlContext.of``) from what the crawler holds when it is
built: the spider class (components read the settings, and the process's resources in them with
``resources_of``, from the crawler). What only a later owner can make gets a typed slot (``Slot``) that
its owner sets once, and that reads as a clear error before then: the news
spider's part (its configuration and frontier), the state backend (newsmon/state/backend.py), the
hub-source tracker the monitors read, the outputs-settled watcher, the sinks' writer and the level gate
(requests a signal handler gives the engine go through it too). The run lock is
no part of building anything here: the state extension takes it, by name, as the crawl is built
(``StateBackend.take_lock``), and the crawl command takes its own before that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

    from newsmon.crawl.config import CrawlConfig
    from newsmon.crawl.frontier import ArticleVisit, Frontier
    from newsmon.crawl.levels import LevelGate
    from newsmon.monitors.sources import HubSources
    from newsmon.sinks.extension import SinkWriter
    from newsmon.state.backend import StateBackend
    from newsmon.state.outputs import Settlement

# Kept on the crawler itself, so it lives exactly as long as the crawler. (A module-level WeakKeyDictionary
# keyed by crawler never let one go: its value, the context, holds the state backend, which holds the
# crawler; a sweep kept every finished site's crawler, settings and frontier until the process ended.)
_ATTRIBUTE = "_newsmon_crawl_context"

T = TypeVar("T")


class SlotError(RuntimeError):
    """A slot of the crawl context read before its owner set it, or set a second time."""


class Slot(Generic[T]):
    """A part of the crawl context that one owner (a module, named in ``owner``) sets once, after the
    context is built. ``get`` before then is an error naming the owner; ``peek`` is for a reader to whom
    the part is optional (a crawl without a news spider, monitors off)."""

    __slots__ = ("_value", "is_set", "name", "owner")

    def __init__(self, name: str, owner: str) -> None:
        self.name = name
        self.owner = owner  # the one module that sets it (tests/test_architecture.py checks it)
        self.is_set = False
        self._value: T | None = None

    def set(self, value: T) -> T:
        if self.is_set:
            raise SlotError(f"crawl context: {self.name} is set already (only {self.owner} sets it, once)")
        self._value, self.is_set = value, True
        return value

    def get(self) -> T:
        if not self.is_set:
            raise SlotError(f"crawl context: {self.name} read before {self.owner} set it")
        return self._value  # type: ignore[return-value]  # set: a T (which may itself be Optional)

    def peek(self) -> T | None:
        return self._value


@dataclass(frozen=True)
class NewsCrawl:
    """What the news spider gives the crawl, in one piece, as Scrapy builds it (before any component)."""

    config: CrawlConfig
    frontier: Frontier
    # the spider's request for an article visit (a spider method callback, so requests serialise)
    request_for: Callable[[ArticleVisit], Any]


class CrawlContext:
    """Built once per crawler, here only (``of``), with what the crawler holds; each slot is set once by
    its one owner (``Slot.owner``)."""

    def __init__(self, spidercls: type[Spider]) -> None:
        self.spidercls = spidercls
        self.news: Slot[NewsCrawl] = Slot("news", "newsmon.crawl.spider")  # through attach_news
        self.state: Slot[StateBackend] = Slot("state", "newsmon.state.backend")
        self.sources: Slot[HubSources] = Slot("sources", "newsmon.monitors.sources")  # monitors on
        self.settlement: Slot[Settlement] = Slot("settlement", "newsmon.state.outputs")
        self.sinks: Slot[SinkWriter | None] = Slot("sinks", "newsmon.sinks.extension")  # None: no sink
        self.levels: Slot[LevelGate] = Slot("levels", "newsmon.crawl.levels")  # the level gate (addon on)
        self._run_name: str | None = None  # fixed by its first reader (run_name)

    @classmethod
    def of(cls, crawler: Crawler) -> CrawlContext:
        """The crawler's context, built on the first call (the one constructor of the context)."""
        context: CrawlContext | None = getattr(crawler, _ATTRIBUTE, None)
        if context is None:
            context = cls(crawler.spidercls)
            setattr(crawler, _ATTRIBUTE, context)
        return context

    def slots(self) -> tuple[Slot[Any], ...]:
        return (self.news, self.state, self.sources, self.settlement, self.sinks, self.levels)

    def attach_news(self, news: NewsCrawl) -> None:
        """The news spider's part, once. A state opened under another name first is an error, not a
        silent split of the site's store and lock."""
        if self.news.is_set:
            raise SlotError(
                f"crawl context: a news spider ({self.news.get().config.site.name}) is attached already"
            )
        if self._run_name is not None and self._run_name != news.config.site.name:
            state = "state opened" if self.state.is_set else "run named"
            raise SlotError(
                f"crawl context: {state} as {self._run_name!r} before the spider named its site "
                f"{news.config.site.name!r}"
            )
        self.news.set(news)

    @property
    def run_name(self) -> str:
        """The name a crawl's state (store, lock, host memory, monitor history, stats file, alerts) is kept
        under: its site's, so two sites crawled by one spider class keep apart; a crawl of another project's
        spider (no site) uses its spider's name. Fixed by its first reader, for the whole crawl: a news
        spider attaching a site of another name afterwards is an error (``attach_news``), never a silent
        split of the site's store and lock. (Scrapy builds the spider before every component, so a crawl
        meets this only when components are built by hand first, as unit tests do.)"""
        if self._run_name is None:
            news = self.news.peek()
            self._run_name = news.config.site.name if news is not None else str(self.spidercls.name)
        return self._run_name

    @property
    def config(self) -> CrawlConfig | None:
        news = self.news.peek()
        return news.config if news is not None else None

    @property
    def frontier(self) -> Frontier | None:
        news = self.news.peek()
        return news.frontier if news is not None else None

    @property
    def request_for(self) -> Callable[[ArticleVisit], Any] | None:
        news = self.news.peek()
        return news.request_for if news is not None else None

    def article_hops(self, meta: Mapping[str, Any]) -> int | None:
        """The frontier's path rule for the distributed dupefilter: the related-link hops of an article
        request (None for hubs, or when no news spider runs this crawl)."""
        news = self.news.peek()
        return news.frontier.hops_of(meta) if news is not None else None

    @property
    def crawl_origin(self) -> str | None:
        """The origin the crawl talks to (the site's, or ``base_url``): exempt from the SSRF rule."""
        news = self.news.peek()
        return news.config.scope.origin if news is not None else None

    def article_requests(self, visits: Iterable[ArticleVisit]) -> Iterable[Any]:
        """Requests for visits the frontier gave (none when no news spider runs this crawl)."""
        news = self.news.peek()
        if news is None:
            return
        for visit in visits:
            yield news.request_for(visit)
