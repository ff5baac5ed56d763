"""A logging filter that masks the password of any Redis URL in a log line (e.g. Scrapy's "Overridden
settings" when REDIS_URL was given with -s). Prefer NEWSMON_REDIS_URL in the environment: it never enters
the settings. newsmon's own messages print `mask_url(...)` only."""

from __future__ import annotations

import logging
import re

URL_CREDENTIALS = re.compile(r"\b(rediss?|unix)://[^@\s/'\"]*@", re.IGNORECASE)
# loggers whose own records may carry settings (a logger's filter applies to its own records only)
LOGGERS = ("scrapy.crawler", "scrapy.utils.log", "scrapy.addons", "scrapy.middleware", "scrapy_redis")


def redact(text: str) -> str:
    return URL_CREDENTIALS.sub(lambda m: f"{m.group(1)}://***@", text)


class RedactRedisPasswords(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def install() -> None:
    """Attach the filter to the root handlers and to the loggers that print settings (idempotent)."""
    targets: list[logging.Logger | logging.Handler] = [*logging.getLogger().handlers]
    targets += [logging.getLogger(name) for name in LOGGERS]
    for target in targets:
        if not any(isinstance(f, RedactRedisPasswords) for f in target.filters):
            target.addFilter(RedactRedisPasswords())
