"""HTTP webhook sink: each batch is one JSON POST, retried with backoff, keyed for idempotency.

Body: ``{"records": [record, ...]}``, ``Content-Type: application/json``. ``Idempotency-Key``: derived from
the batch's ``(id, version)`` list (base64url of SHA-256), so the same batch delivered again (a retry after a
timeout whose POST did arrive, a crashed run's records handed over again) carries the same key; a receiver
that stores by ``(id, version)`` needs no key at all. A 2xx answer means the receiver holds the batch.
Connection errors, the deadline, 408, 429 and 5xx are retried (``NEWSMON_SINK_RETRIES`` times, exponential
backoff capped at 8 s); any other answer fails the batch at once. Each attempt must be answered within
``NEWSMON_SINK_TIMEOUT`` seconds in total (connecting, sending, the answer), not per socket operation.

TLS is verified against the system's CA store (``SSL_CERT_FILE`` names another bundle); ``http://`` is
accepted for a receiver on the same host or network. The ``Authorization`` header is the value of the
environment variable ``NEWSMON_SINK_AUTH_ENV`` names (``Bearer ...``), read at start; it is never logged.
At start one empty batch (``{"records": []}``) is posted: the receiver must answer it 2xx, which proves
address, TLS and credentials before the first request to the site.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import logging
import os
import ssl
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from newsmon.sinks import Sink, SinkConfig, SinkError, SinkUnusable, batch_keys

logger = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
BACKOFF_BASE = 0.5  # seconds before the first retry; doubled each time ...
BACKOFF_CAP = 8.0  # ... up to this


def idempotency_key(records: Sequence[dict[str, Any]]) -> str:
    """The same key for the same (id, version) list, whatever else changed in the records."""
    text = "\n".join(f"{rid}:{version}" for rid, version in batch_keys(records))
    return base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).decode().rstrip("=")


class Retryable(Exception):
    """This attempt failed in a way worth another one."""


class WebhookSink(Sink):
    def __init__(self, uri: str, config: SinkConfig) -> None:
        super().__init__(uri, config)
        parts = urlsplit(uri)
        if not parts.hostname:
            raise ValueError(f"sink {self.label}: no host")
        self.https = parts.scheme.lower() == "https"
        self.host = parts.hostname
        self.port = parts.port or (443 if self.https else 80)
        self.path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.auth: str | None = None
        self.context = ssl.create_default_context() if self.https else None  # verifies certificate and host
        self.sleep = time.sleep  # tests replace it: backoff without waiting

    def open(self) -> None:
        self.auth = os.environ.get(self.config.auth_env) if self.config.auth_env else None
        try:
            self._attempt(b'{"records": []}', "check")
        except (Retryable, SinkError) as exc:
            raise SinkUnusable(f"sink {self.label}: {exc}") from None
        logger.info("Sink %s: webhook answered%s", self.label, " (with credentials)" if self.auth else "")

    def write(self, records: Sequence[dict[str, Any]]) -> None:
        body = json.dumps({"records": list(records)}, ensure_ascii=False).encode("utf-8")
        key = idempotency_key(records)
        delay = BACKOFF_BASE
        for attempt in range(self.config.retries + 1):
            try:
                self._attempt(body, key)
                return
            except Retryable as exc:
                if attempt == self.config.retries:
                    raise SinkError(
                        f"sink {self.label}: {exc} ({attempt + 1} attempts, batch {key[:12]})"
                    ) from None
                logger.warning("Sink %s: %s; retrying batch %s in %.1f s", self.label, exc, key[:12], delay)
                self.sleep(delay)
                delay = min(delay * 2, BACKOFF_CAP)

    def close(self) -> None:
        """Nothing stays open: each attempt has its own connection."""

    def _attempt(self, body: bytes, key: str) -> None:
        """One POST within the total deadline: Retryable or SinkError when not answered 2xx."""
        deadline = time.monotonic() + self.config.timeout

        def remaining() -> float:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            return left

        conn: http.client.HTTPConnection
        if self.https:
            conn = http.client.HTTPSConnection(
                self.host, self.port, timeout=remaining(), context=self.context
            )
        else:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=remaining())
        headers = {"Content-Type": "application/json", "Idempotency-Key": key, "User-Agent": "newsmon"}
        if self.auth:
            headers["Authorization"] = self.auth
        try:
            conn.connect()
            assert conn.sock is not None
            conn.sock.settimeout(remaining())
            conn.request("POST", self.path, body=body, headers=headers)
            conn.sock.settimeout(remaining())
            response = conn.getresponse()
            while True:  # the answer's body, each read within what is left of the deadline
                if conn.sock is not None:
                    conn.sock.settimeout(remaining())
                if not response.read(65536):
                    break
            status = response.status
        except ssl.SSLCertVerificationError as exc:
            raise SinkError(f"TLS certificate not accepted ({exc.verify_message})") from None
        except TimeoutError:
            raise Retryable(f"no answer within {self.config.timeout:g} s") from None
        except (OSError, http.client.HTTPException) as exc:
            raise Retryable(f"connection failed ({type(exc).__name__}: {exc})") from None
        finally:
            conn.close()
        if 200 <= status < 300:
            return
        if status in RETRY_STATUSES:
            raise Retryable(f"answered {status}")
        raise SinkError(f"answered {status}")
