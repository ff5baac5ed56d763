"""The site farm (bench/site_farm.py) serves what it promises: one loopback address per site, valid site
configs, feeds and listings naming every article, 304s on conditional GETs, a JavaScript-only site, a site
refusing connections and one answering 503, a request log good for politeness checks."""

from __future__ import annotations

import http.client
import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.site_farm import FarmProcess, FarmSite, SiteFarm, by_host, max_concurrency, min_gap
from newsmon.extract.worker import extract_page_data
from newsmon.fetch.challenge import has_scripts
from newsmon.sites import read_site_file

JS, DOWN, UNAVAILABLE = 2, 3, 4


@pytest.fixture(scope="module")
def farm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteFarm]:
    directory = tmp_path_factory.mktemp("farm")
    with SiteFarm(
        5, directory, articles=4, js_sites={JS}, down_sites={DOWN}, unavailable_sites={UNAVAILABLE}
    ) as f:
        yield f


def get(site: FarmSite, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection(site.host, site.port, timeout=5)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def text(site: FarmSite, path: str) -> str:
    conn = http.client.HTTPConnection(site.host, site.port, timeout=5)
    conn.request("GET", path)
    response = conn.getresponse()
    assert response.status == 200, path
    body = response.read().decode()
    conn.close()
    return body


def test_every_site_has_its_own_loopback_address_and_a_valid_config(farm: SiteFarm) -> None:
    hosts = [site.host for site in farm.sites]
    assert len(set(hosts)) == 5
    assert all(h.startswith("127.0.") and h != "127.0.0.1" for h in hosts)
    assert sorted(p.name for p in farm.sites_dir.iterdir()) == [f"site{i:04d}.toml" for i in range(5)]
    for site in farm.sites:
        config = read_site_file(farm.sites_dir / f"{site.name}.toml")
        assert (config.name, config.origin) == (site.name, site.origin)
        assert config.interval.total_seconds() == 3600
        assert config.feeds == (site.feed,) and config.categories == ("/category/news/",)
        paths = [url.removeprefix(site.origin) for url in site.articles]
        assert len(paths) == 4 and all(config.is_article_path(p) for p in paths)
        assert all(config.is_hub_path(p) for p in (site.feed, "/category/news/", "/"))
        assert not any(config.is_hub_path(p) for p in paths)
    manifest = json.loads(farm.manifest.read_text())
    assert [s["name"] for s in manifest["sites"]] == farm.names
    assert farm.truth["site0000"] == farm.sites[0].articles
    assert farm.truth[f"site{DOWN:04d}"] == [] and farm.truth[f"site{UNAVAILABLE:04d}"] == []


def test_feeds_and_listing_name_every_article_and_articles_link_their_own_site(farm: SiteFarm) -> None:
    rss, atom = farm.sites[0], farm.sites[1]
    assert rss.url_style == "date" and atom.url_style == "id"
    assert "<rss" in text(rss, "/feed/") and "<feed" in text(atom, "/atom.xml")
    assert re.match(r"^/\d{4}/\d{2}/\d{2}/[a-z0-9-]+/$", rss.articles[0].removeprefix(rss.origin))
    for site in (rss, atom):
        feed, listing = text(site, site.feed), text(site, "/category/news/")
        assert all(url in feed and url in listing for url in site.articles)
        assert "Disallow: /private/" in text(site, "/robots.txt")
        page = text(site, site.articles[0].removeprefix(site.origin))
        assert '"datePublished"' in page and "<h2>Related</h2>" in page
        links = re.findall(r'href="([^"]+)"', page)
        assert all(link.startswith((site.origin, "/")) for link in links)
        related = page.split("<h2>Related</h2>", 1)[1]
        assert sum(url in related for url in site.articles[1:]) >= 2


def test_conditional_gets_are_answered_304(farm: SiteFarm) -> None:
    site = farm.sites[0]
    farm.clear_requests()
    for path in (site.feed, "/category/news/", site.articles[1].removeprefix(site.origin)):
        first = get(site, path)
        etag, modified = first.getheader("ETag"), first.getheader("Last-Modified")
        assert first.status == 200 and etag and modified
        assert get(site, path, {"If-None-Match": etag}).status == 304
        assert get(site, path, {"If-Modified-Since": modified}).status == 304
        assert get(site, path, {"If-None-Match": '"stale"', "If-Modified-Since": modified}).status == 200
    log = farm.requests(site.host)
    assert [r.status for r in log[:4]] == [200, 304, 304, 200]
    assert [r.conditional for r in log[:4]] == [False, True, True, True]
    assert {r.kind for r in log} == {"feed", "listing", "article"}
    assert max_concurrency(log) == 1 and (min_gap(log) or 0) > 0
    assert set(by_host(farm.requests())) == {site.host}


def test_publish_changes_the_feed(farm: SiteFarm) -> None:
    site = farm.sites[1]
    etag = get(site, site.feed).getheader("ETag")
    url = farm.publish(site.name)
    assert url == site.articles[-1] and len(site.articles) == 5
    assert get(site, site.feed, {"If-None-Match": etag or ""}).status == 200
    assert url in text(site, "/category/news/")


def test_the_js_site_has_its_article_text_only_in_a_script(farm: SiteFarm) -> None:
    normal, js = farm.sites[0], farm.sites[JS]
    assert js.js and not normal.js
    for site, thin in ((normal, False), (js, True)):
        config = read_site_file(farm.sites_dir / f"{site.name}.toml")
        html = text(site, site.articles[0].removeprefix(site.origin))
        data = extract_page_data(html.encode(), "utf-8", site.articles[0], config.extract_options())
        assert (data.article_words < 40) is thin  # NEWSMON_THIN_BODY_WORDS: escalated when it runs scripts
        assert has_scripts(html.encode())
        assert ("newsroom counted" in html) is not thin


def test_a_down_site_refuses_connections_and_an_unavailable_one_answers_503(farm: SiteFarm) -> None:
    down, unavailable = farm.sites[DOWN], farm.sites[UNAVAILABLE]
    assert down.down == "refused" and unavailable.down == "503"
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((down.host, down.port), timeout=5)
    assert get(unavailable, unavailable.feed).status == 503
    assert get(unavailable, "/robots.txt").status == 503


def test_the_farm_in_a_child_process(tmp_path: Path) -> None:
    with FarmProcess(3, tmp_path, articles=2, interval="1m") as farm:
        assert len({s.host for s in farm.sites}) == 3 and len(farm.truth["site0002"]) == 2
        site = farm.sites[2]
        assert get(site, site.feed).status == 200
        log = farm.requests(site.name)
        assert [(r.kind, r.status) for r in log] == [("feed", 200)]
        farm.clear_requests()
        assert farm.requests() == []
        url = farm.publish(site.name)
        assert farm.truth["site0002"][-1] == url
        assert 'interval = "1m"' in (farm.sites_dir / "site0000.toml").read_text()
