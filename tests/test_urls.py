import pytest

from newsmon.urls import SiteScope, canonicalize, is_followable, strip_tracking


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://Example.COM/a/b/?utm_source=rss&utm_medium=x#top", "https://example.com/a/b/"),
        ("https://example.com/a/?swcfpc=1", "https://example.com/a/"),
        ("https://example.com/a/?b=2&fbclid=XYZ&a=1&gclid=1", "https://example.com/a/?a=1&b=2"),
        ("https://example.com/a/?p=123", "https://example.com/a/?p=123"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/caf%C3%A9/", "https://example.com/caf%C3%A9/"),
    ],
)
def test_canonicalize(url, expected):
    assert canonicalize(url) == expected


def test_strip_tracking_keeps_other_params_in_order():
    assert strip_tracking("http://h/x?z=1&utm_campaign=a&a=2#f") == "http://h/x?z=1&a=2"


def test_custom_tracking_patterns():
    assert canonicalize("http://h/x?ref=1&keep=2", ["ref"]) == "http://h/x?keep=2"


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "mailto:a@b", "file:///etc/passwd", "data:text/html,x", "ftp://h/x"]
)
def test_only_http_is_followable(url):
    assert not is_followable(url)


def test_scope_maps_site_hosts_onto_mirror():
    scope = SiteScope.build("https://example.com", ["example.com"], mirror="http://127.0.0.1:8123")
    assert (
        scope.localize("https://www.example.com/2026/01/01/a/?x=1")
        == "http://127.0.0.1:8123/2026/01/01/a/?x=1"
    )
    assert scope.localize("http://127.0.0.1:8123/b/") == "http://127.0.0.1:8123/b/"
    assert scope.localize("https://other.org/a/") is None
    assert scope.localize("javascript:void(0)") is None
    assert scope.absolute("/feed/") == "http://127.0.0.1:8123/feed/"
    assert scope.crawl_host == "127.0.0.1"


def test_scope_without_mirror_is_the_site():
    scope = SiteScope.build("https://example.com")
    assert scope.origin == "https://example.com"
    assert scope.is_same_site("https://www.example.com/")
    assert not scope.is_same_site("https://example.com.evil.org/")
