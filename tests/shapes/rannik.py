"""Põhjarannik: an Estonian news site with numeric article ids and an Atom feed only (Europe/Tallinn).

URL layout:
  /uudised/<id>  /arvamus/<id>    article (30: news and opinion); <time datetime> with the offset, og:type
                                  article on most, JSON-LD on some; "Loe ka" box, "Värsked uudised" column
  /autor/<n>  /teema/<n>          author (rel=author) and topic pages (chips in a labelled <nav>): the same
                                  shape as an article, never records
  /rubriik/<slug>[?lk=N]          section listings, 6 a page, page number in the query
  /uudised.atom                   Atom 1.0 (advertised only; no usual path), the 15 newest and one topic page
  /  /toimetus                    home, about the newsroom;  robots.txt without a sitemap
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from tests.site_server import SiteServer

from .common import ATOM, TEXT, Reply, Truth, Words, base_of, esc, headline, html, iso, paragraphs

ZONE = ZoneInfo("Europe/Tallinn")
NAME = "Põhjarannik"
PER_PAGE = 6
SECTIONS = {"eesti": "Eesti", "maailm": "Maailm", "arvamus": "Arvamus"}
TOPICS = {3: "Sadamad", 4: "Haridus", 5: "Kliima", 6: "Kultuur"}
AUTHORS = {11: "Kadri Tamm", 12: "Jaan Saar", 13: "Liis Kask"}
FEED_TOPIC = 5  # the topic page the feed lists among its entries
READ_ALSO = "Loe ka"
NEWS_FEED = "Värsked uudised"
WORDS = Words(
    subjects=["Linnavalitsus", "Riigikogu", "Sadama juhatus", "Kalurite ühing", "Ülikool", "Päästeamet", "Vallavolikogu"],
    verbs=["kinnitas", "lükkas edasi", "arutab", "kritiseeris", "avas"],
    objects=["uue sadamakai", "bussiliini", "kultuurieelarve", "koolimaja remondi", "turuhoone", "suvefestivali"],
    places=["Narvas", "Kundas", "Rakveres", "Haapsalus", "Tallinnas", "Paldiskis"],
    sentences=[
        "{subject} teatas, et {object} ehitus {place} maksab {number} tuhat eurot.",
        "{subject} sõnul laekus {object} kohta {number} ettepanekut.",
        "Otsus {object} kohta {place} tehakse pärast {number} päeva kestnud arutelu.",
        "Esmaspäeval võttis {subject} vastu {number} taotlust.",
        "Hinnangute järgi teenindab {object} {place} päevas umbes {number} inimest.",
    ],
)  # fmt: skip


@dataclass(frozen=True)
class Article:
    id: int
    title: str
    published: datetime
    section: str
    topics: tuple[int, ...]
    author: int
    jsonld: bool
    paragraphs: tuple[str, ...]

    @property
    def path(self) -> str:
        return f"/{'arvamus' if self.section == 'arvamus' else 'uudised'}/{self.id}"


class RannikSite:
    def __init__(self) -> None:
        start = datetime(2026, 3, 14, 8, 15, tzinfo=ZONE)
        sections, topics = list(SECTIONS), list(TOPICS)
        self.articles = [
            Article(
                id=48201 + i * 2,
                title=headline(WORDS, i),
                published=start + timedelta(days=i, hours=(i * 3) % 10, minutes=(i * 11) % 60),
                section=sections[0] if i % 4 in (0, 2) else sections[1 + (i % 4 == 3)],
                topics=(topics[i % 4],),
                author=11 + i % 3,
                jsonld=i % 3 == 0,
                paragraphs=tuple(paragraphs(WORDS, 500 + i)),
            )
            for i in range(30)
        ]
        self.by_path = {a.path: a for a in self.articles}

    def newest(self) -> list[Article]:
        return sorted(self.articles, key=lambda a: a.published, reverse=True)

    def truth(self) -> Truth:
        hubs = {"/", "/toimetus", "/uudised.atom", *(f"/rubriik/{s}" for s in SECTIONS)}
        hubs |= {f"/teema/{t}" for t in TOPICS} | {f"/autor/{a}" for a in AUTHORS}
        return Truth(frozenset(self.by_path), frozenset(hubs), "Europe/Tallinn", READ_ALSO, NEWS_FEED)

    # --- pages ---------------------------------------------------------------------------------
    def page(self, base: str, title: str, main: str, *, head: str = "") -> str:
        menu = "".join(f'<li><a href="/rubriik/{s}">{esc(n)}</a></li>' for s, n in SECTIONS.items())
        chips = "".join(f'<a class="silt" href="/teema/{t}">{esc(n)}</a> ' for t, n in TOPICS.items())
        latest = "".join(
            f'<li><a href="{a.path}"><span class="kell">{a.published:%H:%M}</span> {esc(a.title)}</a></li>'
            for a in self.newest()[:6]
        )
        return (
            f'<!doctype html>\n<html lang="et">\n<head>\n<meta charset="utf-8">\n<title>{esc(title)} — {NAME}</title>\n'
            f'<link rel="alternate" type="application/atom+xml" title="{NAME}" href="/uudised.atom">\n{head}</head>\n<body>\n'
            f'<div class="pais"><a href="/" class="logo">{NAME}</a><ul class="rubriigid">{menu}<li><a href="/toimetus">Toimetus</a></li></ul>\n'
            f'<nav class="teemad" aria-label="Teemad">{chips}</nav></div>\n'
            f'<div class="sisu">\n<main>\n{main}\n</main>\n'
            f'<div class="kulg"><h2>{NEWS_FEED}</h2><ul>{latest}</ul></div>\n</div>\n'
            f'<div class="jalus"><p>© 2026 {NAME} · Kõik õigused kaitstud</p></div>\n</body>\n</html>\n'
        )

    def article_page(self, base: str, a: Article) -> str:
        if a.jsonld:
            data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": a.title,
                    "datePublished": iso(a.published), "author": {"@type": "Person", "name": AUTHORS[a.author]}}  # fmt: skip
            head = f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>\n'
        else:
            head = f'<meta property="og:type" content="article">\n<meta property="og:title" content="{esc(a.title)}">\n'
        i = self.articles.index(a)
        related = [self.articles[(i + k) % len(self.articles)] for k in (3, 8, 13)]
        box = "".join(f'<li><a href="{r.path}">{esc(r.title)}</a></li>' for r in related)
        paras = [f"<p>{esc(p)}</p>" for p in a.paragraphs]
        body = "\n".join(
            [*paras[:3], f'<section class="seotud"><h2>{READ_ALSO}</h2><ul>{box}</ul></section>', *paras[3:]]
        )
        main = (
            f'<article class="lugu">\n<h1>{esc(a.title)}</h1>\n'
            f'<div class="andmed"><a rel="author" href="/autor/{a.author}">{esc(AUTHORS[a.author])}</a> · '
            f'<time datetime="{iso(a.published)}">{a.published:%d.%m.%Y %H:%M}</time> · '
            f'<a href="/teema/{a.topics[0]}">{esc(TOPICS[a.topics[0]])}</a></div>\n'
            f'<div class="tekst">\n{body}\n</div>\n</article>'
        )
        return self.page(base, a.title, main, head=head)

    def listing(self, base: str, title: str, path: str, articles: list[Article], page: int) -> Reply | None:
        pages = max(1, -(-len(articles) // PER_PAGE))
        if page > pages:
            return None
        teasers = "".join(
            f'<article class="kaart"><h3><a href="{a.path}">{esc(a.title)}</a></h3>'
            f'<time datetime="{iso(a.published)}">{a.published:%d.%m}</time></article>\n'
            for a in articles[(page - 1) * PER_PAGE : page * PER_PAGE]
        )
        head = '<script type="application/ld+json">{"@context":"https://schema.org","@type":"CollectionPage"}</script>\n'
        more = ""
        if page < pages:
            head += f'<link rel="next" href="{path}?lk={page + 1}">\n'
            more = f'<div class="lehed"><a href="{path}?lk={page + 1}">Järgmine leht ›</a></div>'
        return html(self.page(base, title, f"<h1>{esc(title)}</h1>\n{teasers}{more}", head=head))

    def atom(self, base: str) -> Reply:
        entries = []
        for a in self.newest()[:15]:
            entries.append(
                f'<entry><title>{esc(a.title)}</title><link href="{base}{a.path}"/><id>{base}{a.path}</id>'
                f"<published>{iso(a.published)}</published><updated>{iso(a.published)}</updated>"
                f"<author><name>{esc(AUTHORS[a.author])}</name></author></entry>\n"
            )
        entries.insert(3, f'<entry><title>Teema: {TOPICS[FEED_TOPIC]}</title><link href="{base}/teema/{FEED_TOPIC}"/>'
                          f"<id>{base}/teema/{FEED_TOPIC}</id><updated>2026-04-10T09:00:00+03:00</updated></entry>\n")  # fmt: skip
        updated = self.newest()[0].published.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        body = (
            f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="et">\n'
            f"<title>{NAME}</title><id>{base}/</id><updated>{updated}</updated>\n"
            f'<link rel="self" href="{base}/uudised.atom"/>\n{"".join(entries)}</feed>\n'
        )
        return Reply(200, body.encode("utf-8"), ATOM)

    # --- routing -------------------------------------------------------------------------------
    def handle(self, target: str, headers: Mapping[str, str]) -> Reply:
        base = base_of(headers)
        parts = urlsplit(target)
        path, page = parts.path or "/", int((parse_qs(parts.query).get("lk") or ["1"])[0] or 1)
        newest = self.newest()
        if path == "/robots.txt":
            return Reply(200, b"User-agent: *\nDisallow: /otsi\n", TEXT)
        if path == "/uudised.atom":
            return self.atom(base)
        if (a := self.by_path.get(path)) is not None:
            return html(self.article_page(base, a))
        segments = path.strip("/").split("/")
        reply = None
        if path == "/":
            reply = self.listing(base, NAME, "/", newest, page)
        elif path == "/toimetus":
            reply = html(
                self.page(base, "Toimetus", "<h1>Toimetus</h1><p>Põhjarannik on sõltumatu maakonnaleht.</p>")
            )
        elif len(segments) == 2 and segments[0] == "rubriik" and segments[1] in SECTIONS:
            found = [a for a in newest if a.section == segments[1]]
            reply = self.listing(base, SECTIONS[segments[1]], path, found, page)
        elif len(segments) == 2 and segments[1].isdigit():
            n = int(segments[1])
            if segments[0] == "teema" and n in TOPICS:
                reply = self.listing(base, TOPICS[n], path, [a for a in newest if n in a.topics], page)
            elif segments[0] == "autor" and n in AUTHORS:
                reply = self.listing(base, AUTHORS[n], path, [a for a in newest if a.author == n], page)
        return reply or html(self.page(base, "Lehte ei leitud", "<h1>Lehte ei leitud</h1>"), 404)


@contextmanager
def serve() -> Iterator[SiteServer]:
    site = RannikSite()
    with SiteServer(site.handle) as server:
        server.site = site
        yield server
