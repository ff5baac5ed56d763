"""The monitor settings (NEWSMON_MONITOR_*), read once and validated."""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.settings import BaseSettings


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
            enabled=settings.getbool("NEWSMON_MONITORS_ENABLED", True),
            finish_reasons=tuple(settings.getlist("NEWSMON_MONITOR_FINISH_REASONS", ["finished"])),
            max_error_ratio=settings.getfloat("NEWSMON_MONITOR_MAX_ERROR_RATIO", 0.25),
            max_ban_ratio=settings.getfloat("NEWSMON_MONITOR_MAX_BAN_RATIO", 0.5),
            max_invalid=settings.getint("NEWSMON_MONITOR_MAX_INVALID", 0),
            history_runs=settings.getint("NEWSMON_MONITOR_HISTORY_RUNS", 10),
            history_min_runs=settings.getint("NEWSMON_MONITOR_HISTORY_MIN_RUNS", 3),
            min_median_items=settings.getfloat("NEWSMON_MONITOR_MIN_MEDIAN_ITEMS", 1.0),
            stale_runs=settings.getint("NEWSMON_MONITOR_STALE_RUNS", 24),
        )
        for name, ratio in (("ERROR", config.max_error_ratio), ("BAN", config.max_ban_ratio)):
            if not 0 <= ratio <= 1:
                raise ValueError(f"NEWSMON_MONITOR_MAX_{name}_RATIO must be between 0 and 1, not {ratio}")
        if min(config.max_invalid, config.history_runs, config.history_min_runs, config.stale_runs) < 0:
            raise ValueError("NEWSMON_MONITOR_* counts must be >= 0")
        if config.history_min_runs > config.history_runs:
            raise ValueError("NEWSMON_MONITOR_HISTORY_MIN_RUNS must not exceed NEWSMON_MONITOR_HISTORY_RUNS")
        return config
