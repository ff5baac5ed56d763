"""Find a Chromium and wire scrapy-playwright in as the STEALTHY tier (a Scrapy add-on, settings only)."""

from __future__ import annotations

import functools
import logging
import os
import re
import shutil
import subprocess
from pathlib import Path

from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

from newsmon.fetch.policy import OPTIONS

logger = logging.getLogger(__name__)

SYSTEM_CHROMIUMS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# scrapy-playwright's handler with newsmon's browser guard (SSRF rule on every browser request, bounds).
HANDLER = "newsmon.fetch.browser_handler.GuardedPlaywrightHandler"
INSTALL_HINT = (
    "install one (Debian/Ubuntu: `apt-get install chromium`; or `playwright install chromium`) "
    "or set NEWSMON_CHROMIUM_PATH to its binary"
)
_VERSION = re.compile(r"(\d+)\.\d+\.\d+\.\d+")
_CHROME_MAJOR = re.compile(r"Chrome/\d+\.0\.0\.0")
# Resource types a crawler never needs rendered (scrapy-playwright PLAYWRIGHT_ABORT_REQUEST).
ABORTED_RESOURCE_TYPES = frozenset({"image", "media", "font"})


def playwright_chromium() -> str | None:
    """Playwright's own Chromium download, when `playwright install chromium` was run."""
    root = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or Path.home() / ".cache" / "ms-playwright")
    for pattern in ("chromium-*/chrome-linux*/chrome", "chromium_headless_shell-*/chrome-linux*/*shell"):
        found = sorted(root.glob(pattern))
        if found:
            return str(found[-1])
    return None


def find_chromium(configured: str = "") -> str | None:
    """NEWSMON_CHROMIUM_PATH, else a system Chromium/Chrome on PATH, else Playwright's download."""
    if configured:
        found = shutil.which(configured) or configured
        return found if Path(found).is_file() and os.access(found, os.X_OK) else None
    for name in SYSTEM_CHROMIUMS:
        path = shutil.which(name)
        if path:
            return path
    return playwright_chromium()


def chromium_major_version(path: str) -> int | None:
    """Major version of a Chromium binary (`--version`), so the user agent can tell the same story. Asked
    once per process for each state of the file (a sweep's sites each resolve their browser): `chromium
    --version` starts Debian's wrapper script and Chromium, about a third of a second."""
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    return _major_version(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _major_version(path: str, mtime_ns: int, size: int) -> int | None:
    """chromium_major_version for one state of the file (its time and size key the cache)."""
    try:
        out = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = _VERSION.search(out)
    return int(match.group(1)) if match else None


def user_agent_for(template: str, major: int | None) -> str:
    """The configured browser user agent with its Chrome version set to the real browser's."""
    return _CHROME_MAJOR.sub(f"Chrome/{major}.0.0.0", template) if major else template


def abort_unneeded(request: object) -> bool:
    """PLAYWRIGHT_ABORT_REQUEST: images, media and fonts are never downloaded by the browser tier."""
    return getattr(request, "resource_type", "") in ABORTED_RESOURCE_TYPES


class BrowserAddon:
    """Resolves Chromium once per process and sets what the STEALTHY tier needs.

    With no Chromium, crawling still works on PLAIN; escalations are counted as unavailable and the
    log names the fix.
    """

    def update_settings(self, settings: BaseSettings) -> None:
        template = OPTIONS.get(settings, "NEWSMON_USER_AGENT")
        settings.set("USER_AGENT", template, priority="addon")
        if (
            not OPTIONS.getbool(settings, "NEWSMON_TIERS_ENABLED")
            or str(OPTIONS.get(settings, "NEWSMON_TIER_MODE") or "").lower() == "plain"
        ):
            return  # no browser wanted: no Chromium lookup, no Playwright driver
        path = find_chromium(OPTIONS.get(settings, "NEWSMON_CHROMIUM_PATH") or "")
        if path is None:  # the tier middleware says so once, knowing whether the browser is wanted
            return
        settings.set("_NEWSMON_BROWSER_PATH", path, priority="addon")
        settings.set("USER_AGENT", user_agent_for(template, chromium_major_version(path)), priority="addon")
        # added to the user's handlers at their own priority (a project's {"s3": None} must not unwire the
        # browser); a handler the user set for http(s) stays theirs
        handlers = dict(settings.getdict("DOWNLOAD_HANDLERS"))
        handlers.setdefault("http", HANDLER)
        handlers.setdefault("https", HANDLER)
        priority = max(settings.getpriority("DOWNLOAD_HANDLERS") or 0, SETTINGS_PRIORITIES["addon"])
        settings.set("DOWNLOAD_HANDLERS", handlers, priority=priority)
        settings.set(
            "PLAYWRIGHT_LAUNCH_OPTIONS",
            {
                "executable_path": path,
                "headless": True,
                "args": list(OPTIONS.getlist(settings, "NEWSMON_CHROMIUM_ARGS")),
                # Playwright turns Chromium's popup blocker off; a crawl never clicks, so with it on no page
                # can open a window (a window.open storm opens nothing)
                "ignore_default_args": ["--disable-popup-blocking"],
            },
            priority="addon",
        )
        logger.debug("STEALTHY tier: %s", path)
