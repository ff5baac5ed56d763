"""The story from the state front-end frameworks embed (newsmon/extract/embedded.py), found by shape.

Each page is invented after the rule: a script-built article whose static container is empty, and whose
data is laid out the way one framework lays it out (Next.js pages and app router, Nuxt 3 devalue payload,
Arc content elements, Redux/Apollo-style window state, Contentful-like rich text), always with other
stories' teasers and image captions beside the story, which must not be taken for it.
"""

from __future__ import annotations

import html
import json
from typing import Any

import pytest

from newsmon.extract.embedded import (
    Story,
    coverage,
    declared_words,
    embedded_story,
    embedded_values,
    prefer_story,
)
from newsmon.extract.html import parse_html
from newsmon.extract.jsonld import parse_jsonld
from newsmon.extract.page import extract_page

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


@pytest.mark.parametrize("name", sorted(FRAMEWORKS))
def test_script_built_page_gets_its_story_from_the_embedded_state(name: str) -> None:
    page = extract_page(parse_html(shell(FRAMEWORKS[name]())), URL)
    for paragraph in PARAGRAPHS:
        assert paragraph in page.body, (name, paragraph)
    for teaser in TEASERS:
        assert teaser["description"] not in page.body
        assert teaser["headline"] not in page.body
    assert CAPTION not in page.body
    assert SUMMARY not in page.body  # the standfirst is the description, not body
    assert page.body_source == "embedded"
    assert page.story_words >= sum(len(p.split()) for p in PARAGRAPHS)


def test_paragraphs_keep_their_order_and_breaks() -> None:
    page = extract_page(parse_html(shell(arc_fusion())), URL)
    assert page.body.split("\n\n") == [*PARAGRAPHS[:3], SUBHEAD, *PARAGRAPHS[3:]]


def test_without_the_headline_object_the_story_must_overlap_the_headline() -> None:
    # an application/json island with only other stories' text: no story
    other = {"items": [{"text": t["description"] + " " + t["description"]} for t in TEASERS * 3]}
    script = f'<script type="application/json">{json.dumps(other)}</script>'
    values = embedded_values(parse_html(shell(script)))
    assert embedded_story(values, {HEADLINE}, SUMMARY) == ""


def test_teaser_lists_and_captions_are_not_stories() -> None:
    state = {"latest": TEASERS * 4, "gallery": [{"src": "/a.jpg", "caption": CAPTION}] * 4, "title": HEADLINE}
    values = embedded_values(parse_html(shell(f"<script>window.__STATE__ = {json.dumps(state)};</script>")))
    assert embedded_story(values, {HEADLINE}, SUMMARY) == ""


def test_a_page_with_its_story_in_the_html_keeps_the_html_body() -> None:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    page_html = shell(next_pages()).replace(
        '<div id="story-body" class="story-body"></div>', f"<div>{body}</div>"
    )
    page = extract_page(parse_html(page_html), URL)
    assert page.body_source == "extractor"
    for paragraph in PARAGRAPHS:
        assert paragraph in page.body


def test_broken_or_hostile_scripts_are_ignored() -> None:
    scripts = (
        "<script>window.__STATE__ = {broken json;</script>"
        '<script type="application/json">[' + "[" * 5000 + "]" * 5000 + "]</script>"
        '<script>self.__next_f.push([1,"not flight'  # unterminated
        "</script>"
    )
    page = extract_page(parse_html(shell(scripts)), URL)
    assert page.body_source != "embedded"


def test_declared_word_count_and_coverage() -> None:
    head = '<script type="application/ld+json">{"@type": "NewsArticle", "wordCount": "1,240"}</script>'
    assert declared_words(parse_jsonld(parse_html(shell("", head)))) == 1240
    story = Story("\n\n".join(PARAGRAPHS), "embedded")
    assert coverage("\n\n".join(PARAGRAPHS), story.text) == 1.0
    assert not prefer_story("\n\n".join(PARAGRAPHS), story)
    assert prefer_story(SUMMARY + "\n\n" + CAPTION, story)
    assert Story("", "", 900).words == 900
