"""Harbour Times: an Atom-only news site (no RSS, no listings in its config) on a non-WordPress CMS.

URL layout (https://harbourtimes.example, served by SiteServer on 127.0.0.1):
  /stories/<yyyy>-<mm>-<dd>-<slug>   article (no trailing slash)
  /atom.xml                          Atom 1.0 feed, xml:base, relative entry links; one entry is a topic hub
  /topics/<slug>/  /people/<slug>/   hubs (never records)      /latest/  listing of every article (not in config)
  /  /about/  /robots.txt            home, static page, robots without a Sitemap line
Article pages carry JSON-LD, meta tags or visible markup only, a "Related"/"Related stories" block with
document-relative, root-relative and absolute links, a "Latest headlines" sidebar, topic chips, a share row,
a newsletter box, nav and footer. Reachability: 4 feed articles; 2 more one Related hop away; 1 at two
hops; 1 (net-mending-school) only at three hops, so follow_depth=2 must not crawl it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.site_server import SiteServer

from . import atom_content as C
from .model import ATOM, TEXT, Expected, Para, Reply, esc, html_reply, sentences, tails

ORIGIN = "https://harbourtimes.example"
HOST = "harbourtimes.example"
CONFIG = Path(__file__).with_name("atom_site.toml")
FOLLOW_DEPTH = 2  # the config's follow_depth
HUB_ENTRY_TOPIC = "harbour-works"  # the topic hub the Atom feed lists among its entries


@dataclass(frozen=True)
class Article:
    slug: str
    published_at: datetime
    title: str
    dek: str
    authors: tuple[str, ...]  # author slugs
    topics: tuple[str, ...]
    metadata: str  # jsonld | meta | visible
    related: tuple[tuple[str, str], ...]  # (slug, link style: abs | root | rel)
    related_label: str
    in_feed: bool
    paragraphs: tuple[Para, ...]

    @property
    def path(self) -> str:
        return f"/stories/{self.published_at:%Y-%m-%d}-{self.slug}"

    @property
    def url(self) -> str:
        return ORIGIN + self.path

    @property
    def author_names(self) -> tuple[str, ...]:
        return tuple(C.AUTHORS[a] for a in self.authors)


def page_date(a: Article) -> str:
    """The published date as the page's JSON-LD or meta writes it: ferry-timetable's JSON-LD in UTC ("Z"),
    the others with the local offset (visible-only pages write it without an offset)."""
    if a.slug == "ferry-timetable":
        return a.published_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return a.published_at.isoformat()


def _article(row: Mapping[str, Any]) -> Article:
    return Article(
        slug=row["slug"],
        published_at=row["published_at"],
        title=row["title"],
        dek=row["dek"],
        authors=tuple(row["authors"]),
        topics=tuple(row["topics"]),
        metadata=row["metadata"],
        related=tuple(row["related"]),
        related_label=row["related_label"],
        in_feed=row["in_feed"],
        paragraphs=tuple(row["paragraphs"]),
    )


class AtomSite:
    origin = ORIGIN

    def __init__(self) -> None:
        self.articles = [_article(row) for row in C.ARTICLES]

    # --- lookups -------------------------------------------------------------------------------
    def article(self, slug: str) -> Article:
        return next(a for a in self.articles if a.slug == slug)

    def by_path(self, path: str) -> Article | None:
        return next((a for a in self.articles if a.path == path), None)

    def newest(self) -> list[Article]:
        return sorted(self.articles, key=lambda a: a.published_at, reverse=True)

    def feed_articles(self) -> list[Article]:
        return [a for a in self.newest() if a.in_feed]

    def news_feed(self) -> list[Article]:
        return self.feed_articles()[: C.NEWS_FEED_SIZE]

    def related(self, a: Article) -> list[Article]:
        return [self.article(slug) for slug, _ in a.related]

    def href(self, target: Article, style: str) -> str:
        return {"abs": target.url, "root": target.path, "rel": target.path.rsplit("/", 1)[1]}[style]

    # --- truth ---------------------------------------------------------------------------------
    def hops(self, follow_depth: int = FOLLOW_DEPTH) -> dict[str, int]:
        """Fewest Related / Latest headlines hops from a feed article, for every reachable slug."""
        frontier = self.feed_articles()
        dist = {a.slug: 0 for a in frontier}
        for hop in range(1, follow_depth + 1):
            reached = []
            for a in frontier:
                for t in [*self.related(a), *self.news_feed()]:
                    if t.slug not in dist:
                        dist[t.slug] = hop
                        reached.append(t)
            frontier = reached
        return dist

    def expected(self, a: Article, hops: int) -> Expected:
        page_links = [(t.path, t.title) for t in self.news_feed() if t is not a]
        return Expected(
            path=a.path,
            canonical_url=a.url,
            title=a.title,
            subtitle=a.dek,
            authors=a.author_names,
            published_at=datetime.fromisoformat(page_date(a)).isoformat(),
            published_from=a.metadata,
            metadata_style=a.metadata,
            body_phrases=sentences(list(a.paragraphs)),
            tail_phrases=tails(list(a.paragraphs)),
            boilerplate_phrases=self.boilerplate_phrases(a),
            read_also=tuple((t.path, t.title) for t in self.related(a)),
            news_feed=tuple(page_links),
            hops=hops,
            discovered_via="atom" if hops == 0 else "read_also",
            fetcher_tier="PLAIN",
        )

    def expected_by_path(self, follow_depth: int = FOLLOW_DEPTH) -> dict[str, Expected]:
        dist = self.hops(follow_depth)
        return {a.path: self.expected(a, dist[a.slug]) for a in self.newest() if a.slug in dist}

    def unreachable_paths(self, follow_depth: int = FOLLOW_DEPTH) -> list[str]:
        """Articles that exist but must not be crawled with this follow_depth."""
        dist = self.hops(follow_depth)
        return [a.path for a in self.newest() if a.slug not in dist]

    def never_record_paths(self) -> list[str]:
        """Pages that exist (some linked from articles or the feed) and must never become records."""
        return [
            "/",
            "/latest/",
            "/about/",
            "/atom.xml",
            *(f"/topics/{t}/" for t in C.TOPICS),
            *(f"/people/{p}/" for p in C.AUTHORS),
        ]

    def boilerplate_phrases(self, a: Article | None = None) -> tuple[str, ...]:
        """Text of an article page outside its body (menus, topic chips, boxes, sidebar, related titles, footer)."""
        own = () if a is None else tuple(t.title for t in self.related(a))
        return (
            *(label for label, _ in C.NAV),
            C.NEWSLETTER_TITLE,
            C.NEWSLETTER_TEXT,
            C.SHARE_LABEL,
            C.NEWS_FEED_LABEL,
            f"{C.TOPICS_LABEL}:",
            *C.FOOTER_TEXTS,
            *(t.title for t in self.news_feed() if t is not a),
            *own,
        )

    # --- pages ---------------------------------------------------------------------------------
    def page(self, title: str, main: str, *, canonical: str, head: str = "") -> str:
        nav = "".join(f'<li><a href="{esc(h)}">{esc(label)}</a></li>' for label, h in C.NAV)
        latest = "".join(
            f'<li><a href="{esc(t.url if i % 2 else t.path)}">{esc(t.title)}</a></li>'
            for i, t in enumerate(self.news_feed())
        )
        footer = "".join(f"<p>{esc(t)}</p>" for t in C.FOOTER_TEXTS)
        return (
            f'<!doctype html>\n<html lang="en-CA">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{esc(title)} | {C.SITE_NAME}</title>\n"
            f'<link rel="canonical" href="{esc(canonical)}">\n'
            f'<link rel="alternate" type="application/atom+xml" title="{C.SITE_NAME}" href="/atom.xml">\n'
            f'{head}<link rel="stylesheet" href="/static/ht.css">\n</head>\n'
            f'<body class="ht-page">\n<div class="ht-masthead"><a class="ht-logo" href="{ORIGIN}/">{C.SITE_NAME}</a>'
            f'<nav class="ht-menu"><ul>{nav}</ul></nav></div>\n'
            f'<div class="ht-columns">\n<main class="ht-main">\n{main}\n</main>\n'
            f'<div class="ht-rail"><div class="ht-rail-box"><h2 class="ht-rail-title">{C.NEWS_FEED_LABEL}</h2>'
            f"<ul>{latest}</ul></div>\n"
            f'<div class="ht-tidetable"><h3>{esc(C.NEWSLETTER_TITLE)}</h3><p>{esc(C.NEWSLETTER_TEXT)}</p>'
            '<form action="/newsletter/join" method="post"><input type="email" name="email"> '
            "<button>Join</button></form></div></div>\n</div>\n"
            f'<div class="ht-foot">{footer}<p>&copy; 2026 {C.SITE_NAME}</p></div>\n</body>\n</html>\n'
        )

    def _head_meta(self, a: Article) -> str:
        if a.metadata == "visible":
            return ""
        if a.metadata == "meta":
            authors = "".join(f'<meta name="author" content="{esc(n)}">\n' for n in a.author_names)
            return (
                f'<meta property="og:type" content="article">\n<meta property="og:title" content="{esc(a.title)}">\n'
                f'<meta property="og:url" content="{a.url}">\n<meta name="description" content="{esc(a.dek)}">\n'
                f'<meta property="article:published_time" content="{page_date(a)}">\n{authors}'
            )
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": a.title,
            "description": a.dek,
            "mainEntityOfPage": a.url,
            "datePublished": page_date(a),
            "author": [{"@type": "Person", "name": n} for n in a.author_names],
            "publisher": {"@type": "Organization", "name": C.SITE_NAME},
        }
        text = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
        return f'<script type="application/ld+json">{text}</script>\n'

    def article_page(self, a: Article) -> str:
        byline = " and ".join(f'<a href="/people/{slug}/">{esc(C.AUTHORS[slug])}</a>' for slug in a.authors)
        stamp = a.published_at.replace(tzinfo=None).isoformat(timespec="minutes")
        shown = f"{a.published_at.day} {a.published_at:%B %Y}, {a.published_at.hour}:{a.published_at:%M}"
        chips = ", ".join(f'<a href="/topics/{t}/">{esc(C.TOPICS[t])}</a>' for t in a.topics)
        related = ""
        if a.related:
            items = "".join(
                f'<li><a href="{esc(self.href(t, style))}">{esc(t.title)}</a></li>'
                for (_, style), t in zip(a.related, self.related(a), strict=True)
            )
            related = f'<div class="ht-more"><h2>{esc(a.related_label)}</h2><ul>{items}</ul></div>\n'
        body = "\n".join(p.html() for p in a.paragraphs)
        main = (
            f'<div class="ht-story">\n<h1 class="ht-headline">{esc(a.title)}</h1>\n'
            f'<p class="ht-dek">{esc(a.dek)}</p>\n'
            f'<div class="ht-meta"><span class="ht-byline">By {byline}</span> &middot; '
            f'<time datetime="{stamp}">{shown}</time></div>\n'
            f'<div class="ht-copy">\n{body}\n</div>\n'
            f'<nav class="ht-chips" aria-label="{C.TOPICS_LABEL}">{C.TOPICS_LABEL}: {chips}</nav>\n'
            f'<div class="ht-share"><span>{C.SHARE_LABEL}</span> <a href="https://mastodon.example/share?u={a.url}">'
            'Mastodon</a> <a href="mailto:?subject=story">Email</a></div>\n'
            f"{related}</div>"
        )
        return self.page(a.title, main, canonical=a.url, head=self._head_meta(a))

    def _teasers(self, articles: list[Article]) -> str:
        return (
            '<ul class="ht-list">'
            + "".join(
                f'<li><a href="{esc(a.path)}">{esc(a.title)}</a> <span>{esc(a.dek)}</span></li>'
                for a in articles
            )
            + "</ul>"
        )

    def hub_page(self, kind: str, slug: str) -> str | None:
        if kind == "topics" and slug in C.TOPICS:
            name, found = C.TOPICS[slug], [a for a in self.newest() if slug in a.topics]
        elif kind == "people" and slug in C.AUTHORS:
            name, found = C.AUTHORS[slug], [a for a in self.newest() if slug in a.authors]
        else:
            return None
        if kind == "topics" and slug == HUB_ENTRY_TOPIC:  # the hub in the feed lists reachable articles only
            reachable = self.hops()
            found = [a for a in found if a.slug in reachable]
        main = f'<h1 class="ht-hub-title">{esc(name)}</h1>\n<p>Stories filed under {esc(name)}.</p>\n{self._teasers(found)}'
        return self.page(name, main, canonical=f"{ORIGIN}/{kind}/{slug}/")

    def atom_feed(self) -> str:
        items = self.feed_articles()
        updated = max(a.published_at for a in items).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        entries = []
        for i, a in enumerate(items):
            # The second entry sets its own xml:base on /stories/; the others are relative to the feed's base.
            base, href = (
                ((' xml:base="' + ORIGIN + '/stories/"'), a.path.rsplit("/", 1)[1])
                if i == 1
                else ("", a.path[1:])
            )
            authors = "".join(f"<author><name>{esc(n)}</name></author>" for n in a.author_names)
            entries.append(
                f"<entry{base}>\n<title>{esc(a.title)}</title>\n"
                f'<link rel="alternate" type="text/html" href="{href}"/>\n'
                f"<id>tag:{HOST},2026:{a.slug}</id>\n<published>{a.published_at.isoformat()}</published>\n"
                f"<updated>{a.published_at.isoformat()}</updated>\n{authors}\n"
                f"<summary>{esc(a.dek)}</summary>\n</entry>\n"
            )
        hub = C.TOPICS[HUB_ENTRY_TOPIC]
        entries.insert(
            2,
            f"<entry>\n<title>Topic: {esc(hub)}</title>\n"
            f'<link rel="alternate" type="text/html" href="topics/{HUB_ENTRY_TOPIC}/"/>\n'
            f"<id>tag:{HOST},2026:topic-{HUB_ENTRY_TOPIC}</id>\n<updated>{updated}</updated>\n"
            f"<summary>Every story about the quays, moorings and the market hall.</summary>\n</entry>\n",
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            f'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="{ORIGIN}/" xml:lang="en-CA">\n'
            f"<title>{C.SITE_NAME}</title>\n<subtitle>News from Port Velmora and the islands</subtitle>\n"
            f"<id>tag:{HOST},2026:feed</id>\n<updated>{updated}</updated>\n"
            '<link rel="self" type="application/atom+xml" href="atom.xml"/>\n'
            '<link rel="alternate" type="text/html" href="./"/>\n' + "".join(entries) + "</feed>\n"
        )

    # --- routing -------------------------------------------------------------------------------
    def handle(self, target: str, headers: Mapping[str, str] | None = None) -> Reply:
        path = urlsplit(target).path or "/"
        if path == "/robots.txt":
            return Reply(200, b"User-agent: *\nDisallow: /newsletter/\n", TEXT)
        if path == "/atom.xml":
            return Reply(200, self.atom_feed().encode("utf-8"), ATOM)
        if (a := self.by_path(path)) is not None:
            return html_reply(self.article_page(a))
        if path == "/":
            return html_reply(
                self.page(C.SITE_NAME, self._teasers(self.feed_articles()), canonical=ORIGIN + "/")
            )
        if path == "/latest/":
            main = f"<h1>Latest</h1>\n{self._teasers(self.newest())}"
            return html_reply(self.page("Latest", main, canonical=ORIGIN + "/latest/"))
        if path == "/about/":
            main = "<h1>About us</h1>\n" + "".join(f"<p>{esc(t)}</p>" for t in C.ABOUT_TEXT)
            return html_reply(self.page("About us", main, canonical=ORIGIN + "/about/"))
        parts = path.strip("/").split("/")
        if len(parts) == 2 and path.endswith("/") and (hub := self.hub_page(parts[0], parts[1])) is not None:
            return html_reply(hub)
        return html_reply(self.page("Not found", "<h1>Page not found</h1>", canonical=ORIGIN + path), 404)


def build_site() -> AtomSite:
    return AtomSite()


@contextmanager
def serve(site: AtomSite | None = None) -> Iterator[SiteServer]:
    """`with serve() as server:` the site at server.base_url (127.0.0.1, a free port), request log kept."""
    site = site or build_site()
    with SiteServer(site.handle) as server:
        yield server
