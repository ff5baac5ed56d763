"""Conditional GET for hubs (feeds, listings): validators from the store; a 304 replays the stored body.

Hubs are always requested. The last 200 of each hub is stored with its validators; the next request sends
If-None-Match / If-Modified-Since, and a 304 ("no change", `newsmon/hub/not_modified`) is answered with
the stored body as a 200 flagged "not_modified". The spider parses it as usual, so the articles it lists
still pass the skip filter: ones a crashed or failed run never emitted are fetched, young ones revisited,
and no error is logged. (Ignoring the 304 instead would lose every link of an unchanged hub.)
"""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes

from newsmon.meta import HUB_KINDS, META_KIND
from newsmon.state.backend import StateBackend, enabled_state
from newsmon.stats import HUB_CONDITIONAL_GET, HUB_NOT_MODIFIED, HUB_STORED

logger = logging.getLogger(__name__)


def _headers_dict(headers: Headers) -> dict[str, list[str]]:
    return {
        k.decode("latin-1"): [v.decode("latin-1") for v in values]
        for k, values in headers.items()
        if k.lower() not in (b"content-length", b"content-encoding", b"transfer-encoding", b"set-cookie")
    }


class HubConditionalGet:
    def __init__(self, crawler: Crawler, state: StateBackend) -> None:
        assert crawler.stats is not None
        self.stats = crawler.stats
        self.state = state  # its store is opened by the state extension when the spider opens

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HubConditionalGet:
        return cls(crawler, enabled_state(crawler))  # NotConfigured when state is off

    def process_request(self, request: Request) -> None:
        store = self.state.store
        if store is None or request.meta.get(META_KIND) not in HUB_KINDS:
            return None
        hub = store.hub(request.url)
        if hub is None:
            return None
        if hub.etag:
            request.headers.setdefault(b"If-None-Match", hub.etag)
        if hub.last_modified:
            request.headers.setdefault(b"If-Modified-Since", hub.last_modified)
        self.stats.inc_value(HUB_CONDITIONAL_GET)
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        store = self.state.store
        if store is None or request.meta.get(META_KIND) not in HUB_KINDS:
            return response
        if response.status == 304:
            hub = store.hub(request.url)
            if hub is None:  # we sent no validators; a broken server: let the spider see the 304
                return response
            self.stats.inc_value(HUB_NOT_MODIFIED)
            logger.debug("Hub %s not modified: replaying the stored copy", request.url)
            headers = Headers(hub.headers)
            cls = responsetypes.from_args(headers=headers, url=response.url, body=hub.body)
            return cls(
                url=response.url,
                status=200,
                headers=headers,
                body=hub.body,
                flags=[*response.flags, "not_modified"],
                request=request,
                ip_address=response.ip_address,
                protocol=response.protocol,
            )
        if response.status == 200 and request.url == response.url:
            etag = response.headers.get(b"ETag")
            last_modified = response.headers.get(b"Last-Modified")
            if etag or last_modified:
                store.store_hub(
                    request.url,
                    etag.decode("latin-1") if etag else None,
                    last_modified.decode("latin-1") if last_modified else None,
                    _headers_dict(response.headers),
                    response.body,
                )
                self.stats.inc_value(HUB_STORED)
        return response
