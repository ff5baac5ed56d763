"""The crawl's configuration, one precedence rule for every per-site option.

spider argument (``-a``) > ``-s`` / project setting > the site's TOML > newsmon's default.

``PER_SITE`` is the one table of per-site options (newsmon/crawl/precedence.py: the rows and the rule). The
spider resolves its site in ``from_crawler`` (Scrapy builds the spider before it applies add-ons and
freezes the settings) and writes what its site and arguments decide into the crawler's settings by those
rows (``apply_to_settings``), so every component reads one value from the settings: the tier middleware,
the browser add-on (a site with ``tier_mode = "plain"`` never starts Playwright), the sinks and the spider
agree by construction. ``CrawlConfig.build`` resolves the same rows by the same rule, so it holds even
when the settings were frozen before the spider was built.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from scrapy.settings import BaseSettings

from newsmon.crawl.arguments import SpiderArguments
from newsmon.crawl.precedence import PerSite, read_int, read_list, read_mode, resolve, write
from newsmon.discovery.budget import HubBudgetConfig
from newsmon.extract.budget import PageBudget
from newsmon.extract.types import ExtractOptions
from newsmon.fetch.policy import OPTIONS as TIER_OPTIONS
from newsmon.options import Option, Options
from newsmon.sinks import OPTIONS as SINK_OPTIONS
from newsmon.sites import SiteConfig, load_site_config
from newsmon.sites.catalog import sites_dir
from newsmon.urls import DEFAULT_TRACKING_PARAMS, SiteScope

OPTIONS = Options(
    Option("NEWSMON_SITE", "euromaidan", "site config loaded when the spider has none"),
    Option(
        "NEWSMON_FOLLOW_DEPTH",
        2,
        "related-link hops followed from a hub-listed article (a site's `follow_depth` sets its own; "
        "a spider argument, `-s` or a project setting wins)",
    ),
    Option("NEWSMON_MAX_LISTING_PAGES", 5, "pages of each category listing per run"),
    Option(
        "NEWSMON_TRACKING_PARAMS",
        list(DEFAULT_TRACKING_PARAMS),
        "query parameters dropped from requests and canonical URLs (shell patterns): `utm_*`, `fbclid`, "
        "`gclid`, `swcfpc`, `amp`, ...; the same list for a crawl and `newsmon extract`",
    ),
    Option(
        "NEWSMON_FEED_MAX_ENTRIES",
        1000,
        "entries read from one feed document; the rest are cut before parsing (`feed/truncated`)",
    ),
    Option(
        "NEWSMON_THIN_BODY_WORDS",
        40,
        "an article page with fewer words of article text than this (inside its article container, outside "
        "its standfirst, captions, byline and teasers) that runs scripts is fetched again in the browser "
        "(`js_shell`), unless its body was read whole from its own data",
    ),
    Option(
        "NEWSMON_EXTRACT_WORKERS",
        1,
        "processes that parse and extract article pages off Scrapy's reactor thread (`spawn`ed, started on "
        "the first article, stopped with the spider); `0`: extract in the crawl process. Same records "
        "either way; needs the asyncio reactor (newsmon's default)",
    ),
)

#: The per-site options (newsmon/crawl/precedence.py): setting, site TOML key, spider argument, reader.
PER_SITE: tuple[PerSite, ...] = (
    PerSite(
        "NEWSMON_TIER_MODE", TIER_OPTIONS, read_mode, site_key="tier_mode", site_value=lambda v: v or None
    ),
    PerSite("NEWSMON_FOLLOW_DEPTH", OPTIONS, read_int, site_key="follow_depth", argument="follow_depth"),
    PerSite("NEWSMON_MAX_LISTING_PAGES", OPTIONS, read_int, argument="max_pages"),
    PerSite("NEWSMON_SINKS", SINK_OPTIONS, read_list, site_key="sinks", site_value=lambda v: list(v) or None),
    # the site's hubs, which an argument replaces (given empty: none); no setting
    PerSite(None, None, None, site_key="feeds", argument="feeds"),
    PerSite(None, None, None, site_key="categories", argument="categories"),
    PerSite(None, None, None, site_key="sitemaps", argument="sitemaps"),
)


def resolve_site(args: SpiderArguments, spider_site: str, settings: BaseSettings) -> SiteConfig:
    """`-a site=`, else the spider's own site, else NEWSMON_SITE; a name is looked up in NEWSMON_SITES_DIR
    first, then among the bundled sites."""
    name = args.site or spider_site or OPTIONS.get(settings, "NEWSMON_SITE")
    return load_site_config(name, sites_dir(settings))


def apply_to_settings(settings: BaseSettings, site: SiteConfig, args: SpiderArguments) -> None:
    """Write what the site and the arguments decide into the crawl's settings (module docstring)."""
    write(settings, site, args, PER_SITE)


