"""Page extraction in worker processes, off the crawl's reactor thread (``NEWSMON_EXTRACT_WORKERS``).

Scrapy runs on one core; parsing and extracting a page is pure CPU work on bytes, so it can run on another.
A worker gets the response bytes, their encoding, the URL and the extract options, and returns the
PageData that ``parse_html`` + ``extract_page`` give in the crawl process: the same function, so the
same result. Workers are started with ``spawn`` (never forked from the running reactor and its threads).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from newsmon.extract.html import parse_html
from newsmon.extract.page import extract_page
from newsmon.extract.types import ExtractOptions, PageData

logger = logging.getLogger(__name__)


def extract_page_data(body: bytes, encoding: str | None, url: str, options: ExtractOptions) -> PageData:
    """``extract_page(parse_html(body, encoding=encoding), url, options)``: what a worker runs."""
    return extract_page(parse_html(body, encoding=encoding), url, options)


def _warm_up() -> None:
    """Worker start: import and exercise the extractors once, so the first page is not slower."""
    extract_page_data(
        b"<html><body><h1>x</h1><p>y</p></body></html>", None, "http://x.invalid/", ExtractOptions()
    )


class ExtractPool:
    """A pool of ``workers`` extraction processes, started on first use; ``close()`` stops them."""

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise ValueError("an ExtractPool needs at least one worker")
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None
        self.restarts = 0

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_warm_up,
            )
        return self._executor

    async def extract(self, body: bytes, encoding: str | None, url: str, options: ExtractOptions) -> PageData:
        """The page's PageData, computed in a worker; in this process when the pool broke (a worker was
        killed), which also restarts the pool for the next pages."""
        try:
            future = self._pool().submit(extract_page_data, body, encoding, url, options)
            return await asyncio.wrap_future(future)
        except BrokenProcessPool:
            logger.warning("Extraction worker died on %s; restarting the pool, this page extracted here", url)
            self.restarts += 1
            self.close()
            return extract_page_data(body, encoding, url, options)

    def close(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
