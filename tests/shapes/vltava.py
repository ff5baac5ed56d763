"""Vltavské listy: a Czech daily found only through its sitemaps (Europe/Prague). No feed anywhere; the home
page shows five stories and each section its four newest, so the sitemaps are the way to every story.

The related box ("Související články") sits inside the article text after the second paragraph; the dates
are written "21. března 2026 6:40" with a machine value in a `content` attribute.

URL layout:
  /<rubrika>/<slug>.A<yymmdd>_<hhmmss>_<rubrika>   article
  /<rubrika>                                       section page (4 newest, no pagination)
  /autori/<slug>  /tema/<slug>                     author and topic pages
  robots.txt -> /sitemaps/index.xml -> /sitemaps/news.xml (Google News, 6 newest) and /sitemaps/2026-MM.xml
"""

from __future__ import annotations

from typing import ClassVar

from .common import Reply, Words, esc, html, iso, slugify
from .kit import Shape, Story

MONTHS = ("ledna", "února", "března", "dubna", "května", "června", "července", "srpna", "září", "října",
          "listopadu", "prosince")  # fmt: skip


class VltavaSite(Shape):
    NAME = "Vltavské listy"
    FAMILY = "sitemap-only daily (custom CMS, idnes-like URLs)"
    LANGUAGE = "cs"
    ZONE = "Europe/Prague"
    SEED = 61
    SECTIONS: ClassVar[dict[str, str]] = {"domaci": "Domácí", "ekonomika": "Ekonomika", "kultura": "Kultura"}
    AUTHORS = ("Jana Dvořáková", "Tomáš Procházka", "Lenka Svobodová")
    TAGS = ("Doprava", "Vltava", "Zastupitelstvo", "Bydlení", "Školství")
    READ_ALSO = "Související články"
    NEWS_FEED = "Nejnovější"
    WORDS = Words(
        subjects=["Zastupitelstvo", "Krajský úřad", "Obyvatelé Smíchova", "Svaz zemědělců", "Ministerstvo dopravy",
                  "Národní divadlo", "Dopravní podnik", "Studenti z Brna"],
        verbs=["schválilo", "odložilo", "kritizuje", "otevírá", "prověřuje", "omezuje"],
        objects=["nový most", "opravu nábřeží", "rozpočet na kulturu", "tramvajovou trať", "tržnici",
                 "letní festival", "polikliniku"],
        places=["v Plzni", "v Českých Budějovicích", "na Smíchově", "v Písku", "v Mělníku", "v Kolíně"],
        sentences=[
            "{subject} oznámilo, že {object} {place} bude stát zhruba {number} tisíc korun.",
            "Podle úřadu k tématu {object} přišlo už {number} připomínek.",
            "O projektu {object} {place} se bude hlasovat příští měsíc, přihlásilo se {number} řečníků.",
            "V úterý {subject} odpovídalo na {number} dotazů k tématu {object}.",
            "Odborníci odhadují, že {object} {place} denně využije asi {number} lidí.",
        ],
    )  # fmt: skip
    HAND_TOML = """name = "vltava"
origin = "{origin}"
sitemaps = ["/sitemaps/index.xml"]
article_pattern = '^/(?:domaci|ekonomika|kultura)/[a-z0-9-]+\\.A\\d{6}_\\d{6}_[a-z]+$'
hub_patterns = ['^/(?:autori|tema)/']
timezone = "Europe/Prague"

[related]
read_also = ["Související články"]
news_feed = ["Nejnovější"]
"""

    def path_of(self, story: Story) -> str:
        p = story.published
        return f"/{story.section}/{story.slug}.A{p:%y%m%d}_{p:%H%M%S}_{story.section}"

    def hub_paths(self) -> list[str]:
        return [
            "/",
            *(f"/{s}" for s in self.SECTIONS),
            *(f"/autori/{slugify(a)}" for a in self.AUTHORS),
            *(f"/tema/{slugify(t)}" for t in self.TAGS),
            "/o-nas",
        ]

    def page(self, base: str, title: str, main: str, *, head: str = "") -> str:
        nav = "".join(f'<li><a href="/{k}">{esc(n)}</a></li>' for k, n in self.SECTIONS.items())
        latest = "".join(
            f'<li><a href="{self.path_of(s)}"><span class="time">{s.published:%H:%M}</span> {esc(s.title)}</a></li>'
            for s in self.listed()[:6]
        )
        return (
            f'<!DOCTYPE html>\n<html lang="cs">\n<head>\n<meta charset="utf-8">\n<title>{esc(title)}</title>\n{head}'
            '<link rel="stylesheet" href="/css/main.css?2026">\n</head>\n<body>\n'
            f'<div id="header"><a id="logo" href="/">{esc(self.NAME)}</a><ul id="menu">{nav}</ul>'
            '<form id="hledat" action="/hledat"><input name="q" placeholder="Hledat"></form></div>\n'
            f'<div id="content"><div id="main">\n{main}\n</div>\n'
            f'<div id="side"><div class="box-nejnovejsi"><h3>{self.NEWS_FEED}</h3><ul>{latest}</ul></div>'
            '<div class="box-predplatne"><p>Předplatné Vltavských listů: první měsíc za 1 Kč.</p></div></div></div>\n'
            f'<div id="footer"><p>© 2026 {esc(self.NAME)} a.s. Všechna práva vyhrazena.</p>'
            '<p><a href="/o-nas">O nás</a> | <a href="/o-nas#reklama">Reklama</a></p></div>\n</body>\n</html>\n'
        )

    def article(self, base: str, s: Story) -> str:
        p = s.published
        stamp = f"{p.day}. {MONTHS[p.month - 1]} {p.year} {p.hour}:{p:%M}"
        related = "".join(
            f'<li><a href="{self.path_of(r)}">{esc(r.title)}</a></li>' for r in self.related_of(s)
        )
        paras = [f"<p>{esc(x)}</p>" for x in s.paragraphs]
        paras.insert(2, f'<div class="art-related"><h3>{self.READ_ALSO}</h3><ul>{related}</ul></div>')
        tags = "".join(f'<li><a href="/tema/{slugify(t)}">{esc(t)}</a></li>' for t in s.tags)
        head = (
            f'<link rel="canonical" href="{base}{self.path_of(s)}">\n<meta name="description" content="{esc(s.lead)}">\n'
            f'<meta property="og:type" content="article">\n{self.jsonld(base, s)}\n'
        )
        main = (
            f'<div id="art" class="art-full"><div class="art-path"><a href="/">Zprávy</a> › <a href="/{s.section}">{esc(self.SECTIONS[s.section])}</a></div>\n'
            f'<h1 itemprop="name headline">{esc(s.title)}</h1>\n'
            f'<div class="art-info"><div class="authors"><a href="/autori/{slugify(s.author)}"><span itemprop="name">{esc(s.author)}</span></a></div>'
            f'<span class="time-date" itemprop="datePublished" content="{iso(p)}">{stamp}</span></div>\n'
            f'<div id="art-text"><div class="opener">{esc(s.lead)}</div>\n'
            f'<div class="bbtext">{"".join(paras)}</div></div>\n'
            f'<div class="art-tags"><h4>Témata:</h4><ul>{tags}</ul></div>\n'
            '<div class="art-diskuse"><a href="#diskuse">Diskuse (14)</a></div>\n'
            '<div class="art-share"><a href="https://www.facebook.com/sharer.php">Sdílet</a> <a href="#" class="print">Tisk</a></div>\n'
            "</div>"
        )
        return self.page(base, f"{s.title} - {self.NAME}", main, head=head)

    def front(self, base: str, title: str, stories: list[Story]) -> Reply:
        items = "".join(
            f'<div class="art"><h3><a href="{self.path_of(s)}">{esc(s.title)}</a></h3><p class="perex">{esc(s.lead)}</p></div>'
            for s in stories
        )
        return html(
            self.page(
                base, title, f'<h1 class="sec-title">{esc(title)}</h1><div class="list-art">{items}</div>'
            )
        )

    def route(self, base: str, path: str, query: dict[str, str]) -> Reply | None:
        if path == "/robots.txt":
            return self.robots([f"{base}/sitemaps/index.xml"], "/hledat")
        if path == "/sitemaps/index.xml":
            months = sorted({f"{s.published:%Y-%m}" for s in self.listed()}, reverse=True)
            return self.sitemap_index(base, ["/sitemaps/news.xml", *(f"/sitemaps/{m}.xml" for m in months)])
        if path == "/sitemaps/news.xml":
            return self.urlset(base, [], news=self.listed()[:6])
        if path.startswith("/sitemaps/") and path.endswith(".xml"):
            month = path[10:-4]
            found = [s for s in self.listed() if f"{s.published:%Y-%m}" == month]
            return (
                self.urlset(base, [(self.path_of(s), iso(s.modified or s.published)) for s in found])
                if found
                else None
            )
        if (story := self.find(path)) is not None:
            return html(self.article(base, story))
        if path == "/":
            return self.front(base, self.NAME, self.listed()[:5])
        for key, name in self.SECTIONS.items():
            if path == f"/{key}":
                return self.front(base, name, self.listed(key)[:4])
        for author in self.AUTHORS:
            if path == f"/autori/{slugify(author)}":
                return self.front(base, author, [s for s in self.listed() if s.author == author][:4])
        for tag in self.TAGS:
            if path == f"/tema/{slugify(tag)}":
                return self.front(base, tag, [s for s in self.listed() if tag in s.tags][:4])
        if path == "/o-nas":
            return html(self.page(base, "O nás", "<h1>O nás</h1><p>Nezávislý deník z Povltaví.</p>"))
        return None
