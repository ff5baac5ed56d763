"""`newsmon discover` decides by behaviour, not frequency: related labels from what their blocks hold (caption
lines, share bars and tag lists never labels; rotating and fixed site-wide blocks news_feed; a label seen on
one page kept when its links are articles), every menu section, feeds linked from a section page only, an
article pattern that matches no hub page it saw, a valid site name. On invented pieces of markup first, then
on two invented sites (tests/shapes/discover_*.py), each crawled with the TOML discover wrote."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import lxml.html
import pytest

from newsmon.cli import main as cli_main
from newsmon.extract.related import find_related
from newsmon.fetch.browser import find_chromium
from newsmon.fetch.policy import OPTIONS
from newsmon.onboard.browser import BrowserFetcher
from newsmon.onboard.labels import PageBlocks, caption_of_item, choose_labels, page_blocks
from newsmon.onboard.patterns import generalise
from newsmon.onboard.sources import PROBE_FEEDS
from newsmon.onboard.timezone import infer_timezone, language_country, parse_dated
from newsmon.sites import SiteConfig, load_site_config, site_pattern
from tests.crawl_helpers import CrawlResult, run_crawl
from tests.shapes import discover_faro, discover_hlas, discover_skript, discover_vezha
from tests.shapes.common import Reply
from tests.site_server import SiteServer

BASE = "http://x.example"
TEXT = " ".join(["Slova ve větě a ještě několik slov, aby byl odstavec dost dlouhý."] * 6)


def is_article(url: str) -> bool:
    return re.search(r"/zpravy/\d+$", urlsplit(url).path) is not None


def article(
    n: int, *, related: Sequence[int] = (), most_read: Sequence[int] = (), share: bool = False
) -> PageBlocks:
    """An article page: body, an optional "Souvisí" box, a share bar, a tag line, a card grid whose cards
    carry their author's name, and a fixed "Nejnovější" list."""
    url = f"{BASE}/zpravy/{n}"
    box = "".join(f'<li><a href="/zpravy/{r}">Příběh {r}</a></li>' for r in related)
    box = f'<div class="box"><h4>Souvisí</h4><ul>{box}</ul></div>' if related else ""
    bar = "".join(f'<li><a href="/zpravy/{n}?share={s}">{s}</a></li>' for s in ("x", "fb", "mail"))
    bar = f'<div class="bar"><h3>Sdílet</h3><ul>{bar}</ul></div>' if share else ""
    authors = ["Jana Dvořáková", "Petr Svoboda", "Eva Benešová"]
    cards = "".join(
        f'<div class="karta"><a href="/zpravy/{m}"><h4>Příběh {m}</h4></a>'
        f'<span class="jmeno">{authors[m % 3]}</span></div>'
        for m in most_read
    )
    latest = "".join(f'<li><a href="/zpravy/{m}">Novinka {m}</a></li>' for m in (90, 91, 92))
    page = (
        f"<html><body><main><article><h1>Titulek {n}</h1><p>{TEXT}</p>{box}<p>{TEXT}</p>{bar}"
        '<p class="stitky">Témata: <a href="/tema/doprava">Doprava</a>, <a href="/tema/skoly">Školy</a></p>'
        "</article></main><aside>"
        f'<section><h3>Nejčtenější</h3><div class="mrizka">{cards}</div></section>'
        f"<section><h3>Nejnovější</h3><ul>{latest}</ul></section></aside></body></html>"
    )
    return page_blocks(lxml.html.fromstring(page), url, is_article)


POOL = [40, 41, 42, 43, 44, 45, 46, 47, 48]


def most_read(n: int) -> list[int]:
    return [POOL[(n + 2 * k) % len(POOL)] for k in range(5)]


def test_a_card_author_line_is_a_caption_a_heading_is_not() -> None:
    tree = lxml.html.fromstring(
        '<div><section><h3>Nejčtenější</h3><div class="mrizka">'
        '<div class="karta k1"><a href="/zpravy/1"><h4>A</h4></a><span>Jana Dvořáková</span></div>'
        '<div class="karta k2"><a href="/zpravy/2"><h4>B</h4></a><span>Petr Svoboda</span></div>'
        "</div></section>"
        '<p>Text.</p><p><strong>Čtěte také:</strong> <a href="/zpravy/3">C</a></p><p>Text.</p>'
        '<p><strong>Čtěte také:</strong> <a href="/zpravy/4">D</a></p></div>'
    )
    spans = tree.xpath("//span")
    assert [caption_of_item(s) for s in spans] == [True, True]
    assert not caption_of_item(tree.xpath("//h3")[0])
    assert not any(caption_of_item(s) for s in tree.xpath("//strong"))  # two inline lines, apart


