"""`scrapy crawl euromaidan` on the replica in a real Scrapy process, compared with the replica's truth."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from newsmon.schema import record_errors
from tests.crawl_helpers import CrawlResult, read_jsonl, run_crawl
from tests.replica.model import Expected, Site
from tests.replica.server import ReplicaServer

pytestmark = pytest.mark.crawl


@pytest.fixture(scope="module")
def replica() -> Any:
    with ReplicaServer() as server:
        yield server


@pytest.fixture(scope="module")
def crawl(replica: ReplicaServer, tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    # extraction in a worker process, newsmon's default (other crawl tests extract in the crawl process)
    workers = ("-s", "NEWSMON_EXTRACT_WORKERS=1")
    result = run_crawl(replica.base_url, tmp_path_factory.mktemp("crawl"), *workers)
    assert result.returncode == 0, result.log[-3000:]
    return result


def outline_pairs(nodes: list[dict[str, Any]]) -> list[tuple[int, str]]:
    """The outline flattened in document order (pre-order), checking that children are deeper."""
    out: list[tuple[int, str]] = []
    for node in nodes:
        out.append((node["level"], node["text"]))
        assert all(child["level"] > node["level"] for child in node["children"])
        out += outline_pairs(node["children"])
    return out


def path_of(url: str, site: Site) -> str:
    """Path of a record URL; a WordPress shortlink (/?p=ID) resolves to its article's path."""
    parts = urlsplit(url)
    if parts.path == "/" and parts.query.startswith("p="):
        article = site.by_id(int(parts.query[2:]))
        assert article is not None, url
        return article.path
    return parts.path


def test_every_reachable_article_exactly_once(crawl: CrawlResult, replica: ReplicaServer) -> None:
    expected = replica.site.expected_by_path()
    by_path = crawl.by_path()
    assert sorted(by_path) == sorted(expected)
    assert all(len(records) == 1 for records in by_path.values())
    assert crawl.stats["item_scraped_count"] == len(expected)
    unreachable = {a.path for a in replica.site.unreachable_articles()}
    assert unreachable, "the replica should hold articles beyond the follow depth"
    assert not unreachable & set(by_path)


def test_no_hub_page_is_a_record(crawl: CrawlResult) -> None:
    for record in crawl.records:
        path = urlsplit(record["canonical_url"]).path
        assert not path.startswith(("/category/", "/tags/", "/author/", "/feed")), path
        assert path.count("/") == 5, path  # /YYYY/MM/DD/slug/
        assert record["type"] == "news"


def test_records_are_schema_valid_and_well_formed(crawl: CrawlResult, replica: ReplicaServer) -> None:
    for record in crawl.records:
        assert record_errors(record) == [], record["url"]
        assert record["url"].startswith(replica.base_url + "/")
        assert record["domain"] == "127.0.0.1"
        assert record["http_status"] == 200
        assert record["fetcher_tier"] == "PLAIN"
        assert record["spider"] == "euromaidan"
        assert record["version"] == 1
        assert "+00:00" in record["scraped_at"]
        query = urlsplit(record["canonical_url"]).query
        assert not any(p in query for p in ("utm_", "fbclid", "swcfpc")), record["canonical_url"]
        urls = [link["url"] for link in record["links"]]
        assert len(urls) == len(set(urls))
        assert all(u.startswith(("http://", "https://")) and "#" not in u for u in urls)


def _field_mismatches(record: dict[str, Any], expected: Expected, site: Site) -> list[str]:
    problems = []
    for name in ("title", "subtitle", "section", "language", "published_at", "modified_at"):
        if record[name] != getattr(expected, name):
            problems.append(f"{name}: {record[name]!r} != {getattr(expected, name)!r}")
    for name in ("authors", "tags"):
        if tuple(record[name]) != getattr(expected, name):
            problems.append(f"{name}: {record[name]!r} != {getattr(expected, name)!r}")
    read_also = {(path_of(item["url"], site), item["title"]) for item in record["read_also"]}
    if read_also != set(expected.read_also) | set(expected.inline_read_also):
        problems.append(f"read_also: {sorted(read_also)} != {expected.read_also + expected.inline_read_also}")
    if outline_pairs(record["structure"]) != list(expected.headings):
        problems.append(f"structure: {outline_pairs(record['structure'])} != {expected.headings}")
    return problems


def test_article_fields_match_the_truth(crawl: CrawlResult, replica: ReplicaServer) -> None:
    site = replica.site
    failures = {}
    for path, expected in site.expected_by_path().items():
        (record,) = crawl.by_path()[path]
        problems = _field_mismatches(record, expected, site)
        if problems:
            failures[f"{path} ({expected.metadata_style})"] = problems
    assert failures == {}


