"""The webhook sink against a local HTTP(S) server that fails, hangs and answers 5xx: batches, the
Idempotency-Key, bounded retries with backoff, the total deadline, TLS verification, auth from the
environment (never logged)."""

from __future__ import annotations

import json
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from newsmon.sinks import SinkError, SinkUnusable, build_sink
from newsmon.sinks.webhook import idempotency_key
from tests.test_sinks import config, record


# --- webhook -------------------------------------------------------------------------------------------
class Hook:
    """A local webhook receiver: answers from a script of behaviours, records what it got."""

    def __init__(self, tls: tuple[Path, Path] | None = None) -> None:
        self.script: list[str] = []  # per POST: "ok", "500", "503", "400", "hang"; then "ok"
        self.posts: list[tuple[dict[str, str], dict[str, Any]]] = []
        self.release = threading.Event()
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                hook.posts.append((dict(self.headers), body))
                action = hook.script.pop(0) if hook.script else "ok"
                if action == "hang":
                    hook.release.wait(30)
                    return
                status = 200 if action == "ok" else int(action)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        scheme = "http"
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self.server.server_port}/in"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook() -> Iterator[Hook]:
    server = Hook()
    yield server
    server.close()


def webhook(url: str, **overrides: Any) -> Any:
    sink = build_sink(url, config(**overrides))
    sink.sleep = lambda seconds: None  # type: ignore[attr-defined]  # backoff without waiting
    return sink


def test_webhook_posts_batches_with_a_stable_idempotency_key_and_auth(
    hook: Hook, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SINK_AUTH_T", "Bearer tok-123-secret")
    sink = webhook(hook.url)
    sink.open()
    batch = [record(1), record(2)]
    sink.write(batch)
    sink.write([dict(r, title="changed") for r in batch])  # same (id, version) list: same key
    check, first, second = hook.posts
    assert check[1] == {"records": []}
    assert first[1]["records"] == batch
    assert first[0]["Idempotency-Key"] == second[0]["Idempotency-Key"] == idempotency_key(batch)
    assert first[0]["Authorization"] == "Bearer tok-123-secret"
    assert first[0]["Content-Type"] == "application/json"
    assert "tok-123" not in caplog.text


def test_webhook_retries_5xx_with_backoff_then_delivers(hook: Hook) -> None:
    sink = webhook(hook.url, retries=3)
    waits: list[float] = []
    sink.sleep = waits.append
    hook.script = ["503", "500", "ok"]
    sink.write([record(1)])
    assert len(hook.posts) == 3
    assert waits == [0.5, 1.0]
    assert len({h["Idempotency-Key"] for h, _ in hook.posts}) == 1


def test_webhook_gives_up_after_bounded_retries(hook: Hook) -> None:
    sink = webhook(hook.url, retries=2)
    hook.script = ["502", "503", "500", "ok"]
    with pytest.raises(SinkError, match="answered 500 \\(3 attempts"):
        sink.write([record(1)])


def test_webhook_client_error_is_not_retried(hook: Hook) -> None:
    sink = webhook(hook.url, retries=3)
    hook.script = ["400"]
    with pytest.raises(SinkError, match="answered 400"):
        sink.write([record(1)])
    assert len(hook.posts) == 1


def test_webhook_that_hangs_meets_the_deadline_and_is_retried(hook: Hook) -> None:
    sink = webhook(hook.url, retries=1, timeout=0.5)
    hook.script = ["hang"]
    started = time.monotonic()
    sink.write([record(1)])  # the first attempt times out, the retry is answered
    assert len(hook.posts) == 2
    assert time.monotonic() - started < 20  # bounded (a safety margin, not a timing assertion)


def test_webhook_down_at_start_is_unusable() -> None:
    from tests.redis_helpers import free_port

    with pytest.raises(SinkUnusable, match="connection failed"):
        webhook(f"http://127.0.0.1:{free_port()}/in").open()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def test_webhook_verifies_tls(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    server = Hook(tls=certificate)
    try:
        with pytest.raises(SinkUnusable, match="TLS certificate not accepted"):
            webhook(server.url).open()
        assert server.posts == []
        monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # the receiver's CA trusted: accepted
        webhook(server.url).open()
        assert len(server.posts) == 1
    finally:
        server.close()
