"""Browser checks of vendors newsmon has no marker for, in real Chromium: a check page that sets a cookie
and reloads, one that posts a hidden form, one that redirects after a delay. The browser tier waits for
the navigation the check starts and reads the page it leads to; the host memory remembers the host."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from newsmon.fetch.browser import find_chromium
from newsmon.meta import META_STEALTH
from tests.crawl_helpers import only_urls, run_crawl
from tests.site_server import serving

pytestmark = [
    pytest.mark.skipif(
        find_chromium() is None and not os.environ.get("NEWSMON_CI"),
        reason="no Chromium: apt-get install chromium",
    ),
]

# Invented articles (own prose), one per check mechanic, in three languages.
ARTICLES = {
    "/2026/03/12/ferry-cookie/": (
        "Паромна переправа відновила роботу",
        "Паромна переправа через широку річку знову перевозить пасажирів після зимової перерви. "
        "Капітан розповів, що нове судно бере вдвічі більше автомобілів, а квитки можна купити на "
        "причалі. Мешканці обох берегів чекали на відкриття кілька місяців. ",
    ),
    "/2026/03/12/orchard-form/": (
        "El huerto comunitario abre sus puertas",
        "El huerto comunitario del barrio abrió sus puertas a los vecinos con una jornada de siembra. "
        "Las voluntarias repartieron semillas de tomate y enseñaron a preparar compost con restos de "
        "cocina. El ayuntamiento promete ampliar el terreno el próximo otoño. ",
    ),
    "/2026/03/12/lighthouse-delay/": (
        "Der Leuchtturm leuchtet wieder",
        "Der alte Leuchtturm an der Küste leuchtet nach zwei Jahren Renovierung wieder jede Nacht. "
        "Freiwillige haben die Treppe erneuert und ein kleines Museum im Erdgeschoss eingerichtet. "
        "Besucher können den Turm an Wochenenden besteigen. ",
    ),
}
PASS_COOKIE = "vendor_pass"
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
)


def article_html(title: str, text: str, part: int = 1) -> str:
    """The article; the cookie one is split over two pages ("?page=2", its text numbered on from 7)."""
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title}
    first = 1 + 6 * (part - 1)
    paragraphs = "".join(f"<p>{text} {n}</p>" for n in range(first, first + 6))
    pager = "<p class='pager'>1 <a href='?page=2'>2</a></p>" if "Паромна" in title and part == 1 else ""
    return (
        f"<html><head><title>{title}</title>"
        f"<script type='application/ld+json'>{json.dumps(data)}</script></head>"
        f"<body><article><h1>{title}</h1>{paragraphs}{pager}</article></body></html>"
    )


# The three checks: small pages, titles and words no vendor list knows, each with its own way forward.
COOKIE_CHECK = (
    "<html><head><title>Одну хвилинку…</title></head><body><p>Перевіряємо ваш браузер.</p>"
    "<script>setTimeout(function () { document.cookie = 'vendor_pass=1; path=/';"
    " location.reload(); }, 400);</script></body></html>"
)
FORM_CHECK = (
    "<html><head><title>Un momento…</title></head><body><p>Verificando su navegador.</p>"
    "<form id='v' method='post' action='/verify'><input type='hidden' name='next' value='{path}'>"
    "<input type='hidden' name='answer' value='42'></form>"
    "<script>setTimeout(function () { document.getElementById('v').submit(); }, 300);</script>"
    "</body></html>"
)
DELAY_CHECK = (
    "<html><head><title>Einen Moment…</title></head><body><p>Ihr Browser wird geprüft.</p>"
    "<script>setTimeout(function () { location.replace('/pass?next={path}'); }, 1500);</script>"
    "</body></html>"
)


class CheckSite(BaseHTTPRequestHandler):
    """Every article behind a check until the client holds the pass cookie; robots.txt and the rest 404."""

    seen: list[tuple[str, str, bool]]  # (method, path, had the pass cookie)

    def log_message(self, *args: Any) -> None:
        pass

    def _passed(self) -> bool:
        return f"{PASS_COOKIE}=1" in (self.headers.get("Cookie") or "")

    def _send(self, status: int, body: str = "", headers: dict[str, str] | None = None) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        self.seen.append(("GET", self.path, self._passed()))
        if url.path == "/pass":  # the delayed redirect's target: sets the cookie, back to the article
            target = parse_qs(url.query).get("next", ["/"])[0]
            self._send(302, headers={"Location": target, "Set-Cookie": f"{PASS_COOKIE}=1; Path=/"})
        elif url.path not in ARTICLES:
            self._send(404, "<html><body>not here</body></html>")
        elif self._passed():
            self._send(200, article_html(*ARTICLES[url.path], part=2 if url.query == "page=2" else 1))
        elif "cookie" in url.path:
            self._send(200, COOKIE_CHECK)
        elif "form" in url.path:
            self._send(403, FORM_CHECK.replace("{path}", url.path))
        else:
            self._send(200, DELAY_CHECK.replace("{path}", url.path))

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode())
        self.seen.append(("POST", self.path, self._passed()))
        if self.path == "/verify" and form.get("answer") == ["42"]:
            target = form.get("next", ["/"])[0]
            self._send(303, headers={"Location": target, "Set-Cookie": f"{PASS_COOKIE}=1; Path=/"})
        else:
            self._send(403, "<html><body>wrong answer</body></html>")


@pytest.fixture()
def check_site() -> Iterator[tuple[str, list[tuple[str, str, bool]]]]:
    seen: list[tuple[str, str, bool]] = []
    handler = type("Handler", (CheckSite,), {"seen": seen})
    with serving(handler) as server:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen


@dataclass
class Settled:
    """What the settle tests read: each check's page, and an ordinary page, visited in one Chromium."""

    checks: dict[str, tuple[dict[str, int], str]]  # path -> (settle result, the page's HTML)
    ordinary: dict[str, int]
    seen: list[tuple[str, str, bool]]


