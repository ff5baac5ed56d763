"""The one table `python -m bench` prints at the end: each benchmark's headline figures against its target."""

from __future__ import annotations

ROWS: list[tuple[str, str, str, str]] = []  # (benchmark, measure, value, target)


def add(benchmark: str, measure: str, value: str, target: str = "") -> None:
    ROWS.append((benchmark, measure, value, target))


def add_targets(benchmark: str, rows: list[tuple[str, str, str]]) -> None:
    """The rows of a benchmark's own table that carry a target (measure, value, note with "target")."""
    for measure, value, note in rows:
        if "target" in note or note.startswith(("<", ">")):
            add(benchmark, measure.strip(), value, note.replace("target ", ""))


def render() -> str:
    if not ROWS:
        return ""
    head = ("benchmark", "measure", "value", "target")
    widths = [max(len(row[i]) for row in [head, *ROWS]) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in [head, *ROWS]
    ]
    return "\n".join(["== summary ==", *lines])
