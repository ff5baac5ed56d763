"""Alerts (newsmon/alerts): one message when a site starts failing or goes stale, none while it stays so, one
when it recovers; delivered through Apprise to a webhook and an SMTP server the tests start on 127.0.0.1.
The runs are real rows of a real state store (SQLite; Redis for the compare-and-set), the notifiers real."""

from __future__ import annotations

import email
import json
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from newsmon.alerts.extension import AlertNotDelivered, alert_site, apprise_notifier, history_runs
from newsmon.alerts.rule import NOTE, health
from newsmon.report.runs import store_rows
from newsmon.report.sites import SiteReport
from newsmon.state.store import StateStore
from newsmon.stats import MONITOR_EXIT_STATUS, MONITOR_SUMMARY, STATE_FIRST_VERSION, monitor
from tests.crawl_helpers import run_crawl
from tests.ports import refused_port
from tests.redis_helpers import needs_redis

T0 = 1_780_000_000.0  # a fixed clock: 2026-05-28 20:26 UTC
HOUR = 3600.0


class Webhook:
    """An HTTP server taking Apprise's `json://` posts."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        posts = self.posts

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                posts.append(json.loads(self.rfile.read(length)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.server.server_port}/"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Mailbox:
    """An SMTP server (aiosmtpd) keeping every message it is given."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        messages = self.messages

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                messages.append(email.message_from_bytes(envelope.content))
                return "250 OK"

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    @property
    def url(self) -> str:
        return f"mailto://127.0.0.1:{self.port}?from=newsmon@example.com&to=desk@example.com&mode=insecure"

    def texts(self) -> list[str]:
        out = []
        for message in self.messages:
            parts = [p for p in message.walk() if p.get_content_type() == "text/plain"]
            out.append(str(message["Subject"]) + "\n" + parts[0].get_payload(decode=True).decode())
        return out

    def close(self) -> None:
        self.controller.stop()


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    server = Webhook()
    yield server
    server.close()


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    server = Mailbox()
    yield server
    server.close()


GOOD = {
    "item_scraped_count": 4,
    STATE_FIRST_VERSION: 4,
    MONITOR_SUMMARY: "pass",
    MONITOR_EXIT_STATUS: 0,
    monitor("hubs"): "pass",
}
QUIET = {**GOOD, "item_scraped_count": 0, STATE_FIRST_VERSION: 0}
UNREACHABLE = {
    "item_scraped_count": 0,
    "newsmon/feed/failed": 2,
    "newsmon/feed/failed/connection_refused": 2,
    "newsmon/listing/failed": 1,
    "newsmon/listing/failed/connection_refused": 1,
    MONITOR_SUMMARY: "fail: error_ratio, hubs",
    MONITOR_EXIT_STATUS: 6,
    monitor("hubs"): "fail",
    monitor("error_ratio"): "fail",
}


class Site:
    """One site's real SQLite store, runs added at the fixed clock's times."""

    def __init__(self, tmp_path: Path, name: str = "harbour") -> None:
        self.name = name
        self.store = StateStore.open(tmp_path / f"{name}.sqlite3")
        self.now = T0

    def run(self, stats: dict[str, Any], *, after: float = HOUR) -> None:
        self.now += after
        run_id = self.store.start_run(now=self.now)
        self.store.end_run(run_id, "finished", stats)

    def report(self) -> SiteReport:
        interval = timedelta(hours=1)
        runs = store_rows(self.store, self.name, history_runs(interval))
        return SiteReport(self.name, interval, tuple(runs))

    def check(self, urls: list[str], *, later: float = 60.0) -> Any:
        return alert_site(self.store, self.report(), self.now + later, apprise_notifier(urls))


def test_failure_alerts_once_then_recovery_once(tmp_path: Path, webhook: Webhook, mailbox: Mailbox) -> None:
    site = Site(tmp_path)
    urls = [webhook.url, mailbox.url]
    for _ in range(2):
        site.run(GOOD)
        assert site.check(urls) is None
    assert webhook.posts == [] and mailbox.messages == []

    site.run(UNREACHABLE)
    failing_since = site.now
    alert = site.check(urls)
    assert alert is not None and alert.kind == "problem"
    assert len(webhook.posts) == 1 and len(mailbox.messages) == 1
    post = webhook.posts[0]
    assert post["title"] == "newsmon: harbour is failing"
    assert "Site harbour: failing: unreachable: connection refused." in post["message"]
    assert "Since: 2026-05-28 23:26 UTC." in post["message"]  # the first failed run's start
    assert "Last good run: run 2, started 2026-05-28 22:26 UTC, 4 records." in post["message"]
    (mail,) = mailbox.texts()
    assert mail.startswith("newsmon: harbour is failing\n")
    assert "unreachable: connection refused" in mail

    for _ in range(3):  # still failing: nothing more
        site.run(UNREACHABLE)
        assert site.check(urls) is None
    assert len(webhook.posts) == 1 and len(mailbox.messages) == 1
    assert site.store.note(NOTE)["since"] == failing_since

    site.run(GOOD)
    alert = site.check(urls)
    assert alert is not None and alert.kind == "recovered"
    assert len(webhook.posts) == 2 and len(mailbox.messages) == 2
    recovered = webhook.posts[1]
    assert recovered["title"] == "newsmon: harbour recovered"
    assert (
        "It was failing: unreachable: connection refused since 2026-05-28 23:26 UTC." in recovered["message"]
    )
    assert "Last good run: run 7," in recovered["message"]
    assert site.store.note(NOTE) is None
    site.run(GOOD)
    assert site.check(urls) is None and len(webhook.posts) == 2


