"""The state settings, read once and validated: every state component takes its options from here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scrapy.settings import BaseSettings


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
            enabled=settings.getbool("NEWSMON_STATE_ENABLED", True),
            state_dir=Path(settings.get("NEWSMON_STATE_DIR") or ".newsmon"),
            revisit_younger_than_h=settings.getfloat("NEWSMON_REVISIT_YOUNGER_THAN", 24.0),
            revisit_every_h=settings.getfloat("NEWSMON_REVISIT_EVERY", 3.0),
            check_on_open=settings.getbool("NEWSMON_STATE_CHECK", True),
            output_uri=settings.get("NEWSMON_OUTPUT_URI") or "",
            snapshot=settings.getbool("NEWSMON_SNAPSHOT", False),
        )
        if config.revisit_younger_than_h < 0 or config.revisit_every_h < 0:
            raise ValueError("NEWSMON_REVISIT_YOUNGER_THAN and NEWSMON_REVISIT_EVERY must be >= 0 (hours)")
        return config

    def store_path(self, spider: str) -> Path:
        return self.state_dir / f"{spider}.sqlite3"

    def lock_path(self, spider: str) -> Path:
        return self.state_dir / f"{spider}.lock"
