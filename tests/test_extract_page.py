"""extract_page()/extract_body() on saved pages: the article body (must / must not) and is_article."""

import lxml.html
import pytest

from newsmon.extract.body import extract_body
from newsmon.extract.html import parse_html
from newsmon.extract.page import extract_page
from newsmon.extract.related import related_block_elements
from newsmon.extract.types import ExtractOptions, PageData
from tests.extract_pages import (
    AUTHOR,
    CATEGORY,
    CP1251,
    JSONLD,
    NOT_FOUND,
    OPENGRAPH,
    TAG,
    TAGDIV,
    URLS,
    VISIBLE,
    load_page,
    load_tree,
    options_for,
)

# Realworld-style: text every body must contain, and text that must not be in it.
BODY_CASES = {
    TAGDIV: (
        [
            "The bridge over the Tessa river in Korvel opened to traffic on Saturday morning",
            "Mayor Ivanna Petrash cut the ribbon shortly after eight, while the chief engineer Dmytro Hlushko"
            " told reporters that the new steel deck should last at least fifty years.",
            "cracks in the second pier that nobody had recorded",
            "according to figures published on the council budget portal last week.",
            "cyclists get a separate path on the downstream side.",
            "inspectors will publish the results on the council website.",
            '"My daughter can walk to school again," said pensioner Halyna Stepko.',
        ],
        [
            "Korvel bridge reopens after two-year repair",  # the headline
            "By Marta Hlushko",
            "Latest news",
            "Trending now",
            "About us",
            "Read also",
            "Ostrivka adds night buses",  # inline Read also
            "Tessa flood barriers",  # Read also block
            "Korvel school heating",
            "News Feed",
            "Ostrivka market moves indoors",
            "Lowmarsh library wins",
            "Become a patron",
            "three euros a month",
            "Donate on Patreon",
            "Courier in your inbox",
            "weekly digest",
            "Subscribe",
            "Hidden promo",
            "draft note",
            "tdTrackerToken",
            "Northgate Courier is an independent newspaper",
            "All rights reserved",
            "Privacy policy",
            "TAGS",
        ],
    ),
    JSONLD: (
        [
            "Ostrivka city council voted 27 to 4 on Tuesday evening",
            "The plan, drawn up by the Greenbank landscape studio after two rounds of public hearings",
            '"The park is beautiful on paper, but people still wait half an hour for the number 3," he said.',
            "a promenade along the water, should open in spring 2028",
        ],
        [
            "Ostrivka council approves a riverside park",
            "Support local journalism",
            "Related stories",
            "grain terminal history",
            "A short history of the left-bank grain terminal",
            "Tram line 3 waits",
            "4 Harbour Street",
        ],
    ),
    OPENGRAPH: (
        [
            "Forty residents of Brenfield spent two weekends on the roof of the town's old library",
            "retired builder Stepan Orlyk, who borrowed scaffolding from a friend in Kelmtown",
            '"We have the ladders now, so why stop," he said.',
        ],
        [
            "READ ALSO",
            "Kelmtown firm lends",
            "Skip to main content",
            "Brenfield Press Cooperative",
            "Business",
        ],
    ),
    VISIBLE: (
        [
            "The ferry that links Lowmarsh with the island village of Sedge Holm is back in service",
            "He invited readers to see it at the open deck day on Sunday, when the crew will give short"
            " tours.",
            "Timetables stay the same: eight crossings a day, the first at 6:40.",
            '"Now my bread arrives warm again," said baker Zoia Lytvak.',
        ],
        [
            "Lowmarsh ferry gets a new engine",
            "Sedge Holm children get a school boat",
            "READ ALSO",
            "Volunteers count marsh birds",
            "New lights on the Lowmarsh pier",
            "Most recent",
            "Market day moves",
            "independent since 2003",
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(BODY_CASES))
def test_body_must_and_must_not(name):
    must, must_not = BODY_CASES[name]
    body = load_page(name).body
    for fragment in must:
        assert fragment in body
    for fragment in must_not:
        assert fragment not in body


@pytest.mark.parametrize("name", sorted(BODY_CASES))
def test_body_is_paragraphs_separated_by_one_blank_line(name):
    body = load_page(name).body
    assert body == body.strip()
    assert "\n\n\n" not in body
    paragraphs = body.split("\n\n")
    assert len(paragraphs) >= 4
    assert all(p.strip() == p and "  " not in p for p in paragraphs)


def test_body_keeps_the_article_paragraphs_in_order():
    paragraphs = load_page(TAGDIV).body.split("\n\n")
    starts = ["The bridge over", "Mayor Ivanna", "Work stopped", "The council spent", "Cars and buses",
              "Lorries heavier", "Residents of the Zarichna"]  # fmt: skip
    positions = [next(i for i, p in enumerate(paragraphs) if p.startswith(s)) for s in starts]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (TAGDIV, True),
        (JSONLD, True),
        (OPENGRAPH, True),
        (VISIBLE, True),
        (CP1251, True),
        (CATEGORY, False),
        (TAG, False),
        (AUTHOR, False),
        (NOT_FOUND, False),
    ],
)
def test_is_article(name, expected):
    assert load_page(name).is_article is expected


