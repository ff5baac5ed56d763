"""newsmon: a news-monitoring crawler for Scrapy. Enable it with ``ADDONS = {"newsmon.Addon": 0}``."""

from __future__ import annotations

from typing import Any

__all__ = ["Addon", "NewsSpider"]


def __getattr__(name: str) -> Any:
    # lazy: `import newsmon` (the CLI, extraction workers) does not import Scrapy's component tree
    if name == "Addon":
        from newsmon.addon import Addon

        return Addon
    if name == "NewsSpider":
        from newsmon.crawl.spider import NewsSpider

        return NewsSpider
    raise AttributeError(name)
