"""The corpus of invented site shapes (tests/shapes/corpus.py, issue 19).

First, fast: every shape serves what its truth says (articles, hubs, bodies, related links, script-built and
paywalled pages as described), its two mutations change exactly what they should, and its hand-written TOML
loads as a crawl loads it. Then one crawl test: every shape served on its own loopback address and crawled
with its hand TOML in a `scrapy sweep` (a third of the shapes per module), twice (first run; then a revisit of
every article after a publication and an edit), scored against the truth; the floors are what main achieved
when the corpus was written (FLOORS), so nothing reached today is lost. The full scoreboard, with `newsmon
discover`'s TOML as well, is `python -m bench sites`.
"""

from __future__ import annotations

import html as htmllib
import json
import os
import sys
import tomllib
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import Request, urlopen

import lxml.html
import pytest
from w3lib.encoding import html_to_unicode

from newsmon.sites import parse_site_config
from tests.crawl_helpers import read_jsonl
from tests.forkserver import run_python
from tests.shapes.corpus import HELD_OUT, SHAPES
from tests.shapes.kit import Shape, serve
from tests.shapes.scoring import (
    ChangeScore,
    RunScore,
    body_scores,
    change_path,
    edit_alone,
    score_change,
    score_run,
)

ROOT = Path(__file__).resolve().parent.parent
REVISIT = ("-s", "NEWSMON_REVISIT_YOUNGER_THAN=1000000", "-s", "NEWSMON_REVISIT_EVERY=0")


def fetch(base: str, path: str) -> str:
    """The page as a browser that passed alfold's browser check gets it (the cookie is ignored elsewhere),
    decoded as a browser decodes it (HTTP charset, else BOM or meta, gb2312 read as GBK: kama, binjiang)."""
    with urlopen(Request(base + path, headers={"Cookie": "alf_bc=ok"}), timeout=10) as reply:
        _, text = html_to_unicode(reply.headers.get("Content-Type", ""), reply.read())
        return str(text)


def visible_text(page: str) -> str:
    tree = lxml.html.fromstring(page)
    for script in tree.xpath("//script|//style"):
        script.drop_tree()
    return " ".join(tree.text_content().split())


def linked_paths(page: str) -> set[str]:
    """Every link's path, and its path and query when it has one (wadi's articles differ by the query)."""
    tree = lxml.html.fromstring(page)
    parts = [urlsplit(href) for href in tree.xpath("//a/@href")]
    return {p.path for p in parts} | {f"{p.path}?{p.query}" for p in parts if p.query}


# --- the corpus as a whole ----------------------------------------------------------------------


def test_the_corpus_spans_families_languages_and_held_out_shapes() -> None:
    assert len(SHAPES) >= 12
    assert len({shape.FAMILY for shape in SHAPES.values()}) == len(SHAPES)
    assert len({shape.LANGUAGE for shape in SHAPES.values()}) >= 6
    assert len(HELD_OUT) >= 3
    readme = (ROOT / "tests" / "shapes" / "README.md").read_text("utf-8")
    for name in HELD_OUT:
        assert f"`{name}`" in readme and "held out" in readme.lower()


# --- each shape's truth is what it serves --------------------------------------------------------


@pytest.fixture(scope="module", params=list(SHAPES))
def served(request: pytest.FixtureRequest) -> Iterator[Any]:
    with serve(SHAPES[request.param]) as server:
        yield server


def test_articles_serve_their_truth(served: Any) -> None:
    site: Shape = served.site
    truth = site.truth()
    assert len(truth.articles) == site.COUNT
    for path, art in truth.articles.items():
        story = site.find(path)
        assert story is not None
        parts = [fetch(served.base_url, part) for part in site.parts_of(story)]
        page, text = "".join(parts), " ".join(visible_text(part) for part in parts)
        assert htmllib.escape(art.title, quote=False) in page or art.title in text
        for para in art.body.split("\n\n"):
            if art.script_built:  # the story is only in embedded data: never in the static text
                assert para not in text, path
                forms = (para, json.dumps(para, ensure_ascii=False)[1:-1], htmllib.escape(para))
                assert any(form in page for form in forms), path
            else:
                assert para in text, (path, para)
        linked = linked_paths(page)
        linked |= {truth.aliases[link] for link in linked if link in truth.aliases}  # wadi's ?ID=&cat=
        assert art.read_also and art.read_also <= linked, path
        if art.paywalled:  # what is not served is nowhere in the page
            assert all(p not in page for p in story.paragraphs[story.served :])
            assert story.served < len(story.paragraphs)


