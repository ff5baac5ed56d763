"""The state settings, read once and validated: every state component takes its options from here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scrapy.settings import BaseSettings

from newsmon.options import Option, Options
from newsmon.state.outputs import OPTIONS as OUTPUT_OPTIONS

DEFAULT_STATE_DIR = ".newsmon"
OPTIONS = Options(
    Option(
        "NEWSMON_STATE_ENABLED",
        True,
        "incremental runs: state store, skip before download, cross-run dedupe, run lock; off: every run "
        "crawls and emits everything",
    ),
    Option(
        "NEWSMON_STATE_DIR",
        DEFAULT_STATE_DIR,
        "state kept between runs (host tier memory, the state store); default taken from the environment "
        "variable of the same name when set",
        env="NEWSMON_STATE_DIR",
    ),
    Option(
        "NEWSMON_SNAPSHOT",
        False,
        "emit every article the run reaches, not only new and changed ones (a full `-O snapshot.jsonl`); "
        "unchanged articles keep their stored `version`, the store is still updated",
    ),
    Option(
        "NEWSMON_REVISIT_YOUNGER_THAN",
        24.0,
        "hours: emitted articles published (or first seen, when undated) less than this long ago are "
        "revisited ...",
    ),
    Option(
        "NEWSMON_REVISIT_EVERY",
        3.0,
        "... at most once every this many hours; a changed body is emitted as `version` + 1",
    ),
    Option(
        "NEWSMON_STATE_CHECK",
        True,
        "SQLite `quick_check` when the store opens (a corrupt store is moved aside and rebuilt)",
    ),
)


def state_directory(given: str | Path | None = None, settings: BaseSettings | None = None) -> Path:
    """The state directory, the one rule for crawls and commands: ``given`` (a command's --state-dir),
    else NEWSMON_STATE_DIR (the crawl's ``settings``; a command has none: the environment variable),
    else .newsmon; an empty value counts as not given."""
    if given:
        return Path(given)
    name = "NEWSMON_STATE_DIR"
    value = OPTIONS.get(settings, name) if settings is not None else OPTIONS.default(name)
    return Path(value or DEFAULT_STATE_DIR)


@dataclass(frozen=True)
class StateConfig:
    enabled: bool
    state_dir: Path
    revisit_younger_than_h: float  # articles published less than this many hours ago are revisited ...
    revisit_every_h: float  # ... at most this often
    check_on_open: bool  # PRAGMA quick_check when the store is opened
    output_uri: str  # NEWSMON_OUTPUT_URI: where crashed partial outputs and rebuild sources are found
    snapshot: bool = False  # NEWSMON_SNAPSHOT: emit every article reached, not only new and changed ones

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> StateConfig:
        config = cls(
            enabled=OPTIONS.getbool(settings, "NEWSMON_STATE_ENABLED"),
            state_dir=state_directory(settings=settings),
            revisit_younger_than_h=OPTIONS.getfloat(settings, "NEWSMON_REVISIT_YOUNGER_THAN"),
            revisit_every_h=OPTIONS.getfloat(settings, "NEWSMON_REVISIT_EVERY"),
            check_on_open=OPTIONS.getbool(settings, "NEWSMON_STATE_CHECK"),
            output_uri=OUTPUT_OPTIONS.get(settings, "NEWSMON_OUTPUT_URI") or "",
            snapshot=OPTIONS.getbool(settings, "NEWSMON_SNAPSHOT"),
        )
        if config.revisit_younger_than_h < 0 or config.revisit_every_h < 0:
            raise ValueError("NEWSMON_REVISIT_YOUNGER_THAN and NEWSMON_REVISIT_EVERY must be >= 0 (hours)")
        return config

    def store_path(self, spider: str) -> Path:
        return self.state_dir / f"{spider}.sqlite3"

    def lock_path(self, spider: str) -> Path:
        return self.state_dir / f"{spider}.lock"
