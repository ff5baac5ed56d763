"""El Faro del Sur: a Spanish WordPress site, classic blog theme with Yoast's JSON-LD graph (Europe/Madrid).

URL layout:
  /AAAA/MM/DD/<slug>/                 article; lead in .entry-excerpt; "Artículos relacionados" list after the
                                      tags; "Lo último" recent-posts widget in the sidebar; comments, share bar;
                                      a category-posts plugin appends "Más noticias de <sección>" (the section's
                                      latest, title and lead) inside .entry-content: the template trap
  /category/<slug>/[page/N/]          category listings, 6 a page
  /tag/<slug>/  /author/<slug>/       tag and author archives (listings)
  /feed/  /comments/feed/             RSS 2.0 (10 newest), comments feed
  /wp-sitemap.xml                     core sitemaps: posts, categories
"""

from __future__ import annotations

from typing import ClassVar

from .common import Reply, Words, esc, html, iso, slugify
from .kit import Shape, Story

PER_PAGE = 6


class FaroSite(Shape):
    NAME = "El Faro del Sur"
    FAMILY = "WordPress (classic theme, Yoast)"
    LANGUAGE = "es"
    ZONE = "Europe/Madrid"
    SEED = 11
    SECTIONS: ClassVar[dict[str, str]] = {
        "andalucia": "Andalucía",
        "economia": "Economía",
        "cultura": "Cultura",
    }
    AUTHORS = ("Lucía Herrera", "Javier Ortega", "Carmen Vidal")
    TAGS = ("Puerto", "Turismo", "Agua", "Vivienda", "Festivales")
    READ_ALSO = "Artículos relacionados"
    NEWS_FEED = "Lo último"
    WORDS = Words(
        subjects=["El ayuntamiento", "La diputación", "Los vecinos de Triana", "La cofradía de pescadores",
                  "El consorcio del agua", "La universidad", "Los hosteleros", "La autoridad portuaria"],
        verbs=["aprueba", "aplaza", "critica", "inaugura", "estudia", "recorta"],
        objects=["el nuevo paseo marítimo", "la reforma del mercado", "el plan de vivienda", "la línea de autobús",
                 "el festival de otoño", "la depuradora", "el carril bici"],
        places=["en Cádiz", "en Huelva", "en Málaga", "en Almería", "en Jerez", "en Motril"],
        sentences=[
            "{subject} explicó que {object} {place} costará {number} mil euros.",
            "Según {subject}, el calendario de {object} se retrasa tras {number} alegaciones.",
            "La decisión sobre {object} {place} se votará en el próximo pleno con {number} votos en juego.",
            "Durante la mañana {subject} recibió {number} consultas sobre {object}.",
            "Los técnicos calculan que {object} {place} atenderá a unas {number} personas al día.",
        ],
    )  # fmt: skip
    HAND_TOML = """name = "faro"
origin = "{origin}"
feeds = ["/feed/"]
categories = ["/category/andalucia/", "/category/economia/", "/category/cultura/"]
article_pattern = '^/\\d{4}/\\d{2}/\\d{2}/[a-z0-9-]+/$'
hub_patterns = ['^/(?:category|tag|author)/', '^/feed/', '^/comments/']
timezone = "Europe/Madrid"

[related]
read_also = ["Artículos relacionados"]
news_feed = ["Lo último"]
"""

    def path_of(self, story: Story) -> str:
        return f"/{story.published:%Y/%m/%d}/{story.slug}/"

    def hub_paths(self) -> list[str]:
        return [
            "/",
            *(f"/category/{s}/" for s in self.SECTIONS),
            *(f"/tag/{slugify(t)}/" for t in self.TAGS),
            *(f"/author/{slugify(a)}/" for a in self.AUTHORS),
            "/quienes-somos/",
        ]

    # --- pages ---------------------------------------------------------------------------------
    def page(self, base: str, title: str, main: str, *, head: str = "", body_class: str = "home") -> str:
        menu = "".join(
            f'<li class="menu-item"><a href="{base}/category/{s}/">{esc(n)}</a></li>'
            for s, n in self.SECTIONS.items()
        )
        recent = "".join(
            f'<li><a href="{base}{self.path_of(s)}">{esc(s.title)}</a></li>' for s in self.listed()[:5]
        )
        return (
            f'<!DOCTYPE html>\n<html lang="es-ES">\n<head>\n<meta charset="UTF-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(title)} &#8211; {esc(self.NAME)}</title>\n"
            f'<link rel="alternate" type="application/rss+xml" title="{esc(self.NAME)} &raquo; Feed" href="{base}/feed/">\n'
            f'<link rel="alternate" type="application/rss+xml" title="{esc(self.NAME)} &raquo; Feed de los comentarios" href="{base}/comments/feed/">\n'
            f"<link rel='stylesheet' id='faro-style-css' href='{base}/wp-content/themes/faro/style.css?ver=2.3' media='all'>\n"
            f'{head}</head>\n<body class="{body_class} wp-theme-faro">\n'
            '<a class="skip-link screen-reader-text" href="#content">Saltar al contenido</a>\n'
            f'<header id="masthead" class="site-header"><p class="site-title"><a href="{base}/" rel="home">{esc(self.NAME)}</a></p>'
            '<p class="site-description">Noticias del sur, cada mañana</p>\n'
            f'<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">{menu}'
            f'<li class="menu-item"><a href="{base}/quienes-somos/">Quiénes somos</a></li></ul></nav></header>\n'
            f'<div id="content" class="site-content"><main id="primary" class="site-main">\n{main}\n</main>\n'
            '<aside id="secondary" class="widget-area">'
            f'<section id="recent-posts-2" class="widget widget_recent_entries"><h2 class="widget-title">{self.NEWS_FEED}</h2><ul>{recent}</ul></section>'
            '<section id="text-3" class="widget widget_text"><h2 class="widget-title">Boletín</h2><div class="textwidget">'
            "<p>Recibe cada mañana las noticias del sur en tu correo. Es gratis y puedes darte de baja cuando quieras.</p>"
            '<form><input type="email" placeholder="Tu correo"><button>Suscribirme</button></form></div></section></aside></div>\n'
            '<footer id="colophon" class="site-footer"><div class="site-info">'
            f"<p>© 2026 {esc(self.NAME)}. Todos los derechos reservados.</p>"
            f'<p><a href="{base}/quienes-somos/">Aviso legal</a> · <a href="{base}/quienes-somos/">Política de cookies</a></p>'
            "<p>Funciona con WordPress</p></div></footer>\n</body>\n</html>\n"
        )

    def article(self, base: str, s: Story) -> str:
        url = f"{base}{self.path_of(s)}"
        graph = {
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "Article", "@id": f"{url}#article", "headline": s.title, "datePublished": iso(s.published),
                 "dateModified": iso(s.modified or s.published), "author": {"@id": f"{base}/#/schema/person/{s.author}"},
                 "articleSection": [self.SECTIONS[s.section]], "keywords": list(s.tags), "inLanguage": "es",
                 "isPartOf": {"@id": url}},
                {"@type": "WebPage", "@id": url, "url": url, "name": f"{s.title} - {self.NAME}"},
                {"@type": "Person", "@id": f"{base}/#/schema/person/{s.author}", "name": s.author},
            ],
        }  # fmt: skip
        import json

        head = (
            f'<link rel="canonical" href="{url}">\n<meta property="og:type" content="article">\n'
            f'<meta property="og:title" content="{esc(s.title)}">\n<meta property="og:description" content="{esc(s.lead)}">\n'
            f'<meta property="article:published_time" content="{iso(s.published)}">\n'
            f'<script type="application/ld+json" class="yoast-schema-graph">{json.dumps(graph, ensure_ascii=False)}</script>\n'
        )
        paras = [f"<p>{esc(p)}</p>" for p in s.served_paragraphs()]
        paras.insert(
            min(3, len(paras)),
            '<div class="faro-boletin-inline"><strong>¿Te interesa el sur?</strong> Apúntate a nuestro boletín diario.</div>',
        )
        more = "".join(  # a "category posts" plugin appends the section's latest to the_content: template
            f'<li><a href="{base}{self.path_of(m)}">{esc(m.title)}</a>: {esc(m.lead)}</li>'
            for m in self.listed(s.section)[:4]
            if m.id != s.id
        )
        paras.append(
            f'<div class="cpw-mas-seccion"><h3>Más noticias de {esc(self.SECTIONS[s.section])}</h3><ul>{more}</ul></div>'
        )
        tags = ", ".join(f'<a href="{base}/tag/{slugify(t)}/" rel="tag">{esc(t)}</a>' for t in s.tags)
        related = "".join(
            f'<li><a href="{base}{self.path_of(r)}">{esc(r.title)}</a> <span class="fecha">{r.published:%d/%m/%Y}</span></li>'
            for r in self.related_of(s)
        )
        comments = "".join(
            f'<li class="comment"><div class="comment-author vcard"><b class="fn">{who}</b> <span class="says">dice:</span></div>'
            f'<div class="comment-metadata">{s.published:%d/%m/%Y} a las 21:0{k}</div><div class="comment-content"><p>{what}</p></div></li>'
            for k, (who, what) in enumerate([("Paco", "Ya era hora de que alguien lo contara."),
                                             ("Marisa G.", "¿Y quién paga todo esto al final?")])
        )  # fmt: skip
        main = (
            f'<article id="post-{s.id}" class="post-{s.id} post type-post status-publish format-standard hentry category-{s.section}">\n'
            f'<header class="entry-header"><span class="cat-links"><a href="{base}/category/{s.section}/" rel="category tag">{esc(self.SECTIONS[s.section])}</a></span>'
            f'<h1 class="entry-title">{esc(s.title)}</h1>'
            f'<div class="entry-meta"><span class="posted-on"><a href="{url}" rel="bookmark"><time class="entry-date published" datetime="{iso(s.published)}">'
            f"{s.published.day} de {MONTHS[s.published.month - 1]} de {s.published.year}</time></a></span> "
            f'<span class="byline">por <span class="author vcard"><a class="url fn n" href="{base}/author/{slugify(s.author)}/">{esc(s.author)}</a></span></span></div></header>\n'
            f'<div class="entry-excerpt"><p>{esc(s.lead)}</p></div>\n'
            f'<div class="entry-content">\n{chr(10).join(paras)}\n</div>\n'
            f'<footer class="entry-footer"><span class="tags-links">Etiquetas: {tags}</span></footer>\n'
            '<div class="sharedaddy"><h3>Compartir:</h3><ul><li><a href="https://www.facebook.com/sharer.php">Facebook</a></li>'
            '<li><a href="https://x.com/intent/post">X</a></li><li><a href="https://wa.me/">WhatsApp</a></li></ul></div>\n'
            f'<div class="related-posts"><h3 class="related-title">{self.READ_ALSO}</h3><ul>{related}</ul></div>\n'
            "</article>\n"
            f'<div id="comments" class="comments-area"><h2 class="comments-title">2 comentarios en «{esc(s.title)}»</h2>'
            f'<ol class="comment-list">{comments}</ol><div id="respond"><h3>Deja una respuesta</h3>'
            "<p>Tu dirección de correo electrónico no será publicada.</p></div></div>"
        )
        return self.page(
            base, s.title, main, head=head, body_class="post-template-default single single-post"
        )

    def listing(self, base: str, title: str, stories: list[Story], page: int, root: str) -> Reply | None:
        pages = max(1, -(-len(stories) // PER_PAGE))
        if page > pages:
            return None
        cards = "".join(
            f'<article class="post-{s.id} post type-post"><header class="entry-header"><h2 class="entry-title">'
            f'<a href="{base}{self.path_of(s)}" rel="bookmark">{esc(s.title)}</a></h2></header>'
            f'<div class="entry-summary"><p>{esc(s.lead)}</p></div></article>\n'
            for s in stories[(page - 1) * PER_PAGE : page * PER_PAGE]
        )
        head, nav = "", ""
        if page < pages:
            head = f'<link rel="next" href="{base}{root}page/{page + 1}/">\n'
            nav = f'<nav class="navigation posts-navigation"><div class="nav-previous"><a href="{base}{root}page/{page + 1}/">Entradas anteriores</a></div></nav>'
        main = f'<header class="page-header"><h1 class="page-title">{esc(title)}</h1></header>\n{cards}{nav}'
        return html(self.page(base, title, main, head=head, body_class="archive"))

    def route(self, base: str, path: str, query: dict[str, str]) -> Reply | None:
        if path == "/robots.txt":
            return self.robots([f"{base}/wp-sitemap.xml"], "/wp-admin/")
        if path == "/feed/":
            return self.rss(base, self.NAME, self.listed()[:10])
        if path == "/comments/feed/":
            return self.rss(
                base,
                f"Comentarios en {self.NAME}",
                self.listed()[:5],
                link_of=lambda s: f"{self.path_of(s)}#comment-{s.id}",
            )
        if path == "/wp-sitemap.xml":
            return self.sitemap_index(
                base, ["/wp-sitemap-posts-post-1.xml", "/wp-sitemap-taxonomies-category-1.xml"]
            )
        if path == "/wp-sitemap-posts-post-1.xml":
            return self.urlset(
                base, [(self.path_of(s), iso(s.modified or s.published)) for s in self.listed()]
            )
        if path == "/wp-sitemap-taxonomies-category-1.xml":
            return self.urlset(base, [(f"/category/{c}/", "2026-04-01") for c in self.SECTIONS])
        if (story := self.find(path)) is not None:
            return html(self.article(base, story))
        page = 1
        root = path
        if "/page/" in path:
            root, _, number = path.rstrip("/").rpartition("/page/")
            root += "/"
            page = int(number) if number.isdigit() else 0
        if root == "/":
            return self.listing(base, self.NAME, self.listed(), page, "/")
        for key, name in self.SECTIONS.items():
            if root == f"/category/{key}/":
                return self.listing(base, name, self.listed(key), page, root)
        for tag in self.TAGS:
            if root == f"/tag/{slugify(tag)}/":
                return self.listing(base, tag, [s for s in self.listed() if tag in s.tags], page, root)
        for author in self.AUTHORS:
            if root == f"/author/{slugify(author)}/":
                return self.listing(
                    base, author, [s for s in self.listed() if s.author == author], page, root
                )
        if path == "/quienes-somos/":
            return html(
                self.page(
                    base, "Quiénes somos", "<h1>Quiénes somos</h1><p>Un diario independiente del sur.</p>"
                )
            )
        return None


MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
          "noviembre", "diciembre")  # fmt: skip
