"""De Polderkrant: a Dutch Ghost 5 publication, Casper-like theme (Europe/Amsterdam). HELD OUT: never tuned on.

The related block is a grid of post cards (image, tag, title, excerpt, author and reading time) under the
heading "Lees verder"; a members call to action and a newsletter card (kg-signup) sit in and under the post.

URL layout:
  /<slug>/                       post (Ghost: flat slugs, same shape as pages such as /over-ons/)
  /tag/<slug>/  /author/<slug>/  tag and author archives, /page/N/ pagination
  /rss/                          RSS 2.0 (advertised), 15 newest
  /sitemap.xml                   index -> /sitemap-posts.xml, /sitemap-pages.xml, /sitemap-tags.xml, /sitemap-authors.xml
"""

from __future__ import annotations

from typing import ClassVar

from .common import Reply, Words, esc, html, iso, slugify
from .kit import Shape, Story

PER_PAGE = 6
MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


class PolderSite(Shape):
    NAME = "De Polderkrant"
    FAMILY = "Ghost 5 (Casper-like theme)"
    LANGUAGE = "nl"
    ZONE = "Europe/Amsterdam"
    HELD_OUT = True
    SEED = 41
    SECTIONS: ClassVar[dict[str, str]] = {"regio": "Regio", "water": "Water", "cultuur": "Cultuur"}
    AUTHORS = ("Femke de Vries", "Bram Koster", "Noor El Amrani")
    TAGS = ("Dijken", "Landbouw", "Gemeenteraad", "Onderwijs", "Fietsen")
    READ_ALSO = "Lees verder"
    WORDS = Words(
        subjects=["De gemeenteraad", "Het waterschap", "Bewoners van Zuidpolder", "De boerenbond",
                  "De provincie", "Het streekmuseum", "De busmaatschappij", "Leerlingen uit Lelystad"],
        verbs=["keurt goed", "stelt uit", "bekritiseert", "opent", "onderzoekt", "schrapt"],
        objects=["de nieuwe dijkversterking", "het plan voor de haven", "de woningbouw aan de vaart",
                 "een snelfietspad", "het zomerfestival", "de sluisrenovatie", "de nieuwe brede school"],
        places=["in Emmeloord", "bij Urk", "in Dronten", "aan het Markermeer", "in Almere-Haven", "bij Swifterbant"],
        sentences=[
            "{subject} meldde dat {object} {place} ongeveer {number} duizend euro gaat kosten.",
            "Volgens {subject} zijn er over {object} inmiddels {number} zienswijzen binnengekomen.",
            "Over {object} {place} wordt volgende maand gestemd; {number} insprekers hebben zich gemeld.",
            "Dinsdag beantwoordde {subject} {number} vragen over {object}.",
            "Deskundigen verwachten dat {object} {place} dagelijks zo'n {number} mensen zal bedienen.",
        ],
    )  # fmt: skip
    HAND_TOML = """name = "polder"
origin = "{origin}"
feeds = ["/rss/"]
sitemaps = ["/sitemap-posts.xml"]
hub_patterns = ['^/(?:tag|author)/', '^/page/', '^/(?:over-ons|abonneren)/$', '^/rss/']
timezone = "Europe/Amsterdam"

[related]
read_also = ["Lees verder"]
"""

    def tags_of(self, story: Story) -> tuple[str, ...]:
        return (self.SECTIONS[story.section], *story.tags)

    def path_of(self, story: Story) -> str:
        return f"/{story.slug}/"

    def hub_paths(self) -> list[str]:
        return [
            "/",
            *(f"/tag/{slugify(t)}/" for t in [*self.SECTIONS.values(), *self.TAGS]),
            *(f"/author/{slugify(a)}/" for a in self.AUTHORS),
            "/over-ons/",
            "/abonneren/",
        ]

    def card(self, s: Story) -> str:
        minutes = 2 + len(" ".join(s.paragraphs).split()) // 200
        return (
            f'<article class="post-card post tag-{s.section}">'
            f'<a class="post-card-image-link" href="{self.path_of(s)}"><img class="post-card-image" '
            f'srcset="/content/images/size/w300/2026/03/{s.id}.jpg 300w" src="/content/images/2026/03/{s.id}.jpg" alt="{esc(s.title)}" loading="lazy"></a>'
            f'<div class="post-card-content"><a class="post-card-content-link" href="{self.path_of(s)}">'
            f'<header class="post-card-header"><div class="post-card-tags"><span class="post-card-primary-tag">{esc(self.SECTIONS[s.section])}</span></div>'
            f'<h2 class="post-card-title">{esc(s.title)}</h2></header>'
            f'<div class="post-card-excerpt">{esc(s.lead)}</div></a>'
            f'<footer class="post-card-meta"><span class="post-card-author">{esc(s.author)}</span>'
            f'<time class="post-card-meta-date" datetime="{s.published:%Y-%m-%d}">{s.published.day} {MONTHS[s.published.month - 1]} {s.published.year}</time>'
            f'<span class="post-card-meta-length">{minutes} min leestijd</span></footer></div></article>'
        )

    def page(
        self, base: str, title: str, main: str, *, head: str = "", body_class: str = "home-template"
    ) -> str:
        nav = "".join(
            f'<li class="nav-{k}"><a href="{base}/tag/{k}/">{esc(n)}</a></li>'
            for k, n in self.SECTIONS.items()
        )
        return (
            f'<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n<meta http-equiv="X-UA-Compatible" content="IE=edge">\n'
            f"<title>{esc(title)}</title>\n"
            '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
            f'<link rel="stylesheet" type="text/css" href="{base}/assets/built/screen.css?v=a1b2c3">\n'
            f'{head}<meta name="generator" content="Ghost 5.82">\n'
            f'<link rel="alternate" type="application/rss+xml" title="{esc(self.NAME)}" href="{base}/rss/">\n'
            '<script defer src="https://cdn.jsdelivr.net/ghost/portal@~2.37/umd/portal.min.js" data-i18n="true" data-ghost="/" data-locale="nl"></script>\n'
            f'</head>\n<body class="{body_class} is-head-left-logo has-cover">\n<div class="viewport">\n'
            '<header id="gh-head" class="gh-head outer"><div class="gh-head-inner inner"><div class="gh-head-brand">'
            f'<a class="gh-head-logo" href="{base}/">{esc(self.NAME)}</a></div>'
            f'<nav class="gh-head-menu"><ul class="nav">{nav}<li class="nav-over-ons"><a href="{base}/over-ons/">Over ons</a></li></ul></nav>'
            '<div class="gh-head-actions"><a class="gh-head-link" href="#/portal/signin" data-portal="signin">Inloggen</a>'
            '<a class="gh-head-button" href="#/portal/signup" data-portal="signup">Abonneren</a></div></div></header>\n'
            f'<div class="site-content">\n{main}\n</div>\n'
            '<footer class="site-footer outer"><div class="inner">'
            f'<section class="copyright"><a href="{base}/">{esc(self.NAME)}</a> © 2026</section>'
            f'<nav class="site-footer-nav"><ul class="nav"><li><a href="{base}/abonneren/">Abonneren</a></li><li><a href="{base}/over-ons/">Colofon</a></li></ul></nav>'
            '<div class="gh-powered-by"><a href="https://ghost.org/" target="_blank" rel="noopener">Powered by Ghost</a></div></div></footer>\n'
            "</div>\n</body>\n</html>\n"
        )

    def article(self, base: str, s: Story) -> str:
        url = f"{base}{self.path_of(s)}"
        head = (
            f'<link rel="canonical" href="{url}">\n<meta name="description" content="{esc(s.lead)}">\n'
            f'<meta property="og:type" content="article">\n<meta property="og:title" content="{esc(s.title)}">\n'
            f'<meta property="article:published_time" content="{iso(s.published)}">\n'
            + "".join(
                f'<meta property="article:tag" content="{esc(t)}">\n'
                for t in (self.SECTIONS[s.section], *s.tags)
            )
            + self.jsonld(base, s, "Article", keywords=", ".join(s.tags))
            + "\n"
        )
        paras = [f"<p>{esc(p)}</p>" for p in s.paragraphs]
        paras.insert(
            2,
            '<div class="kg-card kg-signup-card kg-width-regular"><div class="kg-signup-card-content">'
            '<h2 class="kg-signup-card-heading">Elke vrijdag de Polder in je inbox</h2>'
            '<p class="kg-signup-card-subheading">Het nieuws uit de polder, gratis en zonder reclame.</p>'
            '<form data-members-form><input data-members-email type="email" placeholder="Je e-mailadres">'
            '<button class="kg-signup-card-button">Aanmelden</button></form></div></div>',
        )
        tags = "".join(
            f'<a href="{base}/tag/{slugify(t)}/">{esc(t)}</a>' for t in (self.SECTIONS[s.section], *s.tags)
        )
        minutes = 2 + len(" ".join(s.paragraphs).split()) // 200
        related = "".join(self.card(r) for r in self.related_of(s))
        main = (
            '<main id="site-main" class="site-main">\n'
            f'<article class="article post tag-{s.section} no-image">\n'
            '<header class="article-header gh-canvas">\n'
            f'<div class="article-tag post-card-tags"><span class="post-card-primary-tag"><a href="{base}/tag/{s.section}/">{esc(self.SECTIONS[s.section])}</a></span></div>\n'
            f'<h1 class="article-title">{esc(s.title)}</h1>\n<p class="article-excerpt">{esc(s.lead)}</p>\n'
            '<div class="article-byline"><section class="article-byline-content"><ul class="author-list">'
            f'<li class="author-list-item"><a href="{base}/author/{slugify(s.author)}/" class="author-avatar author-profile-image"><img src="/content/images/a.png" alt="{esc(s.author)}"></a></li></ul>'
            f'<div class="article-byline-meta"><h4 class="author-name"><a href="{base}/author/{slugify(s.author)}/">{esc(s.author)}</a></h4>'
            f'<div class="byline-meta-content"><time class="byline-meta-date" datetime="{s.published:%Y-%m-%d}">{s.published.day} {MONTHS[s.published.month - 1]} {s.published.year}</time>'
            f'<span class="byline-reading-time"><span class="bull">&bull;</span> {minutes} min leestijd</span></div></div></section></div>\n'
            "</header>\n"
            f'<section class="gh-content gh-canvas">\n{chr(10).join(paras)}\n</section>\n'
            f'<section class="article-tags gh-canvas">Tags: {tags}</section>\n'
            "</article>\n"
            '<section class="footer-cta outer"><div class="inner"><h2 class="footer-cta-title">Meld je aan voor De Polderkrant</h2>'
            '<a class="footer-cta-button" href="#/portal" data-portal><div class="footer-cta-input">Je e-mailadres</div><span>Abonneren</span></a></div></section>\n'
            '<div class="gh-comments gh-canvas"><div id="ghost-comments-root"></div></div>\n'
            "</main>\n"
            f'<aside class="read-more-wrap outer"><div class="read-more inner"><h3 class="read-more-title">{self.READ_ALSO}</h3>'
            f'<div class="read-more-feed">{related}</div></div></aside>'
        )
        return self.page(base, f"{s.title}", main, head=head, body_class=f"post-template tag-{s.section}")

    def listing(self, base: str, title: str, stories: list[Story], page: int, root: str) -> Reply | None:
        pages = max(1, -(-len(stories) // PER_PAGE))
        if page > pages or page < 1:
            return None
        cards = "".join(self.card(s) for s in stories[(page - 1) * PER_PAGE : page * PER_PAGE])
        head, more = "", ""
        if page < pages:
            head = f'<link rel="next" href="{base}{root}page/{page + 1}/">\n'
            more = f'<nav class="pagination"><a class="older-posts" href="{base}{root}page/{page + 1}/">Oudere berichten &rarr;</a></nav>'
        main = f'<main id="site-main" class="site-main outer"><div class="inner posts"><h1 class="visually-hidden">{esc(title)}</h1><div class="post-feed">{cards}</div>{more}</div></main>'
        return html(self.page(base, title, main, head=head))

    def route(self, base: str, path: str, query: dict[str, str]) -> Reply | None:
        if path == "/robots.txt":
            return self.robots([f"{base}/sitemap.xml"], "/ghost/")
        if path == "/rss/":
            return self.rss(base, self.NAME, self.listed()[:15])
        if path == "/sitemap.xml":
            return self.sitemap_index(
                base,
                ["/sitemap-pages.xml", "/sitemap-posts.xml", "/sitemap-authors.xml", "/sitemap-tags.xml"],
            )
        if path == "/sitemap-posts.xml":
            return self.urlset(
                base, [(self.path_of(s), iso(s.modified or s.published)) for s in self.listed()]
            )
        if path == "/sitemap-pages.xml":
            return self.urlset(base, [("/over-ons/", "2026-01-04"), ("/abonneren/", "2026-01-04")])
        if path == "/sitemap-tags.xml":
            return self.urlset(base, [(f"/tag/{slugify(t)}/", "2026-04-01") for t in self.SECTIONS])
        if path == "/sitemap-authors.xml":
            return self.urlset(base, [(f"/author/{slugify(a)}/", "2026-04-01") for a in self.AUTHORS])
        if (story := self.find(path)) is not None:
            return html(self.article(base, story))
        if path in ("/over-ons/", "/abonneren/"):
            body = "<p>De Polderkrant is een onafhankelijke nieuwssite voor de Flevopolder, opgericht door drie journalisten.</p>"
            return html(
                self.page(
                    base,
                    "Over ons",
                    f'<main class="site-main"><article class="article page"><h1>Over ons</h1><section class="gh-content">{body}</section></article></main>',
                    body_class="page-template",
                )
            )
        page, root = 1, path
        if "/page/" in path:
            root, _, number = path.rstrip("/").rpartition("/page/")
            root += "/"
            page = int(number) if number.isdigit() else 0
        if root == "/":
            return self.listing(base, self.NAME, self.listed(), page, root)
        for key, name in self.SECTIONS.items():
            if root == f"/tag/{key}/":
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
