"""Visible text lines (`content`) and the heading outline (`structure`) on saved pages."""

import lxml.html
import pytest

from newsmon.extract import text
from newsmon.extract.html import parse_html
from newsmon.extract.outline import build_outline, extract_outline, visible_headings
from newsmon.extract.text import element_text_lines, normalize_space, visible_text_lines
from tests.extract_pages import JSONLD, OPENGRAPH, TAGDIV, VISIBLE, flatten, load_page, load_tree

# Realworld-style cases: whole lines that must be in `content`, and text that must be nowhere in it.
CONTENT_CASES = {
    TAGDIV: (
        [
            "Korvel bridge reopens after two-year repair",
            "Mayor Ivanna Petrash cut the ribbon shortly after eight, while the chief engineer Dmytro Hlushko"
            " told reporters that the new steel deck should last at least fifty years.",
            "The council spent 41 million hryvnias in total, about a third more than planned, according to"
            " figures published on the council budget portal last week.",
            "Work stopped twice in 2025, first when a contractor went bankrupt and again when divers found"
            " cracks in the second pier that nobody had recorded during the original survey.",
            "Read also: Ostrivka adds night buses to the river towns",
            "Lorries heavier than twelve tonnes must keep using the southern ring road until load tests"
            " finish in May, Hlushko said, adding that inspectors will publish the results on the council"
            " website.",
            "News Feed",
            "Ostrivka market moves indoors for spring",
            "© 2026 Northgate Courier. All rights reserved.",
        ],
        [
            "tdTrackerToken",
            "tdAjaxCount",
            "background:#222",
            "Hidden promo",
            "draft note",
            "Mobile menu news",
            "Mobile navigation",
            "Advertisement slot",
            "noscript tracking pixel",
            "weekly-digest-list",
        ],
    ),
    JSONLD: (
        [
            "The plan, drawn up by the Greenbank landscape studio after two rounds of public hearings, keeps"
            " the old concrete silos as a climbing wall and an open-air stage.",
            "A short history of the left-bank grain terminal 28 Jan",
        ],
        ["@graph", "schema/person", "Broken sponsor block"],
    ),
    OPENGRAPH: (
        ["READ ALSO: Kelmtown firm lends scaffolding for free", "Skip to main content"],
        ["Forty residents spent two weekends on the roof of the old library."],  # og:description only
    ),
    VISIBLE: (
        [
            "By Oksana Derkach and Taras Mel",
            "14/03/2026 16:20",
            "Captain Roman Vyshnia, who has steered the Marsh Swallow since 1994, said the new engine is"
            " quieter and burns a third less fuel. He invited readers to see it at the open deck day on"
            " Sunday, when the crew will give short tours.",
            "Topics: ferry, Sedge Holm",
        ],
        [],
    ),
}


@pytest.mark.parametrize("name", sorted(CONTENT_CASES))
def test_content_must_and_must_not(name):
    must, must_not = CONTENT_CASES[name]
    lines = load_page(name).content
    for line in must:
        assert line in lines
    text = "\n".join(lines)
    for fragment in must_not:
        assert fragment not in text


@pytest.mark.parametrize("name", sorted(CONTENT_CASES))
def test_content_starts_with_the_title_and_has_no_blank_lines(name):
    lines = load_page(name).content
    title = load_tree(name).findtext(".//title")
    assert lines[0] == normalize_space(title)
    assert all(line == normalize_space(line) and line for line in lines)


def test_content_follows_document_order():
    lines = load_page(TAGDIV).content
    order = [
        "Korvel bridge reopens after two-year repair",
        "Why the repair took so long",
        "What changes for drivers",
        "Heavy trucks still banned",
        "Read also",
        "News Feed",
        "Privacy policy",
    ]
    positions = [lines.index(line) for line in order]
    assert positions == sorted(positions)


def test_inline_markup_stays_on_its_line_and_blocks_break_lines():
    tree = parse_html(
        "<title> A   title </title><body><p>Before <a href='/x'>the <b>link</b></a>, after"
        " <em>it</em>&nbsp;too.</p><ul><li>One</li><li>Two<br>Three</li></ul>"
        "<div>Block<span> inline</span><div>nested</div>tail of block</div>"
        "<pre>code  line 1\n  line 2</pre></body>"
    )
    assert visible_text_lines(tree) == [
        "A title",
        "Before the link, after it too.",
        "One",
        "Two",
        "Three",
        "Block inline",
        "nested",
        "tail of block",
        "code line 1",
        "line 2",
    ]


def test_hidden_text_is_left_out_but_the_tail_after_it_stays():
    tree = parse_html(
        "<body><p>Keep <span style='display: none'>css hidden</span>this"
        " <span hidden>attr hidden</span>and <span style='visibility:hidden'>invisible</span>that.</p>"
        "<script>var x = 'script text';</script><style>p{}</style><template><p>template</p></template>"
        "<input type='hidden' value='token'><div aria-hidden='true'>decorative</div></body>"
    )
    assert visible_text_lines(tree) == ["Keep this and that."]


def test_element_text_lines_of_one_subtree():
    tree = parse_html("<body><div id='a'><p>One <i>two</i></p><p>three</p></div><p>four</p></body>")
    assert element_text_lines(tree.get_element_by_id("a")) == ["One two", "three"]


