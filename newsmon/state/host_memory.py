"""Which hosts needed the browser: remembered for the rest of the run and for later runs, until expiry."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

logger = logging.getLogger(__name__)


class HostMemory(Protocol):
    """What the tier middleware needs: this JSON file, or Redis in distributed mode (state/backend.py)."""

    def load(self) -> None: ...
    def save(self) -> None: ...
    def stealthy_reason(self, host: str, now: datetime | None = None) -> str | None: ...
    def record_escalation(self, host: str, reason: str, now: datetime | None = None) -> bool: ...


@dataclass
class HostRecord:
    escalations: int = 0  # escalations counted since the host was last tried on PLAIN
    stealthy_until: datetime | None = None  # requests go straight to STEALTHY until then
    reason: str | None = None  # the escalation reason that made it remembered


@dataclass
class HostTierMemory:
    """Per-host escalation counts; after ``remember_after`` of them a host stays STEALTHY for ``ttl``.

    Persisted as a small JSON file (one entry per host), written atomically on every change and only then:
    a run that learned nothing leaves the state directory as it found it.
    """

    path: Path | None
    remember_after: int
    ttl: timedelta
    hosts: dict[str, HostRecord] = field(default_factory=dict)
    # what the file holds (as last read or written); None: unknown or unreadable, the next save writes it
    _stored: dict[str, Any] | None = field(default_factory=dict, repr=False)

    def load(self) -> None:
        if self.path is None or not self.path.exists():
            return
        self._stored = None
        try:
            data: dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8"))
            self.hosts = {
                host: HostRecord(
                    escalations=int(entry.get("escalations", 0)),
                    stealthy_until=datetime.fromisoformat(entry["stealthy_until"])
                    if entry.get("stealthy_until")
                    else None,
                    reason=entry.get("reason"),
                )
                for host, entry in data.items()
            }
            self._stored = self._data()
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
            logger.warning("Host tier memory %s unreadable (%s); starting empty", self.path, exc)
            self.hosts = {}

    def _data(self) -> dict[str, Any]:
        return {
            host: {
                "escalations": record.escalations,
                "stealthy_until": record.stealthy_until.isoformat() if record.stealthy_until else None,
                "reason": record.reason,
            }
            for host, record in self.hosts.items()
            if record.stealthy_until is not None  # counts below the threshold are per run
        }

    def save(self) -> None:
        """Write the file if what it should hold changed (an unchanged memory is not written again)."""
        if self.path is None:
            return
        data = self._data()
        if data == self._stored:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(self.path)
        self._stored = data

    def stealthy_reason(self, host: str, now: datetime | None = None) -> str | None:
        """Why requests to ``host`` skip PLAIN now ("host_memory"), or None; an expired entry is forgotten
        so PLAIN is tried again."""
        record = self.hosts.get(host)
        if record is None or record.stealthy_until is None:
            return None
        if (now or datetime.now(UTC)) >= record.stealthy_until:
            logger.info("Host %s: STEALTHY memory expired, trying PLAIN again", host)
            del self.hosts[host]
            self.save()
            return None
        return "host_memory"

    def record_escalation(self, host: str, reason: str, now: datetime | None = None) -> bool:
        """Count one escalation; True when the host has just become remembered."""
        if self.remember_after <= 0:
            return False
        record = self.hosts.setdefault(host, HostRecord())
        record.escalations += 1
        if record.stealthy_until is None and record.escalations >= self.remember_after:
            record.stealthy_until = (now or datetime.now(UTC)) + self.ttl
            record.reason = reason
            self.save()
            return True
        return False
