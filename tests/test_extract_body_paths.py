"""One body for every path: the record's body is score_entry's, and what used to make them differ.

`newsmon extract FILE --url URL` (and the spider) build the body inside ``extract_page``, which leaves out
related-link blocks and the headline's wrapper; ``score_entry`` used to call the extractor alone. The two
disagreed where a "Read more" button opened the article's own text (taken for a related block and left
out) and where pruning the headline's wrapper sent trafilatura elsewhere. Invented pages.
"""

from __future__ import annotations

import pytest

from newsmon.extract.body import score_entry, without_link_lists
from newsmon.extract.html import parse_html
from newsmon.extract.page import extract_page
from newsmon.extract.related import find_related
from newsmon.extract.types import ExtractOptions
from tests.extract_pages import JSONLD, OPENGRAPH, TAGDIV, URLS, VISIBLE, read_page

URL = "http://lowmarsh-gazette.example/news/2026/03/14/flood-gates/"
GATES = [
    "The river authority opened the new flood gates at Lowmarsh on Monday, two weeks ahead of the spring"
    " tides.",
    "Engineers tested each gate twice before the opening, and the authority has reported that"
    ' <span class="link"><a href="/news/2026/03/01/gate-inspection/">the council will fine the contractor'
    "</a></span> for the late delivery of the motors.",
    "Residents of the lower streets had asked for the gates since the floods of two winters ago.",
    "The gates close automatically when the water reaches a mark painted on the old pier, and a keeper can"
    " close them by hand.",
    'A second set of gates is planned for Sedge Holm, where <span class="link"><a href="/news/2026/02/11/'
    'sedge-holm/">the island school flooded twice</a></span> in the last decade.',
    "The authority will publish the water levels every hour on its website during the spring tides.",
]


def gates_page(paragraphs: list[str], before_text: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<html><head><title>Flood gates open at Lowmarsh</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>Flood gates open at Lowmarsh</h1>{before_text}<div class='entry-content'>{body}</div>"
        "</article><footer>Lowmarsh Gazette</footer></body></html>"
    )


@pytest.mark.parametrize("name", [TAGDIV, JSONLD, OPENGRAPH, VISIBLE])
def test_score_entry_is_the_record_body(name: str) -> None:
    page = extract_page(parse_html(read_page(name)), URLS[name])
    assert score_entry(read_page(name), URLS[name]) == page.body
    assert score_entry(read_page(name).decode("utf-8"), URLS[name]) == page.body


def test_inline_link_in_a_span_is_not_cut_out_of_its_sentence() -> None:
    # trafilatura's precision mode drops class="link" elements, leaving a hole in the sentence
    body = extract_page(parse_html(gates_page(GATES)), URL).body
    assert (
        "the authority has reported that the council will fine the contractor for the late delivery" in body
    )
    assert "where the island school flooded twice in the last decade." in body
    assert "reported that for the late" not in body and "Holm, where in the last" not in body
    assert len(body.split("\n\n")) == len(GATES)


def test_read_more_button_before_the_text_is_not_a_related_block() -> None:
    button = "<div class='body-read-more'><button>Read more</button></div>"
    links = [f'{p} See <a href="/news/2026/03/0{i}/x/">the earlier report</a>.' for i, p in enumerate(GATES)]
    html = gates_page(links).replace("<div class='entry-content'>", f"{button}<div class='entry-content'>")
    assert find_related(parse_html(html), URL, ExtractOptions().read_also_labels) == []
    page = extract_page(parse_html(html), URL)
    assert page.read_also == []
    assert "The authority will publish the water levels every hour" in page.body
    assert len(page.body.split()) > 100


def test_read_more_block_of_links_is_still_a_related_block() -> None:
    block = (
        "<div class='more'><h3>Read more</h3><ul>"
        "<li><a href='/news/2026/03/01/gate-inspection/'>Gate inspection finds loose bolts</a></li>"
        "<li><a href='/news/2026/02/11/sedge-holm/'>Sedge Holm school floods again</a></li></ul></div>"
    )
    html = gates_page(GATES).replace("</article>", f"{block}</article>")
    page = extract_page(parse_html(html), URL)
    assert [item["title"] for item in page.read_also] == [
        "Gate inspection finds loose bolts",
        "Sedge Holm school floods again",
    ]
    assert "loose bolts" not in page.body


def test_headline_wrapper_lines_do_not_open_the_body() -> None:
    header = (
        "<div class='head'><p class='kicker'>Rivers</p><p class='byline'>By Ilona Marsh</p>"
        "<time datetime='2026-03-14T08:00:00+00:00'>14 March 2026</time></div>"
    )
    html = (
        gates_page(GATES)
        .replace("<h1>Flood gates open at Lowmarsh</h1>", "")
        .replace(
            "<article>", f"<article><div class='top'><h1>Flood gates open at Lowmarsh</h1>{header}</div>"
        )
    )
    body = extract_page(parse_html(html), URL).body
    assert body.startswith("The river authority opened the new flood gates")
    assert "By Ilona Marsh" not in body


def test_a_list_of_links_inside_the_article_is_not_body() -> None:
    titles = [
        "Quay lights repaired after the storm",
        "A school boat for Sedge Holm",
        "Market day moves to Saturday",
    ]
    promo = "<p><strong>More from Lowmarsh</strong></p>" + "".join(
        f"<p><a href='/news/2026/03/0{i}/story-{i}/'>{title}</a></p>" for i, title in enumerate(titles)
    )
    html = gates_page([*GATES[:3], promo, *GATES[3:]]).replace(f"<p>{promo}</p>", promo)
    body = extract_page(parse_html(html), URL).body
    for title in titles:
        assert title not in body
    assert "The gates close automatically" in body and "Residents of the lower streets" in body


def test_link_lists_need_three_lines_in_a_row() -> None:
    links = {"Quay lights repaired", "A school boat", "Market day moves", "the council"}
    text = "First paragraph.\n\nQuay lights repaired\n\nA school boat\n\nMarket day moves\n\nLast paragraph."
    assert without_link_lists(text, links) == "First paragraph.\n\nLast paragraph."
    two = "First paragraph.\n\nQuay lights repaired\n\nA school boat\n\nLast paragraph."
    assert without_link_lists(two, links) == two  # two links in a row may be the article's own
    assert without_link_lists("the council\n\nthe council", links) == "the council\n\nthe council"
