"""Article words and the body guard: a JavaScript shell's boilerplate is never a body; a short article is.

The pages are invented (tests/sample_data/pages/): a shell whose <article> is empty in the static HTML
(the text comes from a JSON blob) with a correction box, a newsletter sign-up and a consent banner around
it; the same shell without any <article>/<main>; the same site's page with a 62-word article in the
container and the same boxes around it.
"""

from __future__ import annotations

import json
import re

import lxml.html
import pytest

from newsmon.extract.body import score_entry
from newsmon.extract.guard import GUARD_MIN_WORDS, count_words, widget_boxes
from newsmon.extract.html import parse_html
from newsmon.extract.page import extract_page
from newsmon.extract.text import _HAS_UNSPACED, _WORD
from newsmon.extract.types import PageData
from tests.extract_pages import PAGES_DIR
from tests.othersites.script_site import URL, shell

SHELL = "js_shell_boilerplate.html"
SHELL_DIVS = "js_shell_divs.html"
SHORT = "short_article_with_widgets.html"
HARROWFIELD = "https://harrowfieldpost.example/city/2026/04/02/harbour-crane-contract/"
QUAYSIDE = "https://quaysidestar.example/news/2026/03/11/night-ferry-timetable/"
URLS = {SHELL: HARROWFIELD, SHORT: HARROWFIELD, SHELL_DIVS: QUAYSIDE}
THIN_BODY_WORDS = 40  # the spider's NEWSMON_THIN_BODY_WORDS default

# Text of the boxes around the article: never in a body.
BOILERPLATE = [
    "Correction, 3 April",
    "an earlier version of this article",
    "The morning briefing",
    "Get the five stories Harrowfield",
    "Sign me up",
    "We use cookies",
    "Accept all",
    "Every evening at six",
    "Join",
    "This site stores small files",
    "Fine by me",
    "Most read today",
    "Quay lights repaired",
]
ARTICLE = [
    "The port authority signed the contract for two new container cranes on Thursday, eighteen months"
    " after the first tender failed.",
    "Harbour master Lev Tkach said the cranes would double the number of ships the east quay can unload"
    " in a day.",
    "Dock workers asked for a training programme before the cranes arrive next spring, and the authority"
    " agreed to pay for it.",
]


def page_html(name: str) -> str:
    return (PAGES_DIR / name).read_text("utf-8")


def without_data(html: str) -> str:
    """The shell without its JSON island: nothing in the page holds the story (a script fetches it)."""
    return re.sub(r'<script[^>]*type="application/json"[^>]*>.*?</script>', "", html, flags=re.DOTALL)


def extract(html: str, url: str) -> PageData:
    return extract_page(parse_html(html), url)


@pytest.mark.parametrize("name", [SHELL, SHELL_DIVS])
def test_js_shell_boilerplate_is_no_body(name: str) -> None:
    page = extract(without_data(page_html(name)), URLS[name])
    assert page.body == ""
    assert page.body_rejected == "boilerplate"
    assert page.body_source == ""
    assert page.article_words < THIN_BODY_WORDS  # the spider escalates on this (js_shell)
    assert page.is_article  # og:type article: the page is an article whose text is not in the HTML
    assert page.title


@pytest.mark.parametrize("name", [SHELL, SHELL_DIVS])
def test_js_shell_with_its_story_as_json_gets_the_story(name: str) -> None:
    # the same shells as the site serves them: the script renders the story from a JSON island
    page = extract(page_html(name), URLS[name])
    assert page.body_source == "embedded"
    assert page.article_words < THIN_BODY_WORDS  # the static container is still empty
    assert page.story_words >= count_words(page.body) >= GUARD_MIN_WORDS
    if name == SHELL:
        assert page.body.split("\n\n") == ARTICLE
    for text in BOILERPLATE:
        assert text not in page.body


def test_short_article_keeps_its_body() -> None:
    page = extract(page_html(SHORT), URLS[SHORT])
    assert page.body.split("\n\n") == ARTICLE
    assert page.body_rejected is None
    assert page.body_source == "extractor"
    assert 55 <= page.article_words <= 70  # 62 words of article in the container; headline, byline out
    for text in BOILERPLATE:
        assert text not in page.body


def test_container_words_leave_out_headline_byline_links_and_widgets() -> None:
    html = page_html(SHORT).replace(
        '<div class="story-text" id="story-text">',
        '<div class="story-text" id="story-text"><div class="inline-signup"><p>Like this? Get the'
        ' briefing.</p><input type="email"><button>Go</button></div><p><a href="/port/">Port news</a></p>',
    )
    page = extract(html, HARROWFIELD)
    assert page.article_words == extract(page_html(SHORT), HARROWFIELD).article_words