def _microdata_page(h1: str, items: str) -> str:
    story = " ".join(["The harbour board of Kelmtown met on Tuesday and agreed the new berth fees."] * 5)
    return (
        "<html><body><header><a href='/'>Kelmtown Post</a></header><main class='content'>"
        f"{h1.format(story=story)}{items}</main><footer>Kelmtown Post</footer></body></html>"
    )


def test_a_headline_inside_a_microdata_article_item_is_an_article():
    # no JSON-LD, no og:type, no <article>: the article is declared in schema.org microdata
    item = (
        "<div itemscope itemtype='https://schema.org/NewsArticle'><h1 itemprop='headline'>Berth fees</h1>"
        "<time itemprop='datePublished' datetime='2026-03-03T10:00:00+01:00'>3 March</time>"
        "<div itemprop='articleBody'><p>{story}</p><p>{story}</p></div></div>"
    )
    teasers = "".join(
        f"<div itemscope itemtype='https://schema.org/BlogPosting'><h2 itemprop='headline'>"
        f"<a href='/news/{n}-story'>Story {n}</a></h2></div>"
        for n in range(3)
    )
    page = extract_page(parse_html(_microdata_page(item, teasers)), "https://kelmtown.example/news/1-berth")
    assert page.is_article
    # a listing whose items are articles: its headline (the section's name) is in none of them
    listing = "<h1>Harbour</h1><p>{story}</p>" + teasers
    page = extract_page(parse_html(_microdata_page(listing, "")), "https://kelmtown.example/news/")
    assert not page.is_article


def test_extract_page_leaves_the_tree_unchanged():
    tree = load_tree(TAGDIV)
    before = lxml.html.tostring(tree)
    first = extract_page(tree, URLS[TAGDIV], options_for(TAGDIV))
    assert lxml.html.tostring(tree) == before
    assert extract_page(tree, URLS[TAGDIV], options_for(TAGDIV)) == first


def test_extract_body_leaves_out_the_elements_it_is_given():
    tree = load_tree(TAGDIV)
    plain = extract_body(tree, URLS[TAGDIV])
    assert "Mayor Ivanna Petrash cut the ribbon" in plain
    excluded = related_block_elements(tree, URLS[TAGDIV], ExtractOptions().read_also_labels)
    body = extract_body(tree, URLS[TAGDIV], exclude=excluded)
    assert "Ostrivka adds night buses" not in body and "Tessa flood barriers" not in body
    assert "Mayor Ivanna Petrash cut the ribbon" in body
    assert "Hidden promo" not in body and "draft note" not in body


def test_body_from_jsonld_article_body_when_the_markup_has_little_text():
    html = (
        '<html><head><script type=\'application/ld+json\'>{"@type": "NewsArticle", "headline": "Gate",'
        ' "articleBody": "The old town gate of Kelmtown was repainted in its original green.\\n\\nPainters'
        " worked at night so that traffic could pass during the day, the council said on Monday, and the"
        ' work took eleven nights in total."}</script></head><body><article><h1>Gate</h1>'
        "<p>Loading…</p></article></body></html>"
    )
    page = extract_page(parse_html(html), "https://kelmtown.example/gate/")
    assert page.body.split("\n\n") == [
        "The old town gate of Kelmtown was repainted in its original green.",
        "Painters worked at night so that traffic could pass during the day, the council said on Monday,"
        " and the work took eleven nights in total.",
    ]
    assert page.is_article


def test_no_body_on_an_empty_page():
    page = extract_page(parse_html(b""), "https://s.example/")
    assert page == PageData(is_article=False)
