"""What every state store offers (SQLite: store.py, one process; Redis: redis_store.py, distributed).

The components (extension, skip filter, conditional GET, cross-run dedupe, recovery) use only this; which
store they get is decided in one place, newsmon/state/backend.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from newsmon.state.store import ArticleState, HubState


class Store(Protocol):
    @property
    def location(self) -> str:
        """Where the store is, for logs (never a password)."""
        ...

    def close(self) -> None: ...
    def commit(self) -> None: ...

    # --- articles ------------------------------------------------------------------------------
    def get(self, canonical_url: str) -> ArticleState | None: ...
    def resolve(self, url: str) -> ArticleState | None: ...
    def links(self, canonical_url: str) -> list[tuple[str, str]]: ...
    def url_for_hash(self, content_hash: str) -> str | None: ...
    def body_units(self, canonical_url: str) -> bytes | None:
        """The stored version's body lines and their page blocks (extract/template.line_units), if kept."""
        ...

    def mark_emitted(
        self,
        canonical_url: str,
        content_hash: str,
        version: int,
        published_at: float | None,
        *,
        links: list[tuple[str, str]] | None = None,
        units: bytes | None = None,
        now: float | None = None,
        commit: bool = True,
    ) -> None: ...
    def touch(self, canonical_url: str, *, fetched: bool, now: float | None = None) -> None: ...
    def add_alias(self, url: str, canonical_url: str) -> bool: ...
    def count(self) -> int: ...

    def claim(self, canonical_url: str, content_hash: str) -> bool:
        """Take the right to emit this URL and body now; False when another process holds it."""
        ...

    # --- hubs ----------------------------------------------------------------------------------
    def hub(self, url: str) -> HubState | None: ...
    def store_hub(
        self,
        url: str,
        etag: str | None,
        last_modified: str | None,
        headers: Mapping[str, list[str]],
        body: bytes,
    ) -> None: ...

    # --- runs ----------------------------------------------------------------------------------
    def start_run(self, now: float | None = None) -> int: ...
    def end_run(self, run_id: int, reason: str, stats: Mapping[str, Any]) -> None: ...
    def runs(self, limit: int | None = None) -> list[dict[str, Any]]: ...

    # --- sources (per-hub freshness, newsmon/monitors) -----------------------------------------
    def record_sources(
        self, counts: Mapping[str, tuple[int, int]], now: float | None = None
    ) -> dict[str, int]:
        """{hub: (listed, new)} of this run in; {hub: consecutive runs without a new article URL} out."""
        ...

    # --- notes: small JSON values kept between runs (the alert state, newsmon/alerts) --------------
    def note(self, key: str) -> Any: ...
    def swap_note(self, key: str, old: Any, new: Any) -> bool:
        """Compare and set: new (None deletes) when the note still holds old; False when it did not."""
        ...

    # --- the site's template (newsmon/state/template_store.py) --------------------------------------
    def template_learn(
        self, page: int, units: Sequence[tuple[int, str]], keep: int, now: float | None = None
    ) -> dict[int, tuple[int, ...]]:
        """Add a page to its blocks' pages; the blocks now seen on two pages or more, with their pages."""
        ...

    def template_load(
        self, least: int, ttl: float, now: float | None = None
    ) -> dict[int, tuple[int, ...]]: ...
    def template_pages(self) -> int: ...
    def template_summary(self, least: int, limit: int = 50) -> dict[str, Any]: ...
    def template_reset(self) -> int: ...
