"""Le Courrier de l'Estuaire: a French regional site on Nuxt 2 (Europe/Paris).

Pages are server-rendered (`data-v-*` attributes, `<!---->` placeholders) and carry the state as Nuxt 2 does:
`window.__NUXT__=(function(a,b,...){return {...}}(...))`, a script, not JSON. Every third story is a
"premium" page rendered client-side only: its SSR article container is empty and the paragraphs exist only
in `__NUXT__` (the client renders them). "À lire aussi" is an inline box in the text; after the tags, inside
the article, "Dans la même rubrique" lists the section's latest stories (the template trap). Comments show
"Prénom N. il y a 2 heures" lines. Dates: "Publié le 21/03/2026 à 06h40".

URL layout:
  /info/<rubrique>/<slug>_<id>        article
  /info/<rubrique>  [?page=N]         section pages
  /auteurs/<slug>  /sujets/<slug>     author and topic pages
  /rss/une.xml                        RSS (advertised); robots.txt -> /sitemap_index.xml -> /sitemap-articles.xml
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from .common import Reply, Words, esc, html, iso, slugify
from .kit import Shape, Story

PER_PAGE = 6
RENDER = """document.addEventListener("DOMContentLoaded",function(){var a=window.__NUXT__.data[0].article;
var box=document.querySelector('.article-content');if(box.children.length){return;}
a.blocks.forEach(function(b){if(b.type==='paragraph'){var p=document.createElement('p');p.setAttribute('data-v-7c1e2a','');
p.textContent=b.text;box.appendChild(p);}});});"""


class EstuaireSite(Shape):
    NAME = "Le Courrier de l'Estuaire"
    FAMILY = "Nuxt 2 (SSR, __NUXT__ state script; premium pages client-rendered)"
    LANGUAGE = "fr"
    ZONE = "Europe/Paris"
    SEED = 83
    FIRST_ID = 5190
    SECTIONS: ClassVar[dict[str, str]] = {
        "saint-nazaire": "Saint-Nazaire",
        "economie": "Économie",
        "loisirs": "Loisirs",
    }
    AUTHORS = ("Claire Le Goff", "Yann Moreau", "Sophie Guérin")
    TAGS = ("Chantiers navals", "Transports", "Pêche", "Logement", "Festivals")
    READ_ALSO = "À lire aussi"
    NEWS_FEED = "Le fil info"
    WORDS = Words(
        subjects=["Le conseil municipal", "La préfecture", "Les habitants de Méan", "Le syndicat des pêcheurs",
                  "Le port autonome", "L'université", "La régie des transports", "La chambre de commerce"],
        verbs=["adopte", "reporte", "critique", "inaugure", "étudie", "réduit"],
        objects=["le nouveau pont", "la rénovation du quai", "le budget culturel", "la ligne de tramway",
                 "les halles", "le festival d'été", "la maison de santé"],
        places=["à Saint-Nazaire", "à Pornichet", "à Guérande", "au Croisic", "à Paimbœuf", "à Donges"],
        sentences=[
            "{subject} a indiqué que {object} {place} coûtera environ {number} milliers d'euros.",
            "Selon la mairie, le dossier sur {object} a déjà reçu {number} observations.",
            "Le vote sur {object} {place} aura lieu le mois prochain, {number} riverains ont demandé la parole.",
            "Mardi, {subject} a répondu à {number} questions sur {object}.",
            "Les techniciens estiment que {object} {place} accueillera près de {number} personnes par jour.",
        ],
    )  # fmt: skip
    HAND_TOML = """name = "estuaire"
origin = "{origin}"
feeds = ["/rss/une.xml"]
categories = ["/info/saint-nazaire", "/info/economie", "/info/loisirs"]
article_pattern = '^/info/[a-z-]+/[a-z0-9-]+_\\d+$'
hub_patterns = ['^/(?:auteurs|sujets)/']
timezone = "Europe/Paris"

