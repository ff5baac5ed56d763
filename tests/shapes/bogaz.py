"""Boğaz Postası: a Turkish AMP-first news site (Europe/Istanbul). Home, sections and the RSS feed link every
story by its AMP URL (/amp/<section>/<slug>-<id>); the AMP page names the canonical page (rel=canonical), the
canonical page names its AMP page (rel=amphtml). The record must be built from the canonical page.

URL layout:
  /<bölüm>/<slug>-<id>          canonical article ("İlgili Haberler" list after the text, "Son Dakika" sidebar)
  /amp/<bölüm>/<slug>-<id>      its AMP page (amp-img, amp-sidebar, amp-social-share, the related list with AMP links)
  /<bölüm>  /amp/<bölüm>        section pages (their links: AMP)      /rss   RSS 2.0, AMP links
  /yazar/<slug>  /etiket/<slug> author and tag pages; no sitemap
"""

from __future__ import annotations

from typing import ClassVar

from .common import Reply, Words, esc, html, slugify
from .kit import Shape, Story

TR = str.maketrans("ıİğĞüÜşŞöÖçÇ", "iIgGuUsSoOcC")


def tr_slug(text: str) -> str:
    return slugify(text.translate(TR))


class BogazSite(Shape):
    NAME = "Boğaz Postası"
    FAMILY = "AMP-first (custom PHP CMS, AMP links everywhere)"
    LANGUAGE = "tr"
    ZONE = "Europe/Istanbul"
    SEED = 53
    FIRST_ID = 681200
    SECTIONS: ClassVar[dict[str, str]] = {"gundem": "Gündem", "ekonomi": "Ekonomi", "spor": "Spor"}
    AUTHORS = ("Elif Yıldırım", "Mert Aydın", "Zeynep Kaya")
    TAGS = ("Vapur", "Belediye", "Kira", "Deprem", "Liman")
    READ_ALSO = "İlgili Haberler"
    NEWS_FEED = "Son Dakika"
    WORDS = Words(
        subjects=["Belediye meclisi", "Valilik", "Kadıköy sakinleri", "Balıkçılar kooperatifi", "Liman idaresi",
                  "Üniversite senatosu", "Vapur işletmesi", "Esnaf odası"],
        verbs=["onayladı", "erteledi", "eleştirdi", "açtı", "inceliyor", "kısıtladı"],
        objects=["yeni iskele projesini", "sahil yolu çalışmasını", "kira destek planını", "tramvay hattını",
                 "yaz festivalini", "arıtma tesisini", "bisiklet yolunu"],
        places=["Üsküdar'da", "Beşiktaş'ta", "Sarıyer'de", "Bakırköy'de", "Eminönü'nde", "Beykoz'da"],
        sentences=[
            "{subject}, {place} {object} yaklaşık {number} bin liraya mal olacağını açıkladı.",
            "{subject} verilerine göre {object} ilgili {number} itiraz yapıldı.",
            "{place} {object} gelecek ay oylanacak; {number} kişi söz almak için başvurdu.",
            "Salı günü {subject} {object} hakkında {number} soruyu yanıtladı.",
            "Uzmanlar, {place} {object} günde yaklaşık {number} kişiye hizmet vereceğini tahmin ediyor.",
        ],
    )  # fmt: skip
    HAND_TOML = """name = "bogaz"
origin = "{origin}"
feeds = ["/rss"]
categories = ["/gundem", "/ekonomi", "/spor"]
article_pattern = '^/(?:amp/)?(?:gundem|ekonomi|spor)/[a-z0-9-]+-\\d+$'
hub_patterns = ['^/(?:yazar|etiket)/', '^/amp/?$']
timezone = "Europe/Istanbul"

[related]
read_also = ["İlgili Haberler"]
news_feed = ["Son Dakika"]
"""

    def path_of(self, story: Story) -> str:
        return f"/{story.section}/{tr_slug(story.title)}-{story.id}"

    def amp_of(self, story: Story) -> str:
        return "/amp" + self.path_of(story)

    def hub_paths(self) -> list[str]:
        return [
            "/",
            "/amp",
            *(f"/{s}" for s in self.SECTIONS),
            *(f"/amp/{s}" for s in self.SECTIONS),
            *(f"/yazar/{tr_slug(a)}" for a in self.AUTHORS),
            *(f"/etiket/{tr_slug(t)}" for t in self.TAGS),
        ]

    def stamp(self, s: Story) -> str:
        return s.published.strftime("%d.%m.%Y %H:%M")

    def canonical(self, base: str, s: Story) -> str:
        nav = "".join(f'<li><a href="/amp/{k}">{esc(n)}</a></li>' for k, n in self.SECTIONS.items())
        latest = "".join(
            f'<li><span class="saat">{m.published:%H:%M}</span><a href="{self.amp_of(m)}">{esc(m.title)}</a></li>'
            for m in self.listed()[:7]
        )
        related = "".join(
            f'<li><a href="{self.path_of(r)}">{esc(r.title)}</a></li>' for r in self.related_of(s)
        )
        tags = "".join(f'<a href="/etiket/{tr_slug(t)}">#{esc(t)}</a> ' for t in s.tags)
        paras = "".join(f"<p>{esc(p)}</p>" for p in s.paragraphs)
        return (
            '<!DOCTYPE html><html lang="tr"><head><meta charset="utf-8">'
            f"<title>{esc(s.title)} - {esc(self.NAME)}</title>"
            f'<link rel="canonical" href="{base}{self.path_of(s)}"><link rel="amphtml" href="{base}{self.amp_of(s)}">'
            f'<meta name="description" content="{esc(s.lead)}"><meta property="og:type" content="article">'
            f'<meta property="og:title" content="{esc(s.title)}">{self.jsonld(base, s)}'
            '<link rel="stylesheet" href="/static/css/site.min.css?v=318"></head><body>'
            f'<div class="ust-bar"><a class="logo" href="/">{esc(self.NAME)}</a><ul class="menu">{nav}</ul>'
            '<a class="canli" href="/canli-yayin">Canlı Yayın</a></div>'
            '<div class="container"><div class="row"><div class="col-md-8">'
            f'<div class="haber-detay" id="haber-{s.id}"><ol class="breadcrumb"><li><a href="/">Anasayfa</a></li>'
            f'<li><a href="/amp/{s.section}">{esc(self.SECTIONS[s.section])}</a></li></ol>'
            f'<h1 class="haber-baslik">{esc(s.title)}</h1><h2 class="haber-spot">{esc(s.lead)}</h2>'
            f'<div class="haber-bilgi"><span class="yazar"><a href="/yazar/{tr_slug(s.author)}">{esc(s.author)}</a></span>'
            f' <span class="tarih">{self.stamp(s)}</span></div>'
            '<div class="paylas"><a href="https://www.facebook.com/sharer/sharer.php">Paylaş</a> <a href="https://x.com/intent/tweet">Tweetle</a>'
            ' <a href="whatsapp://send">WhatsApp</a></div>'
            f'<figure class="haber-gorsel"><img src="/uploads/2026/03/{s.id}.jpg" alt="{esc(s.title)}"><figcaption>Fotoğraf: Arşiv</figcaption></figure>'
            f'<div class="haber-metin" itemprop="articleBody">{paras}</div>'
            f'<div class="etiketler">{tags}</div>'
            f'<div class="ilgili-haberler"><h3>{self.READ_ALSO}</h3><ul>{related}</ul></div>'
            '<div class="yorumlar"><h3>Yorumlar</h3><p>Yorum yazmak için giriş yapın.</p></div></div></div>'
            f'<div class="col-md-4"><div class="son-dakika"><h3>{self.NEWS_FEED}</h3><ul>{latest}</ul></div>'
            '<div class="reklam" id="div-gpt-ad-300x250"></div></div></div></div>'
            f'<footer class="alt"><p>© 2026 {esc(self.NAME)} - Tüm hakları saklıdır.</p><a href="/kunye">Künye</a> <a href="/iletisim">İletişim</a></footer>'
            "</body></html>"
        )

    def amp(self, base: str, s: Story) -> str:
        nav = "".join(f'<li><a href="/amp/{k}">{esc(n)}</a></li>' for k, n in self.SECTIONS.items())
        related = "".join(
            f'<li><a href="{self.amp_of(r)}">{esc(r.title)}</a></li>' for r in self.related_of(s)
        )
        paras = "".join(f"<p>{esc(p)}</p>" for p in s.paragraphs)
        return (
            '<!doctype html><html ⚡ lang="tr"><head><meta charset="utf-8">'
            '<script async src="https://cdn.ampproject.org/v0.js"></script>'
            '<script async custom-element="amp-sidebar" src="https://cdn.ampproject.org/v0/amp-sidebar-0.1.js"></script>'
            f"<title>{esc(s.title)}</title>"
            f'<link rel="canonical" href="{base}{self.path_of(s)}">'
            '<meta name="viewport" content="width=device-width,minimum-scale=1,initial-scale=1">'
            f"{self.jsonld(base, s)}"
            "<style amp-boilerplate>body{-webkit-animation:-amp-start 8s steps(1,end) 0s 1 normal both}</style>"
            "<style amp-custom>.amp-spot{font-weight:700}</style></head><body>"
            f'<amp-sidebar id="menu" layout="nodisplay" side="left"><ul>{nav}</ul></amp-sidebar>'
            f'<header class="amp-header"><button on="tap:menu.toggle">Menü</button><a href="/amp">{esc(self.NAME)}</a></header>'
            f'<article class="amp-haber"><h1>{esc(s.title)}</h1>'
            f'<div class="amp-content"><p class="amp-spot">{esc(s.lead)}</p>'
            f'<div class="amp-bilgi">{esc(s.author)} | {self.stamp(s)}</div>'
            f'<amp-img src="/uploads/2026/03/{s.id}.jpg" width="640" height="360" layout="responsive" alt=""></amp-img>'
            f"{paras}</div>"
            '<amp-social-share type="whatsapp"></amp-social-share><amp-social-share type="twitter"></amp-social-share>'
            f'<div class="amp-ilgili"><h3>{self.READ_ALSO}</h3><ul>{related}</ul></div></article>'
            '<amp-analytics type="gtag" data-credentials="include"></amp-analytics>'
            f'<footer class="amp-footer">© 2026 {esc(self.NAME)} <a href="{self.path_of(s)}">Masaüstü görünüm</a></footer>'
            "</body></html>"
        )

    def front(self, base: str, title: str, stories: list[Story], amp: bool) -> Reply:
        items = "".join(
            f'<div class="manset-item"><a href="{self.amp_of(s)}"><img src="/uploads/2026/03/{s.id}.jpg" alt="">'
            f"<span>{esc(s.title)}</span></a></div>"
            for s in stories
        )
        nav = "".join(f'<li><a href="/amp/{k}">{esc(n)}</a></li>' for k, n in self.SECTIONS.items())
        doc = (
            f'<!DOCTYPE html><html {"⚡ " if amp else ""}lang="tr"><head><meta charset="utf-8"><title>{esc(title)}</title>'
            f'<link rel="alternate" type="application/rss+xml" href="{base}/rss"></head><body>'
            f'<div class="ust-bar"><a class="logo" href="/">{esc(self.NAME)}</a><ul class="menu">{nav}</ul></div>'
            f'<h1 class="sr-only">{esc(title)}</h1><div class="manset">{items}</div>'
            f'<footer class="alt"><p>© 2026 {esc(self.NAME)}</p></footer></body></html>'
        )
        return html(doc)

    def route(self, base: str, path: str, query: dict[str, str]) -> Reply | None:
        if path == "/robots.txt":
            return self.robots([], "/arama")
        if path == "/rss":
            return self.rss(base, self.NAME, self.listed()[:12], link_of=self.amp_of)
        amp = path == "/amp" or path.startswith("/amp/")
        plain = path[4:] or "/" if amp else path
        if (story := self.find(plain)) is not None:
            return html(self.amp(base, story) if amp else self.canonical(base, story))
        if plain == "/":
            return self.front(base, self.NAME, self.listed(), amp)
        for key, name in self.SECTIONS.items():
            if plain == f"/{key}":
                return self.front(base, name, self.listed(key), amp)
        for author in self.AUTHORS:
            if path == f"/yazar/{tr_slug(author)}":
                return self.front(base, author, [s for s in self.listed() if s.author == author], False)
        for tag in self.TAGS:
            if path == f"/etiket/{tr_slug(tag)}":
                return self.front(base, tag, [s for s in self.listed() if tag in s.tags], False)
        return None
