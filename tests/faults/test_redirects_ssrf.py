"""Redirects and links to other hosts, private, loopback and link-local addresses, and non-http schemes.

Two layers refuse them: Scrapy's OffsiteMiddleware drops a redirect to a host outside the site when the
redirect is scheduled (``offsite/filtered``); the SSRF guard (newsmon.fetch.ssrf) refuses every request
whose host is, or resolves to, a non-public address other than the crawl origin, including the ones
Offsite lets through: a retried request is ``dont_filter``, and so is its redirect
(``newsmon/ssrf/refused``). The fault server is the site (127.0.0.1:PORT); on Linux 127.0.0.2 and
``localhost`` reach the same server, so its request log shows that nothing went through them.
"""

from __future__ import annotations

from typing import Any

import pytest

from newsmon.monitors.checks import EXIT_MONITORS_FAILED
from tests.crawl_helpers import CrawlResult
from tests.faults.conftest import fault_crawl, warnings_about
from tests.faults.pages import PARAGRAPHS, article_html, rss
from tests.faults.server import FaultHandler, FaultServer

pytestmark = pytest.mark.crawl

D = "/2026/03/11"
GOOD = [f"{D}/good-one/", f"{D}/good-two/", f"{D}/links-everywhere/"]
SECRET = f"{D}/secret/"  # only reachable through a refused host


def targets(port: int, other_port: int) -> dict[str, tuple[str, str]]:
    """name -> (redirect target, address the guard names)."""
    return {
        "metadata": ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        "private": ("http://10.0.0.1/", "10.0.0.1"),
        "loopback2": (f"http://127.0.0.2:{port}{SECRET}", "127.0.0.2"),
        "localhost": (f"http://localhost:{port}{SECRET}", "127.0.0.1"),
        "other-port": (f"http://127.0.0.1:{other_port}{SECRET}", "127.0.0.1"),
        # w3lib >= 2.6 rewrites it to dotted form (127.0.0.2) before the guard sees it; older ones do not
        "decimal-ip": (f"http://2130706434:{port}{SECRET}", "127.0.0.2"),
        "ipv6-loopback": (f"http://[::1]:{port}{SECRET}", "::1"),
        "ipv4-mapped": ("http://[::ffff:169.254.169.254]/latest/meta-data/", "::ffff:a9fe:a9fe"),
        "cgnat": ("http://100.64.0.1/", "100.64.0.1"),
        "file": ("file:///etc/passwd", "file: scheme"),
    }


def page(title: str, **kwargs: Any) -> bytes:
    return article_html(title, paragraphs=(f"{title}: council news.", *PARAGRAPHS), **kwargs).encode()


def build_server(other: FaultServer) -> FaultServer:
    server = FaultServer()
    server.routes["/feed/"] = lambda h, n: h.send_body(
        200, rss([server.base_url + p for p in GOOD]), "application/rss+xml"
    )
    for path in GOOD[:2]:
        server.routes[path] = lambda h, n, path=path: h.send_body(200, page(f"Good story {path}"))
    server.routes[SECRET] = lambda h, n: h.send_body(200, page("A page nobody should fetch"))
    # an article whose links point everywhere they must not lead
    hostile_links = (
        ("javascript:alert(1)", "js"),
        ("file:///etc/passwd", "file"),
        ("data:text/html,<h1>x</h1>", "data"),
        ("ftp://127.0.0.1/pub/", "ftp"),
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("http://10.0.0.1/2026/03/11/x/", "private"),
        (f"http://localhost:{server.port}{SECRET}", "localhost"),
    )
    server.routes[GOOD[2]] = lambda h, n: h.send_body(
        200, page("Links everywhere", links=hostile_links, read_also=hostile_links)
    )
    for name, (target, _) in targets(server.port, other.port).items():
        # direct: Offsite drops it; after a 503 the retried request (dont_filter) reaches the guard
        server.routes[f"{D}/to-{name}/"] = lambda h, n, target=target: h.redirect(target)

        def retried(h: FaultHandler, n: int, target: str = target) -> None:
            if n == 1:
                h.send_body(503, b"busy")
            else:
                h.redirect(target)

        server.routes[f"{D}/retry-to-{name}/"] = retried
    server.routes[f"{D}/to-offsite/"] = lambda h, n: h.redirect("https://elsewhere.example/2026/03/11/x/")
    return server


