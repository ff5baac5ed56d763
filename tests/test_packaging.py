"""Packaging, as a new user meets it: the wheel built from this checkout installs with the pip that Python
3.11 ships (23.2, not upgraded), holds the newsmon package only, and runs the bundled spiders from any
directory (`SCRAPY_SETTINGS_MODULE=newsmon.settings`) and a NewsSpider subclass in a separate Scrapy project
that only enables `newsmon.Addon`, with the same records as `scrapy crawl euromaidan` in the checkout.

The slow parts run once per module. Dependencies come from a wheelhouse in pytest's cache
(`.pytest_cache/d/newsmon-wheelhouse/`), filled from the index by the new venv's own (stock) pip on the first
run and whenever the requirements change; every later run builds and installs offline (`--no-index`).
Measured on a busy 2-CPU VM: the module takes about 65 s with the wheelhouse cached and about 95 s without
(88 MB of wheels from PyPI, no pip cache). The wheel venv's `scrapy` commands (crawls, exit statuses, parse)
are forked from a fork server run by that venv's own interpreter (WheelForkServer); the import probe and the
console script's `scrapy list` are fresh interpreters. The module costs about 23 CPU-seconds (39 when every
command was a fresh interpreter), 10 of them the venv, the build and pip's install.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import tomllib
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests import forkserver
from tests.crawl_helpers import ROOT, CrawlResult, read_jsonl, run_crawl
from tests.replica.app import Reply
from tests.replica.server import ReplicaServer

pytestmark = pytest.mark.crawl

STOCK_PYTHON = "python3.11"  # its venv's pip is 23.2.1, which does not normalise justext's lxml[html_clean]
# What a crawl here may differ in from the checkout's: when, which spider, the WARC file of the run.
VOLATILE = frozenset({"scraped_at", "spider", "warc_file", "warc_record_id"})
# The path that reached an article first: which response came back first (tests/test_crawl.py checks the rule
# they follow, as assert_same_records does).
DISCOVERY = frozenset({"discovered_via", "referrer", "depth"})
# The replica needs neither the browser tier nor politeness delays; the SSRF guard stays on (the replica on
# 127.0.0.1 is the crawl origin, which it lets through).
CRAWL_SETTINGS = ("-s", "NEWSMON_TIERS_ENABLED=False", "-s", "AUTOTHROTTLE_ENABLED=False")
# The separate project's crawls extract in the crawl process, as the checkout's crawl they are compared with
# does (run_crawl; the same records: tests/test_extract_workers.py), instead of spawning a fresh interpreter
# for the worker; the bundled spider's crawl from any directory keeps newsmon's default worker process, so
# the wheel's spawned worker still runs here.
PROJECT_SETTINGS = (*CRAWL_SETTINGS, "-s", "NEWSMON_EXTRACT_WORKERS=0")
TIMEOUT = 600  # a cold wheelhouse downloads every dependency


def require_stock_python() -> str:
    """python3.11; skipped when absent, except in CI (NEWSMON_CI), where that fails the suite."""
    found = shutil.which(STOCK_PYTHON)
    if found is None:
        if os.environ.get("NEWSMON_CI"):
            pytest.fail(f"needs {STOCK_PYTHON} on PATH")
        pytest.skip(f"needs {STOCK_PYTHON} on PATH")
    return found


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without what would point a child at the checkout or its venv."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("NEWSMON_", "SCRAPY", "PYTHON", "VIRTUAL_ENV"))
    }
    return {**env, "PIP_DISABLE_PIP_VERSION_CHECK": "1", **extra}


def run(command: list[str | Path], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        command, cwd=cwd, env=clean_env(**env), capture_output=True, text=True, timeout=TIMEOUT
    )
    assert proc.returncode == 0, (
        f"{' '.join(map(str, command))}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    )
    return proc


def copy_checkout(dest: Path) -> Path:
    """The checkout as it is (new files included), minus caches, venv and build output (a stale build/ would
    leak into the wheel)."""
    ignore = shutil.ignore_patterns(
        ".venv", ".git", "output", ".newsmon", "build", "dist", "*.egg-info", "__pycache__", ".*_cache"
    )
    shutil.copytree(ROOT, dest, ignore=ignore)
    return dest


@dataclass
class WheelVenv:
    python: Path
    bin: Path
    wheel: Path
    pip_version: str
    stock_pip_version: str
    src: Path  # the copy of the checkout the wheel was built from
    tmp: Path


@pytest.fixture(scope="module")
def wheel_venv(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> WheelVenv:
    python = require_stock_python()
    tmp = tmp_path_factory.mktemp("packaging")
    src = copy_checkout(tmp / "src")
    run([python, "-m", "venv", tmp / "venv"], cwd=tmp)  # stock pip, not upgraded
    venv_python = tmp / "venv" / "bin" / "python"
    pip: list[str | Path] = [venv_python, "-m", "pip"]
    pip_version = run([*pip, "--version"], cwd=tmp).stdout.split()[1]
    stock = run([python, "-c", "import ensurepip; print(ensurepip.version())"], cwd=tmp).stdout.strip()
    py_tag = run([venv_python, "-c", "import sys; print('cp%d%d' % sys.version_info[:2])"], cwd=tmp)

    pyproject = tomllib.loads((src / "pyproject.toml").read_text(encoding="utf-8"))
    build_requires = pyproject["build-system"]["requires"]
    requirements = [*build_requires, *pyproject["project"]["dependencies"], pip_version]
    key = hashlib.sha256(json.dumps(requirements).encode()).hexdigest()[:16]
    cache = getattr(request.config, "cache", None)  # None under -p no:cacheprovider: a fresh wheelhouse
    cached = Path(cache.mkdir("newsmon-wheelhouse")) if cache is not None else tmp / "wheelhouse"
    wheelhouse = cached / py_tag.stdout.strip()
    wheelhouse.parent.mkdir(exist_ok=True)
    wheelhouse.mkdir(exist_ok=True)
    complete = wheelhouse / f"complete-{key}"
    offline: list[str | Path] = ["--no-index", "--find-links", wheelhouse]

    def fill() -> None:
        """The build requirements and every dependency of the wheel, as wheels, from the index."""
        online: list[str | Path] = ["--find-links", wheelhouse]
        dist = tmp / "fill"
        run([*pip, "wheel", "-q", "-w", wheelhouse, *online, *build_requires], cwd=tmp)
        run([*pip, "wheel", "-q", "--no-deps", "-w", dist, *offline, src], cwd=tmp)
        run([*pip, "wheel", "-q", "-w", wheelhouse, *online, *dist.glob("newsmon-*.whl")], cwd=tmp)
        for own in wheelhouse.glob("newsmon-*.whl"):
            own.unlink()
        complete.touch()

    def build_and_install() -> Path:
        """`pip wheel .` builds as `pip install .` does (isolated, setuptools from the wheelhouse)."""
        dist = tmp / "dist"
        shutil.rmtree(dist, ignore_errors=True)
        run([*pip, "wheel", "-q", "--no-deps", "-w", dist, *offline, src], cwd=tmp)
        (wheel,) = dist.glob("newsmon-*.whl")
        run([*pip, "install", "-q", "--no-compile", *offline, wheel], cwd=tmp)  # .pyc: 3x the time
        return wheel

    with (wheelhouse / ".lock").open("w") as lock:  # another pytest run may fill it at the same time
        fcntl.flock(lock, fcntl.LOCK_EX)
        cached = complete.exists()
        if not cached:
            fill()
        try:
            wheel = build_and_install()
        except AssertionError:
            if not cached:
                raise
            complete.unlink()  # a cached wheelhouse gone incomplete (files removed): filled again, once
            fill()
            wheel = build_and_install()
    return WheelVenv(
        python=venv_python,
        bin=tmp / "venv" / "bin",
        wheel=wheel,
        pip_version=pip_version,
        stock_pip_version=stock,
        src=src,
        tmp=tmp,
    )


class WheelForkServer:
    """tests/forkserver.py's server run by the wheel venv's interpreter: Scrapy and the installed newsmon
    imported once, one fork per `scrapy ...` command, in the command's directory and (clean) environment.

    The commands of the tests below are about what the installed wheel does (its records, exit statuses,
    one-line errors), not about an interpreter starting; each was a fresh interpreter importing Scrapy,
    Twisted and newsmon, about a CPU-second apiece. A child runs `python -m scrapy <args>` as the console
    script runs `scrapy <args>` (both call scrapy.cmdline.execute). What is about a fresh interpreter stays
    one: the import probe, `scrapy list` from the console script, and the checkout whose `spiders` package
    newsmon.settings looks for when it is imported. The server is started by path (not `-m tests...`) in an
    empty directory, so that it imports nothing from this checkout: newsmon is the wheel's."""

    LAUNCH = "import runpy, sys; sys.argv[:] = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"

    def __init__(self, python: Path, tmp: Path) -> None:
        (tmp / "cwd").mkdir(parents=True)
        launch = ("-c", self.LAUNCH, forkserver.__file__)
        self.server = forkserver.ForkServer(str(python), launch, cwd=tmp / "cwd", env=clean_env())
        if not self.server.usable(clean_env()):
            pytest.fail("the wheel venv's fork server did not start (it failed to import what it preloads)")

    def run(
        self, command: list[str | Path], cwd: Path, env: dict[str, str], timeout: float
    ) -> subprocess.CompletedProcess[str]:
        """`subprocess.run(command, cwd=, env=, timeout=, capture_output=True, text=True)` for command =
        [<venv>/bin/scrapy, *args], forked as `python -m scrapy *args`."""
        assert Path(command[0]).name == "scrapy", command
        argv = [self.server.python, "-m", "scrapy", *map(str, command[1:])]
        return self.server.run(argv, cwd=cwd, env=env, timeout=timeout)

    def close(self) -> None:
        self.server.close()


