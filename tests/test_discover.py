"""`newsmon discover`: the pure rules (pattern generalisation, hub patterns, labels, timezone) on invented
inputs, then the whole command on three sites of different shapes (tests/shapes/), each crawled with the
TOML it wrote, and on the existing test sites and the replica, which the rules were not written against."""

from __future__ import annotations

import gzip
import re
import tomllib
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import lxml.html
import pytest

from newsmon.cli import main as cli_main
from newsmon.onboard import discover as discovery
from newsmon.onboard.fetch import Fetcher
from newsmon.onboard.hubs import hub_rules, pagination_rule
from newsmon.onboard.labels import choose_labels, page_blocks
from newsmon.onboard.patterns import generalise, generalise_segment
from newsmon.onboard.timezone import infer_timezone, page_dates, parse_dated
from newsmon.onboard.writer import render, toml_string
from newsmon.sites import SITE_NAME, SiteConfig, load_site_config, parse_site_config, site_pattern
from tests.crawl_helpers import CrawlResult, run_crawl
from tests.othersites import atom_site, sitemap_site
from tests.replica.server import ReplicaServer
from tests.shapes import kurier, rannik, tejo
from tests.shapes.common import Reply, Truth
from tests.site_server import SiteServer

DECIDED_KEYS = (
    "name", "origin", "hosts", "feeds", "sitemaps", "robots_sitemaps", "categories", "article_pattern",
    "hub_patterns", "timezone", "read_also", "news_feed",
)  # fmt: skip


# --- article pattern generalisation -------------------------------------------------------------


def pattern_of(urls: list[str], hubs: tuple[str, ...] = ()) -> str:
    result = generalise(urls, hubs)
    assert result.pattern is not None
    site_pattern(result.pattern)  # RE2 accepts it (else re2.error)
    for url in urls:  # every kept example matches; the hubs never do
        if any(shape.matches(urlsplit(url).path) for shape in result.shapes):
            assert re.search(result.pattern, urlsplit(url).path)
    assert not [h for h in hubs if re.search(result.pattern, h)]
    return result.pattern


@pytest.mark.parametrize(
    ("urls", "expected"),
    [
        (
            ["/2025/11/02/quay-closes/", "/2025/12/30/ferry/", "/2026/01/07/new-year-tide/"],
            r"^/\d{4}/\d{2}/\d{2}/[^/]+/?$",
        ),
        # months and days written with and without the zero: both lengths allowed, only after a year
        (["/2026/3/7/a-b/", "/2026/03/17/c/", "/2025/12/1/d-e-f/"], r"^/\d{4}/\d{1,2}/\d{1,2}/[^/]+/?$"),
        (["/news/48213", "/news/7", "/news/1200455"], r"^/news/\d+$"),
        (["/a/12-harbour-fog", "/a/3-quay", "/a/48213-ferry-strike"], r"^/a/\d+-[^/]+$"),
        (
            ["/politika/x-y-48213.html", "/politika/z-48214.html", "/politika/q-r-s-99.html"],
            r"^/politika/[^/]+-\d+\.html$",
        ),
        (
            ["/lugu/2026-04-01-tormihoiatus", "/lugu/2026-03-30-parv", "/lugu/2025-12-24-joul"],
            r"^/lugu/\d{4}-\d{2}-\d{2}-[^/]+$",
        ),
        # language prefixes: short codes of one length become a class
        (
            ["/en/2026/04/01/a/", "/uk/2026/04/01/b/", "/en/2026/04/02/c/", "/pl/2026/03/31/d/"],
            r"^/[a-z]{2}/\d{4}/\d{2}/\d{2}/[^/]+/?$",
        ),
        # one id slipping to a leading digit does not change the shape of the slug segment
        (
            ["/wiadomosci/most-na-wisle", "/wiadomosci/2-tysiace-osob", "/wiadomosci/nowy-rok"],
            r"^/wiadomosci/[^/]+$",
        ),
    ],
)
def test_generalise_shapes(urls: list[str], expected: str) -> None:
    assert pattern_of(urls) == expected


