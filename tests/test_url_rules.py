"""A site that links one story by several URLs (a parameter that changes nothing, a parameter name in
another case) and names one of them with rel=canonical: the crawl learns the site's URL rule from those
answers, fetches each story once and writes related links by their canonical URL from the first run; a rule
never merges two stories (a parameter that turns out to identify pages is never dropped, ids keep their
case). Sites, names and text invented for this test (Hindi and Portuguese, PHP-style query URLs)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from scrapy import Request

from newsmon import stats
from newsmon.crawl.frontier import Frontier, LinkPath
from newsmon.crawl.levels import possible_aliases
from newsmon.crawl.url_rules import NOTE, UrlRules, load_rules, save_rules
from newsmon.meta import META_KEY
from newsmon.sites import parse_site_config
from newsmon.state.store import StateStore
from newsmon.urls import SiteScope, canonicalize
from tests.crawl_helpers import CrawlResult, run_crawl
from tests.othersites.model import Reply, esc
from tests.redis_helpers import needs_redis
from tests.site_server import SiteServer

B = "https://seema.example/khabar.php"


def rules_from(*pairs: tuple[str, str]) -> UrlRules:
    rules = UrlRules()
    for asked, canonical in pairs:
        rules.observe(canonicalize(asked), canonicalize(canonical))
    return rules


# --- the rules, without Scrapy -----------------------------------------------------------------------------
def test_a_dropped_parameter_and_a_folded_name_are_learned_from_two_stories() -> None:
    rules = rules_from((f"{B}?newsid=Qa7&src=home", f"{B}?NewsID=Qa7"))
    assert not rules.active  # one story is no evidence yet
    assert rules.rewrite(canonicalize(f"{B}?newsid=Zk2&src=home")) == canonicalize(f"{B}?newsid=Zk2&src=home")
    learned, withdrawn = rules.observe(
        canonicalize(f"{B}?newsid=Lm9&src=home"), canonicalize(f"{B}?NewsID=Lm9")
    )
    assert (learned, withdrawn) == (2, 0)
    assert rules.describe() == ["drop src=home", "rename newsid -> NewsID"]
    assert rules.rewrite(canonicalize(f"{B}?src=home&newsid=Zk2")) == canonicalize(f"{B}?NewsID=Zk2")
    # another value of src: not known to change nothing yet, and a URL of neither form is never made
    assert rules.rewrite(canonicalize(f"{B}?newsid=Zk2&src=rel")) == canonicalize(f"{B}?newsid=Zk2&src=rel")
    rules.observe(canonicalize(f"{B}?newsid=Pp4&src=rel"), canonicalize(f"{B}?NewsID=Pp4"))
    assert "drop src" in rules.describe()  # two values, three stories: any value
    assert rules.rewrite(canonicalize(f"{B}?newsid=Zk2&src=feed")) == canonicalize(f"{B}?NewsID=Zk2")


def test_ids_keep_their_case_and_paths_are_never_rewritten() -> None:
    # the canonical URL names another id (case differs): not an alias rule, nothing learned
    rules = rules_from(
        (f"{B}?NewsID=ab3", f"{B}?NewsID=AB3"),
        (f"{B}?NewsID=cd4", f"{B}?NewsID=CD4"),
        (f"{B}?NewsID=ef5", f"{B}?NewsID=EF5"),
    )
    assert not rules.active
    rules = rules_from(*((f"{B}?ID={n}&from=top", f"{B}?id={n}") for n in ("aB3", "Ab3", "xY9")))
    assert rules.rewrite(canonicalize(f"{B}?ID=aB3&from=top")) == canonicalize(f"{B}?id=aB3")
    assert rules.rewrite(canonicalize(f"{B}?ID=Ab3&from=top")) == canonicalize(f"{B}?id=Ab3")  # two stories
    other_path = canonicalize("https://seema.example/Khabar.php?ID=aB3&from=top")
    assert rules.rewrite(other_path) == canonicalize("https://seema.example/Khabar.php?id=aB3")  # path as is


def test_a_parameter_that_identifies_a_page_is_never_dropped_and_its_rule_is_withdrawn() -> None:
    # part=1 looks droppable on the first stories ...
    rules = rules_from(*((f"{B}?NewsID={n}&part=1", f"{B}?NewsID={n}") for n in ("r1", "r2", "r3")))
    assert rules.describe() == ["drop part=1"]
    assert rules.rewrite(canonicalize(f"{B}?NewsID=r9&part=2")) == canonicalize(f"{B}?NewsID=r9&part=2")
    # ... until a canonical URL keeps it: then no rule drops it, on any value
    learned, withdrawn = rules.observe(
        canonicalize(f"{B}?NewsID=r3&part=2"), canonicalize(f"{B}?NewsID=r3&part=2")
    )
    assert (learned, withdrawn) == (0, 1)
    assert not rules.active
    assert rules.rewrite(canonicalize(f"{B}?NewsID=r4&part=1")) == canonicalize(f"{B}?NewsID=r4&part=1")
    rules.observe(canonicalize(f"{B}?NewsID=r5&part=1"), canonicalize(f"{B}?NewsID=r5"))
    assert not rules.active  # never again
    # a name some canonical URL spells as it is is never renamed
    rules = rules_from(*((f"{B}?Sec=1&sec=9&id={n}", f"{B}?sec=9&id={n}") for n in ("a", "b")))
    rules.observe(canonicalize(f"{B}?Sec=4&id=c"), canonicalize(f"{B}?Sec=4&id=c"))
    assert rules.rewrite(canonicalize(f"{B}?Sec=1&sec=9&id=d")) == canonicalize(f"{B}?Sec=1&sec=9&id=d")


def test_a_canonical_url_shared_by_every_page_teaches_nothing() -> None:
    rules = rules_from(*((f"{B}?NewsID={n}", B) for n in ("a1", "b2", "c3", "d4")))
    assert not rules.active  # one canonical page for all: not several stories saying the same


def test_the_evidence_is_kept_in_the_sqlite_store_for_the_next_run(tmp_path: Path) -> None:
    rules = rules_from(*((f"{B}?newsid={n}&src=home", f"{B}?NewsID={n}") for n in ("a1", "b2")))
    with StateStore.open(tmp_path / "seema.sqlite3") as store:
        assert save_rules(rules, store)
        other = rules_from((f"{B}?newsid=c3&src=feed", f"{B}?NewsID=c3"))
        assert save_rules(other, store)  # added to what is there, not in its place
    with StateStore.open(tmp_path / "seema.sqlite3") as store:
        again = UrlRules()
        load_rules(again, store)
    assert again.describe() == ["drop src", "rename newsid -> NewsID"]
    assert again.rewrite(canonicalize(f"{B}?newsid=z&src=x")) == canonicalize(f"{B}?NewsID=z")


@needs_redis
def test_the_evidence_is_kept_in_redis_and_merged_between_processes(redis_server: Any) -> None:
    from newsmon.state.redis_store import RedisStateStore

    one_rules = rules_from((f"{B}?newsid=a1&src=home", f"{B}?NewsID=a1"))
    two_rules = rules_from((f"{B}?newsid=b2&src=home", f"{B}?NewsID=b2"))
    with (
        RedisStateStore.open_for_reading(redis_server.url, "seema") as one,
        RedisStateStore.open_for_reading(redis_server.url, "seema") as two,
    ):
        assert save_rules(one_rules, one) and save_rules(two_rules, two)
        assert set(two.note(NOTE)["drop"]["src"]["home"]) == {
            canonicalize(f"{B}?NewsID={n}") for n in ("a1", "b2")
        }
        joined = UrlRules()
        load_rules(joined, one)
    assert joined.describe() == ["drop src=home", "rename newsid -> NewsID"]  # neither process alone knew


# --- the frontier and the level gate -----------------------------------------------------------------------
SITE = parse_site_config(
    {
        "name": "seema",
        "origin": "https://seema.example",
        "article_pattern": r"^/khabar\.php$",
        "hub_patterns": [],
    }
)


def test_the_frontier_requests_a_story_once_by_its_canonical_url() -> None:
    counts: Counter[str] = Counter()
    scope = SiteScope.build(SITE.origin)
    frontier = Frontier(SITE, scope, (), 2, lambda name: counts.update((name,)))
    frontier.url_rules = rules_from(*((f"{B}?newsid={n}&src=home", f"{B}?NewsID={n}") for n in ("a1", "b2")))
    (visit,) = frontier.link(f"{B}?NewsID=c3", LinkPath(0, 1, "rss", "feed"))
    assert list(frontier.link(f"{B}?src=home&newsid=c3", LinkPath(0, 1, "category", "home"))) == []
    assert counts[stats.LINK_URL_RULE] == 1 and counts[stats.LINK_SEEN] == 1
    # a page requested under an alias no rule knows names its canonical URL: a later link to it is seen
    (alias,) = frontier.link(f"{B}?newsid=d4&src=top", LinkPath(0, 1, "category", "home"))
    frontier.named(alias.url, canonicalize(f"{B}?NewsID=d4"), alias.path)
    assert list(frontier.link(f"{B}?NewsID=d4", LinkPath(1, 2, "read_also", visit.url))) == []
    assert frontier.superseded(canonicalize(f"{B}?NewsID=d4"))


def _request(url: str) -> Request:
    return Request(url, meta={META_KEY: canonicalize(url)})


def test_possible_aliases_of_known_urls_wait_and_teachers_go_first() -> None:
    known = [canonicalize(f"{B}?NewsID={n}") for n in ("a1", "b2")]
    other = "https://seema.example/other.php?newsid=a1&x=1"
    urls = (f"{B}?NewsID=a1", f"{B}?newsid=a1&src=home", f"{B}?newsid=c3&src=home", f"{B}?NewsID=A1", other)
    batch = [_request(u) for u in urls]
    now, later = possible_aliases(batch, [*known, *(r.meta[META_KEY] for r in batch)])
    assert [r.url for r in later] == [batch[1].url]  # ?NewsID=a1 (names without case) is known
    assert [r.url for r in now] == [batch[0].url, batch[2].url, batch[3].url, batch[4].url]
    assert [r.priority for r in now] == [0, 1, 0, 0]  # more parameters than its path's fewest: first


# --- crawls of invented sites ------------------------------------------------------------------------------
ORIGIN = "https://seema.example"
# Hindi, PHP: the feed links /khabar.php?NewsID=<id>; the home page and the related blocks link the same
# stories as /khabar.php?newsid=<id>&src=home|rel. Ids are case-sensitive: Tm4x and tM4X are two stories.
IDS = ("Tm4x", "tM4X", "Rb7k", "Jq2w", "Hs5p", "Wd8n", "Ly3c", "Pf6g", "Xe9v", "Kz1u")
FEED = IDS[:4]
HOME = IDS[:8]  # the last two only through related blocks
HINDI = {
    "subjects": ("नगर निगम", "जल बोर्ड", "ज़िला अस्पताल", "रेलवे मंडल", "किसान संघ"),
    "objects": ("नया पुल", "पानी की पाइपलाइन", "बस अड्डा", "स्कूल भवन", "सब्ज़ी मंडी"),
}
SEEMA_TOML = f"""
name = "seema"
origin = "{ORIGIN}"
feeds = ["/rss.php"]
categories = ["/"]
sitemaps = []
robots_sitemaps = false
article_pattern = '^/khabar\\.php$'
hub_patterns = ['^/$', '^/vibhag\\.php']
tier_mode = "plain"
follow_depth = 2