def test_stale_rule_on_a_fixed_clock(tmp_path: Path, webhook: Webhook) -> None:
    """Runs that pass but bring nothing: stale once the last records are max(24 h, 3 intervals) old."""
    site = Site(tmp_path, "quietly")
    site.run(GOOD)  # run 1: the last records, at T0 + 1 h
    for _ in range(22):  # hourly quiet runs up to T0 + 23 h
        site.run(QUIET)
        assert site.check([webhook.url], later=0) is None
    assert health(site.report(), T0 + HOUR + 24 * HOUR - 1).trouble is None  # a second before the limit
    site.run(QUIET, after=2 * HOUR)  # T0 + 25 h: 24 h since run 1, not more
    assert site.check([webhook.url], later=0) is None
    alert = site.check([webhook.url], later=60)  # a minute later: past the limit
    assert alert is not None and len(webhook.posts) == 1
    message = webhook.posts[0]["message"]
    assert webhook.posts[0]["title"] == "newsmon: quietly is stale"
    assert "stale: no new records since run 1 (24 h ago)" in message
    assert "Since: 2026-05-29 21:26 UTC." in message  # run 1's start + 24 h
    assert "Last good run: run 24," in message  # quiet runs are successful runs
    site.run(QUIET)
    assert site.check([webhook.url], later=0) is None and len(webhook.posts) == 1
    site.run(GOOD)
    assert site.check([webhook.url], later=0) is not None
    assert webhook.posts[-1]["title"] == "newsmon: quietly recovered" and len(webhook.posts) == 2


def test_a_failing_notifier_leaves_the_alert_for_the_next_run(tmp_path: Path, webhook: Webhook) -> None:
    site = Site(tmp_path)
    site.run(GOOD)
    site.run(UNREACHABLE)
    with pytest.raises(AlertNotDelivered):
        site.check([f"json://127.0.0.1:{refused_port()}/"])
    assert site.store.note(NOTE) is None  # not announced: the next run tries again
    site.run(UNREACHABLE)
    assert site.check([webhook.url]) is not None and len(webhook.posts) == 1


@needs_redis
def test_redis_store_announces_once_between_processes(redis_server: Any) -> None:
    from newsmon.state.redis_store import RedisStateStore

    url = redis_server.url
    with (
        RedisStateStore.open_for_reading(url, "harbour") as one,
        RedisStateStore.open_for_reading(url, "harbour") as two,
    ):
        assert one.note(NOTE) is None
        assert one.swap_note(NOTE, None, {"trouble": "failing: x", "since": T0})
        assert not two.swap_note(NOTE, None, {"trouble": "failing: x", "since": T0})  # the other won
        assert two.note(NOTE) == {"trouble": "failing: x", "since": T0}
        assert two.swap_note(NOTE, {"trouble": "failing: x", "since": T0}, None)
        assert one.note(NOTE) is None


@pytest.mark.crawl
def test_crawl_of_a_site_that_is_down_alerts_and_keeps_its_exit_status(
    tmp_path: Path, webhook: Webhook
) -> None:
    """Run 1: NEWSMON_ALERT_URLS names a notifier that is down: the alert fails, the crawl's exit status is
    the monitors' (6, unreachable). Run 2: the site's TOML `alerts` names the webhook: delivered."""
    down = f"http://127.0.0.1:{refused_port()}"
    site = tmp_path / "sites" / "lighthouse.toml"
    site.parent.mkdir()
    toml = f'name = "lighthouse"\norigin = "{down}"\nhosts = ["127.0.0.1"]\nfeeds = ["/feed/"]\n'
    site.write_text(toml, encoding="utf-8")
    state = tmp_path / "state"
    dead = f"json://127.0.0.1:{refused_port()}/"
    args = ("-a", f"site={site}")
    first = run_crawl(
        down, tmp_path / "a", *args, "-s", f"NEWSMON_ALERT_URLS={dead}", spider="news", state_dir=state
    )
    assert first.returncode == 6, first.log[-3000:]
    assert first.stats.get("newsmon/alert/failed") == 1 and "newsmon/alert/sent" not in first.stats
    site.write_text(toml + f'alerts = ["{webhook.url}"]\n', encoding="utf-8")
    second = run_crawl(down, tmp_path / "b", *args, spider="news", state_dir=state)
    assert second.returncode == 6, second.log[-3000:]
    assert second.stats.get("newsmon/alert/sent") == 1
    (post,) = webhook.posts
    assert post["title"] == "newsmon: lighthouse is failing"
    assert "unreachable: connection refused" in post["message"]
    assert "Last good run: none recorded." in post["message"]


@pytest.mark.parametrize(
    ("value", "urls"),
    [
        (
            "json://a.example/ mailto://m.example?to=a@x.example,b@x.example",
            ["json://a.example/", "mailto://m.example?to=a@x.example,b@x.example"],
        ),
        ('["json://a.example/"]', ["json://a.example/"]),
        (["json://a.example/", " "], ["json://a.example/"]),
        ("", []),
    ],
)
def test_alert_urls_split_on_spaces_not_commas(value: Any, urls: list[str]) -> None:
    from scrapy.settings import Settings

    from newsmon.alerts.extension import alert_urls

    assert alert_urls(Settings({"NEWSMON_ALERT_URLS": value})) == urls
