"""Per-site options: one table, one precedence rule, used both to write the settings and to resolve them.

spider argument (``-a``) > ``-s`` / project setting > the site's TOML > newsmon's default.

Each row of the table (``newsmon.crawl.config.PER_SITE``) names a setting (declared with its default in
its component's ``OPTIONS``), the site TOML key (a ``SiteConfig`` attribute) and the spider argument (a
``SpiderArguments`` attribute) that may set it, and how the setting is read. ``write`` puts what the site
and the arguments decide into the crawler's settings at two priorities of their own (``ARGUMENT_PRIORITY``
above ``-s``, ``SITE_PRIORITY`` below a project's settings and above the add-on's defaults), so every
component reading the setting (the tier middleware, the browser add-on, the sinks) agrees with the spider;
``resolve`` gives the same values by the same rows whether or not the settings could still be written (a
crawler whose settings are frozen). The documentation's precedence table is written from the rows
(``python -m newsmon.docs``). Adding a per-site option is one row (and its ``SiteConfig`` field, with its
TOML check, for a site key).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

from newsmon.options import Options

#: A site's TOML: above newsmon's add-on defaults (15), below a project's settings (20).
SITE_PRIORITY = SETTINGS_PRIORITIES["addon"] + 1
#: Spider arguments: above `-s` (cmdline, 40).
ARGUMENT_PRIORITY = SETTINGS_PRIORITIES["cmdline"] + 10

#: The rule in words, as the documentation states it.
RULE = "spider argument (`-a`) > `-s` / project setting > the site's TOML > newsmon's default"


def _as_is(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class PerSite:
    """One per-site option: the setting every component reads, and where else its value may come from.
    A row without a setting (a site's feeds) is the site's own, which a spider argument replaces."""

    setting: str | None  # None: no setting, only the site's value and the argument
    options: Options | None  # the component's OPTIONS declaring the setting and its default
    read: Callable[[Options, BaseSettings, str], Any] | None  # the typed value from the settings (getint)
    site_key: str | None = None  # SiteConfig attribute = TOML key; None: not set per site
    argument: str | None = None  # SpiderArguments attribute = `-a` name; None: no spider argument
    # a site's value as the setting holds it, None for "the site says nothing" (an empty list of sinks)
    site_value: Callable[[Any], Any] = _as_is

    @property
    def key(self) -> str:
        """The row's name in ``resolve``'s mapping: its setting, else its site key."""
        key = self.setting or self.site_key
        assert key is not None, "a per-site row names a setting or a site key"
        return key

    def read_setting(self, settings: BaseSettings) -> Any:
        if self.setting is None or self.options is None or self.read is None:
            return None
        return self.read(self.options, settings, self.setting)

    def from_site(self, site: object) -> Any:
        if self.site_key is None:
            return None
        return self.site_value(getattr(site, self.site_key))

    def from_arguments(self, args: object) -> Any:
        return getattr(args, self.argument) if self.argument is not None else None


def read_int(options: Options, settings: BaseSettings, name: str) -> int:
    return options.getint(settings, name)


def read_list(options: Options, settings: BaseSettings, name: str) -> list[Any]:
    return options.getlist(settings, name)


def read_mode(options: Options, settings: BaseSettings, name: str) -> str:
    return str(options.get(settings, name) or "auto").lower()


def write(settings: BaseSettings, site: object, args: object, rows: Sequence[PerSite]) -> None:
    """Write what the site and the arguments decide into the crawl's settings (module docstring); a crawler
    whose settings are already frozen (a test's) keeps them, and ``resolve`` still applies the rule."""
    if settings.frozen:
        return
    for row in rows:
        if row.setting is None:
            continue
        for value, priority in (
            (row.from_site(site), SITE_PRIORITY),
            (row.from_arguments(args), ARGUMENT_PRIORITY),
        ):
            if value is not None:
                settings.set(row.setting, value, priority=priority)


def resolve(settings: BaseSettings, site: object, args: object, rows: Sequence[PerSite]) -> Mapping[str, Any]:
    """Each row's value by the rule, by ``key`` (its setting's name): the argument, else a setting given
    above the site's priority (`-s`, a project's), else the site's, else the setting (newsmon's default)."""
    values: dict[str, Any] = {}
    for row in rows:
        argument, own = row.from_arguments(args), row.from_site(site)
        if argument is not None:
            values[row.key] = argument
        elif own is not None and (
            row.setting is None or (settings.getpriority(row.setting) or 0) <= SITE_PRIORITY
        ):
            values[row.key] = own
        else:
            values[row.key] = row.read_setting(settings)
    return values


def precedence_table(
    rows: Sequence[PerSite], shown: Callable[[Any], str]
) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """The documentation's table (docs/reference/settings.md): header and one line per row; ``shown``
    writes a default as the reference shows it."""
    return (
        ("setting", "site TOML key", "spider argument", "default"),
        [
            (
                f"`{row.setting}`" if row.setting else "-",
                f"`{row.site_key}`" if row.site_key else "-",
                f"`-a {row.argument}=`" if row.argument else "-",
                _default(row, shown),
            )
            for row in rows
        ],
    )


def _default(row: PerSite, shown: Callable[[Any], str]) -> str:
    if row.setting is None or row.options is None:
        return "none: the argument replaces the site's list (given empty: none)"
    option = row.options[row.setting]
    return option.default_doc or shown(option.default)