# Invented pages for the two walks of visible text (recursive, and iterative past _RECURSION_DEPTH levels):
# blocks in inline elements, preformatted text with nested blocks, hidden subtrees with tails, whitespace.
WALK_PAGES = [
    "<title>T</title><body>lead <b>bold <div>inner\n block</div> after</b> tail"
    "<p>\n  </p>  <p> x </p></body>",
    "<body><pre>one\ntwo <b>b\nc</b> m\nn<div>d\ne</div>f\n</pre>g\nh<textarea>t\nu</textarea></body>",
    "<body><div>a<span hidden>no</span>b<div aria-hidden='true'>no</div>c<script>no</script>d</div>"
    "<ul><li>\u200b</li><li>x\u200by</li><li> <br> </li></ul><xmp>p\nq</xmp></body>",
    "<body>" + "<div><span>s</span> t " * 30 + "end" + "</div>" * 30 + "</body>",
]


@pytest.mark.parametrize("page", WALK_PAGES, ids=range(len(WALK_PAGES)))
def test_the_iterative_walk_of_deep_subtrees_gives_the_same_lines(monkeypatch, page):
    tree = parse_html(page)
    hidden = text.hidden_elements(tree)
    recursive = text.visible_text_blocks(tree, hidden=hidden)
    monkeypatch.setattr(text, "_RECURSION_DEPTH", 0)  # every subtree below the body walked iteratively
    assert text.visible_text_blocks(tree, hidden=hidden) == recursive
    assert recursive[0]  # there is text to compare


def test_lines_of_preformatted_text_and_blocks_inside_inline_elements():
    lines = visible_text_lines(parse_html(WALK_PAGES[0]))
    assert lines == ["T", "lead bold", "inner block", "after tail", "x"]
    lines = visible_text_lines(parse_html(WALK_PAGES[1]))
    assert lines == ["one", "two b", "c m", "n", "d", "e", "f", "g h", "t", "u"]


def test_a_tree_deeper_than_the_recursion_limit():
    """A tree built by hand (the parser stops at 256 levels) 3,000 blocks deep: no RecursionError."""
    root = lxml.html.fromstring("<div>top</div>")
    node = root
    for level in range(3_000):
        child = lxml.html.Element("div")
        child.text, child.tail = f"t{level}", f"after{level}"
        node.append(child)
        node = child
    lines = element_text_lines(root)
    assert lines == ["top", *(f"t{i}" for i in range(3_000)), *(f"after{i}" for i in reversed(range(3_000)))]


# --- outline ----------------------------------------------------------------------------------------


def test_outline_nests_by_level_in_document_order():
    structure = load_page(TAGDIV).structure
    assert [(node["level"], node["text"]) for node in structure] == [
        (3, "Trending now"),  # an h3 before any h1/h2 is a root
        (1, "Korvel bridge reopens after two-year repair"),
    ]
    assert structure[0]["children"] == []
    article = structure[1]["children"]
    # the h3 before the first h2 is a child of the h1, and the h2 after it is its sibling, not its child
    assert [(node["level"], node["text"]) for node in article] == [
        (3, "Why the repair took so long"),
        (2, "What changes for drivers"),
    ]
    assert article[0]["children"] == []
    assert article[1]["children"][0]["text"] == "Heavy trucks still banned"


def test_outline_keeps_headings_after_the_article_in_their_real_position():
    flat = flatten(load_page(TAGDIV).structure)
    texts = [text for _, _, text in flat]
    assert texts.index("Heavy trucks still banned") < texts.index("Read also")
    assert texts.index("Read also") < texts.index("Tessa flood barriers tested before the spring thaw")
    assert texts.index("Tessa flood barriers tested before the spring thaw") < texts.index("News Feed")
    assert texts.index("News Feed") < texts.index("Lowmarsh library wins a reading grant")
    # the flattened outline is exactly the visible headings in document order
    assert [(level, text) for _, level, text in flat] == [
        (level, text) for level, text, _ in visible_headings(load_tree(TAGDIV))
    ]


def test_outline_skips_hidden_headings():
    texts = [text for _, _, text in flatten(load_page(TAGDIV).structure)]
    assert "Mobile navigation" not in texts  # inside a display:none menu
    assert "Advertisement slot" not in texts  # hidden attribute


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            JSONLD,
            [
                (0, 1, "Ostrivka council approves a riverside park"),
                (1, 2, "Opening planned for 2028"),
                (1, 2, "Related stories"),
            ],
        ),
        (OPENGRAPH, [(0, 1, "Brenfield library roof fixed by volunteers")]),
    ],
)
def test_outline_of_other_pages(name, expected):
    assert flatten(load_page(name).structure) == expected


def test_outline_inline_cases():
    tree = parse_html(
        "<body><h3>A</h3><h2>B</h2><h3>C <small>c</small></h3><h1>D</h1><h2 hidden>E</h2>"
        "<div style='display:none'><h2>F</h2></div><h2>  </h2><h2 aria-hidden='true'>G</h2>"
        "<h4>H</h4><h6>I</h6><h5>J</h5></body>"
    )
    assert flatten(extract_outline(tree)) == [
        (0, 3, "A"),
        (0, 2, "B"),
        (1, 3, "C c"),
        (0, 1, "D"),
        (1, 2, "G"),
        (2, 4, "H"),
        (3, 6, "I"),
        (3, 5, "J"),
    ]


def test_build_outline_of_nothing():
    assert build_outline([]) == []
    assert extract_outline(parse_html("<p>no headings</p>")) == []
