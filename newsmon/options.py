"""Settings declared by the component that reads them: one name, one default, one line of meaning.

A component listed by hand in another Scrapy project (without ``newsmon.Addon``) reads its settings through
its ``Options``, so it gets the same defaults as with the add-on; the add-on sets every declared default at
add-on priority (``newsmon.registry.SETTINGS``), so a project setting or ``-s`` still wins.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: the extraction worker imports this module without Scrapy
    from scrapy.settings import BaseSettings


@dataclass(frozen=True)
class Option:
    name: str
    default: Any
    doc: str
    env: str | None = None  # an environment variable that, when set, replaces the default (deployments)
    default_doc: str | None = None  # the default as docs/reference shows it, when the value says too little

    def resolved_default(self) -> Any:
        if self.env:
            value = os.environ.get(self.env)
            if value:
                return value
        return self.default


class Options:
    """One component's settings, read with their declared defaults."""

    def __init__(self, *options: Option) -> None:
        self._by_name = {o.name: o for o in options}
        if len(self._by_name) != len(options):
            raise ValueError("an option is declared twice")

    def __iter__(self) -> Iterator[Option]:
        return iter(self._by_name.values())

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __getitem__(self, name: str) -> Option:
        return self._by_name[name]

    def default(self, name: str) -> Any:
        return self._by_name[name].resolved_default()

    def get(self, settings: BaseSettings, name: str) -> Any:
        return settings.get(name, self.default(name))

    def getbool(self, settings: BaseSettings, name: str) -> bool:
        try:
            return settings.getbool(name, self.default(name))
        except (ValueError, TypeError):
            raise ValueError(f"-s {name}={settings.get(name)!r}: must be true or false") from None

    def getint(self, settings: BaseSettings, name: str) -> int:
        try:
            return settings.getint(name, self.default(name))
        except (ValueError, TypeError):
            raise ValueError(f"-s {name}={settings.get(name)!r}: must be a whole number") from None

    def getfloat(self, settings: BaseSettings, name: str) -> float:
        try:
            return settings.getfloat(name, self.default(name))
        except (ValueError, TypeError):
            raise ValueError(f"-s {name}={settings.get(name)!r}: must be a number") from None

    def getlist(self, settings: BaseSettings, name: str) -> list[Any]:
        return settings.getlist(name, self.default(name))

    def getdict(self, settings: BaseSettings, name: str) -> dict[Any, Any]:
        return settings.getdict(name, self.default(name))