def test_correction_inside_the_empty_container_is_thin_and_keeps_no_widget() -> None:
    # the correction box inside the <article>: article words count it, still under the thin threshold
    html = without_data(page_html(SHELL))
    box = html[html.index('  <div class="story-notes">') : html.index('  <div class="rail">')]
    html = html.replace(box, "").replace("  </article>\n", box.replace("\n  ", "\n    ") + "  </article>\n")
    page = extract(html, HARROWFIELD)
    assert page.article_words < THIN_BODY_WORDS
    assert "Get the five stories" not in page.body and "We use cookies" not in page.body


def test_json_ld_article_body_of_a_shell_is_kept() -> None:
    article = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Harbour crane contract signed after a long delay",
        "articleBody": "\n\n".join(ARTICLE),
    }
    script = f'<script type="application/ld+json">{json.dumps(article)}</script>\n</head>'
    page = extract(without_data(page_html(SHELL)).replace("</head>", script, 1), HARROWFIELD)
    assert page.body.split("\n\n") == ARTICLE
    assert page.body_source == "jsonld"
    assert page.body_rejected is None
    assert page.article_words < THIN_BODY_WORDS  # the static container is still empty


def test_widgets_are_the_small_boxes_around_form_controls() -> None:
    tree = parse_html(page_html(SHELL_DIVS))
    boxes = widget_boxes(tree)
    for name in ("top-search", "mailing-box", "privacy-bar"):  # search, sign-up, consent
        element = tree.find(f".//div[@class='{name}']")
        assert element in boxes or any(ancestor in boxes for ancestor in element.iterancestors())
    for name in ("column-main", "headline-block", "most-read"):
        element = tree.find(f".//div[@class='{name}']")
        assert element not in boxes and not any(ancestor in boxes for ancestor in element.iterancestors())


def test_guard_leaves_real_short_pages_alone() -> None:
    # a short article with no <article> at all and a text under GUARD_MIN_WORDS words elsewhere: kept,
    # because its lines are article text (not in a widget, not a link list)
    words = " ".join(["Tide tables for the week are posted at the harbour office."] * 3)
    html = f"<html><body><div><h1>Tide tables</h1><div class='text'><p>{words}</p></div></div></body></html>"
    page = extract(html, "https://quaysidestar.example/news/tide-tables/")
    assert count_words(page.body) >= GUARD_MIN_WORDS
    assert page.body_rejected is None


def test_score_entry_is_the_record_body() -> None:
    for name, url in URLS.items():
        assert score_entry(page_html(name), url) == extract(page_html(name), url).body


def test_count_words_counts_unspaced_scripts_by_character() -> None:
    assert count_words("three plain words") == 3
    assert count_words("商品の改造") == 5
    assert count_words("iPhone を販売") == 4
    assert count_words("") == 0


def test_count_words_with_a_limit_is_exact_up_to_it() -> None:
    for text in ("one two three 商品の改造 four", "one two three four five six seven eight nine"):
        assert count_words(text) == 9
        for limit in range(12):
            counted = count_words(text, limit)
            assert counted == 9 if limit >= 9 else counted > limit
        assert count_words(text, 2) == 3  # three runs between spaces: no further
    assert count_words("", 0) == count_words("   ", 0) == 0


def test_count_words_finds_every_unspaced_character_in_spaced_text() -> None:
    # the UTF-16 pre-check in front of the regex must not hide one: each of those scripts' characters,
    # alone in Cyrillic, Latin-1 and punctuated text, counts as a word of its own
    unspaced = [chr(c) for c in range(0x0E00, 0xFB00) if _HAS_UNSPACED.match(chr(c))]
    assert len(unspaced) > 20000
    for char in unspaced:
        assert count_words(f"Привет мир{char}") == 3
        assert count_words(f"café crème{char}") == 3
        assert count_words(f"“quoted” — {char}{char}") == len(_WORD.findall(f"“quoted” — {char}{char}")) == 4
    assert count_words("Привет — “мир” café") == 4  # high bytes of punctuation: no unspaced script


def test_tree_left_unchanged() -> None:
    for name, url in URLS.items():
        tree = parse_html(page_html(name))
        before = lxml.html.tostring(tree)
        extract_page(tree, url)
        assert lxml.html.tostring(tree) == before


SHELL_LAYOUTS = {
    "main": lambda html: html,
    "article": lambda html: html.replace(
        '<main><div class="story">', '<main><article class="story">'
    ).replace("</ul>\n</div>", "</ul>\n</article>"),
    "divs": lambda html: html.replace("<main>", '<div class="wrap">').replace("</main>", "</div>"),
}


