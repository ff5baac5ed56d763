"""A sweep's settings (newsmon/sweep/run.py runs sweeps)."""

from __future__ import annotations

from newsmon.options import Option, Options

OPTIONS = Options(
    Option(
        "NEWSMON_SWEEP_CONCURRENCY",
        64,
        "sites crawled at once by a sweep (`scrapy sweep`); sites sharing a host never run together (most "
        "of a no-change site's time is AutoThrottle's start delay, so many at once cost little CPU)",
    ),
)
