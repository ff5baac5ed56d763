"""Hlas Pomoraví: a Czech news site (Europe/Prague) built to test how `newsmon discover` picks related labels
by behaviour. Invented after the rules were chosen.

URL layout:
  /<rubrika>/<id>-<slug>          article (48) in 8 sections; JSON-LD NewsArticle. Side column: "Nejnovější"
                                  (the 6 newest, the same on every page) and "Nejčtenější", a card grid of 5
                                  stories drawn per page from a pool of 9 (it rotates), each card with the
                                  author's name under its title. Only every sixth article has a "Souvisí"
                                  box (2 related stories) after its second paragraph; 2 stories are linked
                                  from those boxes only (no listing, no feed names them)
  /<rubrika>/                     8 section listings (the menu), 6 newest each
  /tema/<slug>                    topic pages (a plain "Témata:" line under each article), listings
  /export/clanky.xml              RSS of the 12 newest, linked ("RSS") from the /region/ section page only
  /  /o-nas                       home (10 newest), about; no sitemap, the usual feed paths answer 404
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from tests.site_server import SiteServer

from .common import TEXT, Reply, Words, base_of, esc, headline, html, iso, paragraphs, rss_reply, slugify

ZONE = ZoneInfo("Europe/Prague")
NAME = "Hlas Pomoraví"
SECTIONS = {
    "domov": "Domov", "svet": "Svět", "ekonomika": "Ekonomika", "sport": "Sport", "kultura": "Kultura",
    "veda": "Věda", "region": "Region", "nazory": "Názory",
}  # fmt: skip
TOPICS = {"doprava": "Doprava", "skoly": "Školy", "povodne": "Povodně", "rozpocet": "Rozpočet"}
AUTHORS = ("Jana Dvořáková", "Petr Svoboda", "Lucie Marková", "Tomáš Král", "Eva Benešová")
READ_ALSO = "Souvisí"
NEWS_FEED = "Nejnovější"
MOST_READ = "Nejčtenější"
FEED = "/export/clanky.xml"
FEED_SECTION = "region"
COUNT = 48
HIDDEN = 2  # stories linked from "Souvisí" boxes only
WORDS = Words(
    subjects=["Krajský úřad", "Starosta Olomouce", "Obyvatelé Přerova", "Spolek rybářů", "Ministerstvo",
              "Divadlo Na Hradbách", "Dopravní podnik", "Studenti"],
    verbs=["oznamuje", "odkládá", "schvaluje", "kritizuje", "otevírá", "plánuje"],
    objects=["nový most", "opravu nábřeží", "rozpočet kultury", "tramvajovou trať", "tržnici",
             "letní festival", "polikliniku"],
    places=["v Olomouci", "v Prostějově", "v Přerově", "ve Zlíně", "v Kroměříži", "v Šumperku"],
    sentences=[
        "{subject} uvedl, že {object} {place} bude stát {number} milionů korun.",
        "Podle údajů, které má {subject}, k záměru {object} přišlo {number} připomínek.",
        "O tom, zda {object} {place} vznikne letos, se rozhodne po {number} dnech připomínkového řízení.",
        "V pondělí {subject} přijal {number} žádostí o dotaci na investice.",
        "Odborníci odhadují, že {object} {place} obslouží zhruba {number} lidí denně.",
    ],
)  # fmt: skip


@dataclass(frozen=True)
class Article:
    id: int
    title: str
    published: datetime
    section: str
    topics: tuple[str, ...]
    author: str
    paragraphs: tuple[str, ...]
    hidden: bool = False

    @property
    def path(self) -> str:
        return f"/{self.section}/{self.id}-{slugify(self.title)}"


class HlasSite:
    def __init__(self) -> None:
        start = datetime(2026, 3, 2, 6, 40, tzinfo=ZONE)
        sections, topics = list(SECTIONS), list(TOPICS)
        self.articles = [
            Article(
                id=51000 + i * 7,
                title=headline(WORDS, i),
                published=start + timedelta(days=i // 2, hours=(i * 5) % 12, minutes=(i * 17) % 60),
                section=sections[i % len(sections)],
                topics=(topics[i % 4], topics[(i + 1) % 4]),
                author=AUTHORS[i % len(AUTHORS)],
                paragraphs=tuple(paragraphs(WORDS, 700 + i)),
                hidden=i < HIDDEN,
            )
            for i in range(COUNT)
        ]
        self.by_path = {a.path: a for a in self.articles}
        self.pool = [a for a in self.newest() if not a.hidden][12:21]  # the "most read" pool

    def newest(self, *, listed: bool = True) -> list[Article]:
        found = sorted(self.articles, key=lambda a: a.published, reverse=True)
        return [a for a in found if not (listed and a.hidden)]

    def related(self, a: Article) -> list[Article]:
        """The "Souvisí" box: every sixth article, newest first, has one (the newest among them)."""
        order = self.newest()
        if a.hidden or order.index(a) % 6:
            return []
        k = order.index(a) // 6
        hidden = [x for x in self.articles if x.hidden]
        first = hidden[k] if k < len(hidden) else order[(order.index(a) + 23) % len(order)]
        return [first, order[(order.index(a) + 31) % len(order)]]

    def most_read(self, a: Article | None) -> list[Article]:
        seed = a.id if a is not None else 3
        return [self.pool[(seed // 7 + k * 2) % len(self.pool)] for k in range(5)]

    # --- truth ---------------------------------------------------------------------------------
    def related_truth(self) -> dict[str, set[str]]:
        return {a.path: {r.path for r in self.related(a)} for a in self.articles}

    def hubs(self) -> set[str]:
        return {"/", "/o-nas", FEED, *(f"/{s}/" for s in SECTIONS), *(f"/tema/{t}" for t in TOPICS)}

    # --- pages ---------------------------------------------------------------------------------
    def page(self, title: str, main: str, current: Article | None, *, head: str = "") -> str:
        menu = "".join(f'<li><a href="/{s}/">{esc(n)}</a></li>' for s, n in SECTIONS.items())
        latest = "".join(f'<li><a href="{a.path}">{esc(a.title)}</a></li>' for a in self.newest()[:6])
        cards = "".join(
            f'<div class="karta"><a href="{a.path}"><h4>{esc(a.title)}</h4></a>'
            f'<span class="jmeno">{esc(a.author)}</span></div>'
            for a in self.most_read(current)
        )
        return (
            f'<!DOCTYPE html>\n<html lang="cs">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{esc(title)} | {NAME}</title>\n{head}</head>\n<body>\n"
            f'<header><a class="logo" href="/">{NAME}</a><nav><ul>{menu}</ul></nav></header>\n'
            f'<div class="obsah"><main>\n{main}\n</main>\n'
            f'<aside class="sloupec"><section class="nejnovejsi"><h3>{NEWS_FEED}</h3><ul>{latest}</ul></section>'
            f'<section class="nejctenejsi"><h3>{MOST_READ}</h3><div class="mrizka">{cards}</div></section>'
            "</aside></div>\n"
            f'<footer><p>© 2026 {NAME}</p><a href="/o-nas">O nás</a></footer>\n</body>\n</html>\n'
        )

    def article_page(self, base: str, a: Article) -> str:
        data = {
            "@context": "https://schema.org", "@type": "NewsArticle", "headline": a.title,
            "datePublished": iso(a.published), "author": {"@type": "Person", "name": a.author},
        }  # fmt: skip
        head = (
            f'<link rel="canonical" href="{base}{a.path}">\n'
            f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>\n'
        )
        paras = [f"<p>{esc(p)}</p>" for p in a.paragraphs]
        related = self.related(a)
        if related:
            items = "".join(f'<li><a href="{r.path}">{esc(r.title)}</a></li>' for r in related)
            paras.insert(2, f'<div class="box"><h4>{READ_ALSO}</h4><ul>{items}</ul></div>')
        topics = ", ".join(f'<a href="/tema/{t}">{esc(TOPICS[t])}</a>' for t in a.topics)
        main = (
            f"<article><h1>{esc(a.title)}</h1>\n"
            f'<p class="podpis">{esc(a.author)}, {a.published:%d. %m. %Y %H:%M}</p>\n'
            + "\n".join(paras)
            + f'\n<p class="stitky">Témata: {topics}</p></article>'
        )
        return self.page(a.title, main, a, head=head)

    def listing(self, title: str, articles: list[Article], extra: str = "") -> Reply:
        teasers = "".join(
            f'<div class="upoutavka"><h2><a href="{a.path}">{esc(a.title)}</a></h2>'
            f"<p>{esc(a.paragraphs[0][:90])}…</p></div>\n"
            for a in articles
        )
        return html(self.page(title, f"<h1>{esc(title)}</h1>\n{teasers}{extra}", None))

    def feed(self, base: str) -> Reply:
        return rss_reply(base, NAME, ((a.title, a.path, a.published) for a in self.newest()[:12]))

    def handle(self, target: str, headers: Mapping[str, str]) -> Reply:
        base = base_of(headers)
        path = urlsplit(target).path or "/"
        if path == "/robots.txt":
            return Reply(200, b"User-agent: *\nDisallow: /hledat\n", TEXT)
        if path == FEED:
            return self.feed(base)
        if (a := self.by_path.get(path)) is not None:
            return html(self.article_page(base, a))
        if path == "/":
            return self.listing(NAME, self.newest()[:10])
        section = path.strip("/")
        if path.endswith("/") and section in SECTIONS:
            extra = f'<p class="rss"><a href="{FEED}">RSS</a></p>' if section == FEED_SECTION else ""
            return self.listing(
                SECTIONS[section], [a for a in self.newest() if a.section == section][:6], extra
            )
        if path.startswith("/tema/") and path[6:] in TOPICS:
            topic = path[6:]
            return self.listing(TOPICS[topic], [a for a in self.newest() if topic in a.topics][:8])
        if path == "/o-nas":
            return html(self.page("O nás", "<h1>O nás</h1><p>Hlas Pomoraví je regionální deník.</p>", None))
        return html(self.page("Nenalezeno", "<h1>Stránka nenalezena</h1>", None), 404)


@contextmanager
def serve() -> Iterator[SiteServer]:
    site = HlasSite()
    with SiteServer(site.handle) as server:
        server.site = site
        yield server
