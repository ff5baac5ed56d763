"""What the three shape sites share: replies, deterministic invented prose, and the truth a test checks.

Each site is a handler for tests/site_server.py's SiteServer; absolute links are built from the request's
Host header, so a site is self-consistent on whatever port it is served."""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime

# the replies of the other test sites, re-exported for the shape sites
from tests.othersites.model import ATOM as ATOM
from tests.othersites.model import HTML as HTML
from tests.othersites.model import TEXT as TEXT
from tests.othersites.model import XML as XML
from tests.othersites.model import Reply as Reply
from tests.othersites.model import esc as esc
from tests.othersites.model import html_reply

html = html_reply

RSS = "application/rss+xml; charset=utf-8"


def base_of(headers: Mapping[str, str]) -> str:
    host = next((v for k, v in headers.items() if k.lower() == "host"), "127.0.0.1")
    return f"http://{host}"


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


@dataclass(frozen=True)
class Words:
    """A language's vocabulary for invented headlines and sentences."""

    subjects: Sequence[str]
    verbs: Sequence[str]
    objects: Sequence[str]
    places: Sequence[str]
    sentences: Sequence[str]  # templates with {subject}, {object}, {place}, {number}


def headline(words: Words, i: int) -> str:
    """A headline unique for i below len(subjects) * len(verbs)."""
    s = words.subjects[i % len(words.subjects)]
    v = words.verbs[(i // len(words.subjects)) % len(words.verbs)]
    o = words.objects[(i * 3 + i // 5) % len(words.objects)]
    p = words.places[(i // 2) % len(words.places)]
    return f"{s} {v} {o} {p}"


def paragraphs(words: Words, seed: int, count: int = 4) -> list[str]:
    """Invented paragraphs, different for every seed (the crawl dedupes records by body hash)."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        parts = []
        for _ in range(3):
            template = rng.choice(words.sentences)
            parts.append(
                template.format(
                    subject=rng.choice(words.subjects),
                    object=rng.choice(words.objects),
                    place=rng.choice(words.places),
                    number=seed * 10 + n * 3 + rng.randint(2, 9),
                )
            )
        out.append(" ".join(parts))
    return out


@dataclass(frozen=True)
class Truth:
    """What a crawl of the site must and must not emit."""

    articles: frozenset[str]  # paths of every article
    hubs: frozenset[str]  # paths of pages that are never articles
    timezone: str
    read_also: str  # the related-block label as the site writes it
    news_feed: str


def iso(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def rss_reply(base: str, name: str, items: Iterable[tuple[str, str, datetime]]) -> Reply:
    """A plain RSS 2.0 feed of (title, path, published) items: the discover shapes' feeds."""
    entries = "".join(
        f"<item><title>{esc(title)}</title><link>{base}{path}</link>"
        f"<pubDate>{format_datetime(published)}</pubDate></item>\n"
        for title, path, published in items
    )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{name}</title><link>{base}/</link>\n{entries}</channel></rss>\n"
    )
    return Reply(200, body.encode(), RSS)
