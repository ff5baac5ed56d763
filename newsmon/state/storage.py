"""Local-file feed storage made durable per record; the per-run file is written atomically.

Scrapy's FileFeedStorage hands the exporter a buffered file and closes it at the end of the run: nothing is
flushed per item (a SIGKILL loses the last ~4 KB of records, measured: 187 scraped, 167 written), nothing is
ever fsynced, the file object is not reachable from outside the exporter, and the final name is written in
place (downstream may read a half-written file). This subclass keeps FileFeedStorage's behaviour and adds:

* every file it opens is announced with the `feed_file_opened` signal, so the state extension (connected to
  item_scraped after FeedExporter) can flush + fsync it before it marks a record emitted;
* with the feed option ``newsmon_atomic`` (the DefaultOutput add-on sets it on the per-run file) the records
  go to ``<name>.partial`` and store() fsyncs and renames it to its final name (never over an existing file);
  a crashed run's ``.partial`` is recovered at the next start (newsmon/state/recovery.py). The partial
  file is flocked while written, so a start beside a live run (distributed mode: several processes may
  share an output directory) leaves it alone; ``keep_partial`` (set by the state extension when it could
  not mark a written record) leaves the file as ``.partial`` at the end, for that recovery.

``-O file.jsonl`` / ``-o`` local files use this class too (registered in FEED_STORAGES for "" and "file"):
they get the per-record flush + fsync, but are written in place (no rename; -O truncates the old content).
"""

from __future__ import annotations

import fcntl
import io
import logging
import os
import shutil
from pathlib import Path
from typing import IO, Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.extensions.feedexport import FileFeedStorage
from twisted.internet.defer import Deferred

from newsmon.stats import OUTPUT_UNUSABLE  # the stat holding why a run was refused

logger = logging.getLogger(__name__)

PARTIAL_SUFFIX = ".partial"

# Signal: a feed file was opened for writing. Arguments: storage, file.
feed_file_opened = object()


def free_name(path: Path, *, partial_taken: bool = True, suffix: str | None = None) -> Path:
    """path, or path with -1, -2, ... before its suffix when taken (two runs in the same second).

    partial_taken: a name whose `.partial` exists counts as taken (False when recovering that very partial).
    suffix: the suffix to keep last when it has several parts (".warc.gz"); default: the last one.
    """
    suffix = suffix if suffix is not None else path.suffix
    stem = path.name.removesuffix(suffix)
    candidate, n = path, 0
    while candidate.exists() or (
        partial_taken and candidate.with_name(candidate.name + PARTIAL_SUFFIX).exists()
    ):
        n += 1
        candidate = path.with_name(f"{stem}-{n}{suffix}")
    return candidate


def same_file(fd: int, path: Path) -> bool:
    """Whether the open file is still the one linked at path (not removed, renamed away or replaced)."""
    try:
        opened, linked = os.fstat(fd), path.stat()
    except OSError:
        return False
    return opened.st_nlink > 0 and (opened.st_dev, opened.st_ino) == (linked.st_dev, linked.st_ino)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class GuardedWriter(io.BufferedWriter):
    """A buffered file that remembers a failed write: an exporter's write that raised (a full disk after
    part of the line went out) leaves a torn record that flush, fsync and a grown size would all pass."""

    error: OSError | None = None

    def write(self, data: Any) -> int:
        try:
            return super().write(data)
        except OSError as exc:
            self.error = exc
            raise

    def flush(self) -> None:
        try:
            super().flush()
        except OSError as exc:
            self.error = exc
            raise


def write_error(file: IO[bytes]) -> OSError | None:
    """The first failed write of a feed file opened by DurableFileFeedStorage, else None."""
    return getattr(file, "error", None)


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


