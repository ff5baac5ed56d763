"""A hard deadline after SIGTERM/SIGINT: a run is gone at most SHUTDOWN_DEADLINE seconds later, whatever it
is doing.

Scrapy's first SIGTERM/SIGINT is graceful (the crawl closes, outputs are finalized), but a Python signal
handler runs only in the main thread, between bytecodes: a main thread stuck in C code holding the GIL (a
regular expression, a parser) never runs it, and no Python thread can take the GIL to act instead. So the
deadline is kept outside the interpreter: `arm` starts a small watchdog process (this file run as a script:
stdlib only) and registers faulthandler, a C-level handler chained to Python's, on the shutdown signals,
writing into a pipe the watchdog reads. The signal itself writes the pipe (the tracebacks of every thread),
whatever the main thread is doing. The watchdog then waits SHUTDOWN_DEADLINE seconds; if the run is still
alive it prints one line and where the run was when the signal came, and SIGKILLs it (exit status 137 in a
shell, -9 from Python's subprocess). The extraction workers die with it (PR_SET_PDEATHSIG), as do the
browsers; the output left `.partial` is recovered by the next start, as after `kill -9`.

The watchdog ignores the shutdown signals itself (a process-group SIGTERM reaches it too) and ends as soon
as the run does (its parent changes) or the pipe closes.
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the watchdog script is stdlib only
    from newsmon.resources import ProcessResources

SHUTDOWN_DEADLINE = 10.0  # seconds from the first SIGTERM/SIGINT to the end of the process
SIGNALS = (signal.SIGTERM, signal.SIGINT)
_TRACE_MAX = 16 * 1024  # bytes of the faulthandler dump kept for the kill message


def arm(deadline: float, resources: ProcessResources) -> None:
    """Start the watchdog and chain faulthandler onto the shutdown signals. Call it once the run's own
    (Scrapy's) handlers are installed: `signal.signal` replaces a C-level handler registered before it.
    ``resources``: the command's (newsmon/resources.py), which keep the watchdog."""
    if resources.shutdown_watchdog is not None:
        faulthandler_register(resources.shutdown_watchdog)
        return
    read_end, write_end = os.pipe()
    try:
        watchdog = subprocess.Popen(
            [sys.executable, "-I", "-S", str(Path(__file__).resolve()), str(os.getpid()), repr(deadline)],
            stdin=read_end,
            stdout=subprocess.DEVNULL,
            close_fds=True,
        )
    finally:
        os.close(read_end)
    os.set_blocking(write_end, False)  # a full pipe must never block the signal handler
    assert watchdog.stdin is None
    watchdog.stdin = os.fdopen(write_end, "wb", buffering=0)  # kept open (and closed) with the Popen
    resources.shutdown_watchdog = watchdog
    faulthandler_register(watchdog)


def faulthandler_register(watchdog: subprocess.Popen[bytes]) -> None:
    """(Re-)register the chained C-level handlers writing to the watchdog's pipe."""
    assert watchdog.stdin is not None
    for signum in SIGNALS:
        faulthandler.register(signum, file=watchdog.stdin, all_threads=True, chain=True)


def watch(parent: int, deadline: float, fd: int = 0) -> int:
    """The watchdog: wait for a signal's trace on fd, then give the parent `deadline` seconds."""
    for signum in SIGNALS:
        signal.signal(signum, signal.SIG_IGN)
    trace = b""
    end: float | None = None
    while True:
        wait = 1.0 if end is None else min(1.0, end - time.monotonic())
        if wait <= 0:
            break
        ready, _, _ = select.select([fd], [], [], wait)
        if os.getppid() != parent:
            return 0  # the run ended
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                return 0  # the run closed its end: it is exiting
            trace = (trace + chunk)[:_TRACE_MAX]
            if end is None:
                end = time.monotonic() + deadline
    sys.stderr.write(
        f"newsmon: still running {deadline:g} s after SIGTERM/SIGINT: killed (SIGKILL); where it was when "
        f"the signal came:\n{trace.decode('utf-8', 'replace')}"
    )
    sys.stderr.flush()
    with contextlib.suppress(ProcessLookupError):
        os.kill(parent, signal.SIGKILL)
    return 0


if __name__ == "__main__":
    sys.exit(watch(int(sys.argv[1]), float(sys.argv[2])))
