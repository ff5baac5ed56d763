"""Credentials never reach a log line: every record of the process has `scheme://user:password@` masked.

Feed URIs (`-o ftp://u:pw@host/...`, `s3://key:secret@bucket/...`), Redis URLs and scrapyd URLs can carry
credentials, and Scrapy prints them in its own lines ("Overridden settings", "Error storing ... feed in:
ftp://u:pw@..."), as can any library. A filter on one logger sees only that logger's records, and Scrapy
replaces its root handler whenever a crawler's settings are applied, so the mask is applied where every
record is made: the log-record factory (installed once, by the crawl command and the add-on) makes
RedactingLogRecord, whose message and exception text come out masked whenever a handler renders them.
Nothing is rendered early: a DEBUG record that no handler emits costs what it did. Lines without `://`
and `@` cost one substring test more.
"""

from __future__ import annotations

import logging
import re
import traceback
from typing import Any

#: `scheme://userinfo@`: userinfo without '/', '@' or whitespace (RFC 3986), any scheme
URL_CREDENTIALS = re.compile(r"\b([a-z][a-z0-9+.-]*)://[^@\s/'\"<>]+@", re.IGNORECASE)


def redact(text: str) -> str:
    """The text with the user information of every URL in it replaced by `***`."""
    if "@" not in text or "://" not in text:
        return text
    return URL_CREDENTIALS.sub(lambda m: f"{m.group(1)}://***@", text)


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Mask the record in place: its message (args applied) and the text of its exception."""
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: the handler reports it (logging.Handler.handleError)
        return record
    masked = redact(message)
    if masked != message:
        record.msg, record.args = masked, ()
    if record.exc_info and not record.exc_text:
        text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        masked = redact(text)
        if masked != text:
            record.exc_text = masked
    return record


class RedactingLogRecord(logging.LogRecord):
    """A log record whose rendered message and exception text have credentials masked."""

    def getMessage(self) -> str:
        return redact(super().getMessage())

    @property
    def exc_text(self) -> str | None:
        return self._exc_text

    @exc_text.setter
    def exc_text(self, value: str | None) -> None:  # set by logging.Formatter from exc_info
        self._exc_text = redact(value) if isinstance(value, str) else value


class RedactCredentials(logging.Filter):
    """The same mask as a filter, for a handler or logger of one's own."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


class _RedactingFactory:
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(self.inner(*args, **kwargs))


def install() -> None:
    """Mask credentials in every log record of the process from now on (idempotent). Over another
    library's own record factory, each record is masked as it is made (rendered early)."""
    factory = logging.getLogRecordFactory()
    if factory is logging.LogRecord:
        logging.setLogRecordFactory(RedactingLogRecord)
    elif factory is not RedactingLogRecord and not isinstance(factory, _RedactingFactory):
        logging.setLogRecordFactory(_RedactingFactory(factory))
