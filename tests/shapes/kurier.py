"""Kurier Nadwiślański: a Polish news site with no feed, found through its sitemaps (Europe/Warsaw).

URL layout:
  /<dział>/<slug>,<id>.html       article (32) in four sections; JSON-LD NewsArticle; "Czytaj także" box
                                  after the second paragraph, "Najnowsze" list in the side column
  /temat/<slug>,<id>.html         topic pages (rel=tag): the same shape as an article, never records
  /autor/<slug>,<id>.html         author pages (linked from the signature line, no rel): same shape again
  /<dział>/[?strona=N]            section listings, page number in the query
  /robots.txt                     `Sitemap: <origin>/sitemap-index.xml`
  /sitemap-index.xml              -> /sitemaps/artykuly-2026-04.xml, /sitemaps/artykuly-2026-03.xml (lastmod),
                                     /sitemaps/strony.xml (home, sections, topic pages, about)
  /  /o-nas.html                  home, about;  /feed/, /rss.xml, ...: 404
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from tests.site_server import SiteServer

from .common import TEXT, XML, Reply, Truth, Words, base_of, esc, headline, html, iso, paragraphs, slugify

ZONE = ZoneInfo("Europe/Warsaw")
NAME = "Kurier Nadwiślański"
PER_PAGE = 6
SECTIONS = {"kraj": "Kraj", "swiat": "Świat", "kultura": "Kultura", "sport": "Sport"}
TOPICS = {71: "Wisła", 72: "Koleje", 73: "Szkoły", 74: "Powódź", 75: "Teatr", 76: "Budżet"}
AUTHORS = {5: "Anna Nowak", 6: "Piotr Zieliński", 7: "Marta Wójcik"}
READ_ALSO = "Czytaj także"
NEWS_FEED = "Najnowsze"
WORDS = Words(
    subjects=["Rada miasta", "Wojewoda", "Mieszkańcy Płocka", "Związek rolników", "Ministerstwo", "Teatr Wielki",
              "Kolej Mazowiecka", "Uczniowie"],
    verbs=["zapowiada", "odkłada", "zatwierdza", "krytykuje", "otwiera", "planuje"],
    objects=["nowy most", "remont nabrzeża", "budżet kultury", "linię tramwajową", "halę targową", "festiwal letni",
             "przychodnię"],
    places=["w Toruniu", "we Włocławku", "w Płocku", "w Grudziądzu", "w Warszawie", "w Sandomierzu"],
    sentences=[
        "{subject} poinformowała, że {object} {place} będzie kosztować {number} tysięcy złotych.",
        "Według danych, które ma {subject}, w sprawie {object} wpłynęło {number} uwag.",
        "Decyzja o tym, czy {object} {place} powstanie w tym roku, zapadnie po {number} dniach konsultacji.",
        "W poniedziałek {subject} przyjęła {number} wniosków dotyczących inwestycji.",
        "Eksperci szacują, że {object} {place} obsłuży około {number} osób dziennie.",
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
    paragraphs: tuple[str, ...]

    @property
    def path(self) -> str:
        return f"/{self.section}/{slugify(self.title)},{self.id}.html"


def topic_path(topic: int) -> str:
    return f"/temat/{slugify(TOPICS[topic])},{topic}.html"


def author_path(author: int) -> str:
    return f"/autor/{slugify(AUTHORS[author])},{author}.html"


class KurierSite:
    def __init__(self) -> None:
        start = datetime(2026, 3, 10, 7, 30, tzinfo=ZONE)
        sections, topics = list(SECTIONS), list(TOPICS)
        self.articles = [
            Article(
                id=38200 + i * 3,
                title=headline(WORDS, i),
                published=start + timedelta(days=i, hours=(i * 7) % 11, minutes=(i * 13) % 60),
                section=sections[i % 4],
                topics=(topics[i % 6], topics[(i + 2) % 6]),
                author=5 + i % 3,
                paragraphs=tuple(paragraphs(WORDS, 300 + i)),
            )
            for i in range(32)
        ]
        self.by_path = {a.path: a for a in self.articles}

    def newest(self) -> list[Article]:
        return sorted(self.articles, key=lambda a: a.published, reverse=True)

    def truth(self) -> Truth:
        hubs = {"/", "/o-nas.html", *(f"/{s}/" for s in SECTIONS)}
        hubs |= {topic_path(t) for t in TOPICS} | {author_path(a) for a in AUTHORS}
        return Truth(frozenset(self.by_path), frozenset(hubs), "Europe/Warsaw", READ_ALSO, NEWS_FEED)

    # --- pages ---------------------------------------------------------------------------------
    def page(self, base: str, title: str, main: str, *, head: str = "") -> str:
        menu = " ".join(f'<a class="dzial" href="/{s}/">{esc(n)}</a>' for s, n in SECTIONS.items())
        latest = "".join(f'<li><a href="{a.path}">{esc(a.title)}</a></li>' for a in self.newest()[:6])
        return (
            f'<!DOCTYPE html>\n<html lang="pl-PL">\n<head>\n<meta charset="utf-8">\n<title>{esc(title)} | {NAME}</title>\n'
            f"{head}</head>\n<body>\n"
            f'<div class="naglowek"><a class="logo" href="/">{NAME}</a><nav class="dzialy">{menu} '
            '<a href="/o-nas.html">O nas</a></nav></div>\n'
            f'<div class="uklad"><div class="kolumna-glowna">\n{main}\n</div>\n'
            f'<aside class="kolumna-boczna"><section class="najnowsze"><h3>{NEWS_FEED}</h3><ol>{latest}</ol></section>'
            '<section class="reklama"><p>Prenumerata cyfrowa: pierwszy miesiąc za złotówkę.</p></section></aside></div>\n'
            f'<div class="stopka"><p>© 2026 {NAME} sp. z o.o.</p><p><a href="/o-nas.html">Redakcja</a></p></div>\n</body>\n</html>\n'
        )

    def article_page(self, base: str, a: Article) -> str:
        data = {
            "@context": "https://schema.org", "@type": "NewsArticle", "headline": a.title,
            "datePublished": iso(a.published), "author": {"@type": "Person", "name": AUTHORS[a.author]},
            "articleSection": SECTIONS[a.section], "publisher": {"@type": "NewsMediaOrganization", "name": NAME},
        }  # fmt: skip
        head = (
            f'<link rel="canonical" href="{base}{a.path}">\n'
            f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>\n'
        )
        i = self.articles.index(a)
        related = [self.articles[(i + k) % len(self.articles)] for k in (5, 9)]
        box = "".join(f'<li><a href="{r.path}">{esc(r.title)}</a></li>' for r in related)
        paras = [f"<p>{esc(p)}</p>" for p in a.paragraphs]
        body = "\n".join(
            [*paras[:2], f'<div class="ramka"><h4>{READ_ALSO}:</h4><ul>{box}</ul></div>', *paras[2:]]
        )
        topics = " ".join(f'<a rel="tag" href="{topic_path(t)}">{esc(TOPICS[t])}</a>' for t in a.topics)
        stamp = a.published.strftime("%d.%m.%Y, %H:%M")
        main = (
            f'<div class="artykul">\n<h1>{esc(a.title)}</h1>\n'
            f'<p class="podpis"><a href="{author_path(a.author)}">{esc(AUTHORS[a.author])}</a> · {stamp}</p>\n'
            f'<div class="tresc">\n{body}\n</div>\n<p class="tematy">Tematy: {topics}</p>\n</div>'
        )
        return self.page(base, a.title, main, head=head)

    def listing(self, base: str, title: str, articles: list[Article], page: int, path: str) -> Reply | None:
        pages = max(1, -(-len(articles) // PER_PAGE))
        if page > pages:
            return None
        teasers = "".join(
            f'<div class="zajawka"><h2><a href="{a.path}">{esc(a.title)}</a></h2><p>{esc(a.paragraphs[0][:100])}…</p></div>\n'
            for a in articles[(page - 1) * PER_PAGE : page * PER_PAGE]
        )
        head, more = "", ""
        if page < pages:
            head = f'<link rel="next" href="{path}?strona={page + 1}">\n'
            more = f'<p class="stronicowanie"><a href="{path}?strona={page + 1}">Następna strona</a></p>'
        return html(self.page(base, title, f"<h1>{esc(title)}</h1>\n{teasers}{more}", head=head))

    def urlset(self, base: str, entries: list[tuple[str, str]]) -> Reply:
        rows = "".join(f"<url><loc>{base}{p}</loc><lastmod>{m}</lastmod></url>\n" for p, m in entries)
        body = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}</urlset>\n'
        return Reply(200, body.encode(), XML)

    def sitemap(self, base: str, path: str) -> Reply | None:
        if path == "/sitemap-index.xml":
            rows = "".join(
                f"<sitemap><loc>{base}{p}</loc>{f'<lastmod>{m}</lastmod>' if m else ''}</sitemap>\n"
                for p, m in (("/sitemaps/artykuly-2026-04.xml", "2026-04-10T08:00:00+02:00"),
                             ("/sitemaps/artykuly-2026-03.xml", "2026-03-31T20:00:00+02:00"),
                             ("/sitemaps/strony.xml", ""))
            )  # fmt: skip
            body = f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}</sitemapindex>\n'
            return Reply(200, body.encode(), XML)
        for month in ("03", "04"):
            if path == f"/sitemaps/artykuly-2026-{month}.xml":
                found = [a for a in self.newest() if f"{a.published:%m}" == month]
                return self.urlset(base, [(a.path, iso(a.published)) for a in found])
        if path == "/sitemaps/strony.xml":
            pages = ["/", "/o-nas.html", *(f"/{s}/" for s in SECTIONS), *(topic_path(t) for t in TOPICS)]
            return self.urlset(base, [(p, "2026-04-01") for p in pages])
        return None

    # --- routing -------------------------------------------------------------------------------
    def handle(self, target: str, headers: Mapping[str, str]) -> Reply:
        base = base_of(headers)
        parts = urlsplit(target)
        path, page = parts.path or "/", int((parse_qs(parts.query).get("strona") or ["1"])[0] or 1)
        if path == "/robots.txt":
            return Reply(
                200, f"User-agent: *\nDisallow: /szukaj\n\nSitemap: {base}/sitemap-index.xml\n".encode(), TEXT
            )
        if (reply := self.sitemap(base, path)) is not None:
            return reply
        if (a := self.by_path.get(path)) is not None:
            return html(self.article_page(base, a))
        reply = None
        if path == "/":
            reply = self.listing(base, NAME, self.newest(), page, "/")
        elif path.strip("/") in SECTIONS:
            section = path.strip("/")
            reply = self.listing(
                base,
                SECTIONS[section],
                [a for a in self.newest() if a.section == section],
                page,
                f"/{section}/",
            )
        elif path == "/o-nas.html":
            reply = html(
                self.page(
                    base, "O nas", "<h1>O nas</h1><p>Kurier Nadwiślański to niezależna gazeta regionalna.</p>"
                )
            )
        for topic in TOPICS:
            if path == topic_path(topic):
                reply = self.listing(
                    base, TOPICS[topic], [a for a in self.newest() if topic in a.topics], page, path
                )
        for author in AUTHORS:
            if path == author_path(author):
                reply = self.listing(
                    base, AUTHORS[author], [a for a in self.newest() if a.author == author], page, path
                )
        return reply or html(self.page(base, "Nie znaleziono", "<h1>Nie znaleziono strony</h1>"), 404)


@contextmanager
def serve() -> Iterator[SiteServer]:
    site = KurierSite()
    with SiteServer(site.handle) as server:
        server.site = site
        yield server
