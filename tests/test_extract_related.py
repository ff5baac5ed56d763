"""Related-link blocks ("Read also", "News Feed") found by their label text, whatever the theme's classes."""

import pytest

from newsmon.extract.html import parse_html
from newsmon.extract.page import extract_page
from newsmon.extract.related import find_related, find_related_blocks, normalize_label
from newsmon.extract.types import ExtractOptions
from tests.extract_pages import JSONLD, OPENGRAPH, TAGDIV, URLS, VISIBLE, load_page, load_tree

NG = "https://northgatecourier.example"
LOWMARSH = "http://lowmarsh-gazette.example"
OPTIONS = ExtractOptions()

EXPECTED = {
    TAGDIV: (
        [
            (f"{NG}/2026/02/20/ostrivka-night-buses/", "Ostrivka adds night buses to the river towns"),
            (f"{NG}/2026/03/10/tessa-flood-barriers/", "Tessa flood barriers tested before the spring thaw"),
            (f"{NG}/2026/03/02/korvel-school-heating/", "Korvel school heating fixed after three cold weeks"),
        ],
        [
            (f"{NG}/2026/03/14/ostrivka-market-indoors/", "Ostrivka market moves indoors for spring"),
            (f"{NG}/2026/03/13/ostrivka-ferry-strike/", "Ferry crews in Ostrivka vote to strike"),
            (f"{NG}/2026/03/13/lowmarsh-library-grant/", "Lowmarsh library wins a reading grant"),
        ],
    ),
    VISIBLE: (
        [
            (f"{LOWMARSH}/2026/02/11/sedge-holm-school-bus/", "Sedge Holm children get a school boat"),
            (f"{LOWMARSH}/2026/03/01/marsh-birds-count/", "Volunteers count marsh birds"),
            (f"{LOWMARSH}/2026/02/25/lowmarsh-pier-lights/", "New lights on the Lowmarsh pier"),
        ],
        [
            (f"{LOWMARSH}/2026/03/14/lowmarsh-market-day/", "Market day moves to Saturday"),
            (f"{LOWMARSH}/2026/03/13/sedge-holm-power/", "Power restored on Sedge Holm"),
        ],
    ),
    JSONLD: (
        [
            ("https://ostrivkadaily.example/news/2026/01/28/grain-terminal-history/",
             "A short history of the left-bank grain terminal"),
            ("https://ostrivkadaily.example/news/2026/01/15/tram-line-3/", "Tram line 3 waits for new rails"),
        ],
        [],
    ),
    OPENGRAPH: (
        [("https://brenfieldtimes.example/community/kelmtown-scaffolding-loan",
          "Kelmtown firm lends scaffolding for free")],
        [],  # the "Most recent" menu entry is a link, not a label
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_related_blocks_of_saved_pages(name):
    read_also, news_feed = EXPECTED[name]
    page = load_page(name)
    assert [(item["url"], item["title"]) for item in page.read_also] == read_also
    assert [(item["url"], item["title"]) for item in page.news_feed] == news_feed


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_related_items_must_not(name):
    page = load_page(name)
    urls = [item["url"] for item in (*page.read_also, *page.news_feed)]
    assert URLS[name] not in urls  # the page itself
    assert len(set(urls)) == len(urls)
    for url in urls:
        assert "/category/" not in url and "/tag/" not in url and "/section/" not in url
        assert "/latest/" not in url and "/most-recent" not in url  # menu entries reading like a label


def test_blocks_do_not_spill_into_the_next_labelled_block():
    tree = load_tree(TAGDIV)
    read_blocks = find_related_blocks(
        tree, URLS[TAGDIV], OPTIONS.read_also_labels, stop_labels=("news feed",)
    )
    assert [block.label for block in read_blocks] == ["read also", "read also"]
    assert [len(block.items) for block in read_blocks] == [1, 2]
    feed_urls = {item["url"] for item in load_page(TAGDIV).news_feed}
    assert not feed_urls & {item["url"] for block in read_blocks for item in block.items}


def test_labels_are_found_whatever_the_classes():
    html = load_tree(TAGDIV)
    for element in html.iter():
        if isinstance(element.tag, str) and element.get("class"):
            element.set("class", "x")  # a theme update renamed every class
    page_url = URLS[TAGDIV]
    expected = [item["url"] for item in load_page(TAGDIV).read_also]
    assert [item["url"] for item in find_related(html, page_url, OPTIONS.read_also_labels)] == expected


def _related(body: str, labels=OPTIONS.read_also_labels, url="https://s.example/this/"):
    tree = parse_html(f"<html><body>{body}</body></html>")
    return [(item["url"], item["title"]) for item in find_related(tree, url, labels)]


@pytest.mark.parametrize("label", ["Read also", "Read also:", "READ ALSO", "read also —", "Read Also"])
def test_label_spellings(label):
    body = (
        f"<div><h3>{label}</h3><ul><li><a href='/a/'>Story A</a></li>"
        "<li><a href='/b/'>Story B</a></li></ul></div>"
    )
    assert _related(body) == [("https://s.example/a/", "Story A"), ("https://s.example/b/", "Story B")]


def test_inline_read_also_paragraph_inside_the_body():
    body = (
        "<article><p>The first paragraph of the story is long enough to be article text on its own page."
        " It goes on and on about the river.</p>"
        "<p><strong>Read also:</strong> <a href='/one/'>One more story</a></p>"
        "<p>The next paragraph links to <a href='/elsewhere/'>somewhere else</a> and keeps on talking about"
        " the river for more than twenty words so it counts as article text.</p></article>"
    )
    assert _related(body) == [("https://s.example/one/", "One more story")]


def test_the_page_itself_and_its_fragments_are_excluded():
    body = (
        "<h2>Read also</h2><a href='/this/'>This page</a><a href='/this/#comments'>Comments</a>"
        "<a href='https://s.example/other/'>Other</a>"
    )
    assert _related(body) == [("https://s.example/other/", "Other")]


def test_items_are_deduped_with_the_longest_title_and_fallback_titles():
    body = (
        "<section><h2>Related stories</h2>"
        "<a href='/a/'><img alt='Photo of A'></a><a href='/a/'>Story A in full</a>"
        "<a href='/b/' title='Story B title'><img src='b.jpg'></a>"
        "<a href='/c/'><img alt='Only alt of C'></a></section>"
    )
    assert _related(body) == [
        ("https://s.example/a/", "Story A in full"),
        ("https://s.example/b/", "Story B title"),
        ("https://s.example/c/", "Only alt of C"),
    ]


def test_news_feed_and_read_also_side_by_side():
    body = (
        "<div class='w'><h4>Read also</h4><a href='/r1/'>R1</a><a href='/r2/'>R2</a>"
        "<h4>News Feed</h4><a href='/n1/'>N1</a><a href='/n2/'>N2</a></div>"
    )
    tree = parse_html(body)
    read = find_related_blocks(tree, "https://s.example/", ["Read also"], stop_labels=["News Feed"])
    feed = find_related_blocks(tree, "https://s.example/", ["News Feed"], stop_labels=["Read also"])
    assert [item["title"] for block in read for item in block.items] == ["R1", "R2"]
    assert [item["title"] for block in feed for item in block.items] == ["N1", "N2"]


def test_menu_entries_reading_like_a_label_are_not_labels():
    body = (
        "<ul class='menu'><li><a href='/latest/'>Latest news</a></li>"
        "<li><a href='/world/'>World</a></li></ul>"
        "<nav><span>News Feed</span><a href='/n/'>N</a></nav>"
        "<p>Some text about the <a href='/latest-news-policy/'>latest news</a> policy.</p>"
    )
    assert _related(body, OPTIONS.news_feed_labels) == []


def test_container_labelled_by_aria_label():
    body = (
        "<aside aria-label='News feed'><ul><li><a href='/n1/'>First</a></li>"
        "<li><a href='/n2/'>Second</a></li></ul></aside><p><a href='/outside/'>Outside</a></p>"
    )
    assert _related(body, OPTIONS.news_feed_labels) == [
        ("https://s.example/n1/", "First"),
        ("https://s.example/n2/", "Second"),
    ]


def test_a_label_in_running_text_is_not_a_block():
    body = "<p>We read also the minutes of the meeting, says <a href='/clerk/'>the clerk</a>.</p>"
    assert _related(body) == []


@pytest.mark.parametrize(
    ("text", "expected"), [(" Read also: ", "read also"), ("— NEWS FEED —", "news feed"), (None, "")]
)
def test_normalize_label(text, expected):
    assert normalize_label(text) == expected


# --- items by the block's repeated structure (layouts invented after the rule) ------------------------


def _card(slug: str, title: str, author: str, *, tag: str = "article") -> str:
    return (
        f"<{tag} class='c{len(slug)}'><a href='/{slug}/'><img src='/i/{slug}.jpg' alt='Photo: {slug}'></a>"
        f"<h3><a href='/{slug}/'>{title}</a></h3>"
        f"<p>By <a href='/author/{author.lower()}/'>{author}</a> · 3 May 2026</p></{tag}>"
    )


CARD_TITLES = [
    ("harbour-crane", "The harbour crane is back after repairs"),
    ("orchard-frost", "Frost nips the hill orchards in late April"),
    ("choir-tour", "The town choir books a summer tour"),
    ("bridge-toll", "Bridge toll to end in the autumn"),
]


@pytest.mark.parametrize("tag", ["article", "div", "li"])
def test_card_grid_gives_every_card_with_its_heading_title(tag):
    cards = "".join(_card(slug, title, f"Writer{i}", tag=tag) for i, (slug, title) in enumerate(CARD_TITLES))
    wrapper = ("<ul>", "</ul>") if tag == "li" else ("<div class='grid'>", "</div>")
    body = (
        f"<article><p>Story.</p></article><section><h2>Related</h2>{wrapper[0]}{cards}{wrapper[1]}</section>"
    )
    assert _related(body) == [(f"https://s.example/{slug}/", title) for slug, title in CARD_TITLES]


def test_cards_wholly_inside_their_link_with_an_unlinked_heading():
    cards = "".join(
        f"<a class='tile' href='/{slug}/'><img src='x.jpg'><h4>{title}</h4><span>By Ann Lee · 2 h</span></a>"
        for slug, title in CARD_TITLES
    )
    body = f"<aside><h3>Read also</h3>{cards}</aside><footer><h4>Contact</h4><a href='/c/'>Write</a></footer>"
    assert _related(body) == [(f"https://s.example/{slug}/", title) for slug, title in CARD_TITLES]


def test_rows_of_cards_with_a_read_more_link_and_an_unlinked_heading():
    def card(slug: str, title: str) -> str:
        return (
            f"<div><div><img src='{slug}.jpg'></div><h3>{title}</h3><p>Lena Ors, 4 May</p>"
            f"<a href='/{slug}/'>Read more</a></div>"
        )

    rows = "".join(
        f"<div>{card(*CARD_TITLES[i])}{card(*CARD_TITLES[i + 1])}</div>"
        for i in range(0, len(CARD_TITLES), 2)
    )
    body = (
        f"<div><h2>See also</h2><div>{rows}</div>"
        "<h2>Comments</h2><div><p>Comment</p><a href='/user/7/'>user7</a></div></div>"
    )
    assert _related(body) == [(f"https://s.example/{slug}/", title) for slug, title in CARD_TITLES]


def test_list_entries_with_an_author_link_give_one_item_each():
    entries = "".join(
        f"<li><a href='/{slug}/'>{title}</a> <span>by <a href='/author/mo/'>Mo Dunn</a></span></li>"
        for slug, title in CARD_TITLES[:3]
    )
    body = f"<div class='box'><h4>Related stories</h4><ul>{entries}</ul></div>"
    assert _related(body) == [(f"https://s.example/{slug}/", title) for slug, title in CARD_TITLES[:3]]


def test_a_card_grid_stops_before_the_next_widget_of_the_same_sidebar():
    cards = "".join(_card(slug, title, "Kai") for slug, title in CARD_TITLES[:2])
    popular = "".join(f"<li><a href='/p{i}/'>Popular story number {i}</a></li>" for i in range(5))
    body = f"<aside><h3>Related</h3>{cards}<div><h3>Popular today</h3><ol>{popular}</ol></div></aside>"
    assert _related(body) == [(f"https://s.example/{slug}/", title) for slug, title in CARD_TITLES[:2]]


def test_an_inline_box_of_two_links_inside_the_story():
    body = (
        "<article><p>The first paragraph of the story is long enough to be article text on its own page,"
        " and it keeps going about the harbour.</p>"
        "<div class='inline'><span>See also</span><a href='/one/'>First linked story</a>"
        "<a href='/two/'>Second linked story</a></div>"
        "<p>The story goes on after the box for more than twenty words so that it counts as article text"
        " and not as a part of the box.</p></article>"
    )
    assert _related(body) == [
        ("https://s.example/one/", "First linked story"),
        ("https://s.example/two/", "Second linked story"),
    ]


def test_a_lone_box_under_its_heading_still_ends_the_block():
    cards = "".join(_card(slug, title, "Kai") for slug, title in CARD_TITLES[:2])
    body = (
        f"<div><h2>Related</h2><div>{cards}</div>"
        "<div><h3>Get the morning letter</h3><a href='/subscribe/'>Sign up</a></div></div>"
    )
    assert _related(body) == [(f"https://s.example/{slug}/", title) for slug, title in CARD_TITLES[:2]]


def test_cards_without_headings_take_the_title_link_wherever_the_author_link_is():
    cards = (
        "<div class='t'><a href='/author/jo/'>Jo Berg</a> <a href='/a/'>Ferry times change</a></div>"
        "<div class='t'><a href='/b/'><img src='b.jpg'></a><a href='/author/li/'>Li Moe</a>"
        "<a href='/b/'>Pier lights go up</a></div>"
    )
    body = f"<section><h3>Related</h3><div>{cards}</div></section>"
    assert _related(body) == [
        ("https://s.example/a/", "Ferry times change"),
        ("https://s.example/b/", "Pier lights go up"),
    ]


def test_a_card_grid_inside_the_article_stays_out_of_the_body():
    from newsmon.extract.page import extract_page

    story = "".join(
        f"<p>Paragraph {i} of the story about the harbour and the ferry, long enough to be article text.</p>"
        for i in range(8)
    )
    cards = "".join(_card(slug, title, "Writer") for slug, title in CARD_TITLES)
    html = (
        f"<html><head><title>Harbour story</title></head><body><article><h1>Harbour story</h1>{story}"
        f"<section><h2>Related</h2><div>{cards}</div></section></article></body></html>"
    )
    page = extract_page(parse_html(html), "https://s.example/2026/05/04/harbour/")
    assert [item["title"] for item in page.read_also] == [title for _, title in CARD_TITLES]
    assert "Paragraph 7 of the story" in page.body
    assert not any(title in page.body for _, title in CARD_TITLES) and "Writer" not in page.body


def test_a_kicker_every_card_repeats_is_not_their_title():
    cards = "".join(
        f"<li><div><a href='/{slug}/'><h6> Harbour </h6></a><a href='/{slug}/'><p>{title}</p></a></div></li>"
        for slug, title in CARD_TITLES[:3]
    )
    body = f"<article><div><h2>related stories</h2></div><ul>{cards}</ul></article>"
    assert _related(body) == [(f"https://s.example/{slug}/", title) for slug, title in CARD_TITLES[:3]]


def test_a_carousel_of_pages_of_lists_gives_every_entry():
    def entry(slug: str, title: str) -> str:
        return (
            f"<li><div><a href='/{slug}/' title='{title}'><img src='x.jpg'></a></div>"
            f"<div><p><a href='/{slug}/'>{title}</a></p><p>A teaser line.</p></div></li>"
        )

    pages = "".join(
        f"<div class='page'><ul>{entry(*CARD_TITLES[i])}{entry(*CARD_TITLES[i + 1])}</ul></div>"
        for i in (0, 2)
    )
    body = f"<section><h2>Related stories</h2><div class='carousel'>{pages}</div></section>"
    assert _related(body) == [(f"https://s.example/{slug}/", title) for slug, title in CARD_TITLES]


def test_a_label_that_is_the_first_tab_of_a_tabbed_header_opens_the_block():
    # a theme's tabbed header: the label is a tab link that loads no page, beside another tab; only the
    # first tab's items are served, under the header
    body = (
        "<div class='wrap'><h4 class='tabs'><a class='on' href='#'>Related stories</a>"
        "<a href='#'>More from the author</a></h4><div class='row'>"
        "<div class='mod'><div class='thumb'><a href='/r1/'><img src='/1.jpg'></a></div>"
        "<h3 class='t'><a href='/r1/'>The ferry returns</a></h3></div>"
        "<div class='mod'><div class='thumb'><a href='/r2/'><img src='/2.jpg'></a></div>"
        "<h3 class='t'><a href='/r2/'>The bridge reopens</a></h3></div></div></div>"
        "<h4><a href='/section/'>Elsewhere</a></h4><p><a href='/x/'>X</a></p>"
    )
    assert _related(body, ["Related stories"]) == [
        ("https://s.example/r1/", "The ferry returns"),
        ("https://s.example/r2/", "The bridge reopens"),
    ]
    # a link that loads a page is a menu entry or a title, not a tab
    assert _related(body.replace("href='#'>Related", "href='/related/'>Related"), ["Related stories"]) == []


def test_a_label_whose_block_would_run_into_the_article_opens_no_block():
    # a badge reading like a label just before the story's wrapper: what follows it is the article itself
    # (its headline included), never a related block
    story = " ".join(["The council met on Monday and agreed the new ferry timetable for the spring."] * 3)
    menu = " ".join(
        f"<a href='/{s}/'>{s.title()} pages and more</a>" for s in ("news", "sport", "arts", "food")
    )
    more = "".join(f"<li><a href='/m{n}/'>More story number {n} here</a></li>" for n in range(8))
    body = (
        f"<div class='page'><b>Latest</b><div class='wrap'><nav>{menu}</nav>"
        f"<article><h1>Ferry timetable agreed</h1><p>{story}</p></article>"
        f"<ul class='more'>{more}</ul></div></div>"
    )
    assert _related(body, ["Latest"]) == []
    page = extract_page(parse_html(f"<html><body>{body}</body></html>"), "https://s.example/this/")
    assert "new ferry timetable" in page.body