def test_a_card_kicker_beside_the_cards_image_link_is_a_caption() -> None:
    # each card: an image link, then a text column with the section's name over the title link
    cards = "".join(
        f'<article class="kortti"><a class="kuva" href="/zpravy/{n}"><img src="/{n}.jpg"></a>'
        f'<div class="teksti"><span class="osasto">{section}</span>'
        f'<h3><a href="/zpravy/{n}">Příběh {n}</a></h3></div></article>'
        for n, section in ((1, "Kotimaa"), (2, "Talous"), (3, "Kotimaa"))
    )
    tree = lxml.html.fromstring(
        f'<div><section><h2>Lue myös</h2><div class="kortit">{cards}</div></section></div>'
    )
    assert [caption_of_item(s) for s in tree.xpath("//span")] == [True, True, True]
    assert not caption_of_item(tree.xpath("//h2")[0])


def test_labels_by_behaviour_on_six_pages() -> None:
    pages = [
        article(n, most_read=most_read(n), share=True, related=[n + 100, n + 101] if n == 3 else [])
        for n in range(1, 7)
    ]
    result = choose_labels(pages)
    assert [x.text for x in result.read_also] == ["Souvisí"]  # on 1 of 6 pages: its links are articles
    assert sorted(x.text for x in result.news_feed) == ["Nejnovější", "Nejčtenější"]
    everything = {x.text for x in [*result.read_also, *result.news_feed]} | {
        x.text for x, _ in result.rejected
    }
    assert not everything & {"Jana Dvořáková", "Petr Svoboda", "Eva Benešová", "Sdílet", "Témata"}
    assert [x.text for x in result.unsure()] == ["Souvisí"]


def test_a_block_of_links_to_hubs_or_to_the_page_itself_is_no_block() -> None:
    page = article(5, share=True)
    assert "sdílet" not in page.blocks and "témata" not in page.blocks


def test_a_related_block_whose_links_every_page_has_is_site_wide() -> None:
    # a block with different links on each page, but drawn from links all pages carry: not related
    pages = [article(n, related=[(90, 92, 93)[n % 3], 91]) for n in range(1, 6)]
    result = choose_labels(pages)
    assert "Souvisí" in [x.text for x in result.news_feed]


def test_a_tab_of_a_tabbed_related_header_is_a_candidate_label() -> None:
    # the label is the first of the header's tabs (links that load no page), as tagDiv-like themes write it
    pages = []
    for n in range(1, 5):
        cards = "".join(
            f'<div class="mod"><h3><a href="/zpravy/{10 * n + k}">Příběh {10 * n + k}</a></h3></div>'
            for k in range(3)
        )
        page = (
            f"<html><body><main><article><h1>Titulek {n}</h1><p>{TEXT}</p></article>"
            '<div class="blok"><h4 class="zalozky"><a href="#">Související články</a>'
            f'<a href="#">Od autora</a></h4><div class="rada">{cards}</div></div></main></body></html>'
        )
        pages.append(page_blocks(lxml.html.fromstring(page), f"{BASE}/zpravy/{n}", is_article))
    assert [x.text for x in choose_labels(pages).read_also] == ["Související články"]


