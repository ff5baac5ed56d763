"""The README is the short guide: its first screen says how to install and run, it stays short, and every
link it makes into docs/ leads to a page (the rest of the documentation lives there, built by `make docs`)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
FIRST_SCREEN = "\n".join(README.splitlines()[:40])


def test_first_screen_says_how_to_install_and_run() -> None:
    for command in ("make demo", "make test", "pip install ."):
        assert command in FIRST_SCREEN, f"{command!r} is not in the README's first 40 lines"


def test_readme_stays_short() -> None:
    assert len(README.splitlines()) <= 300, "move the detail into a page of docs/"


def test_readme_links_into_docs_lead_to_pages() -> None:
    links = re.findall(r"\]\((docs/[^)#\s]+)(?:#[^)]*)?\)", README)
    assert len(links) > 10
    missing = sorted({link for link in links if not (ROOT / link).is_file()})
    assert missing == []


def test_readme_links_nowhere_else_in_the_checkout() -> None:
    """Links outside docs/ would break on the documentation site's home page (docs/index.md)."""
    relative = [
        target
        for target in re.findall(r"\]\(([^)\s]+)\)", README)
        if not target.startswith(("docs/", "http://", "https://", "#"))
    ]
    assert relative == []
