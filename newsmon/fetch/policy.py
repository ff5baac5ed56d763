"""The tier policy's settings, parsed and checked once (like scrapy-playwright's Config)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from scrapy.settings import BaseSettings

from newsmon.options import Option, Options
from newsmon.state.config import state_directory

OPTIONS = Options(
    Option(
        "NEWSMON_TIERS_ENABLED",
        True,
        "the tier policy and the STEALTHY (browser) tier; off: PLAIN only, no Chromium",
    ),
    Option(
        "NEWSMON_TIER_MODE",
        "auto",
        "`auto`: PLAIN first, STEALTHY when needed; `plain`: never the browser (no Playwright started); "
        "`stealthy`: always. `-s` or a project setting wins over the site's",
        default_doc="`auto` (a site's `tier_mode` sets its own)",
    ),
    Option(
        "NEWSMON_CHROMIUM_PATH",
        "",
        "Chromium binary; empty: `chromium`, `chromium-browser`, `google-chrome` on PATH, else "
        "Playwright's own download",
        default_doc="empty (search)",
    ),
    Option(
        "NEWSMON_CHROMIUM_ARGS",
        [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-blink-features=AutomationControlled",
        ],
        "Chromium switches (`--disable-blink-features=AutomationControlled` keeps `navigator.webdriver` "
        "false)",
    ),
    Option(
        "NEWSMON_USER_AGENT",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
        "the user agent of both tiers; its `Chrome/NN` is set to the installed Chromium's version (`-s "
        "USER_AGENT=` still wins)",
        default_doc="Chrome on Linux",
    ),
    Option(
        "NEWSMON_TIER_REMEMBER_AFTER",
        2,
        "escalations on one host before its pages go straight to STEALTHY (0: never)",
    ),
    Option(
        "NEWSMON_TIER_MEMORY_HOURS",
        24.0,
        "how long a host stays STEALTHY (this run and later ones, in `<state dir>/<site>.hosts.json`); "
        "then PLAIN is tried again",
    ),
    Option(
        "NEWSMON_BROWSER_RETRIES",
        2,
        "retries of a browser request whose Chromium crashed or closed the page",
    ),
    Option(
        "NEWSMON_CHALLENGE_WAIT",
        15.0,
        "seconds a JavaScript challenge may take to let the browser through",
    ),
)

TIER_MODES = ("auto", "plain", "stealthy")


@dataclass(frozen=True)
class TierPolicy:
    """How requests are assigned to PLAIN or STEALTHY; see docs/reference/settings.md."""

    mode: str  # auto: PLAIN first, escalate when needed | plain: never the browser | stealthy: always
    browser_path: str  # resolved Chromium binary, "" when none was found
    user_agent: str
    remember_after: int  # escalations on a host before it goes straight to STEALTHY (0: never)
    memory_ttl: timedelta
    state_dir: Path | None
    browser_retries: int  # re-tries of a request whose browser crashed or closed
    challenge_wait: float  # seconds a JavaScript challenge may take to clear in the browser
    context_kwargs: dict[str, object]

    @property
    def browser_ready(self) -> bool:
        return bool(self.browser_path)

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> TierPolicy:
        """NEWSMON_TIER_MODE there is the crawl's resolved one (the site's written in: crawl/config.py)."""
        mode = str(OPTIONS.get(settings, "NEWSMON_TIER_MODE") or "auto").lower()
        if mode not in TIER_MODES:
            raise ValueError(f"NEWSMON_TIER_MODE must be one of {', '.join(TIER_MODES)}, got {mode!r}")
        remember_after = OPTIONS.getint(settings, "NEWSMON_TIER_REMEMBER_AFTER")
        hours = OPTIONS.getfloat(settings, "NEWSMON_TIER_MEMORY_HOURS")
        retries = OPTIONS.getint(settings, "NEWSMON_BROWSER_RETRIES")
        wait = OPTIONS.getfloat(settings, "NEWSMON_CHALLENGE_WAIT")
        if remember_after < 0 or hours < 0 or retries < 0 or wait < 0:
            raise ValueError(
                "NEWSMON_TIER_REMEMBER_AFTER, NEWSMON_TIER_MEMORY_HOURS, NEWSMON_BROWSER_RETRIES and "
                "NEWSMON_CHALLENGE_WAIT must not be negative"
            )
        user_agent = settings.get("USER_AGENT")
        return cls(
            mode=mode,
            browser_path=settings.get("_NEWSMON_BROWSER_PATH") or "",
            user_agent=user_agent,
            remember_after=remember_after,
            memory_ttl=timedelta(hours=hours),
            state_dir=state_directory(settings=settings),
            browser_retries=retries,
            challenge_wait=wait,
            context_kwargs={
                "user_agent": user_agent,
                "locale": "en-US",
                "viewport": {"width": 1366, "height": 768},
                "java_script_enabled": True,
            },
        )