def test_trailing_slash_optional_only_when_the_examples_have_one() -> None:
    assert pattern_of(["/s/ab/", "/s/cd-x", "/s/ef/"]) == r"^/s/[^/]+/?$"
    assert pattern_of(["/s/ab", "/s/cd-x", "/s/ef"]) == r"^/s/[^/]+$"


def test_query_string_ids_match_the_path_and_say_so() -> None:
    result = generalise(["/article.php?id=1", "/article.php?id=22&lang=et", "/article.php?id=3"])
    assert result.pattern == r"^/article\.php$"
    assert any("query (id, lang)" in note and "path only" in note for note in result.notes)


def test_a_rare_shape_among_the_examples_is_left_out() -> None:
    slugs = ["ferry", "quay-fog", "tide-table", "net-mending", "school-boat", "harbour-fee", "gulls", "ice"]
    urls = [f"/stories/2026-04-{d:02d}-{slug}" for d, slug in enumerate(slugs, 1)] + [
        "/topics/harbour-works/"
    ]
    result = generalise(urls)
    assert result.pattern == r"^/stories/\d{4}-\d{2}-\d{2}-[^/]+$"
    assert [why for shape, why in result.rejected if "/topics/" in shape.examples()[0]] == [
        "only 1 of 9 examples (need 2)"
    ]


def test_sections_merge_unless_a_hub_page_has_the_same_shape() -> None:
    urls = [
        "/eesti/48213",
        "/maailm/48214",
        "/sport/48215",
        "/eesti/48216",
        "/eesti/1",
        "/maailm/4",
        "/sport/55",
    ]
    assert pattern_of(urls) == r"^/[^/]+/\d+$"
    assert pattern_of(urls, ("/autor/12", "/teema/5")) == r"^/(?:eesti|maailm|sport)/\d+$"


def test_hub_examples_never_shape_the_pattern_and_two_shapes_alternate() -> None:
    urls = [
        "/uudised/1",
        "/uudised/2",
        "/uudised/3",
        "/2026/04/01/a/",
        "/2026/04/02/b/",
        "/2026/03/03/c/",
        "/autor/12",
    ]
    assert pattern_of(urls, ("/autor/12",)) == r"^(?:/uudised/\d+|/\d{4}/\d{2}/\d{2}/[^/]+/?)$"


def test_no_pattern_without_enough_examples() -> None:
    assert generalise(["/only-one/"]).pattern is None
    assert generalise([]).pattern is None


@pytest.mark.parametrize(
    ("values", "after_year", "expected"),
    [
        (["2024", "2026"], False, r"\d{4}"),
        (["05", "12"], True, r"\d{2}"),
        (["05", "12"], False, r"\d+"),  # not after a year: an id
        (["stories"], False, "stories"),
        (["2026-03-01-a", "2025-12-31-b-c"], False, r"\d{4}-\d{2}-\d{2}-[^/]+"),
        (["a-1.html", "b-22.html", "c-d-3.html"], False, r"[^/]+-\d+\.html"),
        (["x", "y-z"], False, "[^/]+"),
    ],
)
def test_generalise_segment(values: list[str], after_year: bool, expected: str) -> None:
    assert generalise_segment(values, after_year) == expected


# --- hub patterns -------------------------------------------------------------------------------


def test_hub_rules_prefixes_exact_paths_and_pagination() -> None:
    hubs = {
        "/": "home",
        "/tag/x/": "rel=tag",
        "/author/bob/": "byline",
        "/news/": "listing",
        "/sport/": "nav",
    }
    rules, notes = hub_rules(
        hubs,
        ["/news/123", "/sport/9"],
        r"^/(?:news|sport)/\d+$",
        [("/category/x/", "/category/x/page/2/"), ("/news/", "/news/?page=2")],
    )
    patterns = [r.pattern for r in rules]
    assert patterns == [r"^/(?:author|tag)(?:/|$)", r"/page/\d+/?$", r"^/(?:news|sport)/?$", r"^/?$"]
    assert any("/news/?page=2" in note and "outside the path" in note for note in notes)
    for pattern in patterns:
        assert not site_pattern(pattern).search("/news/123")
        assert not re.search(pattern, "/news/123")


