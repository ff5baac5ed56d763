"""Optional parts of newsmon (pyproject.toml extras): a feature asks for its module here and, when the extra
is not installed, stops with one line naming the setting that needs it and the command that installs it."""

from __future__ import annotations

import importlib
from types import ModuleType

#: module -> the extra that installs it
EXTRA_OF = {
    "apprise": "alerts",
    "warcio": "warc",
    "redis": "redis",
    "scrapy_redis": "redis",
}


class MissingExtra(ImportError):
    """A feature is on whose extra is not installed; the message is the one line to print."""


def require(module: str, feature: str) -> ModuleType:
    """The module, or MissingExtra: "NEWSMON_ALERT_URLS needs newsmon[alerts] (apprise is not installed):
    pip install 'newsmon[alerts]'"."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        extra = EXTRA_OF.get(module.split(".")[0], module)
        raise MissingExtra(
            f"{feature} needs newsmon[{extra}] ({exc.name or module} is not installed): "
            f"pip install 'newsmon[{extra}]'"
        ) from None
