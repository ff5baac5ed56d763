"""Downloader middleware: every fetched response, with its request, into rotating WARC 1.1 files
(NEWSMON_WARC_DIR; off when empty), so an archive can replay the exact bytes a record was built from.

PLAIN responses are `response` records holding the status line, headers and body as received: the
middleware sits on the downloader side of HttpCompressionMiddleware (590), so a compressed body is kept
compressed with its Content-Encoding. STEALTHY responses are what Chromium rendered, not bytes from the
wire: a `resource` record of the DOM (text/html) with a `WARC-Newsmon-Note` saying so and the status of
the page shown. Each response is preceded by a `request` record it is linked to (WARC-Concurrent-To).
The response's file and WARC-Record-ID go into ``response.meta`` (WARC_META) for the spider's record.
"""

from __future__ import annotations

import logging
import re
from http.client import responses as reasons
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector
from scrapy.utils.httpobj import urlparse_cached

from newsmon.extras import require
from newsmon.meta import META_FETCH_REASON, META_TIER, WARC_META, Tier
from newsmon.options import Option, Options

if TYPE_CHECKING:  # warcio is the `warc` extra: imported once NEWSMON_WARC_DIR is set
    from warcio.statusandheaders import StatusAndHeaders

    from newsmon.archive.writer import RotatingWarcWriter
from newsmon.stats import (
    WARC_FAILED,
    WARC_FILES,
    WARC_RECOVERED_FILES,
    WARC_RENDERED,
    WARC_RESPONSES,
    WARC_TORN_RECORDS,
)

OPTIONS = Options(
    Option(
        "NEWSMON_WARC_DIR",
        "",
        "write every fetched response (both tiers) into WARC 1.1 files here ([WARC archive](../warc.md))",
        default_doc="empty (off)",
    ),
    Option(
        "NEWSMON_WARC_MAX_BYTES",
        1073741824,
        "start a new WARC file once one reaches this size (0: never rotate)",
    ),
)

logger = logging.getLogger(__name__)

RENDERED_NOTE = (
    "browser-rendered DOM: the document Chromium showed after its scripts ran (STEALTHY tier), "
    "not the bytes the server sent"
)
# hop-by-hop framing Scrapy has already undone: the stored body is whole, so Content-Length is set instead
FRAMING = {"transfer-encoding"}
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


def _header_pairs(headers: Any) -> list[tuple[str, str]]:
    pairs = []
    for name, values in headers.items():
        key = name.decode("latin-1") if isinstance(name, bytes) else str(name)
        for value in values:
            pairs.append((key, value.decode("latin-1") if isinstance(value, bytes) else str(value)))
    return pairs