def test_a_listed_story_without_article_markup_is_an_article_a_check_page_is_not() -> None:
    # a custom CMS: no JSON-LD, og:type or <article>; a headline, a date in the text, paragraphs of its own
    # (a sidebar of the latest stories beside). The feed lists it: discover reads it as an article (labels,
    # dates). A browser-check page in its place (a headline, a sentence) and a listing are not.
    from newsmon.onboard.fetch import Fetcher
    from newsmon.onboard.walk import Walk

    origin = "http://ujsag.example"
    walk = Walk(origin + "/", Fetcher(origin, delay=0), origin)
    pattern = generalise(
        [f"{origin}/hirek/2026/03/{d:02d}/tortenet-{d}/" for d in range(1, 9)], {"/": "home"}
    )
    latest = "".join(
        f'<li><a href="/hirek/2026/03/{d:02d}/tortenet-{d}/">Hír {d}</a></li>' for d in range(1, 6)
    )
    story = (
        '<html lang="hu"><body><div id="fej"><a href="/">Újság</a></div><div class="cikk"><h1>A híd ügye</h1>'
        '<div class="adatok">Szerző: Kiss Anna · 2026. március 21. 14:05</div>'
        f'<div class="szoveg"><p>{TEXT}</p><p>{TEXT}</p></div></div>'
        f'<div class="oldalsav"><h3>Friss</h3><ul>{latest}</ul></div></body></html>'
    )
    url = f"{origin}/hirek/2026/03/21/a-hid-ugye/"
    assert walk.judge(url, lxml.html.fromstring(story), pattern, example=True) == "unknown"  # not in a feed
    walk.listed = {"/hirek/2026/03/21/a-hid-ugye/", "/hirek/2026/03/22/masik/", "/hirek/2026/03/23/lista/"}
    assert walk.judge(url, lxml.html.fromstring(story), pattern, example=True) == "article"
    assert url in walk.articles
    check = (
        "<html><body><h1>Böngésző ellenőrzése...</h1><p>Kis türelmet.</p><script>x()</script></body></html>"
    )
    other = f"{origin}/hirek/2026/03/22/masik/"
    assert walk.judge(other, lxml.html.fromstring(check), pattern, example=True) == "unknown"
    teasers = "".join(
        f'<div class="hir"><h2><a href="/hirek/2026/03/{d:02d}/tortenet-{d}/">Hír {d} a városból</a></h2>'
        f"<p>{TEXT}</p></div>"
        for d in range(1, 7)
    )
    listing = f"<html><body><h1>Belföld</h1><p>2026. március 21.</p>{teasers}</body></html>"
    assert (
        walk.judge(f"{origin}/hirek/2026/03/23/lista/", lxml.html.fromstring(listing), pattern, example=True)
        == "hub"
    )


def test_feed_dates_give_the_zone_when_the_pages_write_none() -> None:
    from datetime import timedelta

    from newsmon.onboard.timezone import feed_dated

    dated = feed_dated(
        ["Sat, 21 Mar 2026 14:05:00 +0100", "2026-03-22T09:00:00-03:00", "Sun, 22 Mar 2026 08:00:00 GMT", "x"]
    )
    assert [d.offset for d in dated] == [timedelta(hours=1), timedelta(hours=-3), timedelta(0)]
    assert [d.utc_designator for d in dated] == [False, False, True]  # GMT / +0000: a CMS storing UTC
    guess = infer_timezone(feed_dated(["Sat, 21 Mar 2026 14:05:00 +0100"] * 3), "hu")
    assert guess.zone == "Europe/Budapest"


def test_multiword_slugs_keep_their_separator_against_one_word_hubs() -> None:
    urls = [
        "/politica/el-senado-vota/",
        "/deportes/gana-el-club/",
        "/politica/otra-ley-mas/",
        "/cultura/un-libro/",
    ]
    hubs = ["/politica/nacional/", "/deportes/futbol/", "/politica/"]
    result = generalise(urls, hubs)
    assert result.pattern == r"^/[^/]+/[^/]+-[^/]+/?$"
    assert site_pattern(result.pattern).search("/politica/el-senado-vota/")  # RE2 runs it
    assert not [h for h in hubs if result.matches(h)]


# --- the two invented sites, discovered then crawled ------------------------------------------------


@dataclass
class Onboarded:
    site_model: Any
    toml: Path
    text: str
    site: SiteConfig
    crawl: CrawlResult


def onboard(module: ModuleType, workdir: Path) -> Iterator[Onboarded]:
    workdir.mkdir(parents=True, exist_ok=True)
    with module.serve() as server:
        toml = workdir / "sites" / f"{module.__name__.rsplit('_', 1)[-1]}.toml"
        assert cli_main(["discover", server.base_url + "/", "--delay", "0", "-o", str(toml)]) == 0
        site = load_site_config(str(toml))
        crawl = run_crawl(
            server.base_url, workdir, "-a", f"site={toml}", "-s", "NEWSMON_TIER_MODE=plain", spider="news"
        )
        yield Onboarded(server.site, toml, toml.read_text(encoding="utf-8"), site, crawl)