@pytest.fixture(scope="module")
def wheel_forks(wheel_venv: WheelVenv) -> Iterator[WheelForkServer]:
    server = WheelForkServer(wheel_venv.python, wheel_venv.tmp / "forkserver")
    yield server
    server.close()


# --- the wheel and its install --------------------------------------------------------------------------


def test_the_venv_has_python_3_11s_own_pip(wheel_venv: WheelVenv) -> None:
    assert wheel_venv.pip_version == wheel_venv.stock_pip_version, "the test venv's pip was upgraded"


def test_wheel_holds_the_newsmon_package_only(wheel_venv: WheelVenv) -> None:
    with zipfile.ZipFile(wheel_venv.wheel) as wheel:
        names = wheel.namelist()
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        meta = wheel.read(metadata).decode()
    assert {name.split("/")[0] for name in names} == {"newsmon", "newsmon-0.1.0.dist-info"}
    for name in (
        "newsmon/spiders/__init__.py",
        "newsmon/spiders/euromaidan.py",
        "newsmon/spiders/news.py",
        "newsmon/py.typed",
        "newsmon/schema/record.schema.json",
        "newsmon/sites/euromaidan.toml",
        "newsmon-0.1.0.dist-info/licenses/LICENSE",
    ):
        assert name in names, name
    assert "License-Expression: MIT" in meta.splitlines()
    assert "Requires-Dist: lxml_html_clean" in meta


