"""Name why a request failed (for the ``newsmon/<kind>/failed/<reason>`` stats and the log line)."""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from twisted.internet.error import ConnectionDone, ConnectionLost, TimeoutError
from twisted.python.failure import Failure
from twisted.web.client import ResponseFailed, ResponseNeverReceived

from newsmon.fetch.browser_guard import BrowserPageKilled, OffsiteNavigation
from newsmon.fetch.ssrf import SsrfRefused
from newsmon.fetch.tiers import NeedsBrowser, StillChallenged


def failure_reason(failure: Failure) -> str:
    """A short, stable name for a request's failure: timeout, data_loss, too_large, ..."""
    exc = failure.value
    message = str(exc)
    if isinstance(exc, SsrfRefused):
        return "ssrf_refused"
    if isinstance(exc, NeedsBrowser | StillChallenged):
        return "needs_browser"
    if isinstance(exc, BrowserPageKilled):  # over a DOM, heap or renderer memory limit
        return "browser_killed"
    if isinstance(exc, OffsiteNavigation):  # the page navigated off the site by itself
        return "offsite_navigation"
    if isinstance(exc, IgnoreRequest):
        if "max redirections" in message:
            return "redirect_limit"
        if "during decompression" in message:
            return "decompression_limit"
        return "ignored"
    if isinstance(exc, DownloadCancelledError):  # Scrapy cancels a download only past DOWNLOAD_MAXSIZE
        return "too_large"
    if isinstance(exc, DownloadTimeoutError | TimeoutError):
        return "timeout"
    if isinstance(exc, ResponseDataLossError):
        return "data_loss"
    if isinstance(exc, CannotResolveHostError):
        return "dns"
    if isinstance(exc, DownloadConnectionRefusedError):
        return "connection_refused"
    if isinstance(exc, ResponseFailed | ResponseNeverReceived | ConnectionLost | ConnectionDone):
        return "connection_lost"
    return type(exc).__name__
