"""Article metadata (JSON-LD, then OpenGraph/article:* meta, then visible markup), dates, JSON-LD."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from lxml.html import HtmlElement

from newsmon.extract.dates import date_from_url, parse_machine_date, parse_text_date
from newsmon.extract.html import parse_html
from newsmon.extract.jsonld import parse_jsonld
from newsmon.extract.metadata import clean_author, extract_metadata, normalize_language
from newsmon.extract.titles import strip_site_suffix
from newsmon.extract.types import ExtractOptions
from tests.extract_pages import JSONLD, OPENGRAPH, TAGDIV, URLS, VISIBLE, load_page, load_tree

KYIV = ZoneInfo("Europe/Kyiv")

EXPECTED = {
    TAGDIV: {
        "title": "Korvel bridge reopens after two-year repair",
        "subtitle": "Drivers return to the Tessa river crossing as the town counts the cost of the long"
        " detour",
        "authors": ["Marta Hlushko"],
        "section": "Regions",
        "tags": ["Korvel", "infrastructure", "Tessa river"],
        "language": "en-US",
        # article:published_time (UTC) wins over the visible <time datetime> (+02:00, same instant)
        "published_at": "2026-03-14T07:30:00+00:00",
        "modified_at": "2026-03-15T08:05:00+00:00",
        "canonical_href": "https://northgatecourier.example/2026/03/14/korvel-bridge-reopens/",
    },
    JSONLD: {
        "title": "Ostrivka council approves a riverside park",
        "subtitle": "The former grain terminal becomes eleven hectares of public green space",
        "authors": ["Yarema Kostiuk", "Solomiia Brand"],  # @id references resolved in the @graph
        "section": "City life",
        "tags": ["parks", "Ostrivka council", "urban planning"],
        "language": "en-GB",
        "published_at": "2026-02-03T18:45:00+01:00",  # the article's, not the WebPage's
        "modified_at": "2026-02-04T09:12:30+01:00",
        "canonical_href": None,
    },
    OPENGRAPH: {
        "title": "Brenfield library roof fixed by volunteers",
        "subtitle": None,
        "authors": ["Lesia Varenko"],  # the article:author profile URL is not a name
        "section": "Community",
        "tags": ["volunteers", "Brenfield library"],
        "language": "en-GB",  # og:locale en_gb
        "published_at": "2026-01-22T07:15:00+00:00",
        "modified_at": "2026-01-22T11:40:00+00:00",
        "canonical_href": "https://brenfieldtimes.example/community/library-roof-volunteers",
    },
    VISIBLE: {
        "title": "Lowmarsh ferry gets a new engine",
        "authors": ["Oksana Derkach", "Taras Mel"],  # "By A and B"
        "tags": ["ferry", "Sedge Holm"],
        "language": "en-US",  # html lang="en-us"
        "published_at": "2026-03-14T16:20:00+02:00",  # "14/03/2026 16:20" in the site's timezone
        "modified_at": None,
        "canonical_href": None,
    },
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_metadata_of_saved_pages(name):
    page = load_page(name)
    for field, expected in EXPECTED[name].items():
        assert getattr(page, field) == expected, field


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_metadata_must_not(name):
    page = load_page(name)
    site_names = ("Northgate Courier", "Ostrivka Daily", "Brenfield Times", "Lowmarsh Gazette")
    assert not any(site in (page.title or "") for site in site_names)
    for author in page.authors:
        assert not author.lower().startswith("by ")
        assert " and " not in author and "://" not in author
    for value in (page.published_at, page.modified_at):
        if value is not None:
            assert datetime.fromisoformat(value).utcoffset() is not None


def test_section_from_a_breadcrumb_outside_the_article():
    assert load_page(VISIBLE).section == "Ferry"


def _meta(html: str, url: str = "https://site.example/story/", tz: str = "UTC"):
    return extract_metadata(parse_html(html), url, ExtractOptions(default_timezone=tz))


def _dated_page(jsonld: bool, meta: bool, time: bool) -> str:
    head = "<title>Dated story - Site</title>"
    if jsonld:
        head += (
            '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Dated story",'
            ' "datePublished": "2026-01-05T10:00:00+02:00"}</script>'
        )
    if meta:
        head += '<meta property="article:published_time" content="2026-01-06T10:00:00+02:00">'
    body = "<article><h1>Dated story</h1>"
    if time:
        body += '<time datetime="2026-01-07T10:00:00+02:00">7 January 2026</time>'
    return f"<html><head>{head}</head><body>{body}<p>Text.</p></article></body></html>"


@pytest.mark.parametrize(
    ("jsonld", "meta", "time", "expected"),
    [
        (True, True, True, "2026-01-05T10:00:00+02:00"),
        (False, True, True, "2026-01-06T10:00:00+02:00"),
        (False, False, True, "2026-01-07T10:00:00+02:00"),
        (False, False, False, "2026-01-08T00:00:00+02:00"),  # the URL's date, midnight in the site's zone
    ],
)
def test_date_signals_strongest_first(jsonld, meta, time, expected):
    html = _dated_page(jsonld, meta, time)
    meta_data = _meta(html, "https://site.example/2026/01/08/dated-story/", tz="Europe/Kyiv")
    assert meta_data.published_at == expected


def test_no_date_anywhere():
    assert _meta(_dated_page(False, False, False), "https://site.example/dated-story/").published_at is None


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        (
            '<meta property="article:published_time" content="2026-03-01T10:00:00">',
            "2026-03-01T10:00:00+02:00",
        ),
        (
            '<meta property="article:published_time" content="2026-07-01T10:00:00">',
            "2026-07-01T10:00:00+03:00",
        ),
        (
            '<meta property="article:published_time" content="2026-07-01T10:00:00Z">',
            "2026-07-01T10:00:00+00:00",
        ),
        ("<article><h1>T</h1><time>July 4, 2026 2:05 pm</time></article>", "2026-07-04T14:05:00+03:00"),
        ("<article><h1>T</h1><span class='date'>03/02/2026</span></article>", "2026-02-03T00:00:00+02:00"),
        (
            "<article><h1>T</h1><time datetime='bogus'>5 Jan 2026</time></article>",
            "2026-01-05T00:00:00+02:00",
        ),
    ],
)
def test_naive_dates_get_the_site_timezone(snippet, expected):
    assert (
        _meta(f"<html><head></head><body>{snippet}</body></html>", tz="Europe/Kyiv").published_at == expected
    )


def test_visible_modified_time_is_told_apart_by_its_class():
    html = (
        "<article><h1>T</h1><time class='published' datetime='2026-03-01T08:00:00+02:00'>1 March</time>"
        "<time class='updated' datetime='2026-03-02T09:00:00+02:00'>2 March</time></article>"
    )
    data = _meta(html)
    assert (data.published_at, data.modified_at) == ("2026-03-01T08:00:00+02:00", "2026-03-02T09:00:00+02:00")


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<html lang="en_US"><body></body></html>', "en-US"),
        ('<html lang="en-us"><body></body></html>', "en-US"),
        ('<html><head><meta property="og:locale" content="en_US"></head><body></body></html>', "en-US"),
        ('<html><head><meta http-equiv="content-language" content="uk-ua"></head></html>', "uk-UA"),
        ("<html><body></body></html>", None),
    ],
)
def test_language_normalised(html, expected):
    assert _meta(html).language == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("EN", "en"), ("zh-hant-tw", "zh-Hant-TW"), ("es_419", "es-419"), ("", None), ("not a language", None)],
)
def test_normalize_language(value, expected):
    assert normalize_language(value) == expected


@pytest.mark.parametrize(
    ("title", "sites", "h1", "expected"),
    [
        ("Korvel bridge reopens - Northgate Courier", ["Northgate Courier"], None, "Korvel bridge reopens"),
        ("Northgate Courier | Korvel bridge reopens", ["Northgate Courier"], None, "Korvel bridge reopens"),
        ("Korvel bridge reopens — NORTHGATE-COURIER", ["Northgate Courier"], None, "Korvel bridge reopens"),
        ("Korvel bridge reopens - northgatecourier", ["northgatecourier.example", "northgatecourier"], None,
         "Korvel bridge reopens"),
        ("Bridge - two years later | The Paper", [], "Bridge - two years later", "Bridge - two years later"),
        ("Bridge - two years later", ["Northgate Courier"], None, "Bridge - two years later"),
    ],
)  # fmt: skip
def test_strip_site_suffix(title, sites, h1, expected):
    assert strip_site_suffix(title, sites, h1) == expected


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("By Marta Hlushko", ["Marta Hlushko"]),
        ("by Oksana Derkach and Taras Mel", ["Oksana Derkach", "Taras Mel"]),
        ("Words by Ann Lee, Bo Chen", ["Ann Lee", "Bo Chen"]),
        ("Authors: Ann Lee & Bo Chen", ["Ann Lee", "Bo Chen"]),
        ("Andriy Candela", ["Andriy Candela"]),
        ("https://social.example/lesia", []),
        ("desk@site.example", []),
        ("admin", []),
        ("作者：周明 来源：临江晚报", ["周明"]),  # the next labelled field is not the name
        ("记者：李红、王刚", ["李红", "王刚"]),
        ("（责任编辑：孙静）", []),  # an editor is no author
        ("本报讯临江区政府昨天宣布沿江步道的第二期工程", []),  # a sentence without spaces is no name
        ("김민지·박서준 기자", ["김민지", "박서준"]),
    ],
)
def test_clean_author(byline, expected):
    assert clean_author(byline) == expected


def test_jsonld_graph_ids_and_broken_scripts():
    jsonld = parse_jsonld(load_tree(JSONLD))
    assert jsonld.article is not None and jsonld.article["headline"].startswith("Ostrivka council")
    assert jsonld.webpage is not None
    person = jsonld.resolve({"@id": "https://ostrivkadaily.example/#/schema/person/c42"})
    assert person["name"] == "Solomiia Brand"
    assert "Ostrivka Daily" in jsonld.site_names()
    assert "Ostrivka Daily Media Group" in jsonld.site_names()  # the publisher, through its @id
    assert jsonld.resolve({"@id": "#unknown"}) == {"@id": "#unknown"}


@pytest.mark.parametrize(
    "script",
    [
        '<!-- {"@type": "NewsArticle", "headline": "H"} -->',
        '{"@type": "NewsArticle", "headline": "H",}',
        '{"@type": "WebSite", "name": "S"} {"@type": "NewsArticle", "headline": "H"}',
        '[{"@type": ["Thing", "http://schema.org/NewsArticle"], "headline": "H"}]',
    ],
)
def test_jsonld_tolerates_hand_written_mistakes(script):
    tree = parse_html(f'<html><head><script type="application/ld+json">{script}</script></head></html>')
    assert parse_jsonld(tree).article == parse_jsonld(tree).first(frozenset({"newsarticle"}))
    assert (parse_jsonld(tree).article or {}).get("headline") == "H"


def test_invalid_jsonld_is_ignored():
    tree = parse_html('<head><script type="application/ld+json">{"@type": "NewsArticle", </script></head>')
    assert parse_jsonld(tree).nodes == []


# --- dates ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "dayfirst", "expected"),
    [
        ("14/03/2026", True, datetime(2026, 3, 14)),
        ("03/02/2026", True, datetime(2026, 2, 3)),
        ("03/02/2026", False, datetime(2026, 3, 2)),
        ("02/27/2026", True, datetime(2026, 2, 27)),  # day first is impossible
        ("Posted 5.3.2026 at 18.40", True, datetime(2026, 3, 5, 18, 40)),
        ("February 27, 2026 2:05 pm", True, datetime(2026, 2, 27, 14, 5)),
        ("Sept. 3rd, 2026", True, datetime(2026, 9, 3)),
        ("27th of February 2026, 09:15", True, datetime(2026, 2, 27, 9, 15)),
        ("Updated 2026-02-27 09:15:30", True, datetime(2026, 2, 27, 9, 15, 30)),
        ("31/02/2026", True, None),
        ("12/12/1850", True, None),
        ("发布时间：2026年12月07日 14:05", True, datetime(2026, 12, 7, 14, 5)),  # zh, no word boundary
        ("2026年12月7日", True, datetime(2026, 12, 7)),
        ("2026年12月7日（月）14時05分", True, datetime(2026, 12, 7, 14, 5)),  # ja, weekday between
        ("2026年12月7日 午後2時5分", True, datetime(2026, 12, 7, 14, 5)),
        ("기사입력 2026년 12월 7일 오후 2:05", True, datetime(2026, 12, 7, 14, 5)),  # ko
        ("입력 2026.12.07 14:05", True, datetime(2026, 12, 7, 14, 5)),  # year first with dots
        ("2026/03/23 17:39", True, datetime(2026, 3, 23, 17, 39)),
        ("release v2026.10.1", True, None),  # a version number is no date
        ("no date here, 2026 only", True, None),
    ],
)
def test_parse_text_date(text, dayfirst, expected):
    value = parse_text_date(text, KYIV, dayfirst=dayfirst)
    assert value == (expected.replace(tzinfo=KYIV) if expected else None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-02-27T09:15:00Z", "2026-02-27T09:15:00+00:00"),
        ("2026-02-27T09:15:00.250+01:00", "2026-02-27T09:15:00.250000+01:00"),
        ("2026-02-27", "2026-02-27T00:00:00+02:00"),
        ("Fri, 27 Feb 2026 09:15:00 +0100", "2026-02-27T09:15:00+01:00"),
        ("27 February 2026", "2026-02-27T00:00:00+02:00"),
    ],
)
def test_parse_machine_date(text, expected):
    value = parse_machine_date(text, KYIV)
    assert value is not None and value.isoformat() == expected


@pytest.mark.parametrize("text", [None, "", "   ", "yesterday", "0000-00-00"])
def test_parse_machine_date_rejects(text):
    assert parse_machine_date(text, UTC) is None


def test_date_from_url():
    assert date_from_url("https://s.example/2026/3/7/x/", UTC) == datetime(2026, 3, 7, tzinfo=UTC)
    assert date_from_url("https://s.example/2026/13/07/x/", UTC) is None
    assert date_from_url("https://s.example/2026/02/30/x/", UTC) is None
    assert date_from_url(URLS[OPENGRAPH], UTC) is None


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("By Tobiah Crane · 7 April 2026", ["Tobiah Crane"]),
        ("Tobiah Crane | 07/04/2026", ["Tobiah Crane"]),
        ("by Maria Lopez, 12:30", ["Maria Lopez"]),
        ("By Ann Lee and Jean-Luc Roy — 3 March 2026", ["Ann Lee", "Jean-Luc Roy"]),
    ],
)
def test_byline_sharing_its_element_with_a_date(byline, names):
    from newsmon.extract.metadata import clean_author

    assert clean_author(byline) == names


# --- description, image, publisher, paywall flag ------------------------------------------------------
PAYWALLED_JSONLD = """<html><head>
<meta property="og:site_name" content="Harbour Ledger">
<meta property="og:description" content="  The og summary, second choice. ">
<meta property="og:image" content="/img/og-lead.jpg">
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
  {"@type": "NewsMediaOrganization", "@id": "#org", "name": "The Harbour Ledger Co."},
  {"@type": "NewsArticle", "headline": "Tide gauges go digital", "publisher": {"@id": "#org"},
   "description": "Port engineers swap the brass floats for radar.",
   "image": [{"@type": "ImageObject", "url": "https://cdn.harbour.example/lead.jpg"}, "https://x/2.jpg"],
   "isAccessibleForFree": "False"}]}</script>
