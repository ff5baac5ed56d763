"""newsmon's Python API: the record of a page one already has, and the records of a WARC file's responses.

``newsmon.extract(html, url)`` returns exactly what ``newsmon extract FILE --url URL`` prints (the command
calls it), built by the same code as a crawl's records (newsmon/record.py). ``warc_records(path)`` reads the
response records of any WARC file (newsmon's own, newsmon/archive/, or another crawler's: Heritrix, wget,
browsertrix) with warcio and yields one record per article page, to backfill an archive or to extract
again after an upgrade. No Scrapy and no state store: nothing is fetched, deduplicated or marked.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsmon.extract.html import parse_html
from newsmon.extract.page import extract_page
from newsmon.extract.types import PageData
from newsmon.record import FetchInfo, build_record, select_fields
from newsmon.sites import SiteConfig, load_site_config
from newsmon.sites.catalog import catalog, sites_dir
from newsmon.urls import SiteScope

logger = logging.getLogger(__name__)

SPIDER = "newsmon-extract"  # the record's `spider` when built outside a crawl


def site_for(url: str, site: str | SiteConfig | None = None) -> SiteConfig:
    """The site configuration for a page: the given one (bundled name, TOML path or config), else the
    catalog's site that lists the URL's host, else a bare one for its origin."""
    from newsmon.onboard.discover import site_name

    if isinstance(site, SiteConfig):
        return site
    directory = sites_dir()
    if site:
        return load_site_config(site, directory)
    host = (urlsplit(url).hostname or "").lower()
    for entry in catalog(directory):
        if entry.config is not None and host in {h.lower() for h in entry.config.hosts}:
            return entry.config
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    return SiteConfig(name=site_name(origin), origin=origin, hosts=(host,))


def page_record(
    body: bytes,
    url: str,
    site: str | SiteConfig | None = None,
    *,
    encoding: str | None = None,
    fetch: dict[str, Any] | None = None,
    fields: str = "full",
) -> tuple[dict[str, Any], PageData]:
    """The record of one page and the extractor's data about it (is_article, amp, ...); ``fetch``:
    FetchInfo fields known from elsewhere (a WARC's status, date and record id)."""
    config = site_for(url, site)
    scope = SiteScope.build(config.origin, config.hosts, mirror=None)
    page = extract_page(parse_html(body, encoding=encoding), url, config.extract_options())
    info = FetchInfo(**{"url": url, "spider": SPIDER, "site": config.name, **(fetch or {})})
    return select_fields(dataclasses.asdict(build_record(page, info, scope)), fields), page


def extract(
    html: str | bytes,
    url: str,
    site: str | SiteConfig | None = None,
    *,
    encoding: str | None = None,
    fields: str = "full",
) -> dict[str, Any]:
    """The record newsmon builds from a page's HTML fetched from url, as `newsmon extract` prints it.

    site: a bundled site name, a TOML path or a SiteConfig; default: the site listing url's host.
    encoding: for bytes that do not declare theirs. fields: "full" or "article" (NEWSMON_RECORD_FIELDS).
    """
    if isinstance(html, str):
        html, encoding = html.encode("utf-8"), "utf-8"
    record, _ = page_record(html, url, site, encoding=encoding, fields=fields)
    return record


# --- WARC backfill ----------------------------------------------------------------------------------
HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class WarcTally:
    """What a WARC file held: responses read, records built, and why the others gave none."""

    responses: int = 0
    records: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1

    def line(self, path: Path) -> str:
        why = ", ".join(f"{n} {reason}" for reason, n in sorted(self.skipped.items()))
        summary = f"{path}: {self.records} records from {self.responses} responses"
        return f"{summary} ({why})" if why else summary


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def warc_records(
    path: Path,
    site: str | SiteConfig | None = None,
    *,
    fields: str = "full",
    tally: WarcTally | None = None,
) -> Iterator[dict[str, Any]]:
    """One record per article among the WARC file's successful HTML responses, in file order.

    `response` records (the HTTP message; chunked and gzip/deflate/br bodies decoded by warcio) and
    newsmon's `resource` records of browser-rendered pages (WARC-Newsmon-Status) are read; requests,
    metadata, revisits (no body), non-HTML, non-200 and pages the extractor says are not articles are
    counted in ``tally`` and skipped. `warc_file` and `warc_record_id` name where each record came from.
    """
    from warcio.archiveiterator import ArchiveIterator

    tally = tally if tally is not None else WarcTally()
    with path.open("rb") as stream:
        for item in ArchiveIterator(stream):
            if item.rec_type not in ("response", "resource"):
                continue
            url = item.rec_headers.get_header("WARC-Target-URI") or ""
            if not url.startswith(("http://", "https://")):  # dns:, whois:, a warcinfo-like resource
                continue
            tally.responses += 1
            if item.rec_type == "response":
                if item.http_headers is None:
                    tally.skip("not HTTP")
                    continue
                status = int(item.http_headers.get_statuscode() or 0)
                content_type = item.http_headers.get_header("Content-Type") or ""
            else:
                status = int(item.rec_headers.get_header("WARC-Newsmon-Status") or 200)
                content_type = item.rec_headers.get_header("Content-Type") or ""
            if status != 200:
                tally.skip(f"HTTP {status}")
                continue
            if content_type and not content_type.split(";")[0].strip().lower().startswith(HTML_TYPES):
                tally.skip("not HTML")
                continue
            body = item.content_stream().read()
            fetch = {
                "http_status": status,
                "scraped_at": item.rec_headers.get_header("WARC-Date"),
                "warc": (path.name, item.rec_headers.get_header("WARC-Record-ID") or ""),
            }
            try:
                record, page = page_record(
                    body, url, site, encoding=_charset(content_type), fetch=fetch, fields=fields
                )
            except ValueError as exc:  # an empty or undecodable body
                logger.debug("%s in %s: no record (%s)", url, path, exc)
                tally.skip("unreadable")
                continue
            if not page.is_article:
                tally.skip("not articles")
                continue
            tally.records += 1
            yield record
