"""Redis URLs in log lines: masked by the process-wide credential mask (newsmon/redact.py), which covers
every URL scheme. Kept for the names the distributed code and its tests import."""

from __future__ import annotations

from newsmon.redact import URL_CREDENTIALS, install, redact
from newsmon.redact import RedactCredentials as RedactRedisPasswords

__all__ = ["URL_CREDENTIALS", "RedactRedisPasswords", "install", "redact"]
