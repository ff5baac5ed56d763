"""`newsmon discover` on sites whose articles share one path and differ by a query parameter (PHP, ASP, JSP
portals): pages and links are compared by the site's page identity (path and identifying query, learned from
its own example URLs), never by path alone. Invented pieces of markup first, then an invented Korean PHP
portal (tests/shapes/discover_gasi.py) discovered and crawled with the TOML discover wrote."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest

from newsmon.cli import main as cli_main
from newsmon.onboard.labels import choose_labels, neighbours, page_blocks
from newsmon.onboard.patterns import PageIds, generalise, identifying_keys
from newsmon.sites import load_site_config
from tests.crawl_helpers import CrawlResult, run_crawl
from tests.shapes import discover_gasi

BASE = "http://gazeta.example"
TEXT = " ".join(["Жители посёлка обсудили новый мост и ремонт школы на собрании в клубе."] * 5)


def test_the_keys_that_tell_pages_apart_are_learned_from_the_examples() -> None:
    jsp = [f"{BASE}/portal/article.jsp?aid={n}&sid=7" for n in (4410, 4417, 4423)]
    assert identifying_keys(jsp) == {"/portal/article.jsp": ("aid",)}  # sid: one value, a section
    mixed = [f"/News/Item.aspx?ID={n}&cat={n % 2}" for n in range(10, 30)] + ["/News/Item.aspx?id=10"]
    assert identifying_keys(mixed) == {"/News/Item.aspx": ("id",)}  # keys by any case; cat: few values
    assert identifying_keys(["/a/1", "/a/2?utm_source=x", "/a/3"]) == {}  # one query per path: nothing
    ids = PageIds(identifying_keys(mixed))
    assert ids.of(f"{BASE}/News/Item.aspx?cat=1&ID=11#c") == ids.of("/News/Item.aspx?id=11")
    assert ids.of("/News/Item.aspx?id=11") != ids.of("/News/Item.aspx?id=12")
    assert ids.url(f"{BASE}/News/Item.aspx?cat=1&ID=11") == f"{BASE}/News/Item.aspx?id=11"
    assert ids.of(f"{BASE}/other/page?id=3") == "/other/page"  # a path without identifying keys
    assert generalise(mixed).ids == ids  # the pattern's note and the labels share one notion


def jsp_page(aid: int, related: list[int], latest: list[int]) -> str:
    box = "".join(f'<li><a href="/portal/article.jsp?aid={r}&amp;sid=3">Сюжет {r}</a></li>' for r in related)
    box = f'<div class="rel"><h4>Читайте также</h4><ul>{box}</ul></div>' if related else ""
    fresh = "".join(f'<li><a href="/portal/article.jsp?aid={m}">Новость {m}</a></li>' for m in latest)
    return (
        f"<html><body><div id='content'><h1>Заголовок {aid}</h1><p>{TEXT}</p>{box}<p>{TEXT}</p>"
        f'<p><a href="/portal/article.jsp?aid={aid}&amp;print=1">Версия для печати</a></p></div>'
        f"<div id='side'><h3>Свежие новости</h3><ul>{fresh}</ul></div></body></html>"
    )


def test_related_blocks_of_query_identified_articles_are_found() -> None:
    examples = [f"{BASE}/portal/article.jsp?aid={n}" for n in range(5000, 5012)]
    pattern = generalise(examples)
    ids = pattern.ids

    def is_article(url: str) -> bool:
        return pattern.matches(urlsplit(url).path)

    latest = [5011, 5010, 5009]
    related = {5001: [5101, 5102], 5002: [5103, 5104], 5003: [5105], 5004: []}
    pages = [
        page_blocks(
            lxml.html.fromstring(jsp_page(n, r, latest)),
            f"{BASE}/portal/article.jsp?aid={n}",
            is_article,
            ids,
        )
        for n, r in related.items()
    ]
    # the print link is the page itself; the block's links are other pages at the same path
    assert pages[0].blocks["читайте также"][1] == {f"{BASE}/portal/article.jsp?aid={n}" for n in (5101, 5102)}
    result = choose_labels(pages, neighbours([examples], ids), ids)
    assert [x.text for x in result.read_also] == ["Читайте также"]
    assert [x.text for x in result.news_feed] == ["Свежие новости"]


@pytest.fixture(scope="module")
def gasi(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[discover_gasi.GasiSite, str, CrawlResult]]:
    workdir = tmp_path_factory.mktemp("gasi")
    with discover_gasi.serve() as server:
        toml = workdir / "sites" / "gasi.toml"
        toml.parent.mkdir(parents=True)
        assert cli_main(["discover", server.base_url + "/", "--delay", "0", "-o", str(toml)]) == 0
        crawl = run_crawl(
            server.base_url, workdir, "-a", f"site={toml}", "-s", "NEWSMON_TIER_MODE=plain", spider="news"
        )
        yield server.site, str(toml), crawl


@pytest.mark.crawl
def test_first_contact_with_a_php_portal(gasi: tuple[discover_gasi.GasiSite, str, CrawlResult]) -> None:
    model, toml, crawl = gasi
    site = load_site_config(toml)
    assert site.read_also_labels == (discover_gasi.READ_ALSO,)
    assert set(site.news_feed_labels) == {discover_gasi.NEWS_FEED, discover_gasi.MOST_READ}
    assert {f"/news/list.php?sec={s}" for s in discover_gasi.SECTIONS} <= set(site.categories)
    assert site.timezone == "Asia/Seoul"
    assert crawl.returncode == 0, crawl.log[-3000:]

    def key(url: str) -> str:  # the story a URL names (the crawl may keep a listing's alias form)
        return f"/news/view.php?no={parse_qs(urlsplit(url).query)['no'][0]}"

    by_key = {key(r["url"]): r for r in crawl.records}
    assert set(by_key) == {a.path for a in model.articles}  # the stories linked from "관련기사" only too
    assert len(crawl.records) == len(model.articles)
    truth = model.related_truth()
    right = sum({key(i["url"]) for i in r["read_also"]} == truth[k] for k, r in by_key.items())
    assert right == len(model.articles)
