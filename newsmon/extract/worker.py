"""Page extraction in worker processes, off the crawl's reactor thread (``NEWSMON_EXTRACT_WORKERS``).

Scrapy runs on one core; parsing and extracting a page is pure CPU work on bytes, so it can run on another.
A worker gets the response bytes, their encoding, the URL and the extract options, and returns the
PageData that ``parse_html`` + ``extract_page`` give in the crawl process: the same function, so the
same result. Workers are started with ``spawn`` (never forked from the running reactor and its threads).

A worker dies with the crawl process: when a crawl is SIGKILLed, its workers (and with them, at EOF of its
pipe, multiprocessing's resource tracker) would otherwise be re-parented to PID 1 and live on.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from newsmon.extract.html import parse_html
from newsmon.extract.page import extract_page
from newsmon.extract.types import ExtractOptions, PageData

logger = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
PARENT_POLL_SECONDS = 0.5
EXIT_PARENT_GONE = 1  # a worker's exit status when it ends because the crawl process died


def extract_page_data(body: bytes, encoding: str | None, url: str, options: ExtractOptions) -> PageData:
    """``extract_page(parse_html(body, encoding=encoding), url, options)``: what a worker runs."""
    return extract_page(parse_html(body, encoding=encoding), url, options)


def _warm_up() -> None:
    """Worker start: import and exercise the extractors once, so the first page is not slower."""
    extract_page_data(
        b"<html><body><h1>x</h1><p>y</p></body></html>", None, "http://x.invalid/", ExtractOptions()
    )


def _set_parent_death_signal() -> None:
    """Linux: have the kernel SIGKILL this process when its parent dies (a worker holds nothing to clean)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        failed = libc.prctl(PR_SET_PDEATHSIG, ctypes.c_ulong(signal.SIGKILL), 0, 0, 0) != 0
    except (OSError, AttributeError):  # no libc prctl symbol
        failed = True
    if failed:
        logger.warning("prctl(PR_SET_PDEATHSIG) failed (errno %d); polling the parent", ctypes.get_errno())


def _poll_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(EXIT_PARENT_GONE)


def follow_parent(parent_pid: int) -> None:
    """End this process soon after ``parent_pid``, its parent, dies.

    PDEATHSIG is immediate but Linux-only, follows the *thread* that spawned this process (the reactor
    thread for the pool, which lives as long as the crawl) and misses a parent that died before it was
    set; a daemon thread polling ``os.getppid()`` (re-parenting changes it) covers the rest.
    """
    _set_parent_death_signal()
    if os.getppid() != parent_pid:  # the parent died before the signal was set
        os._exit(EXIT_PARENT_GONE)
    threading.Thread(target=_poll_parent, args=(parent_pid,), name="follow-parent", daemon=True).start()


def _start_worker(parent_pid: int) -> None:
    """Worker initializer: follow the crawl process, leave Ctrl-C to it, warm up.

    Ctrl-C signals the whole process group: a worker interrupted mid-page would hand its KeyboardInterrupt
    to the crawl as the page's result (the crawl crashed, then hung at exit), an idle one would die and
    break the pool during the graceful stop. (SIGTERM stays: the executor ends a broken pool's workers with
    it.)
    """
    follow_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _warm_up()


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
                initializer=_start_worker,
                initargs=(os.getpid(),),
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
