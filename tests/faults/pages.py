"""Minimal valid pages for the fault server: articles (JSON-LD NewsArticle + paragraphs), feeds, listings."""

from __future__ import annotations

import json
from html import escape

PARAGRAPHS = (
    "The district council met on Tuesday evening to review the repairs of the river embankment, which "
    "were delayed by two weeks of heavy rain and a shortage of gravel trucks.",
    "Engineers told the council that the new drainage pipes can carry twice the water of the old ones, "
    "and that the footpath along the river will reopen before the summer holidays begin.",
    "Residents asked for more benches and for lamps that stay on through the night; the council promised "
    "to publish a revised plan with costs and dates at its next public session.",
)


def article_html(
    title: str,
    *,
    paragraphs: tuple[str, ...] = PARAGRAPHS,
    published: str = "2026-03-11T10:00:00+02:00",
    charset_meta: str | None = "utf-8",
    links: tuple[tuple[str, str], ...] = (),
    read_also: tuple[tuple[str, str], ...] = (),
) -> str:
    """One article page; ``links`` go in the body text, ``read_also`` in a "Read also" block."""
    jsonld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "datePublished": published,
        "author": {"@type": "Person", "name": "Olena Test"},
    }
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    inline = "".join(f'<p>See <a href="{escape(href)}">{escape(text)}</a>.</p>' for href, text in links)
    related = ""
    if read_also:
        items = "".join(f'<li><a href="{escape(href)}">{escape(text)}</a></li>' for href, text in read_also)
        related = f"<aside><h2>Read also</h2><ul>{items}</ul></aside>"
    return (
        f"<!DOCTYPE html><html lang='en'><head>{meta}<title>{escape(title)}</title>"
        f'<script type="application/ld+json">{json.dumps(jsonld, ensure_ascii=False)}</script>'
        f"</head><body><article><h1>{escape(title)}</h1>"
        f"<time datetime='{published}'>11 March 2026</time>{body}{inline}</article>{related}</body></html>"
    )


def rss(links: list[str], *, title: str = "Fault feed") -> bytes:
    items = "".join(
        f"<item><title>Item {i}</title><link>{escape(u)}</link></item>" for i, u in enumerate(links)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>http://127.0.0.1/</link><description>d</description>{items}</channel></rss>"
    ).encode()


def listing_html(links: list[str]) -> bytes:
    items = "".join(
        f'<article class="post"><h2><a href="{escape(u)}">Story {i}</a></h2></article>'
        for i, u in enumerate(links)
    )
    head = "<!DOCTYPE html><html><head><title>News</title></head>"
    return f"{head}<body><main>{items}</main></body></html>".encode()
