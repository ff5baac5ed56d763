import dataclasses
import json

import pytest
from fastjsonschema import JsonSchemaException
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newsmon.extract.types import PageData
from newsmon.pipelines.dedupe import InRunDedupePipeline
from newsmon.pipelines.validate import SchemaValidationPipeline
from newsmon.record import FetchInfo, build_record, content_hash
from newsmon.report.markdown import render_markdown
from newsmon.schema import record_errors
from newsmon.urls import SiteScope

SCOPE = SiteScope.build("https://news.example", mirror="http://127.0.0.1:9999")


def make_page(**overrides):
    page = PageData(
        title="Ferry service resumes on the northern route",
        authors=["Ada Invented"],
        tags=["ferries"],
        language="en-US",
        published_at="2026-03-01T10:00:00+02:00",
        canonical_href="https://news.example/2026/03/01/ferry/?utm_source=x",
        body="First paragraph.\n\nSecond paragraph.",
        read_also=[
            {"url": "https://www.news.example/2026/02/01/older/?fbclid=1", "title": "Older"},
            {"url": "https://news.example/2026/02/01/older/", "title": "Older again"},
            {"url": "https://forum.elsewhere.example/t/1", "title": "Offsite"},
        ],
        structure=[{"level": 1, "text": "Ferry", "children": [{"level": 2, "text": "Sub", "children": []}]}],
        content=["Ferry", "First paragraph."],
        links=[{"url": "https://news.example/", "text": "Home"}],
    )
    return dataclasses.replace(page, **overrides)


def make_record(**overrides):
    fetch = FetchInfo(url="http://127.0.0.1:9999/?p=7", discovered_via="rss", depth=1, spider="t")
    return dataclasses.asdict(build_record(make_page(**overrides), fetch, SCOPE))


def test_record_is_schema_valid_and_canonical_follows_rel_canonical():
    record = make_record()
    assert record_errors(record) == []
    assert record["canonical_url"] == "http://127.0.0.1:9999/2026/03/01/ferry/"
    assert record["domain"] == "127.0.0.1"
    assert record["read_also"] == [{"url": "http://127.0.0.1:9999/2026/02/01/older/", "title": "Older"}]
    assert record["content_hash"].startswith("sha256:")


def test_offsite_canonical_is_ignored():
    record = make_record(canonical_href="https://aggregator.example/copy/")
    assert record["canonical_url"] == "http://127.0.0.1:9999/?p=7"


def test_content_hash_ignores_cosmetic_whitespace():
    assert content_hash("A  b\n\nc") == content_hash(" a b c ")
    assert content_hash("a b c") != content_hash("a b d")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("published_at", "2026-03-01T10:00:00"),
        ("fetcher_tier", "FAST"),
        ("body", ""),
        ("links", [{"url": "x"}]),
        ("discovered_via", "guess"),
        ("structure", [{"level": 9, "text": "x", "children": []}]),
    ],
)
def test_schema_rejects_bad_records(field, value):
    record = make_record()
    record[field] = value
    assert record_errors(record)


def test_pipelines_validate_and_dedupe():
    crawler = get_crawler(settings_dict={"NEWSMON_VALIDATE_RECORDS": True})
    crawler.stats.open_spider()
    validator = SchemaValidationPipeline.from_crawler(crawler)
    dedupe = InRunDedupePipeline.from_crawler(crawler)
    first = make_record()
    assert dedupe.process_item(validator.process_item(first)) is first
    with pytest.raises(DropItem):
        dedupe.process_item(make_record())  # same canonical URL
    with pytest.raises(DropItem):
        dedupe.process_item(make_record(canonical_href="https://news.example/other/"))  # same body
    bad = make_record()
    bad["fetcher_tier"] = "NOPE"
    with pytest.raises(DropItem, match="schema"):
        validator.process_item(bad)
    stats = crawler.stats.get_stats()
    assert stats["newsmon/dedupe/duplicate_url"] == 1
    assert stats["newsmon/dedupe/duplicate_content"] == 1
    assert stats["newsmon/schema/invalid"] == 1