def test_hub_rule_matching_an_article_is_left_out() -> None:
    rules, notes = hub_rules({"/news/5": "archive"}, ["/news/123"], None)
    assert rules == [] and "matches article /news/123" in notes[0]


def test_pagination_rule() -> None:
    assert pagination_rule("/category/x/", "/category/x/page/2/") == r"/page/\d+/?$"
    assert pagination_rule("/page/2/", "/page/3/") == r"/page/\d+/?$"
    assert pagination_rule("/uudised", "/uudised/2") == r"/\d+/?$"
    assert pagination_rule("/news/", "/news/?page=2") is None


# --- timezone, labels, names --------------------------------------------------------------------


def dated(*values: str) -> list[Any]:
    return [parse_dated(v) for v in values]


def test_timezone_from_offsets_across_summer_time() -> None:
    guess = infer_timezone(dated("2026-03-20T10:00:00+00:00", "2026-04-02T10:00:00+01:00"), "pt-PT")
    assert guess.zone == "Europe/Lisbon" and "Atlantic/Madeira" in guess.also
    assert "in PT (lang pt-PT)" in guess.reason


def test_timezone_language_without_region_and_utc_values_ignored() -> None:
    values = dated("2026-03-20T10:00:00+02:00", "2026-04-02T10:00:00+03:00", "2026-04-02T07:00:00Z")
    guess = infer_timezone(values, "et")
    assert guess.zone == "Europe/Tallinn"
    assert "1 written in UTC (Z) left out" in guess.reason


def test_timezone_with_no_offset_written_is_the_country_the_site_names_for_sure() -> None:
    by_region = infer_timezone([], "ko-KR")
    assert by_region.zone == "Asia/Seoul" and "the time of KR (lang ko-KR)" in by_region.reason
    assert infer_timezone([], None, "uudised.example.ee").zone == "Europe/Tallinn"  # the domain's country
    assert infer_timezone([], "en-US").zone == "America/New_York"  # zone.tab: "Eastern (most areas)"
    guess = infer_timezone(dated("2026-04-02T07:00:00Z"), "zh-CN")  # UTC values say nothing of the zone
    assert guess.zone == "Asia/Shanghai" and guess.also == ["Asia/Urumqi"]
    assert infer_timezone([], "pt-BR").zone == "UTC"  # a country of many offsets and no main zone: unknown
    assert infer_timezone([], "id-ID").zone == "Asia/Jakarta"  # three offsets all year: its first zone


def test_timezone_unknown_is_utc() -> None:
    assert infer_timezone([], "en").zone == "UTC"
    assert infer_timezone(dated("2026-04-02T07:00:00Z"), None).zone == "UTC"
    assert infer_timezone(dated("2026-01-02T07:00:00+00:00"), "en").zone == "UTC"  # no US zone fits
    assert parse_dated("2026-04-02") is None and parse_dated("2026-04-02T10:00:00") is None


def test_page_dates_read_jsonld_meta_and_time() -> None:
    tree = lxml.html.fromstring(
        '<html><head><script type="application/ld+json">'
        '{"@graph": [{"datePublished": "2026-04-01T09:00:00+03:00"}]}'
        '</script><meta property="article:modified_time" content="2026-04-01T11:00:00+03:00"></head>'
        '<body><time datetime="2026-04-01T12:00:00+03:00">x</time>'
        '<time datetime="2026-04-01">y</time></body></html>'
    )
    assert [d.instant.hour for d in page_dates(tree)] == [9, 11, 12]


def _article(url: str, label: str, links: list[str], side: list[str]) -> Any:
    items = "".join(f'<li><a href="{u}">Lugu {u}</a></li>' for u in links)
    latest = "".join(f'<li><a href="{u}">Uudis {u}</a></li>' for u in side)
    text = " ".join(["Sõnad lause sees ja veel mõned sõnad, et lõik oleks piisavalt pikk."] * 6)
    page = (
        f"<html><body><main><article><h1>Pealkiri</h1><p>{text}</p><h2>{label}</h2><ul>{items}</ul>"
        f"<p>{text}</p></article></main>"
        f"<aside><h2>Värsked uudised</h2><ul>{latest}</ul></aside></body></html>"
    )
    return page_blocks(lxml.html.fromstring(page), url, lambda u: "/uudised/" in u)


