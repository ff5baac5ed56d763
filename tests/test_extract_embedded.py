"""The story from the state front-end frameworks embed (newsmon/extract/embedded.py), found by shape.

Each page is invented after the rule: a script-built article whose static container is empty, and whose
data is laid out the way one framework lays it out (Next.js pages and app router, Nuxt 3 devalue payload,
Arc content elements, Redux/Apollo-style window state, Contentful-like rich text), always with other
stories' teasers and image captions beside the story, which must not be taken for it.
"""

from __future__ import annotations

import json

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
from tests.othersites.script_site import (
    CAPTION,
    FRAMEWORKS,
    HEADLINE,
    PARAGRAPHS,
    SUBHEAD,
    SUMMARY,
    TEASERS,
    URL,
    arc_fusion,
    next_pages,
    shell,
)


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


def test_a_story_in_a_script_written_without_spaces() -> None:
    headline = "港の灯台、百年ぶりに改修へ"
    paragraphs = [
        "市は十二日、港の入り口に立つ白い灯台を来年春までに改修すると発表した。",
        "建てられてから百年が過ぎ、外壁のひびが目立っていた。",
        "工事の間も灯りは消さず、夜は仮設の照明で船を案内するという。",
    ]
    state = {"article": {"title": headline, "blocks": [{"type": "p", "text": p} for p in paragraphs]}}
    html = (
        f"<html lang='ja'><head><title>{headline}</title></head><body><h1>{headline}</h1><div id='app'></div>"
        f"<script>window.__APP_STATE__ = {json.dumps(state, ensure_ascii=False)};</script></body></html>"
    )
    page = extract_page(parse_html(html), "https://minato-shinpo.example/articles/20260512-harbour-lights")
    assert page.body.split("\n\n") == paragraphs
    assert page.body_source == "embedded"


def test_a_plain_json_array_island_is_not_taken_for_a_devalue_payload() -> None:
    island = [{"title": HEADLINE, "body": "".join(f"<p>{p}</p>" for p in PARAGRAPHS)}, {"id": 7}]
    script = f'<script type="application/json" id="page-data">{json.dumps(island)}</script>'
    page = extract_page(parse_html(shell(script)), URL)
    assert page.body.split("\n\n") == PARAGRAPHS
    assert page.body_source == "embedded"


def test_escaped_text_fields_are_decoded_like_the_page_shows_them() -> None:
    """Arc-style text elements hold HTML-escaped text without tags: the body has the characters, so the
    PLAIN (data) and STEALTHY (rendered) reads of one story agree (a browser re-fetch is no version)."""
    from newsmon.extract.embedded import _string_paragraphs

    assert _string_paragraphs("The ferrymen&#x27;s guild met at O&amp;K Hall.") == [
        "The ferrymen's guild met at O&K Hall."
    ]
