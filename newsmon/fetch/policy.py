"""The tier policy's settings, parsed and checked once (like scrapy-playwright's Config)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from scrapy.settings import BaseSettings

TIER_MODES = ("auto", "plain", "stealthy")


@dataclass(frozen=True)
class TierPolicy:
    """How requests are assigned to PLAIN or STEALTHY; see the README settings table."""

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
    def from_settings(cls, settings: BaseSettings, site_mode: str | None = None) -> TierPolicy:
        mode = (settings.get("NEWSMON_TIER_MODE") or site_mode or "auto").lower()
        if mode not in TIER_MODES:
            raise ValueError(f"NEWSMON_TIER_MODE must be one of {', '.join(TIER_MODES)}, got {mode!r}")
        remember_after = settings.getint("NEWSMON_TIER_REMEMBER_AFTER")
        hours = settings.getfloat("NEWSMON_TIER_MEMORY_HOURS")
        retries = settings.getint("NEWSMON_BROWSER_RETRIES")
        wait = settings.getfloat("NEWSMON_CHALLENGE_WAIT")
        if remember_after < 0 or hours < 0 or retries < 0 or wait < 0:
            raise ValueError(
                "NEWSMON_TIER_REMEMBER_AFTER, NEWSMON_TIER_MEMORY_HOURS, NEWSMON_BROWSER_RETRIES and "
                "NEWSMON_CHALLENGE_WAIT must not be negative"
            )
        state_dir = settings.get("NEWSMON_STATE_DIR")
        user_agent = settings.get("USER_AGENT")
        return cls(
            mode=mode,
            browser_path=settings.get("_NEWSMON_BROWSER_PATH") or "",
            user_agent=user_agent,
            remember_after=remember_after,
            memory_ttl=timedelta(hours=hours),
            state_dir=Path(state_dir) if state_dir else None,
            browser_retries=retries,
            challenge_wait=wait,
            context_kwargs={
                "user_agent": user_agent,
                "locale": "en-US",
                "viewport": {"width": 1366, "height": 768},
                "java_script_enabled": True,
            },
        )
