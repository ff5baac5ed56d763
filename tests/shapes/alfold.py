"""Alföldi Hírlap: a Hungarian regional portal on a custom PHP CMS behind a home-made browser check
(Europe/Budapest). The issue 24 cases in one site:

- A browser check that is not Cloudflare's: article pages of the "Vélemény" section answer 200 with a
  "Böngésző ellenőrzése..." page whose script sets `document.cookie` and reloads; with the cookie the article
  is served. Feeds and listings are not checked.
- Photo reports (every fourth story): text, then a gallery of captioned images, text again, another gallery,
  text: every text block is body, captions are not.
- Articles split over pages (every fifth story, not a photo report): `?oldal=2` holds the rest, linked by the
  article's own pager ("Oldalak: 1 2"); the record is the whole article.
- Bylines "Szerző: <name>", dates "2026. március 21. 14:05" (text only, no JSON-LD, no meta dates).

URL layout:
  /<rovat>/2026/MM/DD/<slug>/[?oldal=N]    article
  /<rovat>/                                section pages      /cimke/<slug>/  tag pages
  /rss.xml                                 RSS 2.0 (advertised); no sitemap
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

from .common import Reply, Words, base_of, esc, html, slugify
from .kit import Shape, Story

COOKIE = "alf_bc=ok"
MONTHS = ("január", "február", "március", "április", "május", "június", "július", "augusztus", "szeptember",
          "október", "november", "december")  # fmt: skip
CHECK = """<!DOCTYPE html><html lang="hu"><head><meta charset="utf-8"><title>Böngésző ellenőrzése...</title>
<style>body{font-family:sans-serif;text-align:center;padding-top:20vh}</style></head><body>
<h1>Böngésző ellenőrzése...</h1><p>Kis türelmet, az oldal néhány másodperc múlva betöltődik.</p>
<noscript><p>Az oldal megtekintéséhez engedélyezze a JavaScriptet.</p></noscript>
<script>setTimeout(function(){document.cookie="alf_bc=ok; path=/; max-age=86400";location.reload();},400);</script>
</body></html>"""


class AlfoldSite(Shape):
    NAME = "Alföldi Hírlap"
    FAMILY = "custom PHP portal behind a home-made browser check (photo reports, paged articles)"
    LANGUAGE = "hu"
    ZONE = "Europe/Budapest"
    SEED = 127
    FIRST_ID = 30410
    SECTIONS: ClassVar[dict[str, str]] = {"belfold": "Belföld", "velemeny": "Vélemény", "kultura": "Kultúra"}
    AUTHORS = ("Kovács Anna", "Szabó Péter", "Tóth Eszter")
    TAGS = ("Közlekedés", "Önkormányzat", "Tisza", "Lakhatás", "Iskolák")
    READ_ALSO = "Kapcsolódó cikkek"
    NEWS_FEED = "Friss hírek"
    WORDS = Words(
        subjects=["A közgyűlés", "A megyei hivatal", "A Belváros lakói", "A gazdák egyesülete", "A vízügyi igazgatóság",
                  "A színház", "A közlekedési vállalat", "Az egyetemisták"],
        verbs=["jóváhagyta", "elhalasztotta", "bírálta", "megnyitotta", "vizsgálja", "megkurtította"],
        objects=["az új hidat", "a rakpart felújítását", "a kulturális keretet", "a villamosvonalat",
                 "a vásárcsarnokot", "a nyári fesztivált", "a rendelőintézetet"],
        places=["Szegeden", "Kecskeméten", "Békéscsabán", "Hódmezővásárhelyen", "Gyulán", "Csongrádon"],
        sentences=[
            "{subject} közölte, hogy {object} {place} nagyjából {number} ezer forintba kerül.",
            "Az önkormányzat szerint {object} ügyében eddig {number} észrevétel érkezett.",
            "A döntés {place} a jövő hónapban születik meg, {number} felszólaló jelentkezett.",
            "Kedden {subject} {number} kérdésre válaszolt.",
            "A szakemberek úgy becsülik, hogy {object} {place} naponta mintegy {number} embert szolgál ki.",
        ],
    )  # fmt: skip
    HAND_TOML = """name = "alfold"
origin = "{origin}"
feeds = ["/rss.xml"]
categories = ["/belfold/", "/velemeny/", "/kultura/"]
article_pattern = '^/(?:belfold|velemeny|kultura)/\\d{4}/\\d{2}/\\d{2}/[a-z0-9-]+/$'
hub_patterns = ['^/cimke/']
timezone = "Europe/Budapest"