</head><body><h1>Tide gauges go digital</h1><p>Text.</p></body></html>"""

META_ONLY = """<html><head>
<meta name="description" content="A plain meta description.">
<meta property="og:site_name" content="Valley Post">
<meta name="twitter:image" content="javascript:alert(1)">
<meta property="og:image:secure_url" content="//static.valley.example/a.png">
<meta property="article:content_tier" content="metered">
</head><body><h1>Bins collected on Saturdays</h1></body></html>"""


def test_description_image_publisher_and_paywall_from_jsonld() -> None:
    meta = extract_metadata(parse_html(PAYWALLED_JSONLD.encode()), "https://harbour.example/2026/01/02/tide/")
    assert meta.description == "Port engineers swap the brass floats for radar."  # the article's own
    assert meta.image == "https://cdn.harbour.example/lead.jpg"  # ImageObject url, first of the list
    assert meta.publisher == "The Harbour Ledger Co."  # the @id reference resolved, before og:site_name
    assert meta.is_accessible_for_free is False


def test_the_same_fields_from_meta_tags_and_unsafe_images_skipped() -> None:
    meta = extract_metadata(parse_html(META_ONLY.encode()), "https://valley.example/2026/05/01/bins/")
    assert meta.description == "A plain meta description."
    assert meta.image == "https://static.valley.example/a.png"  # protocol-relative made absolute
    assert meta.publisher == "Valley Post"
    assert meta.is_accessible_for_free is False  # metered counts as paywalled


@pytest.mark.parametrize(
    ("head", "free"),
    [
        ('<meta property="article:content_tier" content="free">', True),
        ('<meta property="article:content_tier" content="locked">', False),
        (
            '<script type="application/ld+json">{"@type": "Article", "isAccessibleForFree": true}</script>',
            True,
        ),
        ("", None),  # the page says nothing: unknown, not free
    ],
)
def test_paywall_flag(head: str, free: bool | None) -> None:
    page = f"<html><head>{head}</head><body><h1>x</h1></body></html>"
    assert extract_metadata(parse_html(page.encode()), "https://a.example/x/").is_accessible_for_free is free


def test_pages_without_these_fields_give_none() -> None:
    meta = extract_metadata(
        parse_html(b"<html><body><h1>Only a heading</h1></body></html>"), "https://a.example/"
    )
    assert (meta.description, meta.image, meta.publisher) == (None, None, None)


# --- dates: URL forms and dates written out in many languages (htmldate fallback) ----------------------
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://s.example/2019/11/15/a-title/", datetime(2019, 11, 15, tzinfo=UTC)),
        ("https://s.example/news/2019-11-15/a-title", datetime(2019, 11, 15, tzinfo=UTC)),
        ("https://s.example/politics/a-title-20191115/", datetime(2019, 11, 15, tzinfo=UTC)),
        ("https://s.example/a_title_20191115.html", datetime(2019, 11, 15, tzinfo=UTC)),
        ("https://s.example/item/1120191115999/", None),  # digits inside a longer number: an id, not a date
        ("https://s.example/a-title-20191345/", None),  # month 13
        ("https://s.example/x/?d=2019-11-15", None),  # only the path counts
    ],
)
def test_date_from_url_forms(url: str, expected: datetime | None) -> None:
    assert date_from_url(url, UTC) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("23 novembre 2026", "2026-11-23"),  # French
        ("Veröffentlicht am 5. März 2026", "2026-03-05"),  # German
        ("12 березня 2026", "2026-03-12"),  # Ukrainian
        ("12 марта 2026", "2026-03-12"),  # Russian
        ("3 de mayo de 2026", "2026-05-03"),  # Spanish
        ("March 4, 2026", "2026-03-04"),
        ("2026年3月4日", "2026-03-04"),  # zh / ja
        ("2026년 3월 4일", "2026-03-04"),  # ko
    ],
)
def test_dates_written_out_are_found_when_nothing_else_says(written: str, expected: str) -> None:
    page = (
        f"<html><body><article><h1>Harbour cranes return</h1><span class='meta'>{written}</span>"
        "<p>The port authority said the cranes would be back in service by the weekend.</p>"
        "</article></body></html>"
    )
    meta = extract_metadata(parse_html(page.encode()), "https://port.example/news/cranes/")
    assert meta.published_at is not None and meta.published_at.startswith(expected + "T00:00:00")
    assert not meta.published_from_url


def test_the_pages_own_precise_date_wins_over_written_out_text() -> None:
    page = (
        "<html><head><meta property='article:published_time' content='2026-03-04T09:15:00+02:00'></head>"
        "<body><article><h1>Cranes</h1><span>23 novembre 2026</span><p>Text.</p></article></body></html>"
    )
    meta = extract_metadata(parse_html(page.encode()), "https://port.example/news/cranes/")
    assert meta.published_at == "2026-03-04T09:15:00+02:00"


# --- standfirst across page-builder wrapper blocks -----------------------------------------------------
TAGDIV_CLOUD = """<html><body><div class="td-main-content-wrap"><div class="tdc-row"><div class="vc_column">
<div class="td_block_wrap tdb_breadcrumbs"><span><a href="/category/regions/">Regions</a></span></div>
<div class="td_block_wrap tdb_title tdi_61"><div class="tdb-block-inner td-fix-index">
  <h1 class="tdb-title-text">Ferry timetable doubles for the summer season</h1>
  <div></div><div class="tdb-title-line"></div>
