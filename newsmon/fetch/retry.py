"""Scrapy's RetryMiddleware with a wait before HTTP-status retries: the server's Retry-After, else backoff.

Scrapy re-queues a 500/503/429 at once. Here the retry of such a response waits first: the
``Retry-After`` header's delay (seconds or an HTTP date) when the server gives one, else
``NEWSMON_RETRY_BACKOFF`` seconds doubled for each earlier retry; either way at most
``NEWSMON_RETRY_AFTER_MAX`` seconds. Exceptions (timeouts, resets) are retried as Scrapy does.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.asyncio import sleep
from scrapy.utils.response import response_status_message

from newsmon.options import Option, Options
from newsmon.stats import RETRY_BACKOFF, RETRY_RETRY_AFTER, RETRY_RETRY_AFTER_CAPPED

OPTIONS = Options(
    Option(
        "NEWSMON_RETRY_AFTER_MAX",
        60.0,
        "seconds: the longest wait before retrying a 429/5xx, whatever its `Retry-After` asks",
    ),
    Option(
        "NEWSMON_RETRY_BACKOFF",
        1.0,
        "seconds before the first retry of a 429/5xx without `Retry-After`, doubled for each next one (0: "
        "Scrapy's immediate retry)",
    ),
)

logger = logging.getLogger(__name__)


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or HTTP-date); None when absent or
    unreadable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.max_wait = OPTIONS.getfloat(settings, "NEWSMON_RETRY_AFTER_MAX")
        self.backoff = OPTIONS.getfloat(settings, "NEWSMON_RETRY_BACKOFF")
        if self.max_wait < 0 or self.backoff < 0:
            raise ValueError("NEWSMON_RETRY_AFTER_MAX and NEWSMON_RETRY_BACKOFF must not be negative")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        return middleware

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        assert self.crawler.spider is not None
        meta = request.meta
        retry = get_retry_request(  # Scrapy's public retry helper, with the middleware's own limits
            request,
            spider=self.crawler.spider,
            reason=response_status_message(response.status),
            max_retry_times=meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=meta.get("priority_adjust", self.priority_adjust),
            give_up_log_level=meta.get("give_up_log_level", self.give_up_log_level),
        )
        if retry is None:
            return response
        stats = self.crawler.stats
        assert stats is not None
        asked = retry_after_seconds(response.headers.get("Retry-After"))
        if asked is not None:
            wait = min(asked, self.max_wait)
            stats.inc_value(RETRY_RETRY_AFTER)
            if asked > self.max_wait:
                stats.inc_value(RETRY_RETRY_AFTER_CAPPED)
            logger.info(
                "%s answered %d with Retry-After %.0fs; retrying in %.1fs",
                request.url,
                response.status,
                asked,
                wait,
            )
        else:
            wait = min(self.backoff * 2 ** request.meta.get("retry_times", 0), self.max_wait)
            if wait:
                stats.inc_value(RETRY_BACKOFF)
        if wait > 0:
            await sleep(wait)
        return retry
