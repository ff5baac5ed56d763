"""Settings and spider arguments checked before a crawl starts: a bad value is one line and exit status 2.

The same parsers the components use when the crawl starts (their ``from_settings``, ``SpiderArguments``, the
site loader) run here first, in the crawl command, before the run lock, a log, an output or the state store
is touched.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from scrapy.settings import BaseSettings, default_settings

from newsmon import registry
from newsmon.crawl.arguments import EXIT_BAD_ARGUMENT, SPIDER_ARGUMENTS, ArgumentError, SpiderArguments
from newsmon.crawl.config import resolve_site
from newsmon.crawl.spider import NewsSpider
from newsmon.distributed.config import DistributedConfig
from newsmon.sites import SiteConfig, SiteConfigError
from newsmon.sites.catalog import ALL, SiteEntry, select_all, select_sites, sites_dir
from newsmon.state.config import StateConfig
from newsmon.sweep.due import due_sites

T = TypeVar("T")


# --- settings ------------------------------------------------------------------------------------------
def _typed_defaults() -> dict[str, tuple[str, Any]]:
    """Setting name -> (getter, default) for every setting whose default is a number or true/false:
    Scrapy's and plugins' (numbers read as floats: several int defaults take fractions, DOWNLOAD_DELAY) and
    newsmon's own NEWSMON_* (whole numbers read with getint, as its components do)."""
    found: dict[str, tuple[str, Any]] = {}
    scrapy_defaults = {name: getattr(default_settings, name) for name in dir(default_settings)}
    newsmon_defaults = {option.name: option.default for option in registry.SETTINGS}
    for defaults, whole in ((newsmon_defaults, True), (scrapy_defaults, False)):
        for name, default in defaults.items():
            if not name.isupper() or name in found:
                continue
            if isinstance(default, bool) or name.endswith("_ENABLED"):  # TELNETCONSOLE_ENABLED = 1
                found[name] = ("getbool", default)
            elif isinstance(default, int) and whole:
                found[name] = ("getint", default)
            elif isinstance(default, int | float):
                found[name] = ("getfloat", default)
    return found


_KINDS = {"getbool": "true or false", "getint": "a whole number", "getfloat": "a number"}

#: Settings the spider reads itself, with their lower bounds.
_AT_LEAST = {
    "NEWSMON_FOLLOW_DEPTH": 0,
    "NEWSMON_MAX_LISTING_PAGES": 1,
    "NEWSMON_EXTRACT_WORKERS": 0,
    "NEWSMON_FEED_MAX_ENTRIES": 1,
    "NEWSMON_THIN_BODY_WORDS": 0,
}


def check_settings(settings: BaseSettings) -> None:
    """Every number and true/false setting reads as one, and newsmon's parsed configurations accept theirs
    (the same checks their components make when the crawl starts)."""
    for name, (getter, _) in sorted(_typed_defaults().items()):
        if name not in settings:
            continue
        try:
            value = getattr(settings, getter)(name)
        except (ValueError, TypeError):
            raise ArgumentError(f"-s {name}={settings[name]!r}: must be {_KINDS[getter]}") from None
        least = _AT_LEAST.get(name)
        if least is not None and value < least:
            raise ArgumentError(f"-s {name}={settings[name]!r}: must be a whole number >= {least}")
    check_extras(settings)
    from newsmon.distributed.config import DistributedConfig
    from newsmon.extract.budget import PageBudget
    from newsmon.fetch.policy import TierPolicy
    from newsmon.fetch.ssrf import SsrfConfig
    from newsmon.monitors.config import MonitorConfig
    from newsmon.sinks import SinkConfig
    from newsmon.state.config import StateConfig

    for parse in (
        TierPolicy.from_settings,
        SsrfConfig.from_settings,
        MonitorConfig.from_settings,
        StateConfig.from_settings,
        DistributedConfig.from_settings,
        PageBudget.from_settings,
        SinkConfig.from_settings,
    ):
        try:
            parse(settings)
        except (ValueError, TypeError) as exc:
            raise ArgumentError(str(exc)) from None
    from newsmon.record import record_fields

    try:
        record_fields(str(settings.get("NEWSMON_RECORD_FIELDS") or "full"))
    except ValueError as exc:
        raise ArgumentError(f"-s {exc}") from None


def check_crawl(spider: str, spargs: Mapping[str, Any], settings: BaseSettings) -> str:
    """Raise ArgumentError for a setting, or an argument of a NewsSpider, the crawl cannot use; else the
    name the run is kept under (its site's for a news spider, else the spider's)."""
    check_settings(settings)
    spidercls = news_spider_class(spider, settings)
    if spidercls is None:  # not a news spider, or none of that name (Scrapy says "Spider not found" itself)
        return spider
    unknown = sorted(k for k in spargs if k not in SPIDER_ARGUMENTS and not k.startswith("_"))
    if unknown:
        known = ", ".join(SPIDER_ARGUMENTS)
        raise ArgumentError(f"unknown spider argument -a {unknown[0]}= (known: {known})")
    args = SpiderArguments.parse(spargs)
    try:
        site = resolve_site(args, spidercls.site_name, settings)
    except SiteConfigError as exc:
        raise ArgumentError(str(exc)) from None
    if site.alerts:
        check_extras(settings, site_alerts=True)
    return site.name


