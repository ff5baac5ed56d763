"""Вежа: a Drupal-like Ukrainian news site in three languages (Europe/Kyiv), built to test the article pattern
over language prefixes and node aliases, and label choice against date lines and a rotating block. Invented
after the rules were chosen.

URL layout:
  /uk/novyny/<slug>               article (20) in Ukrainian; each has its translations /ru/novosti/<slug> and
                                  /en/news/<slug> (<link rel=alternate hreflang>, a language switcher) and
                                  its short link /node/<nid> (rel=shortlink; the "Популярне" block links the
                                  node aliases). An inline "Читайте також:" line after the first paragraph;
                                  "Останні новини" in the side column, each item with its date line
  /node/<nid>                     the same article (canonical: the Ukrainian path)
  /uk/rubryka/<name>  /uk/tag/<name>   section (menu) and tag listings
  /uk/rss.xml                     RSS of the 10 newest (Ukrainian), advertised
  /  /ru  /en                     home pages
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from tests.site_server import SiteServer

from .common import RSS, TEXT, Reply, Words, base_of, esc, headline, html, iso, paragraphs, slugify

ZONE = ZoneInfo("Europe/Kyiv")
NAME = "Вежа"
SECTIONS = {"polityka": "Політика", "ekonomika": "Економіка", "kultura": "Культура"}
TAGS = ("lviv", "dnipro", "osvita")
MONTHS = ("січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня", "жовтня",
          "листопада", "грудня")  # fmt: skip
READ_ALSO = "Читайте також"
NEWS_FEED = "Останні новини"
POPULAR = "Популярне"
LANGS = {"uk": "novyny", "ru": "novosti", "en": "news"}
LABELS = {
    "uk": (READ_ALSO, NEWS_FEED),
    "ru": ("Читайте также", "Последние новости"),
    "en": ("Read also", "Latest"),
}
WORDS = Words(
    subjects=["Міська рада", "Облдержадміністрація", "Мешканці Калуша", "Спілка фермерів", "Міністерство",
              "Драмтеатр", "Залізниця", "Студенти"],
    verbs=["оголошує", "відкладає", "затверджує", "критикує", "відкриває", "планує"],
    objects=["новий міст", "ремонт набережної", "бюджет культури", "трамвайну лінію", "критий ринок",
             "літній фестиваль", "амбулаторію"],
    places=["у Львові", "у Дніпрі", "в Калуші", "у Стрию", "в Ужгороді", "у Коломиї"],
    sentences=[
        "{subject} повідомила, що {object} {place} коштуватиме {number} мільйонів гривень.",
        "За даними, які має {subject}, щодо {object} надійшло {number} зауважень.",
        "Рішення про {object} {place} ухвалять після {number} днів громадського обговорення.",
        "У понеділок {subject} отримала {number} заявок на фінансування.",
        "Фахівці оцінюють, що {object} {place} обслуговуватиме близько {number} людей щодня.",
    ],
)  # fmt: skip


@dataclass(frozen=True)
class Article:
    nid: int
    title: str
    slug: str
    published: datetime
    section: str
    tag: str
    paragraphs: tuple[str, ...]

    def path(self, lang: str = "uk") -> str:
        return f"/{lang}/{LANGS[lang]}/{self.slug}"

    @property
    def node(self) -> str:
        return f"/node/{self.nid}"


def shown(value: datetime) -> str:
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}, {value:%H:%M}"


class VezhaSite:
    def __init__(self) -> None:
        start = datetime(2026, 3, 18, 7, 1, tzinfo=ZONE)  # summer time from 29 March
        sections = list(SECTIONS)
        self.articles = []
        for i in range(20):
            title = headline(WORDS, i)
            self.articles.append(
                Article(
                    nid=2400 + i * 13,
                    title=title,
                    slug=f"{slugify(title) or 'stattia'}-{2400 + i * 13}",
                    published=start + timedelta(days=i, hours=(i * 5) % 11, minutes=(i * 7) % 60),
                    section=sections[i % 3],
                    tag=TAGS[i % 3],
                    paragraphs=tuple(paragraphs(WORDS, 400 + i)),
                )
            )
        self.pages: dict[str, tuple[Article, str]] = {}
        for a in self.articles:
            self.pages |= {a.path(lang): (a, lang) for lang in LANGS} | {a.node: (a, "uk")}

    def newest(self) -> list[Article]:
        return sorted(self.articles, key=lambda a: a.published, reverse=True)

    def hubs(self) -> set[str]:
        found = {"/", "/ru", "/en", "/uk/rss.xml", *(f"/uk/rubryka/{s}" for s in SECTIONS)}
        return found | {f"/uk/tag/{t}" for t in TAGS}

    def page(
        self, base: str, title: str, main: str, lang: str, current: Article | None, head: str = ""
    ) -> str:
        menu = "".join(f'<li><a href="/uk/rubryka/{s}">{esc(n)}</a></li>' for s, n in SECTIONS.items())
        switch = "".join(
            f'<li><a hreflang="{code}" href="{current.path(code) if current else "/" + code}">{code.upper()}</a></li>'
            for code in LANGS
            if code != lang
        )
        latest = "".join(
            f'<li><a href="{a.path(lang)}">{esc(a.title)}</a><span>{shown(a.published)}</span></li>'
            for a in self.newest()[:5]
        )
        seed = current.nid if current else 0
        popular = "".join(
            f'<li><a href="{a.node}">{esc(a.title)}</a></li>'
            for a in (self.articles[(seed + k * 3) % 12] for k in range(4))
        )
        return (
            f'<!DOCTYPE html>\n<html lang="{lang}" dir="ltr">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{esc(title)} | {NAME}</title>\n"
            f'<link rel="alternate" type="application/rss+xml" title="{NAME}" href="{base}/uk/rss.xml">\n'
            f'{head}</head>\n<body>\n<header><a href="/">{NAME}</a><nav><ul>{menu}</ul></nav>'
            f'<ul class="language-switcher">{switch}</ul></header>\n'
            f'<div class="layout"><main>\n{main}\n</main>\n<aside><div class="block-views"><h2>{LABELS[lang][1]}</h2>'
            f'<ul>{latest}</ul></div><div class="block-popular"><h2>{POPULAR}</h2><ul>{popular}</ul></div></aside></div>\n'
            "</body>\n</html>\n"
        )

    def article_page(self, base: str, a: Article, lang: str) -> str:
        alternates = "".join(
            f'<link rel="alternate" hreflang="{code}" href="{base}{a.path(code)}">\n' for code in LANGS
        )
        head = (
            f'<link rel="canonical" href="{base}{a.path(lang)}">\n<link rel="shortlink" href="{base}{a.node}">\n'
            f"{alternates}"
            f'<meta property="article:published_time" content="{iso(a.published)}">\n'
        )
        i = self.articles.index(a)
        other = self.articles[(i + 7) % 20]
        text = a.paragraphs if lang == "uk" else paragraphs(WORDS, a.nid * 10 + list(LANGS).index(lang))
        paras = [f"<p>{esc(p)}</p>" for p in text]  # a translation: its own text
        paras.insert(
            1,
            f'<p><strong>{LABELS[lang][0]}:</strong> <a href="{other.path(lang)}">{esc(other.title)}</a></p>',
        )
        main = (
            f'<article class="node node--type-article"><h1>{esc(a.title)}</h1>'
            f'<div class="field--name-created">{shown(a.published)}</div>\n'
            + "\n".join(paras)
            + f'\n<div class="field--name-field-tags"><a href="/uk/tag/{a.tag}">{a.tag}</a></div></article>'
        )
        return self.page(base, a.title, main, lang, a, head)

    def listing(self, base: str, title: str, articles: list[Article], lang: str = "uk") -> Reply:
        teasers = "".join(
            f'<div class="views-row"><h3><a href="{a.path(lang)}">{esc(a.title)}</a></h3></div>\n'
            for a in articles
        )
        return html(self.page(base, title, f"<h1>{esc(title)}</h1>\n{teasers}", lang, None))

    def handle(self, target: str, headers: Mapping[str, str]) -> Reply:
        base = base_of(headers)
        path = urlsplit(target).path or "/"
        if path == "/robots.txt":
            return Reply(200, b"User-agent: *\nDisallow: /admin/\n", TEXT)
        if path == "/uk/rss.xml":
            items = "".join(
                f"<item><title>{esc(a.title)}</title><link>{base}{a.path()}</link>"
                f"<pubDate>{format_datetime(a.published)}</pubDate></item>\n"
                for a in self.newest()[:10]
            )
            body = f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>{NAME}</title>{items}</channel></rss>'
            return Reply(200, body.encode(), RSS)
        if path in self.pages:
            a, lang = self.pages[path]
            return html(self.article_page(base, a, lang))
        if path in ("/", "/ru", "/en"):
            lang = path.strip("/") or "uk"
            return self.listing(base, NAME, self.newest()[:8], lang)
        if path.startswith("/uk/rubryka/") and path[12:] in SECTIONS:
            return self.listing(
                base, SECTIONS[path[12:]], [a for a in self.newest() if a.section == path[12:]]
            )
        if path.startswith("/uk/tag/") and path[8:] in TAGS:
            return self.listing(base, path[8:], [a for a in self.newest() if a.tag == path[8:]])
        return html(self.page(base, "404", "<h1>Сторінку не знайдено</h1>", "uk", None), 404)


@contextmanager
def serve() -> Iterator[SiteServer]:
    site = VezhaSite()
    with SiteServer(site.handle) as server:
        server.site = site
        yield server
