"""Sitemap parsing: Google News fields kept, indexes, gzip, robots.txt, hostile XML."""

from __future__ import annotations

import gzip
import time

from newsmon.discovery.sitemaps import parse_sitemap, robots_sitemaps

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url>
    <loc>https://gazette.example/2026/03/01/ferry-engine/</loc>
    <lastmod>2026-03-01T12:00:00+02:00</lastmod>
    <news:news>
      <news:publication><news:name>Lowmarsh Gazette</news:name>
        <news:language>en</news:language></news:publication>
      <news:publication_date>2026-03-01T09:30:00+02:00</news:publication_date>
      <news:title>Ferry gets a new engine</news:title>
    </news:news>
  </url>
  <url><loc>/2026/02/28/relative-loc/</loc><lastmod>2026-02-28</lastmod></url>
  <url><loc>javascript:alert(1)</loc></url>
</urlset>"""

INDEX = b"""<?xml version="1.0"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://gazette.example/sitemap-news.xml.gz</loc></sitemap>
  <sitemap><loc>https://gazette.example/sitemap-2026-02.xml</loc><lastmod>2026-03-01</lastmod></sitemap>
</sitemapindex>"""


def test_news_sitemap_keeps_publication_date_and_title() -> None:
    result = parse_sitemap(NEWS_SITEMAP, "https://gazette.example/sitemap-news.xml")
    assert result.kind == "urlset" and result.error is None
    first, second = result.entries
    assert first.url == "https://gazette.example/2026/03/01/ferry-engine/"
    assert first.news_title == "Ferry gets a new engine"
    assert first.news_published_at == "2026-03-01T09:30:00+02:00"  # the offset as written
    assert first.lastmod == "2026-03-01T12:00:00+02:00"
    assert second.url == "https://gazette.example/2026/02/28/relative-loc/"
    assert second.news_published_at is None


def test_index_and_gzip() -> None:
    index = parse_sitemap(INDEX, "https://gazette.example/sitemap.xml")
    assert index.kind == "sitemapindex"
    assert index.sitemaps == [
        "https://gazette.example/sitemap-news.xml.gz",
        "https://gazette.example/sitemap-2026-02.xml",
    ]
    zipped = parse_sitemap(gzip.compress(NEWS_SITEMAP), "https://gazette.example/sitemap-news.xml.gz")
    assert len(zipped.entries) == 2


def test_robots_sitemap_lines() -> None:
    robots = "User-agent: *\nDisallow: /wp-admin/\nSitemap: /sitemap_index.xml\nSitemap: https://gazette.example/news.xml\n"
    assert robots_sitemaps(robots, "https://gazette.example/robots.txt") == [
        "https://gazette.example/sitemap_index.xml",
        "https://gazette.example/news.xml",
    ]


def test_not_a_sitemap_and_ill_formed() -> None:
    html = parse_sitemap(b"<html><body>Not found</body></html>", "https://gazette.example/sitemap.xml")
    assert html.kind == "" and "not a sitemap" in (html.error or "")
    broken = parse_sitemap(
        NEWS_SITEMAP.replace(b"</urlset>", b"<url><loc>x</lo"), "https://gazette.example/s.xml"
    )
    assert broken.error and len(broken.entries) == 2


def test_entity_expansion_and_external_entities_are_refused() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'.encode()
            for i in range(1, 10)
        )
        + b"]><urlset><url><loc>https://gazette.example/&lol9;</loc></url></urlset>"
    )
    started = time.monotonic()
    result = parse_sitemap(laughs, "https://gazette.example/s.xml")
    assert time.monotonic() - started < 2
    assert all(len(entry.url) < 1000 for entry in result.entries)
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<urlset><url><loc>https://gazette.example/&x;</loc></url></urlset>"
    )
    result = parse_sitemap(xxe, "https://gazette.example/s.xml")
    assert not any("root:" in entry.url for entry in result.entries)


def test_huge_sitemap_is_bounded() -> None:
    rows = b"".join(b"<url><loc>https://gazette.example/a/%d/</loc></url>" % i for i in range(20_000))
    result = parse_sitemap(
        b"<urlset>" + rows + b"</urlset>", "https://gazette.example/s.xml", max_entries=5_000
    )
    assert len(result.entries) == 5_000 and result.truncated


def test_index_children_newest_first() -> None:
    from newsmon.discovery.sitemaps import SitemapEntry, newest_first

    def child(path: str, lastmod: str | None = None) -> SitemapEntry:
        return SitemapEntry(f"https://gazette.example{path}", lastmod=lastmod)

    children = [
        child("/post-sitemap.xml"),  # nothing to tell its age by: kept first, in document order
        child("/post-sitemap2.xml"),
        child("/post-sitemap12.xml"),
        child("/sitemap-2026-02.xml"),  # a date in the name
        child("/archive/2025/12/31.xml"),  # a date in the path
        child("/news-sitemap.xml"),
        child("/pages-a.xml", lastmod="2026-03-01T00:00:00+00:00"),  # <lastmod> wins over anything else
        child("/pages-2019-01.xml", lastmod="2026-03-02T00:00:00+02:00"),  # 2026-03-01T22:00Z: newest
        child("/pages-b.xml", lastmod="2026-01-15T00:00:00+00:00"),
    ]
    assert [c.url.removeprefix("https://gazette.example") for c in newest_first(children)] == [
        "/post-sitemap.xml",
        "/news-sitemap.xml",
        "/pages-2019-01.xml",
        "/pages-a.xml",
        "/sitemap-2026-02.xml",
        "/pages-b.xml",
        "/archive/2025/12/31.xml",
        "/post-sitemap12.xml",  # numbered: highest first (WordPress and Yoast number the oldest posts 1)
        "/post-sitemap2.xml",
    ]
    index = parse_sitemap(INDEX, "https://gazette.example/sitemap.xml")
    assert index.children[1].lastmod == "2026-03-01T00:00:00+00:00"


def test_gzip_bomb_is_cut_at_the_limit_keeping_what_came_before() -> None:
    head = b'<?xml version="1.0"?><urlset><url><loc>https://gazette.example/a/</loc></url>'
    bomb = gzip.compress(head + b"<!---->" * 10_000_000 + b"</urlset>")  # 70 MB of comments, ~100 KB
    started = time.monotonic()
    result = parse_sitemap(bomb, "https://gazette.example/s.xml.gz")
    assert time.monotonic() - started < 10
    assert result.too_large and result.error == f"gzip bomb: unpacks to more than {64 * 1024 * 1024} bytes"
    assert [e.url for e in result.entries] == ["https://gazette.example/a/"]
    small = parse_sitemap(bomb, "https://gazette.example/s.xml.gz", max_unzipped=1024 * 1024)
    assert small.too_large and small.kind == "urlset" and len(small.entries) == 1
    # 64 MiB of zeros (the classic bomb) is not XML: refused at its first bytes, nothing unpacked beyond
    zeros = parse_sitemap(gzip.compress(b"\0" * (64 * 1024 * 1024 + 1)), "https://gazette.example/z.xml.gz")
    assert zeros.kind == "" and zeros.error and not zeros.entries
    # a gzip stream cut short keeps the entries read before the cut
    cut = gzip.compress(NEWS_SITEMAP)[:-30]
    partial = parse_sitemap(cut, "https://gazette.example/s.xml.gz")
    assert partial.error and partial.error.startswith(("bad gzip", "ill-formed"))