def test_labels_sorted_by_what_their_blocks_hold() -> None:
    side = [f"http://x.example/uudised/{n}" for n in (90, 91, 92)]
    pages = [
        _article(f"http://x.example/uudised/{n}", "Loe ka", [f"http://x.example/uudised/{n + 10}"], side)
        for n in (1, 2, 3)
    ]
    pages.append(_article("http://x.example/uudised/4", "Vaata ka", ["http://x.example/uudised/40"], side))
    result = choose_labels(pages)
    # a label seen on one page only is kept: its block lists an article no other page links
    assert [x.text for x in result.read_also] == ["Loe ka", "Vaata ka"]
    assert [x.text for x in result.news_feed] == ["Värsked uudised"]
    assert result.rejected == [] and [x.text for x in result.unsure()] == ["Vaata ka"]


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://www.harbourtimes.example/", "harbourtimes"),
        ("https://news.bbc.co.uk/x", "news-bbc"),
        ("http://127.0.0.1:8080/", "127-0-0-1-8080"),
        ("https://põhjarannik.ee/", "pohjarannik"),  # accents folded (was "p-hjarannik")
        ("https://новости.рф/", "xn--b1amnebsh"),  # another script: its IDNA form
        ("https://-x-.example/", "x"),
    ],
)
def test_site_name(url: str, name: str) -> None:
    assert discovery.site_name(url) == name
    assert SITE_NAME.match(name)


def test_toml_strings_round_trip() -> None:
    for value in (r"^/\d+$", "it's", "plain", 'a"b\\c', "Värsked uudised"):
        assert tomllib.loads(f"x = {toml_string(value)}")["x"] == value
    assert toml_string(r"^/\d+$") == r"'^/\d+$'"


# --- polite fetching ----------------------------------------------------------------------------


def test_fetcher_obeys_robots_stays_on_site_and_caps() -> None:
    def handle(target: str, headers: Any) -> Reply:
        path = urlsplit(target).path
        if path == "/robots.txt":
            return Reply(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
        if path == "/away":
            return Reply(302, b"", "text/html", {"Location": "http://198.51.100.7/x"})
        if path == "/zipped":
            return Reply(200, gzip.compress(b"<p>hello</p>"), "text/html", {"Content-Encoding": "gzip"})
        return Reply(200, b"x" * 5000, "text/html")

    with SiteServer(handle) as server:
        fetcher = Fetcher(server.base_url, max_pages=4, delay=0, max_bytes=1000)
        fetcher.read_robots()
        assert fetcher.get("/private/page") is None
        assert fetcher.get("http://other.example/") is None
        away = fetcher.get("/away")
        assert away is not None and away.status == 302
        zipped = fetcher.get("/zipped")
        assert zipped is not None and zipped.body == b"<p>hello</p>"
        assert fetcher.get("/zipped") is zipped  # cached, not fetched again
        big = fetcher.get("/big")
        assert big is not None and big.truncated and len(big.body) == 1000
        assert fetcher.get("/more") is None  # budget spent
        assert [p for p in server.paths()] == ["/robots.txt", "/away", "/zipped", "/big"]
        assert "newsmon" in server.requests[0].headers["User-Agent"]
        reasons = dict(fetcher.log.refused)
        assert reasons[server.base_url + "/private/page"] == "disallowed by robots.txt"
        assert "redirect" in reasons["http://198.51.100.7/x"]
        assert "budget" in reasons[server.base_url + "/more"]


# --- the command on the three shape sites, then a crawl with what it wrote -------------------------


@dataclass
class Onboarded:
    server: Any
    truth: Truth
    toml: Path
    text: str
    site: SiteConfig
    crawl: CrawlResult


def onboard(module: ModuleType, workdir: Path) -> Iterator[Onboarded]:
    workdir.mkdir(parents=True, exist_ok=True)
    with module.serve() as server:
        toml = workdir / "site.toml"
        assert cli_main(["discover", server.base_url + "/", "--delay", "0", "-o", str(toml)]) == 0
        site = load_site_config(str(toml))
        crawl = run_crawl(
            server.base_url, workdir, "-a", f"site={toml}", "-s", "NEWSMON_TIER_MODE=plain", spider="news"
        )
        yield Onboarded(server, server.site.truth(), toml, toml.read_text(encoding="utf-8"), site, crawl)


@pytest.fixture(scope="module", params=["tejo", "kurier", "rannik"])
def onboarded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Onboarded]:
    module = {"tejo": tejo, "kurier": kurier, "rannik": rannik}[request.param]
    yield from onboard(module, tmp_path_factory.mktemp(request.param))


