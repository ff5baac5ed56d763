"""Scrapy add-on: every run writes its own JSON Lines file unless the user chose an output (-o/-O/FEEDS),
and every feed writes the fields of the NEWSMON_RECORD_FIELDS preset."""

from __future__ import annotations

import logging

from scrapy.settings import BaseSettings

from newsmon.record import record_fields
from newsmon.state.outputs import OPTIONS

logger = logging.getLogger(__name__)


class DefaultOutput:
    """Adds NEWSMON_OUTPUT_URI to FEEDS at add-on priority, so `-O file.jsonl` still replaces it."""

    def update_settings(self, settings: BaseSettings) -> None:
        # the record preset: FEED_EXPORT_FIELDS at add-on priority (a project's own list, or a feed's
        # `fields` option, still wins); the records themselves stay whole for the pipelines and the store
        fields = record_fields(str(OPTIONS.get(settings, "NEWSMON_RECORD_FIELDS") or "full"))
        if fields is not None:
            settings.set("FEED_EXPORT_FIELDS", fields, priority="addon")
        uri = OPTIONS.get(settings, "NEWSMON_OUTPUT_URI")
        if not uri or settings.getdict("FEEDS"):
            return
        settings.set(
            "FEEDS",
            # newsmon_atomic: written as <name>.partial, renamed when complete (newsmon/state/storage.py);
            # store_empty follows FEED_STORE_EMPTY (False from the add-on: a quiet run leaves no empty file)
            {uri: {"format": "jsonlines", "encoding": "utf8", "newsmon_atomic": True}},
            priority="addon",
        )