@pytest.mark.parametrize(
    ("name", "declared", "codec"),
    [("kama", b"windows-1251", "cp1251"), ("binjiang", b"gb2312", "gbk"), ("minato", b"Shift_JIS", "cp932")],
)
def test_kama_binjiang_and_minato_declare_their_charset_only_in_the_page(
    name: str, declared: bytes, codec: str
) -> None:
    """No HTTP charset, bytes that are not UTF-8, the charset only in a meta; binjiang's names need GBK (its
    gb2312 label read literally loses them), minato's Windows-31J (its Shift_JIS label read literally)."""
    with serve(SHAPES[name]) as server:
        site: Shape = server.site
        story = site.listed()[0]
        with urlopen(server.base_url + site.path_of(story), timeout=10) as reply:
            content_type, raw = reply.headers.get("Content-Type", ""), reply.read()
        assert "charset" not in content_type.lower()
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        assert b'<meta http-equiv="Content-Type" content="text/html; charset=' + declared in raw[:1024]
        assert story.title in raw.decode(codec) and story.author in raw.decode(codec)
        if name in ("binjiang", "minato"):
            with pytest.raises(UnicodeDecodeError):
                raw.decode({"binjiang": "gb2312", "minato": "shift_jis"}[name])


def test_wadi_links_one_story_by_two_query_urls() -> None:
    """The canonical ?id=N and the listings' ?ID=N&cat=M serve one story (one canonical link); the path is
    the same for every article, only the query tells them apart."""
    with serve(SHAPES["wadi"]) as server:
        site: Any = server.site
        story = site.listed()[2]
        pages = [fetch(server.base_url, u) for u in (site.path_of(story), site.alias_of(story))]
        canonical = [lxml.html.fromstring(p).xpath("//link[@rel='canonical']/@href") for p in pages]
        assert canonical[0] == canonical[1] == [server.base_url + site.path_of(story)]
        assert all(story.paragraphs[-1] in visible_text(p) for p in pages)
        assert 'dir="rtl"' in pages[0] and "__VIEWSTATE" in pages[0]
        listing = linked_paths(fetch(server.base_url, "/News/List.aspx?cat=1"))
        assert {site.alias_of(s) for s in site.listed("local")[:3]} <= listing
        assert len({urlsplit(p).path for p in site.truth().articles}) == 1


def test_alfold_puts_a_cookie_check_before_one_section_and_splits_and_illustrates_stories() -> None:
    with serve(SHAPES["alfold"]) as server:
        site: Shape = server.site
        kinds = {s.kind for s in site.stories}
        assert {"gallery", "paged", "plain"} <= kinds
        checked = next(s for s in site.stories if s.section == "velemeny")
        with urlopen(server.base_url + site.path_of(checked), timeout=10) as reply:
            page = reply.read().decode("utf-8")
        assert "document.cookie" in page and "location.reload" in page
        assert not any(p in page for p in checked.paragraphs)
        paged = next(s for s in site.stories if s.kind == "paged")
        first = visible_text(fetch(server.base_url, site.path_of(paged)))
        assert paged.paragraphs[0] in first and paged.paragraphs[-1] not in first


def test_hubs_are_served_and_no_article_path_is_a_hub(served: Any) -> None:
    truth = served.site.truth()
    assert not truth.hubs & set(truth.articles)
    for path in truth.hubs:
        fetch(served.base_url, path)  # raises on an error status
    assert "User-agent" in fetch(served.base_url, "/robots.txt")


def test_hidden_stories_are_reachable_only_through_related_blocks(served: Any) -> None:
    site: Shape = served.site
    hidden = {site.path_of(s) for s in site.stories if s.id in site.hidden()}
    listed = [s for s in site.stories if s.id not in site.hidden()]
    assert len(hidden) == site.HIDDEN
    assert hidden <= {site.path_of(r) for s in listed for r in site.related_of(s)}
    home = linked_paths(fetch(served.base_url, "/"))
    aliases = site.truth().aliases
    assert not hidden & (home | {aliases[link] for link in home if link in aliases})


def test_the_hand_toml_loads_and_its_pattern_separates_articles_from_hubs(served: Any) -> None:
    site: Shape = served.site
    config = parse_site_config(tomllib.loads(site.hand_toml(served.base_url)))
    truth = site.truth()
    assert not [p for p in truth.articles if config.is_hub_path(p)]
    if config.article_pattern is not None:  # Ghost's flat slugs: told apart by page signals and hub_patterns
        assert all(config.is_article_path(p) for p in truth.articles)
        assert not [p for p in truth.hubs if config.is_article_path(p)]
    assert truth.read_also in config.read_also_labels


