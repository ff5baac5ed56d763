"""Rotating WARC 1.1 files written with warcio: one gzip member per record, a warcinfo record opening each
file, a new file once one reaches the size limit. A file is written as `<name>.warc.gz.open` and renamed
to `<name>.warc.gz` when it is complete (rotation or close)."""

from __future__ import annotations

import logging
import os
import socket
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import IO

from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

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
        self._writer = WARCWriter(self._file, gzip=True, warc_version=WARC_VERSION)
        self._writer.write_record(self._writer.create_warcinfo_record(self.name, dict(self.info)))
        return self._writer

    def _finish(self) -> None:
        if self._file is None:
            return
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        final = self.directory / self.name
        (self.directory / (self.name + OPEN_SUFFIX)).replace(final)
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