</div></div>
<div class="td_block_wrap tdb_single_subtitle tdi_62"><div class="tdb-block-inner td-fix-index">
  <p>Crossings every forty minutes from June, with a late boat on Fridays for the first time in a decade</p>
</div></div>
<div class="td_block_wrap tdb_single_author">
  <div class="tdb-block-inner"><a href="/author/ola/">Ola Wren</a></div></div>
<div class="td_block_wrap tdb_single_content"><div class="tdb-block-inner td-fix-index">
  <p>The harbour board approved the new timetable on Tuesday after a survey of commuters and hauliers.</p>
  <p>Ticket prices stay the same, the operator said, although the night crossing costs a little more.</p>
</div></div></div></div></div></body></html>"""

NESTED_DEK = """<html><body><main>
<div class="story-head"><div class="headline-wrap"><h1>Lanterns light the old quarter again</h1></div></div>
<div class="story-block"><div class="inner"><div class="article-dek">After three dark winters the city
replaced every gas mantle with a low-energy copy of the original</div></div></div>
<div class="story-body"><p>Workers fitted the last of the four hundred lanterns on Monday night.</p></div>
</main></body></html>"""

NO_DEK = """<html><body><main>
<div class="story-head"><div class="headline-wrap"><h1>Lanterns light the old quarter again</h1></div></div>
<div class="story-body"><p>Workers fitted the last of the four hundred lanterns on Monday night, the city
said, after three dark winters.</p><p>More follows.</p></div>
</main></body></html>"""


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (TAGDIV_CLOUD, "Crossings every forty minutes from June, with a late boat on Fridays for the"
         " first time in a decade"),
        (NESTED_DEK, "After three dark winters the city replaced every gas mantle with a low-energy copy"
         " of the original"),
        (NO_DEK, None),  # never the body's first paragraph
    ],
)  # fmt: skip
def test_standfirst_across_wrapper_blocks(page: str, expected: str | None) -> None:
    meta = extract_metadata(parse_html(page.encode()), "https://coast.example/2026/05/02/ferry/")
    assert meta.subtitle == expected


# --- titles: entities decoded, the site's own affixes cut from the page's signals (invented pages) -------


def _title_of(
    head: str, body: str = "", url: str = "https://kelmtown-post.example/2026/05/04/story/"
) -> str | None:
    from newsmon.extract.html import parse_html

    tree = parse_html(f"<html><head>{head}</head><body>{body}</body></html>")
    return extract_metadata(tree, url, ExtractOptions()).title


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        # entities left in meta content and JSON-LD by a CMS that escaped them twice
        ('<meta property="og:title" content="M&amp;ouml;we f&amp;uuml;r &amp;quot;K&amp;ouml;ln&amp;quot;">',
         "", 'Möwe für "Köln"'),
        ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Caf&eacute; &amp; bar'
         ' &#8211; &quot;open&quot;"}</script>', "", 'Café & bar – "open"'),
        ("<title>Q&amp;A with the crew: AT&amp;T cables</title>", "", "Q&A with the crew: AT&T cables"),
        # suffix of site name and date, learned from the h1
        ("<title>Ferry returns to the pier | Kelm Post | 28.04.2023</title>",
         "<h1>Ferry returns to the pier</h1>", "Ferry returns to the pier"),
        # prefix of a name nothing else declares, learned from og:title
        ('<title>Bright Harbour Weekly - Ferry returns - to the pier</title>'
         '<meta property="og:title" content="Ferry returns - to the pier">', "",
         "Ferry returns - to the pier"),
        # no h1 or og:title: the segments naming the site (og:site_name) or only a date are cut
        ('<title>Ferry returns to the pier – Kelm Post – 4 May 2026</title>'
         '<meta property="og:site_name" content="Kelm Post">', "", "Ferry returns to the pier"),
        ("<title>Kelmtown-Post | Ferry returns to the pier</title>", "", "Ferry returns to the pier"),
        # a logo <h1> (the site's name) is not the title
        ("<title>Ferry returns to the pier - Kelmtown Post</title>", "<h1>Kelmtown Post</h1>",
         "Ferry returns to the pier"),
        # a short headline in the <h1> is the title, whatever the <title> holds beside it
        ("<title>About gulls – Bright Harbour Weekly News</title>", "<h1>About gulls</h1>", "About gulls"),
        # a dash inside the headline stays
        ("<title>Ferry - two years later</title>", "", "Ferry - two years later"),
    ],
)  # fmt: skip
def test_titles_without_entities_and_site_affixes(head, body, expected):
    assert _title_of(head, body) == expected


def test_no_title_keeps_an_html_entity():
    for head in (
        '<meta property="og:title" content="A &amp;amp;amp;lt;b&amp;amp;amp;gt; tag &amp;ndash; x">',
    ):
        title = _title_of(head)
        assert title is not None and "&" not in title, title


@pytest.mark.parametrize(
    ("html", "amp"), [("<html amp>", True), ("<html ⚡ lang='de'>", True), ("<html>", False)]
)
def test_amp_documents_are_flagged(html, amp):
    from newsmon.extract.html import parse_html

    tree = parse_html(f"{html}<head><link rel='canonical' href='/a/'></head><body><p>x</p></body></html>")
    meta = extract_metadata(tree, "https://s.example/a/amp/", ExtractOptions())
    assert meta.amp is amp and meta.canonical_href == "https://s.example/a/"


def test_subtitle_and_description_lose_their_entities_too():
    from newsmon.extract.html import parse_html

    head = (
        '<meta property="og:description" content="Caf&amp;eacute; owners &amp;quot;relieved&amp;quot;">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "H",'
        ' "alternativeHeadline": "Stra&amp;szlig;e &amp;amp; Br&uuml;cke"}</script>'
    )
    tree = parse_html(f"<html><head>{head}</head><body><p>x</p></body></html>")
    meta = extract_metadata(tree, "https://s.example/a/", ExtractOptions())
    assert meta.description == 'Café owners "relieved"'
    assert meta.subtitle == "Straße & Brücke"


@pytest.mark.parametrize(
    ("title", "logo"),
    [
        (
            "Bright Harbour Weekly - Ferry returns to the pier",
            "<a href='/'><img alt='Bright Harbour Weekly'></a>",
        ),
        (
            "Ferry returns to the pier :: Harbour Weekly",
            "<a href='https://kelmtown-post.example/'>Harbour Weekly</a>",
        ),
    ],
)
def test_the_name_on_the_pages_home_link_is_the_sites_affix(title, logo):
    assert _title_of(f"<title>{title}</title>", f"<header>{logo}</header>") == "Ferry returns to the pier"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2026年12月07日 14:05　来源：临江晚报", "2026-12-07T14:05:00+08:00"),  # zh
        ("2026年12月7日 14時05分 配信", "2026-12-07T14:05:00+08:00"),  # ja
        ("입력 2026년 12월 7일 14:05", "2026-12-07T14:05:00+08:00"),  # ko
    ],
)
def test_east_asian_dates_keep_their_time_over_the_urls_midnight(line: str, expected: str) -> None:
    page = (
        "<html><body><div class='article'><h1>河畔步道周末重新开放</h1>"
        f"<div class='info'>{line}</div><p>{'步道整修工程已经完成，市民周末可以前往散步。' * 4}</p>"
        "</div></body></html>"
    )
    options = ExtractOptions(default_timezone="Asia/Shanghai")
    meta = extract_metadata(parse_html(page.encode()), "https://lj.example/a/2026/1207/81.html", options)
    assert meta.published_at == expected and not meta.published_from_url


# --- East Asian pages (issue 19: the blind zh shape) --------------------------------------------------
ZH_TEXT = [
    "临江区政府昨天宣布，沿江步道的第二期工程将在下个月开工，预计明年春天完成全部施工。",
    "工程负责人表示，新的步道将连接老码头和城东湿地公园，全长大约六公里，沿途设置十二处休息点。",
    "附近居民普遍欢迎这一计划，不少人希望施工期间能够保留现有的晨练场地，并减少夜间噪音。",
]


def _cms_page(
    headline: str, info: str, paragraphs: list[str], *, title: str, head: str = "", lead: str = ""
) -> bytes:
    """A page in the way of old Chinese/Japanese/Korean CMSs: the logo in the <h1>, the headline in an
    <h2>, an info line (date, source, author), the lead, the text and a tag line."""
    text = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title>{head}</head><body>"
        "<div class='header'><h1><a href='/'><img src='/logo.png' alt='临江网'>临江网</a></h1>"
        "<ul class='nav'><li><a href='/news/'>新闻</a></li><li><a href='/city/'>城市</a></li></ul></div>"
        f"<div class='main'><div class='title'><h2>{headline}</h2></div><div class='info'>{info}</div>"
        f"{lead}<div class='text'>{text}</div>"
        "<div class='keywords'>标签：<a href='/tags/buxingdao/'>步道</a> "
        "<a href='/tags/shidi/'>湿地</a></div>"
        "</div><div class='footer'>临江网 版权所有</div></body></html>"
    ).encode()


URL_ZH = "http://lj.example/a/20261207/81.html"
SHANGHAI = ExtractOptions(default_timezone="Asia/Shanghai")


def test_a_logo_h1_gives_way_to_the_heading_the_title_names() -> None:
    page = _cms_page(
        "沿江步道二期工程下月开工",
        "2026年12月07日 14:05 来源：临江晚报 <small>作者:</small>周明",
        ZH_TEXT,
        title="沿江步道二期工程下月开工_新闻中心_临江网",
        head="<meta property='og:title' content='沿江步道二期工程下月开工_新闻中心_临江网'>",
    )
    meta = extract_metadata(parse_html(page), URL_ZH, SHANGHAI)
    assert meta.title == "沿江步道二期工程下月开工"
    assert meta.published_at == "2026-12-07T14:05:00+08:00" and not meta.published_from_url
    assert meta.authors == ["周明"]  # the label's tail text, a name without spaces
    assert meta.source == "临江晚报"
    assert meta.tags == ["步道", "湿地"]  # a Chinese paragraph is many words: the text's zone is found


@pytest.mark.parametrize(
    ("info", "authors", "source"),
    [
        ("发布时间：2026-12-07 14:05　作者：周明　来源：临江晚报", ["周明"], "临江晚报"),  # full-width colons
        (
            "2026-12-07 14:05 记者：李红、王刚 （责任编辑：孙静）",
            ["李红", "王刚"],
            None,
        ),  # editors are no authors
        ("2026年12月7日 14時05分 山田太郎記者", ["山田太郎"], None),  # ja: the title after the name
        ("입력 2026.12.07 14:05 홍길동 기자 hong@haean.example", ["홍길동"], None),  # ko
        ("2026年12月07日 出典：港町新聞", [], "港町新聞"),
        ("2026.12.07 14:05 김민지·박서준 기자", ["김민지", "박서준"], None),
    ],
)
def test_labelled_info_lines(info: str, authors: list[str], source: str | None) -> None:
    page = _cms_page("沿江步道二期工程下月开工", info, ZH_TEXT, title="沿江步道二期工程下月开工_临江网")
    meta = extract_metadata(parse_html(page), URL_ZH, SHANGHAI)
    assert (meta.authors, meta.source) == (authors, source)
    assert meta.published_at == "2026-12-07T14:05:00+08:00" or info.startswith("2026年12月07日 出典")


@pytest.mark.parametrize(
    ("title", "site", "expected"),
    [
        ("沿江步道二期工程下月开工_新闻中心_临江网", "临江网", "沿江步道二期工程下月开工_新闻中心"),
        ("港町の旧灯台、公園に｜港町新聞", "港町新聞", "港町の旧灯台、公園に"),
        ("해안시, 옛 등대 공원으로-해안일보", "해안일보", "해안시, 옛 등대 공원으로"),
        ("Covid-19 cases rise-Example", "Example", "Covid-19 cases rise"),
        ("E-mail-Betrug nimmt zu", "Rheinpost", "E-mail-Betrug nimmt zu"),  # no site name: no cut
    ],
)
def test_unspaced_site_suffix_is_dropped_when_it_is_the_sites_name(
    title: str, site: str, expected: str
) -> None:
    head = f"<meta property='og:site_name' content='{site}'>"
    page = f"<html><head><title>{title}</title>{head}</head><body><p>{ZH_TEXT[0]}</p></body></html>"
    meta = extract_metadata(parse_html(page.encode()), "http://lj.example/a/1.html")
    assert meta.title == expected


def test_the_og_title_is_cut_where_the_headline_heading_ends() -> None:
    head = "<meta property='og:title' content='沿江步道二期工程下月开工_新闻中心_临江网'>"
    page = _cms_page("沿江步道二期工程下月开工", "2026年12月07日", ZH_TEXT, title="临江网", head=head)
    assert extract_metadata(parse_html(page), URL_ZH).title == "沿江步道二期工程下月开工"


def test_the_lead_the_meta_description_names_is_the_subtitle() -> None:
    lead_text = "Ремонт моста через Каменку начнётся в мае и продлится три месяца."
    head = f"<meta name='description' content='{lead_text}'>"
    lead = f"<div class='pic'><img src='/bridge.jpg'></div><div class='preview-box'>{lead_text}</div>"
    body = [
        "Администрация Заречного объявила о ремонте старого моста через Каменку, который начнётся в мае.",
        "Жители соседних улиц просили о ремонте несколько лет: покрытие моста разрушалось каждую весну.",
        "Для пешеходов построят временный настил рядом с опорами, сообщили в администрации района.",
    ]
    page = _cms_page(
        "Мост через Каменку закроют", "07.12.2026 14:05", body, title="Мост", head=head, lead=lead
    )
    assert extract_metadata(parse_html(page), URL_ZH).subtitle == lead_text
    # the first paragraph of the text, described by the meta description, is no subtitle
    plain = _cms_page(
        "Мост через Каменку закроют", "07.12.2026", body, title="Мост", head=head.replace(lead_text, body[0])
    )
    assert extract_metadata(parse_html(plain), URL_ZH).subtitle is None
    # nor is the text's first paragraph classed apart and described by the meta description
    first = plain.replace(f"<p>{body[0]}</p>".encode(), f"<p class='first'>{body[0]}</p>".encode())
    assert extract_metadata(parse_html(first), URL_ZH).subtitle is None


def test_a_tag_line_labelled_with_a_full_width_colon() -> None:
    page = _cms_page("沿江步道二期工程下月开工", "2026年12月07日", ZH_TEXT, title="沿江步道二期工程下月开工")
    page = page.replace("标签：".encode(), "关键词：".encode()).replace(b"/tags/", b"/k/")
    page = page.replace(b"class='keywords'", b"class='row'")  # the label alone says what the links are
    assert extract_metadata(parse_html(page), URL_ZH).tags == ["步道", "湿地"]


def test_a_title_suffix_the_site_repeats_is_learned_and_cut() -> None:
    from newsmon.extract.page import extract_page
    from newsmon.state.template import SiteTemplate

    def page(headline: str) -> HtmlElement:
        html = (
            f"<html><head><title>{headline}_新闻中心_临江网</title></head><body><div class='main'>"
            f"<div class='text'>{''.join(f'<p>{p}</p>' for p in ZH_TEXT)}</div></div></body></html>"
        )
        return parse_html(html.encode())

    headlines = [
        "沿江步道二期工程下月开工",
        "城东湿地公园新增观鸟台",
        "老码头改建为市民广场",
        "夜间公交新增三条线路",
    ]
    template = SiteTemplate(3, 0, 30)
    template.open(None)
    cold = extract_page(page(headlines[0]), "http://lj.example/a/1.html", template.options(ExtractOptions()))
    assert cold.title == "沿江步道二期工程下月开工_新闻中心_临江网"  # one page: nothing tells the suffix
    for number, headline in enumerate(headlines[:3], start=1):
        learned = extract_page(page(headline), f"http://lj.example/a/{number}.html")
        template.learn(learned.template_page, learned.template_units)
    warm = extract_page(page(headlines[3]), "http://lj.example/a/4.html", template.options(ExtractOptions()))
    assert warm.title == "夜间公交新增三条线路"


@pytest.mark.parametrize(
    ("h1", "title", "headline"),
    [
        (
            "<h1><a href='/'>临江网</a></h1>",
            "沿江步道二期工程下月开工_临江网",
            "沿江步道二期工程下月开工",
        ),  # a logo
        (
            "<h1>临江网</h1>",
            "沿江步道二期工程下月开工_新闻中心_临江网",
            "沿江步道二期工程下月开工",
        ),  # site's name
        ("", "沿江步道二期工程下月开工_临江网", "沿江步道二期工程下月开工"),  # no <h1> at all
        # an <h1> the title opens with, longer than a heading it also names: the <h1> stays the headline
        ("<h1>Flood gates open</h1>", "Flood gates open: what the tide means | Gazette", "Flood gates open"),
        (
            "<h1>Flood gates open at Lowmarsh</h1>",
            "Flood gates open at Lowmarsh | Gazette",
            "Flood gates open at Lowmarsh",
        ),
    ],
)
def test_the_headline_is_the_heading_the_title_names(h1: str, title: str, headline: str) -> None:
    from newsmon.extract.scope import find_scope

    h2 = headline if "Flood" not in headline else "What the tide means"
    body = f"{h1}<div><h2>{h2}</h2><p>{ZH_TEXT[0]}</p></div>"
    html = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
    assert find_scope(parse_html(html.encode())).h1_text == headline


def test_tag_links_the_page_menus_also_link_are_sections() -> None:
    """A hub path the page's menus link (a role=navigation block, the page's <header>) is a section, not a
    tag; a <header> inside the article is no menu. Invented page: the same hrefs in and out of the menus."""
    words = " ".join(["The ferry timetable changes on Monday and the harbour office explains why."] * 4)
    page = (
        "<html><head><title>Timetable change</title></head><body>"
        "<div role='navigation'><a href='/topics/harbour/'>Harbour</a></div>"
        "<header><a href='https://news.example/topics/weather?from=menu'>Weather</a></header>"
        "<article><header><h1>Timetable change</h1><a href='/topics/ferries'>Ferries</a></header>"
        f"<p>{words}</p><p>{words}</p><p>{words}</p>"
        "<ul class='list'><li><a href='/topics/ferries'>Ferries</a></li>"
        "<li><a href='/topics/harbour'>Harbour</a></li><li><a href='/topics/weather/'>Weather</a></li>"
        "<li><a href='/topics/islands'>Islands</a></li></ul>"
        "</article></body></html>"
    )
    tags = extract_metadata(parse_html(page), "https://news.example/2026/12/07/timetable/").tags
    assert tags == ["Ferries", "Islands"]


@pytest.mark.parametrize(
    ("header", "body", "source"),
    [
        ("<p>By Ana Gil</p>", "<p>Source: Coast Wire</p>", "Coast Wire"),  # the article's short lines
        (
            "<p><b>Source:</b> <a href='/x'>Harbour Press</a></p>",
            "<p>Source: Coast Wire</p>",
            "Harbour Press",
        ),
        ("<div><span>12:05</span> Fonte: Agenzia Porto</div>", "<p>Quelle: Nordwind</p>", "Agenzia Porto"),
        ("<p>Updated: 12:30</p>", "<p>Note: the timetable is online</p>", None),
    ],
)
def test_the_source_line_of_the_header_comes_before_the_articles(
    header: str, body: str, source: str | None
) -> None:
    """The header zone (inside the article) first, then the article's other lines; a label with the agency
    in the element after it, a tail after a time. Invented page."""
    text = "The harbour office said on Monday that the ferry will run later than planned this winter. " * 3
    page = (
        "<html><body><header class='site'><a href='/'>Home</a></header>"
        f"<article><header><h1>Ferry runs later</h1>{header}</header>"
        f"<p>{text}</p><p>{text}</p>{body}<p>{text}</p></article></body></html>"
    )
    assert extract_metadata(parse_html(page), "https://news.example/2026/12/07/ferry/").source == source


def test_home_links_are_those_the_xpath_selected() -> None:
    """xpaths.is_home_href against the XPath it stands for, on invented hrefs."""
    from lxml.etree import XPath

    from newsmon.extract import xpaths

    reference = XPath(
        "//a[@href='/' or @href='./' or (contains(@href, '://')"
        " and substring-after(substring-after(normalize-space(@href), '://'), '/') = '')]"
    )
    hrefs = [
        "/", "./", "", " / ", "https://news.example", "https://news.example/", "https://news.example/ \n",
        "https://news.example/a", "https://news.example//", "//news.example/", "http://a.example?x=1",
        "https://news.example/\t", " https://news.example ", "ftp://x/y/", "https:// x /", "a://b:/c",
        "https://news.example/#top", "mailto:desk@news.example", "https://news.example\u00a0/",
    ]  # fmt: skip
    tree = parse_html("".join(f"<a href='{href}'>{i}</a>" for i, href in enumerate(hrefs)).encode())
    expected = [a.text for a in reference(tree)]
    assert [a.text for a in tree.iter("a") if xpaths.is_home_href(a.get("href"))] == expected
    assert len(expected) > 5
