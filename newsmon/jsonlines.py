"""Reading JSON Lines outputs the way recovery needs: a bad line in the middle is skipped (the records after
it were written and fsynced too), only a last line without its newline is a torn write."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple


class Line(NamedTuple):
    record: dict[str, Any] | None  # None: a complete line that is not a JSON object
    end: int  # byte offset just after the line
    number: int  # 1-based line number


def read_lines(path: Path) -> Iterator[Line]:
    """Every complete line of ``path`` in order, streamed; a last line without a newline is left out."""
    end = 0
    with path.open("rb") as fh:
        for number, line in enumerate(fh, 1):
            if not line.endswith(b"\n"):
                return
            end += len(line)
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                record = None
            yield Line(record if isinstance(record, dict) else None, end, number)
