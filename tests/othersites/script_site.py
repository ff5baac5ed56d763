"""Orrin Vale Courier: invented script-built article pages (their static story container is empty), for
tests/test_extract_embedded.py (the story from each front-end framework's embedded state) and
tests/test_structured_crawl.py (a crawl: PLAIN from embedded data, else STEALTHY in real Chromium).

Every page has a headline, standfirst, byline, captioned photo, tags and a section list of other stories'
teasers around its empty ``#story-body``: over 70 words of text that is not the story.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import Any

from .model import TEXT, Reply, html_reply

URL = "https://orrinvale.example/news/2026/05/04/tram-depot-solar-roof/"
HEADLINE = "Tram depot gets a solar roof before the winter timetable"
SUMMARY = "The city's oldest depot will make a third of the power its trams draw at night."
PARAGRAPHS = [
    "Workers began fitting the first of four hundred panels to the roof of the Linden Street tram depot on"
    " Monday, two weeks ahead of the schedule agreed in March.",
    "The transport board expects the roof to cover about a third of what the depot draws at night, when the"
    " trams are parked and their batteries charged.",
    "Depot manager Halina Oster said the old roof had leaked for years and would have needed replacing"
    " anyway, so the panels cost the board less than they seemed to.",
    "Residents of the street asked for the work to stop at eight in the evening, and the contractor agreed"
    " to keep the cranes quiet after that hour.",
    "The board will decide in the autumn whether the two newer depots get the same roof.",
]
SUBHEAD = "What the panels will power"
TEASERS = [
    {
        "headline": "Ferry fares stay frozen for another year after a long council debate",
        "description": "Councillors voted twelve to nine to keep the fares where they have been since 2024.",
        "url": "https://orrinvale.example/news/2026/05/03/ferry-fares/",
    },
    {
        "headline": "Night market returns to the old wool exchange for the summer season",
        "description": "Forty stalls will open on Fridays from June, the organisers said on their website.",
        "url": "https://orrinvale.example/news/2026/05/02/night-market/",
    },
]
CAPTION = "Panels stacked in the depot yard on Monday morning, waiting for the crane to lift them."


def shell(scripts: str, head: str = "") -> str:
    """The static page: headline, standfirst, byline, a captioned photo, an empty story container, tags and
    a section list; the story itself only in ``scripts``."""
    teasers = "".join(
        f'<li><a href="{t["url"]}">{t["headline"]}</a><p>{t["description"]}</p></li>' for t in TEASERS
    )
    return f"""<!doctype html><html lang="en"><head><title>{HEADLINE} | Orrin Vale Courier</title>
