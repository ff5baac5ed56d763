"""`scrapy sweep` and `newsmon sweep`: the arguments checked before anything starts (in this process), the
command running a sweep, and `scrapy crawl news -a sites=` still sweeping for one release, with a warning
that names the command to use (the sweep itself: tests/test_sweep.py)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from bench.site_farm import SiteFarm
from newsmon.cli import main
from newsmon.commands.crawl import deprecated_sweep
from tests.crawl_helpers import ROOT, read_jsonl
from tests.forkserver import run_python


@pytest.fixture
def project(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The checkout as the Scrapy project, with an empty sites directory and state of its own."""
    monkeypatch.chdir(ROOT)
    # set here (Scrapy's cmdline sets it otherwise, for the rest of the test process)
    monkeypatch.setenv("SCRAPY_SETTINGS_MODULE", "newsmon.settings")
    sites = tmp_path / "sites"
    sites.mkdir()
    monkeypatch.setenv("NEWSMON_SITES_DIR", str(sites))
    return sites


def test_newsmon_sweep_hands_its_arguments_to_scrapy_sweep(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sweep", "-h"]) == 0
    out = capsys.readouterr().out
    assert "scrapy sweep [options] [all | SITE,SITE,...]" in out and "--spider" in out


@pytest.mark.parametrize(
    ("arguments", "why"),
    [
        (["nosuchsite"], "nosuchsite"),  # a named site that is nowhere: one line naming it
        (["all", "-a", "hubs=https://x.example/"], "-a hubs= names one site's own hubs"),
        (["all", "--spider", "nosuchspider"], "needs a news spider"),
        (["all", "-s", "NEWSMON_BACKEND=redis"], "one-process mode"),
        (["all", "-a", "max_pages=many"], "max_pages"),
    ],
)
def test_a_bad_sweep_stops_before_any_crawl_with_one_line(
    project: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], why: str
) -> None:
    assert main(["sweep", *arguments]) == 2
    err = capsys.readouterr().err
    assert why in err and err.startswith("newsmon: ") and err.count("\n") == 1, err


@pytest.mark.parametrize(
    ("arguments", "why"),
    [
        (["a", "b"], "give the sites as one argument"),
        (["-a", "sites=a,b"], "name the sites as the argument"),
        (["-a", "site=a"], "name the sites as the argument"),
        (["-a", "noequals"], "use -a NAME=VALUE"),
    ],
)
def test_sites_are_one_argument_and_never_an_a_option(
    project: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], why: str
) -> None:
    assert main(["sweep", *arguments]) == 2
    err = capsys.readouterr().err
    assert "scrapy sweep [options]" in err and why in err, err


def test_an_empty_sites_directory_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep"]) == 2  # `all` is the default
    assert f"no sites to crawl in {project}" in capsys.readouterr().err


def test_the_deprecation_warning_names_the_command_and_spares_scrapyd() -> None:
    warning = deprecated_sweep("news", {"sites": "all", "max_pages": "5"})
    assert warning is not None and "is deprecated" in warning
    assert "`scrapy sweep all -a max_pages=5`" in warning and "newsmon sweep" in warning
    assert "--spider mine" in (deprecated_sweep("mine", {"sites": "a,b"}) or "")
    assert deprecated_sweep("news", {"site": "a"}) is None  # one site: crawl's own job
    # scrapyd runs every job as `crawl` (its `_job` argument): a batch job there is not deprecated
    assert deprecated_sweep("news", {"sites": "a,b", "_job": "f00"}) is None


def test_newsmon_sweep_crawls_and_the_crawl_alias_still_sweeps_with_a_warning(tmp_path: Path) -> None:
    settings = [
        "-s", f"NEWSMON_STATE_DIR={tmp_path / 'state'}",
        "-s", f"NEWSMON_OUTPUT_URI={tmp_path / 'out'}/%(site)s/%(time)s.jsonl",
        "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NEWSMON_TIER_MODE=plain",
    ]  # fmt: skip
    with SiteFarm(2, tmp_path / "farm", articles=2) as farm:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "NEWSMON_SITES_DIR": str(farm.sites_dir)}
        env.pop("SCRAPY_SETTINGS_MODULE", None)
        first, second = farm.names
        swept = run_python(
            [sys.executable, "-m", "newsmon.cli", "sweep", first, *settings], cwd=ROOT, env=env, timeout=300
        )
        assert swept.returncode == 0, swept.stderr[-3000:]
        assert f"Sweep: {first}: exit status 0, 2 records" in swept.stderr
        assert "Sweep: 1 of 1 sites crawled, exit status 0" in swept.stderr
        assert "deprecated" not in swept.stderr
        records = [r for path in (tmp_path / "out" / first).glob("*.jsonl") for r in read_jsonl(path)]
        assert sorted(r["canonical_url"] for r in records) == sorted(farm.truth[first])
        # the old spelling: the same sweep (only the site not crawled yet is due), and one warning
        alias = run_python(
            [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "sites=all", *settings],
            cwd=ROOT, env=env, timeout=300,
        )  # fmt: skip
        assert alias.returncode == 0, alias.stderr[-3000:]
        assert alias.stderr.count("is deprecated") == 1 and "run `scrapy sweep all`" in alias.stderr
        assert f"Sweep: {second}: exit status 0, 2 records" in alias.stderr
        assert f"Sweep: {first}:" not in alias.stderr  # crawled a moment ago: not due


def test_scrapy_sweep_is_registered_for_projects_without_newsmons_commands_module() -> None:
    import tomllib

    from newsmon.commands.sweep import Command

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    target = project["entry-points"]["scrapy.commands"]["sweep"]
    module, _, name = target.partition(":")
    assert getattr(__import__(module, fromlist=[name]), name) is Command
