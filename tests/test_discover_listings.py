"""Listings and pages judged by the page itself, on markup nobody described: teasers are alike sibling blocks
each holding one title link (a list item, a Bitrix-style ``<a><b>``, a table row), not only headings or
``<article>`` cards; an article without article markup and without a readable date is one when it tells one
story; a sitemap listing section pages beside articles does not make discover take them for articles; a
pager's next page in any language; a feed linked from a section page by its type or address only.

The fixtures (Vietnamese, Japanese, Greek, Hungarian, Turkish) were invented after the rules were chosen."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import lxml.html
import pytest

from newsmon.cli import main as cli_main
from newsmon.discovery.listings import listing_article_links, next_page_url, page_layout
from newsmon.onboard.labels import PageBlocks, choose_labels, neighbours
from newsmon.onboard.signals import feed_anchor_links
from newsmon.sites import SiteConfig, load_site_config
from tests.crawl_helpers import run_crawl
from tests.othersites.model import Reply, esc, html_reply
from tests.site_server import SiteServer

BASE = "http://tin.example"
VI = (
    "Hội đồng thành phố đã họp vào sáng thứ ba để bàn về kế hoạch sửa chữa cây cầu cũ bắc qua sông, "
    "và nhiều người dân đã đến dự để nói lên ý kiến của mình về chi phí cũng như thời gian thi công."
)


def tree(html: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(html)


def paths(urls: list[str]) -> list[str]:
    return [u.removeprefix(BASE) for u in urls]


# --- teasers by repetition -------------------------------------------------------------------------


def test_list_items_with_one_title_link_are_teasers_a_menu_is_not() -> None:
    sections = (("xa-hoi", "Xã hội"), ("the-thao", "Thể thao"), ("kinh-te", "Kinh tế"))
    menu = "".join(f'<li><a href="/{s}/">{n}</a></li>' for s, n in sections)
    items = "".join(
        f'<li><a class="tieu-de" href="/xa-hoi/2026/{n}.html">Tin số {n} về cây cầu mới của thành phố</a>'
        f'<span class="ngay">07-12</span><p class="tom-tat">{VI[:80]}</p></li>'
        for n in range(1, 5)
    )
    page = f'<html><body><div class="menu"><ul>{menu}</ul></div><div class="ds"><ul>{items}</ul></div>'
    assert paths(listing_article_links(tree(page), BASE + "/xa-hoi/")) == [
        f"/xa-hoi/2026/{n}.html" for n in range(1, 5)
    ]


def test_bold_title_links_and_table_rows_are_teasers() -> None:
    # Bitrix-like: <div><span>date</span> <a><b>title</b></a><br>lead</div>; and a table of rows (Japanese)
    bold = "".join(
        f'<div class="item"><span class="d">07.12.2026</span> <a href="/haber/{n}/"><b>Belediye köprü için '
        f"{n}. toplantıyı yaptı</b></a><br />Kısa bir özet metni burada yer alıyor.</div>"
        for n in range(10, 13)
    )
    rows = "".join(
        f'<tr><td><a href="/kiji/{n}.html">市議会が新しい橋の計画を承認した{n}</a></td><td>12/07</td></tr>'
        for n in range(1, 4)
    )
    page = f"<html><body><div class='liste'>{bold}</div><table>{rows}</table></body></html>"
    assert paths(listing_article_links(tree(page), BASE + "/")) == [
        "/haber/10/", "/haber/11/", "/haber/12/", "/kiji/1.html", "/kiji/2.html", "/kiji/3.html",
    ]  # fmt: skip


def test_blocks_of_several_title_links_and_lone_items_are_not_teasers() -> None:
    # each item links two stories: a block of links, not a teaser; two alike items are not a run
    double = "".join(
        f'<li><a href="/a/{n}">Câu chuyện thứ nhất số {n}</a> <a href="/b/{n}">Chuyện thứ hai số {n}</a></li>'
        for n in range(4)
    )
    pair = "".join(f'<div class="x"><a href="/c/{n}">Một câu chuyện khác số {n}</a></div>' for n in range(2))
    page = f"<html><body><ul>{double}</ul><div>{pair}</div></body></html>"
    assert listing_article_links(tree(page), BASE + "/") == []


# --- a page judged by itself ----------------------------------------------------------------------------


def story_page(n: int, *, related: tuple[int, ...] = (1, 2, 3)) -> str:
    """A story without JSON-LD, og:type, <article> or any date; a most-read sidebar of six title links."""
    popular = "".join(f'<li><a href="/tin/thoi-su/{m}.htm">Tin được đọc nhiều số {m} hôm nay</a></li>'
                      for m in range(101, 107))  # fmt: skip
    rel = "".join(
        f'<li><a href="/tin/kinh-te/{m}.htm">Tin liên quan số {m} của mục</a></li>' for m in related
    )
    return (
        f'<html lang="vi"><head><title>Câu chuyện {n} - Tin Sông Hồng</title></head><body>'
        '<div class="menu"><a href="/">Trang chủ</a> <a href="/tin/thoi-su/">Thời sự</a> '
        '<a href="/tin/kinh-te/">Kinh tế</a></div>'
        f'<div class="trai"><div class="tieude"><h3>Câu chuyện {n} về cây cầu</h3></div>'
        f'<div class="noidung"><p>{VI}</p><p>{VI}</p><p>{VI}</p></div>'
        f'<div class="lienquan"><b>Tin liên quan</b><ul>{rel}</ul></div></div>'
        f'<div class="phai"><b>Đọc nhiều</b><ul>{popular}</ul></div></body></html>'
    )


def test_a_story_without_markup_or_date_tells_one_story_a_listing_does_not() -> None:
    story = page_layout(tree(story_page(7)), BASE + "/tin/thoi-su/7.htm")
    assert len(story.teasers) >= 3  # its sidebar and related list are runs of teasers...
    assert story.tells_story  # ...but its text is one story, longer than any of them
    rows = "".join(
        f'<tr><td class="t"><a href="/tin/thoi-su/{n}.htm">Câu chuyện {n} về cây cầu</a></td>'
        f"<td>{VI[:60]}</td></tr>"
        for n in range(1, 9)
    )
    listing = page_layout(
        tree(f'<html><body><h1>Thời sự</h1><p>Tin tức trong ngày.</p><table class="ds">{rows}</table>'),
        BASE + "/tin/thoi-su/",
    )
    assert len(listing.teasers) == 8
    assert not listing.tells_story


# --- the next page --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pager", "url", "expected"),
    [
        # Hungarian words, the current page a <b>: the number one higher
        ('<div class="lapozo"><a href="?o=1">Előző</a> <a href="?o=1">1</a> <b>2</b> <a href="?o=3">3</a> '
         '<a href="?o=4">4</a> <a href="?o=3">Következő</a></div>', "/rovat/?o=2", "/rovat/?o=3"),
        # a DedeCMS-like list with a current <li> and a relative link
        ("<ul class='sayfalar'><li><a>İlk</a></li><li class='bu'>1</li><li><a href='list_4_2.html'>2</a></li>"
         "<li><a href='list_4_2.html'>Sonraki</a></li></ul>", "/a/spor/", "/a/spor/list_4_2.html"),
        # the window ends at the current page: the first link after it (an arrow), not the last page
        ('<nav class="σελίδες"><a href="/s/4">4</a><span>5</span><a href="/s/6">›</a>'
         '<a href="/s/40">»»</a></nav>', "/s/5", "/s/6"),
    ],
)  # fmt: skip
def test_next_page_from_the_pagers_numbers(pager: str, url: str, expected: str) -> None:
    page = f"<html><body><div class='x'><p>{VI}</p></div>{pager}</body></html>"
    assert next_page_url(tree(page), BASE + url) == BASE + expected


def test_numbers_beside_links_are_no_pager() -> None:
    # "1 2 3" beside each most-read title are not links: no page number links, no next page
    ranked = "".join(
        f'<li><span class="so">{n}</span><a href="/tin/{n}.htm">Tin đọc nhiều số {n} trong tuần</a></li>'
        for n in range(1, 6)
    )
    assert next_page_url(tree(f"<html><body><ul>{ranked}</ul></body></html>"), BASE + "/") is None
    # a card's comment count is a link, its view count a number: no pager either (no neighbour linked)
    card = (
        '<div class="the"><a href="/tin/9.htm">Tin số chín về dòng sông</a> <span class="xem">7</span> '
        '<a href="/tin/9.htm#binh-luan">12</a> <a href="/tin/10.htm">Tin số mười</a></div>'
    )
    assert next_page_url(tree(f"<html><body>{card}</body></html>"), BASE + "/") is None


def test_section_feeds_found_by_type_or_address_whatever_the_text() -> None:
    page = (
        '<html><body><a href="/data/rss/3.xml">RSS订阅</a> <a type="application/atom+xml" href="/xuat-ban/a">'
        'Nhận tin</a> <a href="/?feed=rss2">Ροή</a> <a href="/tin/rss-la-gi.htm">RSS là gì?</a></body></html>'
    )
    found = [u for u, _ in feed_anchor_links(tree(page), BASE + "/")]
    assert found[:3] == [BASE + "/data/rss/3.xml", BASE + "/xuat-ban/a", BASE + "/?feed=rss2"]


# --- a whole site: sections in the sitemap, stories without markup or dates ------------------------------

SECTIONS = {"thoi-su": "Thời sự", "kinh-te": "Kinh tế"}


@dataclass
class SongHong:
    """Tin Sông Hồng, a hand-made CMS: stories /tin/<section>/<id>.htm without JSON-LD, og:type, <article>
    or any date; sections /tin/<section>/ (a table of rows, a pager reading "Trang sau") in the sitemap
    beside the stories; each section's feed linked only from its page, by type or address ("Nhận tin");
    no feed on the home page. "Tin liên quan" differs on each story; "Đọc nhiều" is the same everywhere,
    its last link "Tất cả" to a section."""

    stories: dict[int, str] = field(default_factory=dict)  # id -> section
    per_page: int = 4

    def __post_init__(self) -> None:
        for n in range(1, 13):
            self.stories[200 + n] = "thoi-su" if n % 2 else "kinh-te"

    def path(self, n: int) -> str:
        return f"/tin/{self.stories[n]}/{n}.htm"

    def title(self, n: int) -> str:
        return f"Câu chuyện số {n} về cây cầu và dòng sông"

    def related(self, n: int) -> list[int]:
        ids = sorted(self.stories)
        at = ids.index(n)
        return [ids[(at + k) % len(ids)] for k in (3, 5, 7)]

    def frame(self, title: str, main: str) -> str:
        menu = " ".join(f'<a href="/tin/{s}/">{esc(n)}</a>' for s, n in SECTIONS.items())
        popular = "".join(
            f'<li><a href="{self.path(m)}">{esc(self.title(m))}</a></li>' for m in (203, 206, 209)
        )
        return (
            f'<html lang="vi"><head><meta charset="utf-8"><title>{esc(title)} - Tin Sông Hồng</title></head>'
            "<body>"
            f'<div class="dau"><a href="/">Tin Sông Hồng</a><div class="menu">{menu}</div></div>'
            f'<div class="trai">{main}</div><div class="phai"><b>Đọc nhiều</b><ul>{popular}</ul>'
            '<a href="/tin/thoi-su/">Tất cả</a></div></body></html>'
        )

    def story(self, n: int) -> str:
        rel = "".join(f'<li><a href="{self.path(m)}">{esc(self.title(m))}</a></li>' for m in self.related(n))
        text = "".join(f"<p>{VI} ({n}.{k})</p>" for k in range(4))
        return self.frame(
            self.title(n),
            f'<div class="tieude"><h3>{esc(self.title(n))}</h3></div><div class="noidung">{text}</div>'
            f'<div class="lienquan"><b>Tin liên quan</b><ul>{rel}</ul></div>',
        )

    def section(self, key: str, page: int) -> str | None:
        ids = sorted((n for n, s in self.stories.items() if s == key), reverse=True)
        pages = -(-len(ids) // self.per_page)
        if not 1 <= page <= pages:
            return None
        rows = "".join(
            f'<tr><td class="t"><a href="{self.path(n)}">{esc(self.title(n))}</a></td><td>{VI[:50]}</td></tr>'
            for n in ids[(page - 1) * self.per_page : page * self.per_page]
        )
        numbers = " ".join(
            f"<b>{p}</b>" if p == page else f'<a href="/tin/{key}/?trang={p}">{p}</a>'
            for p in range(1, pages + 1)
        )
        after = f' <a href="/tin/{key}/?trang={page + 1}">Trang sau</a>' if page < pages else ""
        feed = (
            f'<a type="application/rss+xml" href="/xuat-ban/{key}">Nhận tin</a>'
            if key == "thoi-su"
            else f'<a href="/rss/{key}.xml">Nhận tin</a>'
        )
        return self.frame(
            SECTIONS[key],
            f'<h1>{esc(SECTIONS[key])}</h1>{feed}<table class="ds">{rows}</table>'
            f'<div class="trang">{numbers}{after}</div>',
        )

    def feed(self, key: str, base: str) -> bytes:
        start = datetime(2026, 12, 7, 9, tzinfo=UTC)
        items = "".join(
            f"<item><title>{esc(self.title(n))}</title><link>{base}{self.path(n)}</link>"
            f"<pubDate>{format_datetime(start - timedelta(hours=n))}</pubDate></item>"
            for n in sorted(self.stories, reverse=True)
            if self.stories[n] == key
        )
        language = "<language>vi-VN</language>" if key == "kinh-te" else ""  # the pages say lang="vi" only
        channel = f"<channel><title>{key}</title>{language}{items}</channel>"
        return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'.encode()

    def respond(self, target: str, headers: Mapping[str, str]) -> Reply:
        base = "http://" + headers.get("Host", "127.0.0.1")
        path, _, query = target.partition("?")
        page = int(query.removeprefix("trang=")) if query.startswith("trang=") else 1
        if path == "/robots.txt":
            return Reply(200, f"User-agent: *\nSitemap: {base}/sitemap.xml\n".encode(), "text/plain")
        if path == "/sitemap.xml":
            urls = [*(self.path(n) for n in self.stories), *(f"/tin/{s}/" for s in SECTIONS)]
            entries = "".join(f"<url><loc>{base}{u}</loc></url>" for u in urls)
            body = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
            return Reply(200, body.encode(), "application/xml")
        if path in ("/xuat-ban/thoi-su", "/rss/kinh-te.xml"):
            return Reply(
                200, self.feed("thoi-su" if "thoi-su" in path else "kinh-te", base), "application/rss+xml"
            )
        if path == "/":
            newest = sorted(self.stories, reverse=True)[:6]
            items = "".join(
                f'<div class="tin"><a href="{self.path(n)}"><b>{esc(self.title(n))}</b></a><br />{VI[:70]}'
                "</div>"
                for n in newest
            )
            return html_reply(self.frame("Trang chủ", items))
        for key in SECTIONS:
            if path == f"/tin/{key}/":
                text = self.section(key, page)
                return html_reply(text) if text else html_reply("không có", 404)
        for n in self.stories:
            if path == self.path(n):
                return html_reply(self.story(n))
        return html_reply("không có", 404)


@pytest.fixture(scope="module")
def onboarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SongHong, SiteConfig, str, Path]]:
    model = SongHong()
    workdir = tmp_path_factory.mktemp("songhong")
    with SiteServer(model.respond) as server:
        toml = workdir / "songhong.toml"
        assert cli_main(["discover", server.base_url + "/", "--delay", "0", "-o", str(toml)]) == 0
        yield model, load_site_config(str(toml)), server.base_url, workdir


def test_sections_in_the_sitemap_are_judged_hubs_not_article_examples(
    onboarded: tuple[SongHong, SiteConfig, str, Path],
) -> None:
    model, site, _, _ = onboarded
    assert site.article_pattern is not None
    assert [model.path(n) for n in model.stories if not site.is_article_path(model.path(n))] == []
    assert [s for s in SECTIONS if site.is_article_path(f"/tin/{s}/")] == []
    assert {f"/tin/{s}/" for s in SECTIONS} <= set(site.categories)
    assert set(site.feeds) == {"/xuat-ban/thoi-su", "/rss/kinh-te.xml"}  # linked from a section page only
    # no offset written but UTC's (+0000 feed dates): the country a feed's language tag names
    assert site.timezone == "Asia/Ho_Chi_Minh"


def test_stories_without_markup_or_date_give_the_labels(
    onboarded: tuple[SongHong, SiteConfig, str, Path],
) -> None:
    _, site, _, _ = onboarded
    assert site.read_also_labels == ("Tin liên quan",)
    assert site.news_feed_labels == ("Đọc nhiều",)


def test_the_crawl_with_it_and_no_hub_in_news_feed(onboarded: tuple[SongHong, SiteConfig, str, Path]) -> None:
    model, _, base, workdir = onboarded  # the site is still served
    result = run_crawl(base, workdir / "crawl", "-a", f"site={workdir / 'songhong.toml'}", spider="news")
    records = {r["url"].removeprefix(base): r for r in result.records}
    assert sorted(records) == sorted(model.path(n) for n in model.stories)
    for n in model.stories:
        record = records[model.path(n)]
        assert [i["url"].removeprefix(base) for i in record["read_also"]] == [
            model.path(m) for m in model.related(n)
        ]
        assert [i["url"].removeprefix(base) for i in record["news_feed"]] == [
            model.path(m) for m in (203, 206, 209) if m != n
        ]  # not "Tất cả" (a section)
    assert result.stats.get("newsmon/link/hub_skipped", 0) >= 1  # the section links left out, counted


# --- previous/next lines are not related blocks ------------------------------------------------------


def test_a_block_linking_only_each_pages_neighbours_in_the_sites_lists_is_previous_next() -> None:
    # Turkish: "Önceki haber" links the story before each page in the section's feed; "İlgili haberler"
    # links stories chosen by topic
    order = [f"{BASE}/haber/{n}" for n in range(1, 9)]  # the section feed's order
    related = {2: {5, 8}, 3: {7, 1}, 4: {8, 2, 6}}
    pages = [
        PageBlocks(
            order[n - 1],
            {
                "önceki haber": ("Önceki haber", {order[n - 2]}),
                "ilgili haberler": ("İlgili haberler", {order[m - 1] for m in related[n]}),
            },
        )
        for n in (2, 3, 4)
    ]
    assert {x.text for x in choose_labels(pages).read_also} == {"İlgili haberler", "Önceki haber"}
    result = choose_labels(pages, neighbours([order, [f"{BASE}/haber/{n}" for n in (8, 3)]]))
    assert [x.text for x in result.read_also] == ["İlgili haberler"]
    assert [x.text for x, _ in result.rejected] == ["Önceki haber"]