def test_installed_wheel_has_no_top_level_spiders_and_imports_what_justext_needs(
    wheel_venv: WheelVenv,
) -> None:
    probe = (
        "import importlib.util, lxml.html.clean, justext, trafilatura, newsmon.settings as s\n"
        "assert importlib.util.find_spec('spiders') is None, importlib.util.find_spec('spiders')\n"
        "print(s.SPIDER_MODULES, repr(s.NEWSPIDER_MODULE))\n"
    )
    proc = run([wheel_venv.python, "-c", probe], cwd=wheel_venv.tmp)
    assert proc.stdout.split("\n")[0] == "['newsmon.spiders'] ''"
    site = run([wheel_venv.python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], cwd=ROOT)
    assert not (Path(site.stdout.strip()) / "spiders").exists()


def test_bundled_spiders_are_listed_from_any_directory(wheel_venv: WheelVenv, tmp_path: Path) -> None:
    proc = run([wheel_venv.bin / "scrapy", "list"], cwd=tmp_path, SCRAPY_SETTINGS_MODULE="newsmon.settings")
    assert proc.stdout.split() == ["euromaidan", "news"]


def test_a_checkout_with_the_wheel_installed_lists_its_own_spiders_too(
    wheel_venv: WheelVenv, tmp_path: Path
) -> None:
    """deploy/README.md's install: `pip install .` in the checkout, `scrapy crawl` run from it (its
    scrapy.cfg): a site spider added to the checkout's `spiders` package is found beside the bundled ones."""
    checkout = shutil.copytree(wheel_venv.src, tmp_path / "checkout")
    (checkout / "spiders" / "harbour.py").write_text(
        'from newsmon import NewsSpider\n\n\nclass HarbourSpider(NewsSpider):\n    name = "harbour"\n',
        encoding="utf-8",
    )
    proc = run([wheel_venv.bin / "scrapy", "list"], cwd=checkout)
    assert proc.stdout.split() == ["euromaidan", "harbour", "news"]


