"""The kit every corpus shape is built from: stories, the truth a crawl is scored against, and the two
mutations (publish one story, edit one story) that tell real versions from template noise.

A shape subclasses `Shape`: it names its CMS family, language, timezone, vocabulary and labels, and writes
its own markup (`route`). The kit builds the stories deterministically, keeps the oldest few out of every
listing, feed and sitemap (reachable only through a related block), and answers robots.txt, feeds and
sitemaps with helpers the shapes call. Absolute links are built from the request's Host header.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import format_datetime
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from tests.site_server import SiteServer

from .common import ATOM, RSS, TEXT, XML, Reply, Words, base_of, esc, headline, html, iso, paragraphs, slugify


@dataclass
class Story:
    id: int
    title: str
    section: str  # a key of the shape's SECTIONS
    published: datetime
    author: str
    tags: tuple[str, ...]
    lead: str  # the standfirst: subtitle, never body
    paragraphs: list[str]
    related: tuple[int, ...]  # ids of the stories in its related block, in order
    kind: str = "plain"  # plain | script (story only in embedded data) | paywall | live
    modified: datetime | None = None
    served: int = 0  # paywall: paragraphs the page serves (0: all)
    times: list[datetime] = field(default_factory=list)  # live: one time per update (paragraph)

    @property
    def slug(self) -> str:
        return slugify(self.title)

    def served_paragraphs(self) -> list[str]:
        return self.paragraphs[: self.served] if self.served else list(self.paragraphs)


@dataclass(frozen=True)
class ArticleTruth:
    path: str
    title: str
    body: str  # paragraphs served, separated by blank lines
    read_also: frozenset[str]  # paths of the related block's articles
    subtitle: str | None
    authors: tuple[str, ...]
    published: datetime
    tags: tuple[str, ...]
    script_built: bool  # the static article container is empty: the story is only in embedded data
    paywalled: bool


@dataclass(frozen=True)
class ShapeTruth:
    name: str
    family: str
    language: str
    held_out: bool
    timezone: str
    articles: Mapping[str, ArticleTruth]
    hubs: frozenset[str]
    read_also: str
    news_feed: str | None
    # other URLs (path and query) the site links one article by, to its truth path: the same story
    aliases: Mapping[str, str] = field(default_factory=dict)


class Shape:
    """One invented site. Subclasses set the class attributes and write `path_of` and `route`."""

    NAME: ClassVar[str]
    FAMILY: ClassVar[str]
    LANGUAGE: ClassVar[str]
    ZONE: ClassVar[str]
    WORDS: ClassVar[Words]
    SECTIONS: ClassVar[dict[str, str]]
    AUTHORS: ClassVar[Sequence[str]]
    TAGS: ClassVar[Sequence[str]]
    READ_ALSO: ClassVar[str]
    NEWS_FEED: ClassVar[str | None] = None
    HELD_OUT: ClassVar[bool] = False
    COUNT: ClassVar[int] = 18
    HIDDEN: ClassVar[int] = 3  # the oldest stories: in no listing, feed or sitemap, only in related blocks
    FIRST_ID: ClassVar[int] = 4100
    START: ClassVar[tuple[int, int, int]] = (2026, 3, 20)
    SEED: ClassVar[int] = 1
    HAND_TOML: ClassVar[str]  # a site TOML written by hand from the README; {origin} is filled in

    def __init__(self) -> None:
        self.zone = ZoneInfo(self.ZONE)
        self.rng = random.Random(self.SEED)
        start = datetime(*self.START, 6, 40, tzinfo=self.zone)
        sections = list(self.SECTIONS)
        self.stories: list[Story] = []
        for i in range(self.COUNT):  # i = 0 is the oldest
            published = start + timedelta(days=i // 2, hours=(i % 2) * 7 + (i * 5) % 4, minutes=(i * 17) % 60)
            self.stories.append(self.new_story(i, published, sections[i % len(sections)]))
        n = self.COUNT
        for i, story in enumerate(
            self.stories
        ):  # newest-first index j; the hidden oldest are linked from listed ones
            j = n - 1 - i
            picks = [(j + 4) % n, (j + 7) % n] + ([(j + 11) % n] if j % 3 == 0 else [])
            story.related = tuple(self.stories[n - 1 - k].id for k in picks if k != j)
        self.published_count = 0
        self.edited: Story | None = None

    # --- stories -------------------------------------------------------------------------------
    def new_story(self, i: int, published: datetime, section: str) -> Story:
        seed = self.SEED * 1000 + i
        count = 4 + (i * 7) % 4
        paras = paragraphs(self.WORDS, seed, count)
        lead = paragraphs(self.WORDS, seed + 500, 1)[0].split(". ")[0].rstrip(".") + "."
        tags = (self.TAGS[i % len(self.TAGS)], self.TAGS[(i + 3) % len(self.TAGS)])
        return Story(
            id=self.FIRST_ID + i * 7,
            title=headline(self.WORDS, i),
            section=section,
            published=published,
            author=self.AUTHORS[i % len(self.AUTHORS)],
            tags=tags,
            lead=lead,
            paragraphs=paras,
            related=(),
            kind=self.kind_of(i),
        )

    def kind_of(self, i: int) -> str:
        """What kind of story the i-th (0 = oldest) is: shapes override (script, paywall, live)."""
        return "plain"

    def by_id(self, story_id: int) -> Story:
        return next(s for s in self.stories if s.id == story_id)

    def newest(self, section: str | None = None) -> list[Story]:
        found = [s for s in self.stories if section is None or s.section == section]
        return sorted(found, key=lambda s: s.published, reverse=True)

    def hidden(self) -> set[int]:
        return {s.id for s in sorted(self.stories, key=lambda s: s.published)[: self.HIDDEN]}

    def listed(self, section: str | None = None) -> list[Story]:
        """Newest first, without the hidden oldest: what listings, feeds and sitemaps show."""
        hidden = self.hidden()
        return [s for s in self.newest(section) if s.id not in hidden]

    def related_of(self, story: Story) -> list[Story]:
        return [self.by_id(r) for r in story.related]

    def path_of(self, story: Story) -> str:
        raise NotImplementedError

    def parts_of(self, story: Story) -> list[str]:
        """The URLs (path and query) whose pages together hold the story: one, unless the site splits it."""
        return [self.path_of(story)]

    def find(self, path: str) -> Story | None:
        return next((s for s in self.stories if self.path_of(s) == path), None)

    # --- mutations -----------------------------------------------------------------------------
    def publish(self) -> Story:
        """One new story, newest of all, in the first section: every listing and 'latest' block changes."""
        newest = self.newest()[0]
        i = self.COUNT + self.published_count
        self.published_count += 1
        story = self.new_story(
            i, newest.published + timedelta(hours=2, minutes=13), next(iter(self.SECTIONS))
        )
        listed = self.listed()
        story.related = (listed[2].id, listed[5].id)
        self.stories.append(story)
        return story

    def edit(self) -> Story:
        """One listed story's body changes (a paragraph rewritten, one added); nothing else on the site does."""
        story = self.listed()[4]
        seed = self.SEED * 1000 + 900 + len(story.paragraphs)
        fresh = paragraphs(self.WORDS, seed, 2)
        story.paragraphs[1] = fresh[0]
        story.paragraphs.append(fresh[1])
        if story.kind == "live":
            story.times.append(story.times[-1] + timedelta(minutes=41))
        story.modified = story.published + timedelta(hours=5)
        self.edited = story
        return story

    # --- truth ---------------------------------------------------------------------------------
    def body_of(self, story: Story) -> str:
        return "\n\n".join(story.served_paragraphs())

    def truth(self) -> ShapeTruth:
        articles = {
            self.path_of(s): ArticleTruth(
                path=self.path_of(s),
                title=s.title,
                body=self.body_of(s),
                read_also=frozenset(self.path_of(r) for r in self.related_of(s)),
                subtitle=self.subtitle_of(s),
                authors=(s.author,),
                published=s.published,
                tags=self.tags_of(s),
                script_built=s.kind == "script",
                paywalled=s.kind == "paywall",
            )
            for s in self.stories
        }
        return ShapeTruth(
            name=self.NAME,
            family=self.FAMILY,
            language=self.LANGUAGE,
            held_out=self.HELD_OUT,
            timezone=self.ZONE,
            articles=articles,
            hubs=frozenset(self.hub_paths()),
            read_also=self.READ_ALSO,
            news_feed=self.NEWS_FEED,
            aliases=self.aliases(),
        )

    def aliases(self) -> dict[str, str]:
        """Other URLs (path and query) the site links a story by, to its path_of (wadi's ?ID=&cat=)."""
        return {}

    def subtitle_of(self, story: Story) -> str | None:
        """The standfirst the page shows apart from the body (None: the site has no such field)."""
        return story.lead

    def tags_of(self, story: Story) -> tuple[str, ...]:
        """The tags the page shows for the story (a shape whose sections are tags adds the section)."""
        return story.tags

    def hub_paths(self) -> list[str]:
        """Pages that are never records (listings, tag and author pages, about)."""
        raise NotImplementedError

    def hand_toml(self, origin: str) -> str:
        return self.HAND_TOML.replace("{origin}", origin)

    # --- serving -------------------------------------------------------------------------------
    def handle(self, target: str, headers: Mapping[str, str]) -> Reply:
        base = base_of(headers)
        parts = urlsplit(target)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        reply = self.route(base, parts.path or "/", query)
        return reply if reply is not None else self.not_found(base)

    def route(self, base: str, path: str, query: dict[str, str]) -> Reply | None:
        raise NotImplementedError

    def not_found(self, base: str) -> Reply:
        return html(
            "<!DOCTYPE html><html><head><title>404</title></head><body><h1>404</h1></body></html>", 404
        )

    # --- helpers the shapes share --------------------------------------------------------------
    def robots(self, sitemaps: Sequence[str] = (), disallow: str = "/search") -> Reply:
        lines = ["User-agent: *", f"Disallow: {disallow}", ""] + [f"Sitemap: {s}" for s in sitemaps]
        return Reply(200, ("\n".join(lines) + "\n").encode(), TEXT)

    def rss(self, base: str, title: str, stories: Sequence[Story], *, link_of: Any = None) -> Reply:
        link_of = link_of or self.path_of
        items = "".join(
            f"<item><title>{esc(s.title)}</title><link>{base}{link_of(s)}</link>"
            f'<guid isPermaLink="false">{base}/?p={s.id}</guid>'
            f"<pubDate>{format_datetime(s.published)}</pubDate><description>{esc(s.lead)}</description></item>\n"
            for s in stories
        )
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            f"<title>{esc(title)}</title><link>{base}/</link><description>{esc(title)}</description>"
            f"<language>{self.LANGUAGE}</language>\n{items}</channel></rss>\n"
        )
        return Reply(200, body.encode(), RSS)

    def atom(self, base: str, title: str, stories: Sequence[Story]) -> Reply:
        entries = "".join(
            f'<entry><title>{esc(s.title)}</title><link rel="alternate" href="{base}{self.path_of(s)}"/>'
            f"<id>tag:{self.NAME},2026:{s.id}</id><updated>{iso(s.modified or s.published)}</updated>"
            f"<published>{iso(s.published)}</published><summary>{esc(s.lead)}</summary></entry>\n"
            for s in stories
        )
        updated = iso(stories[0].published) if stories else "2026-01-01T00:00:00Z"
        body = (
            '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f'<title>{esc(title)}</title><id>{base}/</id><updated>{updated}</updated><link href="{base}/"/>\n'
            f"{entries}</feed>\n"
        )
        return Reply(200, body.encode(), ATOM)

    def urlset(self, base: str, entries: Sequence[tuple[str, str]], *, news: Sequence[Story] = ()) -> Reply:
        rows = "".join(f"<url><loc>{base}{p}</loc><lastmod>{m}</lastmod></url>\n" for p, m in entries)
        rows += "".join(
            f"<url><loc>{base}{self.path_of(s)}</loc><news:news><news:publication><news:name>{esc(self.NAME)}"
            f"</news:name><news:language>{self.LANGUAGE}</news:language></news:publication>"
            f"<news:publication_date>{iso(s.published)}</news:publication_date><news:title>{esc(s.title)}"
            "</news:title></news:news></url>\n"
            for s in news
        )
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
            ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
            f"{rows}</urlset>\n"
        )
        return Reply(200, body.encode(), XML)

    def sitemap_index(self, base: str, paths: Sequence[str]) -> Reply:
        rows = "".join(f"<sitemap><loc>{base}{p}</loc></sitemap>\n" for p in paths)
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{rows}</sitemapindex>\n"
        )
        return Reply(200, body.encode(), XML)

    def jsonld(self, base: str, story: Story, kind: str = "NewsArticle", **extra: Any) -> str:
        data: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": kind,
            "headline": story.title,
            "description": story.lead,
            "datePublished": iso(story.published),
            "author": [{"@type": "Person", "name": story.author}],
            "publisher": {"@type": "NewsMediaOrganization", "name": self.NAME},
            "mainEntityOfPage": f"{base}{self.path_of(story)}",
            "inLanguage": self.LANGUAGE,
        }
        if story.modified:
            data["dateModified"] = iso(story.modified)
        data.update(extra)
        text = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
        return f'<script type="application/ld+json">{text}</script>'

    def rotating(self, key: str, count: int = 5) -> list[Story]:
        """A 'most read' pick that differs from page to page (seeded by the page), over every listed story."""
        pool = self.listed()
        rng = random.Random(f"{self.NAME}:{key}")
        return rng.sample(pool, min(count, len(pool)))

    def when(self, story: Story, fmt: str) -> str:
        return story.published.strftime(fmt)


@contextmanager
def serve(shape: type[Shape], host: str = "127.0.0.1") -> Iterator[Any]:
    """Serve a fresh instance of the shape; the server carries it as `.site`."""
    site = shape()
    with SiteServer(site.handle, host=host) as server:
        server.site = site
        yield server
