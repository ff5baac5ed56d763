"""NewsSpider's callbacks for an article split over pages (newsmon/crawl/parts.py): its later pages are
requested in the tier its first page was read, extracted as first pages are (in a worker process under
NEWSMON_EXTRACT_TIMEOUT when NEWSMON_EXTRACT_WORKERS > 0), joined, and the article recorded once they are
read."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

from scrapy.http import Request, Response, TextResponse
from twisted.python.failure import Failure

from newsmon import stats
from newsmon.crawl.pages import PageHandling
from newsmon.extract.types import PageData
from newsmon.fetch.tiers import same_tier
from newsmon.meta import META_KIND, META_PART_OF

logger = logging.getLogger(__name__)


class SplitArticleCallbacks(PageHandling):
    """The later pages of split articles (a link in the spider's class chain: newsmon/crawl/pages.py)."""

    def _part_request(self, key: str, url: str, first: Mapping[str, Any]) -> Request:
        """A later page of the article ``key``, in the tier its first page (request ``first``) was read."""
        return Request(
            url,
            callback=self.parse_part if self.extract_pool is None else self.parse_part_offloaded,
            errback=self.part_failed,
            dont_filter=True,  # the article's own page: not a visit of the frontier
            priority=1,  # finished before new articles are started
            meta={META_KIND: "article_part", META_PART_OF: key, **same_tier(first)},
        )

    def parse_part(self, response: Response) -> Iterator[Any]:
        page = None
        if isinstance(response, TextResponse) and not self._rejected(response):
            page = self._extract_here(response, self._extract_options())
        yield from self._part_done(response.meta.get(META_PART_OF, ""), page, response.url)

    async def parse_part_offloaded(self, response: Response) -> AsyncIterator[Any]:
        """parse_part with the page extracted in a worker process (NEWSMON_EXTRACT_WORKERS > 0): a later
        page given up (too slow, closing) is a page that failed, the record holds the pages read."""
        if self.extract_pool is None:  # a request queued by a run with other settings (JOBDIR, Redis)
            for result in self.parse_part(response):
                yield result
            return
        page = None
        if isinstance(response, TextResponse) and not self._rejected(response):
            page = await self._extract_offloaded(
                response, self._extract_options(), outcome="the page left out of its article's record"
            )
        for result in self._part_done(response.meta.get(META_PART_OF, ""), page, response.url):
            yield result

    def part_failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        logger.warning("Page %s of a split article failed: %s", request.url, failure.getErrorMessage())
        yield from self._part_done(request.meta.get(META_PART_OF, ""), None, request.url)

    def _part_done(self, key: str, page: PageData | None, url: str) -> Iterator[Any]:
        counter = self.crawler.stats
        added, following, article = self.split_articles.next(key, page)
        if added:
            counter.inc_value(stats.ARTICLE_PARTS_JOINED)
        else:
            counter.inc_value(stats.ARTICLE_PARTS_FAILED)
            logger.warning(
                "Page %s of a split article gave no new text: its record holds the pages read", url
            )
        if following is not None:
            yield self._part_request(key, following, self.split_articles.pending[key].response.meta)
        elif article is not None:
            yield from self._record_and_links(article.response, article.joined(), joined=True)
