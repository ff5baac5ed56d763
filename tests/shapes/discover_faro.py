"""El Faro del Sur: a WordPress-like Argentine news site (es-AR, America/Argentina/Buenos_Aires, UTC-3 all
year) built to test `newsmon discover` on a theme with Jetpack-style blocks. Invented after the rules were
chosen.

URL layout (permalinks /%category%/%postname%/, the category base stripped):
  /<categoría>/<slug>/            article (36), slugs of several words; <time datetime>, no JSON-LD.
                                  Under the text a "Compartir esto:" share bar (links to the article itself
                                  with ?share=...), a "Relacionado" block of 3 cards (title link, a date line,
                                  an "En «Categoría»" context line), then the category and tag lines; the
                                  "Entradas recientes" widget (the 5 newest) in the sidebar
  /<categoría>/  /<categoría>/<subcategoría>/   listings; the menu links every one of them: the
                                  subcategory pages have the articles' own two-segment shape
  /etiqueta/<slug>/  /author/<slug>/  tag and author pages (rel=tag, rel=author)
  /feed/                          RSS 2.0, the 10 newest (advertised)
  /  /quienes-somos/              home (12 newest), about
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from tests.site_server import SiteServer

from .common import TEXT, Reply, Words, base_of, esc, headline, html, iso, paragraphs, rss_reply, slugify

ZONE = ZoneInfo("America/Argentina/Buenos_Aires")
NAME = "El Faro del Sur"
CATEGORIES = {"politica": "Política", "deportes": "Deportes", "cultura": "Cultura", "economia": "Economía"}
SUBCATEGORIES = {
    "politica": {"nacional": "Nacional", "provincias": "Provincias"},
    "deportes": {"futbol": "Fútbol", "basquet": "Básquet"},
}
TAGS = {"elecciones": "Elecciones", "inflacion": "Inflación", "rugby": "Rugby", "teatro": "Teatro"}
AUTHORS = {"laura-gimenez": "Laura Giménez", "martin-sosa": "Martín Sosa", "carla-ibarra": "Carla Ibarra"}
READ_ALSO = "Relacionado"
NEWS_FEED = "Entradas recientes"
SHARE = "Compartir esto"
MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
          "noviembre", "diciembre")  # fmt: skip
COUNT = 36
WORDS = Words(
    subjects=["El concejo deliberante", "La gobernación", "Los vecinos de Bahía Blanca", "La cooperativa",
              "El ministerio", "El teatro municipal", "La empresa de colectivos", "Los estudiantes"],
    verbs=["anuncia", "posterga", "aprueba", "cuestiona", "inaugura", "prepara"],
    objects=["un nuevo puente", "la obra de la costanera", "el presupuesto cultural", "la línea de tranvía",
             "el mercado central", "el festival de verano", "el centro de salud"],
    places=["en Bahía Blanca", "en Viedma", "en Neuquén", "en Trelew", "en Santa Rosa", "en Rawson"],
    sentences=[
        "{subject} informó que {object} {place} costará {number} millones de pesos.",
        "Según {subject}, el cronograma de {object} cambió tras {number} reclamos.",
        "La decisión sobre {object} {place} se votará en la próxima sesión, con {number} bancas en juego.",
        "Durante la mañana, {subject} recibió {number} pedidos de información sobre {object}.",
        "Los técnicos calculan que {object} {place} atenderá a unas {number} personas por día.",
    ],
)  # fmt: skip


@dataclass(frozen=True)
class Article:
    n: int
    title: str
    published: datetime
    category: str
    subcategory: str | None
    tags: tuple[str, ...]
    author: str
    paragraphs: tuple[str, ...]

    @property
    def path(self) -> str:
        return f"/{self.category}/{slugify(self.title)}/"


def spanish_date(value: datetime) -> str:
    return f"{value.day} de {MONTHS[value.month - 1]} de {value.year}"


class FaroSite:
    def __init__(self) -> None:
        start = datetime(2026, 2, 20, 8, 15, tzinfo=ZONE)
        categories, tags, authors = list(CATEGORIES), list(TAGS), list(AUTHORS)
        self.articles = []
        for i in range(COUNT):
            category = categories[i % 4]
            subs = list(SUBCATEGORIES.get(category, {}))
            self.articles.append(
                Article(
                    n=i,
                    title=headline(WORDS, i),
                    published=start + timedelta(days=i // 2, hours=(i * 5) % 10, minutes=(i * 11) % 60),
                    category=category,
                    subcategory=subs[(i // 4) % 2] if subs else None,
                    tags=(tags[i % 4], tags[(i + 3) % 4]),
                    author=authors[i % 3],
                    paragraphs=tuple(paragraphs(WORDS, 900 + i)),
                )
            )
        self.by_path = {a.path: a for a in self.articles}
        assert len(self.by_path) == COUNT

    def newest(self) -> list[Article]:
        return sorted(self.articles, key=lambda a: a.published, reverse=True)

    def related(self, a: Article) -> list[Article]:
        """Jetpack picks 3 posts per article; here: the same category first, then others, never itself."""
        same = [x for x in self.articles if x.category == a.category and x is not a]
        k = self.articles.index(a)
        return [same[(k + 1) % len(same)], same[(k + 4) % len(same)], self.articles[(k + 13) % COUNT]]

    # --- truth ---------------------------------------------------------------------------------
    def related_truth(self) -> dict[str, set[str]]:
        return {a.path: {r.path for r in self.related(a)} for a in self.articles}

    def hubs(self) -> set[str]:
        found = {"/", "/feed/", "/quienes-somos/", *(f"/{c}/" for c in CATEGORIES)}
        found |= {f"/{c}/{s}/" for c, subs in SUBCATEGORIES.items() for s in subs}
        return found | {f"/etiqueta/{t}/" for t in TAGS} | {f"/author/{a}/" for a in AUTHORS}

    # --- pages ---------------------------------------------------------------------------------
    def page(self, base: str, title: str, main: str, *, head: str = "") -> str:
        items = []
        for c, name in CATEGORIES.items():
            subs = "".join(
                f'<li class="menu-item"><a href="{base}/{c}/{s}/">{esc(n)}</a></li>'
                for s, n in SUBCATEGORIES.get(c, {}).items()
            )
            sub_menu = f'<ul class="sub-menu">{subs}</ul>' if subs else ""
            items.append(f'<li class="menu-item"><a href="{base}/{c}/">{esc(name)}</a>{sub_menu}</li>')
        recent = "".join(f'<li><a href="{base}{a.path}">{esc(a.title)}</a></li>' for a in self.newest()[:5])
        return (
            f'<!DOCTYPE html>\n<html lang="es-AR">\n<head>\n<meta charset="UTF-8">\n'
            f"<title>{esc(title)} &#8211; {NAME}</title>\n"
            f'<link rel="alternate" type="application/rss+xml" title="{NAME} &raquo; Feed" href="{base}/feed/">\n'
            f'{head}</head>\n<body class="wp-theme-faro">\n'
            f'<header id="masthead" class="site-header"><p class="site-title"><a href="{base}/">{NAME}</a></p>'
            f'<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">{"".join(items)}'
            "</ul></nav></header>\n"
            f'<div id="content" class="site-content"><main id="main" class="site-main">\n{main}\n</main>\n'
            '<aside id="secondary" class="widget-area"><section class="widget widget_recent_entries">'
            f'<h2 class="widget-title">{NEWS_FEED}</h2><ul>{recent}</ul></section></aside></div>\n'
            f'<footer class="site-footer"><a href="{base}/quienes-somos/">Quiénes somos</a></footer>\n'
            "</body>\n</html>\n"
        )

    def article_page(self, base: str, a: Article) -> str:
        url = f"{base}{a.path}"
        share = "".join(
            f'<li class="share-{s}"><a rel="nofollow noopener noreferrer" class="share-{s} sd-button" '
            f'href="{url}?share={s}&amp;nb=1" target="_blank"><span>{label}</span></a></li>'
            for s, label in (("twitter", "X"), ("facebook", "Facebook"), ("whatsapp", "WhatsApp"))
        )
        cards = "".join(
            f'<div class="jp-relatedposts-post jp-relatedposts-post{k}" data-post-id="{r.n + 300}">'
            f'<h4 class="jp-relatedposts-post-title"><a class="jp-relatedposts-post-a" href="{base}{r.path}">'
            f"{esc(r.title)}</a></h4>"
            f'<p class="jp-relatedposts-post-fecha">{spanish_date(r.published)}</p>'
            f'<p class="jp-relatedposts-post-context">En «{esc(CATEGORIES[r.category])}»</p></div>'
            for k, r in enumerate(self.related(a))
        )
        paras = "\n".join(f"<p>{esc(p)}</p>" for p in a.paragraphs)
        tags = ", ".join(f'<a href="{base}/etiqueta/{t}/" rel="tag">{esc(TAGS[t])}</a>' for t in a.tags)
        main = (
            f'<article class="post type-post status-publish">\n<header class="entry-header">'
            f'<h1 class="entry-title">{esc(a.title)}</h1><div class="entry-meta"><span class="posted-on">'
            f'<time class="entry-date published" datetime="{iso(a.published)}">{spanish_date(a.published)}</time>'
            f'</span> <span class="byline">por <a class="url fn n" rel="author" href="{base}/author/{a.author}/">'
            f"{esc(AUTHORS[a.author])}</a></span></div></header>\n"
            f'<div class="entry-content">\n{paras}\n'
            f'<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social">'
            f'<h3 class="sd-title">{SHARE}:</h3><div class="sd-content"><ul>{share}</ul></div></div></div>\n'
            f'<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline">'
            f'<em>{READ_ALSO}</em></h3><div class="jp-relatedposts-items jp-relatedposts-items-visual">{cards}'
            "</div></div>\n</div>\n"
            f'<footer class="entry-footer"><span class="cat-links">Publicado en <a href="{base}/{a.category}/" '
            f'rel="category tag">{esc(CATEGORIES[a.category])}</a></span> '
            f'<span class="tags-links">Etiquetado {tags}</span></footer>\n</article>'
        )
        return self.page(base, a.title, main, head=f'<link rel="canonical" href="{url}">\n')

    def listing(self, base: str, title: str, articles: list[Article]) -> Reply:
        teasers = "".join(
            f'<article class="post"><h2 class="entry-title"><a href="{base}{a.path}" rel="bookmark">'
            f"{esc(a.title)}</a></h2><p>{esc(a.paragraphs[0][:80])}…</p></article>\n"
            for a in articles
        )
        return html(self.page(base, title, f'<h1 class="page-title">{esc(title)}</h1>\n{teasers}'))

    def feed(self, base: str) -> Reply:
        return rss_reply(base, NAME, ((a.title, a.path, a.published) for a in self.newest()[:10]))

    def handle(self, target: str, headers: Mapping[str, str]) -> Reply:
        base = base_of(headers)
        path = urlsplit(target).path or "/"
        if path == "/robots.txt":
            return Reply(200, b"User-agent: *\nDisallow: /wp-admin/\n", TEXT)
        if path == "/feed/":
            return self.feed(base)
        if (a := self.by_path.get(path)) is not None:
            return html(self.article_page(base, a))
        parts = [p for p in path.split("/") if p]
        newest = self.newest()
        if not parts:
            return self.listing(base, NAME, newest[:12])
        if len(parts) == 1 and parts[0] in CATEGORIES:
            return self.listing(base, CATEGORIES[parts[0]], [x for x in newest if x.category == parts[0]][:8])
        if len(parts) == 2 and parts[1] in SUBCATEGORIES.get(parts[0], {}):
            found = [x for x in newest if x.subcategory == parts[1]][:8]
            return self.listing(base, SUBCATEGORIES[parts[0]][parts[1]], found)
        if len(parts) == 2 and parts[0] == "etiqueta" and parts[1] in TAGS:
            return self.listing(base, TAGS[parts[1]], [x for x in newest if parts[1] in x.tags][:8])
        if len(parts) == 2 and parts[0] == "author" and parts[1] in AUTHORS:
            return self.listing(base, AUTHORS[parts[1]], [x for x in newest if x.author == parts[1]][:8])
        if parts == ["quienes-somos"]:
            return html(self.page(base, "Quiénes somos", "<h1>Quiénes somos</h1><p>Un diario del sur.</p>"))
        return html(self.page(base, "No encontrado", "<h1>Página no encontrada</h1>"), 404)


@contextmanager
def serve() -> Iterator[SiteServer]:
    site = FaroSite()
    with SiteServer(site.handle) as server:
        server.site = site
        yield server
