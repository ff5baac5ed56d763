"""The Meridian Ledger: an English headless site on Next.js over an Arc-style content API (America/Chicago).

Every article page is server-rendered as a shell: headline, dek, byline, date, tags, a "Related coverage"
list and a "More in <section>" block (the section's latest stories: the template trap) are in the HTML, but
the story container is empty. The story is only in `__NEXT_DATA__` (`props.pageProps.globalContent.
content_elements`, Arc's element list: text, header, image, raw_html ads), which an inline script renders.

URL layout:
  /<section>/2026/MM/DD/<slug>/           article
  /<section>/                             section fronts; only they advertise a feed (<link rel=alternate>)
  /arc/outboundfeeds/rss/?outputType=xml  RSS of the 10 newest; /arc/outboundfeeds/rss/category/<s>/?...
  /arc/outboundfeeds/sitemap/?outputType=xml   sitemap (robots.txt names it)
  /author/<slug>/  /topics/<slug>/        author and tag pages
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from .common import Reply, Words, esc, html, iso, slugify
from .kit import Shape, Story

FEED = "/arc/outboundfeeds/rss/?outputType=xml"
SITEMAP = "/arc/outboundfeeds/sitemap/?outputType=xml"

RENDER = """document.addEventListener("DOMContentLoaded",function(){var d=JSON.parse(document.getElementById('__NEXT_DATA__').textContent);
var els=d.props.pageProps.globalContent.content_elements,box=document.getElementById('article-body');
els.forEach(function(e){var n;if(e.type==='text'){n=document.createElement('p');n.className='article-body-text';
n.innerHTML=e.content;}else if(e.type==='header'){n=document.createElement('h'+e.level);n.textContent=e.content;}
else if(e.type==='image'){n=document.createElement('figure');n.innerHTML='<img src="'+e.url+'" alt=""><figcaption>'
+e.caption+'</figcaption>';}if(n){box.appendChild(n);}});});"""


class MeridianSite(Shape):
    NAME = "The Meridian Ledger"
    FAMILY = "Next.js + Arc-style content API (script-built story)"
    LANGUAGE = "en"
    ZONE = "America/Chicago"
    SEED = 23
    SECTIONS: ClassVar[dict[str, str]] = {"politics": "Politics", "business": "Business", "metro": "Metro"}
    AUTHORS = ("Dana Whitfield", "Marcus Oyelaran", "Priya Castellanos")
    TAGS = ("River Authority", "Transit", "City Council", "Housing", "Schools")
    READ_ALSO = "Related coverage"
    WORDS = Words(
        subjects=["The river authority", "The county board", "Neighbors in Northside", "The teachers' union",
                  "The transit agency", "State regulators", "Grain shippers", "The port commission"],
        verbs=["approves", "delays", "questions", "opens", "weighs", "trims"],
        objects=["a new levee plan", "the riverfront rezoning", "a bus rapid transit line", "the school budget",
                 "a downtown housing tower", "the bridge repair", "a flood buyout program"],
        places=["in Bellmont", "on the east bank", "in Cedar Falls", "along Route 9", "in Harlow County",
                "near the rail yard"],
        sentences=[
            "{subject} said {object} {place} would cost about {number} thousand dollars.",
            "According to {subject}, the schedule for {object} slipped after {number} public comments.",
            "A vote on {object} {place} is expected next month, with {number} residents signed up to speak.",
            "On Tuesday {subject} fielded {number} questions about {object}.",
            "Engineers estimate that {object} {place} would serve roughly {number} people a day.",
        ],
    )  # fmt: skip
    HAND_TOML = """name = "meridian"
origin = "{origin}"
feeds = ["/arc/outboundfeeds/rss/?outputType=xml"]
robots_sitemaps = true
categories = ["/politics/", "/business/", "/metro/"]
article_pattern = '^/(?:politics|business|metro)/\\d{4}/\\d{2}/\\d{2}/[a-z0-9-]+/$'
hub_patterns = ['^/(?:author|topics)/', '^/arc/']
timezone = "America/Chicago"