[related]
read_also = ["Kapcsolódó cikkek"]
news_feed = ["Friss hírek"]
"""

    def kind_of(self, i: int) -> str:
        return "gallery" if i % 4 == 3 else "paged" if i % 5 == 1 else "plain"

    def path_of(self, story: Story) -> str:
        return f"/{story.section}/{story.published:%Y/%m/%d}/{story.slug}/"

    def hub_paths(self) -> list[str]:
        return [
            "/",
            *(f"/{s}/" for s in self.SECTIONS),
            *(f"/cimke/{slugify(t)}/" for t in self.TAGS),
            "/impresszum/",
        ]

    def parts_of(self, story: Story) -> list[str]:
        path = self.path_of(story)
        return [path, *(f"{path}?oldal={n}" for n in range(2, len(self.pages_of(story)) + 1))]

    def pages_of(self, story: Story) -> list[list[str]]:
        if story.kind != "paged":
            return [list(story.paragraphs)]
        half = (len(story.paragraphs) + 1) // 2
        return [story.paragraphs[:half], story.paragraphs[half:]]

    def stamp(self, s: Story) -> str:
        p = s.published
        return f"{p.year}. {MONTHS[p.month - 1]} {p.day}. {p:%H:%M}"

    def page(self, base: str, title: str, main: str, *, head: str = "") -> str:
        nav = "".join(f'<a href="/{k}/">{esc(n)}</a>' for k, n in self.SECTIONS.items())
        fresh = "".join(
            f'<li><span>{s.published:%H:%M}</span> <a href="{self.path_of(s)}">{esc(s.title)}</a></li>'
            for s in self.listed()[:6]
        )
        return (
            f'<!DOCTYPE html><html lang="hu"><head><meta charset="utf-8"><title>{esc(title)}</title>{head}'
            f'<link rel="alternate" type="application/rss+xml" title="{esc(self.NAME)}" href="{base}/rss.xml"></head><body>'
            f'<div id="fejlec"><a id="logo" href="/">{esc(self.NAME)}</a><nav id="rovatok">{nav}</nav></div>'
            f'<div id="tartalom"><div id="fohasab">{main}</div>'
            f'<div id="oldalsav"><div class="doboz friss"><h3>{self.NEWS_FEED}</h3><ul>{fresh}</ul></div>'
            '<div class="doboz hirdetes"><p>Hirdetés</p></div></div></div>'
            f'<div id="lablec"><p>© 2026 {esc(self.NAME)} Kft. Minden jog fenntartva.</p><a href="/impresszum/">Impresszum</a></div>'
            "</body></html>"
        )

    def article(self, base: str, s: Story, page: int) -> str | None:
        pages = self.pages_of(s)
        if not 1 <= page <= len(pages):
            return None
        path = self.path_of(s)
        if s.kind == "gallery":
            blocks = []
            for k, para in enumerate(s.paragraphs):
                blocks.append(f"<p>{esc(para)}</p>")
                if k < len(s.paragraphs) - 1 and k % 2 == 0:
                    figures = "".join(
                        f'<figure class="galeria-kep"><img src="/kepek/{s.id}-{k}-{n}.jpg" alt="">'
                        f"<figcaption>{n + 1}/3 – Fotó: {esc(s.author)}</figcaption></figure>"
                        for n in range(3)
                    )
                    blocks.append(f'<div class="galeria">{figures}</div>')
            body = "".join(blocks)
        else:
            body = "".join(f"<p>{esc(x)}</p>" for x in pages[page - 1])
        pager = ""
        if len(pages) > 1:
            links = " ".join(
                f"<span>{n}</span>"
                if n == page
                else f'<a href="{path}{"" if n == 1 else f"?oldal={n}"}">{n}</a>'
                for n in range(1, len(pages) + 1)
            )
            pager = f'<div class="lapozo">Oldalak: {links}</div>'
        related = "".join(
            f'<li><a href="{self.path_of(r)}">{esc(r.title)}</a></li>' for r in self.related_of(s)
        )
        tags = "".join(f'<a href="/cimke/{slugify(t)}/">{esc(t)}</a> ' for t in s.tags)
        canonical = f"{base}{path}" + ("" if page == 1 else f"?oldal={page}")
        main = (
            f'<div class="cikk"><div class="rovat"><a href="/{s.section}/">{esc(self.SECTIONS[s.section])}</a></div>'
            f'<h1>{esc(s.title)}</h1><p class="bevezeto"><strong>{esc(s.lead)}</strong></p>'
            f'<div class="cikk-adatok"><span class="szerzo">Szerző: {esc(s.author)}</span> <span class="datum">{self.stamp(s)}</span></div>'
            f'<div class="cikk-torzs">{body}</div>{pager}'
            f'<div class="cimkek">Címkék: {tags}</div>'
            f'<div class="kapcsolodo"><h3>{self.READ_ALSO}</h3><ul>{related}</ul></div>'
            '<div class="megosztas"><a href="https://www.facebook.com/sharer.php">Megosztás</a></div></div>'
        )
        return self.page(base, s.title, main, head=f'<link rel="canonical" href="{canonical}">')

    def front(self, base: str, title: str, stories: list[Story]) -> Reply:
        items = "".join(
            f'<div class="hir"><h2><a href="{self.path_of(s)}">{esc(s.title)}</a></h2><p>{esc(s.lead)}</p></div>'
            for s in stories
        )
        return html(self.page(base, title, f"<h1>{esc(title)}</h1>{items}"))

    def handle(self, target: str, headers: Mapping[str, str]) -> Reply:
        """The browser check stands before the Vélemény section's articles only."""
        parts = urlsplit(target)
        story = self.find(parts.path)
        cookie = next((v for k, v in headers.items() if k.lower() == "cookie"), "")
        if story is not None and story.section == "velemeny" and COOKIE not in cookie:
            return html(CHECK)
        if story is not None:
            page = (parse_qs(parts.query).get("oldal") or ["1"])[0]
            text = self.article(base_of(headers), story, int(page) if page.isdigit() else 0)
            return html(text) if text else self.not_found(base_of(headers))
        return super().handle(target, headers)

    def route(self, base: str, path: str, query: dict[str, str]) -> Reply | None:
        if path == "/robots.txt":
            return self.robots([], "/kereses/")
        if path == "/rss.xml":
            return self.rss(base, self.NAME, self.listed()[:10])
        if path == "/":
            return self.front(base, self.NAME, self.listed())
        for key, name in self.SECTIONS.items():
            if path == f"/{key}/":
                return self.front(base, name, self.listed(key))
        for tag in self.TAGS:
            if path == f"/cimke/{slugify(tag)}/":
                return self.front(base, tag, [s for s in self.listed() if tag in s.tags])
        if path == "/impresszum/":
            return html(self.page(base, "Impresszum", "<h1>Impresszum</h1><p>Kiadó: Alföldi Hírlap Kft.</p>"))
        return None
