"""Quick checks of the two sites without crawling: pages render, feeds and sitemaps parse, truth is consistent."""

from __future__ import annotations

import gzip
import re
import tomllib
import urllib.request
from datetime import datetime
from urllib.parse import urljoin, urlsplit

import feedparser
import pytest
from lxml import html as lxml_html

from newsmon.discovery.sitemaps import parse_sitemap, robots_sitemaps
from newsmon.sites import load_site_config
from tests.othersites import atom_site, sitemap_content, sitemap_site
from tests.othersites.model import Expected

SITES = [atom_site, sitemap_site]


def _text(body: bytes) -> str:
    """The visible text of a page (script and style dropped), whitespace collapsed."""
    texts = lxml_html.fromstring(body).xpath("//text()[not(parent::script or parent::style)]")
    assert isinstance(texts, list)
    return " ".join("".join(str(t) for t in texts).split())


# --- Harbour Times (Atom) ------------------------------------------------------------------------
def test_atom_feed_parses_with_absolute_links_after_xml_base():
    site = atom_site.build_site()
    reply = site.handle("/atom.xml")
    assert reply.status == 200 and reply.content_type.startswith("application/atom+xml")
    assert (
        b"<rss" not in reply.body and b'href="http' not in reply.body.split(b"<entry", 1)[1]
    )  # relative links
    parsed = feedparser.parse(
        reply.body,
        response_headers={
            "content-location": atom_site.ORIGIN + "/atom.xml",
            "content-type": reply.content_type,
        },
    )
    assert parsed.version == "atom10" and not parsed.bozo
    links = [e.link for e in parsed.entries]
    feed_urls = [a.url for a in site.feed_articles()]
    assert [u for u in links if "/stories/" in u] == feed_urls
    assert f"{atom_site.ORIGIN}/topics/{atom_site.HUB_ENTRY_TOPIC}/" in links  # a hub among the entries
    assert all(u.startswith(atom_site.ORIGIN + "/") for u in links)


def test_atom_site_has_no_rss_and_no_sitemap():
    site = atom_site.build_site()
    for path in ("/feed/", "/rss.xml", "/sitemap.xml"):
        assert site.handle(path).status == 404
    assert b"Sitemap:" not in site.handle("/robots.txt").body


def test_atom_article_pages_render_body_related_and_boilerplate():
    site = atom_site.build_site()
    for path, exp in site.expected_by_path(follow_depth=3).items():
        reply = site.handle(path)
        assert reply.status == 200, path
        page = reply.body.decode()
        assert f'<link rel="canonical" href="{exp.canonical_url}">' in page
        text = _text(reply.body)
        for phrase in (*exp.body_phrases, *exp.tail_phrases, *exp.boilerplate_phrases, exp.title):
            assert phrase in text, (path, phrase)
        tree = lxml_html.fromstring(reply.body)
        block = tree.xpath("//div[@class='ht-more']")
        if exp.read_also:
            assert block[0].xpath("string(h2)") in ("Related", "Related stories")
            hrefs = block[0].xpath(".//a/@href")
            resolved = [urlsplit(urljoin(atom_site.ORIGIN + path, h)).path for h in hrefs]
            assert resolved == [p for p, _ in exp.read_also]
        else:
            assert not block
        has_jsonld = "application/ld+json" in page
        assert has_jsonld == (exp.metadata_style == "jsonld")
        assert ("article:published_time" in page) == (exp.metadata_style == "meta")


def test_atom_related_links_mix_relative_root_and_absolute():
    site = atom_site.build_site()
    styles = {style for a in site.articles for _, style in a.related}
    assert styles == {"abs", "root", "rel"}
    page = site.handle(site.article("ferry-timetable").path).body.decode()
    assert 'href="2026-03-28-lighthouse-keepers"' in page  # document-relative


def test_atom_truth_reaches_depths_and_excludes_the_depth_three_article():
    site = atom_site.build_site()
    expected = site.expected_by_path(follow_depth=2)
    hops = sorted(e.hops for e in expected.values())
    assert hops == [0, 0, 0, 0, 1, 1, 2]
    deep = site.article("net-mending-school")
    assert deep.path not in expected and site.unreachable_paths(2) == [deep.path]
    assert deep.path in site.expected_by_path(follow_depth=3)
    not_in_feed = [e for e in expected.values() if e.hops == 1]
    assert all(e.discovered_via == "read_also" for e in not_in_feed)
    assert {e.metadata_style for e in expected.values()} == {"jsonld", "meta", "visible"}
    for e in expected.values():
        assert datetime.fromisoformat(e.published_at or "").utcoffset() is not None


def test_atom_never_records_are_served_and_outside_the_article_pattern():
    site = atom_site.build_site()
    config = load_site_config(str(atom_site.CONFIG))
    for path in site.never_record_paths():
        assert site.handle(path).status == 200, path
        assert not config.is_article_path(path), path
    for path in site.expected_by_path(3):
        assert config.is_article_path(path) and not config.is_hub_path(path)


