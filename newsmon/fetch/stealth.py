"""What runs inside the browser tier's pages: stealth patches before any page script, and a wait until a
JavaScript challenge has cleared. Referenced by name in Request.meta, so requests stay serializable."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page
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
# The page is through when it is no longer a challenge by the same rule as challenge.challenge_reason
# (a challenge title or marker on a page with few visible words: Cloudflare also puts its
# challenge-platform script on ordinary pages, which have plenty of text).
_CHALLENGE_CHECK = f"""() => {{
  const titles = {json.dumps(list(CHALLENGE_TITLES))};
  const markers = {json.dumps([m.decode() for m in CHALLENGE_MARKERS])};
  const title = (document.title || '').trim().toLowerCase();
  const html = document.documentElement ? document.documentElement.innerHTML.toLowerCase() : '';
  const text = document.body ? document.body.innerText : '';
  const marked = titles.some((t) => title.startsWith(t)) || markers.some((m) => html.includes(m));
  return !(marked && text.split(/\\s+/).filter(Boolean).length < {CHALLENGE_MAX_WORDS});
}}"""
_NAVIGATION_STATUS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  return nav && nav.responseStatus ? nav.responseStatus : 0;
}"""


def stealth_for(user_agent: str) -> Stealth:
    """playwright-stealth configured to agree with ``user_agent`` on a Linux desktop."""
    return Stealth(navigator_user_agent_override=user_agent, **LINUX_PROFILE)


async def init_page(page: Page, request: Any) -> None:
    """scrapy-playwright page init callback: stealth scripts run before the site's own scripts."""
    user_agent = (request.meta.get(META_STEALTH) or {}).get("user_agent")
    if user_agent and getattr(page, _STEALTH_APPLIED, None) != user_agent:  # a reused tab keeps its scripts
        await stealth_for(user_agent).apply_stealth_async(page)
        setattr(page, _STEALTH_APPLIED, user_agent)


async def settle_challenge(page: Page, timeout: float = 15.0) -> int:
    """PageMethod: wait until a JavaScript challenge has let the page through (its script usually sets a
    cookie and reloads), then return the HTTP status of the document finally shown (0 when unknown)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if await page.evaluate(_CHALLENGE_CHECK):
                await page.wait_for_load_state("domcontentloaded")
                return int(await page.evaluate(_NAVIGATION_STATUS) or 0)
        except PlaywrightError as exc:  # the challenge navigated away mid-check: look again
            logger.debug("Challenge check interrupted on %s: %s", page.url, exc)
        if time.monotonic() >= deadline:
            logger.debug("Challenge did not clear within %.0f s on %s", timeout, page.url)
            return 0
        await asyncio.sleep(0.25)