@pytest.fixture(scope="module", params=["hlas", "faro"])
def onboarded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Onboarded]:
    module = {"hlas": discover_hlas, "faro": discover_faro}[request.param]
    yield from onboard(module, tmp_path_factory.mktemp(request.param))


@pytest.mark.crawl
def test_the_discovered_file(onboarded: Onboarded) -> None:
    site, model = onboarded.site, onboarded.site_model
    assert site.name == onboarded.toml.stem
    assert cli_main(["sites", "check", "--sites-dir", str(onboarded.toml.parent)]) == 0
    assert site.article_pattern is not None
    assert all(site.is_article_path(a.path) for a in model.articles)
    assert not [h for h in model.hubs() if site.is_article_path(h)]  # no hub page it saw, none of the rest
    if isinstance(model, discover_hlas.HlasSite):
        assert site.read_also_labels == (discover_hlas.READ_ALSO,)
        assert set(site.news_feed_labels) == {discover_hlas.NEWS_FEED, discover_hlas.MOST_READ}
        assert discover_hlas.FEED in site.feeds  # linked from one section page only
        assert {f"/{s}/" for s in discover_hlas.SECTIONS} <= set(site.categories)  # all 8 menu sections
        assert "'Souvisí': on 1 of" in onboarded.text
    else:
        assert site.read_also_labels == (discover_faro.READ_ALSO,)  # not "Compartir esto", no date line
        assert site.news_feed_labels == (discover_faro.NEWS_FEED,)
        assert site.timezone == "America/Argentina/Buenos_Aires"
        assert "slug segment of several words" in onboarded.text  # subcategory pages share its shape


@pytest.mark.crawl
def test_the_crawl_with_it(onboarded: Onboarded) -> None:
    crawl, model = onboarded.crawl, onboarded.site_model
    assert crawl.returncode == 0, crawl.log[-3000:]
    by_path = {urlsplit(r["url"]).path: r for r in crawl.records}
    articles = {a.path for a in model.articles}
    assert set(by_path) == articles  # every story, the ones linked from "Souvisí" boxes only included
    assert len(crawl.records) == len(articles)
    truth = model.related_truth()
    right = sum({urlsplit(i["url"]).path for i in r["read_also"]} == truth[p] for p, r in by_path.items())
    assert right == len(articles)  # read_also exactly the related block on every record


# --- a site built by its scripts: discover through the browser ------------------------------------


def test_browser_discovers_a_script_built_site(tmp_path: Path) -> None:
    if find_chromium(OPTIONS.default("NEWSMON_CHROMIUM_PATH") or "") is None:
        pytest.skip("no Chromium on this machine")
    with discover_skript.serve() as server:
        plain = tmp_path / "plain.toml"
        assert cli_main(["discover", server.base_url + "/", "--delay", "0", "-o", str(plain)]) == 0
        toml = tmp_path / "rheinbote.toml"
        args = ["discover", server.base_url + "/", "--delay", "0", "--browser", "--max-pages", "25"]
        assert cli_main([*args, "-o", str(toml)]) == 0
        tracker = list(server.tracker.requests)
        requests = server.requests
        model = server.site
    assert load_site_config(str(plain)).article_pattern is None  # the shells hold nothing
    site = load_site_config(str(toml))
    assert site.name == "rheinbote"
    assert site.article_pattern is not None
    assert all(site.is_article_path(a.path) for a in model.articles)
    assert not [h for h in model.hubs() if site.is_article_path(h)]
    assert set(site.categories) == {f"/ressort/{s}" for s in discover_skript.SECTIONS}
    assert site.read_also_labels == (discover_skript.READ_ALSO,)
    assert site.news_feed_labels == (discover_skript.NEWS_FEED,)
    assert site.timezone == "Europe/Berlin"
    assert tracker == []  # the browser asked nothing of another origin
    # feeds probed at /feed/ and /rss/ (no file ending) are read as robots.txt is, never rendered
    agents = {r.path: set[str]() for r in requests}
    for r in requests:
        agents[r.path].add({k.lower(): v for k, v in r.headers.items()}.get("user-agent") or "")
    (plain_agent,) = agents["/robots.txt"]
    assert all(agents.get(p) == {plain_agent} for p in PROBE_FEEDS)  # each probed, never in Chromium
    assert any(agents.get(a.path, set()) - {plain_agent} for a in model.articles)  # the pages were rendered


