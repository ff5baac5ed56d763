"""An AMP-first site: its feed and its related blocks link AMP URLs (/amp/, ?amp=1, .amp), and every record
is built from the canonical page (the AMP page's rel=canonical); the AMP page only when no canonical page
exists. Two pages are served without an HTTP charset in legacy encodings: the crawl decodes them like
`newsmon extract FILE`. Site, names and text invented for this test."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

import pytest

from newsmon import stats
from newsmon.schema import record_errors
from tests.crawl_helpers import CrawlResult, run_crawl
from tests.othersites.model import Reply, esc
from tests.site_server import SiteServer

pytestmark = pytest.mark.crawl

ORIGIN = "https://fjordpost.example"
CONFIG = f"""
name = "fjordpost"
origin = "{ORIGIN}"
hosts = ["fjordpost.example"]
feeds = ["/feed.xml"]
sitemaps = []
robots_sitemaps = false
categories = []
article_pattern = '^/news/[a-z0-9-]+(/|/amp/|\\.amp)?$'
hub_patterns = ['^/?$', '^/topics/']
tier_mode = "plain"
follow_depth = 2

[related]
read_also = ["More from the fjord"]
news_feed = []
"""

# slug -> (headline, canonical-only sentence); each has an AMP twin whose text differs
STORIES = {
    "ferry-returns": (
        "The night ferry returns to Skarvik",
        "Skarvik harbour master Oda Lien counted the cars.",
    ),
    "choir-tour": (
        "The fjord choir plans a summer tour",
        "The choir will sing in nine chapels along the coast.",
    ),
    "bridge-toll": (
        "Toll on the Vik bridge ends in autumn",
        "Drivers have paid the toll since the bridge opened.",
    ),
    "harbour-crane": ("A new crane for the harbour", "The crane lifts forty tonnes and arrives by barge."),
}
AMP_OF = {  # how the feed or a related block links each story: only its AMP URL
    "ferry-returns": "/news/ferry-returns/amp/",
    "choir-tour": "/news/choir-tour?amp=1",  # canonicalised like a tracking parameter: never requested
    "bridge-toll": "/news/bridge-toll.amp",
    "harbour-crane": "/news/harbour-crane/amp/",  # linked only from ferry-returns' related block
}
CANONICAL = {
    "ferry-returns": "/news/ferry-returns/",
    "choir-tour": "/news/choir-tour",
    "bridge-toll": "/news/bridge-toll",
    "harbour-crane": "/news/harbour-crane/",
}
FILLER = (
    "The town council met on Tuesday evening and discussed the matter at length before a vote. "
    "Residents who spoke at the meeting asked for clear dates and for notices at the pier. "
    "A decision on the timetable for the winter months is expected before the first snow. "
)
LEGACY = {  # served with "Content-Type: text/html" and no <meta> charset: decoded by the bytes alone
    "/news/kyiv-ferry/": (
        "cp1251",
        "Пором до Вікова знову ходить щоночі",
        "Капітан Олег Мирний привітав пасажирів.",
    ),
    "/news/tokyo-ferry/": ("shift_jis", "夜のフェリーが再び運航を始めた", "船長は乗客を一人ずつ出迎えた。"),
}


def _page(title: str, body: str, head: str = "", *, amp: bool = False, related: str = "") -> str:
    return (
        f"<!doctype html><html{' amp' if amp else ''} lang='en'><head>"
        f"<title>{esc(title)} | Fjord Post</title>"
        f"{head}<meta property='og:type' content='article'>"
        "<meta property='article:published_time' content='2026-05-04T08:00:00+02:00'></head><body>"
        "<nav><a href='/'>Home</a> <a href='/topics/ferries/'>Ferries</a></nav>"
        f"<article><h1>{esc(title)}</h1><p>By Siri Dahl</p>{body}</article>{related}"
        "<footer>Fjord Post, Skarvik</footer></body></html>"
    )


def _paragraphs(*sentences: str) -> str:
    return "".join(f"<p>{esc(s)} {FILLER}</p>" for s in sentences)


def respond(target: str, headers: Mapping[str, str]) -> Reply:
    path = urlsplit(target).path
    query = urlsplit(target).query
    if path == "/feed.xml":
        links = [AMP_OF[s] for s in ("ferry-returns", "choir-tour", "bridge-toll")]
        links += ["/news/orphan/amp/", "/news/selfamp/", "/news/bridge-toll", "/news/ferries/amp/", *LEGACY]
        items = "".join(f"<item><title>x</title><link>{ORIGIN}{link}</link></item>" for link in links)
        rss = f"<?xml version='1.0'?><rss version='2.0'><channel><title>FP</title>{items}</channel></rss>"
        return Reply(200, rss.encode(), "application/rss+xml; charset=utf-8")
    if path in LEGACY:
        codec, title, line = LEGACY[path]
        page = _page(title, _paragraphs(line, line, line))
        return Reply(200, page.encode(codec), "text/html")
    if path == "/news/orphan/amp/":  # its canonical page answers 404: the AMP page is the record
        head = f"<link rel='canonical' href='{ORIGIN}/news/orphan/'>"
        return _html(_page("An orphan AMP story", _paragraphs("Only the AMP edition of this story exists."),
                           head, amp=True))  # fmt: skip
    if path == "/news/ferries/amp/":  # the AMP edition of a hub page: neither it nor the hub is a record
        listing = "".join(f"<li><a href='{AMP_OF[s]}'>{esc(t)}</a></li>" for s, (t, _) in STORIES.items())
        page = (
            f"<html amp><head><title>Ferries | Fjord Post</title><meta property='og:type' content='website'>"
            f"<link rel='canonical' href='{ORIGIN}/topics/ferries/'></head><body><h1>Ferries</h1>"
            f"<ul>{listing}</ul></body></html>"
        )
        return _html(page)
    if path == "/news/selfamp/":  # an AMP page that is its own canonical page
        head = f"<link rel='canonical' href='{ORIGIN}/news/selfamp/'>"
        return _html(_page("A canonical AMP story", _paragraphs("This AMP page is the canonical page."),
                           head, amp=True))  # fmt: skip
    for slug, (title, line) in STORIES.items():
        amp = AMP_OF[slug]
        canonical = CANONICAL[slug]
        if target == amp or (path == urlsplit(amp).path and query and query == urlsplit(amp).query):
            head = f"<link rel='canonical' href='{ORIGIN}{canonical}'>"
            body = _paragraphs("AMP edition standfirst for readers on the go.", line)
            return _html(_page(title, body, head, amp=True))
        if path == canonical and not query:
            head = f"<link rel='amphtml' href='{ORIGIN}{amp}'>"
            related = ""
            if slug == "ferry-returns":
                related = (
                    "<aside><h2>More from the fjord</h2><div class='grid'>"
                    + "".join(_card(s) for s in ("harbour-crane", "choir-tour"))
                    + "</div></aside>"
                )
            full = f"The canonical edition of {title} has the full story."
            return _html(_page(title, _paragraphs(line, full), head, related=related))
    return Reply(404, b"<html><body>Not found</body></html>", "text/html; charset=utf-8")


def _card(slug: str) -> str:
    """A card of the related grid: image link, heading link, author line with the author's link."""
    return (
        f"<article><a href='{AMP_OF[slug]}'><img src='/img/{slug}.jpg' alt='Photo'></a>"
        f"<h3><a href='{AMP_OF[slug]}'>{esc(STORIES[slug][0])}</a></h3>"
        "<p>By <a href='/authors/siri-dahl/'>Siri Dahl</a> · 3 May</p></article>"
    )


