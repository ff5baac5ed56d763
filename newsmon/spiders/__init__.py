"""The spiders newsmon ships: `euromaidan` (euromaidan.py) and `news` (news.py: any site from its TOML file).

Only spider_modules() lives here, so newsmon.settings can import it without loading the spider code.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

BUNDLED = "newsmon.spiders"
# A newsmon checkout's own spiders package (site spiders added there), next to its newsmon package.
LOCAL = "spiders"


def spider_modules() -> list[str]:
    """SPIDER_MODULES: newsmon.spiders, plus `spiders` when the importable `spiders` package is a newsmon
    checkout's: next to the imported newsmon package (a checkout, or the scrapyd egg built from one: a zip,
    so no exists() there) or next to the checkout's newsmon sources (a checkout with newsmon pip-installed).
    Never an unrelated top-level `spiders`; a wheel install alone has none."""
    spec = importlib.util.find_spec(LOCAL)
    if spec is None or spec.origin is None:  # absent, or a namespace package
        return [BUNDLED]
    home = Path(spec.origin).resolve().parents[1]
    if home == Path(__file__).resolve().parents[2] or (home / "newsmon" / "__init__.py").is_file():
        return [BUNDLED, LOCAL]
    return [BUNDLED]