@pytest.fixture(scope="module")
def settled() -> Iterator[Settled]:
    """One browser launch for both settle tests (each visit in a context of its own, as before): the
    three checks met with a fresh cookie jar each, then an article with the pass cookie already held."""
    from playwright.async_api import async_playwright

    from newsmon.fetch.policy import OPTIONS as TIER_OPTIONS
    from newsmon.fetch.stealth import init_page, settle_challenge

    seen: list[tuple[str, str, bool]] = []
    handler = type("Handler", (CheckSite,), {"seen": seen})

    async def visit_all(base: str) -> Settled:
        found: dict[str, tuple[dict[str, int], str]] = {}
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=find_chromium(), args=TIER_OPTIONS.default("NEWSMON_CHROMIUM_ARGS")
            )
            request = SimpleNamespace(meta={META_STEALTH: {"user_agent": USER_AGENT}})
            for path in ARTICLES:
                context = await browser.new_context()  # a fresh cookie jar: every check is met once
                page = await context.new_page()
                await init_page(page, request)
                await page.goto(base + path)
                settled = await settle_challenge(page, timeout=20)
                found[path] = (settled, await page.content())
                await context.close()
            context = await browser.new_context()
            await context.add_cookies([{"name": PASS_COOKIE, "value": "1", "url": base}])
            page = await context.new_page()
            await init_page(page, SimpleNamespace(meta={}))
            await page.goto(base + next(iter(ARTICLES)))
            ordinary = await settle_challenge(page, timeout=20)
            await browser.close()
        return Settled(found, ordinary, seen)

    with serving(handler) as server:
        yield asyncio.run(visit_all(f"http://127.0.0.1:{server.server_address[1]}"))


def test_settle_reads_the_page_each_check_leads_to(settled: Settled) -> None:
    """Cookie + reload, form post, redirect after a delay: the content read is the article, its status
    the article's, and the settle result says the check navigated."""
    found, seen = settled.checks, settled.seen
    for path, (title, _) in ARTICLES.items():
        result, html = found[path]
        assert title in html and "<article>" in html, path
        assert result["status"] == 200, (path, result)
        assert result["navigations"] >= 1, (path, result)
    assert ("POST", "/verify", False) in seen  # the form check was really posted