def _html(page: str) -> Reply:
    return Reply(200, page.encode(), "text/html; charset=utf-8")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[CrawlResult, list[str]]]:
    """Two runs on one state directory: the second finds nothing new."""
    workdir = tmp_path_factory.mktemp("amp")
    config = workdir / "fjordpost.toml"
    config.write_text(CONFIG, encoding="utf-8")
    out = []
    with SiteServer(respond) as server:
        for run in ("first", "second"):
            server.clear_requests()
            result = run_crawl(
                server.base_url,
                workdir / run,
                "-a",
                f"site={config}",
                spider="news",
                state_dir=workdir / "state",
            )
            assert result.returncode == 0, result.log[-3000:]
            out.append((result, [r.path for r in server.requests if r.method == "GET"]))
    return out


@pytest.fixture(scope="module")
def crawl(runs: list[tuple[CrawlResult, list[str]]]) -> tuple[CrawlResult, list[str]]:
    return runs[0]


def test_every_story_linked_by_its_amp_url_is_recorded_from_its_canonical_page(crawl) -> None:
    result, _ = crawl
    by_path: dict[str, list[dict]] = {}
    for record in result.records:
        assert record_errors(record) == []
        by_path.setdefault(urlsplit(record["canonical_url"]).path, []).append(record)
    expected = {*CANONICAL.values(), "/news/orphan/amp/", "/news/selfamp/", *LEGACY}
    assert sorted(by_path) == sorted(expected)
    assert all(len(records) == 1 for records in by_path.values())  # one record per story
    for slug, (title, line) in STORIES.items():
        (record,) = by_path[CANONICAL[slug]]
        assert urlsplit(record["url"]).path == CANONICAL[slug] and "amp" not in urlsplit(record["url"]).query
        assert record["title"] == title
        assert line in record["body"]
        assert f"The canonical edition of {title} has the full story." in record["body"]
        assert "AMP edition" not in record["body"]
    (crane,) = by_path[CANONICAL["harbour-crane"]]
    (ferry,) = by_path[CANONICAL["ferry-returns"]]
    assert ferry["discovered_via"] == "rss" and ferry["depth"] == 1  # the path of the AMP link
    assert crane["discovered_via"] == "read_also" and crane["depth"] == 2
    assert crane["referrer"] == ferry["url"]
    # the card grid's items, by their canonical URLs (the AMP links' ?amp=1 dropped; /amp/ as linked)
    assert [(urlsplit(i["url"]).path, i["title"]) for i in ferry["read_also"]] == [
        (AMP_OF["harbour-crane"], STORIES["harbour-crane"][0]),
        (CANONICAL["choir-tour"], STORIES["choir-tour"][0]),
    ]


