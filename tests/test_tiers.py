"""The tier policy's pure parts: challenge detection, host memory, settings, browser discovery."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from scrapy.settings import Settings

from newsmon import registry
from newsmon import settings as project_settings
from newsmon.fetch.browser import BrowserAddon, chromium_major_version, find_chromium, user_agent_for
from newsmon.fetch.challenge import challenge_reason, has_scripts
from newsmon.fetch.policy import OPTIONS as TIER_OPTIONS
from newsmon.fetch.policy import TierPolicy
from newsmon.state.host_memory import HostTierMemory
from tests.replica.challenge import CHALLENGE_PAGE

ARTICLE = (
    b"<html><head><title>Ferry crews return - Gazette</title></head><body><article><h1>Ferry crews return"
    b"</h1><p>" + b"An invented paragraph about a ferry. " * 50 + b"</p></article></body></html>"
)


@pytest.mark.parametrize(
    ("status", "headers", "body", "reason"),
    [
        (403, {"cf-mitigated": "challenge"}, CHALLENGE_PAGE.encode(), "challenge_403"),
        (200, {}, CHALLENGE_PAGE.encode(), "challenge_200"),
        (
            503,
            {},
            b"<title>Just a moment...</title><script src='/cdn-cgi/challenge-platform/x'>",
            "challenge_503",
        ),
        (403, {}, b"Forbidden", "challenge_403"),  # a blocker that refuses non-browser clients
        (429, {}, b"Too many requests", None),  # plain rate limiting: Scrapy's retry handles it
        (503, {}, b"<title>Service unavailable</title>", None),
        (200, {}, ARTICLE, None),
        (200, {}, ARTICLE.replace(b"An invented", b"Enable JavaScript and cookies to continue. An"), None),
        (404, {}, CHALLENGE_PAGE.encode(), None),
    ],
)
def test_challenge_reason(status: int, headers: dict[str, str], body: bytes, reason: str | None) -> None:
    assert challenge_reason(status, headers, body) == reason


def test_challenge_reason_reads_scrapy_headers() -> None:
    from scrapy.http import Headers

    assert challenge_reason(403, Headers({"Cf-Mitigated": "challenge"}), b"x") == "challenge_403"


def test_has_scripts() -> None:
    assert has_scripts(b"<div></div><SCRIPT>x()</SCRIPT>")
    assert not has_scripts(ARTICLE)


def test_host_memory_remembers_after_n_escalations_and_expires(tmp_path: Path) -> None:
    path = tmp_path / "hosts.json"
    now = datetime(2026, 3, 1, tzinfo=UTC)
    memory = HostTierMemory(path, remember_after=2, ttl=timedelta(hours=6))
    assert not memory.record_escalation("news.example", "challenge_403", now)
    assert memory.stealthy_reason("news.example", now) is None
    assert memory.record_escalation("news.example", "challenge_403", now)
    assert memory.stealthy_reason("news.example", now) == "host_memory"
    assert memory.stealthy_reason("other.example", now) is None
    # a later run reads it back; after the expiry PLAIN is tried again and the entry is gone
    later = HostTierMemory(path, remember_after=2, ttl=timedelta(hours=6))
    later.load()
    assert later.stealthy_reason("news.example", now + timedelta(hours=5)) == "host_memory"
    assert later.stealthy_reason("news.example", now + timedelta(hours=6)) is None
    again = HostTierMemory(path, remember_after=2, ttl=timedelta(hours=6))
    again.load()
    assert again.hosts == {}


def test_host_memory_off_and_corrupt_file(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    off = HostTierMemory(tmp_path / "a.json", remember_after=0, ttl=timedelta(hours=1))
    assert not off.record_escalation("news.example", "js_shell")
    assert off.stealthy_reason("news.example") is None
    path = tmp_path / "b.json"
    path.write_text("{not json", encoding="utf-8")
    memory = HostTierMemory(path, remember_after=1, ttl=timedelta(hours=1))
    memory.load()
    assert memory.hosts == {}
    assert "unreadable" in caplog.text


def _settings(**overrides: object) -> Settings:
    settings = Settings()
    settings.setmodule(project_settings)
    settings.setdict(registry.defaults(), priority="addon")  # as newsmon.Addon does
    for name, value in overrides.items():
        settings.set(name, value)
    return settings


def test_policy_from_settings() -> None:
    policy = TierPolicy.from_settings(_settings(USER_AGENT="UA", _NEWSMON_BROWSER_PATH="/usr/bin/chromium"))
    assert policy.mode == "auto" and policy.browser_ready
    assert policy.memory_ttl == timedelta(hours=24) and policy.remember_after == 2
    assert policy.context_kwargs["user_agent"] == "UA"
    # the crawl's resolved mode (newsmon/crawl/config.py: the site's, unless -s or a project setting)
    assert TierPolicy.from_settings(_settings(NEWSMON_TIER_MODE="STEALTHY")).mode == "stealthy"
    assert TierPolicy.from_settings(_settings(NEWSMON_TIER_MODE="plain")).mode == "plain"
    assert not TierPolicy.from_settings(_settings()).browser_ready


@pytest.mark.parametrize(
    "overrides",
    [{"NEWSMON_TIER_MODE": "fast"}, {"NEWSMON_TIER_REMEMBER_AFTER": -1}, {"NEWSMON_CHALLENGE_WAIT": -2}],
)
def test_policy_rejects_bad_settings(overrides: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="NEWSMON_"):
        TierPolicy.from_settings(_settings(**overrides))


def test_find_chromium(tmp_path: Path) -> None:
    assert find_chromium(str(tmp_path / "missing")) is None
    fake = tmp_path / "chrome"
    fake.write_text("#!/bin/sh\necho 'Chromium 150.0.1.2'\n")
    fake.chmod(0o755)
    assert find_chromium(str(fake)) == str(fake)


def test_user_agent_follows_the_browser_version() -> None:
    template = TIER_OPTIONS.default("NEWSMON_USER_AGENT")
    assert "Chrome/150.0.0.0" in user_agent_for(template, 150)
    assert user_agent_for(template, None) == template
    assert "Headless" not in template and "Scrapy" not in template


def test_a_projects_download_handlers_keep_the_browser_tier(tmp_path: Path) -> None:
    """{"s3": None} in a project's DOWNLOAD_HANDLERS must not unwire scrapy-playwright."""
    fake = tmp_path / "chrome"
    fake.write_text("#!/bin/sh\necho 'Chromium 150.0.1.2'\n")
    fake.chmod(0o755)
    settings = _settings(NEWSMON_CHROMIUM_PATH=str(fake))
    settings.set("DOWNLOAD_HANDLERS", {"s3": None}, priority="project")
    BrowserAddon().update_settings(settings)
    handlers = settings.getdict("DOWNLOAD_HANDLERS")
    assert handlers["s3"] is None
    assert handlers["https"] == handlers["http"] == "newsmon.fetch.browser_handler.GuardedPlaywrightHandler"
    assert settings.get("_NEWSMON_BROWSER_PATH") == str(fake)


def test_chromium_is_asked_its_version_once_per_state_of_its_file(tmp_path: Path) -> None:
    """Each crawl of a sweep resolves its browser: `chromium --version` (a third of a second) runs once per
    process, and again when the file changed (an upgrade)."""
    calls = tmp_path / "calls"
    fake = tmp_path / "chromium"
    fake.write_text(f"#!/bin/sh\necho run >> {calls}\necho 'Chromium 150.0.7000.1 built on Debian'\n")
    fake.chmod(0o755)
    assert chromium_major_version(str(fake)) == chromium_major_version(str(fake)) == 150
    assert calls.read_text().split() == ["run"]
    fake.write_text(fake.read_text().replace("150.0.7000.1", "151.0.7100.12"))
    assert chromium_major_version(str(fake)) == 151
    assert calls.read_text().split() == ["run", "run"]
    assert chromium_major_version(str(tmp_path / "gone")) is None
