"""The sites a deployment follows: one TOML file per site in NEWSMON_SITES_DIR, plus the bundled ones.

`-a site=NAME` looks the name up in the sites directory first, then among the bundled sites. `scrapy sweep`
and `newsmon schedule` take every site of the directory when one is set, else the bundled sites:
a desk's own list, never the bundled euromaidan by surprise. A file must be named after its site
(`harbour.toml` holds `name = "harbour"`): the name keys the site's state, lock and output, and two files
claiming one name would share them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsmon.options import Option, Options
from newsmon.sites import SiteConfig, SiteConfigError, bundled_site_names, load_site_config, read_site_file

OPTIONS = Options(
    Option(
        "NEWSMON_SITES_DIR",
        "",
        "directory of site TOML files (`<name>.toml`): `-a site=NAME` looks there before the bundled sites, "
        "`scrapy sweep` and `newsmon schedule` take its sites; default taken from the environment variable "
        "of the same name when set",
        env="NEWSMON_SITES_DIR",
    ),
)

ALL = "all"


def sites_dir(settings: Mapping[str, Any] | None = None) -> Path | None:
    """NEWSMON_SITES_DIR from the settings (or the environment when there are none); None when unset."""
    value = OPTIONS.default("NEWSMON_SITES_DIR") if settings is None else settings.get("NEWSMON_SITES_DIR")
    if settings is not None and not value:
        value = os.environ.get("NEWSMON_SITES_DIR", "")
    return Path(value) if value else None


@dataclass(frozen=True)
class SiteEntry:
    """One site file as found: its config, or the one-line error that makes it unusable."""

    name: str
    source: str  # the file, or "bundled"
    config: SiteConfig | None
    error: str | None = None


def catalog(directory: Path | None, *, bundled: bool = True) -> list[SiteEntry]:
    """Every site file of the directory (checked), then the bundled sites it does not replace, by name."""
    entries: dict[str, SiteEntry] = {}
    if directory is not None:
        if not directory.is_dir():
            raise SiteConfigError(f"NEWSMON_SITES_DIR {directory} is not a directory")
        for path in sorted(directory.glob("*.toml")):
            entries[path.stem] = _entry(path)
    if bundled:
        for name in bundled_site_names():
            if name not in entries:
                entries[name] = SiteEntry(name, "bundled", load_site_config(name))
    return [entries[name] for name in sorted(entries)]


def _entry(path: Path) -> SiteEntry:
    try:
        config = read_site_file(path)
    except SiteConfigError as exc:
        return SiteEntry(path.stem, str(path), None, str(exc))
    if config.name != path.stem:
        message = f"{path}: 'name' is {config.name!r}: name the file after its site ({config.name}.toml)"
        return SiteEntry(path.stem, str(path), None, message)
    return SiteEntry(config.name, str(path), config)


def select_sites(selection: str, directory: Path | None) -> list[SiteConfig]:
    """`all` (the directory's sites, else the bundled ones) or comma-separated names and TOML paths.

    A site named that cannot be loaded is an error naming it. With `all`, so is a broken file of the
    directory; a sweep or a scheduler that must go on without it takes `select_all` instead.
    """
    if selection.strip() == ALL:
        configs, broken = select_all(directory)
        if broken:
            first = broken[0].error or ""
            raise SiteConfigError(first + (f" (and {len(broken) - 1} more)" if len(broken) > 1 else ""))
    else:
        names = [name.strip() for name in selection.split(",") if name.strip()]
        configs = [load_site_config(name, directory) for name in names]
    if not configs:
        raise SiteConfigError(f"no sites to crawl in {directory}" if directory else "no sites to crawl")
    seen: set[str] = set()
    for config in configs:
        if config.name in seen:
            raise SiteConfigError(f"site {config.name!r} is named twice in the sweep's sites")
        seen.add(config.name)
    return configs


def select_all(directory: Path | None) -> tuple[list[SiteConfig], list[SiteEntry]]:
    """Every usable site of the directory (else the bundled ones), and the broken files apart: one bad
    file must not stop a thousand sites from being crawled; its caller reports it and fails its exit."""
    entries = catalog(directory, bundled=directory is None)
    return [e.config for e in entries if e.config is not None], [e for e in entries if e.error]
