"""Norrlandsposten: a Swedish paywalled daily (Europe/Stockholm). HELD OUT: never tuned on.

Every third story is for subscribers: JSON-LD says `isAccessibleForFree: false` (with a `hasPart` naming the
locked part), the page serves the first two paragraphs, then a subscription prompt ("Fortsätt läsa",
"Redan prenumerant? Logga in", a price line). The record's body is what is served, without the prompt.
Free stories say `isAccessibleForFree: true`. "Läs också" is an inline box after the first paragraph.

URL layout:
  /<avdelning>/a/<kod>/<slug>      article (Schibsted-like short code)
  /<avdelning>/                    section pages (all stories, newest first)
  /om/<slug>/                      topic pages; /feed.atom  Atom (advertised); no sitemap
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from .common import Reply, Words, esc, html, slugify
from .kit import Shape, Story

ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
          "november", "december")  # fmt: skip


def code_of(number: int) -> str:
    out = ""
    number = number * 7919 + 104729
    for _ in range(6):
        number, digit = divmod(number, len(ALPHABET))
        out += ALPHABET[digit]
    return out


class NorrlandSite(Shape):
    NAME = "Norrlandsposten"
    FAMILY = "paywalled daily (Schibsted-like custom CMS, metered + locked stories)"
    LANGUAGE = "sv"
    ZONE = "Europe/Stockholm"
    HELD_OUT = True
    SEED = 97
    SECTIONS: ClassVar[dict[str, str]] = {"nyheter": "Nyheter", "ekonomi": "Ekonomi", "kultur": "Kultur"}
    AUTHORS = ("Elsa Lindberg", "Oskar Nyström", "Maja Eriksson")
    TAGS = ("Gruvan", "Kollektivtrafik", "Kommunfullmäktige", "Bostäder", "Älvdalen")
    READ_ALSO = "Läs också"
    WORDS = Words(
        subjects=["Kommunfullmäktige", "Länsstyrelsen", "Boende i Gärdet", "Renskötarna", "Trafikverket",
                  "Stadsteatern", "Hamnbolaget", "Gymnasieeleverna"],
        verbs=["godkänner", "skjuter upp", "kritiserar", "öppnar", "utreder", "skär ner"],
        objects=["den nya bron", "renoveringen av kajen", "kulturbudgeten", "en ny busslinje", "saluhallen",
                 "sommarfestivalen", "vårdcentralen"],
        places=["i Luleå", "i Kiruna", "i Skellefteå", "i Piteå", "i Boden", "i Gällivare"],
        sentences=[
            "{subject} uppger att {object} {place} kommer att kosta omkring {number} tusen kronor.",
            "Enligt kommunen har det kommit in {number} synpunkter om {object}.",
            "Beslutet om {object} {place} fattas nästa månad, och {number} personer har anmält sig för att tala.",
            "I tisdags svarade {subject} på {number} frågor om {object}.",
            "Experter räknar med att {object} {place} kommer att användas av ungefär {number} personer om dagen.",
        ],
    )  # fmt: skip
    HAND_TOML = """name = "norrland"
origin = "{origin}"
feeds = ["/feed.atom"]
categories = ["/nyheter/", "/ekonomi/", "/kultur/"]
article_pattern = '^/(?:nyheter|ekonomi|kultur)/a/[A-Za-z0-9]{6}/[a-z0-9-]+$'
hub_patterns = ['^/om/']
timezone = "Europe/Stockholm"