class WarcArchiver:
    def __init__(self, crawler: Crawler, directory: Path, max_bytes: int) -> None:
        assert crawler.stats is not None
        self.crawler = crawler
        self.stats: StatsCollector = crawler.stats
        self.directory = directory
        self.max_bytes = max_bytes
        self.writer: RotatingWarcWriter | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcArchiver:
        directory = OPTIONS.get(crawler.settings, "NEWSMON_WARC_DIR")
        if not directory:
            raise NotConfigured  # off by default: quiet
        max_bytes = OPTIONS.getint(crawler.settings, "NEWSMON_WARC_MAX_BYTES")
        if max_bytes < 0:
            raise NotConfigured("NEWSMON_WARC_MAX_BYTES must be >= 0 (0: never rotate)")
        require("warcio", "NEWSMON_WARC_DIR")
        archiver = cls(crawler, Path(directory), max_bytes)
        crawler.signals.connect(archiver.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(archiver.spider_closed, signal=signals.spider_closed)
        return archiver

    def spider_opened(self, spider: Spider) -> None:
        from scrapy import __version__ as scrapy_version

        from newsmon.archive.writer import RotatingWarcWriter, recover_open_files

        if self.directory.is_dir():  # a crashed run's `.open` files first (recover_open_files logs them)
            recovered = recover_open_files(self.directory)
            if recovered.files:
                self.stats.inc_value(WARC_RECOVERED_FILES, recovered.files)
            if recovered.torn_records:
                self.stats.inc_value(WARC_TORN_RECORDS, recovered.torn_records)
        self.writer = RotatingWarcWriter(
            self.directory,
            f"newsmon-{_SAFE_NAME.sub('_', spider.name)}",
            self.max_bytes,
            {
                "software": f"newsmon (Scrapy {scrapy_version}, warcio)",
                "format": "WARC File Format 1.1",
                "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
                "description": f"responses fetched by the newsmon spider {spider.name!r}; STEALTHY-tier "
                "pages are resource records of the browser-rendered DOM (WARC-Newsmon-Note)",
            },
        )
        logger.info("Archiving every response as WARC in %s", self.directory)

    def spider_closed(self, spider: Spider) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    def process_response(self, request: Request, response: Response) -> Response:
        if self.writer is None:
            return response
        try:
            name, record_id = self._archive(self.writer, request, response)
        except OSError as exc:  # a full disk must not stop the crawl; the record says it is not archived
            self.stats.inc_value(WARC_FAILED)
            logger.error("Could not write %s to the WARC file: %s", response.url, exc)
            request.meta.pop(WARC_META, None)
            return response
        request.meta[WARC_META] = (name, record_id)
        return response

    def _archive(self, writer: RotatingWarcWriter, request: Request, response: Response) -> tuple[str, str]:
        rendered = request.meta.get(META_TIER) == Tier.STEALTHY or "playwright" in response.flags
        request_record = writer.record(
            response.url if rendered else request.url,
            "request",
            request.body or b"",
            http_headers=self._request_headers(request),
            headers={"WARC-Newsmon-Note": "the browser sent its own headers"} if rendered else {},
        )
        request_id = request_record.rec_headers.get_header("WARC-Record-ID")
        links = {"WARC-Concurrent-To": request_id}
        if response.ip_address is not None:
            links["WARC-IP-Address"] = str(response.ip_address)
        if rendered:
            content_type = (response.headers.get("Content-Type") or b"text/html").decode("latin-1")
            if "charset" not in content_type.lower() and getattr(response, "encoding", None):
                content_type = f"text/html; charset={response.encoding}"  # type: ignore[attr-defined]
            record = writer.record(
                response.url,
                "resource",
                response.body,
                content_type=content_type,
                headers={
                    **links,
                    "WARC-Newsmon-Note": RENDERED_NOTE,
                    "WARC-Newsmon-Status": str(response.status),
                    "WARC-Newsmon-Fetch-Reason": str(request.meta.get(META_FETCH_REASON) or ""),
                },
            )
            self.stats.inc_value(WARC_RENDERED)
        else:
            record = writer.record(
                response.url, "response", response.body, http_headers=self._response_headers(response),
                headers=links,
            )  # fmt: skip
            self.stats.inc_value(WARC_RESPONSES)
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        name = writer.write(request_record, record)
        self.stats.set_value(WARC_FILES, writer.serial)  # files started (each finalized on close)
        return name, record_id

    @staticmethod
    def _request_headers(request: Request) -> StatusAndHeaders:
        from warcio.statusandheaders import StatusAndHeaders

        parts = urlparse_cached(request)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        pairs = [("Host", parts.netloc), *_header_pairs(request.headers)]
        return StatusAndHeaders(f"{request.method} {target} HTTP/1.1", pairs, is_http_request=True)

    @staticmethod
    def _response_headers(response: Response) -> StatusAndHeaders:
        from warcio.statusandheaders import StatusAndHeaders

        pairs = [(k, v) for k, v in _header_pairs(response.headers) if k.lower() not in FRAMING]
        if any(k.lower() == "transfer-encoding" for k, _ in _header_pairs(response.headers)):
            pairs = [(k, v) for k, v in pairs if k.lower() != "content-length"]
            pairs.append(("Content-Length", str(len(response.body))))
        status = f"{response.status} {reasons.get(response.status, '')}".strip()
        return StatusAndHeaders(status, pairs, protocol=response.protocol or "HTTP/1.1")
