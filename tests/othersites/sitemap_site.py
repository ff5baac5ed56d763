"""Valley Ledger: a sitemap-only news site (no feed, no listings in its config) whose article text is written by
JavaScript.

URL layout (https://valleyledger.example, served by SiteServer on 127.0.0.1):
  /robots.txt             `Sitemap: https://valleyledger.example/sitemap_index.xml`
  /sitemap_index.xml      sitemap index -> /news-sitemap.xml.gz and /sitemap-pages.xml
  /news-sitemap.xml.gz    Google News urlset (news:publication_date, news:title), the file itself gzipped,
                          served as application/x-gzip without Content-Encoding
  /sitemap-pages.xml      plain urlset: some articles plus /, /about/, /contact/, /sections/valley-life/
  /a/<id>-<slug>          article: title, byline (and for some a date) in the HTML; the body only via a script
  /  /about/  /contact/  /sections/<slug>/   never records;  /feed/, /rss.xml, /atom.xml: 404
Three articles have no date anywhere in the page (their published_at is the news sitemap's publication_date);
the others carry one in JSON-LD, in article:published_time or in a visible <time>, and the page wins even where
the news sitemap says otherwise.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.site_server import SiteServer

from . import sitemap_content as C
from .model import GZIP, TEXT, XML, Expected, Para, Reply, esc, html_reply, sentences, tails

ORIGIN = "https://valleyledger.example"
HOST = "valleyledger.example"
CONFIG = Path(__file__).with_name("sitemap_site.toml")
FOLLOW_DEPTH = 1  # the config's follow_depth (the pages have no related blocks)
INDEX_PATH = "/sitemap_index.xml"
NEWS_SITEMAP_PATH = "/news-sitemap.xml.gz"
PAGES_SITEMAP_PATH = "/sitemap-pages.xml"
BODY_ID = "story-text"


@dataclass(frozen=True)
class Article:
    id: int
    slug: str
    title: str
    authors: tuple[str, ...]
    page_date: str  # none | jsonld | meta | visible
    jsonld: bool
    published_at: datetime
    news_published_at: datetime | None
    in_pages: bool
    paragraphs: tuple[Para, ...]
    og: bool = True

    @property
    def path(self) -> str:
        return f"/a/{self.id}-{self.slug}"

    @property
    def url(self) -> str:
        return ORIGIN + self.path

    @property
    def in_news(self) -> bool:
        return self.news_published_at is not None


def _article(row: Mapping[str, Any]) -> Article:
    fields = {k: v for k, v in row.items() if k not in ("authors", "paragraphs")}
    return Article(**fields, authors=tuple(row["authors"]), paragraphs=tuple(row["paragraphs"]))


def _w3c(value: datetime) -> str:
    """A sitemap date: UTC values as "Z", others with their offset."""
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class SitemapSite:
    origin = ORIGIN

    def __init__(self) -> None:
        self.articles = [_article(row) for row in C.ARTICLES]

    def article(self, slug: str) -> Article:
        return next(a for a in self.articles if a.slug == slug)

    def by_path(self, path: str) -> Article | None:
        return next((a for a in self.articles if a.path == path), None)

    def newest(self) -> list[Article]:
        return sorted(self.articles, key=lambda a: a.published_at, reverse=True)

    # --- truth ---------------------------------------------------------------------------------
    def expected(self, a: Article) -> Expected:
        if a.page_date == "none":
            assert a.news_published_at is not None, a.slug
            published, source = a.news_published_at.isoformat(), "sitemap"
        else:
            published, source = a.published_at.isoformat(), a.page_date
        return Expected(
            path=a.path,
            canonical_url=a.url,
            title=a.title,
            subtitle=None,
            authors=a.authors,
            published_at=published,
            published_from=source,
            metadata_style="jsonld" if a.jsonld else ("meta" if a.og else "none"),
            body_phrases=sentences(list(a.paragraphs)),
            tail_phrases=tails(list(a.paragraphs)),
            boilerplate_phrases=self.boilerplate_phrases(),
            read_also=(),
            news_feed=(),
            hops=0,
            discovered_via="sitemap",
            fetcher_tier="STEALTHY",
        )

    def expected_by_path(self, follow_depth: int = FOLLOW_DEPTH) -> dict[str, Expected]:
        """Every article: each is listed by a sitemap (follow_depth does not matter: no related links)."""
        return {a.path: self.expected(a) for a in self.newest()}

    def unreachable_paths(self, follow_depth: int = FOLLOW_DEPTH) -> list[str]:
        return []

    def never_record_paths(self) -> list[str]:
        """Pages listed in /sitemap-pages.xml or linked from articles that must never become records."""
        return ["/", "/about/", "/contact/", *(f"/sections/{s}/" for s in C.SECTIONS)]

    def boilerplate_phrases(self) -> tuple[str, ...]:
        return (
            *(label for label, _ in C.NAV),
            C.NOSCRIPT,
            C.DONATE_TITLE,
            C.DONATE_TEXT,
            *C.FOOTER_TEXTS,
        )

    # --- sitemaps ------------------------------------------------------------------------------
    def robots_txt(self) -> str:
        return f"User-agent: *\nDisallow: /search\n\nSitemap: {ORIGIN}{INDEX_PATH}\n"

    def sitemap_index(self) -> str:
        newest = _w3c(max(a.published_at for a in self.articles))
        rows = "".join(
            f"<sitemap><loc>{ORIGIN}{p}</loc><lastmod>{newest}</lastmod></sitemap>\n"
            for p in (NEWS_SITEMAP_PATH, PAGES_SITEMAP_PATH)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}</sitemapindex>\n'
        )

    def news_sitemap_xml(self) -> str:
        rows = []
        for a in self.newest():
            if a.news_published_at is None:
                continue
            rows.append(
                f"<url>\n<loc>{a.url}</loc>\n<news:news>\n<news:publication>"
                f"<news:name>{C.SITE_NAME}</news:name><news:language>en</news:language></news:publication>\n"
                f"<news:publication_date>{_w3c(a.news_published_at)}</news:publication_date>\n"
                f"<news:title>{esc(a.title)}</news:title>\n</news:news>\n</url>\n"
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
            ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n' + "".join(rows) + "</urlset>\n"
        )

    def news_sitemap_gz(self) -> bytes:
        return gzip.compress(self.news_sitemap_xml().encode("utf-8"), mtime=0)

    def pages_sitemap(self) -> str:
        rows = [f"<url><loc>{ORIGIN}{p}</loc></url>\n" for p in self.never_record_paths()]
        rows += [
            f"<url><loc>{a.url}</loc><lastmod>{_w3c(a.published_at + C.SITEMAP_LASTMOD_DELTA)}</lastmod></url>\n"
            for a in self.newest()
            if a.in_pages
        ]
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{"".join(rows)}</urlset>\n'
        )

    # --- pages ---------------------------------------------------------------------------------
    def page(self, title: str, main: str, *, canonical: str, head: str = "", script: str = "") -> str:
        nav = " ".join(f'<a href="{esc(h)}">{esc(label)}</a>' for label, h in C.NAV)
        footer = "".join(f"<p>{esc(t)}</p>" for t in C.FOOTER_TEXTS)
        return (
            f'<!doctype html>\n<html lang="en-IE">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{esc(title)} — {C.SITE_NAME}</title>\n"
            f'<link rel="canonical" href="{esc(canonical)}">\n{head}'
            '<script src="/static/ledger.js" defer></script>\n</head>\n'
            f'<body class="vl-body">\n<header class="vl-top"><a class="vl-brand" href="{ORIGIN}/">{C.SITE_NAME}</a>'
            f'<nav class="vl-nav">{nav}</nav></header>\n{main}\n'
            f'<div class="vl-support"><h2>{esc(C.DONATE_TITLE)}</h2><p>{esc(C.DONATE_TEXT)}</p>'
            '<a href="/support/">Support the Ledger</a></div>\n'
            f'<div class="vl-foot">{footer}<p>{C.SITE_NAME} Cooperative</p></div>\n{script}</body>\n</html>\n'
        )

    def _head_meta(self, a: Article) -> str:
        out = ""
        if a.og:
            out += (
                f'<meta property="og:type" content="article">\n<meta property="og:title" content="{esc(a.title)}">\n'
                f'<meta property="og:url" content="{a.url}">\n'
            )
        if a.page_date == "meta":
            out += f'<meta property="article:published_time" content="{a.published_at.isoformat()}">\n'
        if a.jsonld:
            data: dict[str, object] = {
                "@context": "https://schema.org",
                "@type": "NewsArticle",
                "headline": a.title,
                "url": a.url,
                "author": [{"@type": "Person", "name": n} for n in a.authors],
                "publisher": {"@type": "Organization", "name": C.SITE_NAME},
            }
            if a.page_date == "jsonld":
                data["datePublished"] = a.published_at.isoformat()
            out += f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>\n'
        return out

    def body_script(self, a: Article) -> str:
        """A script that writes the body into its empty container from a base64 string (as the replica's
        challenge.body_script): the raw HTML holds none of the article's words."""
        body = "".join(p.html() for p in a.paragraphs)
        encoded = base64.b64encode(body.encode("utf-8")).decode("ascii")
        return (
            "<script>(function () {"
            f"var bytes = Uint8Array.from(atob({json.dumps(encoded)}), function (ch) {{ return ch.charCodeAt(0); }});"
            f"document.getElementById({json.dumps(BODY_ID)}).innerHTML = new TextDecoder('utf-8').decode(bytes);"
            "})();</script>\n"
        )

    def article_page(self, a: Article) -> str:
        when = ""
        if a.page_date == "visible":
            stamp = a.published_at.replace(tzinfo=None).isoformat(timespec="minutes")
            when = f'<div class="vl-article__when"><time datetime="{stamp}">{a.published_at:%d.%m.%Y %H:%M}</time></div>\n'
        main = (
            f'<article class="vl-article" data-story="{a.id}">\n<h1 class="vl-article__title">{esc(a.title)}</h1>\n'
            f'<div class="vl-article__byline">By {esc(" and ".join(a.authors))}</div>\n{when}'
            f'<div class="vl-article__content" id="{BODY_ID}"><noscript>{esc(C.NOSCRIPT)}</noscript></div>\n'
            "</article>"
        )
        return self.page(a.title, main, canonical=a.url, head=self._head_meta(a), script=self.body_script(a))

    def static_page(self, path: str) -> str | None:
        if path == "/":
            items = "".join(f'<li><a href="{a.path}">{esc(a.title)}</a></li>' for a in self.newest())
            return self.page(C.SITE_NAME, f"<h1>{C.SITE_NAME}</h1>\n<ul>{items}</ul>", canonical=ORIGIN + "/")
        parts = path.strip("/").split("/")
        if not path.endswith("/"):
            return None
        if len(parts) == 1 and parts[0] in C.STATIC_PAGES:
            title, texts = C.STATIC_PAGES[parts[0]]
            main = f"<h1>{esc(title)}</h1>\n" + "".join(f"<p>{esc(t)}</p>" for t in texts)
            return self.page(title, main, canonical=ORIGIN + path)
        if len(parts) == 2 and parts[0] == "sections" and parts[1] in C.SECTIONS:
            items = "".join(f'<li><a href="{a.url}">{esc(a.title)}</a></li>' for a in self.newest())
            main = f"<h1>{esc(C.SECTIONS[parts[1]])}</h1>\n<ul>{items}</ul>"
            return self.page(C.SECTIONS[parts[1]], main, canonical=ORIGIN + path)
        return None

    # --- routing -------------------------------------------------------------------------------
    def handle(self, target: str, headers: Mapping[str, str] | None = None) -> Reply:
        path = urlsplit(target).path or "/"
        if path == "/robots.txt":
            return Reply(200, self.robots_txt().encode(), TEXT)
        if path == INDEX_PATH:
            return Reply(200, self.sitemap_index().encode("utf-8"), XML)
        if path == NEWS_SITEMAP_PATH:  # the file is gzip; no Content-Encoding, so no client unpacks it
            return Reply(200, self.news_sitemap_gz(), GZIP)
        if path == PAGES_SITEMAP_PATH:
            return Reply(200, self.pages_sitemap().encode("utf-8"), XML)
        if (a := self.by_path(path)) is not None:
            return html_reply(self.article_page(a))
        if (page := self.static_page(path)) is not None:
            return html_reply(page)
        return html_reply(self.page("Not found", "<h1>Page not found</h1>", canonical=ORIGIN + path), 404)


def build_site() -> SitemapSite:
    return SitemapSite()


@contextmanager
def serve(site: SitemapSite | None = None) -> Iterator[SiteServer]:
    """`with serve() as server:` the site at server.base_url (127.0.0.1, a free port), request log kept."""
    site = site or build_site()
    with SiteServer(site.handle) as server:
        yield server
