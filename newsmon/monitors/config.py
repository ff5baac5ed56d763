"""The monitor settings (NEWSMON_MONITOR_*), read once and validated."""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.settings import BaseSettings

from newsmon.options import Option, Options

OPTIONS = Options(
    Option(
        "NEWSMON_MONITORS_ENABLED",
        True,
        "judge every run when it closes ([Monitors](../monitors.md)): log, stats, run record, exit status",
    ),
    Option(
        "NEWSMON_MONITOR_FINISH_REASONS",
        ["finished"],
        "finish reasons that pass; `closespider_*` warns, any other fails",
    ),
    Option(
        "NEWSMON_MONITOR_MAX_ERROR_RATIO",
        0.25,
        "fail when (ERROR log lines + failed requests) / requests is above this",
    ),
    Option(
        "NEWSMON_MONITOR_MAX_BAN_RATIO",
        0.5,
        "blocked (exit 4) when more than this share of article/listing pages were challenges or 403/429 "
        "refusals",
    ),
    Option(
        "NEWSMON_MONITOR_MAX_INVALID",
        0,
        "fail when more records than this failed the JSON Schema check",
    ),
    Option(
        "NEWSMON_MONITOR_HISTORY_RUNS",
        10,
        "the minimum-output check looks at this many of the latest finished runs ...",
    ),
    Option(
        "NEWSMON_MONITOR_HISTORY_MIN_RUNS",
        3,
        "... and is not judged with fewer",
    ),
    Option(
        "NEWSMON_MONITOR_MIN_MEDIAN_ITEMS",
        1.0,
        "a run with no records fails (exit 5) only when those runs' median record count is at least this "
        "and the hubs listed new article URLs",
    ),
    Option(
        "NEWSMON_MONITOR_STALE_RUNS",
        24,
        "warn when a feed, listing or sitemap listed no new article URL for this many consecutive runs "
        "(0: off)",
    ),
)


@dataclass(frozen=True)
class MonitorConfig:
    enabled: bool
    finish_reasons: tuple[str, ...]  # finish reasons that pass; closespider_* warns, anything else fails
    max_error_ratio: float  # (ERROR log lines + failed requests) / requests above this: fail
    max_ban_ratio: float  # challenged or refused article/listing pages / all of them above this: blocked
    max_invalid: int  # records dropped by the schema check above this: fail
    history_runs: int  # comparable (finished) runs the minimum-output check looks back on
    history_min_runs: int  # fewer comparable runs than this: the minimum-output check is not judged
    min_median_items: float  # the site "has news" when the median of those runs' records is at least this
    stale_runs: int  # consecutive runs a source listed no new article URL before it is reported (warn)

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> MonitorConfig:
        config = cls(
            enabled=OPTIONS.getbool(settings, "NEWSMON_MONITORS_ENABLED"),
            finish_reasons=tuple(OPTIONS.getlist(settings, "NEWSMON_MONITOR_FINISH_REASONS")),
            max_error_ratio=OPTIONS.getfloat(settings, "NEWSMON_MONITOR_MAX_ERROR_RATIO"),
            max_ban_ratio=OPTIONS.getfloat(settings, "NEWSMON_MONITOR_MAX_BAN_RATIO"),
            max_invalid=OPTIONS.getint(settings, "NEWSMON_MONITOR_MAX_INVALID"),
            history_runs=OPTIONS.getint(settings, "NEWSMON_MONITOR_HISTORY_RUNS"),
            history_min_runs=OPTIONS.getint(settings, "NEWSMON_MONITOR_HISTORY_MIN_RUNS"),
            min_median_items=OPTIONS.getfloat(settings, "NEWSMON_MONITOR_MIN_MEDIAN_ITEMS"),
            stale_runs=OPTIONS.getint(settings, "NEWSMON_MONITOR_STALE_RUNS"),
        )
        for name, ratio in (("ERROR", config.max_error_ratio), ("BAN", config.max_ban_ratio)):
            if not 0 <= ratio <= 1:
                raise ValueError(f"NEWSMON_MONITOR_MAX_{name}_RATIO must be between 0 and 1, not {ratio}")
        if min(config.max_invalid, config.history_runs, config.history_min_runs, config.stale_runs) < 0:
            raise ValueError("NEWSMON_MONITOR_* counts must be >= 0")
        if config.history_min_runs > config.history_runs:
            raise ValueError("NEWSMON_MONITOR_HISTORY_MIN_RUNS must not exceed NEWSMON_MONITOR_HISTORY_RUNS")
        return config
