"""Page extraction in worker processes, off the crawl's reactor thread (``NEWSMON_EXTRACT_WORKERS``).

Scrapy runs on one core; parsing and extracting a page is pure CPU work on bytes, so it can run on another.
A worker gets the response bytes, their encoding, the URL and the extract options, and returns the
PageData that ``extract_page_data`` gives in the crawl process: the same function, so the same result.
Workers are started with ``spawn`` (never forked from the running reactor and its threads).

A worker dies with the crawl process: when a crawl is SIGKILLed, its workers (and with them, at EOF of its
pipe, multiprocessing's resource tracker) would otherwise be re-parented to PID 1 and live on.

Each page has a time budget (``NEWSMON_EXTRACT_TIMEOUT``, newsmon/extract/budget.py): ``ExtractPool`` is a
small pool of its own (a ProcessPoolExecutor cannot stop a running task) that kills the worker of a page
past it and starts another; the page is given up (``ExtractTimeout``). When the crawl starts closing (the
``closing`` callable says so: CLOSESPIDER_TIMEOUT, SIGTERM), every page still in extraction gets
``CLOSING_GRACE`` seconds more at most, then is given up the same way (``ExtractCancelled``), so that a
busy worker never holds the close, and with it the run lock, for long.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import ctypes
import logging
import multiprocessing
import os
import pickle
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from newsmon.extract.budget import TIMEOUT, cap_tree
from newsmon.extract.html import parse_html
from newsmon.extract.markup import dropped_attributes
from newsmon.extract.page import extract_page
from newsmon.extract.types import ExtractOptions, PageData
from newsmon.resources import ProcessResources

logger = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
PARENT_POLL_SECONDS = 0.5
EXIT_PARENT_GONE = 1  # a worker's exit status when it ends because the crawl process died
CLOSING_GRACE = 2.0  # seconds a page in extraction still gets once the crawl is closing
START_TIMEOUT = 60.0  # seconds a new worker may take to start (imports, warm-up) before it is given up
POLL_SECONDS = 0.2  # how often a waiting page looks at the clock and at the crawl closing
STOP_SECONDS = 2.0  # close(): how long idle workers get to exit before they are killed
READY = "ready"  # a worker's first message: warmed up, waiting for pages


def extract_page_data(body: bytes, encoding: str | None, url: str, options: ExtractOptions) -> PageData:
    """What a worker runs: ``parse_html`` (tags of pathological attribute counts capped before the parser),
    the fast path (``cap_tree`` with the options' caps; what it cut in ``capped``), then ``extract_page`` on
    the capped tree."""
    tree = parse_html(body, encoding=encoding)
    capped = cap_tree(tree, options.max_elements, options.max_inline)
    attributes = dropped_attributes(tree)  # cut before the parser (markup.py)
    if attributes:
        capped["attributes"] = attributes
    page = extract_page(tree, url, options)
    page.capped = capped
    return page


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


def _serve(conn: Connection, parent_pid: int) -> None:
    """A worker process: start (``_start_worker``), say READY, then extract each page sent on ``conn``
    until None or the end of the pipe. Replies: ``(True, PageData, cpu seconds)`` or ``(False, exception,
    cpu seconds)`` when the extractors raised (the crawl reports it as for an in-process extraction)."""
    _start_worker(parent_pid)
    conn.send(READY)
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        started = time.process_time()
        try:
            page = extract_page_data(*task)
        except Exception as exc:  # handed to the crawl, which logs it with the page
            conn.send(
                (False, exc if _picklable(exc) else RuntimeError(repr(exc)), time.process_time() - started)
            )
        else:
            conn.send((True, page, time.process_time() - started))


def _picklable(value: object) -> bool:
    try:
        pickle.dumps(value)
    except Exception:
        return False
    return True


class ExtractTimeout(Exception):
    """The page took longer than the time budget: its worker was killed, the page given up."""


class ExtractCancelled(Exception):
    """The crawl was closing and the page was still in extraction after CLOSING_GRACE: given up."""


class ExtractFailed(Exception):
    """Two workers died on the page (a crash, the OOM killer): given up."""


@dataclass
class _Task:
    payload: tuple[bytes, str | None, str, ExtractOptions] | None  # None: stop the worker
    reply: concurrent.futures.Future[tuple[bool, Any, float] | None]  # None: the worker died


class _Worker:
    """One worker process and the thread that talks to it (pickling, blocking pipe reads and writes: off
    the event loop). Started in the calling thread, the reactor's: PDEATHSIG follows the thread that
    spawned a process (see ``follow_parent``)."""

    def __init__(self, context: multiprocessing.context.SpawnContext) -> None:
        self.conn, child = context.Pipe()
        self.process: BaseProcess = context.Process(
            target=_serve, args=(child, os.getpid()), name="newsmon-extract", daemon=True
        )
        self.process.start()
        child.close()  # only the worker holds its end: its death is an EOF here
        self.spawned = time.monotonic()
        self.ready = False  # warmed up (its READY came)
        self.task_started: float | None = None  # when the current page was sent
        self._tasks: queue.SimpleQueue[_Task] = queue.SimpleQueue()
        self._io = threading.Thread(target=self._talk, name=f"newsmon-extract-io-{self.pid}", daemon=True)
        self._io.start()

    @property
    def pid(self) -> int:
        return self.process.pid or 0

    def submit(self, task: _Task) -> None:
        self._tasks.put(task)

    def _talk(self) -> None:
        try:
            while True:
                task = self._tasks.get()
                if not task.reply.set_running_or_notify_cancel():
                    continue  # given up before it was sent
                if not self.ready:
                    self.ready = self.conn.recv() == READY
                if task.payload is None:
                    self.conn.send(None)
                    task.reply.set_result(None)
                    return
                self.task_started = time.monotonic()
                self.conn.send(task.payload)
                reply = self.conn.recv()
                self.task_started = None
                task.reply.set_result(reply)
        except (EOFError, OSError, pickle.PickleError):  # the worker died (or was killed)
            if task.reply.running():
                task.reply.set_result(None)
        finally:
            self.conn.close()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(STOP_SECONDS)


@dataclass
class ExtractTally:
    """What one crawl's pages cost a pool it shares: workers that died on them, the most CPU one took."""

    restarts: int = 0
    cpu_max: float = 0.0


class ExtractPool:
    """Up to ``workers`` extraction processes, started on first use; ``close()`` stops them.

    ``timeout``: seconds a page may take in a worker (0: no limit). ``closing``: says whether the crawl is
    closing (then pages get CLOSING_GRACE more seconds at most). ``restarts``: workers that died on their
    own; ``cpu_max``: the most CPU seconds one page took in a worker.
    """

    def __init__(
        self, workers: int, *, timeout: float = TIMEOUT, closing: Callable[[], bool] | None = None
    ) -> None:
        if workers < 1:
            raise ValueError("an ExtractPool needs at least one worker")
        self.workers = workers
        self.timeout = timeout
        self._closing = closing or (lambda: False)
        self._context = multiprocessing.get_context("spawn")
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._waiters: list[asyncio.Future[None]] = []
        self.restarts = 0
        self.cpu_max = 0.0

    def worker_pids(self) -> list[int]:
        return [worker.pid for worker in (*self._idle, *self._busy)]

    async def extract(
        self,
        body: bytes,
        encoding: str | None,
        url: str,
        options: ExtractOptions,
        *,
        closing: Callable[[], bool] | None = None,
        tally: ExtractTally | None = None,
    ) -> PageData:
        """The page's PageData, computed in a worker. A worker that dies on it (not killed here) is
        replaced and the page sent again once; ExtractTimeout, ExtractCancelled, ExtractFailed when the
        page is given up; an exception of the extractors is raised here. ``closing`` and ``tally``: the
        asking crawl's, when several share the pool (``PoolLease``)."""
        clock = _Deadline(self.timeout, closing or self._closing)
        for attempt in (1, 2):
            worker = await self._acquire(clock, url)
            reply = await self._run(worker, (body, encoding, url, options), clock, url)
            if reply is not None:
                self._release(worker)
                done, value, cpu = reply
                self.cpu_max = max(self.cpu_max, cpu)
                if tally is not None:
                    tally.cpu_max = max(tally.cpu_max, cpu)
                if not done:
                    raise value
                assert isinstance(value, PageData)
                return value
            self._discard(worker)
            self.restarts += 1
            if tally is not None:
                tally.restarts += 1
            logger.warning(
                "Extraction worker died on %s (exit status %s); %s",
                url,
                worker.process.exitcode,
                "extracting it again in a new worker" if attempt == 1 else "page given up",
            )
        raise ExtractFailed(f"two extraction workers died on {url}")

    async def _acquire(self, clock: _Deadline, url: str) -> _Worker:
        while True:
            while self._idle:
                worker = self._idle.pop()
                if worker.process.is_alive():
                    self._busy.add(worker)
                    return worker
                self.restarts += 1
                logger.warning(
                    "Extraction worker died while idle (pid %d, exit status %s); starting a new one",
                    worker.pid,
                    worker.process.exitcode,
                )
                worker.kill()
            if len(self._busy) < self.workers and not clock.closing():  # (closing: no new worker)
                worker = _Worker(self._context)
                self._busy.add(worker)
                return worker
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await asyncio.wait([waiter], timeout=POLL_SECONDS)
            finally:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
            if clock.expired(None):
                raise ExtractCancelled(f"the crawl closed while {url} waited for an extraction worker")

    async def _run(
        self,
        worker: _Worker,
        payload: tuple[bytes, str | None, str, ExtractOptions],
        clock: _Deadline,
        url: str,
    ) -> tuple[bool, Any, float] | None:
        task = _Task(payload, concurrent.futures.Future())
        worker.submit(task)
        reply = asyncio.wrap_future(task.reply)
        while True:
            try:
                done, _ = await asyncio.wait([reply], timeout=POLL_SECONDS)
            except asyncio.CancelledError:  # the caller is gone: so is the page, and its worker's work
                reply.cancel()
                self._discard(worker)
                raise
            if done:
                return reply.result()
            started = worker.task_started
            if not worker.ready and time.monotonic() - worker.spawned > START_TIMEOUT:
                reply.cancel()
                worker.kill()
                return None  # counted and logged as a worker that died
            why = clock.expired(started)
            if why is not None:
                reply.cancel()
                self._discard(worker)
                self._replace(clock)
                if why == "closing":
                    raise ExtractCancelled(f"the crawl closed while {url} was in extraction")
                raise ExtractTimeout(f"{url} took more than {self.timeout:g} s to extract")

    def _release(self, worker: _Worker) -> None:
        self._busy.discard(worker)
        self._idle.append(worker)
        self._wake()

    def _discard(self, worker: _Worker) -> None:
        self._busy.discard(worker)
        worker.kill()
        self._wake()

    def _replace(self, clock: _Deadline) -> None:
        """A worker in place of one just killed, warming up while the next page waits (not when closing)."""
        if not clock.closing() and len(self._busy) + len(self._idle) < self.workers:
            self._idle.append(_Worker(self._context))
            self._wake()

    def _wake(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
                return

    def close(self) -> None:
        """Stop every worker: idle ones are asked to exit (killed after STOP_SECONDS), busy ones killed."""
        idle, self._idle = self._idle, []
        busy, self._busy = self._busy, set()
        stopping = []
        for worker in idle:
            stop = _Task(None, concurrent.futures.Future())
            worker.submit(stop)
            stopping.append(worker)
        for worker in busy:
            worker.kill()
        deadline = time.monotonic() + STOP_SECONDS
        for worker in stopping:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            worker.kill()


class _Deadline:
    """When one page is given up: ``timeout`` seconds after it was sent to a worker (0: never), or
    CLOSING_GRACE seconds after it first saw the crawl closing, whichever comes first."""

    def __init__(self, timeout: float, closing: Callable[[], bool]) -> None:
        self.timeout = timeout
        self._closing = closing
        self._closing_seen: float | None = None

    def closing(self) -> bool:
        return self._closing()

    def expired(self, started: float | None) -> str | None:
        """Why the page is given up now ("timeout", "closing"), or None; ``started``: when the page was sent
        to its worker (None: not yet)."""
        now = time.monotonic()
        if self._closing_seen is None and self._closing():
            self._closing_seen = now
        if self._closing_seen is not None and now - self._closing_seen >= CLOSING_GRACE:
            return "closing"
        if started is not None and self.timeout and now - started >= self.timeout:
            return "timeout"
        return None


class PoolLease:
    """One crawl's use of the process's extraction pool: the crawls of a sweep share one pool of
    NEWSMON_EXTRACT_WORKERS processes (one pool per worker count and timeout), stopped when the last crawl
    using it closes. Each crawl keeps its own closing signal and its own counts."""

    def __init__(
        self,
        workers: int,
        *,
        timeout: float = TIMEOUT,
        closing: Callable[[], bool] | None = None,
        resources: ProcessResources,  # the command's (newsmon/resources.py), handed down
    ):
        self.key = (workers, timeout)
        self.resources = resources
        pools = self.resources.extract_pools  # one pool per worker count and timeout in the process
        if self.key not in pools:
            pools[self.key] = (ExtractPool(workers, timeout=timeout), [])
        self.pool, leases = pools[self.key]
        leases.append(self)
        self.closing = closing or (lambda: False)
        self.tally = ExtractTally()
        self.timeout = timeout

    @property
    def restarts(self) -> int:
        return self.tally.restarts

    @property
    def cpu_max(self) -> float:
        return self.tally.cpu_max

    async def extract(self, body: bytes, encoding: str | None, url: str, options: ExtractOptions) -> PageData:
        return await self.pool.extract(body, encoding, url, options, closing=self.closing, tally=self.tally)

    def close(self) -> None:
        pools = self.resources.extract_pools
        entry = pools.get(self.key)
        if entry is None or self not in entry[1]:
            return
        entry[1].remove(self)
        if not entry[1]:
            del pools[self.key]
            entry[0].close()
