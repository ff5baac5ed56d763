"""One run at a time per spider and state dir: an exclusive, non-blocking flock on <state_dir>/<spider>.lock.

The kernel drops the lock when the process dies (kill -9 included), so a crashed run never blocks the next.
flock locks belong to an open file description: a second flock from the same process on a new descriptor
would fail, so locks held by this process are kept in the process's table (newsmon/resources.py) and
shared. Each holder takes a lease (``RunLock.lease``) and releases its own: the flock is freed when the
last lease of the process is released, so one holder's release never frees the lock under another's feet.
"""

from __future__ import annotations

import errno
import fcntl
import os
from pathlib import Path

from newsmon.resources import ProcessResources

# Exit status of `scrapy crawl` when another run holds the lock (EX_TEMPFAIL: try again later).
EXIT_LOCKED = 75


class RunLocked(Exception):
    """Another process holds the run lock."""

    def __init__(self, path: Path, holder: str) -> None:
        self.path = path
        self.holder = holder
        super().__init__(
            f"another newsmon run holds {path} ({holder or 'pid unknown'}); not starting a second one"
        )


class RunLock:
    """The process's flock on one lock file (one object per file and process)."""

    def __init__(self, path: Path, fd: int, resources: ProcessResources) -> None:
        self.path = path
        self.fd = fd
        self.resources = resources  # whose table holds it
        self.leases = 0  # holders in this process (RunLease)

    @classmethod
    def lease(cls, path: Path, resources: ProcessResources) -> RunLease:
        """One holder's lease on the lock, taken without waiting; RunLocked if another process has it.
        ``resources``: whose table holds the process's locks (newsmon/resources.py: the command's, handed
        down in the settings; without newsmon's command, the process's own)."""
        lock = cls.acquire(path, resources)
        lock.leases += 1
        return RunLease(lock)

    @classmethod
    def acquire(cls, path: Path, resources: ProcessResources) -> RunLock:
        """The process's lock, taken without waiting; RunLocked if another process has it. Reentrant per
        process: the same object, whose release() frees it for the whole process (holders use ``lease``)."""
        path = path.resolve()
        held = resources.run_locks
        if path in held:
            lock: RunLock = held[path]
            return lock
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
        lock = held[path] = cls(path, fd, resources)
        return lock

    @staticmethod
    def held(path: Path, resources: ProcessResources) -> bool:
        return path.resolve() in resources.run_locks

    def release(self) -> None:
        held = self.resources.run_locks
        if held.get(self.path) is self:
            del held[self.path]
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)


class RunLease:
    """One holder's share of the process's run lock: released once, and the lock freed with the last."""

    def __init__(self, lock: RunLock) -> None:
        self.lock = lock
        self.released = False

    @property
    def path(self) -> Path:
        return self.lock.path

    def release(self) -> None:
        if self.released:
            return
        self.released = True
        self.lock.leases -= 1
        if self.lock.leases <= 0:
            self.lock.release()
