"""Tell a bot challenge from a page: pure functions of status, headers and bytes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# Statuses challenge walls answer with (Cloudflare: 403 "Just a moment...", 503 "Checking your browser",
# 429 rate-limit interstitials).
CHALLENGE_STATUSES = frozenset({403, 429, 503})
# Challenge pages are small; an article that merely quotes "Just a moment" is long and has no markers.
SNIFF_BYTES = 64 * 1024
TITLE = re.compile(rb"<title[^>]*>\s*([^<]{0,300})", re.IGNORECASE)  # the <title> text, first 300 bytes
CHALLENGE_TITLES = (
    "just a moment",
    "attention required",
    "checking your browser",
    "please wait",
    "ddos-guard",
    "access denied",
    "security check",
    "are you a robot",
)
# Markers found in the markup of challenge pages (script names, form ids, visible instructions).
CHALLENGE_MARKERS = (
    b"cf-chl",
    b"cf_chl_opt",
    b"challenge-platform",
    b"cf-browser-verification",
    b"enable javascript and cookies to continue",
    b"checking if the site connection is secure",
    b"ddos-guard",
    b"_incapsula_resource",
    b"px-captcha",
    b"captcha-delivery.com",
)
_SCRIPT = re.compile(rb"<script\b", re.IGNORECASE)
_INVISIBLE = re.compile(rb"<(script|style|noscript|template)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(rb"<[^>]*>")
# A 2xx challenge shows a sentence or two; a page with more visible words than this is content.
CHALLENGE_MAX_WORDS = 150


def _header(headers: Mapping[Any, Any], name: str) -> str:
    """First value of header ``name`` in Scrapy Headers (bytes -> list of bytes) or a plain str mapping."""
    for key, value in headers.items():
        key_text = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        if key_text.lower() == name:
            first = (value[0] if value else b"") if isinstance(value, list) else value
            return first.decode("latin-1") if isinstance(first, bytes) else str(first)
    return ""


def challenge_reason(
    status: int, headers: Mapping[bytes, list[bytes]] | Mapping[str, str], body: bytes
) -> str | None:
    """Why this response is a bot challenge rather than the page ("challenge_403", "challenge_200", ...),
    or None. A bare 403 counts too (a blocker that refuses non-browser clients); 429/503 only with markers,
    so plain overload stays with Scrapy's retry middleware."""
    head = body[:SNIFF_BYTES]
    lowered = head.lower()
    title_match = TITLE.search(head)
    title = title_match.group(1).decode("utf-8", "replace").strip().lower() if title_match else ""
    marked = (
        _header(headers, "cf-mitigated") == "challenge"
        or any(marker in lowered for marker in CHALLENGE_MARKERS)
        or (bool(title) and title.startswith(CHALLENGE_TITLES))
    )
    if status in CHALLENGE_STATUSES and (marked or status == 403):
        return f"challenge_{status}"
    if (
        200 <= status < 300
        and marked
        and len(body) < SNIFF_BYTES
        and visible_words(head) < CHALLENGE_MAX_WORDS
    ):
        return f"challenge_{status}"
    return None


def has_scripts(body: bytes) -> bool:
    """The page runs JavaScript (a JS-only shell needs a browser to show its text)."""
    return _SCRIPT.search(body) is not None


def visible_words(body: bytes) -> int:
    """Rough count of the words a reader sees (scripts, styles and tags removed); cheap, no parsing."""
    return len(_TAG.sub(b" ", _INVISIBLE.sub(b" ", body)).split())
