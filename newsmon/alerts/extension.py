"""The alert extension: once the monitors judged the run, look at the site's health as `newsmon report` would
(this run included) and tell the site's notifiers when trouble starts or ends (newsmon/alerts/rule.py).

Notifiers are Apprise URLs (`json://`, `mailto://`, `slack://`, `matrix://`, `tgram://`, ...): those of
NEWSMON_ALERT_URLS for every site, and those of the site's TOML key `alerts`. What was announced is a note
in the site's state store (SQLite or Redis), so a trouble is announced once however many runs it lasts, and
a distributed run's processes announce it once between them (compare and set). A notifier that fails never
fails the crawl: an ERROR line, `newsmon/alert/failed`, the note left as it was so the next run tries again.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import BaseSettings

from newsmon import stats
from newsmon.alerts.rule import NOTE, Alert, decide, health
from newsmon.context import CrawlContext
from newsmon.extras import require
from newsmon.options import Option, Options
from newsmon.report.runs import run_row
from newsmon.report.sites import DEFAULT_INTERVAL, STALE_FLOOR, STALE_INTERVALS, SiteReport
from newsmon.state.backend import StateBackend, run_name, state_backend
from newsmon.state.outputs import OutputsSettled, SettleOrder
from newsmon.state.protocol import Store

OPTIONS = Options(
    Option(
        "NEWSMON_ALERT_URLS",
        [],
        "Apprise URLs (`json://`, `mailto://`, `slack://`, ...; separated by spaces) told when a site starts "
        "failing or goes stale and when it recovers, for every site; a site's TOML `alerts` adds its own "
        "(docs/operations.md); default taken from the environment variable of the same name when set",
        env="NEWSMON_ALERT_URLS",
    ),
)


def history_runs(interval: timedelta) -> int:
    """The runs the health is judged on: enough to hold the stale limit twice over (an hourly site: 48),
    at least `newsmon report`'s 20, at most 500."""
    limit = max(STALE_FLOOR, STALE_INTERVALS * interval)
    return max(20, min(500, 2 * math.ceil(limit / interval)))


logger = logging.getLogger(__name__)

Notify = Callable[[Alert], bool]


def alert_urls(settings: BaseSettings) -> list[str]:
    """NEWSMON_ALERT_URLS as a list: a list setting, a JSON list, or URLs separated by whitespace (never
    by commas: an Apprise URL may hold some, `mailto://...?to=a@x.example,b@x.example`)."""
    value = OPTIONS.get(settings, "NEWSMON_ALERT_URLS")
    if isinstance(value, str):
        text = value.strip()
        value = json.loads(text) if text.startswith("[") else text.split()
    return [str(u).strip() for u in value or () if str(u).strip()]


def apprise_notifier(urls: Sequence[str]) -> Notify:
    """Deliver through Apprise to every URL; True when at least one took the message."""
    apprise = require("apprise", "NEWSMON_ALERT_URLS (or a site's `alerts`)")
    notifier = apprise.Apprise()
    for url in urls:
        if not notifier.add(url):
            logger.error("Alert URL %s is not one Apprise knows: skipped", url.split("://", 1)[0] + "://...")

    def notify(alert: Alert) -> bool:
        return bool(len(notifier)) and bool(notifier.notify(title=alert.title, body=alert.body))

    return notify


def alert_site(store: Store, report: SiteReport, now: float, notify: Notify) -> Alert | None:
    """Announce a change of the site's health (one alert at most) and keep the note; the alert delivered,
    else None. Raises only what the store raises; a notifier that fails leaves the note as it was."""
    announced = store.note(NOTE)
    alert, note = decide(report.site, health(report, now), announced)
    if alert is None:
        if note != announced:
            store.swap_note(NOTE, announced, note)
        return None
    if not store.swap_note(NOTE, announced, note):
        return None  # another process of the run announced it
    try:
        delivered = notify(alert)
    except Exception as exc:  # a notifier's own bug: the crawl goes on
        logger.error("Alert %r could not be sent: %s", alert.title, exc)
        delivered = False
    if not delivered:
        store.swap_note(NOTE, note, announced)  # the next run tries again
        raise AlertNotDelivered(alert.title)
    return alert


class AlertNotDelivered(Exception):
    """No notifier took the alert."""


class AlertExtension:
    def __init__(self, crawler: Crawler, urls: list[str], state: StateBackend) -> None:
        assert crawler.stats is not None
        self.stats = crawler.stats
        self.crawler = crawler
        self.urls = urls
        self.state = state
        self.context = CrawlContext.of(crawler)
        self.notify: Notify | None = None
        self.clock: Callable[[], float] = time.time
        self.settled = OutputsSettled(crawler, self.check, SettleOrder.ALERT)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AlertExtension:
        urls = alert_urls(crawler.settings)
        config = CrawlContext.of(crawler).config
        if config is not None:
            urls += [u for u in config.site.alerts if u not in urls]
        if not urls:
            raise NotConfigured  # off by default: quiet
        require("apprise", "NEWSMON_ALERT_URLS (or a site's `alerts`)")  # MissingExtra: one line, no crawl
        return cls(crawler, urls, state_backend(crawler))

    def interval(self) -> timedelta:
        config = self.context.config
        return config.site.interval if config is not None else DEFAULT_INTERVAL

    def report(self, store: Store, reason: str) -> SiteReport:
        """The site's last runs, this one as it ends (the verdicts in its stats, not yet recorded)."""
        site = run_name(self.crawler)
        runs = []
        interval = self.interval()
        for run in store.runs(limit=history_runs(interval)):
            if run["id"] == self.state.run_id:
                current: dict[str, Any] = dict(run, ended=self.clock(), finish_reason=reason)
                current["stats"] = self.stats.get_stats()
                run = current
            runs.append(run_row(site, run))
        return SiteReport(site, interval, tuple(runs))

    def check(self, reason: str) -> None:
        store = self.state.store
        if store is None:  # no state store: no history to judge
            return
        try:
            if self.notify is None:
                self.notify = apprise_notifier(self.urls)
            alert = alert_site(store, self.report(store, reason), self.clock(), self.notify)
        except AlertNotDelivered as exc:
            self.stats.inc_value(stats.ALERT_FAILED)
            logger.error("Alert %r: no notifier took it; the next run tries again", str(exc))
        except Exception as exc:  # the store or a notifier failed: the crawl is not the alert's
            self.stats.inc_value(stats.ALERT_FAILED)
            logger.error("Alerts could not be checked or sent: %s", exc)
        else:
            if alert is not None:
                self.stats.inc_value(stats.ALERT_SENT)
                logger.warning("Alert sent: %s", alert.title)
