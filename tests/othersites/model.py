"""What both sites share: a reply, a body paragraph with an optional inline link, and the per-article truth."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
XML = "application/xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
GZIP = "application/x-gzip"


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = HTML
    headers: dict[str, str] = field(default_factory=dict)


def html_reply(text: str, status: int = 200) -> Reply:
    return Reply(status, text.encode("utf-8"), HTML)


def esc(text: str) -> str:
    return escape(text, quote=True)


@dataclass(frozen=True)
class Para:
    """TEXT, or TEXT <a href=HREF>LINK_TEXT</a> TAIL: the words after a link must stay in the body."""

    text: str
    link_text: str = ""
    href: str = ""
    tail: str = ""

    @property
    def full_text(self) -> str:
        return f"{self.text}{self.link_text}{self.tail}"

    def html(self) -> str:
        inner = esc(self.text)
        if self.link_text:
            inner += f'<a href="{esc(self.href)}">{esc(self.link_text)}</a>{esc(self.tail)}'
        return f"<p>{inner}</p>"


def sentences(paragraphs: list[Para]) -> tuple[str, ...]:
    """Every sentence of every paragraph, inline link text included (what a body must contain)."""
    return tuple(s for p in paragraphs for s in re.split(r"(?<=[.!?])\s+", p.full_text.strip()) if s)


def tails(paragraphs: list[Para]) -> tuple[str, ...]:
    """The text right after each inline link (must survive in body and content)."""
    return tuple(p.tail.strip() for p in paragraphs if p.link_text and p.tail.strip())


@dataclass(frozen=True)
class Expected:
    """What a crawler's record of one article must say. published_at is ISO 8601 with the offset the source
    wrote (compare as instants: datetime.fromisoformat(a) == datetime.fromisoformat(b))."""

    path: str  # canonical path on the site (the record's canonical_url path)
    canonical_url: str  # on the site's fictional https origin
    title: str
    subtitle: str | None  # the standfirst under the headline (None: the page has none)
    authors: tuple[str, ...]
    published_at: str | None
    published_from: str  # where the date is: "jsonld" | "meta" | "visible" | "sitemap"
    metadata_style: str  # "jsonld" | "meta" | "visible" | "none" (no metadata beyond title and byline)
    body_phrases: tuple[str, ...]  # sentences that must be in body
    tail_phrases: tuple[str, ...]  # words after inline links: must be in body
    boilerplate_phrases: tuple[str, ...]  # page text that must NOT be in body
    read_also: tuple[tuple[str, str], ...]  # (path, title) of the related block's article links, in order
    news_feed: tuple[tuple[str, str], ...]  # (path, title) of the news-feed sidebar, in order
    hops: int  # related-link hops from an article listed by a feed or sitemap (0 = listed)
    discovered_via: str  # "atom" | "sitemap" | "read_also"
    fetcher_tier: str  # "PLAIN" | "STEALTHY" (body written by JavaScript)

    @property
    def depth(self) -> int:
        """The record's depth: 1 for a listed article, +1 per related hop."""
        return self.hops + 1
