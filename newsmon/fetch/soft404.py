"""Tell a "Page not found" page served with status 200 (a soft 404) from an article: pure, on the bytes."""

from __future__ import annotations

import re

from newsmon.fetch.challenge import SNIFF_BYTES, TITLE

_H1 = re.compile(rb"<h1[^>]*>\s*([^<]{0,300})", re.IGNORECASE)
# Phrases error pages use in their title or headline (not in body text, where articles may quote them).
_NOT_FOUND = re.compile(
    r"^\s*(?:error\s*)?404\b|\b404 not found\b|\bpage not found\b|^\s*not found\b|"
    r"\b(?:page|article|post) (?:does not|doesn't|no longer) exists?\b",
    re.IGNORECASE,
)


def is_soft_404(body: bytes) -> bool:
    """The page's title or first headline says it is a "not found" page."""
    head = body[:SNIFF_BYTES]
    for pattern in (TITLE, _H1):
        match = pattern.search(head)
        if match and _NOT_FOUND.search(match.group(1).decode("utf-8", "replace")):
            return True
    return False
