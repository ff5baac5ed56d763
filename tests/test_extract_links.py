"""Links of a page: absolute, http(s) only, no fragment, deduplicated in first-seen order, readable text."""

import pytest

from newsmon.extract.html import parse_html
from newsmon.extract.links import absolute_url, anchor_text, document_base, extract_links
from tests.extract_pages import TAGDIV, URLS, VISIBLE, load_page

SITE = "https://northgatecourier.example"


def _by_url(links):
    return {link["url"]: link["text"] for link in links}


def test_links_are_absolute_http_without_fragments_and_unique():
    links = load_page(TAGDIV).links
    urls = [link["url"] for link in links]
    assert len(urls) == len(set(urls))
    for url in urls:
        assert url.startswith(("http://", "https://")), url
        assert "#" not in url
    joined = " ".join(urls)
    for scheme in ("mailto:", "javascript:", "tel:"):
        assert scheme not in joined


def test_links_must_and_must_not():
    texts = _by_url(load_page(TAGDIV).links)
    assert texts["https://korvel-council.example/mayor/"] == "Ivanna Petrash"
    assert texts[f"{SITE}/tag/dmytro-hlushko/"] == "Dmytro Hlushko"
    assert texts["https://korvel-council.example/budget/"] == "council budget portal"  # "#bridge" dropped
    assert texts[f"{SITE}/2026/02/20/ostrivka-night-buses/"] == "Ostrivka adds night buses to the river towns"
    assert texts[f"{SITE}/2026/03/13/lowmarsh-library-grant/"] == "Lowmarsh library wins a reading grant"
    assert texts[f"{SITE}/privacy-policy/"] == "Privacy policy"
    assert "Write to the desk" not in texts.values()  # mailto:
    assert "Call the newsroom" not in texts.values()  # tel:
    assert "Search" not in texts.values()  # javascript:


def test_first_seen_text_and_position_win():
    links = load_page(TAGDIV).links
    texts = _by_url(links)
    assert texts[f"{SITE}/about/"] == "About us"  # not the footer's "About the Courier"
    assert texts[f"{SITE}/2026/03/13/ostrivka-ferry-strike/"] == "Ferry crews in Ostrivka vote to strike"
    urls = [link["url"] for link in links]
    assert urls.index(f"{SITE}/about/") < urls.index("https://korvel-council.example/mayor/")
    assert urls.index("https://korvel-council.example/mayor/") < urls.index(f"{SITE}/tag/dmytro-hlushko/")
    assert urls.index(f"{SITE}/tag/korvel/") < urls.index(f"{SITE}/2026/03/10/tessa-flood-barriers/")
    # "#" links resolve to the page itself
    assert texts[URLS[TAGDIV]] == "Copy URL"


def test_text_falls_back_to_title_aria_label_img_alt_then_url():
    texts = _by_url(load_page(TAGDIV).links)
    assert texts[f"{SITE}/"] == "Northgate Courier"  # logo image alt
    assert texts["https://t.me/northgatecourier"] == "Telegram"  # aria-label
    share = [url for url in texts if url.startswith("https://www.facebook.com/sharer.php?u=")]
    assert [texts[url] for url in share] == ["Facebook"]  # title
    assert texts[f"{SITE}/feed/"] == f"{SITE}/feed/"  # an icon only: the URL
    assert "" not in texts.values()


def test_http_site_links_stay_http():
    texts = _by_url(load_page(VISIBLE).links)
    assert texts["http://lowmarsh-gazette.example/events/open-deck/"] == "open deck day"
    assert texts["http://lowmarsh-gazette.example/latest/"] == "Latest news"


def test_base_href_is_honoured():
    tree = parse_html(
        "<html><head><base href='/mirror/2026/'></head><body><a href='story/'>Story</a>"
        "<a href='../about'>About</a><a href='//cdn.example/file.pdf'>PDF</a><a href='?p=2'>Next</a>"
        "</body></html>"
    )
    assert document_base(tree, "https://site.example/a/b") == "https://site.example/mirror/2026/"
    assert extract_links(tree, "https://site.example/a/b") == [
        {"url": "https://site.example/mirror/2026/story/", "text": "Story"},
        {"url": "https://site.example/mirror/about", "text": "About"},
        {"url": "https://cdn.example/file.pdf", "text": "PDF"},
        {"url": "https://site.example/mirror/2026/?p=2", "text": "Next"},
    ]


def test_without_base_the_page_url_is_the_base():
    tree = parse_html("<body><a href='x'>X</a><a href='x#part'>X again</a><a>no href</a></body>")
    assert extract_links(tree, "https://site.example/dir/page.html") == [
        {"url": "https://site.example/dir/x", "text": "X"}
    ]


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("/news/?id=1#top", "https://site.example/news/?id=1"),
        ("  /news/\n", "https://site.example/news/"),
        ("/new\ts/", "https://site.example/news/"),
        ("/news/with space/", "https://site.example/news/with%20space/"),
        ("/novyny/київ/", "https://site.example/novyny/%D0%BA%D0%B8%D1%97%D0%B2/"),
        ("HTTPS://Other.example/x", "https://Other.example/x"),
        ("mailto:desk@site.example", None),
        (" javascript:alert(1)", None),
        ("tel:+380441234567", None),
        ("data:text/html,hi", None),
        ("ftp://files.example/x", None),
        ("http://", None),
        ("http://[broken/", None),
        ("", None),
        (None, None),
    ],
)
def test_absolute_url(href, expected):
    assert absolute_url(href, "https://site.example/a/") == expected


def test_anchor_text_order_of_fallbacks():
    tree = parse_html(
        "<body><a id='t' href='/' title='Title' aria-label='Label'><img alt='Alt'></a>"
        "<a id='l' href='/' aria-label=' Label '><img alt='Alt'></a><a id='i' href='/'><img alt='Alt'></a>"
        "<a id='n' href='/'><img src='x.png'></a><a id='v' href='/' title='Title'> Visible\n text </a></body>"
    )
    texts = {a.get("id"): anchor_text(a) for a in tree.iter("a")}
    assert texts == {"t": "Title", "l": "Label", "i": "Alt", "n": "", "v": "Visible text"}
