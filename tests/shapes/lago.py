"""Gazzetta del Lago: an Italian WordPress site on a tagDiv "Newspaper"-like theme with Rank Math (Europe/Rome).

Permalinks /%category%/%postname%/ (article paths look like section paths plus a slug). The related block is
tagDiv's: a tabbed header ("Articoli correlati" | "Altro dall'autore", only the first tab served) over a row
of image modules. Bylines read "Di <name>"; the visible date has no time (the time is in `datetime`).
Ad slots (td-a-rec) sit inside the post content; the sidebar has "Ultime notizie".

URL layout:
  /<categoria>/<slug>/                 article
  /category/<categoria>/[page/N/]      category archives      /tag/<slug>/  /author/<slug>/
  /feed/                               RSS 2.0 (advertised)   robots.txt -> /sitemap_index.xml (Rank Math)
"""

from __future__ import annotations

import json
from typing import ClassVar

from .common import Reply, Words, esc, html, iso, slugify
from .kit import Shape, Story

PER_PAGE = 6
MONTHS = ("Gennaio", "Febbraio", "Marzo", "Aprile", "Maggio", "Giugno", "Luglio", "Agosto", "Settembre", "Ottobre",
          "Novembre", "Dicembre")  # fmt: skip


class LagoSite(Shape):
    NAME = "Gazzetta del Lago"
    FAMILY = "WordPress (tagDiv Newspaper-like theme, Rank Math)"
    LANGUAGE = "it"
    ZONE = "Europe/Rome"
    SEED = 109
    FIRST_ID = 88120
    SECTIONS: ClassVar[dict[str, str]] = {"cronaca": "Cronaca", "economia": "Economia", "sport": "Sport"}
    AUTHORS = ("Giulia Ferri", "Marco Bellini", "Chiara Rossetti")
    TAGS = ("Lungolago", "Traghetti", "Consiglio comunale", "Turismo", "Scuole")
    READ_ALSO = "Articoli correlati"
    NEWS_FEED = "Ultime notizie"
    WORDS = Words(
        subjects=["Il consiglio comunale", "La regione", "I residenti di Lecco", "La cooperativa dei pescatori",
                  "La società di navigazione", "L'università", "L'azienda dei trasporti", "La camera di commercio"],
        verbs=["approva", "rinvia", "contesta", "inaugura", "valuta", "taglia"],
        objects=["il nuovo pontile", "il restauro del lungolago", "il bilancio della cultura", "la linea del bus",
                 "il mercato coperto", "il festival d'estate", "la casa della salute"],
        places=["a Como", "a Bellagio", "a Menaggio", "a Varenna", "a Cernobbio", "a Lecco"],
        sentences=[
            "{subject} ha spiegato che {object} {place} costerà circa {number} mila euro.",
            "Secondo il comune, su {object} sono arrivate finora {number} osservazioni.",
            "Il voto su {object} {place} è previsto il mese prossimo, con {number} interventi in programma.",
            "Martedì {subject} ha risposto a {number} domande su {object}.",
            "I tecnici stimano che {object} {place} servirà circa {number} persone al giorno.",
        ],
    )  # fmt: skip
    HAND_TOML = """name = "lago"
origin = "{origin}"
feeds = ["/feed/"]
categories = ["/category/cronaca/", "/category/economia/", "/category/sport/"]
article_pattern = '^/(?:cronaca|economia|sport)/[a-z0-9-]+/$'
hub_patterns = ['^/(?:category|tag|author)/', '^/feed/']
timezone = "Europe/Rome"

[related]
read_also = ["Articoli correlati"]
news_feed = ["Ultime notizie"]
"""

    def path_of(self, story: Story) -> str:
        return f"/{story.section}/{story.slug}/"

    def hub_paths(self) -> list[str]:
        return [
            "/",
            *(f"/category/{s}/" for s in self.SECTIONS),
            *(f"/tag/{slugify(t)}/" for t in self.TAGS),
            *(f"/author/{slugify(a)}/" for a in self.AUTHORS),
        ]

    def page(self, base: str, title: str, main: str, *, head: str = "", body_class: str = "home") -> str:
        menu = "".join(
            f'<li class="menu-item menu-item-type-taxonomy"><a href="{base}/category/{k}/">{esc(n)}</a></li>'
            for k, n in self.SECTIONS.items()
        )
        latest = "".join(
            f'<div class="td_module_6 td_module_wrap"><div class="item-details"><h3 class="entry-title td-module-title">'
            f'<a href="{base}{self.path_of(s)}" rel="bookmark" title="{esc(s.title)}">{esc(s.title)}</a></h3>'
            f'<div class="td-module-meta-info"><span class="td-post-date"><time class="entry-date updated td-module-date" datetime="{iso(s.published)}">'
            f"{s.published.day} {MONTHS[s.published.month - 1]} {s.published.year}</time></span></div></div></div>"
            for s in self.listed()[:5]
        )
        return (
            f'<!doctype html >\n<html lang="it-IT">\n<head>\n<meta charset="UTF-8" />\n<title>{esc(title)}</title>\n'
            f'<link rel="alternate" type="application/rss+xml" title="{esc(self.NAME)} &raquo; Feed" href="{base}/feed/" />\n'
            f'{head}<link rel="stylesheet" id="td-theme-css" href="{base}/wp-content/themes/Newspaper/style.css?ver=12.6.4" type="text/css" media="all" />\n'
            f'</head>\n<body class="{body_class} td-standard-pack global-block-template-1 td-full-layout" itemscope="itemscope" itemtype="https://schema.org/WebPage">\n'
            '<div class="td-scroll-up"><i class="td-icon-menu-up"></i></div>\n<div id="td-outer-wrap" class="td-theme-wrap">\n'
            '<div class="tdc-header-wrap"><div class="td-header-top-menu"><div class="td_data_time">martedì, 7 Aprile 2026</div>'
            '<a href="/pubblicita/">Pubblicità</a> <a href="/contatti/">Contatti</a></div>'
            f'<div class="td-header-sp-logo"><a class="td-main-logo" href="{base}/"><span class="td-visual-hidden">{esc(self.NAME)}</span></a></div>'
            f'<div id="td-header-menu"><ul id="menu-main" class="sf-menu">{menu}</ul></div></div>\n'
            f'<div class="td-main-content-wrap td-container-wrap"><div class="td-container"><div class="td-pb-row">'
            f'<div class="td-pb-span8 td-main-content" role="main">{main}</div>'
            f'<div class="td-pb-span4 td-main-sidebar" role="complementary"><div class="td_block_wrap td_block_1">'
            f'<h4 class="block-title"><span class="td-pulldown-size">{self.NEWS_FEED}</span></h4><div class="td_block_inner">{latest}</div></div>'
            '<div class="td-a-rec td-a-rec-id-sidebar"><span class="td-adspot-title">- Pubblicità -</span></div></div></div></div></div>\n'
            '<div class="td-footer-wrapper"><div class="footer-text-wrap">Gazzetta del Lago - quotidiano online registrato presso il Tribunale di Como.</div>'
            f'<div class="td-sub-footer-copy">&copy; 2026 {esc(self.NAME)}</div><div class="td-sub-footer-menu"><a href="/privacy/">Privacy</a> <a href="/cookie-policy/">Cookie Policy</a></div></div>\n'
            "</div>\n</body>\n</html>\n"
        )

    def article(self, base: str, s: Story) -> str:
        url = f"{base}{self.path_of(s)}"
        graph = {
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "Organization", "@id": f"{base}/#organization", "name": self.NAME},
                {"@type": "WebPage", "@id": f"{url}#webpage", "url": url, "name": s.title, "inLanguage": "it-IT"},
                {"@type": "Person", "@id": f"{base}/author/{slugify(s.author)}/", "name": s.author},
                {"@type": "NewsArticle", "headline": s.title, "datePublished": iso(s.published),
                 "dateModified": iso(s.modified or s.published), "articleSection": self.SECTIONS[s.section],
                 "author": {"@id": f"{base}/author/{slugify(s.author)}/", "name": s.author},
                 "publisher": {"@id": f"{base}/#organization"}, "description": s.lead, "inLanguage": "it-IT",
                 "mainEntityOfPage": {"@id": f"{url}#webpage"}, "keywords": ", ".join(s.tags)},
            ],
        }  # fmt: skip
        head = (
            f'<link rel="canonical" href="{url}" />\n<meta name="description" content="{esc(s.lead)}"/>\n'
            f'<meta property="og:type" content="article" />\n<meta property="og:title" content="{esc(s.title)}" />\n'
            f'<meta property="article:published_time" content="{iso(s.published)}" />\n'
            + "".join(f'<meta property="article:tag" content="{esc(t)}" />\n' for t in s.tags)
            + f'<script type="application/ld+json" class="rank-math-schema">{json.dumps(graph, ensure_ascii=False)}</script>\n'
        )
        paras = [f"<p>{esc(p)}</p>" for p in s.paragraphs]
        paras.insert(
            2,
            '<div class="td-a-rec td-a-rec-id-content_inline"><span class="td-adspot-title">- Pubblicità -</span></div>',
        )
        modules = "".join(
            f'<div class="td-related-span4"><div class="td_module_related_posts td-animation-stack td_mod_related_posts">'
            f'<div class="td-module-image"><div class="td-module-thumb"><a href="{base}{self.path_of(r)}" rel="bookmark" class="td-image-wrap" title="{esc(r.title)}">'
            f'<img class="entry-thumb" src="{base}/wp-content/uploads/2026/03/{r.id}-218x150.jpg" alt="" title="{esc(r.title)}" /></a></div>'
            f'<a href="{base}/category/{r.section}/" class="td-post-category">{esc(self.SECTIONS[r.section])}</a></div>'
            f'<div class="item-details"><h3 class="entry-title td-module-title"><a href="{base}{self.path_of(r)}" rel="bookmark" title="{esc(r.title)}">{esc(r.title)}</a></h3></div></div></div>'
            for r in self.related_of(s)
        )
        tags = "".join(f'<li><a href="{base}/tag/{slugify(t)}/">{esc(t)}</a></li>' for t in s.tags)
        p = s.published
        main = (
            f'<article id="post-{s.id}" class="post-{s.id} post type-post status-publish format-standard has-post-thumbnail category-{s.section}" itemscope itemtype="https://schema.org/Article">\n'
            f'<div class="td-post-header"><ul class="td-category"><li class="entry-category"><a href="{base}/category/{s.section}/">{esc(self.SECTIONS[s.section])}</a></li></ul>'
            f'<header class="td-post-title"><h1 class="entry-title">{esc(s.title)}</h1><p class="td-post-sub-title">{esc(s.lead)}</p>'
            f'<div class="td-module-meta-info"><div class="td-post-author-name"><div class="td-author-by">Di</div> <a href="{base}/author/{slugify(s.author)}/">{esc(s.author)}</a><div class="td-author-line"> - </div></div>'
            f'<span class="td-post-date"><time class="entry-date updated td-module-date" datetime="{iso(p)}">{p.day} {MONTHS[p.month - 1]} {p.year}</time></span>'
            '<div class="td-post-comments"><a href="#respond"><i class="td-icon-comments"></i>0</a></div></div></header></div>\n'
            '<div class="td-post-sharing-top"><div class="td-post-sharing td-ps-bg"><span class="td-social-but-text">Condividi</span>'
            '<a class="td-social-sharing-button td-social-facebook" href="https://www.facebook.com/sharer.php"><span>Facebook</span></a>'
            '<a class="td-social-sharing-button td-social-whatsapp" href="https://api.whatsapp.com/send"><span>WhatsApp</span></a></div></div>\n'
            f'<div class="td-post-content tagdiv-type">{"".join(paras)}</div>\n'
            f'<footer><div class="td-post-source-tags"><ul class="td-tags td-post-small-box clearfix"><li><span>TAGS</span></li>{tags}</ul></div>'
            '<div class="td-post-sharing-bottom"><span>Condividi</span> <a href="https://www.facebook.com/sharer.php">Facebook</a> <a href="https://twitter.com/intent/tweet">Twitter</a></div>'
            f'<div class="td-author-name vcard author"><span class="fn"><a href="{base}/author/{slugify(s.author)}/">{esc(s.author)}</a></span></div></footer>\n'
            "</article>\n"
            '<div class="td_block_wrap td_block_related_posts tdi_3 td_with_ajax_pagination td-pb-border-top td_block_template_1">'
            f'<h4 class="td-related-title td-block-title"><a class="td-related-left td-cur-simple-item" href="#">{self.READ_ALSO}</a>'
            '<a class="td-related-right" href="#">Altro dall\'autore</a></h4>'
            f'<div class="td_block_inner"><div class="td-related-row">{modules}</div></div></div>\n'
            '<div class="comments" id="comments"><div id="respond" class="comment-respond"><h4 class="td-comments-title">LASCIA UN COMMENTO</h4>'
            "<p>Il tuo indirizzo email non sarà pubblicato.</p></div></div>"
        )
        return self.page(
            base,
            f"{s.title} - {self.NAME}",
            main,
            head=head,
            body_class="post-template-default single single-post",
        )

    def listing(self, base: str, title: str, stories: list[Story], page: int, root: str) -> Reply | None:
        pages = max(1, -(-len(stories) // PER_PAGE))
        if page > pages or page < 1:
            return None
        items = "".join(
            f'<div class="td_module_10 td_module_wrap"><div class="item-details"><h3 class="entry-title td-module-title">'
            f'<a href="{base}{self.path_of(s)}" rel="bookmark" title="{esc(s.title)}">{esc(s.title)}</a></h3>'
            f'<div class="td-excerpt">{esc(s.lead)}</div></div></div>'
            for s in stories[(page - 1) * PER_PAGE : page * PER_PAGE]
        )
        head = more = ""
        if page < pages:
            head = f'<link rel="next" href="{base}{root}page/{page + 1}/" />\n'
            more = f'<div class="page-nav td-pb-padding-side"><a href="{base}{root}page/{page + 1}/"><i class="td-icon-menu-right"></i></a></div>'
        main = f'<div class="td-page-header"><h1 class="entry-title td-page-title"><span>{esc(title)}</span></h1></div>{items}{more}'
        return html(self.page(base, title, main, head=head, body_class="archive category"))

    def route(self, base: str, path: str, query: dict[str, str]) -> Reply | None:
        if path == "/robots.txt":
            return self.robots([f"{base}/sitemap_index.xml"], "/wp-admin/")
        if path == "/feed/":
            return self.rss(base, self.NAME, self.listed()[:10])
        if path == "/sitemap_index.xml":
            return self.sitemap_index(base, ["/post-sitemap.xml", "/category-sitemap.xml"])
        if path == "/post-sitemap.xml":
            return self.urlset(
                base, [(self.path_of(s), iso(s.modified or s.published)) for s in self.listed()]
            )
        if path == "/category-sitemap.xml":
            return self.urlset(base, [(f"/category/{c}/", "2026-04-01") for c in self.SECTIONS])
        if (story := self.find(path)) is not None:
            return html(self.article(base, story))
        page, root = 1, path
        if "/page/" in path:
            root, _, number = path.rstrip("/").rpartition("/page/")
            root += "/"
            page = int(number) if number.isdigit() else 0
        if root == "/":
            return self.listing(base, self.NAME, self.listed(), page, root)
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
        return None