def test_render_has_seed_layout_and_document_order_outline():
    text = render_markdown(make_record())
    sections = [line for line in text.splitlines() if line.startswith("#")]
    assert sections[:5] == ["# 127.0.0.1", "## Metadata", "## Page Structure", "## Content", "## Links"]
    assert "- # Ferry\n  - ## Sub" in text
    assert "- **Fetcher tier**: PLAIN" in text
    assert "- [Home](https://news.example/)" in text


def test_cli_render_skips_torn_line(tmp_path, capsys):
    from newsmon.cli import main as cli_main

    path = tmp_path / "run.jsonl"
    path.write_text(json.dumps(make_record()) + "\n" + '{"url": "torn', encoding="utf-8")
    assert cli_main(["render", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.out.count("## Metadata") == 1
    assert "torn last line" in captured.err


def test_render_shows_the_new_article_fields_escaped():
    record = make_record()
    record.update(
        description="Summary with <b>markup</b>",
        image="https://cdn.example/a.jpg",
        publisher="Ledger & Co",
        is_accessible_for_free=False,
    )
    text = render_markdown(record)
    assert "- **Description**: Summary with &lt;b&gt;markup&lt;/b&gt;" in text
    assert "- **Publisher**: Ledger & Co" in text  # a bare & reads as itself
    assert "- **Free to read**: false" in text
    assert "- **Image**: https://cdn.example/a.jpg" in text


def test_self_links_are_dropped_by_canonical_identity():
    page = make_page(
        news_feed=[
            {"url": "https://www.news.example/2026/03/01/ferry?utm_medium=side", "title": "This page, www."},
            {"url": "http://127.0.0.1:9999/2026/03/01/ferry/#comments", "title": "This page, mirror"},
            {"url": "https://news.example/2026/03/02/harbour/", "title": "Another article"},
        ],
        read_also=[{"url": "https://news.example/2026/03/01/ferry/", "title": "Itself"}],
    )
    record = build_record(page, FetchInfo(url="http://127.0.0.1:9999/2026/03/01/ferry/"), SCOPE)
    assert [item["title"] for item in record.news_feed] == ["Another article"]
    assert record.read_also == []


def test_a_link_to_the_fetched_url_counts_as_self_when_canonical_differs():
    page = make_page(
        canonical_href="https://news.example/2026/03/01/ferry-service/",  # the slug was renamed
        news_feed=[{"url": "https://news.example/2026/03/01/ferry/", "title": "Old slug, fetched as"}],
    )
    record = build_record(page, FetchInfo(url="http://127.0.0.1:9999/2026/03/01/ferry/"), SCOPE)
    assert record.news_feed == []


def test_related_links_resolve_known_redirects_and_keep_what_was_linked():
    page = make_page(
        read_also=[
            {"url": "https://news.example/2026/03/02/harbour", "title": "No slash: redirects to the slash"},
            {"url": "https://news.example/2026/03/03/old-slug/", "title": "Renamed"},
            {"url": "https://news.example/2026/03/04/plain/", "title": "Not known"},
            {"url": "https://news.example/2026/03/01/ferry-moved/", "title": "Redirects to this page itself"},
        ]
    )
    known = {  # what the state store knows from earlier runs (request URL -> canonical URL of its article)
        "http://127.0.0.1:9999/2026/03/02/harbour": "http://127.0.0.1:9999/2026/03/02/harbour/",
        "http://127.0.0.1:9999/2026/03/03/old-slug/": "http://127.0.0.1:9999/2026/03/03/new-slug/",
        "http://127.0.0.1:9999/2026/03/01/ferry-moved/": "http://127.0.0.1:9999/2026/03/01/ferry/",
    }
    fetch = FetchInfo(url="http://127.0.0.1:9999/2026/03/01/ferry/")
    record = build_record(page, fetch, SCOPE, resolve=known.get)
    assert record.read_also == [
        {
            "url": "http://127.0.0.1:9999/2026/03/02/harbour/",
            "title": "No slash: redirects to the slash",
            "linked_url": "http://127.0.0.1:9999/2026/03/02/harbour",
        },
        {
            "url": "http://127.0.0.1:9999/2026/03/03/new-slug/",
            "title": "Renamed",
            "linked_url": "http://127.0.0.1:9999/2026/03/03/old-slug/",
        },
        {"url": "http://127.0.0.1:9999/2026/03/04/plain/", "title": "Not known"},
    ]
    assert not record_errors(dataclasses.asdict(record))  # linked_url is part of the schema


MUTATIONS = [
    ("depth", -1),  # minimum
    ("http_status", 700),  # maximum
    ("fetcher_tier", "FAST"),  # enum
    ("type", "blog"),  # const
    ("title", ""),  # minLength
    ("url", "ftp://x.example/"),  # pattern
    ("authors", "Olena"),  # type
    ("authors", [""]),  # items + minLength
    ("referrer", 5),  # anyOf
    ("published_at", "2026-03-01"),  # anyOf of a pattern
    ("read_also", [{"url": "https://x.example/", "title": "t", "extra": 1}]),  # additionalProperties
    ("read_also", [{"title": "t"}]),  # required (in $defs)
    ("structure", [{"level": 9, "text": "x", "children": []}]),  # $ref to $defs, maximum
]


@pytest.mark.parametrize(("field", "value"), MUTATIONS, ids=[f"{f}={v!r}"[:40] for f, v in MUTATIONS])
def test_the_fast_record_check_decides_as_jsonschema(field, value):
    from newsmon.schema import _fast_check, record_validator

    record = make_record()
    assert not record_errors(record)
    assert not list(record_validator().iter_errors(record))  # jsonschema itself agrees
    record[field] = value
    assert record_errors(record), "the mutation must break the schema"
    with pytest.raises(JsonSchemaException):
        _fast_check()(record)  # the compiled check alone sees it too
    assert list(record_validator().iter_errors(record))  # and jsonschema itself


def test_article_view_puts_title_and_text_first() -> None:
    """`newsmon render --article` (and `make demo`): the title as the heading, the article text before any
    link, the page's menus and link list left out, a bare `&` as itself and markup still defused."""
    from newsmon.report.markdown import render_article

    record = {
        "url": "https://harbour.example/2026/05/ferry/",
        "domain": "harbour.example",
        "title": "Ferry & tug crews <b>agree</b> on a winter timetable",
        "published_at": "2026-05-28T07:00:00+00:00",
        "authors": ["Ines Marlow"],
        "body": "First paragraph of the story.\n\nSecond paragraph, with R&D.\n\nThird one.",
        "links": [{"text": "Home", "url": "https://harbour.example/"}] * 40,
        "content": ["Menu", "Home", "Sections"] * 30,
        "read_also": [{"title": "Tides & times", "url": "https://harbour.example/tides/"}],
    }
    text = render_article(record, max_lines=2)
    lines = text.splitlines()
    assert lines[0] == "# Ferry & tug crews &lt;b&gt;agree&lt;/b&gt; on a winter timetable"
    assert lines[2] == "2026-05-28T07:00:00+00:00 · Ines Marlow · <https://harbour.example/2026/05/ferry/>"
    assert lines.index("First paragraph of the story.") < lines.index("## Read also")
    assert "Second paragraph, with R&D." in lines and "Third one." not in text
    assert "*(1 more paragraphs)*" in lines
    assert "Menu" not in text and text.count("https://harbour.example/)") == 0
    assert lines[-1] == "- [Tides & times](https://harbour.example/tides/)"
