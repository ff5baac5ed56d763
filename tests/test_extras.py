"""Optional parts (pyproject.toml extras): a one-process crawl's components never import redis, warcio or
apprise, and a feature switched on without its extra stops with one line naming the extra."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.settings import Settings

from newsmon.commands.checks import check_settings
from newsmon.crawl.arguments import ArgumentError
from newsmon.extras import MissingExtra, require
from tests.crawl_helpers import ROOT

LOAD_EVERY_COMPONENT = """
import sys
from scrapy.settings import Settings
from newsmon.addon import Addon
import newsmon.cli, newsmon.commands.crawl, newsmon.report.html, newsmon.cli.sites
settings = Settings()
Addon().update_settings(settings)
for name in ("EXTENSIONS", "DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "ITEM_PIPELINES"):
    settings.getdict(name)
print(sorted(m for m in ("redis", "scrapy_redis", "warcio", "apprise") if m in sys.modules))
"""


def test_a_one_process_crawl_imports_no_extra() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", LOAD_EVERY_COMPONENT], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("module", "setting", "value", "extra"),
    [
        ("warcio", "NEWSMON_WARC_DIR", "/tmp/warc", "warc"),
        ("redis", "NEWSMON_BACKEND", "redis", "redis"),
        ("scrapy_redis", "NEWSMON_BACKEND", "redis", "redis"),
        ("apprise", "NEWSMON_ALERT_URLS", "json://127.0.0.1:9/", "alerts"),
    ],
)
def test_a_feature_without_its_extra_is_one_line(
    monkeypatch: pytest.MonkeyPatch, module: str, setting: str, value: str, extra: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # what Python does for a module it cannot import
    with pytest.raises(ArgumentError) as caught:
        check_settings(Settings({setting: value}))
    message = str(caught.value)
    assert message.startswith(f"{setting}") and f"pip install 'newsmon[{extra}]'" in message
    assert "\n" not in message


def test_require_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "apprise", None)
    with pytest.raises(MissingExtra, match=r"^a site's alerts needs newsmon\[alerts\]"):
        require("apprise", "a site's alerts")
    monkeypatch.undo()
    assert require("json", "nothing").dumps([]) == "[]"


def test_a_site_with_alerts_needs_the_alerts_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from scrapy.utils.project import get_project_settings

    from newsmon.commands.checks import check_crawl

    site = tmp_path / "harbour.toml"
    site.write_text(
        'name = "harbour"\norigin = "https://harbour.example"\nalerts = ["json://127.0.0.1:9/"]\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(ROOT)
    settings = get_project_settings()
    assert check_crawl("news", {"site": str(site)}, settings) == "harbour"
    monkeypatch.setitem(sys.modules, "apprise", None)
    with pytest.raises(ArgumentError, match=r"^the site's `alerts` needs newsmon\[alerts\]"):
        check_crawl("news", {"site": str(site)}, settings)
