"""Unit tests of the safety components: SSRF address rules and settings, Retry-After parsing, soft 404s."""

from __future__ import annotations

import asyncio
import ipaddress
from datetime import UTC, datetime

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from newsmon.fetch.retry import retry_after_seconds
from newsmon.fetch.soft404 import is_soft_404
from newsmon.fetch.ssrf import SsrfConfig, SsrfGuard, SsrfRefused, is_public, origin_of
from newsmon.urls import SiteScope


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:4700::6810:84e5", True),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("172.31.255.255", False),
        ("172.32.0.1", True),
        ("192.168.1.1", False),
        ("127.0.0.1", False),
        ("127.0.0.2", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("239.255.255.250", False),
        ("255.255.255.255", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fd00::1", False),
        ("ff02::1", False),
        ("::ffff:10.0.0.1", False),
        ("::ffff:169.254.169.254", False),
        ("::ffff:93.184.215.14", True),
        ("2002:a9fe:a9fe::1", False),  # 6to4 wrapping 169.254.169.254
    ],
)
def test_is_public(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


def test_allowed_hosts_setting_is_parsed_once() -> None:
    crawler = get_crawler(
        Spider, settings_dict={"NEWSMON_SSRF_ALLOWED_HOSTS": ["Intranet.Example", "10.0.0.0/8", "::1"]}
    )
    config = SsrfConfig.from_settings(crawler.settings)
    assert config.allowed_hosts == {"intranet.example"}
    assert config.allows("intranet.example", ipaddress.ip_address("192.168.0.1"))
    assert config.allows("x", ipaddress.ip_address("10.9.8.7"))
    assert config.allows("x", ipaddress.ip_address("::1"))
    assert not config.allows("x", ipaddress.ip_address("192.168.0.1"))


def test_bad_allowed_host_is_rejected() -> None:
    crawler = get_crawler(Spider, settings_dict={"NEWSMON_SSRF_ALLOWED_HOSTS": ["http://x:80/"]})
    with pytest.raises(ValueError, match="NEWSMON_SSRF_ALLOWED_HOSTS"):
        SsrfConfig.from_settings(crawler.settings)


def test_guard_off_is_not_configured() -> None:
    with pytest.raises(NotConfigured):
        SsrfGuard.from_crawler(get_crawler(Spider, settings_dict={"NEWSMON_SSRF_GUARD": False}))


def guard(origin: str, allowed: list[str] | None = None) -> SsrfGuard:
    crawler = get_crawler(
        Spider, settings_dict={"NEWSMON_SSRF_GUARD": True, "NEWSMON_SSRF_ALLOWED_HOSTS": allowed or []}
    )
    middleware = SsrfGuard.from_crawler(crawler)
    # the crawl origin, as the spider's site scope gives it (newsmon.context.CrawlContext.crawl_origin)
    middleware.rule.bind(SiteScope.build("https://euromaidanpress.com", mirror=origin).origin)
    return middleware


def check(middleware: SsrfGuard, url: str) -> bool:
    """True when the guard lets url through (IP literals only: no resolver needed)."""
    try:
        asyncio.run(middleware.process_request(Request(url)))
    except SsrfRefused:
        return False
    return True


def test_origin_is_its_own_host_and_port() -> None:
    middleware = guard("http://127.0.0.1:8080")
    assert check(middleware, "http://127.0.0.1:8080/2026/01/01/x/")
    assert not check(middleware, "http://127.0.0.1:6379/")  # another port on the same address
    assert not check(middleware, "http://127.0.0.2:8080/")
    assert not check(middleware, "http://[::1]:8080/")
    assert not check(middleware, "http://169.254.169.254/latest/meta-data/")
    assert check(middleware, "http://93.184.215.14/")  # public: the guard's business ends there
    assert middleware.stats.get_value("newsmon/ssrf/refused") == 4


def test_schemes_other_than_http_are_refused() -> None:
    middleware = guard("https://euromaidanpress.com")
    for url in ("file:///etc/passwd", "ftp://93.184.215.14/", "data:text/html,x", "s3://bucket/key"):
        assert not check(middleware, url), url


def test_allow_list_opens_a_private_address() -> None:
    middleware = guard("https://euromaidanpress.com", ["10.0.0.0/8"])
    assert check(middleware, "http://10.1.1.1/")
    assert not check(middleware, "http://192.168.1.1/")


def test_origin_of_fills_default_ports() -> None:
    assert origin_of("https://Example.com") == ("example.com", 443)
    assert origin_of("http://127.0.0.1:8080/") == ("127.0.0.1", 8080)
    assert origin_of("ftp://x/") is None


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (b"5", 5.0),
        ("120", 120.0),
        (b"Wed, 25 Nov 2026 12:00:30 GMT", 30.0),
        (b"Wed, 25 Nov 2026 11:00:00 GMT", 0.0),  # in the past: no wait
        (b"soon", None),
        (None, None),
        (b"-3", None),
    ],
)
def test_retry_after_seconds(value: bytes | str | None, seconds: float | None) -> None:
    now = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds(value, now) == seconds


@pytest.mark.parametrize(
    ("html", "soft_404"),
    [
        (b"<title>Page not found - Euromaidan Press</title>", True),
        (b"<title>404</title>", True),
        (b"<html><h1>Not Found</h1>", True),
        (b"<title>Error 404 | News</title>", True),
        (b"<title>Flight 404 lands safely</title>", False),
        (b"<title>Bodies not found in the rubble</title><h1>Bodies not found in the rubble</h1>", False),
    ],
)
def test_soft_404(html: bytes, soft_404: bool) -> None:
    assert is_soft_404(html) is soft_404
