"""One table of per-site options (newsmon/crawl/precedence.py, rows in newsmon/crawl/config.py): each row
drives both the writing into the settings and the crawl's resolution, and the documentation's table."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from scrapy.settings import Settings

from newsmon.crawl.arguments import SPIDER_ARGUMENTS, SpiderArguments
from newsmon.crawl.config import OPTIONS, PER_SITE, CrawlConfig, apply_to_settings
from newsmon.crawl.precedence import ARGUMENT_PRIORITY, SITE_PRIORITY, PerSite, read_int, resolve, write
from newsmon.docs import per_site_table
from newsmon.sites import KNOWN_KEYS, SiteConfig, parse_site_config

DOCS = Path(__file__).resolve().parent.parent / "docs"


def site(**extra: object) -> SiteConfig:
    return parse_site_config({"name": "s", "origin": "https://s.example", **extra})


def test_every_row_names_a_declared_setting_a_site_key_and_an_argument_that_exist() -> None:
    site_fields = {f.name for f in dataclasses.fields(SiteConfig)}
    argument_fields = {f.name for f in dataclasses.fields(SpiderArguments)}
    assert len({row.key for row in PER_SITE}) == len(PER_SITE)
    for row in PER_SITE:
        if row.setting is not None:
            assert row.options is not None and row.setting in row.options, row.setting
        else:  # a site's own list that an argument replaces
            assert row.site_key is not None and row.argument is not None
        if row.site_key is not None:
            assert row.site_key in site_fields and row.site_key in KNOWN_KEYS, row.site_key
        if row.argument is not None:
            assert row.argument in argument_fields and row.argument in SPIDER_ARGUMENTS, row.argument


def test_written_settings_and_resolved_values_agree_for_every_row() -> None:
    """The crawl's path (written, then read by components) and the frozen path (resolved) give one value."""
    the_site = site(tier_mode="plain", follow_depth=4, sinks=["https://archive.example/in"])
    for args in (SpiderArguments(), SpiderArguments(follow_depth=1, max_pages=3)):
        for given in ({}, {"NEWSMON_FOLLOW_DEPTH": 6, "NEWSMON_TIER_MODE": "stealthy"}):
            frozen = Settings({**given})
            expected = resolve(frozen, the_site, args, PER_SITE)
            settings = Settings({**given})
            apply_to_settings(settings, the_site, args)
            written = {row.key: row.read_setting(settings) for row in PER_SITE if row.setting is not None}
            assert written.items() <= dict(expected).items()
            config = CrawlConfig.build(settings, the_site, args)
            assert (config.follow_depth, config.max_pages, config.browser_tier) == (
                expected["NEWSMON_FOLLOW_DEPTH"],
                expected["NEWSMON_MAX_LISTING_PAGES"],
                expected["NEWSMON_TIER_MODE"] != "plain",
            )
    assert expected["NEWSMON_SINKS"] == ["https://archive.example/in"]
    assert expected["NEWSMON_TIER_MODE"] == "stealthy" and expected["NEWSMON_FOLLOW_DEPTH"] == 1


@dataclasses.dataclass(frozen=True)
class SiteWithEntries(SiteConfig):
    feed_max_entries: int | None = None  # the field a new site key would add to SiteConfig


@dataclasses.dataclass(frozen=True)
class ArgumentsWithEntries(SpiderArguments):
    entries: int | None = None


@pytest.mark.parametrize(
    ("argument", "command_line", "site_value", "expected", "priority"),
    [
        (None, None, None, 1000, None),  # the declared default
        (None, None, 50, 50, SITE_PRIORITY),  # the site's TOML beats the default
        (None, 70, 50, 70, None),  # -s beats the site (nothing written over it)
        (9, 70, 50, 9, ARGUMENT_PRIORITY),  # the argument beats everything
    ],
)
def test_a_new_per_site_option_is_one_row(
    argument: int | None,
    command_line: int | None,
    site_value: int | None,
    expected: int,
    priority: int | None,
) -> None:
    """A row added here (NEWSMON_FEED_MAX_ENTRIES per site and per argument) is written, resolved and
    documented with no other code: the rule is the table's, not the option's."""
    row = PerSite(
        "NEWSMON_FEED_MAX_ENTRIES", OPTIONS, read_int, site_key="feed_max_entries", argument="entries"
    )
    rows = (*PER_SITE, row)
    the_site = SiteWithEntries(name="s", origin="https://s.example", hosts=(), feed_max_entries=site_value)
    args = ArgumentsWithEntries(entries=argument)
    settings = Settings()
    if command_line is not None:
        settings.set("NEWSMON_FEED_MAX_ENTRIES", command_line, priority="cmdline")
    assert resolve(settings, the_site, args, rows)["NEWSMON_FEED_MAX_ENTRIES"] == expected
    write(settings, the_site, args, rows)
    assert settings.getint("NEWSMON_FEED_MAX_ENTRIES", 1000) == expected
    if priority is not None:
        assert settings.getpriority("NEWSMON_FEED_MAX_ENTRIES") == priority
    assert "| `NEWSMON_FEED_MAX_ENTRIES` | `feed_max_entries` | `-a entries=` | `1000` |" in per_site_table(
        rows
    )


def test_frozen_settings_are_left_alone_and_still_resolved() -> None:
    settings = Settings({"NEWSMON_FOLLOW_DEPTH": 2})
    settings.freeze()
    the_site = site(follow_depth=5)
    apply_to_settings(settings, the_site, SpiderArguments())
    assert settings.getint("NEWSMON_FOLLOW_DEPTH") == 2
    # a project setting at project priority (20) is above the site's (16): it wins
    assert CrawlConfig.build(settings, the_site, SpiderArguments()).follow_depth == 2
    addon = Settings()
    addon.set("NEWSMON_FOLLOW_DEPTH", 2, priority="addon")
    addon.freeze()
    assert CrawlConfig.build(addon, the_site, SpiderArguments()).follow_depth == 5


def test_the_documented_precedence_table_is_the_one_the_crawl_uses() -> None:
    page = (DOCS / "reference" / "settings.md").read_text(encoding="utf-8")
    assert per_site_table() in page
    for row in PER_SITE:
        assert f"| `{row.setting or row.site_key}` |" in per_site_table()


def test_a_site_list_is_replaced_by_its_argument_and_given_empty_means_none() -> None:
    the_site = site(feeds=["/feed/"], sitemaps=["/sitemap.xml"])
    settings = Settings()
    config = CrawlConfig.build(settings, the_site, SpiderArguments(feeds=("/other/",), sitemaps=()))
    assert config.feed_urls == ("https://s.example/other/",) and config.sitemap_urls == ()
    assert CrawlConfig.build(settings, the_site, SpiderArguments()).feed_urls == ("https://s.example/feed/",)
    assert "feeds" not in settings  # a row without a setting: the crawl's own, never written


def test_every_per_site_argument_documents_its_setting() -> None:
    from newsmon.crawl.arguments import SPIDER_ARGUMENT_DOCS

    for row in PER_SITE:
        if row.argument is not None and row.setting is not None:
            assert row.setting in SPIDER_ARGUMENT_DOCS[row.argument][0], row.argument