@pytest.fixture(scope="module")
def other() -> Any:
    with FaultServer() as srv:  # another service on the same machine, another port
        srv.routes[SECRET] = lambda h, n: h.send_body(200, page("Another service"))
        yield srv


@pytest.fixture(scope="module")
def server(other: FaultServer) -> Any:
    with build_server(other) as srv:
        yield srv


@pytest.fixture(scope="module")
def crawl(server: FaultServer, tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    names = targets(0, 0)
    urls = [f"{D}/to-{n}/" for n in names] + [f"{D}/retry-to-{n}/" for n in names] + [f"{D}/to-offsite/"]
    result = fault_crawl(server, tmp_path_factory.mktemp("ssrf"), feeds="/feed/", urls=urls)
    # most of these requests fail on purpose: the error-ratio monitor says so (exit status 3), and only it
    assert result.returncode == EXIT_MONITORS_FAILED, result.log[-3000:]
    assert result.stats["newsmon/monitor/summary"] == "fail: error_ratio"
    return result


def test_good_articles_still_come_out(crawl: CrawlResult) -> None:
    assert set(crawl.by_path()) == set(GOOD)


def test_nothing_fetched_through_a_refused_host(
    crawl: CrawlResult, server: FaultServer, other: FaultServer
) -> None:
    assert server.count(SECRET) == 0
    assert {hit.host for hit in server.hits} == {f"127.0.0.1:{server.port}"}
    assert other.hits == []


def test_retried_redirects_are_refused_by_the_guard(crawl: CrawlResult, server: FaultServer) -> None:
    names = {k: v for k, v in targets(server.port, 0).items() if k != "file"}
    # each retried redirect, plus the direct one to the origin's host on another port (Offsite allows
    # the host whatever the port)
    assert crawl.stats["newsmon/ssrf/refused"] == len(names) + 1
    assert crawl.stats["newsmon/article/failed/ssrf_refused"] == len(names) + 1
    refused = warnings_about(crawl.log, "SSRF guard refused")
    for name, (_, address) in names.items():
        assert [line for line in refused if f" is {address}, not the site's own" in line], (name, address)
    assert [line for line in refused if f"localhost:{server.port} is 127.0.0.1" in line]


def test_refused_before_any_connection(crawl: CrawlResult) -> None:
    # no download was even tried: no timeout, refused connection or DNS error anywhere in the run
    exceptions = {k for k in crawl.stats if k.startswith("downloader/exception_type_count/")}
    assert exceptions == {"downloader/exception_type_count/newsmon.fetch.ssrf.SsrfRefused"}
    crawled = "".join(line for line in crawl.log.splitlines() if "Crawled (" in line)
    assert "169.254.169.254" not in crawled and "10.0.0.1" not in crawled


def test_direct_redirects_off_the_site_are_dropped_by_offsite(crawl: CrawlResult) -> None:
    # 8 IP-literal and name targets on other hosts, and elsewhere.example; never resolved or connected
    assert crawl.stats["offsite/filtered"] == 9


def test_redirect_to_a_non_http_scheme_is_not_followed(crawl: CrawlResult) -> None:
    # Scrapy's RedirectMiddleware keeps the 302 of a file: redirect; the spider counts it
    assert crawl.stats["newsmon/article/http_error/302"] == 2  # direct and retried


def test_hostile_links_are_recorded_never_requested(crawl: CrawlResult, server: FaultServer) -> None:
    record = crawl.by_path()[GOOD[2]][0]
    assert record["title"] == "Links everywhere"
    schemes = {link["url"].split(":", 1)[0] for link in record["links"]}
    assert schemes <= {"http", "https"}
    assert server.count(SECRET) == 0
    # the three http(s) Read also links to other hosts, each counted once (the related-link filter counted
    # them a second time: 6)
    assert crawl.stats["newsmon/link/offsite"] == 3
    assert server.paths() <= {
        "/robots.txt",
        "/feed/",
        *GOOD,
        *(f"{D}/{p}-{n}/" for p in ("to", "retry-to") for n in [*targets(0, 0), "offsite"]),
    }
