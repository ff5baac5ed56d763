"""`newsmon discover --browser`: pages rendered by a real Chromium, for sites whose scripts build their pages
(menus, teasers, articles written from embedded JSON or an API).

The same Chromium the crawl's browser tier runs (``newsmon.fetch.browser.find_chromium``), launched with the
same arguments and the same user agent, driven through Playwright's synchronous API (discovery is one
sequential walk, as with the plain fetcher). Every rule of the plain fetcher holds: robots.txt, the page
budget (one page per navigation; robots.txt, feeds and sitemaps are read without the browser), the delay,
the origin. The browser may request nothing but the site's own origin: every other request (a tracker, a
CDN, an address a script invents) is aborted, as are images, media and fonts, and a page may make at most
``MAX_SUBREQUESTS`` requests of its own. A page is read once the network is quiet, or after the timeout.
Pages are read one after another in one tab, as a reader walks the site (a fresh tab after a failure).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urljoin

from newsmon.fetch.browser import (
    ABORTED_RESOURCE_TYPES,
    chromium_major_version,
    find_chromium,
    user_agent_for,
)
from newsmon.fetch.policy import OPTIONS
from newsmon.onboard.fetch import Fetcher, Page, same_origin
from newsmon.onboard.signals import is_asset

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 5  # hops followed, each on the origin
MAX_SUBREQUESTS = 60  # requests a rendered page may make (scripts, its JSON), all on the origin
SETTLE_MS = 5000  # at most this long waiting for the network to go quiet after load
_PLAIN_ENDINGS = ("/robots.txt",)


class BrowserUnavailable(Exception):
    """No Chromium (or no Playwright driver) to render pages with."""


class BrowserFetcher(Fetcher):
    """A Fetcher whose HTML pages are rendered by Chromium; use as a context manager (closes the browser)."""

    def __init__(self, origin: str, **kwargs: Any) -> None:
        super().__init__(origin, **kwargs)
        path = find_chromium(OPTIONS.default("NEWSMON_CHROMIUM_PATH") or "")
        if path is None:
            raise BrowserUnavailable("no Chromium found for --browser")
        self.chromium = path
        self.browser_agent = user_agent_for(
            OPTIONS.default("NEWSMON_USER_AGENT"), chromium_major_version(path)
        )
        self.rendered = 0  # pages rendered
        self.blocked: list[str] = []  # requests the browser was not allowed to make (off the origin)
        self._playwright: Any = None
        self._browser: Any = None
        self._tab_context: Any = None
        self._tab_page: Any = None
        self._made = 0  # requests the page being read has made (MAX_SUBREQUESTS)

    def __enter__(self) -> BrowserFetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._drop_tab()
        if self._browser is not None:
            self._browser.close()
            self._browser = None
        if self._playwright is not None:
            self._playwright.stop()
            self._playwright = None

    def _launch(self) -> Any:
        if self._browser is None:
            from playwright.sync_api import sync_playwright

            try:
                self._playwright = sync_playwright().start()
                self._browser = self._playwright.chromium.launch(
                    executable_path=self.chromium,
                    headless=True,
                    args=list(OPTIONS.default("NEWSMON_CHROMIUM_ARGS")),
                    ignore_default_args=["--disable-popup-blocking"],
                )
            except Exception as exc:
                self.close()
                raise BrowserUnavailable(f"Chromium ({self.chromium}) did not start: {exc}") from exc
        return self._browser

    def _tab(self) -> Any:
        """The one tab every page is read in, as a reader walks the site (its cookies kept, like the crawl's
        browser tier): a context and a renderer process per page cost Chromium about a CPU-second each;
        a navigation in the same tab a quarter of that. Its guard routes every request it makes."""
        if self._tab_page is None:
            self._tab_context = self._launch().new_context(
                user_agent=self.browser_agent, java_script_enabled=True
            )
            self._tab_page = self._tab_context.new_page()
            self._tab_page.route("**/*", self._guard)
        return self._tab_page

    def _drop_tab(self) -> None:
        """After a failure: the next page gets a tab of its own (nothing half-loaded carried over)."""
        context, self._tab_context, self._tab_page = self._tab_context, None, None
        if context is not None:
            try:
                context.close()
            except Exception as exc:
                logger.debug("Closing the browser context: %s", exc)

    def _guard(self, route: Any) -> None:
        try:
            self._route(route)
        except Exception as exc:  # the page moved on meanwhile (the page was read): nothing to do
            logger.debug("Browser request %s: %s", route.request.url, exc)

    def _route(self, route: Any) -> None:
        request = route.request
        if not same_origin(request.url, self.origin) or self.refusal(request.url) is not None:
            self.blocked.append(request.url)
            route.abort()
            return
        self._made += 1
        if request.resource_type in ABORTED_RESOURCE_TYPES or self._made > MAX_SUBREQUESTS:
            route.abort()
            return
        # fetched here hop by hop (the browser would follow a redirect without asking this guard)
        target, response = request.url, None
        for _ in range(MAX_REDIRECTS + 1):
            response = route.fetch(url=target, max_redirects=0, timeout=self.timeout * 1000)
            location = response.headers.get("location")
            if not (300 <= response.status < 400 and location):
                break
            target = urljoin(target, location)
            if not same_origin(target, self.origin) or self.refusal(target) is not None:
                self.blocked.append(target)
                self.log.refused.append((target, f"redirect from {request.url}: not on the site's origin"))
                route.abort()
                return
        if response is None or 300 <= response.status < 400:
            route.abort()
        elif target != request.url and request.is_navigation_request():
            route.fulfill(status=302, headers={"location": target})  # the page's URL is the final one
        else:
            route.fulfill(response=response)

    def _request(self, url: str, *, plain: bool = False) -> Page | None:
        if plain or url.endswith(_PLAIN_ENDINGS) or is_asset(url):  # feeds probed at /feed/ or /rss/ too
            return super()._request(url)
        page = self._tab()
        self._made = 0  # requests of this page so far
        try:
            timeout = self.timeout * 1000
            response = page.goto(url, wait_until="load", timeout=timeout)
            if response is None:
                self.log.fetched.append((url, "failed: no response"))
                return None
            final = page.url
            why = self.refusal(final)
            if why is not None:
                self.log.refused.append((final, f"redirect from {url}: {why}"))
                self.log.fetched.append((url, f"failed: redirected off the site ({why})"))
                return None
            content_type = (response.headers.get("content-type") or "").lower()
            if "html" in content_type and 200 <= response.status < 300:
                try:
                    page.wait_for_load_state("networkidle", timeout=min(timeout, SETTLE_MS))
                except Exception:
                    logger.debug("%s: network not quiet after %d ms; read as it is", url, SETTLE_MS)
                body = page.content().encode("utf-8")
                content_type = "text/html; charset=utf-8"
                self.rendered += 1
            else:
                body = response.body()
            result = Page(final, response.status, content_type, body[: self.max_bytes])
        except Exception as exc:
            self.log.fetched.append((url, f"failed: {exc.__class__.__name__}"))
            logger.warning("Rendering %s failed: %s", url, exc)
            self._drop_tab()
            return None
        self.log.fetched.append(
            (url, f"{result.status} (rendered)" if "html" in content_type else str(result.status))
        )
        logger.info("RENDER %s -> %s (%d bytes)", url, result.status, len(result.body))
        return result