[related]
read_also = ["Related coverage"]
"""

    def kind_of(self, i: int) -> str:
        return "script"

    def path_of(self, story: Story) -> str:
        return f"/{story.section}/{story.published:%Y/%m/%d}/{story.slug}/"

    def hub_paths(self) -> list[str]:
        return [
            "/",
            *(f"/{s}/" for s in self.SECTIONS),
            *(f"/author/{slugify(a)}/" for a in self.AUTHORS),
            *(f"/topics/{slugify(t)}/" for t in self.TAGS),
        ]

    def page(
        self, base: str, title: str, main: str, *, head: str = "", data: dict[str, Any] | None = None
    ) -> str:
        nav = "".join(f'<li><a href="/{s}/">{esc(n)}</a></li>' for s, n in self.SECTIONS.items())
        next_data = {
            "props": {"pageProps": data or {"globalContent": None}},
            "page": "/[...slug]",
            "query": {},
            "buildId": "k3x9Qe1vTz",
            "isFallback": False,
            "gssp": True,
        }
        payload = json.dumps(next_data, ensure_ascii=False).replace("</", "<\\/")
        return (
            '<!DOCTYPE html><html lang="en"><head><meta charSet="utf-8"/>'
            '<meta name="viewport" content="width=device-width"/>'
            f"<title>{esc(title)}</title>{head}"
            '<link rel="preload" href="/_next/static/css/4b1e0c.css" as="style"/>'
            '<noscript data-n-css=""></noscript></head><body><div id="__next">'
            '<div class="page-wrapper"><header class="masthead"><div class="masthead__top">'
            f'<a class="masthead__logo" href="/" aria-label="{esc(self.NAME)} home">{esc(self.NAME)}</a>'
            '<a class="masthead__subscribe" href="/subscribe/">Subscribe for $1</a></div>'
            f'<nav class="section-nav" aria-label="Sections"><ul>{nav}</ul></nav></header>'
            f'<main id="main">{main}</main>'
            '<footer class="site-footer"><ul><li><a href="/about/">About us</a></li><li><a href="/ethics/">Ethics policy</a></li>'
            f'<li><a href="/privacy/">Privacy</a></li></ul><p>© 2026 {esc(self.NAME)} Media Group</p></footer>'
            "</div></div>"
            f'<script id="__NEXT_DATA__" type="application/json">{payload}</script>'
            '<script src="/_next/static/chunks/main-8c1e.js" defer=""></script>'
            "</body></html>"
        )

    def elements(self, s: Story) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for k, para in enumerate(s.paragraphs):
            out.append({"_id": f"P{s.id}{k}", "type": "text", "content": esc(para)})
            if k == 1:
                out.append(
                    {"_id": f"A{s.id}", "type": "raw_html", "content": '<div class="ad ad--inline"></div>'}
                )
        return out

    def article(self, base: str, s: Story) -> str:
        url = f"{base}{self.path_of(s)}"
        head = (
            f'<link rel="canonical" href="{url}"/><meta property="og:type" content="article"/>'
            f'<meta property="og:title" content="{esc(s.title)}"/><meta name="description" content="{esc(s.lead)}"/>'
            + self.jsonld(base, s)
        )
        content = {
            "_id": f"MERIDIAN{s.id}",
            "type": "story",
            "canonical_url": self.path_of(s),
            "headlines": {"basic": s.title},
            "subheadlines": {"basic": s.lead},
            "description": {"basic": s.lead},
            "credits": {"by": [{"type": "author", "name": s.author}]},
            "display_date": iso(s.published),
            "first_publish_date": iso(s.published),
            "taxonomy": {"tags": [{"text": t, "slug": slugify(t)} for t in s.tags],
                         "primary_section": {"_id": f"/{s.section}", "name": self.SECTIONS[s.section]}},
            "content_elements": self.elements(s),
        }  # fmt: skip
        related = "".join(
            f'<li class="related__item"><a href="{self.path_of(r)}">{esc(r.title)}</a></li>'
            for r in self.related_of(s)
        )
        more = "".join(
            f'<li><a href="{self.path_of(m)}">{esc(m.title)}</a><p class="blurb">{esc(m.lead)}</p>'
            f'<span class="timestamp">{m.published:%b %d}</span></li>'
            for m in self.listed(s.section)
            if m.id != s.id
        )
        tags = "".join(f'<li><a href="/topics/{slugify(t)}/">{esc(t)}</a></li>' for t in s.tags)
        stamp = f"{s.published:%B} {s.published.day}, {s.published:%Y} at {s.published:%I:%M %p} CT".replace(
            " 0", " "
        )
        main = (
            f'<article class="story"><div class="story__kicker"><a href="/{s.section}/">{esc(self.SECTIONS[s.section])}</a></div>'
            f'<h1 class="story__headline">{esc(s.title)}</h1><h2 class="story__dek">{esc(s.lead)}</h2>'
            f'<div class="story__byline">By <a href="/author/{slugify(s.author)}/">{esc(s.author)}</a></div>'
            f'<div class="story__date"><time dateTime="{iso(s.published)}">{stamp}</time></div>'
            '<div class="share-tools"><button>Share</button><button>Gift this article</button></div>'
            '<div class="article-body" id="article-body"></div>'
            f'<ul class="story__tags">{tags}</ul>'
            f'<aside class="related"><h3>{self.READ_ALSO}</h3><ul>{related}</ul></aside>'
            "</article>"
            f'<section class="more-in-section"><h3>More in {esc(self.SECTIONS[s.section])}</h3><ul>{more}</ul></section>'
            f"<script>{RENDER}</script>"
        )
        return self.page(base, f"{s.title} | {self.NAME}", main, head=head, data={"globalContent": content})

    def front(self, base: str, title: str, stories: list[Story], feed: str = "") -> Reply:
        cards = "".join(
            f'<div class="card"><h3 class="card__headline"><a href="{self.path_of(s)}">{esc(s.title)}</a></h3>'
            f'<p class="card__blurb">{esc(s.lead)}</p><span class="card__byline">By {esc(s.author)}</span></div>'
            for s in stories
        )
        head = (
            f'<link rel="alternate" type="application/rss+xml" title="{esc(title)}" href="{feed}"/>'
            if feed
            else ""
        )
        return html(
            self.page(
                base,
                f"{title} | {self.NAME}",
                f'<h1 class="front__title">{esc(title)}</h1>{cards}',
                head=head,
            )
        )

    def route(self, base: str, path: str, query: dict[str, str]) -> Reply | None:
        if path == "/robots.txt":
            return self.robots([f"{base}{SITEMAP}"], "/pf/api/")
        if path == "/arc/outboundfeeds/rss/":
            return self.rss(base, self.NAME, self.listed()[:10])
        if path.startswith("/arc/outboundfeeds/rss/category/"):
            section = path.split("/")[5]
            return (
                self.rss(base, self.SECTIONS.get(section, ""), self.listed(section)[:10])
                if section in self.SECTIONS
                else None
            )
        if path == "/arc/outboundfeeds/sitemap/":
            return self.urlset(
                base, [(self.path_of(s), iso(s.modified or s.published)) for s in self.listed()]
            )
        if (story := self.find(path)) is not None:
            return html(self.article(base, story))
        if path == "/":
            return self.front(base, "Top stories", self.listed()[:12])
        for key, name in self.SECTIONS.items():
            if path == f"/{key}/":
                return self.front(
                    base,
                    name,
                    self.listed(key),
                    f"{base}/arc/outboundfeeds/rss/category/{key}/?outputType=xml",
                )
        for author in self.AUTHORS:
            if path == f"/author/{slugify(author)}/":
                return self.front(base, author, [s for s in self.listed() if s.author == author])
        for tag in self.TAGS:
            if path == f"/topics/{slugify(tag)}/":
                return self.front(base, tag, [s for s in self.listed() if tag in s.tags])
        return None