def test_a_publication_adds_one_story_and_changes_no_body() -> None:
    for shape in SHAPES.values():
        with serve(shape) as server:
            site: Shape = server.site
            before = site.truth()
            story = site.publish()
            after = site.truth()
            new = set(after.articles) - set(before.articles)
            assert new == {site.path_of(story)}, shape.NAME
            assert all(after.articles[p] == a for p, a in before.articles.items()), shape.NAME
            assert story.title in visible_text(fetch(server.base_url, "/")), shape.NAME


def test_an_edit_changes_one_body_only() -> None:
    for shape in SHAPES.values():
        site = shape()
        before = site.truth()
        story = site.edit()
        after = site.truth()
        changed = [p for p in before.articles if before.articles[p].body != after.articles[p].body]
        assert changed == [site.path_of(story)], shape.NAME
        assert set(after.articles) == set(before.articles)


def test_two_instances_tell_the_same_truth() -> None:
    for shape in SHAPES.values():
        assert shape().truth() == shape().truth()


def test_body_scores_is_the_benchmark_metric() -> None:
    assert body_scores("one two three four five", "one two three four five") == (1.0, 1.0, 1.0)
    assert body_scores("one two three four five", None) == (0.0, 0.0, 0.0)
    precision, recall, _ = body_scores("a b c d e f", "a b c d e f x y z w")
    assert recall == 1.0 and precision == pytest.approx(3 / 7)


def test_edit_alone_tells_a_publication_in_the_edited_body_from_the_edit() -> None:
    """The crawl sees the publication and the edit in one revisit: the edited article's new version must
    differ from its first by the edit's paragraphs only, with whatever the extraction keeps around them."""
    site = SHAPES["faro"]()
    published = site.publish()
    story = site.listed()[4]
    path = site.path_of(story)
    before = site.truth().articles[path].body
    assert site.path_of(site.edit()) == path
    after = site.truth().articles[path].body
    first, noise = before.replace("\n\n", "\n"), "Compartir Volver arriba"
    assert edit_alone(first, after, before, after)
    assert edit_alone(f"{noise}\n{first}\n{noise}", f"{noise}\n\n{after}\n\n{noise}", before, after)
    assert not edit_alone(first, f"{after}\n\n{published.title}", before, after)  # a teaser kept
    assert not edit_alone(first, f"{published.title}\n\n{after}", before, after)
    assert not edit_alone(first, after.replace(story.paragraphs[0], ""), before, after)  # lost a paragraph
    assert not edit_alone(None, after, before, after)  # no first version to compare with
    assert before != after


# --- crawl: every shape with its hand TOML, in one sweep -----------------------------------------

