"""One run at a time per spider and state dir: an exclusive, non-blocking flock on <state_dir>/<spider>.lock.

The kernel drops the lock when the process dies (kill -9 included), so a crashed run never blocks the next.
flock locks belong to an open file description: a second flock from the same process on a new descriptor
would fail, so locks held by this process are kept in a per-process table (`held`) and shared.
"""

from __future__ import annotations

import errno
import fcntl
import os
from pathlib import Path

# Exit status of `scrapy crawl` when another run holds the lock (EX_TEMPFAIL: try again later).
EXIT_LOCKED = 75

_held: dict[Path, RunLock] = {}  # lock files this process holds (flock is per process, so is this table)


class RunLocked(Exception):
    """Another process holds the run lock."""

    def __init__(self, path: Path, holder: str) -> None:
        self.path = path
        self.holder = holder
        super().__init__(
            f"another newsmon run holds {path} ({holder or 'pid unknown'}); not starting a second one"
        )


class RunLock:
    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self.fd = fd

    @classmethod
    def acquire(cls, path: Path) -> RunLock:
        """The lock, taken without waiting; RunLocked if another process has it. Reentrant per process."""
        path = path.resolve()
        if path in _held:
            return _held[path]
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise RunLocked(path, holder) from None
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}\n".encode(), 0)
        lock = cls(path, fd)
        _held[path] = lock
        return lock

    @staticmethod
    def held(path: Path) -> bool:
        return path.resolve() in _held

    def release(self) -> None:
        if _held.get(self.path) is self:
            del _held[self.path]
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
