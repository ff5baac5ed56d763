"""The verdicts: pure functions of one run's facts (stats, finish reason, the site's recent history, source
counters) and the thresholds. No crawler here, so every rule is unit-tested on made-up numbers."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from newsmon.meta import HUB_KINDS, PAGE_KINDS, Tier
from newsmon.monitors.config import MonitorConfig
from newsmon.stats import (
    FEED_ENTRIES,
    FEED_NOT_A_FEED,
    LISTING_EMPTY,
    LISTING_PAGES,
    OUTPUT_FAILED,
    SCHEMA_INVALID,
    SINK_FAILED,
    SITEMAP_ENTRIES,
    SITEMAP_NOT_A_SITEMAP,
    SITEMAP_TOO_LARGE,
    kind_challenge,
    kind_failed,
    kind_http_error,
    kind_stats,
    page_challenge,
    response_by,
    tier_blocked,
    tier_escalated,
    tier_unavailable,
)

PASS, WARN, FAIL = "pass", "warn", "fail"

# Exit statuses of `scrapy crawl` (README "Exit codes"); 0, 1, 2 and 75 are set elsewhere.
EXIT_OK = 0
EXIT_MONITORS_FAILED = 3  # a monitor failed (finish reason, error ratio, schema, ...)
EXIT_BLOCKED = 4  # most article/listing pages were challenges or refusals, or every hub refused or challenged
EXIT_NO_OUTPUT = 5  # nothing emitted although the hubs listed new articles and the site usually has news
EXIT_UNREACHABLE = 6  # every hub failed by DNS, refused connections, timeouts or 5xx: no network or site down
# A failed verdict of these names (``name`` or ``name:cause``) sets the more specific status; the first one
# found wins (this order).
EXIT_BY_VERDICT = (
    ("ban_ratio", EXIT_BLOCKED),
    ("hubs:blocked", EXIT_BLOCKED),
    ("hubs:unreachable", EXIT_UNREACHABLE),
    ("new_items", EXIT_NO_OUTPUT),
)

# What a failed hub comes down to, by its stats: refused or challenged; the network or the server is down;
# it answered with something that is not a feed or sitemap; anything else (404, too large, ...). When every
# hub failed, the first cause in this order that any hub had names the verdict.
HUB_CAUSES = ("blocked", "unreachable", "not_a_feed", "failed")
REFUSED_STATUSES = frozenset({401, 403, 429, 451})
NETWORK_REASONS = frozenset({"dns", "connection_refused", "timeout", "connection_lost", "data_loss"})


@dataclass(frozen=True)
class Verdict:
    name: str
    status: str  # pass | warn | fail
    message: str
    cause: str = ""  # what a failure comes down to, where a check tells causes apart (hubs: HUB_CAUSES)


@dataclass(frozen=True)
class RunFacts:
    """What the checks judge. history: records emitted by earlier comparable runs, oldest first."""

    stats: Mapping[str, Any]
    finish_reason: str
    hubs_configured: int = 0
    new_listed: int | None = None  # new article URLs the hubs listed this run (None: not tracked)
    history: Sequence[int] = ()
    stale_sources: Mapping[str, int] = field(default_factory=dict)  # source -> runs without a new URL
    sources_tracked: bool = False
    failed_feeds: Sequence[str] = ()  # feeds whose store failed (at close or by batch), credentials masked


def total(stats: Mapping[str, Any], prefix: str) -> int:
    """Sum of the numeric stats whose key starts with prefix."""
    return sum(int(v) for k, v in stats.items() if k.startswith(prefix) and isinstance(v, int | float))


def _pct(ratio: float) -> str:
    return f"{ratio:.0%}"


def bans(stats: Mapping[str, Any]) -> int:
    """Article/listing pages that ended as a challenge or a refusal (403/429) instead of the page."""
    refused = sum(total(stats, kind_http_error(kind, status)) for kind in PAGE_KINDS for status in (403, 429))
    return (
        total(stats, tier_blocked(""))
        + total(stats, tier_unavailable("challenge_"))
        + total(stats, page_challenge(""))
        + refused
    )


def page_attempts(stats: Mapping[str, Any]) -> int:
    """Article/listing pages fetched: responses of both tiers, an escalated page counted once."""
    responses = sum(total(stats, response_by(tier, kind)) for tier in Tier for kind in PAGE_KINDS)
    escalated = total(stats, tier_escalated(""))
    unavailable = total(stats, tier_unavailable(""))  # escalated, then refused: no second response
    return max(responses - escalated + unavailable, 0)


def check_finish_reason(facts: RunFacts, config: MonitorConfig) -> Verdict:
    reason = facts.finish_reason
    if reason in config.finish_reasons:
        return Verdict("finish_reason", PASS, f"the run ended with {reason!r}")
    if reason.startswith("closespider_"):
        return Verdict("finish_reason", WARN, f"stopped by a limit ({reason}): the run is incomplete")
    return Verdict(
        "finish_reason", FAIL, f"the run ended with {reason!r}, not {' or '.join(config.finish_reasons)}"
    )


def errors(stats: Mapping[str, Any]) -> tuple[int, int]:
    """(ERROR log lines + failed requests, failed requests)."""
    failed = sum(int(stats.get(kind_failed(kind), 0)) for kind in (*PAGE_KINDS, *HUB_KINDS))
    return int(stats.get("log_count/ERROR", 0)) + failed, failed


def check_error_ratio(facts: RunFacts, config: MonitorConfig) -> Verdict:
    requests = int(facts.stats.get("downloader/request_count", 0))
    errors_, failed = errors(facts.stats)
    ratio = errors_ / requests if requests else (1.0 if errors_ else 0.0)
    message = f"{errors_} errors ({failed} failed requests) in {requests} requests: {_pct(ratio)}"
    if ratio > config.max_error_ratio:
        return Verdict("error_ratio", FAIL, f"{message}, above {_pct(config.max_error_ratio)}")
    return Verdict("error_ratio", PASS, message)


def check_ban_ratio(facts: RunFacts, config: MonitorConfig) -> Verdict:
    banned, pages = bans(facts.stats), page_attempts(facts.stats)
    pages = max(pages, banned)
    if not pages:
        return Verdict("ban_ratio", PASS, "no article or listing page fetched")
    ratio = banned / pages
    message = f"{banned} of {pages} article/listing pages were bot challenges or refusals ({_pct(ratio)})"
    if ratio > config.max_ban_ratio:
        return Verdict("ban_ratio", FAIL, f"blocked: {message}, above {_pct(config.max_ban_ratio)}")
    return Verdict("ban_ratio", PASS, message)


def _hub_failure(kind: str, key: str) -> tuple[str, str] | None:
    """(cause, label) of one stat of a hub kind (``newsmon/<kind>/...``), or None when it is no failure."""
    if key.startswith(kind_http_error(kind, "")):
        code = key.removeprefix(kind_http_error(kind, ""))
        status = int(code) if code.isdigit() else 0
        cause = "blocked" if status in REFUSED_STATUSES else ("unreachable" if status >= 500 else "failed")
        return cause, f"HTTP {status}"
    if key.startswith(kind_failed(kind, "")):
        reason = key.removeprefix(kind_failed(kind, ""))
        return ("unreachable" if reason in NETWORK_REASONS else "failed"), reason
    if key.startswith(kind_challenge(kind, "")):
        return "blocked", "bot challenge"
    if key in (FEED_NOT_A_FEED, SITEMAP_NOT_A_SITEMAP):
        return "not_a_feed", key.rsplit("/", 1)[1].replace("_", " ")
    if key == SITEMAP_TOO_LARGE:
        return "failed", "too large"
    return None


def hub_failures(stats: Mapping[str, Any]) -> tuple[Counter[str], Counter[str]]:
    """Failed hub fetches (feeds, listings, sitemaps, robots.txt) by cause (HUB_CAUSES) and by label
    (``dns``, ``HTTP 403``, ``not a feed``, ...). A 5xx that was a bot challenge is blocked, not down."""
    causes: Counter[str] = Counter()
    labels: Counter[str] = Counter()
    for kind in HUB_KINDS:
        reasons = 0
        for key, value in stats.items():
            if not key.startswith(kind_stats(kind)) or not isinstance(value, int | float):
                continue
            found = _hub_failure(kind, key)
            if found is None:
                continue
            cause, label = found
            causes[cause] += int(value)
            labels[label] += int(value)
            reasons += int(value) if key.startswith(kind_failed(kind, "")) else 0
            challenge = key.removeprefix(kind_challenge(kind, ""))
            if key != challenge and challenge.startswith("challenge_5"):  # also counted as its 5xx: move it
                causes["unreachable"] -= int(value)
                labels[f"HTTP {challenge.removeprefix('challenge_')}"] -= int(value)
        unexplained = int(stats.get(kind_failed(kind), 0)) - reasons  # failures counted without a reason
        if unexplained > 0:
            causes["failed"] += unexplained
            labels["failed"] += unexplained
    return +causes, +labels


def check_hubs(facts: RunFacts, config: MonitorConfig) -> Verdict:
    stats = facts.stats
    if not facts.hubs_configured:
        return Verdict("hubs", PASS, "no feed, listing or sitemap configured")
    listed = (
        total(stats, FEED_ENTRIES)
        + total(stats, SITEMAP_ENTRIES)
        + total(stats, LISTING_PAGES)
        - total(stats, LISTING_EMPTY)
    )
    causes, labels = hub_failures(stats)
    failed = sum(causes.values())
    if listed > 0:
        return Verdict("hubs", PASS, f"hubs listed {listed} entries/pages ({failed} hub failures)")
    if failed:
        cause = next(c for c in HUB_CAUSES if causes[c] > 0)
        what = ", ".join(f"{label}: {n}" for label, n in labels.most_common())
        after = {
            "blocked": "refused or bot challenges",
            "unreachable": "no network, or the site is down",
            "not_a_feed": "they answered with something else: check the feed and sitemap URLs",
            "failed": "see the hubs' WARNING lines",
        }[cause]
        words = cause.replace("_", " ")
        message = f"{words}: every hub failed ({what}), none listed an article: {after}"
        return Verdict("hubs", FAIL, message, cause)
    return Verdict("hubs", WARN, "the hubs answered but listed no article (empty feeds or listings)")


def check_new_items(facts: RunFacts, config: MonitorConfig) -> Verdict:
    """Zero records is normal at 3 a.m.; it fails only when the hubs listed new article URLs and the site's
    own recent runs usually emit something."""
    emitted = int(facts.stats.get("item_scraped_count", 0))
    history = list(facts.history)[-config.history_runs :] if config.history_runs else []
    if emitted:
        return Verdict("new_items", PASS, f"{emitted} records emitted")
    if facts.new_listed is None:
        return Verdict("new_items", PASS, "no records; not judged (no state store: no history)")
    if not facts.new_listed:
        return Verdict("new_items", PASS, "no records, and the hubs listed no new article: a quiet run")
    if len(history) < max(config.history_min_runs, 1):
        return Verdict(
            "new_items", PASS,
            f"no records; not judged: {len(history)} comparable runs (needs {config.history_min_runs})",
        )  # fmt: skip
    median = statistics.median(history)
    if median < config.min_median_items:
        return Verdict(
            "new_items", PASS, f"no records; the last {len(history)} runs emitted a median of {median:g}"
        )
    return Verdict(
        "new_items", FAIL,
        f"no records although the hubs listed {facts.new_listed} new article URLs and the last "
        f"{len(history)} runs emitted a median of {median:g}",
    )  # fmt: skip


def check_schema(facts: RunFacts, config: MonitorConfig) -> Verdict:
    invalid = int(facts.stats.get(SCHEMA_INVALID, 0))
    if invalid > config.max_invalid:
        return Verdict(
            "schema",
            FAIL,
            f"{invalid} records failed the schema check and were dropped (max {config.max_invalid})",
        )
    return Verdict("schema", PASS, f"{invalid} invalid records")


def check_outputs(facts: RunFacts, config: MonitorConfig) -> Verdict:
    """Every feed stored every record: judged after the feeds closed (newsmon/state/outputs.py)."""
    stats = facts.stats
    if facts.failed_feeds or total(stats, "feedexport/failed_count/"):
        names = ", ".join(facts.failed_feeds) or "a feed"
        return Verdict(
            "outputs", FAIL, f"{names} failed to store: the next run recovers or emits its records again"
        )
    if int(stats.get(SINK_FAILED, 0)):
        return Verdict(
            "outputs", FAIL, "a sink could not take a batch (the log's 'Output error' line says why)"
        )
    if int(stats.get(OUTPUT_FAILED, 0)):
        return Verdict(
            "outputs", FAIL, "a feed file could not take a record (the log's 'Output error' line says why)"
        )
    stored = total(stats, "feedexport/success_count/")
    return Verdict("outputs", PASS, f"{stored} feeds stored")


def check_freshness(facts: RunFacts, config: MonitorConfig) -> Verdict:
    if not facts.sources_tracked:
        return Verdict("freshness", PASS, "not tracked (no state store)")
    stale = {src: n for src, n in facts.stale_sources.items() if config.stale_runs and n >= config.stale_runs}
    if not stale:
        return Verdict("freshness", PASS, f"{len(facts.stale_sources)} sources listed something new recently")
    names = ", ".join(f"{src} ({n} runs)" for src, n in sorted(stale.items(), key=lambda kv: -kv[1])[:5])
    more = f" and {len(stale) - 5} more" if len(stale) > 5 else ""
    return Verdict("freshness", WARN, f"no new article URL for {config.stale_runs}+ runs from {names}{more}")


CHECKS: tuple[Callable[[RunFacts, MonitorConfig], Verdict], ...] = (
    check_finish_reason,
    check_error_ratio,
    check_ban_ratio,
    check_hubs,
    check_new_items,
    check_schema,
    check_outputs,
    check_freshness,
)


def evaluate(facts: RunFacts, config: MonitorConfig) -> list[Verdict]:
    return [check(facts, config) for check in CHECKS]


def exit_status(verdicts: Sequence[Verdict]) -> int:
    failed = {name for v in verdicts if v.status == FAIL for name in (v.name, f"{v.name}:{v.cause}")}
    if not failed:
        return EXIT_OK
    return next((code for name, code in EXIT_BY_VERDICT if name in failed), EXIT_MONITORS_FAILED)


def summary(verdicts: Sequence[Verdict]) -> str:
    """ "pass", or e.g. "fail: ban_ratio, hubs; warn: freshness"."""
    parts = [
        f"{status}: {', '.join(v.name for v in verdicts if v.status == status)}"
        for status in (FAIL, WARN)
        if any(v.status == status for v in verdicts)
    ]
    return "; ".join(parts) or PASS