class DurableFileFeedStorage(FileFeedStorage):
    def __init__(
        self, uri: str, *, feed_options: dict[str, Any] | None = None, crawler: Crawler | None = None
    ) -> None:
        super().__init__(uri, feed_options=feed_options)
        self.crawler = crawler
        self.atomic = bool((feed_options or {}).get("newsmon_atomic", False))
        self.final_path: Path | None = None
        self.partial_path: Path | None = None
        self.keep_partial = False
        self.created = False  # a non-atomic file this storage created (it did not exist before)

    @classmethod
    def from_crawler(
        cls, crawler: Crawler, uri: str, *, feed_options: dict[str, Any] | None = None
    ) -> DurableFileFeedStorage:
        return cls(uri, feed_options=feed_options, crawler=crawler)

    def open(self, spider: Spider) -> IO[bytes]:
        if self.atomic:
            final = Path(self.path)
            final.parent.mkdir(parents=True, exist_ok=True)
            self.final_path = free_name(final)
            self.partial_path = self.final_path.with_name(self.final_path.name + PARTIAL_SUFFIX)
            file: IO[bytes] = GuardedWriter(io.FileIO(self.partial_path, "xb"))
            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # "in use" for recover_partials
        else:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.created = not Path(self.path).exists()
            file = GuardedWriter(io.FileIO(self.path, self.write_mode))
        if self.crawler is not None:
            self.crawler.signals.send_catch_log(feed_file_opened, storage=self, file=file)
        return file

    def refused(self) -> bool:
        """Whether the run was refused before any request (an unusable feed, newsmon/extensions/
        output_check.py): nothing was crawled, so there is no output to keep, not even an empty one."""
        stats = self.crawler.stats if self.crawler is not None else None
        return bool(stats is not None and stats.get_value(OUTPUT_UNUSABLE))

    @property
    def current_path(self) -> Path:
        """The path the open file must be linked at (the `.partial` while an atomic file is written)."""
        return self.partial_path if self.partial_path is not None else Path(self.path)

    def restore(self, file: IO[bytes]) -> Path:
        """The open file was unlinked (its directory removed, the file deleted): write what it holds to
        a linked file again and point the open descriptor at that copy, so the records already marked
        emitted are on disk and the exporter goes on writing into a linked file. Linux only (the content
        is read back through /proc/self/fd); OSError when that, or the copy, fails."""
        file.flush()
        wanted = self.final_path if self.atomic and self.final_path is not None else self.current_path
        wanted.parent.mkdir(parents=True, exist_ok=True)
        target = free_name(wanted)
        path = target.with_name(target.name + PARTIAL_SUFFIX) if self.atomic else target
        with Path(f"/proc/self/fd/{file.fileno()}").open("rb") as old, path.open("xb") as copy:
            if self.atomic:
                fcntl.flock(copy.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            shutil.copyfileobj(old, copy)
            copy.flush()
            os.fsync(copy.fileno())
            fsync_dir(path.parent)
            os.dup2(copy.fileno(), file.fileno())  # the exporter's descriptor now writes into the copy
        if self.atomic:
            self.final_path, self.partial_path = target, path
        else:
            self.path = str(path)
        return path

    def store(self, file: IO[bytes]) -> Deferred[None] | None:
        if not file.closed:
            file.flush()
            os.fsync(file.fileno())
            if not same_file(file.fileno(), self.current_path):  # removed after the last record
                restored = self.restore(file)
                file.close()
                self.keep_partial = True
                raise OSError(f"{self.current_path} was removed during the run; written back to {restored}")
            file.close()
        if self.atomic and self.keep_partial:
            logger.warning("Output left as %s: the next start reconciles it", self.partial_path)
            return None
        if self.refused():  # a refused run leaves no output file it created, not even an empty one
            if self.atomic and self.partial_path is not None:
                self.partial_path.unlink(missing_ok=True)
            elif self.created and _size(Path(self.path)) == 0:
                Path(self.path).unlink(missing_ok=True)
            return None
        if self.atomic and self.partial_path is not None and self.final_path is not None:
            final = free_name(self.final_path, partial_taken=False)
            self.partial_path.replace(final)
            fsync_dir(final.parent)
            logger.info("Output complete: %s", final)
        return None