def test_spider_modules_in_a_zipped_egg_and_beside_an_unrelated_spiders_package(tmp_path: Path) -> None:
    """The scrapyd egg is a zip: its `spiders` counts. A `spiders` package elsewhere on sys.path does not."""
    egg = tmp_path / "newsmon.egg"
    with zipfile.ZipFile(egg, "w") as archive:
        archive.writestr("newsmon/__init__.py", "")
        archive.write(ROOT / "newsmon" / "spiders" / "__init__.py", "newsmon/spiders/__init__.py")
        archive.writestr("spiders/__init__.py", "")
    unrelated = tmp_path / "elsewhere"
    (unrelated / "spiders").mkdir(parents=True)
    (unrelated / "spiders" / "__init__.py").touch()
    probe = (
        "import sys\nsys.path[:0] = sys.argv[1:]\n"
        "from newsmon.spiders import spider_modules\nprint(spider_modules())"
    )
    for path, want in (
        ([egg], "['newsmon.spiders', 'spiders']"),
        ([unrelated, egg], "['newsmon.spiders']"),
    ):
        # -S: no site-packages, so newsmon comes from the egg only
        proc = run([sys.executable, "-S", "-c", probe, *path], cwd=tmp_path)
        assert proc.stdout.strip() == want, path


# --- crawls: the checkout, the wheel from any directory, a separate project with the add-on ---------------