# --- Valley Ledger (sitemaps, JavaScript bodies) -------------------------------------------------
def test_sitemap_index_from_robots_and_gzipped_news_sitemap_parse():
    site = sitemap_site.build_site()
    robots = site.handle("/robots.txt").body.decode()
    [index_url] = robots_sitemaps(robots, sitemap_site.ORIGIN + "/robots.txt")
    assert index_url == sitemap_site.ORIGIN + sitemap_site.INDEX_PATH
    index = parse_sitemap(site.handle(sitemap_site.INDEX_PATH).body, index_url)
    assert index.kind == "sitemapindex" and not index.error
    assert index.sitemaps == [
        sitemap_site.ORIGIN + sitemap_site.NEWS_SITEMAP_PATH,
        sitemap_site.ORIGIN + sitemap_site.PAGES_SITEMAP_PATH,
    ]
    reply = site.handle(sitemap_site.NEWS_SITEMAP_PATH)
    assert reply.content_type == "application/x-gzip" and "Content-Encoding" not in reply.headers
    assert reply.body[:2] == b"\x1f\x8b" and b"<urlset" in gzip.decompress(reply.body)
    news = parse_sitemap(reply.body, index.sitemaps[0])
    assert news.kind == "urlset" and not news.error
    by_url = {e.url: e for e in news.entries}
    in_news = [a for a in site.articles if a.news_published_at is not None]
    assert set(by_url) == {a.url for a in in_news}
    for a in in_news:
        entry = by_url[a.url]
        assert entry.news_title == a.title
        assert a.news_published_at is not None and entry.news_published_at is not None
        assert datetime.fromisoformat(entry.news_published_at) == a.news_published_at


def test_pages_sitemap_lists_articles_and_non_articles():
    site = sitemap_site.build_site()
    url = sitemap_site.ORIGIN + sitemap_site.PAGES_SITEMAP_PATH
    pages = parse_sitemap(site.handle(sitemap_site.PAGES_SITEMAP_PATH).body, url)
    paths = [urlsplit(e.url).path for e in pages.entries]
    assert set(site.never_record_paths()) <= set(paths)
    listed = {a.path for a in site.articles if a.in_pages}
    assert listed and listed <= set(paths)
    news_paths = {a.path for a in site.articles if a.news_published_at is not None}
    assert {a.path for a in site.articles} == news_paths | listed  # every article is in some sitemap
    assert listed - news_paths  # some only in the plain sitemap


def test_sitemap_site_has_no_feed():
    site = sitemap_site.build_site()
    for path in ("/feed/", "/rss.xml", "/atom.xml", "/sitemap.xml"):
        assert site.handle(path).status == 404
    for a in site.articles:
        assert "application/rss+xml" not in site.handle(a.path).body.decode()


def test_js_pages_hold_title_but_no_body_text_in_raw_html():
    site = sitemap_site.build_site()
    for path, exp in site.expected_by_path().items():
        raw = site.handle(path).body
        text = _text(raw)
        assert exp.title in text and all(n in text for n in exp.authors)
        for phrase in (*exp.body_phrases, *exp.tail_phrases):
            assert phrase not in raw.decode(), (path, phrase)
        container = lxml_html.fromstring(raw).get_element_by_id(sitemap_site.BODY_ID)
        assert (
            " ".join(container.text_content().split()) == sitemap_content.NOSCRIPT
        )  # empty but for noscript
        # The body script carries the text (what a browser would show).
        assert re.search(r'atob\("[A-Za-z0-9+/=]+"\)', raw.decode())


def test_sitemap_truth_dates_from_page_or_news_sitemap():
    site = sitemap_site.build_site()
    expected = site.expected_by_path()
    assert len(expected) == len(site.articles)
    by_source: dict[str, list[Expected]] = {}
    for e in expected.values():
        by_source.setdefault(e.published_from, []).append(e)
        assert e.fetcher_tier == "STEALTHY" and e.discovered_via == "sitemap"
    assert set(by_source) == {"sitemap", "jsonld", "meta", "visible"}
    for a in site.articles:
        page = site.handle(a.path).body.decode()
        e = expected[a.path]
        dated = ("datePublished" in page) or ("article:published_time" in page) or ("<time" in page)
        assert dated == (e.published_from != "sitemap"), a.slug
        if e.published_from == "sitemap":
            assert a.news_published_at is not None
            assert datetime.fromisoformat(e.published_at or "") == a.news_published_at
            assert not re.search(r"\b20\d\d\b", _text(page.encode()))  # no visible date-like text either
        elif a.news_published_at is not None:  # the page's date must win over a different sitemap date
            assert datetime.fromisoformat(e.published_at or "") == a.published_at
    assert any(a.news_published_at not in (None, a.published_at) for a in site.articles)


def test_sitemap_never_records_are_served_and_outside_the_article_pattern():
    site = sitemap_site.build_site()
    config = load_site_config(str(sitemap_site.CONFIG))
    for path in site.never_record_paths():
        assert site.handle(path).status == 200 and not config.is_article_path(path), path
    for path in site.expected_by_path():
        assert config.is_article_path(path) and not config.is_hub_path(path)


# --- both ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("module", SITES, ids=["atom", "sitemap"])
def test_configs_carry_the_new_keys(module):
    data = tomllib.loads(module.CONFIG.read_text(encoding="utf-8"))
    for key in ("feeds", "sitemaps", "robots_sitemaps", "categories", "article_pattern", "hub_patterns"):
        assert key in data, key
    assert data["origin"] == module.ORIGIN and data["hosts"] == [module.HOST]
    assert data["follow_depth"] == module.FOLLOW_DEPTH and data["tier_mode"] == "auto"
    assert data["categories"] == []
    assert bool(data["feeds"]) == (module is atom_site)
    assert data["robots_sitemaps"] == (module is sitemap_site)


@pytest.mark.parametrize("module", SITES, ids=["atom", "sitemap"])
def test_served_over_http_with_request_log(module):
    site = module.build_site()
    some = next(iter(site.expected_by_path()))
    with module.serve(site) as server:
        assert server.base_url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(server.base_url + some + "?utm_source=x", timeout=5) as response:
            assert response.status == 200 and b"<h1" in response.read()
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(server.base_url + "/no-such-page", timeout=5)
        info.value.close()
        assert info.value.code == 404
        assert server.paths() == [some, "/no-such-page"]
        assert server.count(some) == 1