[related]
read_also = ["Läs också"]
"""

    def kind_of(self, i: int) -> str:
        return "paywall" if i % 3 == 2 else "plain"

    def new_story(self, i: int, published: datetime, section: str) -> Story:
        story = super().new_story(i, published, section)
        if story.kind == "paywall":
            story.served = 2
        return story

    def path_of(self, story: Story) -> str:
        return f"/{story.section}/a/{code_of(story.id)}/{story.slug}"

    def hub_paths(self) -> list[str]:
        return ["/", *(f"/{s}/" for s in self.SECTIONS), *(f"/om/{slugify(t)}/" for t in self.TAGS)]

    def page(self, base: str, title: str, main: str, *, head: str = "") -> str:
        nav = "".join(f'<a href="/{k}/">{esc(n)}</a>' for k, n in self.SECTIONS.items())
        return (
            f'<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>{esc(title)}</title>{head}'
            f'<link rel="alternate" type="application/atom+xml" title="{esc(self.NAME)}" href="{base}/feed.atom">'
            '</head><body><div class="page">'
            f'<header class="hdr"><a class="hdr__logo" href="/">{esc(self.NAME)}</a><nav class="hdr__nav">{nav}</nav>'
            '<a class="hdr__cta" href="/kop">Prenumerera</a> <a class="hdr__login" href="/logga-in">Logga in</a></header>'
            f'<main class="main">{main}</main>'
            '<footer class="ftr"><p>Ansvarig utgivare: Per Holmström</p>'
            f'<p>© 2026 {esc(self.NAME)} AB · <a href="/kundservice">Kundservice</a> · <a href="/cookies">Cookies</a></p></footer>'
            "</div></body></html>"
        )

    def article(self, base: str, s: Story) -> str:
        locked = s.kind == "paywall"
        extra: dict[str, object] = {"isAccessibleForFree": not locked}
        if locked:
            extra["hasPart"] = {
                "@type": "WebPageElement",
                "isAccessibleForFree": False,
                "cssSelector": ".premium-body",
            }
        head = (
            f'<link rel="canonical" href="{base}{self.path_of(s)}"><meta property="og:type" content="article">'
            f'<meta property="og:title" content="{esc(s.title)}"><meta property="og:description" content="{esc(s.lead)}">'
            f"{self.jsonld(base, s, **extra)}"
        )
        related = "".join(
            f'<li><a href="{self.path_of(r)}">{esc(r.title)}</a></li>' for r in self.related_of(s)
        )
        paras = [f"<p>{esc(x)}</p>" for x in s.served_paragraphs()]
        paras.insert(1, f'<aside class="inline-related"><h3>{self.READ_ALSO}</h3><ul>{related}</ul></aside>')
        prompt = ""
        if locked:
            prompt = (
                '<div class="premium-body"></div><div class="paywall" data-paywall="locked">'
                '<h2 class="paywall__title">Fortsätt läsa – bli prenumerant</h2>'
                "<p>Du har läst en del av artikeln. Resten är för våra prenumeranter.</p>"
                '<p class="paywall__price">Första månaden 1 kr, sedan 149 kr/mån. Avsluta när du vill.</p>'
                '<a class="paywall__buy" href="/kop">Köp prenumeration</a>'
                '<p class="paywall__login">Redan prenumerant? <a href="/logga-in">Logga in</a></p></div>'
            )
        p = s.published
        badge = '<span class="badge badge--plus">Plus</span>' if locked else ""
        main = (
            f'<article class="article{" article--locked" if locked else ""}">'
            f'<a class="article__section" href="/{s.section}/">{esc(self.SECTIONS[s.section])}</a>'
            f'<h1 class="article__title">{badge}{esc(s.title)}</h1><p class="article__preamble">{esc(s.lead)}</p>'
            f'<div class="article__byline"><span class="byline__author">{esc(s.author)}</span>'
            f'<span class="byline__date">Publicerad {p.day} {MONTHS[p.month - 1]} {p.year} kl. {p:%H.%M}</span></div>'
            f'<div class="article__body">{"".join(paras)}</div>{prompt}'
            f'<div class="article__tags">{"".join(f"<a href=/om/{slugify(t)}/>{esc(t)}</a>" for t in s.tags)}</div>'
            '<div class="article__share"><button>Dela</button><button>Spara</button></div>'
            "</article>"
        )
        return self.page(base, f"{s.title} | {self.NAME}", main, head=head)

    def front(self, base: str, title: str, stories: list[Story]) -> Reply:
        items = "".join(
            f'<article class="teaser"><a href="{self.path_of(s)}"><h2>{"<span class=badge>Plus</span> " if s.kind == "paywall" else ""}'
            f"{esc(s.title)}</h2><p>{esc(s.lead)}</p></a></article>"
            for s in stories
        )
        return html(self.page(base, title, f'<h1 class="front__title">{esc(title)}</h1>{items}'))

    def route(self, base: str, path: str, query: dict[str, str]) -> Reply | None:
        if path == "/robots.txt":
            return self.robots([], "/sok")
        if path == "/feed.atom":
            return self.atom(base, self.NAME, self.listed()[:12])
        if (story := self.find(path)) is not None:
            return html(self.article(base, story))
        if path == "/":
            return self.front(base, self.NAME, self.listed()[:10])
        for key, name in self.SECTIONS.items():
            if path == f"/{key}/":
                return self.front(base, name, self.listed(key))
        for tag in self.TAGS:
            if path == f"/om/{slugify(tag)}/":
                return self.front(base, tag, [s for s in self.listed() if tag in s.tags])
        return None