[related]
read_also = ["यह भी पढ़ें"]
news_feed = []
"""


def _title(i: int) -> str:
    return f"{HINDI['subjects'][i % 5]} ने {HINDI['objects'][(i * 2) % 5]} पर फ़ैसला टाला ({i + 1})"


def _hindi_page(i: int) -> str:
    story = IDS[i]
    related = [IDS[(i + 1) % len(IDS)], IDS[(i + 2) % len(IDS)]]
    links = "".join(
        f"<li><a href='/khabar.php?newsid={r}&amp;src=rel'>{esc(_title(IDS.index(r)))}</a></li>" if n == 0
        else f"<li><a href='/khabar.php?NewsID={r}'>{esc(_title(IDS.index(r)))}</a></li>"
        for n, r in enumerate(related)
    )  # fmt: skip
    paragraphs = "".join(
        f"<p>{esc(_title(i))}: बैठक में {n + 3} सदस्यों ने अपनी राय रखी और अगले महीने फिर चर्चा होगी। "
        f"अधिकारियों ने बताया कि काम की लागत का अनुमान {n + 12} लाख रुपये है।</p>"
        for n in range(4)
    )
    return (
        "<!doctype html><html lang='hi'><head><meta charset='utf-8'>"
        f"<title>{esc(_title(i))} - सीमा समाचार</title>"
        f"<link rel='canonical' href='{ORIGIN}/khabar.php?NewsID={story}'>"
        "<meta property='og:type' content='article'>"
        f"<meta property='article:published_time' content='2026-04-{10 + i:02d}T09:15:00+05:30'></head><body>"
        "<nav><a href='/'>मुखपृष्ठ</a> <a href='/vibhag.php?id=2'>शहर</a></nav>"
        f"<article><h1>{esc(_title(i))}</h1>{paragraphs}"
        f"<div class='also'><h3>यह भी पढ़ें</h3><ul>{links}</ul></div></article>"
        "<footer>सीमा समाचार, सर्वाधिकार सुरक्षित</footer></body></html>"
    )


def seema(target: str, headers: Mapping[str, str]) -> Reply:
    parts = urlsplit(target)
    query = dict(parse_qsl(parts.query))
    if parts.path == "/rss.php":
        items = "".join(
            f"<item><title>x</title><link>{ORIGIN}/khabar.php?NewsID={s}</link></item>" for s in FEED
        )
        rss = f"<?xml version='1.0'?><rss version='2.0'><channel><title>S</title>{items}</channel></rss>"
        return Reply(200, rss.encode(), "application/rss+xml; charset=utf-8")
    if parts.path == "/":
        items = "".join(
            f"<li><a href='/khabar.php?newsid={s}&amp;src=home'>{esc(_title(IDS.index(s)))}</a></li>"
            for s in HOME
        )
        page = (
            "<html lang='hi'><head><title>सीमा समाचार</title></head><body><h1>ताज़ा ख़बरें</h1>"
            f"<ul>{items}</ul></body></html>"
        )
        return Reply(200, page.encode(), "text/html; charset=utf-8")
    if parts.path == "/khabar.php":
        story = query.get("NewsID") or query.get("newsid")
        if story in IDS:
            return Reply(200, _hindi_page(IDS.index(story)).encode(), "text/html; charset=utf-8")
    return Reply(404, b"<html><body>404</body></html>", "text/html; charset=utf-8")


def _crawl(handler: Any, toml: str, workdir: Path, runs: int) -> list[tuple[CrawlResult, list[str]]]:
    config = workdir / "site.toml"
    config.write_text(toml, encoding="utf-8")
    out = []
    with SiteServer(handler) as server:
        for run in range(runs):
            server.clear_requests()
            result = run_crawl(
                server.base_url, workdir / f"run{run}", "-a", f"site={config}", spider="news",
                state_dir=workdir / "state",
            )  # fmt: skip
            assert result.returncode == 0, result.log[-3000:]
            out.append((result, [r.path for r in server.requests if r.method == "GET"]))
    return out


@pytest.mark.crawl
def test_each_story_is_fetched_once_and_related_links_are_canonical_from_the_first_run(
    tmp_path: Path,
) -> None:
    (first, requested), (second, requested_again) = _crawl(seema, SEEMA_TOML, tmp_path, 2)
    by_id = {dict(parse_qsl(urlsplit(r["canonical_url"]).query))["NewsID"]: r for r in first.records}
    assert sorted(by_id) == sorted(IDS)  # one record per story; Tm4x and tM4X are two
    assert len(first.records) == len(IDS)
    articles = [p for p in requested if p.startswith("/khabar.php")]
    # each story fetched once, whichever URL linked it, but for one request sent to learn src=rel (the
    # related blocks' value, never on the home page): not a record, and what it taught rewrote the rest
    assert len(articles) == len(IDS) + 1, articles
    assert first.stats.get(stats.LINK_ALIAS_PROBE) == 1 and first.stats.get(stats.ARTICLE_ALIAS_AGAIN) == 1
    for record in first.records:
        assert record["read_also"], record["url"]
        for item in record["read_also"]:
            query = dict(parse_qsl(urlsplit(item["url"]).query))
            assert set(query) == {"NewsID"} and query["NewsID"] in IDS, item
    counted = first.stats
    assert counted.get(stats.URL_RULE_LEARNED, 0) >= 2
    assert counted.get(stats.LINK_ALIAS_MERGED, 0) > 0 and counted.get(stats.LINK_URL_RULE, 0) > 0
    assert counted.get("newsmon/dedupe/duplicate_url", 0) == 0
    # the next run knows the rules from its first link: nothing fetched again, nothing re-emitted
    assert [p for p in requested_again if p.startswith("/khabar.php")] == []
    assert second.records == []


# Portuguese: ?parte=1 is dropped by the canonical URL of every story on the home page, but ?parte=2 is the
# second part of a series, a page of its own (its canonical URL keeps it), linked from the first part.
FOLHA_TOML = f"""
name = "folha"
origin = "{ORIGIN}"
feeds = []
categories = ["/"]
sitemaps = []
robots_sitemaps = false
article_pattern = '^/materia\\.php$'
hub_patterns = ['^/$']
tier_mode = "plain"
follow_depth = 2

