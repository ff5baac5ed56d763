"""Monitors: verdict rules on made-up runs, the per-source counters, and real crawls whose exit status
tells a blocked run, a run with no output although the site has news, and a quiet run apart."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from scrapy.exceptions import DropItem
from scrapy.settings import Settings

from newsmon.monitors.checks import (
    EXIT_BLOCKED,
    EXIT_MONITORS_FAILED,
    EXIT_NO_OUTPUT,
    EXIT_UNREACHABLE,
    FAIL,
    PASS,
    WARN,
    RunFacts,
    Verdict,
    check_ban_ratio,
    check_error_ratio,
    check_finish_reason,
    check_freshness,
    check_hubs,
    check_new_items,
    evaluate,
    exit_status,
    summary,
)
from newsmon.monitors.config import MonitorConfig
from newsmon.state.store import StateStore
from tests.crawl_helpers import run_crawl
from tests.replica.server import ReplicaServer

CONFIG = MonitorConfig.from_settings(Settings({}))


def facts(stats: dict[str, Any] | None = None, **kwargs: Any) -> RunFacts:
    return RunFacts(stats or {}, kwargs.pop("finish_reason", "finished"), **kwargs)


# --- verdict rules -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("emitted", "new_listed", "history", "status", "says"),
    [
        (0, 12, [9, 14, 0, 11, 8], FAIL, "hubs listed 12 new article URLs"),  # the site has news: broken
        (0, 0, [9, 14, 0, 11, 8], PASS, "quiet run"),  # 3 a.m.: nothing new listed
        (0, 12, [0, 0, 1, 0, 0], PASS, "median of 0"),  # a site that rarely publishes
        (0, 12, [9, 14], PASS, "not judged: 2 comparable runs"),  # too little history
        (0, None, [9, 14, 10], PASS, "no state store"),
        (3, 12, [9, 14, 10], PASS, "3 records"),
    ],
)
def test_minimum_output_is_relative_to_the_sites_history(
    emitted: int, new_listed: int | None, history: list[int], status: str, says: str
) -> None:
    verdict = check_new_items(
        facts({"item_scraped_count": emitted}, new_listed=new_listed, history=history), CONFIG
    )
    assert verdict.status == status and says in verdict.message, verdict


def test_minimum_output_looks_at_the_last_runs_only() -> None:
    config = MonitorConfig.from_settings(Settings({"NEWSMON_MONITOR_HISTORY_RUNS": 3}))
    old_busy_then_quiet = [50, 60, 70, 0, 0, 0]
    verdict = check_new_items(facts(new_listed=4, history=old_busy_then_quiet), config)
    assert verdict.status == PASS and "last 3 runs emitted a median of 0" in verdict.message


def test_ban_ratio_counts_challenges_of_both_tiers_once_per_page() -> None:
    # 10 pages on PLAIN; 6 were challenges escalated to the browser, 5 still challenges there
    stats = {
        "newsmon/response/plain/article": 10,
        "newsmon/response/stealthy/article": 6,
        "newsmon/tier/escalated/challenge_403": 6,
        "newsmon/tier/blocked/challenge_200": 5,
    }
    verdict = check_ban_ratio(facts(stats), CONFIG)
    assert verdict.status == PASS and "5 of 10" in verdict.message
    stats["newsmon/listing/http_error/403"] = 2  # tiers off: refusals count as bans
    stats["newsmon/response/plain/listing"] = 2
    assert check_ban_ratio(facts(stats), CONFIG).status == FAIL
    unavailable = {"newsmon/response/plain/listing": 4, "newsmon/tier/escalated/challenge_403": 4}
    unavailable["newsmon/tier/unavailable/challenge_403"] = 4  # no browser to take them
    verdict = check_ban_ratio(facts(unavailable), CONFIG)
    assert verdict.status == FAIL and "4 of 4" in verdict.message


def test_other_rules() -> None:
    assert check_finish_reason(facts(), CONFIG).status == PASS
    assert check_finish_reason(facts(finish_reason="closespider_timeout"), CONFIG).status == WARN
    assert check_finish_reason(facts(finish_reason="shutdown"), CONFIG).status == FAIL
    errors = {"downloader/request_count": 10, "log_count/ERROR": 1, "newsmon/article/failed": 2}
    assert check_error_ratio(facts(errors), CONFIG).status == FAIL  # 3 in 10 > 25%
    assert check_error_ratio(facts({**errors, "downloader/request_count": 40}), CONFIG).status == PASS
    failed_hubs = {"newsmon/feed/http_error/403": 1, "newsmon/listing/failed": 2}
    assert check_hubs(facts(failed_hubs, hubs_configured=3), CONFIG).status == FAIL
    assert (
        check_hubs(facts({"newsmon/feed/entries": 10, **failed_hubs}, hubs_configured=3), CONFIG).status
        == PASS
    )
    assert check_hubs(facts({}, hubs_configured=0), CONFIG).status == PASS
    stale = facts(
        stale_sources={"https://x.example/feed/": 30, "https://x.example/c/": 2}, sources_tracked=True
    )
    verdict = check_freshness(stale, CONFIG)
    assert verdict.status == WARN and "https://x.example/feed/ (30 runs)" in verdict.message
    assert "/c/" not in verdict.message


def test_exit_status_names_the_cause() -> None:
    def verdicts(*failed: str, hubs: str = "blocked") -> list[Verdict]:
        names = ("finish_reason", "error_ratio", "ban_ratio", "hubs", "new_items", "schema")
        return [
            Verdict(n, FAIL if n in failed else PASS, "", hubs if n == "hubs" and n in failed else "")
            for n in names
        ] + [Verdict("freshness", WARN, "")]

    assert exit_status(verdicts()) == 0  # a warning never fails the run
    assert exit_status(verdicts("schema")) == EXIT_MONITORS_FAILED
    assert exit_status(verdicts("new_items", "error_ratio")) == EXIT_NO_OUTPUT
    assert exit_status(verdicts("hubs", "new_items", "error_ratio")) == EXIT_BLOCKED
    assert exit_status(verdicts("hubs", "error_ratio", hubs="unreachable")) == EXIT_UNREACHABLE
    assert exit_status(verdicts("hubs", "ban_ratio", hubs="unreachable")) == EXIT_BLOCKED  # 4 wins over 6
    assert exit_status(verdicts("hubs", "new_items", hubs="unreachable")) == EXIT_UNREACHABLE  # 6 over 5
    assert exit_status(verdicts("hubs", hubs="not_a_feed")) == EXIT_MONITORS_FAILED
    assert exit_status(verdicts("hubs", hubs="failed")) == EXIT_MONITORS_FAILED
    assert len({0, 1, 2, 75, EXIT_MONITORS_FAILED, EXIT_BLOCKED, EXIT_NO_OUTPUT, EXIT_UNREACHABLE}) == 8
    assert summary(verdicts("hubs", "schema")) == "fail: hubs, schema; warn: freshness"
    assert [v.name for v in evaluate(facts(), CONFIG)][-1] == "freshness"


@pytest.mark.parametrize(
    ("stats", "cause", "says"),
    [
        # no network: every hub failed at DNS (the run said "blocked")
        ({"newsmon/feed/failed": 1, "newsmon/feed/failed/dns": 1, "newsmon/listing/failed": 1,
          "newsmon/listing/failed/dns": 1}, "unreachable", "unreachable: every hub failed (dns: 2)"),
        ({"newsmon/feed/failed": 1, "newsmon/feed/failed/connection_refused": 1,
          "newsmon/sitemap/http_error/502": 1}, "unreachable", "connection_refused: 1, HTTP 502: 1"),
        ({"newsmon/feed/failed": 3, "newsmon/feed/failed/timeout": 3}, "unreachable", "no network, or the"),
        ({"newsmon/feed/http_error/403": 1, "newsmon/listing/failed": 1, "newsmon/listing/failed/dns": 1},
         "blocked", "blocked: every hub failed (HTTP 403: 1, dns: 1)"),  # any refusal: blocked
        ({"newsmon/feed/challenge/challenge_200": 1}, "blocked", "bot challenge: 1"),
        # a 503 wall is counted as its status and as a challenge: blocked, not down
        ({"newsmon/feed/http_error/503": 1, "newsmon/feed/challenge/challenge_503": 1}, "blocked",
         "blocked: every hub failed (bot challenge: 1)"),
        ({"newsmon/feed/not_a_feed": 1, "newsmon/sitemap/not_a_sitemap": 1}, "not_a_feed",
         "not a feed: every hub failed (not a feed: 1, not a sitemap: 1)"),
        ({"newsmon/feed/http_error/404": 1, "newsmon/sitemap/too_large": 1}, "failed",
         "failed: every hub failed (HTTP 404: 1, too large: 1)"),
        ({"newsmon/listing/failed": 2}, "failed", "failed: 2"),  # counted without a reason
    ],
)  # fmt: skip
def test_hubs_verdict_names_the_cause(stats: dict[str, Any], cause: str, says: str) -> None:
    verdict = check_hubs(facts(stats, hubs_configured=2), CONFIG)
    assert (verdict.status, verdict.cause) == (FAIL, cause) and says in verdict.message, verdict
    assert verdict.message.startswith(cause.replace("_", " ") + ": every hub failed")


def test_thresholds_are_validated() -> None:
    with pytest.raises(ValueError, match="BAN_RATIO"):
        MonitorConfig.from_settings(Settings({"NEWSMON_MONITOR_MAX_BAN_RATIO": 1.5}))
    with pytest.raises(ValueError, match="HISTORY_MIN_RUNS"):
        MonitorConfig.from_settings(Settings({"NEWSMON_MONITOR_HISTORY_MIN_RUNS": 20}))


def test_source_counters_count_runs_without_anything_new(tmp_path: Path) -> None:
    with StateStore.open(tmp_path / "s.sqlite3") as store:
        assert store.record_sources({"feed": (10, 10), "cat": (8, 0)}, now=1.0) == {"feed": 0, "cat": 1}
        assert store.record_sources({"feed": (10, 0), "cat": (8, 0)}, now=2.0) == {"feed": 1, "cat": 2}
        assert store.record_sources({"feed": (10, 1)}, now=3.0) == {"feed": 0}
        assert store.record_sources({"cat": (8, 0)}, now=4.0) == {"cat": 3}  # not crawled in between: kept


# --- real crawls ---------------------------------------------------------------------------------
def monitor_lines(log: str) -> list[str]:
    return [line.split("] ", 1)[1] for line in log.splitlines() if "[newsmon.monitors.extension]" in line]


@pytest.mark.crawl
def test_a_site_behind_a_bot_wall_fails_as_blocked(tmp_path: Path) -> None:
    with ReplicaServer(wall=True) as wall:
        result = run_crawl(wall.base_url, tmp_path, "-s", "NEWSMON_TIERS_ENABLED=False")
    assert result.returncode == EXIT_BLOCKED, result.log[-3000:]
    lines = monitor_lines(result.log)
    assert any(
        line.startswith("ERROR: Monitor ban_ratio: FAIL - blocked: 1 of 1 article/listing pages were bot "
                        "challenges or refusals (100%)") for line in lines
    ), lines  # fmt: skip
    assert any(line.startswith("ERROR: Monitor hubs: FAIL - blocked: every hub failed") for line in lines)
    assert any(line.startswith("ERROR: Monitors failed (exit status 4)") for line in lines)
    assert result.stats["newsmon/monitor/summary"] == "fail: ban_ratio, hubs"
    with StateStore.open(tmp_path / "state" / "euromaidan.sqlite3") as store:
        (run,) = store.runs()
    assert run["stats"]["newsmon/monitor/exit_status"] == EXIT_BLOCKED  # in the record for the report


@pytest.mark.crawl
def test_a_quiet_run_passes_and_a_stale_source_only_warns(tmp_path: Path) -> None:
    history = ("-s", "NEWSMON_MONITOR_HISTORY_MIN_RUNS=1", "-s", "NEWSMON_MONITOR_STALE_RUNS=1")
    with ReplicaServer() as replica:
        first = run_crawl(replica.base_url, tmp_path / "first", *history, state_dir=tmp_path / "state")
        assert first.returncode == 0, first.log[-3000:]
        assert first.records and first.stats["newsmon/monitor/summary"] == "pass"
        second = run_crawl(replica.base_url, tmp_path / "second", *history, state_dir=tmp_path / "state")
    assert second.returncode == 0, second.log[-3000:]
    assert not second.records
    lines = monitor_lines(second.log)
    assert (
        "INFO: Monitor new_items: PASS - no records, and the hubs listed no new article: a quiet run" in lines
    )
    freshness = next(line for line in lines if "Monitor freshness" in line)
    assert freshness.startswith("WARNING: Monitor freshness: WARN - no new article URL for 1+ runs from")
    assert "/feed/ (1 runs)" in freshness and "/category/news-ukraine/ (1 runs)" in freshness
    assert second.stats["newsmon/monitor/summary"] == "warn: freshness"
    assert second.stats["newsmon/monitor/exit_status"] == 0


class DropEverything:
    """A pipeline standing in for a markup change that makes every article unusable."""

    def process_item(self, item: Any) -> Any:
        raise DropItem("dropped by the test")


@pytest.mark.crawl
def test_no_output_although_the_site_has_news_fails(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with StateStore.open(state / "euromaidan.sqlite3") as store:  # the site's history: ~20 records a run
        for emitted in (18, 25, 0, 21):
            store.end_run(store.start_run(), "finished", {"item_scraped_count": emitted})
    pipelines = json.dumps({"tests.test_monitors.DropEverything": 50})
    with ReplicaServer() as replica:
        result = run_crawl(replica.base_url, tmp_path, "-s", f"ITEM_PIPELINES={pipelines}", state_dir=state)
    assert result.returncode == EXIT_NO_OUTPUT, result.log[-3000:]
    verdict = next(line for line in monitor_lines(result.log) if "Monitor new_items" in line)
    assert verdict.startswith("ERROR: Monitor new_items: FAIL - no records although the hubs listed ")
    assert "the last 4 runs emitted a median of 19.5" in verdict


def test_outputs_verdict_names_the_failed_feed() -> None:
    from newsmon.monitors.checks import check_outputs

    stored = check_outputs(facts({"feedexport/success_count/DurableFileFeedStorage": 1}), CONFIG)
    assert stored.status == PASS
    failed = check_outputs(
        facts({"feedexport/failed_count/S3FeedStorage": 1}, failed_feeds=("s3://***@news/x.jsonl",)), CONFIG
    )
    assert failed.status == FAIL and "s3://***@news/x.jsonl failed to store" in failed.message
    lost = check_outputs(facts({"newsmon/output/failed": 1}), CONFIG)
    assert lost.status == FAIL and "Output error" in lost.message
    assert exit_status([failed]) == EXIT_MONITORS_FAILED
