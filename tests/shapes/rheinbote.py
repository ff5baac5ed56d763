"""Der Rheinbote: a German Drupal 10 site (pathauto aliases, Views blocks, no JSON-LD) (Europe/Berlin).

Dates are only written as text ("12. März 2026 um 14:05 Uhr"), the byline carries the label "Von", the lead
is a field of its own. Inside the article node, after the tags, a Views block "Mehr aus <Ressort>" lists the
section's five latest stories (the template trap: it changes with every publication). The sidebar's
"Neueste Meldungen" view links raw /node/<nid> paths, which serve the article with rel=canonical to the alias.

URL layout:
  /<ressort>/2026/MM/<slug>     article alias        /node/<nid>    the same article (canonical: the alias)
  /<ressort>[?page=N]           section listings (Drupal pager, 0-based)
  /thema/<slug>  /autor/<slug>  tag and author pages
  /rss.xml                      front page feed (advertised); /sitemap.xml (simple_sitemap, robots.txt)
"""

from __future__ import annotations

from typing import ClassVar

from .common import Reply, Words, esc, html, iso, slugify
from .kit import Shape, Story

PER_PAGE = 5
MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember")  # fmt: skip


class RheinboteSite(Shape):
    NAME = "Der Rheinbote"
    FAMILY = "Drupal 10 (pathauto, Views)"
    LANGUAGE = "de"
    ZONE = "Europe/Berlin"
    SEED = 37
    FIRST_ID = 2230
    SECTIONS: ClassVar[dict[str, str]] = {
        "politik": "Politik",
        "wirtschaft": "Wirtschaft",
        "kultur": "Kultur",
    }
    AUTHORS = ("Katrin Lehmann", "Jonas Becker", "Miriam Osterkamp")
    TAGS = ("Rheinbrücke", "Hafen", "Stadtrat", "Wohnungsbau", "Weinlese")
    READ_ALSO = "Das könnte Sie auch interessieren"
    NEWS_FEED = "Neueste Meldungen"
    WORDS = Words(
        subjects=["Der Stadtrat", "Die Landesregierung", "Anwohner in Deutz", "Die Winzergenossenschaft",
                  "Der Hafenbetreiber", "Die Fachhochschule", "Der Verkehrsverbund", "Die Handwerkskammer"],
        verbs=["beschließt", "verschiebt", "kritisiert", "eröffnet", "prüft", "kürzt"],
        objects=["den Neubau der Rheinbrücke", "die Sanierung des Hafenbeckens", "das Wohnungsbauprogramm",
                 "eine neue Stadtbahnlinie", "das Weinfest", "den Ausbau der Radwege", "die Kita-Gebühren"],
        places=["in Koblenz", "in Bingen", "in Mainz", "in Bonn", "in Neuwied", "in Boppard"],
        sentences=[
            "{subject} teilte mit, dass {object} {place} rund {number} Tausend Euro kosten werde.",
            "Nach Angaben der Verwaltung gingen zu {object} bislang {number} Einwendungen ein.",
            "Über {object} {place} soll im nächsten Monat abgestimmt werden, {number} Bürger haben sich angemeldet.",
            "Am Dienstag beantwortete {subject} {number} Fragen zu {object}.",
            "Fachleute rechnen damit, dass {object} {place} täglich etwa {number} Menschen nutzen.",
        ],
    )  # fmt: skip
    HAND_TOML = """name = "rheinbote"
origin = "{origin}"
feeds = ["/rss.xml"]
categories = ["/politik", "/wirtschaft", "/kultur"]
article_pattern = '^/(?:(?:politik|wirtschaft|kultur)/\\d{4}/\\d{2}/[a-z0-9-]+|node/\\d+)$'
hub_patterns = ['^/(?:thema|autor)/']
timezone = "Europe/Berlin"

[related]
read_also = ["Das könnte Sie auch interessieren"]
news_feed = ["Neueste Meldungen"]
"""

    def path_of(self, story: Story) -> str:
        return f"/{story.section}/{story.published:%Y/%m}/{story.slug}"

    def hub_paths(self) -> list[str]:
        return [
            "/",
            *(f"/{s}" for s in self.SECTIONS),
            *(f"/thema/{slugify(t)}" for t in self.TAGS),
            *(f"/autor/{slugify(a)}" for a in self.AUTHORS),
            "/impressum",
        ]

    def stamp(self, s: Story) -> str:
        p = s.published
        return f"{p.day}. {MONTHS[p.month - 1]} {p.year} um {p:%H:%M} Uhr"

    def page(self, base: str, title: str, main: str, *, head: str = "", path: str = "/") -> str:
        nav = "".join(
            f'<li class="menu__item"><a href="/{s}" class="menu__link" data-drupal-link-system-path="taxonomy/term/{k + 3}">{esc(n)}</a></li>'
            for k, (s, n) in enumerate(self.SECTIONS.items())
        )
        latest = "".join(
            f'<div class="views-row"><span class="field-content"><a href="/node/{s.id}" hreflang="de">{esc(s.title)}</a></span></div>'
            for s in self.listed()[:6]
        )
        return (
            '<!DOCTYPE html>\n<html lang="de" dir="ltr" prefix="og: https://ogp.me/ns#">\n<head>\n<meta charset="utf-8" />\n'
            '<meta name="Generator" content="Drupal 10 (https://www.drupal.org)" />\n'
            f'<link rel="alternate" type="application/rss+xml" title="{esc(self.NAME)}" href="{base}/rss.xml" />\n'
            f"<title>{esc(title)} | {esc(self.NAME)}</title>\n{head}"
            '<link rel="stylesheet" media="all" href="/sites/default/files/css/css_Xh1.css?delta=0&amp;language=de" />\n'
            f'</head>\n<body class="path-{"frontpage" if path == "/" else "node"}">\n'
            '<a href="#main-content" class="visually-hidden focusable skip-link">Direkt zum Inhalt</a>\n'
            '<div class="dialog-off-canvas-main-canvas" data-off-canvas-main-canvas>\n<div class="layout-container">\n'
            f'<header role="banner"><div class="region region-header"><a href="/" rel="home" class="site-logo">{esc(self.NAME)}</a>'
            '<div class="site-slogan">Nachrichten vom Mittelrhein</div></div>'
            f'<nav role="navigation" aria-labelledby="block-hauptnavigation-menu" id="block-hauptnavigation"><h2 class="visually-hidden" id="block-hauptnavigation-menu">Hauptnavigation</h2><ul class="menu">{nav}</ul></nav></header>\n'
            '<div class="region region-highlighted"><div data-drupal-messages-fallback class="hidden"></div></div>\n'
            f'<main role="main"><a id="main-content" tabindex="-1"></a><div class="layout-content">\n{main}\n</div>\n'
            '<aside class="layout-sidebar-second" role="complementary"><div class="region region-sidebar-second">'
            f'<div class="views-element-container block block-views" id="block-views-block-neueste"><h2>{self.NEWS_FEED}</h2><div class="view view-neueste">{latest}</div></div>'
            '<div id="block-abo" class="block block-block-content"><h2>Der Rheinbote digital</h2><div class="field field--name-body">'
            "<p>Alle Artikel, das E-Paper und das Archiv: jetzt vier Wochen für 0,99 Euro testen.</p></div></div></div></aside></main>\n"
            '<footer role="contentinfo"><div class="region region-footer"><nav><ul class="menu">'
            '<li><a href="/impressum">Impressum</a></li><li><a href="/impressum#datenschutz">Datenschutz</a></li></ul></nav>'
            f"<p>© 2026 {esc(self.NAME)} GmbH &amp; Co. KG</p></div></footer>\n</div>\n</div>\n</body>\n</html>\n"
        )

    def article(self, base: str, s: Story) -> str:
        alias = self.path_of(s)
        head = (
            f'<link rel="canonical" href="{base}{alias}" />\n<link rel="shortlink" href="{base}/node/{s.id}" />\n'
            f'<meta property="og:title" content="{esc(s.title)}" />\n<meta property="og:type" content="article" />\n'
            f'<meta name="description" content="{esc(s.lead)}" />\n'
        )
        paras = "".join(f"<p>{esc(p)}</p>" for p in s.paragraphs)
        tags = "".join(
            f'<div class="field__item"><a href="/thema/{slugify(t)}" hreflang="de">{esc(t)}</a></div>'
            for t in s.tags
        )
        more = "".join(
            f'<div class="views-row"><div class="views-field views-field-title"><span class="field-content">'
            f'<a href="{self.path_of(m)}" hreflang="de">{esc(m.title)}</a></span></div>'
            f'<div class="views-field views-field-created"><span class="field-content">{m.published:%d.%m.%Y}</span></div>'
            f'<div class="views-field views-field-field-lead"><div class="field-content">{esc(m.lead)}</div></div></div>'
            for m in self.listed(s.section)[:6]
            if m.id != s.id
        )
        related = "".join(
            f'<div class="field__item"><a href="{self.path_of(r)}" hreflang="de">{esc(r.title)}</a></div>'
            for r in self.related_of(s)
        )
        main = (
            '<div class="region region-content"><div id="block-rheinbote-content" class="block block-system block-system-main-block">\n'
            f'<article role="article" about="{alias}" class="node node--type-article node--promoted node--view-mode-full">\n'
            f'<div class="field field--name-field-ressort"><a href="/{s.section}" hreflang="de">{esc(self.SECTIONS[s.section])}</a></div>\n'
            f'<h1 class="page-title"><span class="field field--name-title field--type-string">{esc(s.title)}</span></h1>\n'
            f'<div class="node__meta"><span class="field field--name-uid">Von <a href="/autor/{slugify(s.author)}">{esc(s.author)}</a></span>'
            f' | <span class="field field--name-created">{self.stamp(s)}</span></div>\n'
            '<div class="node__content">\n'
            f'<div class="field field--name-field-lead field--type-string-long field--label-hidden field__item">{esc(s.lead)}</div>\n'
            f'<div class="clearfix text-formatted field field--name-body field--type-text-with-summary field--label-hidden field__item">{paras}</div>\n'
            f'<div class="field field--name-field-tags field--type-entity-reference field--label-above"><div class="field__label">Themen</div><div class="field__items">{tags}</div></div>\n'
            '<div class="views-element-container"><div class="view view-ressort-mehr view-display-id-block_1">'
            f"<h2>Mehr aus {esc(self.SECTIONS[s.section])}</h2>{more}</div></div>\n"
            "</div>\n</article>\n</div>\n"
            f'<div id="block-verwandte" class="block block-entity-reference"><h2>{self.READ_ALSO}</h2><div class="field__items">{related}</div></div>\n'
            '<div id="block-teilen" class="block"><ul class="social-share"><li><a href="https://www.facebook.com/sharer/sharer.php">Teilen</a></li>'
            '<li><a href="mailto:?subject=Rheinbote">E-Mail</a></li><li><a href="#" onclick="window.print()">Drucken</a></li></ul></div>\n'
            "</div>"
        )
        return self.page(base, s.title, main, head=head, path=alias)

    def listing(self, base: str, title: str, stories: list[Story], page: int, root: str) -> Reply | None:
        pages = max(1, -(-len(stories) // PER_PAGE))
        if page >= pages:
            return None
        rows = "".join(
            f'<div class="views-row"><article class="node node--type-article node--view-mode-teaser">'
            f'<h2><a href="{self.path_of(s)}" rel="bookmark"><span>{esc(s.title)}</span></a></h2>'
            f'<div class="field field--name-field-lead">{esc(s.lead)}</div></article></div>'
            for s in stories[page * PER_PAGE : (page + 1) * PER_PAGE]
        )
        pager = ""
        if page + 1 < pages:
            pager = (
                '<nav class="pager" role="navigation"><ul class="pager__items js-pager__items">'
                f'<li class="pager__item pager__item--next"><a href="{root}?page={page + 1}" title="Zur nächsten Seite" rel="next">'
                '<span class="visually-hidden">Nächste Seite</span><span aria-hidden="true">››</span></a></li></ul></nav>'
            )
        main = f'<h1 class="page-title">{esc(title)}</h1><div class="view view-taxonomy-term"><div class="view-content">{rows}</div>{pager}</div>'
        return html(self.page(base, title, main, path=root))

    def route(self, base: str, path: str, query: dict[str, str]) -> Reply | None:
        page = int(query.get("page", "0")) if query.get("page", "0").isdigit() else 99
        if path == "/robots.txt":
            return self.robots([f"{base}/sitemap.xml"], "/user/")
        if path == "/rss.xml":
            return self.rss(base, self.NAME, self.listed()[:10])
        if path == "/sitemap.xml":
            return self.urlset(
                base,
                [(self.path_of(s), iso(s.modified or s.published)) for s in self.listed()]
                + [(f"/{k}", "2026-04-01") for k in self.SECTIONS],
            )
        if path.startswith("/node/") and path[6:].isdigit():
            story = next((s for s in self.stories if s.id == int(path[6:])), None)
            return html(self.article(base, story)) if story else None
        if (story := self.find(path)) is not None:
            return html(self.article(base, story))
        if path == "/":
            return self.listing(base, "Startseite", self.listed(), page, "/")
        for key, name in self.SECTIONS.items():
            if path == f"/{key}":
                return self.listing(base, name, self.listed(key), page, path)
        for tag in self.TAGS:
            if path == f"/thema/{slugify(tag)}":
                return self.listing(base, tag, [s for s in self.listed() if tag in s.tags], page, path)
        for author in self.AUTHORS:
            if path == f"/autor/{slugify(author)}":
                return self.listing(
                    base, author, [s for s in self.listed() if s.author == author], page, path
                )
        if path == "/impressum":
            return html(
                self.page(
                    base, "Impressum", "<h1>Impressum</h1><p>Der Rheinbote GmbH &amp; Co. KG, Koblenz.</p>"
                )
            )
        return None
