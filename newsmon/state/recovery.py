"""At start: finish what a crashed run left (`.partial` outputs); rebuild a lost store from the run outputs.

A crashed run's partial file keeps its complete lines; a torn last line (the process died mid-write) is cut
off, the file is fsynced and renamed to its final name, and its records are marked emitted: each of them was
already fsynced, so it is in exactly one output and will not be emitted again. A partial file another live
process is still writing (it holds a flock on it: distributed mode) is left alone.
"""

from __future__ import annotations

import fcntl
import glob
import logging
import os
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from newsmon.jsonlines import read_lines
from newsmon.state.protocol import Store
from newsmon.state.storage import PARTIAL_SUFFIX, free_name, fsync_dir

logger = logging.getLogger(__name__)


class Recovered(NamedTuple):
    files: int
    records: int
    torn_lines: int
    bad_lines: int = 0  # complete lines that are not records: skipped, the lines after them kept


def output_glob(uri_template: str, spider: str, site: str | None = None) -> str | None:
    """The glob matching every per-run output of NEWSMON_OUTPUT_URI for this spider and site (local files
    only): `%(name)s` is the spider, `%(site)s` the site."""
    if not uri_template or ("://" in uri_template and not uri_template.startswith("file://")):
        return None
    path = uri_template.removeprefix("file://")
    path = path.replace("%(name)s", glob.escape(spider)).replace("%(site)s", glob.escape(site or spider))
    return re.sub(r"%\([^)]*\)[a-z]", "*", path)


def _glob(pattern: str) -> list[str]:
    """Sorted matches of a shell pattern that may be absolute and have wildcards in any component."""
    return sorted(glob.glob(pattern))  # noqa: PTH207 (Path.glob takes no absolute patterns)


def output_files(pattern: str) -> list[str]:
    """The finished outputs matching pattern (not the `.partial` ones)."""
    return _glob(pattern)


def published_ts(value: Any) -> float | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def complete_records(path: Path) -> tuple[list[dict[str, Any]], int, int]:
    """(records of the complete lines, byte length of those lines, bad lines among them)."""
    records: list[dict[str, Any]] = []
    good = bad = 0
    for line in read_lines(path):
        good = line.end
        if line.record is None:
            bad += 1
            logger.warning(
                "%s:%d is not a JSON record; skipped (the lines after it are kept)", path, line.number
            )
        else:
            records.append(line.record)
    return records, good, bad


def iter_records(path: Path) -> Iterator[dict[str, Any]]:
    return (line.record for line in read_lines(path) if line.record is not None)


def record_links(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The related links of a record as [(via, url)]: read_also first, then news_feed."""
    return [
        (via, item["url"])
        for via in ("read_also", "news_feed")
        for item in record.get(via) or []
        if isinstance(item, dict) and isinstance(item.get("url"), str)
    ]


def mark_record(store: Store, record: dict[str, Any], when: float) -> bool:
    url, digest, version = record.get("canonical_url"), record.get("content_hash"), record.get("version", 1)
    if not isinstance(url, str) or not isinstance(digest, str) or not isinstance(version, int):
        logger.warning(
            "An output record without canonical_url, content_hash or version is not marked: %r", url
        )
        return False
    published = published_ts(record.get("published_at"))
    store.mark_emitted(url, digest, version, published, links=record_links(record), now=when, commit=False)
    return True


def in_use(path: Path) -> bool:
    """Whether a live process holds the flock its writer takes (DurableFileFeedStorage)."""
    try:
        with path.open("rb") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    return False


def recover_partials(
    store: Store, pattern: str, deliver: Callable[[list[dict[str, Any]]], None] | None = None
) -> Recovered:
    """Complete, rename and reconcile every `<output>.partial` matching pattern (not in use). deliver: hands
    the records to the sinks first (newsmon/sinks/), raising when they cannot take them (nothing marked)."""
    files = records = torn = bad_lines = 0
    for name in _glob(pattern + PARTIAL_SUFFIX):
        partial = Path(name)
        if in_use(partial):
            continue
        kept, good, bad = complete_records(partial)
        bad_lines += bad
        size = partial.stat().st_size
        if size > good:
            torn += 1
            logger.warning(
                "Crashed run's output %s: dropping a torn tail of %d bytes (the record is re-fetched)",
                partial,
                size - good,
            )
            with partial.open("r+b") as fh:
                fh.truncate(good)
                os.fsync(fh.fileno())
        when = partial.stat().st_mtime
        if deliver is not None and kept:
            deliver(kept)
        marked = sum(mark_record(store, record, when) for record in kept)
        records += marked
        store.commit()  # marked before the rename: a crash in between only repeats this recovery
        final = free_name(partial.with_name(partial.name.removesuffix(PARTIAL_SUFFIX)), partial_taken=False)
        partial.replace(final)
        fsync_dir(final.parent)
        files += 1
        logger.warning("Recovered %d records of a crashed run into %s", marked, final)
    return Recovered(files, records, torn, bad_lines)


def rebuild_from_outputs(store: Store, pattern: str) -> int:
    """Mark every record of every finished output matching pattern emitted (highest version wins)."""
    count = 0
    for name in output_files(pattern):
        path = Path(name)
        when = path.stat().st_mtime
        for record in iter_records(path):
            count += mark_record(store, record, when)
        store.commit()
    return count