[related]
read_also = ["Leia também"]
news_feed = []
"""
SERIES = "3117"  # has a second part


def _folha_title(story: str, part: str | None) -> str:
    title = f"Câmara de Rio Claro adia votação do orçamento n.º {story}"
    return title + (" (parte 2)" if part == "2" else "")


def _folha_page(story: str, part: str | None) -> str:
    canonical = f"/materia.php?id={story}" + (f"&amp;parte={part}" if part and part != "1" else "")
    title = f"Câmara de Rio Claro adia votação do orçamento n.º {story}" + (
        " (parte 2)" if part == "2" else ""
    )
    related = ""
    if story == SERIES and part != "2":
        link = f"<a href='/materia.php?id={SERIES}&amp;parte=2'>{esc(title)}: parte 2</a>"
        related = f"<aside><h3>Leia também</h3>{link}</aside>"
    paragraphs = "".join(
        f"<p>{esc(title)}. Os vereadores discutiram por {n + 2} horas e a sessão termina na quinta-feira, "
        f"segundo a presidência da casa, que recebeu {n + 40} emendas.</p>"
        for n in range(4)
    )
    return (
        f"<!doctype html><html lang='pt-BR'><head><meta charset='utf-8'><title>{esc(title)}</title>"
        f"<link rel='canonical' href='{ORIGIN}{canonical}'><meta property='og:type' content='article'>"
        "<meta property='article:published_time' content='2026-04-02T10:00:00-03:00'></head><body>"
        f"<article><h1>{esc(title)}</h1>{paragraphs}</article>{related}</body></html>"
    )


FOLHA = ("3101", "3105", "3109", "3113", SERIES)


def folha(target: str, headers: Mapping[str, str]) -> Reply:
    parts = urlsplit(target)
    query = dict(parse_qsl(parts.query))
    if parts.path == "/":
        items = "".join(
            f"<li><a href='/materia.php?id={s}&amp;parte=1'>{esc(_folha_title(s, '1'))}</a></li>"
            for s in FOLHA
        )
        page = f"<html lang='pt-BR'><head><title>Folha</title></head><body><ul>{items}</ul></body></html>"
        return Reply(200, page.encode(), "text/html; charset=utf-8")
    if parts.path == "/materia.php" and query.get("id") in FOLHA:
        part = query.get("parte")
        if part in (None, "1") or (part == "2" and query["id"] == SERIES):
            return Reply(200, _folha_page(query["id"], part).encode(), "text/html; charset=utf-8")
    return Reply(404, b"<html><body>404</body></html>", "text/html; charset=utf-8")


@pytest.mark.crawl
def test_a_parameter_that_looked_droppable_but_identifies_a_page_merges_nothing(tmp_path: Path) -> None:
    ((result, requested),) = _crawl(folha, FOLHA_TOML, tmp_path, 1)
    canonical = sorted(urlsplit(r["canonical_url"]).query for r in result.records)
    assert canonical == sorted([*(f"id={s}" for s in FOLHA), f"id={SERIES}&parte=2"])
    assert f"/materia.php?id={SERIES}&parte=2" in requested  # never rewritten to the first part
    counted = result.stats
    assert counted.get(stats.URL_RULE_LEARNED, 0) >= 1  # drop parte=1, from the home page's stories
    assert counted.get(stats.URL_RULE_WITHDRAWN, 0) >= 1  # until the second part kept it
