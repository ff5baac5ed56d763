"""Gazeta de Mureș: a Romanian Joomla 4 site, Cassiopeia-like template (Europe/Bucharest). HELD OUT: never
tuned on.

Joomla's article view: microdata (`itemprop="articleBody"`, author "Scris de: <name>"), an info block with a
hit counter ("Accesări: N") that goes up with every fetch of the page, the previous/next article pager
("Înapoi" / "Înainte": links to other articles that differ from page to page, but are no related block),
tags as buttons. The lead is the article's intro text, the first paragraph of the body (no separate field).
The modules: "Articole similare" (mod_related_items, the related block), "Cele mai noi" (latest) and
"Cele mai citite" (popular) in the sidebar.

URL layout:
  /stiri/<categorie>/<id>-<alias>           article
  /stiri/<categorie>[?start=N]              category blog (6 a page); its RSS: ?format=feed&type=rss (advertised)
  /etichete/<alias>                         tag pages;  /?format=feed&type=rss  home feed (advertised)
"""

from __future__ import annotations

from collections import Counter
from typing import ClassVar

from .common import RSS, Reply, Words, esc, html, iso, slugify
from .kit import Shape, Story

PER_PAGE = 6
MONTHS = ("ianuarie", "februarie", "martie", "aprilie", "mai", "iunie", "iulie", "august", "septembrie",
          "octombrie", "noiembrie", "decembrie")  # fmt: skip