[related]
read_also = ["À lire aussi"]
news_feed = ["Le fil info"]
"""

    def kind_of(self, i: int) -> str:
        return "script" if i % 3 == 1 else "plain"

    def path_of(self, story: Story) -> str:
        return f"/info/{story.section}/{story.slug}_{story.id}"

    def hub_paths(self) -> list[str]:
        return [
            "/",
            *(f"/info/{s}" for s in self.SECTIONS),
            *(f"/auteurs/{slugify(a)}" for a in self.AUTHORS),
            *(f"/sujets/{slugify(t)}" for t in self.TAGS),
        ]

    def nuxt(self, data: dict[str, Any]) -> str:
        """Nuxt 2's state: a function call whose arguments stand for repeated values."""
        text = json.dumps(data, ensure_ascii=False).replace('"default"', "a").replace("null", "b")
        text = text.replace("</", "<\\/")
        return f'window.__NUXT__=(function(a,b){{return {{layout:a,data:[{text}],fetch:{{}},error:b,serverRendered:true}}}}("default",null));'

    def page(
        self, base: str, title: str, main: str, *, head: str = "", data: dict[str, Any] | None = None
    ) -> str:
        nav = "".join(
            f'<li data-v-2b1f0e><a href="/info/{k}" class="nuxt-link-active" data-v-2b1f0e>{esc(n)}</a></li>'
            for k, n in self.SECTIONS.items()
        )
        fil = "".join(
            f'<li data-v-5d3c9a><span class="heure" data-v-5d3c9a>{s.published:%Hh%M}</span> <a href="{self.path_of(s)}" data-v-5d3c9a>{esc(s.title)}</a></li>'
            for s in self.listed()[:6]
        )
        return (
            f'<!doctype html>\n<html lang="fr" data-n-head="%7B%22lang%22:%7B%22ssr%22:%22fr%22%7D%7D">\n<head>\n'
            f'<title>{esc(title)}</title><meta data-n-head="ssr" charset="utf-8">{head}'
            '<link rel="preload" href="/_nuxt/app.4e1d.js" as="script"><link rel="stylesheet" href="/_nuxt/css/app.9f2a.css">\n'
            '</head>\n<body>\n<div data-server-rendered="true" id="__nuxt"><div id="__layout"><div class="app" data-v-2b1f0e>'
            f'<header class="header" data-v-2b1f0e><a href="/" class="logo" data-v-2b1f0e>{esc(self.NAME)}</a>'
            f"<nav data-v-2b1f0e><ul data-v-2b1f0e>{nav}</ul></nav>"
            '<a href="/abonnement" class="btn-abo" data-v-2b1f0e>Je m\'abonne</a></header>'
            f'<div class="container" data-v-2b1f0e><main data-v-2b1f0e>{main}</main>'
            f'<aside class="fil-info" data-v-5d3c9a><h2 data-v-5d3c9a>{self.NEWS_FEED}</h2><ul data-v-5d3c9a>{fil}</ul></aside></div>'
            '<footer class="footer" data-v-2b1f0e><p data-v-2b1f0e>© 2026 Le Courrier de l\'Estuaire - Tous droits réservés</p>'
            '<a href="/mentions-legales" data-v-2b1f0e>Mentions légales</a> <a href="/cookies" data-v-2b1f0e>Gestion des cookies</a></footer>'
            f"</div></div></div><script>{self.nuxt(data or {})}</script>"
            f'<script src="/_nuxt/app.4e1d.js" defer></script><script>{RENDER if data and "article" in data else ""}</script>'
            "\n</body>\n</html>\n"
        )

    def article(self, base: str, s: Story) -> str:
        p = s.published
        head = (
            f'<link data-n-head="ssr" rel="canonical" href="{base}{self.path_of(s)}">'
            f'<meta data-n-head="ssr" property="og:type" content="article"><meta data-n-head="ssr" property="og:title" content="{esc(s.title)}">'
            f'<meta data-n-head="ssr" name="description" content="{esc(s.lead)}">{self.jsonld(base, s)}'
        )
        related = "".join(
            f'<li data-v-7c1e2a><a href="{self.path_of(r)}" data-v-7c1e2a>{esc(r.title)}</a></li>'
            for r in self.related_of(s)
        )
        box = f'<aside class="read-also" data-v-7c1e2a><p class="read-also__title" data-v-7c1e2a>{self.READ_ALSO}</p><ul data-v-7c1e2a>{related}</ul></aside>'
        if s.kind == "script":
            content = "<!---->"
        else:
            paras = [f"<p data-v-7c1e2a>{esc(x)}</p>" for x in s.paragraphs]
            content = "".join(paras)
        more = "".join(
            f'<li data-v-7c1e2a><a href="{self.path_of(m)}" data-v-7c1e2a>{esc(m.title)}</a></li>'
            for m in self.listed(s.section)[:5]
            if m.id != s.id
        )
        tags = "".join(
            f'<a href="/sujets/{slugify(t)}" class="tag" data-v-7c1e2a>{esc(t)}</a>' for t in s.tags
        )
        comments = (
            '<section class="comments" data-v-9a0b1c><h2 data-v-9a0b1c>Réagir</h2>'
            '<div class="comment" data-v-9a0b1c><p class="comment__author" data-v-9a0b1c>Jean-Pierre L. il y a 2 heures</p>'
            "<p data-v-9a0b1c>Enfin une bonne nouvelle pour le quartier.</p></div>"
            '<div class="comment" data-v-9a0b1c><p class="comment__author" data-v-9a0b1c>Maëlle R. il y a 5 heures</p>'
            "<p data-v-9a0b1c>Et le stationnement, on en parle ?</p></div></section>"
        )
        main = (
            f'<article class="article" data-v-7c1e2a><p class="article__rubrique" data-v-7c1e2a><a href="/info/{s.section}" data-v-7c1e2a>{esc(self.SECTIONS[s.section])}</a></p>'
            f'<h1 class="article__title" data-v-7c1e2a>{esc(s.title)}</h1>'
            f'<p class="article__chapo" data-v-7c1e2a>{esc(s.lead)}</p>'
            f'<div class="article__meta" data-v-7c1e2a><a href="/auteurs/{slugify(s.author)}" data-v-7c1e2a>{esc(s.author)}</a>'
            f"<span data-v-7c1e2a>Publié le {p:%d/%m/%Y} à {p:%Hh%M}</span></div>"
            f'<div class="article-content" data-v-7c1e2a>{content}</div>{box}'
            f'<div class="article__tags" data-v-7c1e2a>{tags}</div>'
            f'<section class="meme-rubrique" data-v-7c1e2a><h2 data-v-7c1e2a>Dans la même rubrique</h2><ul data-v-7c1e2a>{more}</ul></section>'
            f"</article>{comments}"
        )
        data = {
            "article": {
                "id": s.id, "title": s.title, "chapo": s.lead, "author": {"name": s.author},
                "publishedAt": iso(s.published), "premium": s.kind == "script", "tags": list(s.tags),
                "blocks": [{"type": "paragraph", "text": x} for x in s.paragraphs],
            }
        }  # fmt: skip
        return self.page(base, f"{s.title} - {self.NAME}", main, head=head, data=data)

    def front(self, base: str, title: str, stories: list[Story], page: int, root: str) -> Reply | None:
        pages = max(1, -(-len(stories) // PER_PAGE))
        if page > pages or page < 1:
            return None
        cards = "".join(
            f'<div class="teaser" data-v-4e4e4e><h2 data-v-4e4e4e><a href="{self.path_of(s)}" data-v-4e4e4e>{esc(s.title)}</a></h2>'
            f"<p data-v-4e4e4e>{esc(s.lead)}</p></div>"
            for s in stories[(page - 1) * PER_PAGE : page * PER_PAGE]
        )
        more = (
            f'<a href="{root}?page={page + 1}" class="pagination__next" data-v-4e4e4e>Page suivante</a>'
            if page < pages
            else ""
        )
        head = f'<link rel="alternate" type="application/rss+xml" title="À la une" href="{base}/rss/une.xml">'
        return html(self.page(base, title, f"<h1 data-v-4e4e4e>{esc(title)}</h1>{cards}{more}", head=head))

    def route(self, base: str, path: str, query: dict[str, str]) -> Reply | None:
        page = int(query.get("page", "1")) if query.get("page", "1").isdigit() else 0
        if path == "/robots.txt":
            return self.robots([f"{base}/sitemap_index.xml"], "/recherche")
        if path == "/rss/une.xml":
            return self.rss(base, f"{self.NAME} - À la une", self.listed()[:10])
        if path == "/sitemap_index.xml":
            return self.sitemap_index(base, ["/sitemap-articles.xml"])
        if path == "/sitemap-articles.xml":
            return self.urlset(
                base, [(self.path_of(s), iso(s.modified or s.published)) for s in self.listed()]
            )
        if (story := self.find(path)) is not None:
            return html(self.article(base, story))
        if path == "/":
            return self.front(base, self.NAME, self.listed(), page, "/")
        for key, name in self.SECTIONS.items():
            if path == f"/info/{key}":
                return self.front(base, name, self.listed(key), page, path)
        for author in self.AUTHORS:
            if path == f"/auteurs/{slugify(author)}":
                return self.front(base, author, [s for s in self.listed() if s.author == author], page, path)
        for tag in self.TAGS:
            if path == f"/sujets/{slugify(tag)}":
                return self.front(base, tag, [s for s in self.listed() if tag in s.tags], page, path)
        return None