def news_spider_class(spider: str, settings: BaseSettings) -> type[NewsSpider] | None:
    """The project's spider of that name when it is a NewsSpider (the spider loader is built once: it
    copies the settings and walks the spider modules)."""
    from scrapy.spiderloader import get_spider_loader

    try:
        spidercls = get_spider_loader(settings).load(spider)
    except KeyError:
        return None
    return spidercls if issubclass(spidercls, NewsSpider) else None


def check_extras(settings: BaseSettings, *, site_alerts: bool = False) -> None:
    """A feature that is on needs its extra installed (pyproject.toml): ArgumentError naming both."""
    from newsmon.alerts.extension import alert_urls
    from newsmon.archive.warc import OPTIONS as WARC
    from newsmon.distributed.config import OPTIONS as DISTRIBUTED
    from newsmon.extras import MissingExtra, require

    needs = []
    if str(DISTRIBUTED.get(settings, "NEWSMON_BACKEND")).strip().lower() == "redis":
        needs += [("redis", "NEWSMON_BACKEND=redis"), ("scrapy_redis", "NEWSMON_BACKEND=redis")]
    if WARC.get(settings, "NEWSMON_WARC_DIR"):
        needs.append(("warcio", "NEWSMON_WARC_DIR"))
    if alert_urls(settings):
        needs.append(("apprise", "NEWSMON_ALERT_URLS"))
    elif site_alerts:
        needs.append(("apprise", "the site's `alerts`"))
    for module, feature in needs:
        try:
            require(module, feature)
        except MissingExtra as exc:
            raise ArgumentError(str(exc)) from None


def or_exit(check: Callable[[str, Mapping[str, Any], BaseSettings], T], spider: str,
            spargs: Mapping[str, Any], settings: BaseSettings) -> T:  # fmt: skip
    """A check for the crawl command: a bad value prints `newsmon: <why>` and exits with status 2."""
    try:
        return check(spider, spargs, settings)
    except ArgumentError as exc:
        sys.stderr.write(f"newsmon: {exc} (exit status {EXIT_BAD_ARGUMENT})\n")
        sys.exit(EXIT_BAD_ARGUMENT)


def exit_on_bad_arguments(spider: str, spargs: Mapping[str, Any], settings: BaseSettings) -> str:
    """check_crawl, or `newsmon: <why>` and exit status 2."""
    return or_exit(check_crawl, spider, spargs, settings)


def sweep_sites(
    spider: str, spargs: Mapping[str, Any], settings: BaseSettings
) -> tuple[list[SiteConfig], list[SiteEntry]]:
    """The sites a sweep (`scrapy sweep`, or the deprecated `-a sites=`) crawls now: `all` the due ones,
    named ones all; checked as each site's own `-a site=` crawl would be (settings, the shared arguments and
    the spider once, every site's file as it loads), and with `all` the directory's broken files (the sweep
    crawls the rest and fails its exit status for them). ArgumentError for an argument or a named site that
    cannot be used."""
    from newsmon.sweep.run import SWEEP_SHARED_ARGUMENTS

    check_settings(settings)
    if news_spider_class(spider, settings) is None:
        raise ArgumentError(f"a sweep needs a news spider (such as `news`); {spider!r} is not one")
    extra = sorted(
        k for k in spargs if k != "sites" and k not in SWEEP_SHARED_ARGUMENTS and not k.startswith("_")
    )
    if extra:
        raise ArgumentError(
            f"-a {extra[0]}= names one site's own hubs or mirror; a sweep takes only "
            f"{', '.join(SWEEP_SHARED_ARGUMENTS)} (put the rest in each site's TOML)"
        )
    if DistributedConfig.from_settings(settings).enabled:
        raise ArgumentError("a sweep runs in one-process mode: not with NEWSMON_BACKEND=redis")
    selection = spargs["sites"]
    if not isinstance(selection, str) or not selection.strip():
        raise ArgumentError("-a sites= is empty: give `all` or comma-separated site names or TOML paths")
    SpiderArguments.parse({k: v for k, v in spargs.items() if k in SWEEP_SHARED_ARGUMENTS})
    directory = sites_dir(settings)
    try:
        if selection.strip() != ALL:
            return select_sites(selection, directory), []
        sites, broken = select_all(directory)
    except SiteConfigError as exc:
        raise ArgumentError(str(exc)) from None
    if not sites and not broken:
        raise ArgumentError(f"no sites to crawl in {directory}" if directory else "no sites to crawl")
    state = StateConfig.from_settings(settings)
    return [entry.site for entry in due_sites(sites, state.state_dir)], broken


def sweep_sites_or_exit(
    spider: str, spargs: Mapping[str, Any], settings: BaseSettings
) -> tuple[list[SiteConfig], list[SiteEntry]]:
    """sweep_sites, or `newsmon: <why>` and exit status 2."""
    return or_exit(sweep_sites, spider, spargs, settings)