<meta property="og:type" content="article"><meta name="description" content="{SUMMARY}">{head}</head>
<body><header><a href="/">Orrin Vale Courier</a><nav><a href="/news/">News</a> <a href="/sport/">Sport</a>
<a href="/culture/">Culture</a></nav></header>
<main><div class="story"><p class="kicker"><a href="/news/transport/">Transport</a></p><h1>{HEADLINE}</h1>
<p class="standfirst">{SUMMARY}</p>
<div class="byline">By Tomas Reyl, transport reporter <time datetime="2026-05-04T09:12:00+02:00">4 May 2026,
09:12</time></div>
<figure><img src="/img/depot.jpg" alt=""><figcaption>{CAPTION} Photo: Orrin Vale Courier</figcaption></figure>
<div id="story-body" class="story-body"></div>
<ul class="tags"><li><a href="/tag/trams/">Trams</a></li><li><a href="/tag/energy/">Energy</a></li></ul>
</div>
<section class="more"><h2>More from News</h2><ul>{teasers}</ul></section></main>
<footer><p>Orrin Vale Courier, 12 Quay Road. All rights reserved.</p></footer>
{scripts}
<script>(function(){{var s=window.__STATE__;var el=document.getElementById("story-body");}})();</script>
</body></html>"""


def next_pages() -> str:
    data = {
        "props": {
            "pageProps": {
                "article": {
                    "id": "a-5521",
                    "title": HEADLINE,
                    "summary": SUMMARY,
                    "canonicalUrl": URL,
                    "body": "".join(f"<p>{html.escape(p)}</p>" for p in PARAGRAPHS[:3])
                    + f"<h2>{SUBHEAD}</h2>"
                    + "".join(f"<p>{html.escape(p)}</p>" for p in PARAGRAPHS[3:]),
                    "image": {"url": "https://orrinvale.example/img/depot.jpg", "caption": CAPTION},
                },
                "related": TEASERS,
            }
        },
        "page": "/news/[...slug]",
        "buildId": "x9",
    }
    return f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(data)}</script>'


def arc_fusion() -> str:
    elements: list[dict[str, Any]] = [
        {"_id": "E1", "type": "text", "content": PARAGRAPHS[0]},
        {"_id": "E2", "type": "image", "url": "https://orrinvale.example/img/depot.jpg", "caption": CAPTION},
        {"_id": "E3", "type": "text", "content": PARAGRAPHS[1]},
        {"_id": "E4", "type": "text", "content": PARAGRAPHS[2]},
        {"_id": "E5", "type": "header", "level": 2, "content": SUBHEAD},
        *({"_id": f"E{6 + i}", "type": "text", "content": p} for i, p in enumerate(PARAGRAPHS[3:])),
    ]
    content = {
        "_id": "ABCDEF",
        "type": "story",
        "headlines": {"basic": HEADLINE},
        "description": {"basic": SUMMARY},
        "content_elements": elements,
        "related_content": {"basic": TEASERS},
    }
    return (
        '<script>window.Fusion=window.Fusion||{};Fusion.arcSite="courier";'
        f"Fusion.globalContent={json.dumps(content)};Fusion.globalContentConfig={{}};</script>"
    )


def nuxt_devalue() -> str:
    values: list[Any] = [["ShallowReactive", 1], {"data": 2, "state": 14}, ["ShallowReactive", 3]]
    values += [{"story-5521": 4}, {"title": 5, "lead": 6, "blocks": 7}, HEADLINE, SUMMARY]
    values += [[8, 9, 10, 11, 12, 13]]
    refs = []
    for p in [*PARAGRAPHS[:3], SUBHEAD, *PARAGRAPHS[3:]]:
        values.append(p)
        refs.append(len(values) - 1)
    values[7] = refs
    values.append({})  # state
    return f'<script type="application/json" id="__NUXT_DATA__" data-ssr="true">{json.dumps(values)}</script>'


def next_flight() -> str:
    story = [
        "$",
        "div",
        None,
        {
            "className": "body",
            "children": [["$", "p", str(i), {"children": p}] for i, p in enumerate(PARAGRAPHS)],
        },
    ]
    page = ["$", "article", None, {"children": [["$", "h1", None, {"children": HEADLINE}], story]}]
    rows = f'0:["x9",[["children","news"]]]\n2:{json.dumps(page)}\n'
    half = len(rows) // 2
    return "".join(
        f"<script>self.__next_f.push({json.dumps([1, chunk])})</script>"
        for chunk in (rows[:half], rows[half:])
    )


def redux_rich_text() -> str:
    def block(text: str) -> dict[str, Any]:
        first, _, rest = text.partition(", ")
        pieces = [first + ", ", rest] if rest else [text]
        return {
            "nodeType": "paragraph",
            "content": [{"nodeType": "text", "value": v, "marks": []} for v in pieces],
        }

    state = {
        "router": {"location": "/news/2026/05/04/tram-depot-solar-roof/"},
        "entities": {
            "teasers": TEASERS,
            "story": {
                "fields": {
                    "headline": HEADLINE,
                    "body": {"nodeType": "document", "content": [block(p) for p in PARAGRAPHS]},
                }
            },
        },
    }
    return f"<script>window.__INITIAL_STATE__ = JSON.parse({json.dumps(json.dumps(state))});</script>"


FRAMEWORKS = {
    "next-pages": next_pages,
    "arc-fusion": arc_fusion,
    "nuxt-devalue": nuxt_devalue,
    "next-app-flight": next_flight,
    "redux-richtext": redux_rich_text,
}

# --- the site, for a crawl --------------------------------------------------------------------------------
ORIGIN = "https://orrinvale.example"
FROM_DATA = "/news/2026/05/04/tram-depot-solar-roof/"  # story in __NEXT_DATA__, rendered by an inline script
FROM_SCRIPT = "/news/2026/05/05/tram-depot-solar-roof-update/"  # story only in an external script
RENDER_FROM_DATA = (
    '<script>(function(){var d=JSON.parse(document.getElementById("__NEXT_DATA__").textContent);'
    'document.getElementById("story-body").innerHTML=d.props.pageProps.article.body;})();</script>'
)
STORY_SCRIPT = "/static/story-5522.js"
# the first two paragraphs in the static container, the rest written by a script; JSON-LD wordCount says how
# long the story is: escalated for a short body, not for a thin one
FROM_PARTIAL = "/news/2026/05/06/tram-depot-solar-roof-second-look/"
PARTIAL_SCRIPT = "/static/story-5523.js"
SECOND_LOOK = (
    "Second look, 6 May: the board published the contract, and the panels cost less than the new roof."
)
UPDATE = "Update, 5 May: the contractor said the last panels will be fitted by the end of next week."
CONFIG = """name = "orrinvale"
origin = "https://orrinvale.example"
hosts = ["orrinvale.example"]
feeds = []
sitemaps = []
robots_sitemaps = false
categories = []
article_pattern = '^/news/\\d{4}/\\d{2}/\\d{2}/[a-z0-9-]+/$'
hub_patterns = ['^/?$', '^/tag/', '^/news/transport/']
timezone = "Europe/Warsaw"
tier_mode = "auto"
follow_depth = 0
"""


def story_script() -> str:
    """The external script of FROM_SCRIPT: it writes the story's paragraphs into the empty container."""
    paragraphs = json.dumps([*PARAGRAPHS[:3], SUBHEAD, *PARAGRAPHS[3:], UPDATE])
    return (
        f"(function(){{var el=document.getElementById('story-body');{paragraphs}.forEach(function(t,i){{"
        "var p=document.createElement(i===3?'h2':'p');p.textContent=t;el.appendChild(p);});})();"
    )