class FlakyReplica(ReplicaServer):
    """The replica, answering the first request for each armed path with a 503 without Retry-After, so a
    crawl shows its retry (with backoff) of it."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._armed: set[str] = set()

    def arm(self, *paths: str) -> None:
        with self._lock:
            self._armed = set(paths)

    def respond(self, target: str, headers: Mapping[str, str]) -> Reply:
        path = urlsplit(target).path
        with self._lock:
            hit = path in self._armed
            self._armed.discard(path)
        if hit:
            return Reply(503, b"busy, come back later", "text/plain", {})
        return super().respond(target, headers)


@pytest.fixture(scope="module")
def replica() -> Iterator[FlakyReplica]:
    with FlakyReplica() as server:
        yield server


@pytest.fixture(scope="module")
def flaky_path(replica: FlakyReplica) -> str:
    return sorted(replica.site.expected_by_path())[0]  # an article every crawl fetches


@pytest.fixture(scope="module")
def checkout_crawl(
    replica: FlakyReplica, flaky_path: str, tmp_path_factory: pytest.TempPathFactory
) -> CrawlResult:
    """`scrapy crawl euromaidan` in the checkout, with its venv."""
    replica.arm(flaky_path)
    result = run_crawl(replica.base_url, tmp_path_factory.mktemp("checkout"), *CRAWL_SETTINGS)
    assert result.returncode == 0, result.log[-3000:]
    assert result.records
    return result


def crawl_in(
    forks: WheelForkServer,
    scrapy: Path,
    workdir: Path,
    spider: str,
    base_url: str,
    name: str,
    settings: tuple[str, ...],
    **env: str,
) -> CrawlResult:
    """`scrapy crawl <spider> -O <name>.jsonl` from workdir (no newsmon settings beyond the test's own),
    forked from the wheel venv's fork server."""
    out, log, stats = workdir / f"{name}.jsonl", workdir / f"{name}.log", workdir / f"{name}.stats.json"
    command: list[str | Path] = [
        scrapy,
        "crawl",
        spider,
        "-a",
        f"base_url={base_url}",
        *settings,
        "-s",
        f"LOG_FILE={log}",
        "-s",
        f"NEWSMON_STATS_FILE={stats}",
        "-O",
        out,
    ]
    proc = forks.run(command, cwd=workdir, env=clean_env(**env), timeout=300)
    text = log.read_text(encoding="utf-8") if log.exists() else ""
    return CrawlResult(
        returncode=proc.returncode,
        records=read_jsonl(out),
        stats=json.loads(stats.read_text(encoding="utf-8")) if stats.exists() else {},
        log=text + proc.stdout + proc.stderr,
        output=out,
    )


def comparable(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Records by canonical_url, without the fields that differ from run to run or spider to spider."""
    out = {r["canonical_url"]: {k: v for k, v in r.items() if k not in VOLATILE | DISCOVERY} for r in records}
    assert len(out) == len(records), "a canonical_url twice"
    for record in records:  # feeds and listings at depth 1, related links below them
        assert (record["discovered_via"] in ("rss", "category")) == (record["depth"] == 1), record["url"]
        assert 1 <= record["depth"] <= 3 and record["referrer"], record["url"]
    return out


def assert_same_records(got: CrawlResult, want: CrawlResult) -> None:
    assert got.returncode == 0, got.log[-3000:]
    ours, theirs = comparable(got.records), comparable(want.records)
    assert set(ours) == set(theirs)
    for url, record in theirs.items():
        assert ours[url]["body"] == record["body"], url
        assert ours[url] == record, url


@pytest.fixture(scope="module")
def any_directory_crawl(
    wheel_venv: WheelVenv,
    wheel_forks: WheelForkServer,
    replica: FlakyReplica,
    flaky_path: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> CrawlResult:
    """The README's first way: the wheel's bundled spider, from an empty directory."""
    workdir = tmp_path_factory.mktemp("anywhere")
    replica.arm(flaky_path)
    return crawl_in(
        wheel_forks,
        wheel_venv.bin / "scrapy",
        workdir,
        "euromaidan",
        replica.base_url,
        "out",
        CRAWL_SETTINGS,
        SCRAPY_SETTINGS_MODULE="newsmon.settings",
    )


def test_bundled_spider_from_any_directory_gets_the_checkouts_records(
    any_directory_crawl: CrawlResult, checkout_crawl: CrawlResult
) -> None:
    assert_same_records(any_directory_crawl, checkout_crawl)


# The separate project: its own scrapy.cfg and settings, newsmon only through its add-on and NewsSpider.
PROJECT_FILES = {
    "scrapy.cfg": "[settings]\ndefault = myproject.settings\n",
    "myproject/__init__.py": "",
    # the recipe of docs/feeds-and-api.md: the add-on, and newsmon's crawl command for its exit statuses
    "myproject/settings.py": (
        'BOT_NAME = "myproject"\nSPIDER_MODULES = ["myproject.spiders"]\nADDONS = {"newsmon.Addon": 0}\n'
        'COMMANDS_MODULE = "newsmon.commands"\n'
    ),
    # the same without COMMANDS_MODULE: Scrapy's own crawl command, which the add-on warns about
    "myproject/settings_bare.py": (
        'BOT_NAME = "myproject"\nSPIDER_MODULES = ["myproject.spiders"]\nADDONS = {"newsmon.Addon": 0}\n'
    ),
    "myproject/spiders/__init__.py": "",
    # `from newsmon import NewsSpider`: the public name, wherever the class lives inside newsmon
    "myproject/spiders/mysite.py": (
        "from newsmon import NewsSpider\n"
        "\n"
        "\n"
        "class MySiteSpider(NewsSpider):\n"
        '    name = "mysite"\n'
        '    site_name = "euromaidan"\n'
    ),
}


@dataclass
class ProjectRuns:
    first: CrawlResult
    second: CrawlResult
    project: Path
    forks: WheelForkServer  # what runs the project's other commands


@pytest.fixture(scope="module")
def project_runs(
    wheel_venv: WheelVenv,
    wheel_forks: WheelForkServer,
    replica: FlakyReplica,
    flaky_path: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> ProjectRuns:
    project = tmp_path_factory.mktemp("myproject")
    for name, text in PROJECT_FILES.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text, encoding="utf-8")
    scrapy = wheel_venv.bin / "scrapy"
    replica.arm(flaky_path)
    first = crawl_in(wheel_forks, scrapy, project, "mysite", replica.base_url, "first", PROJECT_SETTINGS)
    time.sleep(1)  # a later second for the state's run records
    second = crawl_in(wheel_forks, scrapy, project, "mysite", replica.base_url, "second", PROJECT_SETTINGS)
    return ProjectRuns(first=first, second=second, project=project, forks=wheel_forks)


def enabled(log: str, kind: str) -> str:
    """The `Enabled <kind>:` list Scrapy logs at start."""
    found = re.search(rf"Enabled {kind}:\n(\[.*?\])\n", log, re.DOTALL)
    assert found is not None, f"no 'Enabled {kind}' in the log:\n{log[:3000]}"
    return found[1]


def test_separate_project_with_the_addon_gets_the_checkouts_records(
    project_runs: ProjectRuns, checkout_crawl: CrawlResult
) -> None:
    assert "Enabled addons:" in project_runs.first.log and "newsmon" in enabled(
        project_runs.first.log, "addons"
    )
    assert_same_records(project_runs.first, checkout_crawl)
    assert {r["spider"] for r in project_runs.first.records} == {"mysite"}


def test_separate_project_has_the_ssrf_guard_on(project_runs: ProjectRuns) -> None:
    log = project_runs.first.log
    assert re.search(r"'newsmon\.[\w.]+\.SsrfGuard'", enabled(log, "downloader middlewares"))
    assert not re.search(r"Disabled \S*SsrfGuard", log), log[:3000]


def test_separate_project_retries_with_backoff(
    project_runs: ProjectRuns, checkout_crawl: CrawlResult
) -> None:
    middlewares = enabled(project_runs.first.log, "downloader middlewares")
    assert re.search(r"'newsmon\.[\w.]+\.RetryAfterMiddleware'", middlewares)
    assert "'scrapy.downloadermiddlewares.retry.RetryMiddleware'" not in middlewares
    for run_ in (project_runs.first, checkout_crawl):  # the armed 503: one retry, after a backoff wait
        assert run_.stats.get("retry/count", 0) >= 1, run_.stats
        assert run_.stats.get("newsmon/retry/backoff", 0) >= 1, run_.stats


def test_separate_project_is_incremental(project_runs: ProjectRuns) -> None:
    assert project_runs.first.records
    assert project_runs.second.returncode == 0, project_runs.second.log[-3000:]
    assert project_runs.second.records == []
    assert (project_runs.project / ".newsmon").is_dir()  # the state store at its default place


# --- exit statuses and one-line errors in the separate project (issue 21) --------------------------------
def project_command(
    project_runs: ProjectRuns, wheel_venv: WheelVenv, *args: str | Path, **env: str
) -> subprocess.CompletedProcess[str]:
    """`scrapy <args>` in the project, forked from the wheel venv's fork server."""
    command: list[str | Path] = [wheel_venv.bin / "scrapy", *args]
    return project_runs.forks.run(command, cwd=project_runs.project, env=clean_env(**env), timeout=300)


WARNING_LINE = "COMMANDS_MODULE = 'newsmon.commands' is not in this project's settings"
# the recipe, and the same project without COMMANDS_MODULE (Scrapy's own crawl command): same statuses
SETTINGS_MODULES = pytest.mark.parametrize(
    "settings_module", ["myproject.settings", "myproject.settings_bare"], ids=["recipe", "no-commands-line"]
)


def newsmon_lines(stderr: str) -> list[str]:
    """newsmon's one-line errors on stderr (the warning about a missing COMMANDS_MODULE aside)."""
    return [line for line in stderr.splitlines() if line.startswith("newsmon:") and WARNING_LINE not in line]


@SETTINGS_MODULES
def test_separate_project_refuses_bad_arguments_in_one_line(
    project_runs: ProjectRuns, wheel_venv: WheelVenv, replica: FlakyReplica, settings_module: str
) -> None:
    """Was (without COMMANDS_MODULE): a ValueError traceback and exit 1; `-a bogus=1` ignored, exit 0."""
    for bad in (("-s", "NEWSMON_FOLLOW_DEPTH=abc"), ("-a", "bogus=1")):
        proc = project_command(
            project_runs,
            wheel_venv,
            *("crawl", "mysite", "-a", f"base_url={replica.base_url}", *bad),
            SCRAPY_SETTINGS_MODULE=settings_module,
        )
        assert proc.returncode == 2, proc.stderr[-3000:]
        assert "Traceback" not in proc.stderr
        assert len(newsmon_lines(proc.stderr)) == 1, proc.stderr[-3000:]
        assert (WARNING_LINE in proc.stderr) == (bad[0] == "-a" and settings_module.endswith("bare"))


@SETTINGS_MODULES
def test_separate_project_exit_statuses_of_outputs(
    project_runs: ProjectRuns,
    wheel_venv: WheelVenv,
    replica: FlakyReplica,
    tmp_path: Path,
    settings_module: str,
) -> None:
    """An S3 feed without boto3: refused before any request (2; was exit 0 with "Monitors failed"); a feed
    file that cannot be opened when the first record comes (a directory at its path): the run fails (3)."""
    common = ("crawl", "mysite", "-a", f"base_url={replica.base_url}", *PROJECT_SETTINGS)
    state = ("-s", f"NEWSMON_STATE_DIR={tmp_path / 'state'}")
    env = {"SCRAPY_SETTINGS_MODULE": settings_module}
    proc = project_command(project_runs, wheel_venv, *common, *state, "-O", "s3://bucket/x.jsonl", **env)
    assert proc.returncode == 2, proc.stderr[-3000:]
    assert any("s3://bucket/x.jsonl" in line for line in newsmon_lines(proc.stderr)), proc.stderr[-3000:]
    blocked = tmp_path / "blocked.jsonl"
    blocked.mkdir()
    proc = project_command(project_runs, wheel_venv, *common, *state, "-O", str(blocked), **env)
    assert proc.returncode == 3, proc.stderr[-3000:]


@SETTINGS_MODULES
def test_separate_project_second_concurrent_run_exits_75(
    project_runs: ProjectRuns, wheel_venv: WheelVenv, replica: FlakyReplica, settings_module: str
) -> None:
    """Another run holds the site's lock: 75 and one line (was without COMMANDS_MODULE: exit 1, "Task
    exception was never retrieved ... RunLocked"); without the line the add-on also names it at start."""
    lock_path = project_runs.project / ".newsmon" / "euromaidan.lock"
    lock_path.parent.mkdir(exist_ok=True)
    with lock_path.open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # what a running crawl holds
        args = ("crawl", "mysite", "-a", f"base_url={replica.base_url}", *PROJECT_SETTINGS)
        proc = project_command(project_runs, wheel_venv, *args, SCRAPY_SETTINGS_MODULE=settings_module)
    assert proc.returncode == 75, proc.stderr[-3000:]
    assert len(newsmon_lines(proc.stderr)) == 1, proc.stderr[-3000:]
    assert "Task exception was never retrieved" not in proc.stderr
    assert (WARNING_LINE in proc.stderr) == settings_module.endswith("bare")


def test_scrapy_parse_gives_the_record_of_one_article(
    project_runs: ProjectRuns, wheel_venv: WheelVenv, replica: FlakyReplica, tmp_path: Path
) -> None:
    """Was: NotImplementedError, the spider had no `parse` callback."""
    url = replica.base_url + sorted(replica.site.expected_by_path())[0]
    proc = project_command(
        project_runs,
        wheel_venv,
        "parse",
        "--spider",
        "mysite",
        "-a",
        f"base_url={replica.base_url}",
        *PROJECT_SETTINGS,
        "-s",
        f"NEWSMON_STATE_DIR={tmp_path / 'state'}",
        "-s",
        "NEWSMON_OUTPUT_URI=",
        url,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "NotImplementedError" not in proc.stderr
    assert f"'canonical_url': '{url}'" in proc.stdout, proc.stdout[-3000:]


def test_bundled_spiders_in_ones_own_project_with_spider_modules(
    project_runs: ProjectRuns, wheel_venv: WheelVenv
) -> None:
    """docs/feeds-and-api.md: SPIDER_MODULES naming newsmon.spiders brings `news` and `euromaidan`."""
    settings = project_runs.project / "myproject" / "settings_bundled.py"
    settings.write_text(
        (project_runs.project / "myproject" / "settings.py").read_text(encoding="utf-8")
        + 'SPIDER_MODULES = ["myproject.spiders", "newsmon.spiders"]\n',
        encoding="utf-8",
    )
    proc = project_command(
        project_runs, wheel_venv, "list", SCRAPY_SETTINGS_MODULE="myproject.settings_bundled"
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert set(proc.stdout.split()) == {"euromaidan", "mysite", "news"}
