"""The per-run hub budget: how many hub requests (listing pages, sitemaps, feeds, robots.txt) a run may
issue, how many children of one sitemap index it reads, and at what priority each hub request is queued so
that hubs never starve articles. Pure: no Scrapy here, the spider counts and logs what it decides."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from scrapy.settings import BaseSettings

from newsmon.options import Option, Options

OPTIONS = Options(
    Option(
        "NEWSMON_MAX_HUB_REQUESTS",
        500,
        "hub requests per run (per process in distributed mode; feeds, listing pages, sitemaps, "
        "robots.txt; 0: no cap), shared by listings and sitemaps. Configured hubs are always requested "
        "and count; later listing pages and child sitemaps past it are not requested (`hub/budget_cut`, "
        "one WARNING). Discovered hubs queue one priority lower each, so after the first few they "
        "interleave with the articles already found instead of starving them",
    ),
    Option(
        "NEWSMON_MAX_CHILD_SITEMAPS",
        50,
        "children read per sitemap index (0: all), newest first: by `<lastmod>`, else a date in the URL "
        "(`sitemap-2026-03.xml`), else the highest number (`post-sitemap12.xml`); children with none of "
        "these come first, in document order. The rest are not requested (`sitemap/children_cut`, one "
        "WARNING per index)",
    ),
)

# Priority of the configured hubs (feeds, first category pages, configured sitemaps, robots.txt): read first.
HUB_PRIORITY = 10
# Discovered hubs (next listing pages, child sitemaps) start one below and lose one per discovered hub
# issued before them: the first few still come before articles (hub-listed articles have priority 0,
# related links -hops), later ones queue behind the articles already found, in the order they were issued
# (an index's children newest first). Floored so a huge budget does not create a queue per priority.
LOWEST_HUB_PRIORITY = -1000


@dataclass(frozen=True)
class HubBudgetConfig:
    max_requests: int  # NEWSMON_MAX_HUB_REQUESTS: hub requests per run, configured hubs included (0: no cap)
    max_child_sitemaps: int  # NEWSMON_MAX_CHILD_SITEMAPS: children read per sitemap index (0: no cap)

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> HubBudgetConfig:
        config = cls(
            max_requests=OPTIONS.getint(settings, "NEWSMON_MAX_HUB_REQUESTS"),
            max_child_sitemaps=OPTIONS.getint(settings, "NEWSMON_MAX_CHILD_SITEMAPS"),
        )
        if config.max_requests < 0 or config.max_child_sitemaps < 0:
            raise ValueError(
                "NEWSMON_MAX_HUB_REQUESTS and NEWSMON_MAX_CHILD_SITEMAPS must be >= 0 (0: no cap)"
            )
        return config


@dataclass
class HubBudget:
    """Admits hub requests until the run's budget is spent. Configured hubs are always admitted (the
    operator named them) and count toward the budget; discovered ones are cut once it is spent."""

    config: HubBudgetConfig
    issued: int = 0  # hub requests admitted so far, configured ones included
    discovered: int = 0  # of which discovered: later listing pages, child sitemaps, robots' sitemaps
    cut: Counter[str] = field(default_factory=Counter)  # discovered hub requests refused, by kind

    @property
    def remaining(self) -> int | None:
        """Discovered hub requests still allowed (None: no cap)."""
        if not self.config.max_requests:
            return None
        return max(self.config.max_requests - self.issued, 0)

    def admit(self, *, configured: bool = False) -> int | None:
        """The priority to queue a hub request at, or None when the budget is spent (then ``refuse`` it)."""
        if configured:
            self.issued += 1
            return HUB_PRIORITY
        if self.remaining == 0:
            return None
        priority = max(HUB_PRIORITY - 1 - self.discovered, LOWEST_HUB_PRIORITY)
        self.issued += 1
        self.discovered += 1
        return priority

    def refuse(self, kind: str, count: int = 1) -> bool:
        """Count hub requests cut by the budget; True the first time (the one time to say so)."""
        first = not self.cut
        self.cut[kind] += count
        return first

    def children_to_read(self, count: int) -> int:
        """How many of an index's count children to read (NEWSMON_MAX_CHILD_SITEMAPS)."""
        cap = self.config.max_child_sitemaps
        return min(count, cap) if cap else count
