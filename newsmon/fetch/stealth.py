"""What runs inside the browser tier's pages: stealth patches before any page script, and a wait until a
JavaScript challenge has cleared. Referenced by name in Request.meta, so requests stay serializable."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Frame, Page
from playwright_stealth import Stealth

from newsmon.fetch.challenge import CHALLENGE_MARKERS, CHALLENGE_MAX_WORDS, CHALLENGE_TITLES
from newsmon.meta import META_STEALTH

logger = logging.getLogger(__name__)

PAGE_INIT_CALLBACK = "newsmon.fetch.stealth.init_page"
_STEALTH_APPLIED = "_newsmon_stealth_user_agent"  # a Page attribute (not a meta key): its stealth user agent

# playwright-stealth's defaults claim Windows ("Win32"); the user agent says Linux, so must the rest.
LINUX_PROFILE: dict[str, Any] = {
    "navigator_platform_override": "Linux x86_64",
    "navigator_vendor_override": "Google Inc.",
    "webgl_vendor_override": "Google Inc. (Intel)",
    "webgl_renderer_override": "ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)",
    "navigator_languages_override": ("en-US", "en"),
}
# A page in the browser is still waiting for a check to let it through while it is a challenge by the rule
# of challenge.challenge_reason (a challenge title or marker on a page with few visible words: Cloudflare
# also puts its challenge-platform script on ordinary pages, which have plenty of text), or while it shows
# next to nothing (a check of a vendor with no known marker: "one moment..." and a script that sets a
# cookie and reloads, posts a form or redirects after a delay).
THIN_PAGE_WORDS = 40
_PAGE_STATE = f"""() => {{
  const titles = {json.dumps(list(CHALLENGE_TITLES))};
  const markers = {json.dumps([m.decode() for m in CHALLENGE_MARKERS])};
  const title = (document.title || '').trim().toLowerCase();
  const html = document.documentElement ? document.documentElement.innerHTML.toLowerCase() : '';
  const text = document.body ? document.body.innerText : '';
  const marked = titles.some((t) => title.startsWith(t)) || markers.some((m) => html.includes(m));
  const words = text.split(/\\s+/).filter(Boolean).length;
  return {{marked: marked && words < {CHALLENGE_MAX_WORDS}, thin: words < {THIN_PAGE_WORDS}}};
}}"""
_NAVIGATION_STATUS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  return nav && nav.responseStatus ? nav.responseStatus : 0;
}"""
_NAVIGATIONS = "_newsmon_navigations"  # a Page attribute: main-frame documents shown since this request began
_COUNTING = "_newsmon_counting"  # a Page attribute: the navigation listener is attached


def _count_navigation(page: Page, frame: Frame) -> None:
    if frame == page.main_frame:
        setattr(page, _NAVIGATIONS, getattr(page, _NAVIGATIONS, 0) + 1)


def stealth_for(user_agent: str) -> Stealth:
    """playwright-stealth configured to agree with ``user_agent`` on a Linux desktop."""
    return Stealth(navigator_user_agent_override=user_agent, **LINUX_PROFILE)


async def init_page(page: Page, request: Any) -> None:
    """scrapy-playwright page init callback: stealth scripts run before the site's own scripts."""
    user_agent = (request.meta.get(META_STEALTH) or {}).get("user_agent")
    if user_agent and getattr(page, _STEALTH_APPLIED, None) != user_agent:  # a reused tab keeps its scripts
        await stealth_for(user_agent).apply_stealth_async(page)
        setattr(page, _STEALTH_APPLIED, user_agent)
    # counts the documents the page shows from here on (the request's own, then any a check navigates to)
    setattr(page, _NAVIGATIONS, 0)
    if not getattr(page, _COUNTING, False):
        page.on("framenavigated", lambda frame: _count_navigation(page, frame))
        setattr(page, _COUNTING, True)


async def settle_challenge(page: Page, timeout: float = 15.0) -> dict[str, int]:
    """PageMethod: wait, at most ``timeout`` seconds, until a check page has let the browser through to the
    page (its script sets a cookie and reloads, posts a form, or redirects, at once or after a delay), and
    until the navigation it started has loaded; then tell the HTTP status of the document finally shown
    (0 when unknown) and how many documents the check went through before it (0: none, the page itself)."""
    deadline = time.monotonic() + timeout
    while True:
        shown = getattr(page, _NAVIGATIONS, 1)
        try:
            state = await page.evaluate(_PAGE_STATE)
            if not (state["marked"] or state["thin"]):
                # the document of a navigation the check started must have loaded before it is read
                remaining = max(deadline - time.monotonic(), 0.1)
                await page.wait_for_load_state("load", timeout=remaining * 1000)
                if getattr(page, _NAVIGATIONS, 1) == shown:  # no further navigation meanwhile
                    status = int(await page.evaluate(_NAVIGATION_STATUS) or 0)
                    return {"status": status, "navigations": max(shown - 1, 0)}
                continue
        except PlaywrightError as exc:  # the check navigated away mid-look: look again
            logger.debug("Challenge check interrupted on %s: %s", page.url, exc)
        if time.monotonic() >= deadline:
            logger.debug("Challenge did not clear within %.0f s on %s", timeout, page.url)
            return {"status": 0, "navigations": max(getattr(page, _NAVIGATIONS, 1) - 1, 0)}
        await asyncio.sleep(0.25)
