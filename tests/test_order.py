"""The component order newsmon's guarantees rest on (newsmon/order.py): the add-on's places keep every
rule, a setting that moves a component across one is named, and OrderCheck then refuses the run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy.exceptions import CloseSpider
from scrapy.settings import Settings

from newsmon import Addon, order
from newsmon.extensions.order_check import COMPONENT_ORDER, OrderCheck
from newsmon.order import RULES, order_problems
from tests.component_helpers import crawler_with, isolated


@pytest.fixture(autouse=True)
def _workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from isolated(tmp_path, monkeypatch)


def addon_settings(**project: object) -> Settings:
    settings = Settings()
    for name, value in project.items():
        settings.set(name, value, priority="project")
    Addon().update_settings(settings)
    return settings


def test_the_addons_places_keep_every_rule() -> None:
    assert order_problems(addon_settings()) == []
    assert order.RETRY_AFTER < order.TIER < order.PAGE_POOL < order.HUB_CONDITIONAL_GET < 590


def test_a_tier_middleware_moved_below_retry_is_named() -> None:
    moved = addon_settings(DOWNLOADER_MIDDLEWARES={"newsmon.fetch.tiers.TierMiddleware": 540})
    problems = order_problems(moved)
    assert len(problems) == 1
    assert (
        "RetryAfterMiddleware (550) must come before newsmon.fetch.tiers.TierMiddleware (540)" in problems[0]
    )


def test_the_state_extension_before_feed_exporter_is_named() -> None:
    moved = addon_settings(EXTENSIONS={"newsmon.state.extension.StateExtension": -5})
    (problem,) = order_problems(moved)
    assert problem.startswith("EXTENSIONS: scrapy.extensions.feedexport.FeedExporter (0) must come before")


def test_a_switched_off_component_breaks_no_rule() -> None:
    off = addon_settings(DOWNLOADER_MIDDLEWARES={"newsmon.archive.warc.WarcArchiver": None})
    assert order_problems(off) == []


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.then.rsplit(".", 1)[-1])
def test_every_rule_can_fail(rule: order.Before) -> None:
    swapped = order.Before(rule.setting, rule.then, rule.first, rule.why)
    assert len(order_problems(addon_settings(), (swapped,))) == 1


def test_order_check_refuses_a_broken_order_when_the_crawl_opens() -> None:
    broken = crawler_with(
        {"ADDONS": {"newsmon.Addon": 0}, "EXTENSIONS": {"newsmon.state.extension.StateExtension": -5}}
    )
    check = OrderCheck.from_crawler(broken)
    with pytest.raises(CloseSpider) as refused:
        check.spider_opened(broken.spider)  # type: ignore[arg-type]
    assert refused.value.reason == COMPONENT_ORDER
    fine = OrderCheck.from_crawler(crawler_with({"ADDONS": {"newsmon.Addon": 0}}))
    fine.spider_opened(None)  # type: ignore[arg-type]


def test_the_addon_builds_the_order_check() -> None:
    crawler = crawler_with({"ADDONS": {"newsmon.Addon": 0}, "NEWSMON_TIERS_ENABLED": False})
    assert OrderCheck in {type(ext) for ext in crawler.extensions.middlewares}


@pytest.mark.crawl
def test_a_crawl_whose_settings_broke_the_order_is_refused_with_exit_2(tmp_path: Path) -> None:
    from tests.crawl_helpers import run_crawl
    from tests.replica.server import ReplicaServer

    moved = '{"newsmon.state.extension.StateExtension": -5}'
    with ReplicaServer() as replica:
        result = run_crawl(replica.base_url, tmp_path, "-s", f"EXTENSIONS={moved}")
        assert replica.requests == []  # not even robots.txt
    assert result.returncode == 2, result.log[-3000:]
    assert result.stats["finish_reason"] == COMPONENT_ORDER
    assert "must come before newsmon.state.extension.StateExtension (-5)" in result.log
    assert result.records == []