def test_the_amp_page_is_recorded_only_when_no_canonical_page_exists(crawl) -> None:
    result, requested = crawl
    (orphan,) = [r for r in result.records if "orphan" in r["url"]]
    assert urlsplit(orphan["url"]).path == "/news/orphan/amp/"
    assert urlsplit(orphan["canonical_url"]).path == "/news/orphan/amp/"  # not the page that does not exist
    assert "Only the AMP edition of this story exists." in orphan["body"]
    assert requested.count("/news/orphan/") == 1 and requested.count("/news/orphan/amp/") == 2
    (itself,) = [r for r in result.records if "selfamp" in r["url"]]
    assert "This AMP page is the canonical page." in itself["body"]
    # ferry, crane (through Read also), the orphan; bridge-toll's canonical page was requested from the
    # feed as well: its AMP page gives nothing
    assert result.stats[stats.AMP_CANONICAL_REQUESTED] == 3
    assert result.stats[stats.AMP_CANONICAL_SEEN] == 1
    assert result.stats[stats.AMP_FALLBACK] == 1
    assert result.stats[stats.AMP_NO_CANONICAL] == 2  # selfamp; the hub's AMP edition (not an article)
    assert result.stats[stats.PAGE_NOT_ARTICLE] == 1 and "/topics/ferries/" not in requested
    assert requested.count("/news/bridge-toll") == 1 and requested.count("/news/bridge-toll.amp") == 1
    # ?amp=1 is a tracking-like parameter: the URL is the canonical page's from the start
    assert requested.count("/news/choir-tour") == 1 and "/news/choir-tour?amp=1" not in requested


def test_pages_without_an_http_charset_decode_by_their_bytes(crawl) -> None:
    result, _ = crawl
    for path, (_, title, line) in LEGACY.items():
        (record,) = [r for r in result.records if urlsplit(r["url"]).path == path]
        assert record["title"] == title
        assert line in record["body"]


def test_the_next_run_does_not_fetch_the_amp_pages_of_stories_it_recorded(runs) -> None:
    result, requested = runs[1]
    assert result.records == []
    # an AMP URL is an alias of its canonical page in the state store, whichever request recorded it
    for slug in ("ferry-returns", "bridge-toll"):
        assert AMP_OF[slug] not in requested and CANONICAL[slug] not in requested
    assert "/news/orphan/amp/" not in requested and "/news/selfamp/" not in requested
    assert "/news/ferries/amp/" in requested  # not an article: nothing was stored for it