# What main achieved when the corpus was written (hand TOML, tier auto, the default extraction worker):
# floors, never lowered. recall: records of truth articles; f1: mean body F1; ra: read_also (precision,
# recall); false: version-2 records of the articles not edited, after a publication (at most); edit: the
# edited article came back as version 2, differing from its first version by the edit alone. Raised
# 2026-12-07 (s3-corpus: pages extracted before the template's warm-up ended are extracted again; template
# lines matched without whitespace): every shape 18/18, F1 0.99-1.00, read_also 1.00/1.00, no false
# version, in every run measured (bench/RESULTS.md, "Site shapes after s3-corpus").
FLOORS: dict[str, dict[str, Any]] = {
    # faro: the "Más noticias de <sección>" block inside .entry-content (teaser leads, changes with a
    # publication): pages the extraction worker took before the warm-up ended kept it (F1 0.96-0.97) until
    # they were extracted again
    "faro": {"recall": 18, "extra": 0, "f1": 0.99, "ra": (1.0, 1.0), "new": 1, "false": 0, "edit": True},
    "lago": {"recall": 18, "extra": 0, "f1": 1.0, "ra": (1.0, 1.0), "new": 1, "false": 0, "edit": True},
    "meridian": {"recall": 18, "extra": 0, "f1": 1.0, "ra": (1.0, 1.0), "new": 1, "false": 0, "edit": True},
    "estuaire": {"recall": 18, "extra": 0, "f1": 1.0, "ra": (1.0, 1.0), "new": 1, "false": 0, "edit": True},
    "rheinbote": {"recall": 18, "extra": 0, "f1": 1.0, "ra": (1.0, 1.0), "new": 1, "false": 0, "edit": True},
    "polder": {"recall": 18, "extra": 0, "f1": 1.0, "ra": (1.0, 1.0), "new": 1, "false": 0, "edit": True},
    "mures": {"recall": 18, "extra": 0, "f1": 1.0, "ra": (1.0, 1.0), "new": 1, "false": 0, "edit": True},
    "bogaz": {"recall": 18, "extra": 0, "f1": 1.0, "ra": (1.0, 1.0), "new": 1, "false": 0, "edit": True},
    # vltava: a subscription promo on some articles, learned as template once seen on 3 pages (0.99-1.0)
    "vltava": {"recall": 18, "extra": 0, "f1": 0.99, "ra": (1.0, 1.0), "new": 1, "false": 0, "edit": True},
    "norrland": {"recall": 18, "extra": 0, "f1": 1.0, "ra": (1.0, 1.0), "new": 1, "false": 0, "edit": True},
    "dnipro": {"recall": 18, "extra": 0, "f1": 1.0, "ra": (1.0, 1.0), "new": 1, "false": 0, "edit": True},
    "jarvi": {"recall": 18, "extra": 0, "f1": 1.0, "ra": (1.0, 1.0), "new": 1, "false": 0, "edit": True},
    # alfold: 18/18 and F1 1.000 in every run measured; one page behind the browser check may still miss
    # its navigation on a machine loaded past 20 (13/18 was measured once at load 13-23)
    "alfold": {"recall": 17, "extra": 0, "f1": 0.99, "ra": (1.0, 1.0), "new": 1, "false": 0, "edit": True},
    # vale (Plone, no article markup, a section viewlet with a date glued to each lead): invented after the
    # fixes; 18/18, F1 1.000 from its first run on the fixed code
    "vale": {"recall": 18, "extra": 0, "f1": 0.99, "ra": (1.0, 1.0), "new": 1, "false": 0, "edit": True},
    # kama (1C-Bitrix, windows-1251 declared only in a meta, "Главное сегодня" inside the text, a partner
    # widget changing on every request) and binjiang (DedeCMS, GBK declared gb2312, ticker above the text):
    # invented blind in s4; their floors are issue 19's acceptance, not what main reached
    "kama": {"recall": 18, "extra": 0, "f1": 0.97, "ra": (0.95, 0.95), "new": 1, "false": 0, "edit": True},
    "binjiang": {
        "recall": 18,
        "extra": 0,
        "f1": 0.97,
        "ra": (0.95, 0.95),
        "new": 1,
        "false": 0,
        "edit": True,
    },
    # wadi (ASP.NET WebForms, Arabic RTL, articles told apart by ?id= and linked as ?ID=&cat= too, Eastern
    # Arabic digits, "المزيد من <القسم>" inside the body) and minato (Movable Type, Shift_JIS read as
    # Windows-31J, full-width digits, "ピックアップ" inside the body): invented blind in s5; their floors are
    # issue 19's acceptance, not what main reached
    "wadi": {"recall": 18, "extra": 0, "f1": 0.97, "ra": (0.95, 0.95), "new": 1, "false": 0, "edit": True},
    "minato": {"recall": 18, "extra": 0, "f1": 0.97, "ra": (0.95, 0.95), "new": 1, "false": 0, "edit": True},
}


@dataclass
class Sweep:
    scores: dict[str, RunScore]
    published: dict[str, ChangeScore]  # the revisit's records of every article but the edited one
    edited: dict[str, ChangeScore]
    alone: dict[str, bool]  # the edited article's new version differs from its first by the edit alone


def sweep(sites_dir: Path, work: Path, label: str, *extra: str) -> dict[str, list[dict[str, Any]]]:
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    env.update(
        PYTHONPATH=str(ROOT),
        NEWSMON_SITES_DIR=str(sites_dir),
        NEWSMON_STATE_DIR=str(work / "state"),
        NEWSMON_OUTPUT_URI=str(work / label / "%(site)s" / "%(time)s.jsonl"),
    )
    names = ",".join(sorted(p.stem for p in sites_dir.glob("*.toml")))
    command = [
        sys.executable, "-m", "scrapy", "sweep", names,
        "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO",
        "-s", f"LOG_FILE={work / (label + '.log')}", *extra,
    ]  # fmt: skip
    proc = run_python(command, cwd=ROOT, env=env, timeout=600)
    assert proc.returncode in (0, 1), proc.stdout[-2000:] + proc.stderr[-2000:]
    out = work / label
    return {d.name: [r for f in sorted(d.glob("*.jsonl")) for r in read_jsonl(f)] for d in out.iterdir()}