@dataclass(frozen=True)
class CrawlConfig:
    """Everything the crawl policy needs, read once."""

    site: SiteConfig
    scope: SiteScope
    follow_depth: int
    max_pages: int
    tracking: tuple[str, ...]
    feed_urls: tuple[str, ...]
    category_urls: tuple[str, ...]
    sitemap_urls: tuple[str, ...]
    start_urls: tuple[str, ...]
    feed_max_entries: int
    thin_body_words: int
    extract_workers: int
    page_budget: PageBudget
    hub_budget: HubBudgetConfig
    extract_options: ExtractOptions
    browser_tier: bool  # a browser tier may take escalations (tiers on, mode not plain)

    @classmethod
    def build(cls, settings: BaseSettings, site: SiteConfig, args: SpiderArguments) -> CrawlConfig:
        scope = SiteScope.build(site.origin, site.hosts, mirror=args.base_url)
        per_site = resolve(settings, site, args, PER_SITE)
        follow_depth, max_pages = per_site["NEWSMON_FOLLOW_DEPTH"], per_site["NEWSMON_MAX_LISTING_PAGES"]
        if follow_depth < 0 or max_pages < 1:
            raise ValueError("NEWSMON_FOLLOW_DEPTH must be >= 0 and NEWSMON_MAX_LISTING_PAGES >= 1")
        page_budget = PageBudget.from_settings(settings)
        mode = per_site["NEWSMON_TIER_MODE"]

        def where(key: str) -> tuple[str, ...]:
            return tuple(scope.absolute(u) for u in per_site[key])

        return cls(
            site=site,
            scope=scope,
            follow_depth=follow_depth,
            max_pages=max_pages,
            tracking=tuple(OPTIONS.getlist(settings, "NEWSMON_TRACKING_PARAMS")),
            feed_urls=where("feeds"),
            category_urls=where("categories"),
            sitemap_urls=where("sitemaps"),
            start_urls=tuple(scope.absolute(u) for u in args.urls),
            feed_max_entries=OPTIONS.getint(settings, "NEWSMON_FEED_MAX_ENTRIES"),
            thin_body_words=OPTIONS.getint(settings, "NEWSMON_THIN_BODY_WORDS"),
            extract_workers=OPTIONS.getint(settings, "NEWSMON_EXTRACT_WORKERS"),
            page_budget=page_budget,
            hub_budget=HubBudgetConfig.from_settings(settings),
            extract_options=replace(
                site.extract_options(),
                max_elements=page_budget.max_elements,
                max_inline=page_budget.max_inline,
            ),
            browser_tier=TIER_OPTIONS.getbool(settings, "NEWSMON_TIERS_ENABLED") and mode != "plain",
        )

    @property
    def hubs_configured(self) -> int:
        """Configured hubs (feeds, categories, sitemaps, robots.txt): the monitors expect them to answer."""
        robots = 1 if self.site.robots_sitemaps else 0
        return len(self.feed_urls) + len(self.category_urls) + len(self.sitemap_urls) + robots