class MuresSite(Shape):
    NAME = "Gazeta de Mureș"
    FAMILY = "Joomla 4 (Cassiopeia-like, microdata, modules)"
    LANGUAGE = "ro"
    ZONE = "Europe/Bucharest"
    HELD_OUT = True
    SEED = 113
    FIRST_ID = 1402
    SECTIONS: ClassVar[dict[str, str]] = {
        "politica": "Politică",
        "economie": "Economie",
        "cultura": "Cultură",
    }
    AUTHORS = ("Ioana Pop", "Radu Moldovan", "Andreea Szabo")
    TAGS = ("Transport", "Consiliul local", "Locuințe", "Învățământ", "Turism")
    READ_ALSO = "Articole similare"
    NEWS_FEED = "Cele mai noi"
    WORDS = Words(
        subjects=["Consiliul local", "Prefectura", "Locuitorii din Tudor", "Asociația fermierilor",
                  "Compania de apă", "Teatrul Național", "Transport Local", "Studenții de la UMF"],
        verbs=["aprobă", "amână", "critică", "inaugurează", "analizează", "reduce"],
        objects=["noul pod", "reabilitarea falezei", "bugetul pentru cultură", "linia de autobuz",
                 "piața agroalimentară", "festivalul de vară", "policlinica"],
        places=["în Târgu Mureș", "în Reghin", "în Sighișoara", "în Luduș", "în Sovata", "în Iernut"],
        sentences=[
            "{subject} a anunțat că {object} {place} va costa aproximativ {number} de mii de lei.",
            "Potrivit primăriei, despre {object} au fost depuse {number} sesizări.",
            "Votul privind {object} {place} va avea loc luna viitoare, iar {number} cetățeni s-au înscris la cuvânt.",
            "Marți, {subject} a răspuns la {number} întrebări despre {object}.",
            "Specialiștii estimează că {object} {place} va deservi zilnic circa {number} de persoane.",
        ],
    )  # fmt: skip
    HAND_TOML = """name = "mures"
origin = "{origin}"
feeds = ["/?format=feed&type=rss"]
categories = ["/stiri/politica", "/stiri/economie", "/stiri/cultura"]
article_pattern = '^/stiri/(?:politica|economie|cultura)/\\d+-[a-z0-9-]+$'
hub_patterns = ['^/etichete/']
timezone = "Europe/Bucharest"

[related]
read_also = ["Articole similare"]
news_feed = ["Cele mai noi"]
"""

    def __init__(self) -> None:
        super().__init__()
        self.hits: Counter[int] = Counter()

    def path_of(self, story: Story) -> str:
        return f"/stiri/{story.section}/{story.id}-{story.slug}"

    def body_of(self, story: Story) -> str:
        return "\n\n".join([story.lead, *story.paragraphs])

    def subtitle_of(self, story: Story) -> str | None:
        return None  # Joomla has no lead field: the intro text is the body's first paragraph

    def hub_paths(self) -> list[str]:
        return ["/", *(f"/stiri/{s}" for s in self.SECTIONS), *(f"/etichete/{slugify(t)}" for t in self.TAGS)]

    def page(self, base: str, title: str, main: str, *, head: str = "", related: str = "") -> str:
        nav = "".join(
            f'<li class="nav-item item-{10 + k}"><a href="/stiri/{c}">{esc(n)}</a></li>'
            for k, (c, n) in enumerate(self.SECTIONS.items())
        )
        latest = "".join(
            f'<li itemscope itemtype="https://schema.org/Article"><a href="{self.path_of(s)}" itemprop="url"><span itemprop="name">{esc(s.title)}</span></a></li>'
            for s in self.listed()[:5]
        )
        popular = "".join(
            f'<li><a href="{self.path_of(s)}">{esc(s.title)}</a></li>'
            for s in sorted(self.listed(), key=lambda s: (s.id * 37) % 101)[:5]
        )
        return (
            f'<!DOCTYPE html>\n<html lang="ro-ro" dir="ltr">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="generator" content="Joomla! - Open Source Content Management">\n'
            f"<title>{esc(title)}</title>\n{head}"
            '<link href="/media/templates/site/cassiopeia/css/template.min.css?4.4.2" rel="stylesheet">\n'
            '</head>\n<body class="site com_content wrapper-static view-article layout-blog no-task itemid-101">\n'
            '<header class="header container-header full-width"><div class="grid-child"><div class="navbar-brand">'
            f'<a class="brand-logo" href="/"><span title="{esc(self.NAME)}">{esc(self.NAME)}</span></a>'
            '<div class="site-description">Știri din Mureș, zi de zi</div></div></div>'
            f'<div class="grid-child container-nav"><ul class="mod-menu mod-list nav ">{nav}</ul></div></header>\n'
            '<div class="site-grid"><div class="grid-child container-component">'
            '<div id="system-message-container" aria-live="polite"></div>'
            f"<main>\n{main}\n</main></div>\n"
            '<div class="grid-child container-sidebar-right"><div class="sidebar-right card">'
            f"{related}"
            f'<div class="moduletable"><h3>{self.NEWS_FEED}</h3><ul class="mod-articleslatest latestnews mod-list">{latest}</ul></div>'
            f'<div class="moduletable"><h3>Cele mai citite</h3><ul class="mod-articlespopular mostread mod-list">{popular}</ul></div>'
            "</div></div></div>\n"
            '<footer class="container-footer footer full-width"><div class="grid-child">'
            f'<div class="mod-footer"><div class="footer1">Copyright &#169; 2026 {esc(self.NAME)}. Toate drepturile rezervate.</div>'
            '<div class="footer2"><a href="https://www.joomla.org">Joomla!</a> este software liber, lansat sub licența GNU/GPL.</div></div>'
            '</div></footer>\n<a href="#top" id="back-top" class="back-to-top-link" aria-label="Înapoi sus"></a>\n</body>\n</html>\n'
        )

    def article(self, base: str, s: Story) -> str:
        self.hits[s.id] += 1
        p = s.published
        newest = self.newest(s.section)
        k = newest.index(s)
        pager = ""
        if k + 1 < len(newest):
            prev = newest[k + 1]
            pager += (
                f'<a class="btn btn-sm btn-secondary previous" href="{self.path_of(prev)}" rel="prev">'
                f'<span class="visually-hidden">Articol anterior: {esc(prev.title)}</span>'
                '<span class="icon-chevron-left" aria-hidden="true"></span> <span aria-hidden="true">Înapoi</span></a>'
            )
        if k > 0:
            nxt = newest[k - 1]
            pager += (
                f'<a class="btn btn-sm btn-secondary next" href="{self.path_of(nxt)}" rel="next">'
                f'<span class="visually-hidden">Articol următor: {esc(nxt.title)}</span>'
                '<span aria-hidden="true">Înainte</span> <span class="icon-chevron-right" aria-hidden="true"></span></a>'
            )
        tags = "".join(
            f'<li class="list-inline-item tag-{3 + n} tag-list{n}" itemprop="keywords"><a href="/etichete/{slugify(t)}" class="btn btn-sm btn-info">{esc(t)}</a></li>'
            for n, t in enumerate(s.tags)
        )
        paras = "".join(f"<p>{esc(x)}</p>" for x in s.paragraphs)
        main = (
            '<div class="com-content-article item-page" itemscope itemtype="https://schema.org/Article">\n'
            '<meta itemprop="inLanguage" content="ro-RO">\n'
            f'<div class="page-header"><h1 itemprop="headline">{esc(s.title)}</h1></div>\n'
            '<dl class="article-info text-muted"><dt class="article-info-term">Detalii</dt>'
            '<dd class="createdby" itemprop="author" itemscope itemtype="https://schema.org/Person">'
            f'<span class="icon-user icon-fw" aria-hidden="true"></span> Scris de: <span itemprop="name">{esc(s.author)}</span></dd>'
            f'<dd class="category-name"><span class="icon-folder-open icon-fw" aria-hidden="true"></span> Categorie: <a href="/stiri/{s.section}" itemprop="genre">{esc(self.SECTIONS[s.section])}</a></dd>'
            f'<dd class="published"><span class="icon-calendar icon-fw" aria-hidden="true"></span><time datetime="{iso(p)}" itemprop="datePublished">'
            f"Publicat: {p.day} {MONTHS[p.month - 1]} {p.year}, {p:%H:%M}</time></dd>"
            f'<dd class="hits"><span class="icon-eye icon-fw" aria-hidden="true"></span><meta itemprop="interactionCount" content="UserPageVisits:{200 + self.hits[s.id]}">'
            f"Accesări: {200 + self.hits[s.id]}</dd></dl>\n"
            f'<ul class="tags list-inline">{tags}</ul>\n'
            f'<div itemprop="articleBody" class="com-content-article__body"><p><strong>{esc(s.lead)}</strong></p>{paras}</div>\n'
            f'<nav class="pagenavigation" aria-label="Navigare pagină"><span class="pagination ms-0">{pager}</span></nav>\n'
            "</div>"
        )
        related = "".join(
            f'<li><a href="{self.path_of(r)}">{esc(r.title)}</a></li>' for r in self.related_of(s)
        )
        module = f'<div class="moduletable"><h3>{self.READ_ALSO}</h3><ul class="mod-relateditems relateditems mod-list">{related}</ul></div>'
        head = (
            f'<link href="{base}{self.path_of(s)}" rel="canonical">\n<meta name="author" content="{esc(s.author)}">\n'
            f'<meta name="description" content="{esc(s.lead)}">\n'
        )
        return self.page(base, f"{s.title} - {self.NAME}", main, head=head, related=module)

    def blog(self, base: str, title: str, stories: list[Story], start: int, root: str) -> Reply | None:
        if start >= max(len(stories), 1) or start % PER_PAGE:
            return None
        items = "".join(
            f'<div class="com-content-category-blog__item blog-item" itemprop="blogPost" itemscope itemtype="https://schema.org/BlogPosting">'
            f'<div class="item-content"><div class="page-header"><h2 itemprop="name"><a href="{self.path_of(s)}" itemprop="url">{esc(s.title)}</a></h2></div>'
            f'<p>{esc(s.lead)}</p><p class="readmore"><a class="btn btn-secondary" href="{self.path_of(s)}">Citește mai mult: {esc(s.title)}</a></p></div></div>'
            for s in stories[start : start + PER_PAGE]
        )
        more = ""
        if start + PER_PAGE < len(stories):
            more = f'<div class="com-content-category-blog__navigation w-100"><ul class="pagination"><li class="page-item"><a href="{root}?start={start + PER_PAGE}" class="page-link">Înainte</a></li></ul></div>'
        feed = f"{root}?format=feed&amp;type=rss" if root != "/" else "/?format=feed&amp;type=rss"
        head = f'<link href="{feed}" rel="alternate" type="application/rss+xml" title="RSS 2.0">\n'
        main = f'<div class="com-content-category-blog blog"><h1>{esc(title)}</h1><div class="com-content-category-blog__items blog-items">{items}</div>{more}</div>'
        return html(self.page(base, title, main, head=head))

    def route(self, base: str, path: str, query: dict[str, str]) -> Reply | None:
        start = int(query.get("start", "0")) if query.get("start", "0").isdigit() else -1
        if path == "/robots.txt":
            return self.robots([], "/administrator/")
        if query.get("format") == "feed":
            stories = self.listed() if path == "/" else self.listed(path.rsplit("/", 1)[-1])
            reply = self.rss(base, self.NAME, stories[:10])
            return (
                Reply(200, reply.body, RSS)
                if path == "/" or path.rsplit("/", 1)[-1] in self.SECTIONS
                else None
            )
        if (story := self.find(path)) is not None:
            return html(self.article(base, story))
        if path == "/":
            return self.blog(base, "Acasă", self.listed(), start, "/")
        for key, name in self.SECTIONS.items():
            if path == f"/stiri/{key}":
                return self.blog(base, name, self.listed(key), start, path)
        for tag in self.TAGS:
            if path == f"/etichete/{slugify(tag)}":
                return self.blog(base, tag, [s for s in self.listed() if tag in s.tags], start, path)
        return None