# The corpus is crawled in three sweeps of a third of the shapes each, one per test module (this one,
# test_shapes_corpus_sweep2.py, test_shapes_corpus_sweep3.py, which import the fixture and the test below):
# under `--dist loadfile` the three run on three workers at once; one sweep of all 13 sites, run three times
# over, was the suite's longest file by far. Each shape keeps its own loopback address.
SWEEPS = tuple(tuple(list(SHAPES)[i::3]) for i in range(3))
SWEEP = SWEEPS[0]  # the shapes this module's sweep crawls


def test_every_shape_has_its_floors() -> None:
    """A shape added without floors (or with one left out) would be crawled and held to nothing."""
    assert set(FLOORS) == set(SHAPES)
    keys = {"recall", "extra", "f1", "ra", "new", "false", "edit"}
    assert all(set(floor) == keys for floor in FLOORS.values())


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The crawl test runs once per shape of the module's own sweep (SWEEP of the module that imports it)."""
    if "name" in metafunc.fixturenames and "crawled" in metafunc.fixturenames:
        metafunc.parametrize("name", metafunc.module.SWEEP)


@pytest.fixture(scope="module")
def crawled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sweep]:
    names: tuple[str, ...] = request.module.SWEEP
    work = tmp_path_factory.mktemp("corpus")
    sites_dir = work / "sites"
    sites_dir.mkdir()
    with ExitStack() as stack:
        servers = {
            name: stack.enter_context(serve(SHAPES[name], host=f"127.0.0.{10 + list(SHAPES).index(name)}"))
            for name in names
        }
        for name, server in servers.items():
            (sites_dir / f"{name}.toml").write_text(server.site.hand_toml(server.base_url), "utf-8")
        # The second run revisits every article after both mutations (until 2026-12-08 a run after each, a
        # third sweep of every article): the publication's new story must come as version 1, no article
        # but the edited one as a new version, and the edited one as version 2 whose body differs from its
        # first by the edit's paragraphs alone, so a version the publication caused in it is still seen.
        # publish() before edit(): the story edited is the one the former third run saw edited (listed()[4]).
        first = sweep(sites_dir, work, "run1")
        scores = {name: score_run(s.site.truth(), first.get(name, [])) for name, s in servers.items()}
        new = {name: s.site.path_of(s.site.publish()) for name, s in servers.items()}
        before = {name: s.site.truth() for name, s in servers.items()}
        edit = {name: s.site.path_of(s.site.edit()) for name, s in servers.items()}
        second = sweep(sites_dir, work, "run2", *REVISIT)
        published: dict[str, ChangeScore] = {}
        edited: dict[str, ChangeScore] = {}
        alone: dict[str, bool] = {}
        for name, server in servers.items():
            records, path = second.get(name, []), edit[name]
            others = [r for r in records if change_path(r, path) != path]  # every article but the edited one
            published[name] = score_change(others, new[name], edit=False)
            edited[name] = score_change(records, path, edit=True)
            firsts = [r.get("body") for r in first.get(name, []) if change_path(r, path) == path]
            after = server.site.truth().articles[path].body
            alone[name] = all(
                edit_alone(
                    firsts[0] if firsts else None, r.get("body"), before[name].articles[path].body, after
                )
                for r in records
                if change_path(r, path) == path
            )
        yield Sweep(scores, published, edited, alone)


@pytest.mark.crawl
def test_hand_toml_crawl_keeps_what_main_reached(crawled: Sweep, name: str) -> None:
    score, floor = crawled.scores[name], FLOORS[name]
    print(name, score.found, len(score.extra), round(score.body_f1, 3), score.ra_precision, score.ra_recall)
    print(name, crawled.published[name], crawled.edited[name], crawled.alone[name])
    assert score.found >= floor["recall"], score.missing
    assert len(score.extra) <= floor["extra"], score.extra
    assert score.body_f1 >= floor["f1"] - 0.005
    assert score.ra_precision >= floor["ra"][0] - 0.01
    assert score.ra_recall >= floor["ra"][1] - 0.01
    assert crawled.published[name].new >= floor["new"]
    assert crawled.published[name].versions <= floor["false"]
    assert crawled.edited[name].right_version or not floor["edit"]
    assert crawled.alone[name] or not floor["edit"]
