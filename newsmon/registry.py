"""Every newsmon setting, collected from the components that declare them (``OPTIONS`` in their modules).

Each setting is declared once, with its default and meaning, beside the code that reads it; this module
only gathers them for the add-on (defaults at add-on priority), the start-up check of `-s` values and the
reference's settings table (docs/reference/settings.md, written by `python -m newsmon.docs`).
"""

from __future__ import annotations

from newsmon.alerts.extension import OPTIONS as ALERTS
from newsmon.archive.warc import OPTIONS as WARC
from newsmon.crawl.config import OPTIONS as CRAWL
from newsmon.discovery.budget import OPTIONS as HUB_BUDGET
from newsmon.distributed.config import OPTIONS as DISTRIBUTED
from newsmon.extensions.stats_file import OPTIONS as STATS_FILE
from newsmon.extract.budget import OPTIONS as PAGE_BUDGET
from newsmon.fetch.browser_guard import OPTIONS as BROWSER_LIMITS
from newsmon.fetch.browser_handler import OPTIONS as BROWSERS
from newsmon.fetch.page_pool import OPTIONS as PAGE_POOL
from newsmon.fetch.policy import OPTIONS as TIERS
from newsmon.fetch.retry import OPTIONS as RETRY
from newsmon.fetch.ssrf import OPTIONS as SSRF
from newsmon.monitors.config import OPTIONS as MONITORS
from newsmon.options import Option, Options
from newsmon.pipelines.validate import OPTIONS as VALIDATE
from newsmon.resources import OPTIONS as RESOURCES
from newsmon.sinks import OPTIONS as SINKS
from newsmon.sites.catalog import OPTIONS as SITES
from newsmon.state.config import OPTIONS as STATE
from newsmon.state.outputs import OPTIONS as OUTPUTS
from newsmon.state.template import OPTIONS as TEMPLATE
from newsmon.sweep.config import OPTIONS as SWEEP

GROUPS: tuple[Options, ...] = (
    CRAWL, SITES, SWEEP, HUB_BUDGET, OUTPUTS, SINKS, VALIDATE, STATS_FILE, TIERS, BROWSERS, BROWSER_LIMITS,
    PAGE_POOL, PAGE_BUDGET, STATE, TEMPLATE, SSRF, RETRY, MONITORS, ALERTS, WARC, DISTRIBUTED, RESOURCES,
)  # fmt: skip

#: Every newsmon setting, in the reference's order.
SETTINGS: tuple[Option, ...] = tuple(option for group in GROUPS for option in group)


def defaults() -> dict[str, object]:
    """Every setting's default (environment variables for deployments applied)."""
    return {option.name: option.resolved_default() for option in SETTINGS}
