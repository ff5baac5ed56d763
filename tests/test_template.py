"""Site template learning: blocks recurring across a site's pages stay out of bodies and content hashes, so a
publication elsewhere on the site never re-versions another article (newsmon/extract/template.py,
newsmon/state/template.py, the SQLite and Redis stores, a crawl of an invented site twice)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from newsmon.extract.html import parse_html
from newsmon.extract.page import extract_page
from newsmon.extract.template import (
    TemplateView,
    learnable,
    page_key,
    page_units,
    teaser_titles,
    template_texts,
    without_template,
)
from newsmon.extract.types import ExtractOptions
from newsmon.state.redis_store import RedisStateStore
from newsmon.state.store import StateStore
from newsmon.state.template import SiteTemplate
from tests import template_site as ts
from tests.crawl_helpers import read_jsonl, run_crawl
from tests.redis_helpers import RedisServer, needs_redis, store_config


def _learn_site(template: SiteTemplate, site: ts.Site) -> None:
    """What a crawl learns: the home page, the section pages, every article."""
    hubs = [("/", ts.home(site))] + [(f"/section/{s}/", ts.section_page(site, s)) for s in ts.SECTIONS]
    for path, html in hubs:
        template.learn(page_key(ts.ORIGIN + path), learnable(page_units(parse_html(html))))
    for story in site.stories:
        page = extract_page(parse_html(ts.article(site, story)), ts.ORIGIN + story.path)
        template.learn(page.template_page, page.template_units)


def _bodies(site: ts.Site, options: ExtractOptions) -> dict[int, str]:
    return {
        s.id: extract_page(parse_html(ts.article(site, s)), ts.ORIGIN + s.path, options).body
        for s in site.stories
    }


def test_section_block_leaks_into_bodies_without_a_template() -> None:
    # the premise: the generic extractor keeps the "More from" block, so the tests below can fail
    site = ts.build_site()
    bodies = _bodies(site, ExtractOptions())
    assert sum("More from" in body for body in bodies.values()) >= len(site.stories) // 2


def test_learned_template_leaves_the_block_out_and_a_publication_changes_no_body() -> None:
    site = ts.build_site()
    template = SiteTemplate(3, 0, 30)
    template.open(None)
    _learn_site(template, site)
    options = template.options(ExtractOptions())
    before = _bodies(site, options)
    for story in site.stories:
        body = before[story.id]
        assert "More from" not in body and "Most read" not in body and "morning letter" not in body
        assert not any(other.teaser in body for other in site.stories)
        assert body.split("\n\n") == story.paragraphs  # every paragraph of the story, nothing else
    site.publish("money")  # every money article's block gains the new story, loses its oldest
    after = _bodies(site, template.options(ExtractOptions()))
    assert {i: after[i] for i in before} == before
    edited = site.stories[4]
    site.edit(edited)
    changed = [i for i, body in _bodies(site, options).items() if i in before and body != before[i]]
    assert changed == [edited.id]


def test_a_rotating_list_is_template_as_a_whole_and_the_headline_block_never_is() -> None:
    items = ["Ferry strike ends at dawn", "Library opens late", "Tram depot moves", "Quay market returns"]
    page = (
        "<html><body><article><h1>Headline of this story</h1><p>Only this page says this sentence.</p>"
        "<ul class=latest>{}</ul></article></body></html>"
    )
    learned = page.format("".join(f"<li><a href=/x>{t}</a> <b>10:00</b></li>" for t in items))
    view_pages: dict[int, frozenset[int]] = {}
    for unit in page_units(parse_html(learned)):
        if unit.element.tag in ("li", "a"):  # the list's items, seen on two other pages
            view_pages[unit.sig] = frozenset({1, 2})
    view = TemplateView(view_pages, 3, 1)
    # a new item on top: the list is still template (its other items are, the new one is a link)
    shifted = page.format(
        "".join(f"<li><a href=/x>{t}</a> <b>10:00</b></li>" for t in ["A brand new story", *items[:3]])
    )
    tree = parse_html(shifted)
    texts = template_texts(tree, page_units(tree), view, 3)
    bare = {"".join(text.split()) for text in texts}  # matched without whitespace
    assert texts == bare and "Abrandnewstory10:00" in texts
    assert "Onlythispagesaysthissentence." not in texts
    assert "Headlineofthisstory" not in texts
    body = "Only this page says this sentence.\n\n- A brand new story 10:00\nFerry strike ends at dawn 10:00"
    assert without_template(body, texts) == ("Only this page says this sentence.", 2)


def _glued_page(n: int) -> str:
    """An article whose section block puts a date <span> right before a lead <p>, with no space between."""
    words = ["harbour", "ferry", "council", "budget", "tram", "library", "market", "school"]
    text = "".join(
        f"<p>{' '.join(words[(n * 3 + k + j) % len(words)] + str(n * 10 + k) for j in range(14))}.</p>"
        for k in range(4)
    )
    items = "".join(
        f'<li><a href="/story/{k}-item">The port board signs lease number {k}</a>'
        f'<span class="d">2{k}/03/2026</span>'
        f'<p class="lead">Lease {k} runs for ten years and covers the old quay.</p></li>'
        for k in range(1, 5)
        if k != n
    )
    return (
        f"<html><body><main><article><h1>Story {n} of the harbour</h1><time datetime='2026-03-2{n}'>"
        f"2{n} March</time>{text}<div class='more'><h3>More from Port</h3><ul>{items}</ul></div>"
        "</article></main></body></html>"
    )


def test_a_block_whose_inline_and_block_text_meet_without_a_space_is_left_out() -> None:
    # lxml's text_content reads the item as "...2{k}/03/2026Lease {k} ..."; the body has a space there
    template = SiteTemplate(3, 0, 30)
    template.open(None)
    for n in range(1, 5):
        page = extract_page(parse_html(_glued_page(n)), f"{ts.ORIGIN}/story/{n}-item")
        template.learn(page.template_page, page.template_units)
    page = extract_page(
        parse_html(_glued_page(5)), f"{ts.ORIGIN}/story/5-item", template.options(ExtractOptions())
    )
    assert "Lease" not in page.body and "More from" not in page.body and "harbour" in page.body
    assert page.template_dropped >= 4


def test_units_with_text_of_their_own_and_containers() -> None:
    # a block holding other blocks has text of its own when it has direct text, a tail after a child
    # block, or an inline child holding anything (even a space); else it is the sum of its blocks
    tree = parse_html(
        "<html><body><div id='page'><div class='box'><span> </span><p>Ferry times</p></div>"
        "<div class='list'><p>Pier one</p> closed until <p>Monday</p></div>"
        "<div class='wrap'><p>Quay works</p><!-- note --><br></div>"
        "<ul class='menu'><li><a href='/a'><b>Harbour</b> news</a></li></ul></div></body></html>"
    )
    units = page_units(tree)
    rows = [(u.element.tag, u.text, u.chars, u.words, u.link, u.parent, bool(u.sig)) for u in units]
    assert rows == [
        ("div", "", 54, 11, False, -1, False),  # the page's div: its blocks' sum
        ("div", "Ferry times", 10, 2, False, 0, True),  # a whitespace <span>
        ("p", "Ferry times", 10, 2, False, 1, True),
        ("div", "Pier one closed until Monday", 24, 5, False, 0, True),  # a tail
        ("p", "Pier one", 7, 2, False, 3, True),
        ("p", "Monday", 6, 1, False, 3, True),
        ("div", "", 9, 2, False, 0, False),  # a comment and an empty <br> are no text
        ("p", "Quay works", 9, 2, False, 6, True),
        ("ul", "", 11, 2, False, 0, False),
        ("li", "", 11, 2, False, 8, False),
        ("a", "Harbour news", 11, 2, True, 9, True),  # a link with an inline child: its whole text
    ]
    assert units[1].sig != units[2].sig  # the same text, another path


def test_a_section_block_is_template_once_its_listing_is_learned() -> None:
    # first contact in the worst order: the section listings, then articles of one section only; an article
    # of another section has its "More from" cards led by titles seen on its listing alone, and no other
    # article of its section was read yet. A listing's title links count as seen on one more page.
    site = ts.build_site()
    template = SiteTemplate(3, 0, 30)
    template.open(None)
    for section in ts.SECTIONS:
        units = page_units(parse_html(ts.section_page(site, section)))
        key = page_key(f"{ts.ORIGIN}/section/{section}/")
        template.learn(key, learnable(units), teaser_titles(units))
    city = [s for s in site.stories if s.section == "city"]
    for story in city:
        page = extract_page(parse_html(ts.article(site, story)), ts.ORIGIN + story.path)
        template.learn(page.template_page, page.template_units)
    options = template.options(ExtractOptions())
    for story in site.stories:
        if story.section != "city":
            page = extract_page(parse_html(ts.article(site, story)), ts.ORIGIN + story.path, options)
            assert page.body.split("\n\n") == story.paragraphs, story.path


def test_a_block_seen_on_too_few_pages_is_not_template() -> None:
    tree = parse_html("<html><body><div class=box><p>Seen on two pages only</p></div></body></html>")
    units = page_units(tree)
    view = TemplateView({u.sig: frozenset({7}) for u in units}, 3, 1)
    assert template_texts(tree, units, view, 8) == set()  # 7 and this page: 2 < 3
    view = TemplateView({u.sig: frozenset({7, 8}) for u in units}, 3, 1)
    assert template_texts(tree, units, view, 8) == set()  # this page again: still 2
    view = TemplateView({u.sig: frozenset({6, 7}) for u in units}, 3, 1)
    assert "Seenontwopagesonly" in template_texts(tree, units, view, 8)  # matched without whitespace


def _exercise_store(store: Any) -> None:
    units = [(11, "Nav"), (12, "Footer"), (13, "Unique text")]
    assert store.template_learn(1, units, 3) == {}
    assert store.template_learn(1, units, 3) == {}  # the same page again counts once
    assert store.template_learn(2, units[:2], 3) == {11: (1, 2), 12: (1, 2)}
    store.template_learn(3, units[:1], 3)
    store.template_learn(4, units[:1], 3)  # a fourth page: three kept
    assert store.template_load(3, 86400.0) == {11: (1, 2, 3)}
    assert store.template_load(2, 86400.0) == {11: (1, 2, 3), 12: (1, 2)}
    assert store.template_pages() == 5
    summary = store.template_summary(3)
    assert summary["template"] == 1 and summary["samples"][0]["text"] == "Nav"
    assert store.template_reset() >= 2
    assert store.template_load(2, 86400.0) == {} and store.template_pages() == 0


def test_sqlite_store_keeps_the_template(tmp_path: Path) -> None:
    with StateStore.open(tmp_path / "s.sqlite3") as store:
        _exercise_store(store)
        store.template_learn(5, [(21, "Old block")], 3, now=1000.0)
        store.template_learn(6, [(21, "Old block")], 3, now=1000.0)
        assert store.template_load(2, 86400.0, now=1000.0 + 2 * 86400) == {}  # not seen for 2 days: gone


@needs_redis
def test_redis_store_keeps_one_template_for_every_process(redis_server: RedisServer) -> None:
    config = store_config(redis_server)
    with RedisStateStore(redis_server.client(), config, "harbour") as store:
        _exercise_store(store)
    # two processes (two clients) learning pages: one template
    with (
        RedisStateStore(redis_server.client(), config, "harbour") as one,
        RedisStateStore(redis_server.client(), config, "harbour") as two,
    ):
        one.template_learn(1, [(31, "Nav")], 3)
        two.template_learn(2, [(31, "Nav")], 3)
        assert one.template_learn(3, [(31, "Nav")], 3) == {31: (1, 2, 3)}
        assert two.template_load(3, 86400.0) == {31: (1, 2, 3)}


# --- a crawl, a publication, a crawl ----------------------------------------------------------------------


def _crawl(
    server_url: str, workdir: Path, state: Path, *args: str
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    result = run_crawl(
        server_url,
        workdir,
        "-a",
        f"site={ts.CONFIG}",
        "-s",
        "NEWSMON_REVISIT_EVERY=0",  # every article fetched again: only changed ones may come out
        "-s",
        "NEWSMON_REVISIT_YOUNGER_THAN=1000",
        *args,
        spider="news",
        state_dir=state,
    )
    assert result.returncode == 0, result.log[-3000:]
    assert "Traceback" not in result.log
    return read_jsonl(result.output), result.stats


def _path(record: dict[str, Any]) -> str:
    return urlsplit(record["canonical_url"]).path


@pytest.mark.crawl
@pytest.mark.parametrize("warmup", ["20", "10"])  # released when the crawl is idle / in the crawl
@pytest.mark.parametrize("workers", ["0", "1"])  # held articles extracted again here / in a worker
def test_a_publication_creates_no_version_of_another_article(
    tmp_path: Path, warmup: str, workers: str
) -> None:
    site = ts.build_site()
    state = tmp_path / "state"
    with ts.serve(site) as server:
        args = ("-s", f"NEWSMON_TEMPLATE_WARMUP={warmup}", "-s", f"NEWSMON_EXTRACT_WORKERS={workers}")
        first, stats = _crawl(server.base_url, tmp_path / "run1", state, *args)
        assert sorted(_path(r) for r in first) == sorted(s.path for s in site.stories)
        assert stats["newsmon/template/held"] >= 1
        for record in first:
            story = site.by_path()[_path(record)]
            assert record["body"].split("\n\n") == story.paragraphs, record["canonical_url"]
            assert any("More from" in line for line in record["content"])  # content keeps the page's text
        new = site.publish("money")
        edited = site.stories[1]
        site.edit(edited)
        second, stats = _crawl(server.base_url, tmp_path / "run2", state, *args)
    versions = sorted((_path(r), r["version"]) for r in second)
    assert versions == sorted([(new.path, 1), (edited.path, 2)])
    assert stats["newsmon/template/bodies"] >= len(site.stories) - 1


def test_a_page_extracted_before_the_warm_up_ended_is_cold(tmp_path: Path) -> None:
    with StateStore.open(tmp_path / "site.sqlite3") as store:
        template = SiteTemplate(3, 2, 30)
        template.open(store)
        early = template.view
        template.learn(1, [(11, "Nav"), (12, "Story one")])
        assert not template.warm and not template.cold(early)  # nothing is emitted yet
        template.learn(2, [(11, "Nav"), (13, "Story two")])
        assert template.warm
        assert template.cold(early) and not template.cold(template.view) and not template.cold(None)
        template.learn(3, [(11, "Nav"), (14, "Story three")])  # after the warm-up: no page is cold again
        assert not template.cold(template.view)
        store.commit()
        again = SiteTemplate(3, 2, 30)  # a later run starts warm: nothing it extracts is cold
        again.open(store)
        assert again.warm and not again.cold(again.view)


def test_a_page_whose_own_learning_brings_another_process_blocks_is_cold(tmp_path: Path) -> None:
    # two crawls of one distributed run share the store, each knowing of the other's pages only through the
    # blocks of the pages it learns itself: the other one read the Money listing, this one extracts a Money
    # article with what it knew (its "More from Money" block kept), then learns it
    site = ts.build_site()
    story = next(s for s in site.stories if s.section == "money")
    html = ts.article(site, story)
    with StateStore.open(tmp_path / "site.sqlite3") as store:
        here, there = SiteTemplate(3, 0, 30), SiteTemplate(3, 0, 30)
        here.open(store)
        there.open(store)
        units = page_units(parse_html(ts.section_page(site, "money")))
        there.learn(page_key(f"{ts.ORIGIN}/section/money/"), learnable(units), teaser_titles(units))
        options = here.options(ExtractOptions())
        page = extract_page(parse_html(html), ts.ORIGIN + story.path, options)
        assert page.body.split("\n\n") != story.paragraphs
        here.learn(page.template_page, page.template_units)
        assert here.cold(options.template, page.template_page, page.template_units)  # extracted again:
        again = extract_page(parse_html(html), ts.ORIGIN + story.path, here.options(ExtractOptions()))
        assert again.body.split("\n\n") == story.paragraphs
        here.learn(again.template_page, again.template_units)  # nothing new about its blocks: not again
        later = here.view
        assert not here.cold(later, again.template_page, again.template_units)


def test_held_articles_are_released_with_what_every_process_learned(tmp_path: Path) -> None:
    block = (11, "More from Sport")
    with StateStore.open(tmp_path / "site.sqlite3") as store:
        here, there = SiteTemplate(3, 3, 30), SiteTemplate(3, 3, 30)
        here.open(store)
        there.open(store)
        here.learn(1, [block, (21, "Story one")])  # held: the block was on these two pages only
        here.learn(2, [block, (22, "Story two")])
        there.learn(5, [block, (25, "Story five")])  # the other process: now on three
        assert here.view is not None and not here.view.is_template(11, 1)
        here.refresh()  # the spider idle, releasing its held articles
        assert here.view.is_template(11, 1) and here.view.is_template(11, 2)
        assert here.learned == 3 and store.template_pages() == 3

    with StateStore.open(tmp_path / "again.sqlite3") as store:
        here, there = SiteTemplate(3, 3, 30), SiteTemplate(3, 3, 30)
        here.open(store)
        there.open(store)
        here.learn(1, [block, (21, "Story one")])
        here.learn(2, [block, (22, "Story two")])
        there.learn(5, [block, (25, "Story five")])
        here.learn(3, [(23, "Story three")])  # the warm-up's end releases the held ones: the store read
        assert here.warm and here.view is not None and here.view.is_template(11, 1)


def test_sites_template_shows_and_resets_what_was_learned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsmon.cli import main

    with StateStore.open(tmp_path / "harbour.sqlite3") as store:
        for page in (1, 2, 3):
            store.template_learn(page, [(41, "More from Money"), (40 + 2 * page, f"Unique {page}")], 3)
    assert main(["sites", "template", "harbour", "--state-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "learned from 3 pages; 1 template blocks" in out and "More from Money" in out
    assert "Unique" not in out
    assert main(["sites", "template", "harbour", "--state-dir", str(tmp_path), "--reset"]) == 0
    assert "template forgotten" in capsys.readouterr().out
    with StateStore.open(tmp_path / "harbour.sqlite3") as store:
        assert store.template_pages() == 0 and store.template_load(2, 86400.0) == {}
    assert main(["sites", "template", "nosuchsite", "--state-dir", str(tmp_path)]) == 2


def test_the_template_reaches_extraction_workers_as_data() -> None:
    import pickle

    view = TemplateView({5: frozenset({1, 2})}, 3, 7)
    options = pickle.loads(pickle.dumps(ExtractOptions(template=view)))
    assert options.template is not None and options.template.is_template(5, 9)
    assert (options.template.min_pages, options.template.version) == (3, 7)
    again = pickle.loads(pickle.dumps(ExtractOptions(template=view)))
    assert again.template is options.template  # a worker unpickles each view once


def _pair(server_url: str, root: Path, run_id: str, redis_url: str, prefix: str) -> list[dict[str, Any]]:
    """Two processes of one distributed run (Redis backend) on the site, each to its end: their records."""
    import os

    from tests.crawl_helpers import ROOT, collect_result, crawl_command
    from tests.forkserver import start_python

    env = {**os.environ, "PYTHONPATH": str(ROOT), "NEWSMON_REDIS_URL": redis_url}
    workdirs = [root / f"{run_id}-{node}" for node in ("a", "b")]
    procs = []
    for workdir in workdirs:
        command = crawl_command(
            server_url,
            workdir,
            "-a",
            f"site={ts.CONFIG}",
            "-s",
            "NEWSMON_BACKEND=redis",
            "-s",
            f"NEWSMON_RUN_ID={run_id}",
            "-s",
            f"NEWSMON_REDIS_PREFIX={prefix}",
            "-s",
            "NEWSMON_REDIS_HEARTBEAT=0.5",
            "-s",
            "CONCURRENT_REQUESTS=2",
            "-s",
            "NEWSMON_REVISIT_EVERY=0",
            "-s",
            "NEWSMON_REVISIT_YOUNGER_THAN=1000",
            # the new_items monitor judges one process's records: the other process of the run may be the one
            # that emits the run's only new story (a known limit of per-process monitors in distributed mode)
            "-s",
            "NEWSMON_MONITOR_MIN_MEDIAN_ITEMS=1000",
            spider="news",
            state_dir=workdir / "state",
        )
        procs.append(start_python(command, cwd=ROOT, env=env, stdout=workdir / "stdout.txt"))
    records: list[dict[str, Any]] = []
    for proc, workdir in zip(procs, workdirs, strict=True):
        proc.wait(timeout=240)
        result = collect_result(
            workdir, proc.returncode, (workdir / "stdout.txt").read_text(encoding="utf-8")
        )
        assert result.returncode == 0, result.log[-3000:]
        assert "Traceback" not in result.log, result.log[-3000:]
        records += result.records
    return records


@needs_redis
@pytest.mark.crawl
def test_a_distributed_crawl_learns_one_template(redis_server: RedisServer, tmp_path: Path) -> None:
    prefix = f"tpl{uuid.uuid4().hex[:6]}"
    site = ts.build_site()
    with ts.serve(site) as server:
        first = _pair(server.base_url, tmp_path, "run-1", redis_server.url, prefix)
        assert sorted(_path(r) for r in first) == sorted(s.path for s in site.stories)  # each once
        for record in first:
            assert record["body"].split("\n\n") == site.by_path()[_path(record)].paragraphs
        new = site.publish("sport")
        second = _pair(server.base_url, tmp_path, "run-2", redis_server.url, prefix)
    assert sorted((_path(r), r["version"]) for r in second) == [(new.path, 1)]
    client = redis_server.client()
    assert int(client.get(f"{prefix}:harbourcourier:tpl:pages")) >= len(site.stories) + 4  # both processes'
