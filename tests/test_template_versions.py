"""A block the site template learned only after an article was emitted, and that a publication then changed
(faro's "Más noticias de <sección>" list inside the article text), makes no new version of that article; a
real edit still does. Both state backends: the store keeps each version's body lines with their page
blocks, and a revisit judges them again with the template learned since (record.BodyLines)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.misc import build_from_crawler

from newsmon.extract.html import parse_html
from newsmon.extract.page import extract_page
from newsmon.extract.types import ExtractOptions
from newsmon.items import ArticleRecord
from newsmon.pipelines.cross_run import CrossRunDedupePipeline
from newsmon.record import FetchInfo, body_lines, build_record
from newsmon.state.store import StateStore
from newsmon.state.template import SiteTemplate
from newsmon.stats import STATE_REVISED, STATE_TEMPLATE_ONLY, STATE_UNCHANGED
from tests.component_helpers import SCOPE, crawler_with, isolated, stat
from tests.redis_helpers import RedisServer, needs_redis, store_config
from tests.shapes.faro import FaroSite
from tests.shapes.kit import Story

BASE = "https://news.example"


@pytest.fixture(autouse=True)
def _workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from isolated(tmp_path, monkeypatch)


def _record(site: FaroSite, story: Story, template: SiteTemplate) -> ArticleRecord:
    url = BASE + site.path_of(story)
    options = ExtractOptions(template=template.view)
    page = extract_page(parse_html(site.article(BASE, story)), url, options)
    return build_record(page, FetchInfo(url=url, spider="news"), SCOPE, template=template.view)


def _learn_articles(site: FaroSite, template: SiteTemplate) -> None:
    for story in site.stories:
        url = BASE + site.path_of(story)
        options = ExtractOptions(template=template.view)
        page = extract_page(parse_html(site.article(BASE, story)), url, options)
        template.learn(page.template_page, page.template_units)


def _publication_then_edit(store: Any) -> None:
    crawler = crawler_with({"NEWSMON_STATE_ENABLED": True})
    assert crawler.stats is not None
    crawler.stats.open_spider()
    pipeline = build_from_crawler(CrossRunDedupePipeline, crawler)
    pipeline.state.store = store
    site = FaroSite()
    template = SiteTemplate(3, 0, 30)
    template.open(None)
    story = site.listed(next(iter(site.SECTIONS)))[1]  # the section publish() adds a story to
    # emitted before the template knew the section block: its list is in the body
    first = _record(site, story, template)
    assert "Más noticias de" in first.body
    lines = body_lines(first)
    assert lines is not None
    store.mark_emitted(first.canonical_url, first.content_hash, 1, None, units=lines.units)
    _learn_articles(site, template)
    # a publication: the block now lists the new story; the template learns the pages of the next crawl
    site.publish()
    _learn_articles(site, template)
    again = _record(site, story, template)
    assert "Más noticias de" not in again.body and again.content_hash != first.content_hash
    with pytest.raises(DropItem, match="unchanged"):
        pipeline.process_item(again)
    assert stat(crawler, STATE_TEMPLATE_ONLY) == 1 and stat(crawler, STATE_UNCHANGED) == 1
    # a real edit of the same article is a version 2
    story.paragraphs[1] = "El pleno corrigió ayer el calendario: las obras empiezan en otoño."
    edited = pipeline.process_item(_record(site, story, template))
    assert edited.version == 2 and stat(crawler, STATE_REVISED) == 1


def test_a_publication_after_a_late_learned_block_makes_no_version_sqlite(tmp_path: Path) -> None:
    with StateStore.open(tmp_path / "s.sqlite3") as store:
        _publication_then_edit(store)


@needs_redis
def test_a_publication_after_a_late_learned_block_makes_no_version_redis(redis_server: RedisServer) -> None:
    from newsmon.state.redis_store import RedisStateStore

    config = store_config(redis_server)
    with RedisStateStore(redis_server.client(), config, "faro") as store:
        _publication_then_edit(store)


def test_a_new_version_without_body_lines_drops_the_old_ones(tmp_path: Path) -> None:
    """The lines kept are always the winning version's: a version stored without them (rebuilt from the
    outputs) leaves none, and an older version never replaces newer lines."""
    with StateStore.open(tmp_path / "s.sqlite3") as store:
        url = BASE + "/a/"
        store.mark_emitted(url, "sha256:" + "00" * 32, 1, None, units=b"\x01" * 16)
        assert store.body_units(url) == b"\x01" * 16
        store.mark_emitted(url, "sha256:" + "11" * 32, 2, None, units=b"\x02" * 16)
        store.mark_emitted(url, "sha256:" + "00" * 32, 1, None, units=b"\x01" * 16)  # late: loses
        assert store.body_units(url) == b"\x02" * 16
        store.mark_emitted(url, "sha256:" + "22" * 32, 3, None)
        assert store.body_units(url) is None
