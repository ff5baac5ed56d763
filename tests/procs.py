"""A process as /proc tells it (Linux): the tests that watch, freeze or kill processes read it here."""

from __future__ import annotations

from pathlib import Path


def stat_fields(pid: int) -> list[str] | None:
    """/proc/<pid>/stat after the command name: [0] state, [1] ppid, [3] session, [11] utime, [12] stime,
    [13] cutime, [14] cstime, [19] starttime; None once the process is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def alive(pid: int) -> bool:
    """Whether pid runs: a zombie waiting for its reaper counts as gone."""
    fields = stat_fields(pid)
    return fields is not None and fields[0] not in "ZX"


def cpu_ticks(pid: int) -> int:
    """utime + stime of a process in clock ticks (0 once it is gone)."""
    fields = stat_fields(pid)
    return int(fields[11]) + int(fields[12]) if fields is not None else 0
