"""Rotating WARC 1.1 files written with warcio: one gzip member per record, a warcinfo record opening each
file, a new file once one reaches the size limit. A file is written as `<name>.warc.gz.open` and renamed
to `<name>.warc.gz` when it is complete (rotation or close). The `.open` file is flocked while written, so
the recovery of a crashed run's `.open` files (recover_open_files, at the next start) leaves a live
process's file alone (several processes of a distributed run may share a WARC directory)."""

from __future__ import annotations

import fcntl
import logging
import os
import socket
import zlib
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import IO, NamedTuple

from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsmon.state.storage import free_name, fsync_dir

logger = logging.getLogger(__name__)

OPEN_SUFFIX = ".open"
WARC_VERSION = "1.1"


class RotatingWarcWriter:
    def __init__(self, directory: Path, prefix: str, max_bytes: int, info: dict[str, str]) -> None:
        self.directory = directory
        self.prefix = prefix
        self.max_bytes = max_bytes
        self.info = info  # warcinfo fields (software, operator notes, ...)
        self.serial = 0
        self.started = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        self.host = socket.gethostname().split(".")[0] or "host"
        self._file: IO[bytes] | None = None
        self._writer: WARCWriter | None = None
        self.name = ""  # final name of the file being written
        self.finished: list[Path] = []

    # --- files ---------------------------------------------------------------------------------
    def _open(self) -> WARCWriter:
        self.serial += 1
        self.name = f"{self.prefix}-{self.started}-{self.serial:05d}-{self.host}-{os.getpid()}.warc.gz"
        self.directory.mkdir(parents=True, exist_ok=True)
        self._file = (self.directory / (self.name + OPEN_SUFFIX)).open("xb")
        fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # "in use" for recover_open_files
        self._writer = WARCWriter(self._file, gzip=True, warc_version=WARC_VERSION)
        self._writer.write_record(self._writer.create_warcinfo_record(self.name, dict(self.info)))
        return self._writer

    def _finish(self) -> None:
        if self._file is None:
            return
        self._file.flush()
        os.fsync(self._file.fileno())
        final = self.directory / self.name
        (self.directory / (self.name + OPEN_SUFFIX)).replace(final)  # renamed under the lock
        self._file.close()
        fsync_dir(self.directory)
        self.finished.append(final)
        logger.info("WARC file %s complete", final)
        self._file = self._writer = None

    def close(self) -> None:
        self._finish()

    # --- records -------------------------------------------------------------------------------
    def record(
        self,
        uri: str,
        record_type: str,
        payload: bytes,
        *,
        http_headers: StatusAndHeaders | None = None,
        content_type: str = "",
        headers: dict[str, str] | None = None,
    ) -> ArcWarcRecord:
        """A record, not yet written (its WARC-Record-ID is known: link others to it first)."""
        writer = self._writer or self._open()
        return writer.create_warc_record(
            uri,
            record_type,
            payload=BytesIO(payload),
            length=len(payload),
            warc_content_type=content_type,
            warc_headers_dict=headers or {},
            http_headers=http_headers,
        )

    def write(self, *records: ArcWarcRecord) -> str:
        """Write records into the current file (together: a file never splits them); returns its final
        name. The file is flushed to the OS after each call and rotated once it reaches max_bytes."""
        writer = self._writer or self._open()
        name = self.name
        for record in records:
            writer.write_record(record)
        assert self._file is not None
        self._file.flush()
        if self.max_bytes and self._file.tell() >= self.max_bytes:
            self._finish()
        return name


# --- crash recovery ---------------------------------------------------------------------------------
_CHUNK = 1 << 20


class RecoveredWarc(NamedTuple):
    files: int
    records: int  # complete records kept
    torn_records: int  # torn last records cut off


def complete_members(fh: IO[bytes]) -> tuple[int, int]:
    """(complete gzip members that each hold a WARC record, byte length of that prefix), streaming.

    The writer writes one gzip member per record and flushes after whole records, so a complete member
    is a complete record and a crash can only tear the last one."""
    members = good = offset = 0
    decomp, head, buf = zlib.decompressobj(31), b"", b""
    while True:
        if not buf:
            buf = fh.read(_CHUNK)
            if not buf:
                break
        try:
            out = decomp.decompress(buf)
        except zlib.error:
            break
        if len(head) < 5:
            head += out[:5]
        if not decomp.eof:
            offset += len(buf)
            buf = b""
            continue
        offset += len(buf) - len(decomp.unused_data)
        buf = decomp.unused_data
        if not head.startswith(b"WARC/"):
            break
        members, good = members + 1, offset
        decomp, head = zlib.decompressobj(31), b""
    return members, good


def recover_open_files(directory: Path) -> RecoveredWarc:
    """Finish every `.warc.gz.open` a crashed run left in directory (not one a live process holds): keep
    its complete records, cut off a torn last one, fsync and rename it to its final name."""
    files = records = torn = 0
    for path in sorted(directory.glob("*.warc.gz" + OPEN_SUFFIX)):
        try:
            fh = path.open("r+b")
        except FileNotFoundError:  # recovered by another process meanwhile
            continue
        with fh:
            try:  # the writer's flock (as for `.partial` outputs, newsmon/state/recovery.py)
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                if path.stat().st_ino != os.fstat(fh.fileno()).st_ino:
                    continue  # renamed by another process between the open and the lock
            except (BlockingIOError, FileNotFoundError):
                continue
            members, good = complete_members(fh)
            size = os.fstat(fh.fileno()).st_size
            if size > good:
                torn += 1
                fh.truncate(good)
            os.fsync(fh.fileno())
            final = path.with_name(path.name.removesuffix(OPEN_SUFFIX))
            if not members:  # not even its warcinfo record: nothing to keep
                path.unlink()
                logger.warning("Removed %s: a crashed run left no complete WARC record in it", path)
            else:
                final = free_name(final, partial_taken=False, suffix=".warc.gz")  # never over a finished file
                path.replace(final)  # still locked: nobody else recovers it twice
                records += members
                files += 1
            fsync_dir(directory)
    if files or torn:
        logger.warning(
            "Recovered %d WARC files of a crashed run in %s: %d complete records kept, %d torn records cut",
            files,
            directory,
            records,
            torn,
        )
    return RecoveredWarc(files, records, torn)
