"""Gazeta do Tejo: a WordPress-like Portuguese news site (Europe/Lisbon, summer time from 29 March 2026).

URL layout:
  /AAAA/MM/DD/<slug>/             article (30), JSON-LD NewsArticle, "Leia também" block in the text,
                                  "Últimas notícias" widget in the sidebar
  /feed/                          RSS 2.0, the 10 newest        /comments/feed/   comments feed (advertised too)
  /categoria/<slug>/[page/N/]     category listings, 8 a page, rel=next (3 categories of 10 articles)
  /etiqueta/<slug>/  /autor/<slug>/   tag and author pages (rel=tag, byline): listings, never records
  /AAAA/MM/DD/  /AAAA/MM/         day and month archives (the article's date links to its day)
  /[page/N/]  /sobre/  /robots.txt    home (every article, newest first, paginated), about page, robots
                                  without a sitemap
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from tests.site_server import SiteServer

from .common import RSS, TEXT, Reply, Truth, Words, base_of, esc, headline, html, iso, paragraphs, slugify

ZONE = ZoneInfo("Europe/Lisbon")
NAME = "Gazeta do Tejo"
PER_PAGE = 8
CATEGORIES = {"lisboa": "Lisboa", "pais": "País", "mundo": "Mundo"}
TAGS = {"transportes": "Transportes", "cultura": "Cultura", "ambiente": "Ambiente", "economia": "Economia"}
AUTHORS = {"ines-carvalho": "Inês Carvalho", "rui-mendes": "Rui Mendes", "teresa-pinto": "Teresa Pinto"}
READ_ALSO = "Leia também"
NEWS_FEED = "Últimas notícias"
WORDS = Words(
    subjects=["A câmara", "O governo", "Os moradores", "A associação", "O porto", "A universidade", "Os pescadores"],
    verbs=["anuncia", "adia", "aprova", "contesta", "inaugura", "prepara", "reforça"],
    objects=["novo plano de mobilidade", "obras no cais", "orçamento da cultura", "linha de elétrico",
             "mercado municipal", "festival de verão", "centro de saúde"],
    places=["em Alcântara", "no Barreiro", "em Almada", "no Seixal", "em Belém", "na Graça", "em Setúbal"],
    sentences=[
        "{subject} explicou que {object} {place} terá um custo de {number} mil euros.",
        "Segundo {subject}, o calendário de {object} foi revisto depois de {number} reclamações.",
        "A decisão sobre {object} {place} será votada na próxima sessão, com {number} lugares em jogo.",
        "Durante a manhã, {subject} recebeu {number} pedidos de esclarecimento sobre {object}.",
        "Os técnicos estimam que {object} {place} sirva cerca de {number} pessoas por dia.",
    ],
)  # fmt: skip


@dataclass(frozen=True)
class Article:
    n: int
    title: str
    published: datetime
    category: str
    tags: tuple[str, ...]
    author: str
    paragraphs: tuple[str, ...]

    @property
    def path(self) -> str:
        return f"/{self.published:%Y/%m/%d}/{slugify(self.title)}/"


class TejoSite:
    def __init__(self) -> None:
        start = datetime(2026, 3, 15, 9, 0, tzinfo=ZONE)
        cats, tags, authors = list(CATEGORIES), list(TAGS), list(AUTHORS)
        self.articles = [
            Article(
                n=i,
                title=headline(WORDS, i),
                published=start + timedelta(days=i, hours=(i * 5) % 9, minutes=(i * 17) % 60),
                category=cats[i % 3],
                tags=(tags[i % 4], tags[(i + 1) % 4]),
                author=authors[i % 3],
                paragraphs=tuple(paragraphs(WORDS, 100 + i)),
            )
            for i in range(30)
        ]
        self.by_path = {a.path: a for a in self.articles}

    def newest(self) -> list[Article]:
        return sorted(self.articles, key=lambda a: a.published, reverse=True)

    def related(self, a: Article) -> list[Article]:
        return [self.articles[(a.n + k) % 30] for k in (4, 11, 17)]

    def truth(self) -> Truth:
        days = {f"/{a.published:%Y/%m/%d}/" for a in self.articles}
        hubs = {"/", "/page/2/", "/sobre/", "/feed/", "/comments/feed/", "/2026/03/", "/2026/04/", *days}
        hubs |= {f"/categoria/{c}/" for c in CATEGORIES} | {f"/categoria/{c}/page/2/" for c in CATEGORIES}
        hubs |= {f"/etiqueta/{t}/" for t in TAGS} | {f"/autor/{a}/" for a in AUTHORS}
        return Truth(frozenset(self.by_path), frozenset(hubs), "Europe/Lisbon", READ_ALSO, NEWS_FEED)

    # --- pages ---------------------------------------------------------------------------------
    def page(self, base: str, title: str, main: str, *, head: str = "", body_class: str = "") -> str:
        menu = "".join(
            f'<li class="menu-item"><a href="{base}/categoria/{c}/">{esc(n)}</a></li>'
            for c, n in CATEGORIES.items()
        )
        latest = "".join(f'<li><a href="{base}{a.path}">{esc(a.title)}</a></li>' for a in self.newest()[:5])
        return (
            f'<!DOCTYPE html>\n<html lang="pt-PT">\n<head>\n<meta charset="UTF-8">\n<title>{esc(title)} – {NAME}</title>\n'
            f'<link rel="alternate" type="application/rss+xml" title="{NAME} » Feed" href="{base}/feed/">\n'
            f'<link rel="alternate" type="application/rss+xml" title="{NAME} » Feed de comentários" href="{base}/comments/feed/">\n'
            f'{head}</head>\n<body class="{body_class}">\n'
            f'<header id="masthead" class="site-header"><p class="site-title"><a href="{base}/" rel="home">{NAME}</a></p>\n'
            f'<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">{menu}'
            f'<li class="menu-item"><a href="{base}/sobre/">Sobre nós</a></li></ul></nav></header>\n'
            f'<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" class="site-main">\n{main}\n</main></div>\n'
            f'<aside id="secondary" class="widget-area"><section class="widget widget_recent_entries"><h2 class="widget-title">{NEWS_FEED}</h2><ul>{latest}</ul></section>\n'
            f'<section class="widget widget_archive"><h2 class="widget-title">Arquivo</h2><ul><li><a href="{base}/2026/04/">abril 2026</a></li>'
            f'<li><a href="{base}/2026/03/">março 2026</a></li></ul></section></aside></div>\n'
            f'<footer id="colophon" class="site-footer"><p>© 2026 {NAME}. Todos os direitos reservados.</p></footer>\n</body>\n</html>\n'
        )

    def article_page(self, base: str, a: Article) -> str:
        data = {
            "@context": "https://schema.org", "@type": "NewsArticle", "headline": a.title,
            "datePublished": iso(a.published), "dateModified": iso(a.published + timedelta(hours=2)),
            "author": {"@type": "Person", "name": AUTHORS[a.author]}, "inLanguage": "pt-PT",
            "mainEntityOfPage": base + a.path, "publisher": {"@type": "Organization", "name": NAME},
        }  # fmt: skip
        head = (
            f'<link rel="canonical" href="{base}{a.path}">\n<meta property="og:type" content="article">\n'
            f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>\n'
        )
        related = "".join(f'<li><a href="{base}{r.path}">{esc(r.title)}</a></li>' for r in self.related(a))
        paras = [f"<p>{esc(p)}</p>" for p in a.paragraphs]
        block = f'<div class="leia-tambem"><h3>{READ_ALSO}</h3><ul>{related}</ul></div>'
        body = "\n".join([*paras[:2], block, *paras[2:]])
        tags = ", ".join(f'<a href="{base}/etiqueta/{t}/" rel="tag">{esc(TAGS[t])}</a>' for t in a.tags)
        day = f"/{a.published:%Y/%m/%d}/"
        main = (
            f'<article id="post-{a.n}" class="post-{a.n} post type-post status-publish">\n'
            f'<header class="entry-header"><h1 class="entry-title">{esc(a.title)}</h1>\n'
            f'<div class="entry-meta"><span class="posted-on"><a href="{base}{day}"><time class="entry-date published" '
            f'datetime="{iso(a.published)}">{a.published.day} de {a.published.month:02d} de 2026</time></a></span> '
            f'<span class="byline">por <span class="author vcard"><a class="url fn n" href="{base}/autor/{a.author}/">'
            f"{esc(AUTHORS[a.author])}</a></span></span></div></header>\n"
            f'<div class="entry-content">\n{body}\n</div>\n'
            f'<footer class="entry-footer"><span class="cat-links">Publicado em <a href="{base}/categoria/{a.category}/" '
            f'rel="category tag">{esc(CATEGORIES[a.category])}</a></span> <span class="tags-links">Etiquetas: {tags}</span></footer>\n'
            "</article>"
        )
        return self.page(base, a.title, main, head=head, body_class="post-template-default single")

    def listing(self, base: str, title: str, path: str, articles: list[Article], page: int) -> Reply | None:
        pages = max(1, -(-len(articles) // PER_PAGE))
        if page > pages:
            return None
        shown = articles[(page - 1) * PER_PAGE : page * PER_PAGE]
        teasers = "".join(
            f'<article class="post type-post"><header class="entry-header"><h2 class="entry-title">'
            f'<a href="{base}{a.path}" rel="bookmark">{esc(a.title)}</a></h2></header>'
            f'<div class="entry-summary"><p>{esc(a.paragraphs[0][:120])}…</p></div></article>\n'
            for a in shown
        )
        head = '<meta property="og:type" content="website">\n'
        nav = ""
        if page < pages:
            nxt = f"{base}{path}page/{page + 1}/"
            head += f'<link rel="next" href="{nxt}">\n'
            nav = (
                f'<nav class="navigation pagination" aria-label="Artigos"><div class="nav-links">'
                f'<span aria-current="page" class="page-numbers current">{page}</span>'
                f'<a class="next page-numbers" href="{nxt}">Seguinte »</a></div></nav>'
            )
        main = (
            f'<header class="page-header"><h1 class="page-title">{esc(title)}</h1></header>\n{teasers}{nav}'
        )
        return html(self.page(base, title, main, head=head, body_class="archive"))

    def rss(self, base: str, comments: bool = False) -> Reply:
        items = []
        for a in self.newest()[:10]:
            link = f"{base}{a.path}" + (f"#comment-{a.n * 7}" if comments else "")
            title = f"Comentário em {a.title}" if comments else a.title
            items.append(
                f"<item><title>{esc(title)}</title><link>{link}</link>"
                f'<pubDate>{format_datetime(a.published)}</pubDate><guid isPermaLink="false">{base}/?p={a.n}</guid>'
                f"<description>{esc(a.paragraphs[0])}</description></item>"
            )
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            f"<title>{NAME}</title><link>{base}/</link><description>Notícias do Tejo</description>"
            f"<language>pt-PT</language>{''.join(items)}</channel></rss>\n"
        )
        return Reply(200, body.encode("utf-8"), RSS)

    # --- routing -------------------------------------------------------------------------------
    def handle(self, target: str, headers: Mapping[str, str]) -> Reply:
        base = base_of(headers)
        path = urlsplit(target).path or "/"
        newest = self.newest()
        if path == "/robots.txt":
            return Reply(200, b"User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n", TEXT)
        if path == "/feed/":
            return self.rss(base)
        if path == "/comments/feed/":
            return self.rss(base, comments=True)
        if path in ("/feed", "/comments/feed"):
            return Reply(301, b"", TEXT, {"Location": base + path + "/"})
        if (a := self.by_path.get(path)) is not None:
            return html(self.article_page(base, a))
        if path == "/sobre/":
            main = '<h1 class="page-title">Sobre nós</h1><p>A Gazeta do Tejo é um jornal digital independente fundado por jornalistas da margem sul.</p>'
            return html(
                self.page(base, "Sobre nós", main, head='<meta property="og:type" content="website">\n')
            )
        parts = [p for p in path.split("/") if p]
        page = 1
        if len(parts) >= 2 and parts[-2] == "page" and parts[-1].isdigit():
            page, parts = int(parts[-1]), parts[:-2]
        prefix = "/" + "/".join(parts) + "/"
        reply = None
        if not parts:
            reply = self.listing(base, "Últimas", "/", newest, page)
        elif len(parts) == 2 and parts[0] == "categoria" and parts[1] in CATEGORIES:
            found = [a for a in newest if a.category == parts[1]]
            reply = self.listing(base, f"Categoria: {CATEGORIES[parts[1]]}", prefix, found, page)
        elif len(parts) == 2 and parts[0] == "etiqueta" and parts[1] in TAGS:
            found = [a for a in newest if parts[1] in a.tags]
            reply = self.listing(base, f"Etiqueta: {TAGS[parts[1]]}", prefix, found, page)
        elif len(parts) == 2 and parts[0] == "autor" and parts[1] in AUTHORS:
            found = [a for a in newest if a.author == parts[1]]
            reply = self.listing(base, f"Autor: {AUTHORS[parts[1]]}", prefix, found, page)
        elif 2 <= len(parts) <= 3 and all(p.isdigit() for p in parts):
            found = [a for a in newest if a.path.startswith(prefix)]
            reply = self.listing(base, f"Arquivo: {'/'.join(parts)}", prefix, found, page) if found else None
        return reply or html(self.page(base, "Página não encontrada", "<h1>Página não encontrada</h1>"), 404)


@contextmanager
def serve() -> Iterator[SiteServer]:
    site = TejoSite()
    with SiteServer(site.handle) as server:
        server.site = site
        yield server
