"""Gazeta do Vale: a Brazilian regional paper on Plone 6 Classic UI (America/Sao_Paulo). Invented after the
first-contact fixes of issue 19 (template learned before emitting; articles told by the page, not markup),
to check them on a site nobody tuned for:

- No article markup at all: no JSON-LD, no og:type, no ``<article>`` on article pages; the headline is
  Plone's ``h1.documentFirstHeading``, the lead ``div.documentDescription``, the byline and dates are text
  ("Por <name> — publicado 21/03/2026 14h05").
- Plone's "Notícias da editoria" viewlet inside ``#content-core``, after the text: the section's four latest
  other stories (title link, date, lead). It changes with every publication in the section: template.
- Related items ("Veja também") after the subjects; an "Últimas notícias" portlet in the right column.

URL layout:
  /noticias/<editoria>/<slug>          article (no date, no trailing slash)
  /noticias/<editoria>                 section collections          /assunto/<slug>   subject listings
  /noticias/RSS                        RSS 2.0 (advertised); no sitemap
"""

from __future__ import annotations

from typing import ClassVar

from .common import Reply, Words, esc, html, slugify
from .kit import Shape, Story


class ValeSite(Shape):
    NAME = "Gazeta do Vale"
    FAMILY = "Plone 6 Classic UI (collections, related items, portlets)"
    LANGUAGE = "pt"
    ZONE = "America/Sao_Paulo"
    SEED = 211
    FIRST_ID = 7700
    SECTIONS: ClassVar[dict[str, str]] = {"cidade": "Cidade", "economia": "Economia", "cultura": "Cultura"}
    AUTHORS = ("Ana Ribeiro", "Bruno Carvalho", "Marta Souza")
    TAGS = ("Transporte", "Saúde", "Rio Paraíba", "Moradia", "Escolas")
    READ_ALSO = "Veja também"
    NEWS_FEED = "Últimas notícias"
    WORDS = Words(
        subjects=["A prefeitura", "A câmara municipal", "Os moradores do centro", "A cooperativa de leite",
                  "O comitê da bacia", "A universidade federal", "Os comerciantes", "A companhia de água"],
        verbs=["aprova", "adia", "critica", "inaugura", "revisa", "amplia"],
        objects=["a nova ponte", "a reforma do mercado", "o programa de moradia", "a linha de ônibus",
                 "o festival de inverno", "a estação de tratamento", "a ciclovia"],
        places=["em Taubaté", "em Jacareí", "em Guaratinguetá", "em Pindamonhangaba", "em Lorena", "em Caçapava"],
        sentences=[
            "{subject} informou que {object} {place} vai custar {number} mil reais.",
            "Segundo {subject}, o cronograma de {object} atrasou depois de {number} pedidos de revisão.",
            "A votação sobre {object} {place} fica para a próxima sessão, com {number} inscritos para falar.",
            "Na manhã de terça, {subject} respondeu a {number} perguntas sobre {object}.",
            "Os técnicos estimam que {object} {place} vai atender cerca de {number} pessoas por dia.",
        ],
    )  # fmt: skip
    HAND_TOML = """name = "vale"
origin = "{origin}"
feeds = ["/noticias/RSS"]
categories = ["/noticias/cidade", "/noticias/economia", "/noticias/cultura"]
article_pattern = '^/noticias/(?:cidade|economia|cultura)/[a-z0-9-]+$'
hub_patterns = ['^/assunto/', '^/institucional/']
timezone = "America/Sao_Paulo"

[related]
read_also = ["Veja também"]
news_feed = ["Últimas notícias"]
"""

    def path_of(self, story: Story) -> str:
        return f"/noticias/{story.section}/{story.slug}"

    def hub_paths(self) -> list[str]:
        return [
            "/",
            *(f"/noticias/{s}" for s in self.SECTIONS),
            *(f"/assunto/{slugify(t)}" for t in self.TAGS),
            "/institucional/expediente",
        ]

    def stamp(self, s: Story) -> str:
        return f"{s.published:%d/%m/%Y %Hh%M}"

    def page(self, base: str, title: str, main: str, *, body_class: str = "portaltype-document") -> str:
        nav = "".join(
            f'<li class="plain"><a href="{base}/noticias/{k}">{esc(n)}</a></li>'
            for k, n in self.SECTIONS.items()
        )
        latest = "".join(
            f'<li class="portletItem"><a href="{base}{self.path_of(s)}">{esc(s.title)}</a>'
            f'<span class="portletItemDetails">{s.published:%d/%m/%Y}</span></li>'
            for s in self.listed()[:5]
        )
        return (
            f'<!DOCTYPE html><html lang="pt-br"><head><meta charset="utf-8"><title>{esc(title)} — {esc(self.NAME)}</title>'
            f'<link rel="alternate" type="application/rss+xml" title="RSS" href="{base}/noticias/RSS">'
            '<meta name="generator" content="Plone - https://plone.org/"></head>'
            f'<body class="{body_class} site-plone">'
            f'<header id="portal-top"><a id="portal-logo" href="{base}/">{esc(self.NAME)}</a>'
            f'<nav id="portal-globalnav"><ul>{nav}</ul></nav></header>'
            '<div id="portal-columns" class="row">'
            f'<main id="portal-column-content" class="col-md-9">{main}</main>'
            '<aside id="portal-column-two" class="col-md-3">'
            f'<div class="portlet portletNews"><header class="portletHeader">{self.NEWS_FEED}</header>'
            f'<ul class="portletContent">{latest}</ul></div>'
            '<div class="portlet portletStatic"><header class="portletHeader">Assine</header>'
            "<p>Receba a Gazeta do Vale em casa todos os domingos.</p></div></aside></div>"
            f'<footer id="portal-footer-wrapper"><p>© 2026 {esc(self.NAME)}. Todos os direitos reservados.</p>'
            f'<a href="{base}/institucional/expediente">Expediente</a></footer></body></html>'
        )

    def article(self, base: str, s: Story) -> str:
        text = "".join(f"<p>{esc(p)}</p>" for p in s.paragraphs)
        others = "".join(  # Plone's section viewlet: the editoria's latest, changes with each publication
            f'<li><a href="{base}{self.path_of(m)}">{esc(m.title)}</a> <span class="data">{m.published:%d/%m/%Y}</span>'
            f'<p class="descricao">{esc(m.lead)}</p></li>'
            for m in [x for x in self.listed(s.section) if x.id != s.id][:4]
        )
        subjects = " ".join(f'<a href="{base}/assunto/{slugify(t)}" rel="tag">{esc(t)}</a>' for t in s.tags)
        related = "".join(
            f'<li><a href="{base}{self.path_of(r)}">{esc(r.title)}</a></li>' for r in self.related_of(s)
        )
        main = (
            f'<div id="viewlet-above-content"><nav id="portal-breadcrumbs"><a href="{base}/">Início</a> › '
            f'<a href="{base}/noticias/{s.section}">{esc(self.SECTIONS[s.section])}</a></nav></div>'
            f'<div id="content"><h1 class="documentFirstHeading">{esc(s.title)}</h1>'
            f'<div class="documentDescription description">{esc(s.lead)}</div>'
            f'<div class="documentByLine">Por <span class="documentAuthor">{esc(s.author)}</span> — '
            f'<span class="documentPublished">publicado {self.stamp(s)}</span></div>'
            f'<div id="content-core"><div id="parent-fieldname-text">{text}</div>'
            f'<div class="section-news"><h2>Notícias da editoria {esc(self.SECTIONS[s.section])}</h2><ul>{others}</ul></div>'
            "</div></div>"
            f'<div id="viewlet-below-content"><div id="category" class="documentByLine">Assuntos: {subjects}</div>'
            f'<div class="relatedItems"><h2>{self.READ_ALSO}</h2><ul>{related}</ul></div></div>'
        )
        return self.page(base, s.title, main, body_class="portaltype-news-item template-newsitem_view")

    def collection(self, base: str, title: str, stories: list[Story]) -> Reply:
        items = "".join(
            f'<div class="tileItem"><h2 class="tileHeadline"><a href="{base}{self.path_of(s)}">{esc(s.title)}</a></h2>'
            f'<p class="tileBody">{esc(s.lead)}</p><span class="documentByLine">{s.published:%d/%m/%Y}</span></div>'
            for s in stories
        )
        main = f'<h1 class="documentFirstHeading">{esc(title)}</h1><div class="entries">{items}</div>'
        return html(self.page(base, title, main, body_class="portaltype-collection"))

    def route(self, base: str, path: str, query: dict[str, str]) -> Reply | None:
        if path == "/robots.txt":
            return self.robots([], "/login")
        if path == "/noticias/RSS":
            return self.rss(base, self.NAME, self.listed()[:10])
        if path == "/":
            return self.collection(base, self.NAME, self.listed())
        for key, name in self.SECTIONS.items():
            if path == f"/noticias/{key}":
                return self.collection(base, name, self.listed(key))
        for tag in self.TAGS:
            if path == f"/assunto/{slugify(tag)}":
                return self.collection(base, tag, [s for s in self.listed() if tag in s.tags])
        if path == "/institucional/expediente":
            return html(self.page(base, "Expediente", "<h1>Expediente</h1><p>Gazeta do Vale Ltda.</p>"))
        if (story := self.find(path)) is not None:
            return html(self.article(base, story))
        return None
