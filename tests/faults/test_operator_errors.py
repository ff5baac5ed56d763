"""Careless operators: bad spider arguments and settings, a binary or ReDoS-prone site config end with one
line and exit status 2 before anything is fetched; the RemoteControl endpoint is off; disabled components
say why. Real `scrapy crawl` subprocesses against the fault server, plus unit tests of the checks."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from newsmon import registry
from newsmon import settings as project_settings
from newsmon.commands.checks import check_crawl, check_settings
from newsmon.crawl.arguments import ArgumentError, SpiderArguments
from newsmon.fetch.page_pool import PagePoolMiddleware
from newsmon.sites import SiteConfigError, load_site_config, parse_site_config
from newsmon.spiders.euromaidan import EuromaidanSpider
from tests.crawl_helpers import CrawlResult, run_crawl
from tests.faults.conftest import FAULT_SETTINGS
from tests.faults.pages import article_html, listing_html
from tests.faults.server import FaultServer

pytestmark = pytest.mark.crawl

GOOD = "/2026/03/11/good-one/"
EXIT_BAD = 2


@pytest.fixture(scope="module")
def server() -> Any:
    fault = FaultServer()
    fault.routes["/category/news/"] = lambda h, n: h.send_body(200, listing_html([GOOD]))
    fault.routes[GOOD] = lambda h, n: h.send_body(200, article_html("A good article").encode())
    with fault:
        yield fault


def crawl(server: FaultServer, workdir: Path, *args: str, spider: str = "euromaidan") -> CrawlResult:
    extra: list[str] = ["-a", "feeds=", "-a", "categories=/category/news/"]
    for setting in FAULT_SETTINGS:
        extra += ["-s", setting]
    return run_crawl(server.base_url, workdir, *extra, *args, spider=spider, timeout=120)


def assert_refused(result: CrawlResult, server: FaultServer, hits_before: int, *needles: str) -> str:
    """Exit 2, one `newsmon: ...` line on stderr naming the problem, no traceback, nothing fetched."""
    lines = [line for line in result.log.splitlines() if line.strip()]
    assert result.returncode == EXIT_BAD, result.log[-3000:]
    assert len(lines) == 1, lines
    (line,) = lines
    assert line.startswith("newsmon: "), line
    for needle in needles:
        assert needle in line, (needle, line)
    assert "Traceback" not in result.log and "Task exception" not in result.log
    assert len(server.hits) == hits_before  # not one request, to the fault server or anywhere
    assert not result.output.exists()  # and no output, no log file written
    return line


BAD_ARGUMENTS = [
    # (arguments, what the line names)
    (("-a", "base_url="), "base_url= is empty"),
    (("-a", "base_url=   "), "base_url= is empty"),
    (("-a", "base_url=ftp://x"), "not an http(s) URL"),
    (("-a", "base_url=not a url"), "not an http(s) URL"),
    (("-a", "base_url=127.0.0.1:8080"), "not an http(s) URL"),
    (("-a", "base_url=http://127.0.0.1:99999"), "Port out of range"),
    (("-a", "base_url=http://127.0.0.1:port"), "base_url='http://127.0.0.1:port'"),
    (("-a", "base_url=http://"), "not an http(s) URL"),
    (("-a", "base_url=http://user:pw@127.0.0.1:8080"), "credentials"),
    (("-a", "base_url=http://127.0.0.1:8080/mirror/path"), "path, query or fragment"),
    (("-a", "follow_depth=x"), "follow_depth='x': must be a whole number >= 0"),
    (("-a", "follow_depth=-1"), "follow_depth='-1'"),
    (("-a", "follow_depth=1.5"), "follow_depth='1.5'"),
    (("-a", "max_pages=0"), "max_pages='0': must be a whole number >= 1"),
    (("-a", "feeds=feed.xml"), "'feed.xml' is neither a path"),
    (("-a", "urls=javascript:alert(1)"), "urls="),
    (("-a", "folow_depth=1"), "unknown spider argument -a folow_depth="),
    (("-s", "NEWSMON_FOLLOW_DEPTH=x"), "NEWSMON_FOLLOW_DEPTH='x': must be a whole number"),
    (("-s", "NEWSMON_MAX_LISTING_PAGES=0"), "NEWSMON_MAX_LISTING_PAGES='0'"),
    (("-s", "NEWSMON_TIERS_ENABLED=maybe"), "NEWSMON_TIERS_ENABLED='maybe': must be true or false"),
    (("-s", "DOWNLOAD_TIMEOUT=soon"), "DOWNLOAD_TIMEOUT='soon': must be a number"),
    (("-s", "CONCURRENT_REQUESTS=many"), "CONCURRENT_REQUESTS"),
    (("-s", "NEWSMON_MONITOR_MAX_ERROR_RATIO=2"), "NEWSMON_MONITOR_MAX_ERROR_RATIO must be between 0 and 1"),
    (("-s", "NEWSMON_TIER_MODE=turbo"), "NEWSMON_TIER_MODE must be one of"),
    (("-s", "NEWSMON_SSRF_ALLOWED_HOSTS=http://x:1/"), "NEWSMON_SSRF_ALLOWED_HOSTS"),
    (("-s", "NEWSMON_REVISIT_EVERY=-1"), "NEWSMON_REVISIT_EVERY"),
]


@pytest.mark.parametrize(("args", "needle"), BAD_ARGUMENTS, ids=[" ".join(a) for a, _ in BAD_ARGUMENTS])
def test_bad_argument_or_setting_is_one_line_and_exit_2(
    server: FaultServer, tmp_path: Path, args: tuple[str, ...], needle: str
) -> None:
    before = len(server.hits)
    started = time.monotonic()
    result = crawl(server, tmp_path, *args)
    assert_refused(result, server, before, needle)
    assert time.monotonic() - started < 30
    assert not (tmp_path / "crawl.log").exists()


def test_binary_site_file_is_one_line(server: FaultServer, tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    site.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe" * 20)
    before = len(server.hits)
    result = crawl(server, tmp_path / "run", "-a", f"site={site}", spider="news")
    assert_refused(result, server, before, str(site), "not a UTF-8 text file")


@pytest.mark.parametrize(
    ("key", "value"),
    [("article_pattern", "'^/(a+)\\1$'"), ("hub_patterns", "['^/tags/', '^/(?![0-9])[a-z]+$']")],
)
def test_pattern_without_a_linear_engine_is_refused_at_start(
    server: FaultServer, tmp_path: Path, key: str, value: str
) -> None:
    """Backreferences and lookaround have no linear-time form: refused when the config loads."""
    site = tmp_path / "site.toml"
    site.write_text(f'name = "redos"\norigin = "https://redos.example"\n{key} = {value}\n', encoding="utf-8")
    before = len(server.hits)
    result = crawl(server, tmp_path / "run", "-a", f"site={site}", spider="news")
    line = assert_refused(result, server, before, f"'{key}'", "linear time")
    assert "RE2" in line


def test_remote_control_off_and_disabled_components_say_why(server: FaultServer, tmp_path: Path) -> None:
    result = crawl(server, tmp_path / "default", "-s", f"REMOTE_CONTROL_JOBS_DIR={tmp_path / 'jobs'}")
    assert result.returncode == 0, result.log[-3000:]
    assert [r["url"] for r in result.records] == [server.base_url + GOOD]
    enabled = result.log.split("Enabled extensions:", 1)[1].split("]", 1)[0]
    assert "scrapy.extensions.corestats.CoreStats" in enabled
    assert "RemoteControl" not in enabled
    assert "Remote control HTTP server" not in result.log
    # the browser tier is off (FAULT_SETTINGS): the tab pool says so, not "PAGE_REUSE <= 1"
    disabled = [line for line in result.log.splitlines() if "Disabled" in line and "page_pool" in line]
    assert len(disabled) == 1 and "NEWSMON_TIERS_ENABLED is off" in disabled[0], disabled
    assert "PAGE_REUSE" not in disabled[0]


def test_remote_control_on_when_asked_for(server: FaultServer, tmp_path: Path) -> None:
    result = crawl(
        server,
        tmp_path,
        "-s",
        "REMOTE_CONTROL_ENABLED=True",
        "-s",
        f"REMOTE_CONTROL_JOBS_DIR={tmp_path / 'jobs'}",
    )
    assert result.returncode == 0, result.log[-3000:]
    assert re.search(r"Remote control HTTP server listening on port \d+", result.log)


# --- the checks on their own -----------------------------------------------------------------------------


def test_spider_arguments_parse_good_values() -> None:
    args = SpiderArguments.parse(
        {
            "base_url": " HTTP://127.0.0.1:8080/ ",
            "follow_depth": "0",
            "max_pages": 3,
            "feeds": "",
            "categories": "/c/, https://x.example/d/",
            "urls": "/a/,/b/",
        }
    )
    assert args.base_url == "http://127.0.0.1:8080"
    assert (args.follow_depth, args.max_pages) == (0, 3)
    assert args.feeds == () and args.sitemaps is None
    assert args.categories == ("/c/", "https://x.example/d/")
    assert args.urls == ("/a/", "/b/")
    assert SpiderArguments.parse({}) == SpiderArguments()
    assert SpiderArguments.parse({"base_url": "https://[::1]:8443"}).base_url == "https://[::1]:8443"


@pytest.mark.parametrize(
    "raw",
    [
        {"base_url": ""},
        {"base_url": "http://127.0.0.1:0"},
        {"base_url": "http://[::1"},
        {"base_url": "http://exa mple.org"},
        {"base_url": "https://x.example/?q=1"},
        {"base_url": "https://x.example#frag"},
        {"follow_depth": True},
        {"follow_depth": ""},
        {"max_pages": "1e3"},
        {"sitemaps": "//evil.example/sitemap.xml"},
        {"categories": [1, 2]},
        {"site": ""},
    ],
)
def test_spider_arguments_refuse_bad_values(raw: dict[str, Any]) -> None:
    with pytest.raises(ArgumentError):
        SpiderArguments.parse(raw)


def test_spider_refuses_bad_arguments_without_the_crawl_command() -> None:
    """Started through the API (no crawl command), the spider raises the same message."""
    crawler = get_crawler(EuromaidanSpider, settings_dict={"NEWSMON_EXTRACT_WORKERS": 0})
    with pytest.raises(ArgumentError, match="base_url= is empty"):
        EuromaidanSpider.from_crawler(crawler, base_url="")
    with pytest.raises(ArgumentError, match="follow_depth='x'"):
        EuromaidanSpider.from_crawler(crawler, follow_depth="x")


def test_check_settings_accepts_the_project_defaults() -> None:
    settings = Settings({k: v for k, v in vars(project_settings).items() if k.isupper()})
    settings.setdict(registry.defaults(), priority="addon")  # as newsmon.Addon does
    check_settings(settings)
    check_crawl(
        "euromaidan", {"base_url": "http://127.0.0.1:8080", "_job": "abc"}, settings
    )  # scrapyd's _job
    check_crawl("not-a-spider", {"anything": "x"}, settings)  # Scrapy reports an unknown spider itself
    with pytest.raises(ArgumentError, match="unknown spider argument -a bse_url="):
        check_crawl("news", {"bse_url": "http://127.0.0.1:8080"}, settings)


@pytest.mark.parametrize(
    "pattern",
    [r"^/(a+)+$", r"^/(a*)*$", r"^/(a|a)+$", r"^/(\w+/){2,}$", r"^/(?:[a-z]+/)*x$", r"^/(?P<n>\d+)+$",
     r"^/.*.*.*.*.*.*.*.*.*.*-x$"],
)  # fmt: skip
def test_patterns_that_backtrack_exponentially_in_python_run_in_linear_time(pattern: str) -> None:
    """Nested quantifiers are fine on RE2: a 20,000-character almost-match is answered at once."""
    for key, value in (("article_pattern", pattern), ("hub_patterns", ["^/ok/", pattern])):
        site = parse_site_config({"name": "x", "origin": "https://x.example", key: value})
        hostile = "/" + "a" * 20_000 + "!"
        assert not site.is_article_path(hostile) and not site.is_hub_path(hostile)


@pytest.mark.parametrize(
    "pattern", [r"^/(a)\1$", r"^/(?=a)", r"^/(?<!b)a", r"^/(?>a+)+$", r"^/(a++)+$", r"^/x\Z", r"^/(?P=n)"]
)
def test_patterns_re2_cannot_run_are_refused_with_the_key(pattern: str) -> None:
    for key, value in (("article_pattern", pattern), ("hub_patterns", ["^/ok/", pattern])):
        with pytest.raises(SiteConfigError, match=f"'{key}'.*linear time.*RE2"):
            parse_site_config({"name": "x", "origin": "https://x.example", key: value})


@pytest.mark.parametrize(
    "pattern",
    [
        r"^/\d{4}/\d{2}/\d{2}/[^/]+/?$",
        r"^/(category|tag|tags|author|page|search)/",
        r"/page/\d+/?$",
        r"^/stories/\d{4}-\d{2}-\d{2}-[a-z0-9-]+$",
        r"^/(about|contact|support)/?$",
        r"^/(?:news|blog)/[a-z-]+$",
        r"[(]+\)*",
        r"(?i)^/News/",
    ],
)
def test_linear_patterns_are_accepted(pattern: str) -> None:
    site = parse_site_config({"name": "x", "origin": "https://x.example", "article_pattern": pattern})
    assert site.article_pattern is not None and site.article_pattern.pattern == pattern


def test_bundled_and_example_site_configs_pass_the_pattern_check() -> None:
    root = Path(__file__).resolve().parents[2]
    for path in [*root.glob("newsmon/sites/*.toml"), *root.glob("tests/othersites/*.toml")]:
        load_site_config(str(path))


def test_binary_site_file_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_bytes(b"\xff\xfe\x00name")
    with pytest.raises(SiteConfigError, match="not a UTF-8 text file"):
        load_site_config(str(path))


def test_page_pool_says_why_it_is_off() -> None:
    off = get_crawler(settings_dict={"NEWSMON_TIERS_ENABLED": False})
    with pytest.raises(NotConfigured, match="NEWSMON_TIERS_ENABLED is off"):
        PagePoolMiddleware.from_crawler(off)
    single = get_crawler(settings_dict={"NEWSMON_TIERS_ENABLED": True, "NEWSMON_BROWSER_PAGE_REUSE": 1})
    with pytest.raises(NotConfigured, match="PAGE_REUSE <= 1"):
        PagePoolMiddleware.from_crawler(single)


def test_scrapy_switches_given_as_true_or_false_are_accepted() -> None:
    """Scrapy's own TELNETCONSOLE_ENABLED defaults to 1: it is still a switch (`-s ...=False`)."""
    check_settings(Settings({"TELNETCONSOLE_ENABLED": "False", "COOKIES_ENABLED": "false"}))
    with pytest.raises(ArgumentError, match="TELNETCONSOLE_ENABLED='maybe': must be true or false"):
        check_settings(Settings({"TELNETCONSOLE_ENABLED": "maybe"}))
