"""Shared helpers of the fault suite: one crawl per module against its own FaultServer."""

from __future__ import annotations

from pathlib import Path

from tests.crawl_helpers import CrawlResult, run_crawl
from tests.faults.server import FaultServer

# Settings every fault crawl uses: no Chromium, short timeouts and waits so a bug cannot hang the suite,
# memory sampled often enough to see a spike.
FAULT_SETTINGS = (
    "NEWSMON_TIERS_ENABLED=False",
    "DOWNLOAD_TIMEOUT=3",
    "DNS_TIMEOUT=3",
    "RETRY_TIMES=2",
    "NEWSMON_RETRY_AFTER_MAX=1.5",
    "NEWSMON_RETRY_BACKOFF=0.2",
    "CLOSESPIDER_TIMEOUT=90",
    "MEMUSAGE_CHECK_INTERVAL_SECONDS=0.5",
)


def fault_crawl(
    server: FaultServer,
    workdir: Path,
    *,
    feeds: str = "",
    categories: str = "",
    urls: list[str] | tuple[str, ...] = (),
    settings: tuple[str, ...] = (),
    args: tuple[str, ...] = (),
    timeout: float = 120,
) -> CrawlResult:
    """`scrapy crawl euromaidan` against the fault server: only the given hubs and start URLs."""
    extra: list[str] = ["-a", f"feeds={feeds}", "-a", f"categories={categories}"]
    if urls:
        extra += ["-a", "urls=" + ",".join(urls)]
    for setting in (*FAULT_SETTINGS, *settings):
        extra += ["-s", setting]
    return run_crawl(server.base_url, workdir, *extra, *args, timeout=timeout)


def warnings_about(log: str, needle: str) -> list[str]:
    """WARNING/ERROR log lines that mention needle."""
    return [
        line for line in log.splitlines() if needle in line and (" WARNING: " in line or " ERROR: " in line)
    ]