def partial_story() -> list[str]:
    return [*PARAGRAPHS[:3], SUBHEAD, *PARAGRAPHS[3:], SECOND_LOOK]


def partial_page() -> str:
    """FROM_PARTIAL: two paragraphs served, the story's length declared, the rest from PARTIAL_SCRIPT."""
    words = sum(len(text.split()) for text in partial_story())
    markup = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": HEADLINE,
        "wordCount": words,
    }
    static = "".join(f"<p>{html.escape(text)}</p>" for text in PARAGRAPHS[:2])
    page = shell(
        f'<script src="{PARTIAL_SCRIPT}"></script>',
        f'<script type="application/ld+json">{json.dumps(markup)}</script>',
    )
    return page.replace(
        '<div id="story-body" class="story-body"></div>',
        f'<div id="story-body" class="story-body">{static}</div>',
    )


def partial_script() -> str:
    """PARTIAL_SCRIPT: it appends the paragraphs the static page left out."""
    rest = json.dumps(partial_story()[2:])
    return (
        f"(function(){{var el=document.getElementById('story-body');{rest}.forEach(function(t,i){{"
        "var p=document.createElement(i===1?'h2':'p');p.textContent=t;el.appendChild(p);});})();"
    )


def handle(target: str, headers: Mapping[str, str]) -> Reply:
    path = target.split("?", 1)[0]
    if path == "/robots.txt":
        return Reply(200, b"User-agent: *\nAllow: /\n", TEXT)
    if path == FROM_DATA:
        return html_reply(shell(next_pages() + RENDER_FROM_DATA))
    if path == FROM_SCRIPT:
        return html_reply(shell(f'<script src="{STORY_SCRIPT}"></script>'))
    if path == FROM_PARTIAL:
        return html_reply(partial_page())
    if path == PARTIAL_SCRIPT:
        return Reply(200, partial_script().encode("utf-8"), "application/javascript; charset=utf-8")
    if path == STORY_SCRIPT:
        return Reply(200, story_script().encode("utf-8"), "application/javascript; charset=utf-8")
    return html_reply("<html><body><h1>Not found</h1></body></html>", 404)