@pytest.mark.parametrize("layout", sorted(SHELL_LAYOUTS))
def test_a_script_built_page_furniture_is_not_article_text(layout: str) -> None:
    # headline, standfirst, byline, captioned photo, tags and a section list of teasers (77 words) around an
    # empty container, no data for the story: thin whatever the layout, so escalated, never that as body
    page = extract(SHELL_LAYOUTS[layout](shell("")), URL)
    assert page.article_words < THIN_BODY_WORDS
    assert page.body == ""
    assert page.body_rejected == "boilerplate"


@pytest.mark.parametrize("wrapper", ["article", "div"])
def test_a_lead_paragraph_that_is_also_the_description_stays_in_the_body(wrapper: str) -> None:
    lead = "The harbour ferry will run every twenty minutes from Monday, the port authority said."
    rest = [
        "Extra crossings at rush hour follow complaints from dock workers about crowded boats.",
        "The authority will review the timetable again in the autumn after counting passengers.",
    ]
    paragraphs = "".join(f"<p>{text}</p>" for text in [lead, *rest])
    html = (
        f'<html><head><title>Ferry every twenty minutes</title><meta name="description" content="{lead}">'
        f"</head><body><{wrapper}><h1>Ferry every twenty minutes</h1>{paragraphs}</{wrapper}></body></html>"
    )
    page = extract(html, "https://quaysidestar.example/news/ferry-every-twenty-minutes/")
    assert page.body.split("\n\n") == [lead, *rest]
    assert page.article_words >= 30


LIVE_POSTS = [
    (
        "16:40",
        "The first ferry left the north pier at twenty to five with forty passengers on board.",
    ),
    (
        "15:10",
        "Gusts on the outer mole fell under the limit for the first time since the morning.",
    ),
    (
        "13:25",
        "Three schools on the island closed at one so that pupils could reach the mainland before the tide.",
    ),
    (
        "11:05",
        "The harbour master closed the port to all traffic at eleven after the wind reached force nine.",
    ),
]


@pytest.mark.parametrize("item", ["article", "li"])
def test_live_blog_posts_with_permalinks_are_the_body_not_teasers(item: str) -> None:
    # a live blog: every post links to itself (a permalink on its time); posts are the story, not teasers
    posts = "".join(
        f'<{item} class="post" id="u{i}"><a class="permalink" href="#u{i}"><time>{t}</time></a>'
        f"<p>{text}</p></{item}>"
        for i, (t, text) in enumerate(LIVE_POSTS)
    )
    wrap = "div" if item == "article" else "ul"
    page = (
        "<html><head><title>Storm day: live</title></head><body><nav><a href='/'>Home</a></nav><main>"
        f"<h1>Storm day: live</h1><p class='lead'>Updates as the storm crosses the islands.</p>"
        f"<{wrap} class='feed'>{posts}</{wrap}></main>"
        "<aside><h3>Latest</h3><ul><li><a href='/n/1'>One</a></li><li><a href='/n/2'>Two</a></li></ul>"
        "</aside>"
        "</body></html>"
    )
    data = extract_page(parse_html(page), "https://islandcourier.example/live/storm-day")
    assert not data.body_rejected
    for _, text in LIVE_POSTS:
        assert text in data.body


def test_live_blog_posts_with_a_share_button_each_are_the_body_not_widgets() -> None:
    # each post carries its own share button: a box around a form control, but one post among several
    # alike, with text of its own; a sign-up box beside them is still a widget
    posts = "".join(
        f'<div class="post"><time>{t}</time><p>{text}</p><button class="share">Share</button></div>'
        for t, text in LIVE_POSTS
    )
    page = (
        "<html><head><title>Storm day: live</title></head><body><main><article>"
        f"<h1>Storm day: live</h1><div class='feed'>{posts}</div>"
        "<div class='signup'><p>Get the island briefing every morning.</p><input type='email'>"
        "<button>Sign up</button></div></article></main></body></html>"
    )
    data = extract_page(parse_html(page), "https://islandcourier.example/live/storm-day")
    assert not data.body_rejected
    for _, text in LIVE_POSTS:
        assert text in data.body
    assert "island briefing" not in data.body
    tree = parse_html(page)
    assert [box.get("class") for box in widget_boxes(tree)] == ["signup"]


def test_a_rejected_body_names_no_source_or_author_by_its_last_line() -> None:
    """A boilerplate body's last line (a newsletter box's credit) is no closing credit of the article."""
    html = without_data(page_html(SHELL)).replace(
        "before breakfast, every weekday.</p>", "before breakfast, every weekday.</p><p>(Reuters)</p>"
    )
    page = extract(html, URLS[SHELL])
    assert page.body_rejected == "boilerplate"
    assert (page.authors, page.source) == (["Oksana Verhun"], None)