# --- timezone ties, language prefixes and node aliases ----------------------------------------------


@pytest.mark.parametrize(
    ("language", "host", "zone"),
    [
        ("uk", None, "Europe/Kyiv"),  # not Simferopol, which zone.tab also files under UA
        ("ru", "novyny.example.ua", "Europe/Kyiv"),  # Russian on a Ukrainian domain
        ("ru-UA", None, "Europe/Kyiv"),
        ("ru", None, "Europe/Moscow"),
        ("ru", "example.io", "Europe/Moscow"),  # .io names no country
        ("ro", "stiri.example.md", "Europe/Chisinau"),
    ],
)
def test_timezone_ties_broken_by_language_and_domain(language: str, host: str | None, zone: str) -> None:
    summer = [parse_dated("2026-04-20T10:00:00+03:00"), parse_dated("2026-05-02T10:00:00+03:00")]
    winter = [parse_dated("2026-01-20T10:00:00+02:00")] if zone != "Europe/Moscow" else []
    dates = [d for d in summer + winter if d is not None]
    assert infer_timezone(dates, language, host).zone == zone


def test_a_locale_alias_whose_region_is_no_country_names_none() -> None:
    # the C library maps ar -> ar_AA ("all Arabic") and eo -> eo_XX: no country, so no tie-break by it
    assert language_country("ar") == (None, "")
    assert language_country("eo") == (None, "")
    assert language_country("et")[0] == "EE"
    dates = [d for d in (parse_dated(f"2026-{m:02d}-14T08:15:00+03:00") for m in (1, 4, 7, 10)) if d]
    assert "AA" not in infer_timezone(dates, "ar").reason
    assert infer_timezone(dates, "ar", "akhbar.example.jo").zone == "Asia/Amman"  # the domain names it
    # no country named: among the 25 zones at +03:00, one of a country where the language is official
    arabic = {"Asia/Riyadh", "Asia/Baghdad", "Asia/Qatar", "Asia/Amman", "Asia/Damascus", "Asia/Kuwait"}
    assert infer_timezone(dates, "ar").zone in arabic | {"Asia/Bahrain", "Asia/Aden"}
    assert infer_timezone(dates, "sw").zone in {"Africa/Nairobi", "Africa/Dar_es_Salaam"}
    assert infer_timezone(dates, "so").zone == "Africa/Mogadishu"


@pytest.mark.crawl
def test_multilingual_site_with_node_aliases(tmp_path: Path) -> None:
    with discover_vezha.serve() as server:
        toml = tmp_path / "vezha.toml"
        assert cli_main(["discover", server.base_url + "/", "--delay", "0", "-o", str(toml)]) == 0
        model = server.site
        crawl = run_crawl(
            server.base_url, tmp_path, "-a", f"site={toml}", "-s", "NEWSMON_TIER_MODE=plain", spider="news"
        )
    # every article in its three languages, once each; the /node/ aliases fetched land on their canonical
    paths = [urlsplit(r["url"]).path for r in crawl.records]
    assert sorted(paths) == sorted(a.path(lang) for a in model.articles for lang in discover_vezha.LANGS)
    site = load_site_config(str(toml))
    assert site.article_pattern is not None  # loaded through RE2
    # the feed lists Ukrainian paths only; the pages name their translations and their /node/ short links
    for a in model.articles:
        assert all(site.is_article_path(p) for p in (a.path("uk"), a.path("ru"), a.path("en"), a.node))
    assert not [h for h in model.hubs() if site.is_article_path(h)]
    assert site.timezone == "Europe/Kyiv"
    assert discover_vezha.READ_ALSO in site.read_also_labels
    assert discover_vezha.POPULAR in site.news_feed_labels  # rotating: never read_also
    assert not [x for x in site.read_also_labels if any(m in x for m in discover_vezha.MONTHS)]
    assert {f"/uk/rubryka/{s}" for s in discover_vezha.SECTIONS} <= set(site.categories)