def test_ordinary_page_settles_without_navigation(settled: Settled) -> None:
    """A page that is no check is read at once and says no navigation happened."""
    assert settled.ordinary == {"status": 200, "navigations": 0}


@pytest.mark.crawl
@pytest.mark.parametrize("mode", ["auto", "stealthy"])
def test_crawl_records_every_article_behind_a_check(
    check_site: tuple[str, list[Any]], tmp_path: Path, mode: str
) -> None:
    base, _ = check_site
    result = run_crawl(
        base,
        tmp_path,
        *only_urls(*ARTICLES),
        "-s",
        f"NEWSMON_TIER_MODE={mode}",
        "-s",
        "NEWSMON_TIER_REMEMBER_AFTER=1",
        "-s",
        "NEWSMON_STATE_ENABLED=False",
    )
    assert result.returncode == 0, result.log[-3000:]
    by_path = {urlsplit(r["canonical_url"]).path: r for r in result.records}
    assert set(by_path) == set(ARTICLES), result.log[-3000:]
    assert len(result.records) == len(ARTICLES), [r["url"] for r in result.records]  # none twice
    for path, (title, text) in ARTICLES.items():
        record = by_path[path]
        assert record["fetcher_tier"] == "STEALTHY"
        assert record["title"] == title
        assert text.split(".")[0] in " ".join(record["content"])
    # the browser keeps the pass cookie: the first check passed lets the other articles straight through
    assert result.stats["newsmon/tier/check_passed"] >= 1
    if mode == "auto":
        memory = json.loads((tmp_path / "state" / "euromaidan.hosts.json").read_text())
        assert memory and all(entry["stealthy_until"] for entry in memory.values())


@pytest.mark.crawl
def test_the_later_pages_of_an_article_read_in_the_browser_are_read_there(
    check_site: tuple[str, list[Any]], tmp_path: Path
) -> None:
    """The cookie check's article has a second page: fetched in the browser too (on PLAIN it would be the
    check page again), its text joined into the record."""
    base, seen = check_site
    path = "/2026/03/12/ferry-cookie/"
    result = run_crawl(base, tmp_path, *only_urls(path), "-s", "NEWSMON_TIER_REMEMBER_AFTER=0")
    assert result.returncode == 0, result.log[-3000:]
    (record,) = result.records
    assert record["fetcher_tier"] == "STEALTHY"
    body = record["body"]
    assert all(f" {n}" in body for n in range(1, 13)) and body.index(" 6") < body.index(" 7")
    assert result.stats["newsmon/article/parts_joined"] == 1
    # the second page was asked for once, in the browser (with its cookie)
    assert [entry for entry in seen if entry[1] == path + "?page=2"] == [("GET", path + "?page=2", True)]


@pytest.mark.crawl
def test_a_passed_check_counts_for_the_host_memory(check_site: tuple[str, list[Any]], tmp_path: Path) -> None:
    """One article: its escalation counts once, the check it passed in the browser once more, so with
    NEWSMON_TIER_REMEMBER_AFTER=2 the host is remembered, for the browser check."""
    base, _ = check_site
    result = run_crawl(
        base,
        tmp_path,
        *only_urls("/2026/03/12/lighthouse-delay/"),
        "-s",
        "NEWSMON_TIER_REMEMBER_AFTER=2",
        "-s",
        "NEWSMON_STATE_ENABLED=False",
    )
    assert result.returncode == 0, result.log[-3000:]
    assert len(result.records) == 1
    assert result.stats["newsmon/tier/host_remembered"] == 1
    memory = json.loads((tmp_path / "state" / "euromaidan.hosts.json").read_text())
    assert [entry["reason"] for entry in memory.values()] == ["browser_check"]
