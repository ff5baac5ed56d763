"""Järviseudun Sanomat: a Finnish regional paper on a Sanoma-like custom front end (Europe/Helsinki).

The related block "Lue myös" is a grid of cards after the text, each card an <article> with an image, a
heading link and an author line ("Teksti: Name"). The right rail has "Luetuimmat", a most-read list that
differs from page to page (seeded by the page) and changes with a publication, and "Tuoreimmat", the
latest headlines (the same everywhere). Bylines carry the label "Teksti:"; no JSON-LD, OpenGraph and
article:published_time only.

URL layout:
  /<osasto>/art-<id>.html       article
  /<osasto>                     section page, ?sivu=N pagination
  /aihe/<slug>                  topic pages
  /rss/tuoreimmat.xml           RSS 2.0 of the 10 newest, advertised on the home page only
"""

from __future__ import annotations

from typing import ClassVar

from .common import Reply, Words, esc, html, iso, slugify
from .kit import Shape, Story

PER_PAGE = 7


class JarviSite(Shape):
    NAME = "Järviseudun Sanomat"
    FAMILY = "custom React SSR front end (Sanoma-like), card-grid related block"
    LANGUAGE = "fi"
    ZONE = "Europe/Helsinki"
    SEED = 71
    FIRST_ID = 2000012340
    SECTIONS: ClassVar[dict[str, str]] = {"kotimaa": "Kotimaa", "talous": "Talous", "kulttuuri": "Kulttuuri"}
    AUTHORS = ("Aino Virtanen", "Mikko Heikkinen", "Sanna Lindqvist")
    TAGS = ("Liikenne", "Kunnallisvaalit", "Järvet", "Asuminen", "Koulut")
    READ_ALSO = "Lue myös"
    NEWS_FEED = "Tuoreimmat"
    WORDS = Words(
        subjects=["Kaupunginvaltuusto", "Maakuntaliitto", "Asukasyhdistys", "Kalastajien liitto",
                  "Liikennevirasto", "Kesäteatteri", "Satamayhtiö", "Ammattikorkeakoulu"],
        verbs=["hyväksyi", "lykkäsi", "arvosteli", "avasi", "selvittää", "karsi"],
        objects=["uuden sillan", "rantaraitin korjauksen", "kulttuurin budjetin", "raitiotien",
                 "kauppahallin", "kesäfestivaalin", "terveysaseman"],
        places=["Jyväskylässä", "Kuopiossa", "Savonlinnassa", "Lahdessa", "Mikkelissä", "Joensuussa"],
        sentences=[
            "{subject} kertoi, että {object} {place} maksaa noin {number} tuhatta euroa.",
            "Tietojen mukaan asiasta {object} on jätetty jo {number} muistutusta.",
            "Päätös asiasta {object} {place} tehdään ensi kuussa, ja puheenvuoroja on pyytänyt {number} asukasta.",
            "Tiistaina {subject} vastasi {number} kysymykseen.",
            "Asiantuntijoiden arvion mukaan {object} {place} palvelee päivittäin noin {number} ihmistä.",
        ],
    )  # fmt: skip
    HAND_TOML = """name = "jarvi"
origin = "{origin}"
feeds = ["/rss/tuoreimmat.xml"]
categories = ["/kotimaa", "/talous", "/kulttuuri"]
article_pattern = '^/(?:kotimaa|talous|kulttuuri)/art-\\d+\\.html$'
hub_patterns = ['^/aihe/']
timezone = "Europe/Helsinki"

[related]
read_also = ["Lue myös"]
news_feed = ["Tuoreimmat"]
"""

    def path_of(self, story: Story) -> str:
        return f"/{story.section}/art-{story.id}.html"

    def hub_paths(self) -> list[str]:
        return ["/", *(f"/{s}" for s in self.SECTIONS), *(f"/aihe/{slugify(t)}" for t in self.TAGS)]

    def page(self, base: str, title: str, main: str, *, key: str, head: str = "") -> str:
        nav = "".join(f'<a class="nav-link" href="/{k}">{esc(n)}</a>' for k, n in self.SECTIONS.items())
        most = "".join(
            f'<li class="most-read__item"><span class="most-read__rank">{k}</span><a href="{self.path_of(s)}">{esc(s.title)}</a></li>'
            for k, s in enumerate(self.rotating(key), 1)
        )
        latest = "".join(
            f'<li><time>{s.published:%H.%M}</time> <a href="{self.path_of(s)}">{esc(s.title)}</a></li>'
            for s in self.listed()[:6]
        )
        return (
            f'<!DOCTYPE html><html lang="fi"><head><meta charset="utf-8"><title>{esc(title)}</title>{head}'
            '<link rel="preload" as="font" href="/fonts/js-sans.woff2" crossorigin></head><body>'
            '<div id="app" data-reactroot=""><div class="consent-banner" role="dialog"><p>Käytämme evästeitä sisällön ja mainosten '
            "personointiin.</p><button>Hyväksy kaikki</button><button>Asetukset</button></div>"
            f'<header class="site-header"><a class="brand" href="/">{esc(self.NAME)}</a><nav class="main-nav">{nav}</nav>'
            '<a class="order" href="/tilaa">Tilaa</a> <a class="login" href="/kirjaudu">Kirjaudu</a></header>'
            f'<div class="layout"><main class="layout__main">{main}</main>'
            '<aside class="layout__rail">'
            f'<section class="most-read"><h2 class="most-read__title">Luetuimmat</h2><ol>{most}</ol></section>'
            f'<section class="latest"><h2>{self.NEWS_FEED}</h2><ul>{latest}</ul></section></aside></div>'
            f'<footer class="site-footer"><p>{esc(self.NAME)} · Järvitie 4, 40100 Jyväskylä</p>'
            '<p><a href="/tietosuoja">Tietosuoja</a> · <a href="/asiakaspalvelu">Asiakaspalvelu</a></p></footer></div>'
            "</body></html>"
        )

    def card(self, s: Story) -> str:
        return (
            f'<article class="teaser-card"><a class="teaser-card__image" href="{self.path_of(s)}">'
            f'<img src="/images/{s.id}-480.jpg" alt="" width="480" height="270"></a>'
            f'<div class="teaser-card__body"><span class="teaser-card__section">{esc(self.SECTIONS[s.section])}</span>'
            f'<h3 class="teaser-card__title"><a href="{self.path_of(s)}">{esc(s.title)}</a></h3>'
            f'<span class="teaser-card__author">Teksti: {esc(s.author)}</span></div></article>'
        )

    def article(self, base: str, s: Story) -> str:
        path = self.path_of(s)
        head = (
            f'<link rel="canonical" href="{base}{path}"><meta property="og:type" content="article">'
            f'<meta property="og:title" content="{esc(s.title)}"><meta property="og:description" content="{esc(s.lead)}">'
            f'<meta property="article:published_time" content="{iso(s.published)}">'
            f'<meta property="article:section" content="{esc(self.SECTIONS[s.section])}">'
        )
        paras = "".join(f'<p class="article-body__paragraph">{esc(p)}</p>' for p in s.paragraphs)
        tags = "".join(f'<li><a href="/aihe/{slugify(t)}">{esc(t)}</a></li>' for t in s.tags)
        stamp = f"{s.published.day}.{s.published.month}.{s.published.year} {s.published:%H.%M}"
        main = (
            '<article class="article">'
            f'<div class="article__section"><a href="/{s.section}">{esc(self.SECTIONS[s.section])}</a></div>'
            f'<h1 class="article__headline">{esc(s.title)}</h1><p class="article__lead">{esc(s.lead)}</p>'
            f'<div class="article__byline"><span class="byline__name">Teksti: {esc(s.author)}</span>'
            f'<span class="byline__date">Julkaistu {stamp}</span></div>'
            '<div class="share-buttons"><button>Jaa</button><button>Kopioi linkki</button></div>'
            f'<figure class="article__image"><img src="/images/{s.id}-1200.jpg" alt=""><figcaption>Kuva: Lehtikuva</figcaption></figure>'
            f'<div class="article-body">{paras}</div>'
            f'<ul class="article__topics">{tags}</ul>'
            f'<section class="related-grid"><h2 class="related-grid__title">{self.READ_ALSO}</h2>'
            f'<div class="related-grid__cards">{"".join(self.card(r) for r in self.related_of(s))}</div></section>'
            '<section class="comments-cta"><h2>Kommentit</h2><p>Kirjaudu sisään kommentoidaksesi.</p></section>'
            "</article>"
        )
        return self.page(base, f"{s.title} | {self.NAME}", main, key=path, head=head)

    def front(
        self, base: str, title: str, stories: list[Story], page: int, root: str, head: str = ""
    ) -> Reply | None:
        pages = max(1, -(-len(stories) // PER_PAGE))
        if page > pages or page < 1:
            return None
        cards = "".join(self.card(s) for s in stories[(page - 1) * PER_PAGE : page * PER_PAGE])
        more = f'<a class="load-more" href="{root}?sivu={page + 1}">Näytä lisää</a>' if page < pages else ""
        main = f'<h1 class="front__title">{esc(title)}</h1><div class="front__grid">{cards}</div>{more}'
        return html(self.page(base, title, main, key=f"{root}?{page}", head=head))

    def route(self, base: str, path: str, query: dict[str, str]) -> Reply | None:
        page = int(query.get("sivu", "1")) if query.get("sivu", "1").isdigit() else 0
        if path == "/robots.txt":
            return self.robots([], "/haku")
        if path == "/rss/tuoreimmat.xml":
            return self.rss(base, f"{self.NAME} - Tuoreimmat", self.listed()[:10])
        if (story := self.find(path)) is not None:
            return html(self.article(base, story))
        if path == "/":
            feed = f'<link rel="alternate" type="application/rss+xml" title="Tuoreimmat" href="{base}/rss/tuoreimmat.xml">'
            return self.front(base, self.NAME, self.listed(), page, "/", feed)
        for key, name in self.SECTIONS.items():
            if path == f"/{key}":
                return self.front(base, name, self.listed(key), page, path)
        for tag in self.TAGS:
            if path == f"/aihe/{slugify(tag)}":
                return self.front(base, tag, [s for s in self.listed() if tag in s.tags], page, path)
        return None