def test_the_browser_never_leaves_the_origin() -> None:
    if find_chromium(OPTIONS.default("NEWSMON_CHROMIUM_PATH") or "") is None:
        pytest.skip("no Chromium on this machine")
    page = (
        b"<html><body><img src='%s/i.png'><iframe src='%s/f'></iframe>"
        b"<script>fetch('%s/x'); document.cookie = 'walked=1; path=/'</script>ok</body></html>"
    )
    with SiteServer(lambda target, headers: Reply(200, b"<p>elsewhere</p>", "text/html")) as other:
        away = other.base_url.encode()

        def handle(target: str, headers: Any) -> Reply:
            if target == "/away":  # a redirect off the site: never followed
                return Reply(302, b"", "text/html", {"Location": other.base_url + "/landed"})
            if target == "/moved":  # a redirect on the site: followed, the page's URL the final one
                return Reply(301, b"", "text/html", {"Location": "/home"})
            return Reply(200, page % (away, away, away), "text/html")

        with SiteServer(handle) as site, BrowserFetcher(site.base_url, delay=0) as fetcher:
            assert fetcher.get("/away") is None
            moved = fetcher.get("/moved")
            assert moved is not None and moved.url == site.base_url + "/home" and b"ok" in moved.body
            assert fetcher.rendered == 1
            # the next page is read in the same tab, as a reader walks on: the cookie a script set goes along
            assert fetcher.get("/next") is not None
            cookies = [
                {k.lower(): v for k, v in r.headers.items()}.get("cookie")
                for r in site.requests
                if r.path == "/next"
            ]
            assert cookies == ["walked=1"]
        assert other.requests == []
    assert {urlsplit(u).path for u in fetcher.blocked} >= {"/landed", "/f", "/x"}


def test_the_file_is_named_after_a_valid_site_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_main(["discover", "http://127.0.0.1:9/", "-o", str(tmp_path / "My Site.toml")]) == 2
    assert "not a valid site name" in capsys.readouterr().err
    assert (
        cli_main(["discover", "http://127.0.0.1:9/", "--name", "harbour", "-o", str(tmp_path / "x.toml")])
        == 2
    )
    assert "is named harbour.toml" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_the_block_finder_reads_every_card_whose_title_heading_sits_in_its_link() -> None:
    # the crawl's block finder, which discover reuses: a card's <a><h4>title</h4></a> is an item, not the
    # next heading ending the block (it took the first card only)
    tree = lxml.html.fromstring(
        "<div><section><h3>Nejčtenější</h3>"
        + "".join(
            f'<div class="karta"><a href="/zpravy/{n}"><h4>Příběh {n}</h4></a><span>J. N.</span></div>'
            for n in (1, 2, 3)
        )
        + "</section><h3>Jiné</h3><a href='/zpravy/9'>x</a></div>"
    )
    items = find_related(tree, BASE + "/zpravy/7", ["Nejčtenější"])
    assert [i["url"] for i in items] == [f"{BASE}/zpravy/{n}" for n in (1, 2, 3)]
    assert [i["title"] for i in items] == ["Příběh 1", "Příběh 2", "Příběh 3"]


def test_on_a_small_site_a_related_block_whose_targets_every_page_links_is_still_related() -> None:
    """Eight article pages read of a small site whose "Latest" list (on every page) links its 20 newest
    stories: each page's related block picks three of them, a most-read box draws five from a pool of six.
    Every link of both is on most pages read; only the box repeats itself between pages: it is the site-wide
    pool, the related block is read_also."""
    latest = [f"/2026/05/{n:02d}/story-{n}/" for n in range(20)]
    pool = latest[:6]
    pages = []
    for n, url in enumerate(latest[10:18]):
        related = {latest[(3 * n + k) % 20] for k in (1, 5, 9)} - {url}
        most_read = {pool[(n + k) % 6] for k in range(5)}
        blocks = {"Aiheesta lisää": ("Aiheesta lisää", related), "Luetuimmat": ("Luetuimmat", most_read)}
        pages.append(PageBlocks(url, blocks, links=set(latest) - {url}))
    result = choose_labels(pages)
    assert [e.text for e in result.read_also] == ["Aiheesta lisää"]
    assert [e.text for e in result.news_feed] == ["Luetuimmat"]