@pytest.mark.crawl
def test_the_crawl_emits_the_sites_articles_and_no_hub(onboarded: Onboarded) -> None:
    assert onboarded.crawl.returncode == 0, onboarded.crawl.log[-3000:]
    paths = {urlsplit(r["url"]).path for r in onboarded.crawl.records}
    articles = onboarded.truth.articles
    assert len(paths & articles) >= 0.95 * len(articles), sorted(articles - paths)
    assert not paths & onboarded.truth.hubs
    assert paths <= articles


@pytest.mark.crawl
def test_the_discovered_values(onboarded: Onboarded) -> None:
    site, truth = onboarded.site, onboarded.truth
    assert site.article_pattern is not None  # loaded through RE2 by load_site_config
    assert all(site.is_article_path(p) for p in truth.articles)
    assert not [p for p in truth.hubs if site.is_article_path(p)]
    assert not [p for p in truth.articles if site.is_hub_path(p)]
    assert site.timezone == truth.timezone
    assert truth.read_also in site.read_also_labels
    assert truth.news_feed in site.news_feed_labels
    assert site.name == onboarded.toml.stem  # -o site.toml: the file's name, so `sites check` accepts it
    assert cli_main(["sites", "check", "--sites-dir", str(onboarded.toml.parent)]) == 0


@pytest.mark.crawl
def test_every_decided_key_is_explained(onboarded: Onboarded) -> None:
    lines = onboarded.text.splitlines()
    keys = tomllib.loads(onboarded.text)
    assert set(DECIDED_KEYS) <= set(keys) | set(keys["related"])
    for number, line in enumerate(lines):
        match = re.match(r"^(\w+) = ", line)
        if not match:
            continue
        above = []
        for previous in reversed(lines[:number]):
            if not previous.startswith("#"):
                break
            above.append(previous)
        assert any(c.startswith(f"# {match.group(1)}: ") for c in above), (
            f"no comment explains {match.group(1)}"
        )


@pytest.mark.crawl
def test_what_each_site_shape_decided(onboarded: Onboarded) -> None:
    site, text = onboarded.site, re.sub(r"\s*\n#\s*", " ", onboarded.text)  # wrapped comment lines joined
    if onboarded.server.site.__class__ is tejo.TejoSite:
        assert site.feeds == ("/feed/",) and not site.robots_sitemaps
        assert "rejected /comments/feed/" in text and "a comments feed" in text
        assert (
            "rejected /rss/, /rss.xml, /atom.xml, /feed.xml, /index.xml, /feed.json (probed): HTTP 404"
            in text
        )
        assert {"/categoria/lisboa/", "/categoria/pais/", "/categoria/mundo/"} <= set(site.categories)
        assert "/2026/03/: 8 article links, none of the feeds' 10 newest: an archive" in text
    elif onboarded.server.site.__class__ is kurier.KurierSite:
        assert site.feeds == () and site.robots_sitemaps and site.sitemaps == ()
        assert "/sitemap-index.xml (robots.txt): sitemapindex: 3 child sitemaps" in text
        assert "has the page number outside the path" in text  # ?strona=2
    else:
        assert site.feeds == ("/uudised.atom",) and not site.robots_sitemaps
        assert "left out /teema/5: an example that is a hub page (a listing page)" in text
        assert re.search(r"/autor/1[123] \(rel=author link\)", text)


