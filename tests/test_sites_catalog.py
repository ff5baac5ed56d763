"""The sites directory, site names, intervals and due-ness; `newsmon sites check|list`; sweep arguments."""

from __future__ import annotations

import json
import logging
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from scrapy.settings import Settings

from newsmon.cli import main
from newsmon.commands.checks import sweep_sites
from newsmon.crawl.arguments import ArgumentError
from newsmon.extensions.site_log_count import SiteLogCount
from newsmon.sites import SiteConfigError, load_site_config, parse_interval, parse_site_config
from newsmon.sites.catalog import catalog, select_sites
from newsmon.state.store import StateStore
from newsmon.sweep.due import SiteDue, due_sites, last_finished
from newsmon.sweep.run import SiteOutcome, sweep_status
from tests.component_helpers import crawler_with, open_spider

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def write_site(directory: Path, name: str, extra: str = "", *, file: str | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{file or name}.toml"
    path.write_text(
        f'name = "{name}"\norigin = "https://{name}.example"\nhosts = ["{name}.example"]\nfeeds = ["/rss"]\n'
        + extra,
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [("30m", timedelta(minutes=30)), ("1h", timedelta(hours=1)), ("1h30m", timedelta(minutes=90)),
     ("2d", timedelta(days=2)), (" 1d 6h ", timedelta(days=1, hours=6)), ("15min", timedelta(minutes=15))],
)  # fmt: skip
def test_interval_durations(text: str, expected: timedelta) -> None:
    assert parse_interval(text) == expected


@pytest.mark.parametrize("bad", ["", "1", "30s", "0m", "soon", 60, "1h-5m", "1w"])
def test_bad_intervals_name_the_key(bad: object) -> None:
    with pytest.raises(SiteConfigError, match="'interval'"):
        parse_interval(bad)


@pytest.mark.parametrize("name", ["Harbour", "har bour", "../etc", "a/b", "", "x" * 65, "-lead", "dot.name"])
def test_site_names_that_cannot_name_files_are_refused(name: str) -> None:
    with pytest.raises(SiteConfigError, match="'name'"):
        parse_site_config({"name": name, "origin": "https://x.example"})


def test_catalog_directory_first_then_bundled_and_file_named_after_site(tmp_path: Path) -> None:
    sites = tmp_path / "sites"
    write_site(sites, "harbour", 'interval = "30m"\n')
    write_site(sites, "valley", file="wrongname")
    (sites / "broken.toml").write_text('name = "broken"\norigin = "nope"\n', encoding="utf-8")
    write_site(sites, "euromaidan")  # replaces the bundled one of that name
    entries = {entry.name: entry for entry in catalog(sites)}
    assert set(entries) == {"broken", "euromaidan", "harbour", "wrongname"}
    assert entries["harbour"].config is not None and entries["harbour"].config.interval == timedelta(
        minutes=30
    )
    assert entries["euromaidan"].source == str(sites / "euromaidan.toml")
    assert "name the file after its site (valley.toml)" in (entries["wrongname"].error or "")
    assert "'origin'" in (entries["broken"].error or "")
    assert [e.name for e in catalog(None)] == ["euromaidan"] and catalog(None)[0].source == "bundled"
    # a name resolves in the directory, then among the bundled sites
    assert load_site_config("harbour", sites).origin == "https://harbour.example"
    assert load_site_config("euromaidan", None).origin == "https://euromaidanpress.com"
    with pytest.raises(SiteConfigError, match="no site named 'nope'"):
        load_site_config("nope", sites)


def test_select_all_refuses_a_broken_directory_and_named_twice(tmp_path: Path) -> None:
    sites = tmp_path / "sites"
    write_site(sites, "a")
    write_site(sites, "b")
    assert [s.name for s in select_sites("all", sites)] == ["a", "b"]  # not the bundled euromaidan
    assert [s.name for s in select_sites("b, a", sites)] == ["b", "a"]
    assert select_sites(str(sites / "a.toml"), None)[0].reference == str(sites / "a.toml")
    with pytest.raises(SiteConfigError, match="named twice"):
        select_sites("a,a", sites)
    (sites / "c.toml").write_text("name = ", encoding="utf-8")
    with pytest.raises(SiteConfigError, match=r"c\.toml: invalid TOML"):
        select_sites("all", sites)


def finish_run(state_dir: Path, site: str, ended: datetime) -> None:
    state_dir.mkdir(parents=True, exist_ok=True)
    with StateStore.open(state_dir / f"{site}.sqlite3") as store:
        run = store.start_run(ended.timestamp() - 30)
        store.end_run(run, "finished", {"item_scraped_count": 1})
        store.conn.execute("UPDATE runs SET ended = ? WHERE id = ?", (ended.timestamp(), run))
        store.conn.commit()


def test_due_from_the_last_finished_run(tmp_path: Path) -> None:
    sites = tmp_path / "sites"
    for name, interval in (("hourly", "1h"), ("daily", "1d"), ("fresh", "1h")):
        write_site(sites, name, f'interval = "{interval}"\n')
    state = tmp_path / "state"
    finish_run(state, "hourly", NOW - timedelta(minutes=61))
    finish_run(state, "daily", NOW - timedelta(hours=3))
    assert last_finished(state, "daily") == NOW - timedelta(hours=3)
    assert last_finished(state, "fresh") is None
    due = due_sites(select_sites("all", sites), state, NOW)
    assert [entry.site.name for entry in due] == ["fresh", "hourly"]  # never crawled first
    # a run ending a few seconds short of its interval is due at the next sweep, not one sweep later
    almost = SiteDue(load_site_config("hourly", sites), NOW - timedelta(minutes=59, seconds=30))
    assert almost.is_due(NOW)
    # reading never creates a store
    assert not (state / "fresh.sqlite3").exists()


def test_last_finished_of_an_unreadable_store_is_none(tmp_path: Path) -> None:
    (tmp_path / "x.sqlite3").write_bytes(b"not a database" * 100)
    assert last_finished(tmp_path, "x") is None
    sqlite3.connect(tmp_path / "y.sqlite3").close()
    assert last_finished(tmp_path, "y") is None


def test_sweep_arguments(tmp_path: Path) -> None:
    sites = tmp_path / "sites"
    write_site(sites, "a")
    write_site(sites, "b")
    state = tmp_path / "state"
    settings = Settings({"NEWSMON_SITES_DIR": str(sites), "NEWSMON_STATE_DIR": str(state)})
    settings.setmodule("newsmon.settings", priority="project")
    assert [s.name for s in sweep_sites("news", {"sites": "all"}, settings)[0]] == ["a", "b"]
    finish_run(state, "a", datetime.now(UTC))
    assert [s.name for s in sweep_sites("news", {"sites": "all"}, settings)[0]] == ["b"]  # a is not due
    assert [s.name for s in sweep_sites("news", {"sites": "a"}, settings)[0]] == ["a"]  # named: crawled now
    # a broken file of the directory: `all` goes on without it and hands it back; naming it is an error
    (sites / "c.toml").write_text('name = "c"\norigin = "nope"\n', encoding="utf-8")
    due, broken = sweep_sites("news", {"sites": "all"}, settings)
    assert (
        [s.name for s in due] == ["b"]
        and [e.name for e in broken] == ["c"]
        and "'origin'" in str(broken[0].error)
    )
    with pytest.raises(ArgumentError, match="'origin'"):
        sweep_sites("news", {"sites": "b,c"}, settings)
    (sites / "c.toml").unlink()
    assert sweep_sites("news", {"sites": "a", "follow_depth": "1"}, settings)
    for spargs, message in (
        ({"sites": "a", "base_url": "http://127.0.0.1:1"}, "-a base_url= names one site's own"),
        ({"sites": ""}, "-a sites= is empty"),
        ({"sites": "a", "follow_depth": "-1"}, "follow_depth"),
        ({"sites": "zzz"}, "no site named 'zzz'"),
    ):
        with pytest.raises(ArgumentError, match=message):
            sweep_sites("news", spargs, settings)
    with pytest.raises(ArgumentError, match="'nope' is not one"):
        sweep_sites("nope", {"sites": "all"}, settings)
    settings.set("NEWSMON_BACKEND", "redis", priority="cmdline")
    with pytest.raises(ArgumentError, match="one-process mode"):
        sweep_sites("news", {"sites": "all"}, settings)


def test_sweep_status_is_the_worst_site_and_skipped_sites_do_not_count() -> None:
    outcomes = [SiteOutcome("a", 0), SiteOutcome("b", 3), SiteOutcome("c", skipped="locked")]
    assert sweep_status(outcomes) == 3
    assert sweep_status([SiteOutcome("a", 0), SiteOutcome("c", skipped="locked")]) == 0
    assert "b: exit status 3" in outcomes[1].line() and "skipped (locked)" in outcomes[2].line()


def test_site_log_count_counts_only_its_own_spider_once_others_run() -> None:
    first, second = crawler_with({"LOG_LEVEL": "DEBUG"}), crawler_with({"LOG_LEVEL": "DEBUG"})
    for crawler in (first, second):
        open_spider(crawler)
    counts = [SiteLogCount.from_crawler(c) for c in (first, second)]
    log = logging.getLogger("tests.site_log_count")
    counts[0].spider_opened(first.spider)
    log.error("alone: counted for the only running crawl")
    counts[1].spider_opened(second.spider)
    log.error("second's error", extra={"spider": second.spider})
    log.error("tied to nobody, two crawls running: counted for neither")
    counts[0].spider_closed(first.spider, "finished")
    log.error("first closing, its engine not yet stopped: still two crawls, counted for neither")
    for count, crawler in zip(counts, (first, second), strict=True):
        count.spider_closed(crawler.spider, "finished")
        count.engine_stopped()
    assert first.stats.get_value("log_count/ERROR") == 1
    assert second.stats.get_value("log_count/ERROR") == 1


def test_sites_check_and_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sites = tmp_path / "sites"
    write_site(sites, "a", 'interval = "2h"\n')
    write_site(sites, "b")
    assert main(["sites", "check", "--sites-dir", str(sites)]) == 0
    assert "2 of 2 sites usable" in capsys.readouterr().out  # a and b: what a sweep takes
    (sites / "c.toml").write_text('name = "c"\norigin = "https://c.example"\ntimezone = "Mars/Base"\n')
    assert main(["sites", "check", "--sites-dir", str(sites)]) == 2
    out, err = capsys.readouterr()
    assert "c.toml: 'timezone' 'Mars/Base' is not an IANA timezone" in err and "1 broken" in out
    state = tmp_path / "state"
    finish_run(state, "a", datetime.now(UTC) - timedelta(minutes=5))
    assert main(["sites", "list", "--sites-dir", str(sites), "--state-dir", str(state), "--json"]) == 0
    rows = {row["site"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["a"]["status"] == "pass" and rows["a"]["records_last_run"] == 1
    assert rows["a"]["next_due"] != "now" and rows["b"]["next_due"] == "now"
    assert rows["c"]["error"] and "status" not in rows["b"]
    assert main(["sites", "list", "--sites-dir", str(sites), "--state-dir", str(state)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:4] == ["site", "from", "last", "run"]
    assert any(line.startswith("a ") for line in table)
    assert not any(line.startswith("euromaidan") for line in table)  # a sweep never takes it


def test_sites_list_is_what_a_sweep_crawls(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a sites directory a sweep takes its sites only: `sites list` shows those, and the bundled
    euromaidan only with --bundled, marked as not swept; without one, the bundled sites, swept."""
    from newsmon.sites.catalog import select_all

    sites = tmp_path / "sites"
    write_site(sites, "a")
    state = tmp_path / "state"
    swept = {c.name for c in select_all(sites)[0]}
    assert main(["sites", "list", "--sites-dir", str(sites), "--state-dir", str(state), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["site"] for r in rows} == swept == {"a"} and rows[0]["from"] == "sites dir"
    assert main(["sites", "list", "--sites-dir", str(sites), "--state-dir", str(state), "--bundled"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("euromaidan"))
    assert "bundled, not swept" in line and "-a site= only" in line
    monkeypatch.delenv("NEWSMON_SITES_DIR", raising=False)
    assert main(["sites", "list", "--state-dir", str(state), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["site"] for r in rows} == {c.name for c in select_all(None)[0]} >= {"euromaidan"}
    assert all(r["from"] == "bundled" and r["swept"] for r in rows)
