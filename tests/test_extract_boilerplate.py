"""Boilerplate containers (``body.boilerplate_containers``) and the class/id test they run on every element
(``xpaths.noise_names``, a faster spelling of ``xpaths.NOISE_CLASS``: the two must always agree); the
elements that never render (``text.hidden_element_sets``); the text of an element (``text.text_of``, which
every extractor reads, must stay lxml's ``text_content``). Invented pages and class names."""

from __future__ import annotations

import itertools

from lxml.html import HtmlElement

from newsmon.extract import xpaths
from newsmon.extract.body import boilerplate_containers
from newsmon.extract.html import parse_html
from newsmon.extract.text import hidden_element_sets, hidden_elements, text_of

WORDS = [*xpaths._NOISE_WORDS.replace("patrons?", "patron|patrons").split("|"), "shares", "socials", "relate"]
SPELLINGS = (str.lower, str.upper, str.title, lambda word: word[:-1] + word[-1].upper())
EDGES = (" ", "_", "-", "\t", "\n", "x", "1", "", "\u00a0", ".")


def test_noise_names_agrees_with_the_case_blind_pattern() -> None:
    names = [
        f"{before}{spell(word)}{after} {other}"
        for word in WORDS
        for spell in SPELLINGS
        for before, after in itertools.product(EDGES, EDGES)
        for other in ("", "main", "Share")
    ]
    # non-ASCII letters the case-blind pattern folds too: the long s, the Kelvin sign, a dotted capital I
    names += [
        " \u017fhare ",
        " cookie-noti\u0130ce ",
        " coo\u212aie-consent ",
        " gdpr\u00e9 ",
        " caf\u00e9 share ",
    ]
    verdicts = {name: xpaths.noise_names(f" {name} ") for name in names}
    assert verdicts == {name: xpaths.NOISE_CLASS.search(f" {name} ") is not None for name in names}
    assert verdicts[" \u017fhare "] and verdicts[" coo\u212aie-consent "]  # folded, as NOISE_CLASS does
    assert xpaths.noise_names(" Article-SHARE_bar ") and not xpaths.noise_names(" shares socials ")


PAGE = """<html><head><title>Harbour dredging resumes</title></head><body>
<div class="Site-Header"><div class="share-wrap"><h1>Harbour dredging resumes</h1>
  <div class="SHARE-tools"><a href="/s">Post it</a></div></div></div>
<article class="story">
  <p>The dredger returned to the inner harbour on Tuesday after a month in the dry dock at Kelmport.</p>
  <div id="Newsletter_Box"><div class="social"><a href="/f">Follow</a></div><p>Sign up today</p></div>
  <div role="navigation"><a href="/n">Next story</a></div>
  <div aria-modal="true"><p>Allow notifications?</p></div>
  <aside><p>Tide tables</p></aside>
  <div class="\u017fhare-row"><a href="/m">Mail</a></div>
  <div class="shares"><p>Shares in the port company rose after the news.</p></div>
</article></body></html>"""


def _names(found: set[HtmlElement]) -> set[str]:
    return {
        f"{el.tag}.{el.get('class') or el.get('id') or el.get('role') or el.get('aria-modal') or ''}"
        for el in found
    }


def test_boilerplate_containers_are_the_outermost_ones_without_the_headline() -> None:
    found = boilerplate_containers(parse_html(PAGE))
    assert _names(found) == {
        "div.SHARE-tools",  # beside the headline: the share-wrap holding the <h1> is not one
        "div.Newsletter_Box",  # outermost: its social box is inside it
        "div.navigation",
        "div.true",
        "aside.",
        "div.\u017fhare-row",  # the long s reads as an s, as the case-blind pattern reads it
    }


def test_hidden_element_sets_hold_each_hidden_root_however_many_attributes_say_so() -> None:
    tree = parse_html(
        "<html><body><p>Tide tables for the week.</p>"
        "<div id='both' hidden style='display:none' aria-hidden='true'><p>Old timetable</p></div>"
        "<div id='aria' aria-hidden='TRUE ' style='color: blue'>Decorative wave</div>"
        "<span id='styled' style='visibility: hidden'>Spacer</span><p id='shown' style='margin: 0'>Shown</p>"
        "<input id='token' type='hidden' value='x'><script>var tide = 1;</script></body></html>"
    )
    with_aria, without_aria = hidden_element_sets(tree)
    ids = {el.get("id") or el.tag for el in with_aria}
    assert ids == {"both", "aria", "styled", "token", "script"}
    assert {el.get("id") or el.tag for el in without_aria} == ids - {"aria"}
    assert (with_aria, without_aria) == (hidden_elements(tree), hidden_elements(tree, aria=False))


def test_text_of_is_text_content() -> None:
    tree = parse_html(
        "<html><head><title>Quay &amp; pier</title><style>p { color: red }</style></head><body>"
        "<div id='story'>Opening <!-- an editor's note --><b>bold <i>and</i> italic</b> tail &lt;kept&gt;"
        "<?php echo 1; ?><script>var a = '<p>';</script><p>Second\n  line\u00a0here</p>"
        "<br>after the break<span></span><a href='/x'><img src='/x.png'>Link</a></div>"
        "<p id='leaf'>Leaf</p><p id='empty'></p><ul id='list'><li> one </li><li>two</li></ul></body></html>"
    )
    elements = [el for el in tree.iter() if isinstance(el.tag, str)]
    assert len(elements) > 15
    for element in elements:
        assert text_of(element) == element.text_content(), element.tag
    story = tree.get_element_by_id("story")
    assert text_of(story).startswith("Opening bold and italic tail <kept>var a")