def test_dry_run_prints_the_toml_and_what_a_crawl_would_emit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEWSMON_SITES_DIR", str(tmp_path))
    with rannik.serve() as server:
        assert cli_main(["discover", server.base_url + "/", "--delay", "0", "--dry-run", "3"]) == 0
        newest, base = server.site.newest(), server.base_url
    out = capsys.readouterr().out
    config, _, dry = out.partition(
        "\n# Dry run: what a crawl would emit from the first 3 article URLs found\n"
    )
    assert tomllib.loads(config)["article_pattern"] == r"^/(?:arvamus|uudised)/\d+$"
    entries = dry.strip().split("\n- ")
    assert len(entries) == 3
    first = newest[0]
    assert f"{base}{first.path}\n  title: {first.title}\n" in dry
    published = re.search(r"published_at: (\S+)", entries[0])
    assert published and datetime.fromisoformat(published.group(1)) == first.published
    assert all(int(re.search(r"words: (\d+)", e).group(1)) > 50 for e in entries)  # type: ignore[union-attr]
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_output_default_and_overwrite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEWSMON_SITES_DIR", str(tmp_path))
    with kurier.serve() as server:
        name = discovery.site_name(server.base_url)
        assert cli_main(["discover", server.base_url + "/", "--delay", "0", "--max-pages", "12"]) == 0
        written = tmp_path / f"{name}.toml"
        assert load_site_config(str(written)).robots_sitemaps
        assert "Requests: 12 of a budget of 12 pages" in written.read_text(encoding="utf-8")
        server.clear_requests()
        assert cli_main(["discover", server.base_url + "/", "--delay", "0"]) == 2
        assert "exists; use --force" in capsys.readouterr().err
        assert server.requests == []  # refused before any request
        assert cli_main(["discover", server.base_url + "/", "--delay", "0", "--force"]) == 0


def test_a_home_page_redirecting_to_another_origin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    moved = Reply(301, b"", "text/html", {"Location": "https://www.x.example/"})
    with SiteServer(lambda target, headers: moved) as server:
        assert (
            cli_main(["discover", server.base_url + "/", "--delay", "0", "-o", str(tmp_path / "x.toml")]) == 1
        )
    assert (
        "redirects to https://www.x.example/, another origin: run discover on that URL"
        in capsys.readouterr().err
    )


def test_a_site_that_does_not_answer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with SiteServer(lambda target, headers: Reply(404, b"gone", "text/html")) as server:
        assert (
            cli_main(["discover", server.base_url + "/", "--delay", "0", "-o", str(tmp_path / "x.toml")]) == 1
        )
    assert "HTTP 404; discover needs the home page" in capsys.readouterr().err
    assert cli_main(["discover", "ftp://x.example/"]) == 2


# --- unseen sites: the existing test sites and the replica -----------------------------------------


def discover_config(server: SiteServer) -> SiteConfig:
    """What `newsmon discover` would write for the served site, loaded as the crawl loads it."""
    found = discovery.discover(server.base_url + "/", Fetcher(server.base_url, delay=0))
    return parse_site_config(tomllib.loads(render(found, "newsmon discover test")))


def check_pattern(site: SiteConfig, articles: set[str], hubs: set[str]) -> None:
    assert site.article_pattern is not None
    assert sorted(p for p in articles if not site.is_article_path(p)) == []
    assert sorted(p for p in hubs if site.is_article_path(p)) == []
    assert not [p for p in articles if site.is_hub_path(p)]


@pytest.mark.parametrize("module", [atom_site, sitemap_site], ids=["atom_site", "sitemap_site"])
def test_existing_sites(module: ModuleType) -> None:
    site_model = module.build_site()
    serve: AbstractContextManager[SiteServer] = module.serve(site_model)
    with serve as server:
        site = discover_config(server)
    check_pattern(site, {a.path for a in site_model.articles}, set(site_model.never_record_paths()))


def test_replica() -> None:
    with ReplicaServer() as replica:
        site = discover_config(replica)
    model = replica.site
    hubs = {"/", "/feed/", *(f"/{slug}/" for slug in model.pages)}
    hubs |= {f"/category/{c.slug}/" for c in model.categories} | {
        f"/category/{c.slug}/page/2/" for c in model.categories
    }
    hubs |= {f"/tags/{t}/" for t in model.tags()} | {f"/author/{a}/" for a in model.authors()}
    check_pattern(site, {a.path for a in model.articles}, hubs)
