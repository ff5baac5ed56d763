"""newsmon: a news-monitoring crawler for Scrapy. Enable it with ``ADDONS = {"newsmon.Addon": 0}``.

``newsmon.extract(html, url, site=None)`` returns the record ``newsmon extract`` prints (newsmon/api.py).
"""

from __future__ import annotations

import types
from typing import Any

from newsmon import extract as _extract_package  # the extraction package: an empty __init__, cheap

__all__ = ["Addon", "NewsSpider", "extract"]


class _CallablePackage(types.ModuleType):
    """`newsmon.extract` is the extraction package, and the importing machinery sets that attribute on
    `newsmon` whenever one of its modules is imported; so the package itself is made callable as the API
    function. Typed code may import the same function as ``newsmon.api.extract``."""

    def __call__(self, html: str | bytes, url: str, site: Any = None, **kwargs: Any) -> dict[str, Any]:
        from newsmon.api import extract

        return extract(html, url, site, **kwargs)


_extract_package.__class__ = _CallablePackage


def __getattr__(name: str) -> Any:
    # lazy: `import newsmon` (the CLI, extraction workers) does not import Scrapy's component tree
    if name == "Addon":
        from newsmon.addon import Addon

        return Addon
    if name == "NewsSpider":
        from newsmon.crawl.spider import NewsSpider

        return NewsSpider
    raise AttributeError(name)