def test_text_after_inline_links_is_kept(crawl: CrawlResult, replica: ReplicaServer) -> None:
    site = replica.site
    checked = 0
    for path, expected in site.expected_by_path().items():
        (record,) = crawl.by_path()[path]
        content = "\n".join(record["content"])
        for phrase in expected.tail_phrases:
            assert phrase in record["body"], (path, phrase)
            assert phrase in content, (path, phrase)
            checked += 1
        article = site.by_path(path)
        assert article is not None
        for paragraph in article.paragraphs:
            if paragraph.link_text and paragraph.tail.strip():
                # the whole sentence, link text included, is one line of the visible text
                assert " ".join(paragraph.full_text.split()) in record["content"] or any(
                    " ".join(paragraph.full_text.split()) in line for line in record["content"]
                ), (path, paragraph.full_text)
    assert checked >= 10


def test_body_is_the_article_only(crawl: CrawlResult, replica: ReplicaServer) -> None:
    site = replica.site
    for path, expected in site.expected_by_path().items():
        (record,) = crawl.by_path()[path]
        body = record["body"]
        for phrase in expected.body_phrases:
            assert phrase in body, (path, phrase)
        for phrase in site.boilerplate_phrases:
            if phrase not in expected.body_phrases and phrase != expected.title:
                assert phrase not in body, (path, phrase)
        assert not body.startswith(expected.title), path
        for _, title in expected.read_also:
            assert title not in body, (path, title)
        for phrase in site.hidden_phrases:
            assert phrase not in "\n".join(record["content"]), (path, phrase)
        assert "\n\n" in body and "\n\n\n" not in body, path


def test_discovery_paths_and_depths(crawl: CrawlResult, replica: ReplicaServer) -> None:
    site = replica.site
    by_slug = {urlsplit(r["canonical_url"]).path.split("/")[4]: r for r in crawl.records}
    hops = site.hops()
    for slug, record in by_slug.items():
        # the depth of the path that reached it first: never fewer hops than the shortest path
        assert record["depth"] >= hops[slug] + 1, slug
        assert (record["discovered_via"] in ("rss", "category")) == (record["depth"] == 1), slug
        assert record["referrer"] and record["referrer"].startswith(replica.base_url)
    (page3,) = site.roles["page3_only"]
    assert by_slug[page3]["discovered_via"] == "category"
    assert by_slug[page3]["referrer"].endswith("/category/news-ukraine/page/3/")
    (sidebar_only,) = site.roles["news_feed_only"]
    assert by_slug[sidebar_only]["discovered_via"] == "news_feed"
    chain = site.roles["chain"]
    assert [by_slug[s]["depth"] for s in chain[:3]] == [1, 2, 3]
    assert chain[3] not in by_slug  # a fourth hop is beyond follow_depth=2
    assert {r["discovered_via"] for r in crawl.records} >= {"rss", "category", "read_also", "news_feed"}


def test_tracking_links_fetched_once_without_tracking(crawl: CrawlResult, replica: ReplicaServer) -> None:
    targets = [r.path for r in replica.requests]
    assert not any(p in t for t in targets for p in ("utm_", "fbclid", "swcfpc"))
    article_targets = [t for t in targets if t.count("/") == 5 and t[1:5].isdigit()]
    assert len(article_targets) == len(set(article_targets))
    assert not any(t.startswith(("/tags/", "/author/")) for t in targets)


def test_crawl_log_is_clean(crawl: CrawlResult) -> None:
    for marker in ("Traceback", "ERROR", "Warning:"):
        assert marker not in crawl.log
    assert crawl.stats.get("log_count/ERROR", 0) == 0
    assert crawl.stats["newsmon/feed/entries"] >= 10
    assert crawl.stats["newsmon/listing/pages"] == 3


def test_default_output_is_one_file_per_run(replica: ReplicaServer, tmp_path: Path) -> None:
    pattern = f"{tmp_path}/out/%(name)s/%(time)s.jsonl"
    result = run_crawl(
        replica.base_url,
        tmp_path,
        "-s",
        f"NEWSMON_OUTPUT_URI={pattern}",
        "-a",
        "follow_depth=0",
        output=False,
    )
    assert result.returncode == 0, result.log[-2000:]
    (written,) = list((tmp_path / "out" / "euromaidan").glob("*.jsonl"))
    records = read_jsonl(written)
    assert len(records) == len(replica.site.start_articles())
    assert all(r["discovered_via"] in ("rss", "category") for r in records)


@pytest.mark.parametrize(
    ("mode", "stat", "message"),
    [
        ("malformed", "newsmon/feed/bozo", "is ill-formed"),
        ("empty", "newsmon/feed/empty", "yielded no entries (empty feed)"),
        ("missing", "newsmon/feed/http_error/404", "answered HTTP 404"),
        ("html", "newsmon/feed/not_a_feed", "not a feed document"),
    ],
)
def test_feed_faults_warn_count_and_go_on(mode: str, stat: str, message: str, tmp_path: Path) -> None:
    with ReplicaServer(feed_mode=mode) as replica:
        result = run_crawl(replica.base_url, tmp_path)
        expected = replica.site.expected_by_path(feed_mode=mode)
    assert result.returncode == 0, result.log[-2000:]
    assert result.stats.get(stat, 0) >= 1, sorted(k for k in result.stats if k.startswith("newsmon/"))
    assert any("WARNING" in line and message in line for line in result.log.splitlines()), message
    assert sorted(result.by_path()) == sorted(expected)
