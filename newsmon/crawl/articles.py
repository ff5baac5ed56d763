"""NewsSpider's article callbacks: an article response checked (classify.py: ``precheck``), extracted
(newsmon/extract, in a worker process by default), judged (``classify``: emit, escalate to the browser,
drop, or record an AMP page's canonical page instead), held during the site template's warm-up, and an
emitted page made a record (newsmon/record.py) and visits for its related links."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from scrapy.http import Request, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newsmon import stats
from newsmon.crawl.article_parts import SplitArticleCallbacks
from newsmon.crawl.classify import Drop, Escalate, FetchCanonical, classify
from newsmon.crawl.frontier import ArticleVisit, LinkPath
from newsmon.crawl.pages import HeldArticle
from newsmon.extract.template import TemplateView
from newsmon.extract.types import PageData
from newsmon.fetch.failures import failure_reason
from newsmon.fetch.tiers import escalate
from newsmon.meta import (
    META_AMP_FALLBACK,
    META_AMP_OF,
    META_DEPTH,
    META_FETCH_REASON,
    META_HINTS,
    META_HOPS,
    META_KEY,
    META_KIND,
    META_REFERRER,
    META_TIER,
    META_VIA,
    WARC_META,
    Tier,
)
from newsmon.record import FetchInfo, build_record, canonical_url_for
from newsmon.urls import canonicalize

logger = logging.getLogger(__name__)


class ArticleCallbacks(SplitArticleCallbacks):
    """Articles, from response to record (a link in the spider's class chain: newsmon/crawl/pages.py)."""

    async def parse(self, response: Response, **kwargs: Any) -> AsyncIterator[Any]:
        """A request with no callback of its own (`scrapy parse URL`): the page read as an article (in a
        worker process under NEWSMON_EXTRACT_TIMEOUT, as any article), its record given at once (not held
        for the site template's warm-up: one page is all there is)."""
        if self._rejected(response):
            for request in self._amp_fallback(response.request):
                yield request
            return
        assert isinstance(response, TextResponse)
        options = self._extract_options()
        if self.extract_pool is None:
            page: PageData | None = self._extract_here(response, options)
        else:
            page = await self._extract_offloaded(response, options)
        if page is None:  # given up: counted and logged
            return
        for result in self._outputs(response, page, hold=False):
            yield result

    def article_request(self, visit: ArticleVisit) -> Request:
        path = visit.path
        return Request(
            visit.url,
            callback=self.parse_article if self.extract_pool is None else self.parse_article_offloaded,
            errback=self.article_failed,
            priority=-path.hops,  # breadth-first: articles nearer a hub are fetched first
            meta={
                META_KIND: "article",
                META_KEY: visit.url,
                META_VIA: path.via,
                META_REFERRER: path.referrer,
                META_DEPTH: path.depth,
                META_HOPS: path.hops,
                **({META_HINTS: dict(visit.hints)} if visit.hints else {}),
            },
        )

    def parse_article(self, response: Response) -> Iterable[Any]:
        if self._rejected(response):
            yield from self._amp_fallback(response.request)
            return
        assert isinstance(response, TextResponse)
        options = self._extract_options()
        page = self._extract_here(response, options)
        yield from self._outputs(response, page, view=options.template)
        for _, out in self._release_here():
            yield out

    async def parse_article_offloaded(self, response: Response) -> AsyncIterator[Any]:
        """parse_article with the page extracted in a worker process (NEWSMON_EXTRACT_WORKERS > 0)."""
        if self.extract_pool is None:  # a request queued by a run with other settings (JOBDIR, Redis)
            for result in self.parse_article(response):
                yield result
            return
        if self._rejected(response):
            for request in self._amp_fallback(response.request):
                yield request
            return
        assert isinstance(response, TextResponse)
        options = self._extract_options()
        page = await self._extract_offloaded(response, options)
        if page is None:  # given up: counted and logged
            return
        for result in self._outputs(response, page, view=options.template):
            yield result
        async for _, out in self._release_offloaded():
            yield out

    def _outputs(
        self,
        response: TextResponse,
        page: PageData,
        *,
        released: bool = False,
        hold: bool = True,
        view: TemplateView | None = None,
    ) -> Iterator[Any]:
        """What classify decides for an extracted page: the record and its related-link requests, a
        browser re-fetch, or nothing; during the site template's warm-up an article is held instead, and
        the held ones are released once it is over, into ``_released``: the caller extracts them again
        and emits them (``released``: one of them); so is a page extracted with a template from before the
        warm-up was over (``view``: the one it had)."""
        meta = response.meta
        key = meta.get(META_KEY, response.url)
        fetched = self._fetched(response)
        if released:  # held after its first verdict: an AMP page among them had no canonical page to fetch
            fetched = dataclasses.replace(fetched, amp_final=True)
        verdict = classify(fetched, page, self.page_policy)
        if isinstance(verdict, FetchCanonical):
            requests = self._amp_canonical(key, verdict.url, self._path(meta), meta.get(META_HINTS))
            if requests is not None:
                yield from requests
                return
            # no canonical page to record: the AMP page is judged as any page
            verdict = classify(dataclasses.replace(fetched, amp_final=True), page, self.page_policy)
        if isinstance(verdict, Drop):
            self._dropped(verdict, response.url)
            yield from self._amp_fallback(response.request)
            return
        if isinstance(verdict, Escalate):
            if response.request is not None:
                yield escalate(response.request, verdict.reason)
            return
        if not released and not meta.get(META_AMP_FALLBACK):  # learnt as soon as read (a page held below
            # teaches too, once: not again when it is released)
            story = self._learn_url_rules(key, response.url, page, self._path(meta))
            if story is not None:
                self._read_again(key, response.url, story)
                return
            yield from self._probes(page, response.url, self._path(meta))
        held: list[HeldArticle] = []
        again = False  # extracted with a template from before the warm-up was over
        template = self._site_template()
        if template is not None and not released and hold:
            if template.learn(page.template_page, page.template_units):
                self.crawler.stats.inc_value(stats.TEMPLATE_LEARNED)
            if not template.warm and not self._engine_closing():  # a graceful stop emits what it has
                self._held.append(HeldArticle(response, page))
                self.crawler.stats.inc_value(stats.TEMPLATE_HELD)
                return
            held, self._held = self._held, []
            again = template.cold(view, page.template_page, page.template_units)
            if again:  # extracted again below, with what the warm-up learned
                self.crawler.stats.inc_value(stats.TEMPLATE_AGAIN)
                held.insert(0, HeldArticle(response, page))
        if not again:
            if page.template_dropped:
                self.crawler.stats.inc_value(stats.TEMPLATE_BODIES)
                self.crawler.stats.inc_value(stats.TEMPLATE_LINES, page.template_dropped)
            yield from self._record_and_links(response, page)
        self._released.extend(held)

    def _record_and_links(
        self, response: TextResponse, page: PageData, *, joined: bool = False
    ) -> Iterator[Any]:
        meta = response.meta
        key = meta.get(META_KEY, response.url)
        if page.parts and not joined and not self._engine_closing():  # later pages first (crawl/parts.py)
            url = self.split_articles.begin(key, response, page)
            if url is not None:
                yield self._part_request(key, url, meta)
                return
        path = self.frontier.path_taken(key, self._path(meta))
        self.frontier.arrived(key, response.url, path)
        fetch = FetchInfo(
            url=response.url,
            http_status=response.status,
            fetcher_tier=meta.get(META_TIER, Tier.PLAIN),
            fetch_reason=meta.get(META_FETCH_REASON),
            discovered_via=path.via,
            referrer=path.referrer,
            depth=path.depth,
            spider=self.name,
            site=self.site,
            scraped_at=datetime.now(UTC).isoformat(),
            published_hint=self.frontier.hints(key, meta.get(META_HINTS)).get("published_at"),
            warc=meta.get(WARC_META),
        )
        if meta.get(META_AMP_FALLBACK):  # its rel=canonical names a page that does not exist: not the key
            page.canonical_href = None
        page = self._without_hub_links(page)
        self.crawler.stats.inc_value(stats.ARTICLE_EXTRACTED)
        template = self._site_template()
        yield build_record(
            page,
            fetch,
            self.config.scope,
            self.config.tracking,
            self._known_target,
            template=template.view if template is not None else None,
        )
        links = [("read_also", item["url"]) for item in page.read_also]
        links += [("news_feed", item["url"]) for item in page.news_feed]
        for visit in self.frontier.related(links, response.url, path.depth, path.hops, key):
            yield self.article_request(visit)

    # --- AMP pages: their canonical page is recorded instead ---------------------------------------
    def _amp_canonical(
        self, key: str, url: str, path: LinkPath, hints: dict[str, str] | None
    ) -> list[Request] | None:
        """An AMP page (requested as ``key``) gives no record: its canonical page ``url`` is requested by
        the same path instead, unless it was already requested this run (one record, from that request).
        None: no usable canonical page (offsite, a hub, the AMP page itself), record the AMP page."""
        counter = self.crawler.stats
        local = self.frontier.local(url)
        if local is None or local == key or self.frontier.is_hub(local):
            counter.inc_value(stats.AMP_NO_CANONICAL)
            return None
        state = self._context.state.peek()
        if state is not None and state.store is not None and state.store.add_alias(key, local):
            counter.inc_value(stats.STATE_ALIASES)  # the next run skips the AMP URL once local is emitted
        requests = []
        for visit in self.frontier.link(local, path, hints):
            request = self.article_request(visit)
            if visit.url == local:  # else a related link re-followed from the shorter path just found
                request.meta[META_AMP_OF] = key
                counter.inc_value(stats.AMP_CANONICAL_REQUESTED)
                logger.debug("AMP page %s: its canonical page %s is recorded instead", key, local)
            requests.append(request)
        if not any(META_AMP_OF in request.meta for request in requests):
            counter.inc_value(stats.AMP_CANONICAL_SEEN)
        return requests

    def _amp_fallback(self, request: Request | None) -> list[Request]:
        """The AMP page again when its canonical page failed or gave no record: recorded as it is."""
        amp = request.meta.get(META_AMP_OF) if request is not None else None
        if request is None or not amp:
            return []
        self.crawler.stats.inc_value(stats.AMP_FALLBACK)
        logger.info(
            "Canonical page %s of AMP page %s gave no record: recording the AMP page", request.url, amp
        )
        meta = request.meta
        again = self.article_request(ArticleVisit(amp, self._path(meta), meta.get(META_HINTS) or {}))
        again.meta[META_AMP_FALLBACK] = True
        return [again.replace(dont_filter=True)]

    def _without_hub_links(self, page: PageData) -> PageData:
        """A related block's link to a hub (a "News feed" block's "All news" link: a hub pattern, a
        configured category or feed) is no related article: left out of read_also and news_feed, counted.
        (The scope's own localize, not the frontier's: the frontier counts an offsite link when it follows
        it.)"""

        def article(url: str) -> bool:
            local = self.config.scope.localize(url)
            return local is None or not self.frontier.is_hub(local)

        read_also = [item for item in page.read_also if article(item["url"])]
        news_feed = [item for item in page.news_feed if article(item["url"])]
        dropped = len(page.read_also) + len(page.news_feed) - len(read_also) - len(news_feed)
        if not dropped:
            return page
        self.crawler.stats.inc_value(stats.LINK_HUB_SKIPPED, dropped)
        return dataclasses.replace(page, read_also=read_also, news_feed=news_feed)

    def _learn_url_rules(self, key: str, url: str, page: PageData, path: LinkPath) -> str | None:
        """The page requested as ``key`` names its canonical URL: known to the frontier (a link to it is
        this story), and evidence for the site's URL rules (crawl/url_rules.py), before its own related
        links are written. The canonical URL when a page requested under another URL named it first (this
        one is a second fetch of that story: no record), else None."""
        canonical = canonical_url_for(page, url, self.config.scope, self.config.tracking)
        if not page.canonical_href:  # the URL it was fetched as: no evidence
            return canonical if self.frontier.named(key, canonical, path) else None
        again = False
        if self.config.scope.is_same_site(canonical) and not self.frontier.is_hub(canonical):
            again = self.frontier.named(key, canonical, path)
        learned, withdrawn = self.frontier.url_rules.observe(key, canonical)
        if learned:
            self.crawler.stats.inc_value(stats.URL_RULE_LEARNED, learned)
        if withdrawn:
            self.crawler.stats.inc_value(stats.URL_RULE_WITHDRAWN, withdrawn)
        if learned or withdrawn:
            rules = ", ".join(self.frontier.url_rules.describe()) or "none"
            logger.info("URL rules learned from the site's canonical URLs: %s", rules)
        return canonical if again else None

    def _read_again(self, key: str, url: str, canonical: str) -> None:
        """A second fetch of a story this run read under another URL: no record; its URLs are remembered
        as aliases of the story (the next runs skip them and write links to them by the story's URL), as
        the dedupe of its record would have."""
        counter = self.crawler.stats
        counter.inc_value(stats.ARTICLE_ALIAS_AGAIN)
        logger.debug(
            "Article %s: a story already read under another URL (%s), no second record", key, canonical
        )
        state = self._context.state.peek()
        if state is None or state.store is None:
            return
        local = self.config.scope.localize(url)
        fetched = canonicalize(local, self.config.tracking) if local is not None else None
        for alias in dict.fromkeys(u for u in (key, fetched) if u is not None and u != canonical):
            if state.store.add_alias(alias, canonical):
                counter.inc_value(stats.STATE_ALIASES)
                state.run_aliases.add(alias)

    def _probes(self, page: PageData, url: str, path: LinkPath) -> Iterator[Request]:
        """A related link that would teach the site's URL rules something (an alias, by a parameter value
        or a name's case not learned yet, of a story already parsed: crawl/levels.py) is requested now,
        one per thing to learn, not when its record is written: the site template's warm-up holds the
        first records, which are then written with what it taught."""
        gate = self._context.levels.peek()
        if gate is None or path.hops >= self.config.follow_depth:
            return
        for item in (*page.read_also, *page.news_feed):
            local = self.config.scope.localize(item["url"])
            if local is None:
                continue
            # the rules applied uncounted: the link is counted when its record's links are followed
            key = self.frontier.url_rules.rewrite(canonicalize(local, self.config.tracking))
            if gate.probe_wanted(key):
                via = "read_also" if item in page.read_also else "news_feed"
                for visit in self.frontier.link(key, LinkPath(path.hops + 1, path.depth + 1, via, url)):
                    yield self.article_request(visit)

    def _known_target(self, url: str) -> str | None:
        """The canonical URL a related link is known to lead to: the site's learned URL rules, then the
        state store's redirects and aliases (earlier runs), so read_also / news_feed join on canonical_url.
        An alias this run recorded is not used: whether its page was marked before this record was built is
        a matter of response order."""
        ruled = self.frontier.url_rules.rewrite(url)
        state = self._context.state.peek()
        if state is None or state.store is None or ruled in state.run_aliases:
            return ruled if ruled != url else None
        known = state.store.resolve(ruled)
        return known.canonical_url if known is not None else (ruled if ruled != url else None)

    def article_failed(self, failure: Failure) -> list[Request]:
        request = failure.request  # type: ignore[attr-defined]
        counter = self.crawler.stats
        if failure.check(HttpError):
            status = failure.value.response.status
            counter.inc_value(stats.kind_http_error("article", status))
            logger.warning("Article %s answered HTTP %d", request.url, status)
        else:
            reason = failure_reason(failure)
            counter.inc_value(stats.kind_failed("article"))
            counter.inc_value(stats.kind_failed("article", reason))
            logger.warning("Article %s failed (%s): %s", request.url, reason, failure.getErrorMessage())
        return self._amp_fallback(request)
