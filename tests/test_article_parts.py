"""Bodies made of several parts: a photo report's text between its galleries, and an article split over
pages joined into one record. Invented shapes and prose (several languages), truth written with them."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from newsmon.extract.html import parse_html
from newsmon.extract.page import extract_page
from newsmon.extract.parts import MAX_PARTS, article_parts, part_number
from tests.crawl_helpers import only_urls, run_crawl
from tests.faults.freeze import run_crawl_freezing_workers
from tests.site_server import serving

# --- photo reports ---------------------------------------------------------------------------------------
# (language, intro paragraphs, paragraphs between the galleries, caption)
REPORTS = [
    (
        "en",
        [
            "The harbour festival opened on Saturday with a parade of old fishing boats along the quay, "
            "and the mayor rang the bell of the lighthouse to start it.",
            "Thousands of visitors came from the nearby towns, and the ferry added two extra crossings. "
            "Hotels in the old town were full for the first time since the storm two winters ago, and the "
            "bakeries opened an hour early to keep up with the queues.",
            "This year the programme included concerts, a fish market, boat trips for children and an "
            "exhibition of photographs from the first festival fifty years ago.",
        ],
        [
            "Later in the afternoon the crews raced rowing boats across the bay.",
            "In the evening the lanterns were lit and the stalls sold smoked fish and cider.",
            "The organisers say next year the festival will last three days.",
        ],
        "Boats at the pier before the race. Photo: Anna Berg",
    ),
    (
        "pl",
        [
            "Jarmark staroci wrócił na rynek po trzech latach przerwy, a kupcy rozstawili stragany już o "
            "świcie, zanim na placu pojawili się pierwsi kolekcjonerzy.",
            "Można było kupić stare zegary, porcelanę, pocztówki z dawnych uzdrowisk i narzędzia, których "
            "przeznaczenia nie pamiętali nawet sprzedawcy. Organizatorzy naliczyli ponad dwustu "
            "wystawców z całego regionu oraz kilku gości z zagranicy.",
            "Miasto planuje, że jarmark będzie odbywał się w każdą pierwszą niedzielę miesiąca aż do "
            "jesieni, jeśli pogoda dopisze.",
        ],
        [
            "Najwięcej chętnych zebrało się przy stoisku z płytami winylowymi.",
            "Po południu orkiestra dęta zagrała na schodach ratusza.",
            "Wieczorem kupcy pakowali towar przy świetle latarni.",
        ],
        "Stragany na rynku o poranku. Fot. Jan Nowak",
    ),
    (
        "es",
        [
            "La feria del libro llenó el paseo marítimo de casetas blancas y lectores de todas las edades "
            "desde primera hora de la mañana del sábado.",
            "Las editoriales pequeñas presentaron novelas de autores locales y varias librerías ofrecieron "
            "descuentos en títulos infantiles. Los organizadores calculan que pasaron más de diez mil "
            "personas durante el fin de semana, una cifra récord.",
            "El ayuntamiento ya estudia ampliar el recinto el próximo año para dar cabida a las "
            "editoriales que se quedaron sin sitio.",
        ],
        [
            "Por la tarde, una escritora firmó ejemplares durante más de tres horas.",
            "Los niños participaron en un taller de ilustración junto al mar.",
            "La feria cerró con un recital de poesía en la plaza del puerto.",
        ],
        "Lectores junto a las casetas del paseo. Foto: Lucía Gómez",
    ),
]


def gallery(caption: str, shape: str, count: int = 6) -> str:
    items = {
        "figure": "<figure><img src='/i/{n}.jpg' alt=''><figcaption>{c}</figcaption></figure>",
        "slide": "<div class='slide'><img src='/i/{n}.jpg'><div class='caption'>{c}</div></div>",
        "linked": "<div class='item'><a href='/photo/{n}/'><img src='/i/{n}.jpg'></a>"
        "<p class='cap'>{c}</p></div>",
    }[shape]
    return "<div class='gallery'>" + "".join(items.format(n=n, c=caption) for n in range(count)) + "</div>"


def photo_report(
    intro: list[str], between: list[str], caption: str, shape: str, css: str = "article-text"
) -> str:
    def text(*paragraphs: str) -> str:
        return f"<div class='{css}'>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</div>"

    body = text(*intro)
    for paragraph in between:
        body += gallery(caption, shape) + text(paragraph)
    return (
        "<html><head><title>Report</title></head><body><header><nav><a href='/'>Home</a>"
        "<a href='/photo/'>Photo</a></nav></header><main><article><h1>Report</h1>"
        f"{body}<div class='tags'><a href='/tag/a/'>one</a> <a href='/tag/b/'>two</a></div></article>"
        "</main><footer>Harbour Times</footer></body></html>"
    )


# the class of the text blocks: extractors pick the first block of an "article"/"entry" class and stop
@pytest.mark.parametrize("css", ["article-text", "entry-content", "text-block"])
@pytest.mark.parametrize("shape", ["figure", "slide", "linked"])
@pytest.mark.parametrize("report", REPORTS, ids=[r[0] for r in REPORTS])
def test_a_photo_report_keeps_the_text_between_its_galleries(
    report: tuple[Any, ...], shape: str, css: str
) -> None:
    _, intro, between, caption = report
    html = photo_report(intro, between, caption, shape, css)
    body = extract_page(parse_html(html), "https://example.test/2026/03/12/report/").body
    assert body.split("\n\n") == [*intro, *between]  # every paragraph, in order, and nothing else


def test_a_mostly_link_line_after_a_picture_is_not_text() -> None:
    _, intro, between, caption = REPORTS[0]
    promo = "<p><strong>READ ALSO</strong> <a href='/2026/03/11/bridge/'>The old bridge closes for repairs "
    promo += "for the whole of next month</a></p>"
    html = photo_report(intro, between[:1], caption, "figure").replace(
        "</div><div class='tags'>", f"{promo}</div><div class='tags'>"
    )
    body = extract_page(parse_html(html), "https://example.test/2026/03/12/report/").body
    assert body.split("\n\n") == [*intro, *between[:1]]


# --- the article's own pager ---------------------------------------------------------------------------
BASE = "https://news.example/2026/03/12/long-story/"


@pytest.mark.parametrize(
    ("url", "number"),
    [
        (BASE + "?page=2", 2),
        (BASE + "?p=3", 3),
        ("https://news.example/2026/03/12/long-story/2/", 2),
        ("https://news.example/2026/03/12/long-story/page/4/", 4),
        ("https://news.example/2026/03/12/long-story/seite/3", 3),
        (BASE + "?page=1", None),  # the first page itself
        (BASE, None),
        ("https://news.example/2026/03/12/other-story/?page=2", None),  # another article
        ("https://other.example/2026/03/12/long-story/?page=2", None),  # another host
        (BASE + "?page=2&utm_source=x", None),  # two parameters changed
        (BASE + "?page=two", None),
        ("https://news.example/2026/03/12/long-story/photos/", None),
    ],
)
def test_part_number(url: str, number: int | None) -> None:
    assert part_number(url, BASE) == number


def test_article_parts_come_in_page_order_and_bounded() -> None:
    links = "".join(f"<a href='?page={n}'>{n}</a>" for n in (3, 1, 2, *range(4, 15)))
    html = f"<html><body><article><p>Text.</p><div class='pager'>{links}</div><a href='/tag/x/'>x</a>"
    html += "<a href='/2026/03/12/other-story/?page=2'>other</a></article></body></html>"
    parts = article_parts(parse_html(html).find(".//article"), BASE)
    assert parts == [f"{BASE}?page={n}" for n in range(2, MAX_PARTS + 1)]


# --- a crawl joining split articles -------------------------------------------------------------------
# path -> the text of each of its pages (own prose; Ukrainian, German, English)
SPLIT = {
    "/2026/03/12/river-dam/": [
        [
            "Будівництво нової греблі на річці почалося навесні після довгих суперечок у міській раді. "
            "Підрядник привіз на берег екскаватори та бетонні блоки ще в березні.",
            "Інженери обіцяють, що гребля захистить нижні квартали від весняних повеней. "
            "Торік вода затопила там підвали у сотні будинків і дві школи.",
        ],
        [
            "Мешканці прибережних сіл побоюються, що рівень води в колодязях знизиться.",
            "Екологи вимагають залишити прохід для риби, яка щороку піднімається на нерест.",
        ],
        [
            "Остаточне рішення про висоту греблі ухвалять після громадських слухань у травні.",
            "Міська рада пообіцяла оприлюднити всі розрахунки інженерів до слухань.",
        ],
    ],
    "/2026/03/12/tram-line/": [
        [
            "Die neue Straßenbahnlinie verbindet ab Montag den Hauptbahnhof mit dem Hafenviertel.",
            "Die Bauarbeiten dauerten fast drei Jahre und kosteten mehr als geplant.",
        ],
        [
            "Fahrgäste können in den ersten zwei Wochen kostenlos mitfahren, teilte der Verkehrsbetrieb mit.",
            "Im Sommer sollen die Bahnen nachts im Halbstundentakt verkehren.",
        ],
    ],
    "/2026/03/12/school-garden/": [
        [
            "The primary school opened a vegetable garden behind the gym, built by parents in the holidays.",
            "Each class looks after its own bed and keeps a diary of what grows.",
        ],
        [
            "The cook plans to serve the first salad from the garden before the summer break.",
            "Neighbours have offered seeds, tools and a rain barrel for the dry weeks.",
        ],
        ["This third page is never served: the record keeps the two pages it could read."],
    ],
}
# a closing paragraph of each page, numbered (a page of a split article is as long as a short article)
CLOSING = {
    "/2026/03/12/river-dam/": "Це частина {n} нашого репортажу про греблю: кореспондент провів біля річки "
    "цілий тиждень, розмовляючи з інженерами, рибалками та мешканцями прибережних сіл.",
    "/2026/03/12/tram-line/": "Dies ist Teil {n} unseres Berichts über die neue Linie: unsere Reporterin "
    "ist eine ganze Woche lang mit Fahrern, Anwohnern und Pendlern durch die Stadt gefahren.",
    "/2026/03/12/school-garden/": "This is part {n} of our report on the garden: our reporter spent a whole "
    "week at the school, talking to pupils, teachers, parents and the cook about the beds.",
}
for _path, _pages in SPLIT.items():
    for _n, _page in enumerate(_pages, start=1):
        _page.append(CLOSING[_path].format(n=_n))
MISSING = "/2026/03/12/school-garden/?page=3"


def split_page(path: str, number: int, site: dict[str, list[list[str]]] = SPLIT) -> str:
    pages = site[path]
    title = pages[0][0].split(" ")[0] + " " + path.strip("/").split("/")[-1]
    style = "query" if "tram" not in path else "segment"

    def href(n: int) -> str:
        if n == 1:
            return path
        return f"{path}?page={n}" if style == "query" else f"{path}{n}/"

    pager = " ".join(f"<a href='{href(n)}'>{n}</a>" for n in range(1, len(pages) + 1))
    paragraphs = "".join(f"<p>{p}</p>" for p in pages[number - 1])
    related = "<aside><h2>Read also</h2><ul><li><a href='/2026/03/11/old-news/'>Old news of the town</a></li>"
    related += "</ul></aside>"
    return (
        f"<html><head><title>{title}</title><link rel='canonical' href='{path}'>"
        '<script type=\'application/ld+json\'>{"@type": "NewsArticle", "headline": "' + title + '"}'
        f"</script></head><body><main><article><h1>{title}</h1><div class='text'>{paragraphs}</div>"
        f"<div class='pager'>Pages: {pager}</div></article>{related}</main></body></html>"
    )


class SplitSite(BaseHTTPRequestHandler):
    requested: list[str]

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.requested.append(self.path)
        url = urlsplit(self.path)
        path, number = url.path, 1
        if url.query.startswith("page="):
            number = int(url.query.removeprefix("page="))
        elif path.rstrip("/").rsplit("/", 1)[-1].isdigit():
            number = int(path.rstrip("/").rsplit("/", 1)[-1])
            path = path.rstrip("/").rsplit("/", 1)[0] + "/"
        if path not in SPLIT or self.path == MISSING or number > len(SPLIT[path]):
            body, status = b"<html><body>not found</body></html>", 404
        else:
            body, status = split_page(path, number).encode(), 200
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture()
def split_site() -> Iterator[tuple[str, list[str]]]:
    requested: list[str] = []
    with serving(type("Handler", (SplitSite,), {"requested": requested})) as server:
        yield f"http://127.0.0.1:{server.server_address[1]}", requested


PLAIN = ("-s", "NEWSMON_TIER_MODE=plain")


@pytest.mark.crawl
def test_an_article_split_over_pages_is_one_record_with_all_its_text(
    split_site: tuple[str, list[str]], tmp_path: Path
) -> None:
    base, requested = split_site
    result = run_crawl(
        base,
        tmp_path,
        *only_urls(*SPLIT),
        *PLAIN,
    )
    assert result.returncode == 0, result.log[-3000:]
    by_path = {urlsplit(r["url"]).path: r for r in result.records}
    assert sorted(by_path) == sorted(SPLIT), [r["url"] for r in result.records]
    assert len(result.records) == len(SPLIT), [r["url"] for r in result.records]  # one record per article
    for path, pages in SPLIT.items():
        record = by_path[path]
        assert urlsplit(record["url"]).query == ""  # the first page's URL
        read = pages if path not in MISSING else pages[:2]
        assert record["body"].split("\n\n") == [p for page in read for p in page], path
    assert result.stats["newsmon/article/parts_joined"] == 4  # 2 + 1 + 1 later pages read
    assert result.stats["newsmon/article/parts_failed"] == 1  # the missing third page
    assert requested.count("/2026/03/12/river-dam/?page=2") == 1  # each page fetched once


# an article whose second page makes extraction cost many seconds (without the fast path); the others are
# plain pages of the same article
HOSTILE_PATH = "/2026/03/12/harbour-wall/"
HOSTILE_SITE = {
    HOSTILE_PATH: [
        [
            "The harbour wall will be raised by a metre before the autumn storms, the port authority said.",
            "Divers inspected the old stones in January and found long cracks below the waterline.",
            "This is part one of our report on the wall: our reporter spent two days with the divers.",
        ],
        ["(served as a page that costs extraction many seconds)"],
        [
            "The fishermen asked for a second gate so that their boats can leave at low tide.",
            "The authority promised to answer them before the work starts in June.",
            "This is part three of our report on the wall: the fishermen spoke to us on the pier.",
        ],
    ]
}


class HostileSplitSite(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        from tests.faults.budget_pages import links_in_one_paragraph

        url = urlsplit(self.path)
        if url.path != HOSTILE_PATH:
            body, status = b"<html><body>not found</body></html>", 404
        elif url.query == "page=2":
            body, status = links_in_one_paragraph(10_000), 200  # without the fast path: 9 s and more
        else:
            number = int(url.query.removeprefix("page=")) if url.query else 1
            body, status = split_page(HOSTILE_PATH, number, HOSTILE_SITE).encode(), 200
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.mark.crawl
def test_a_later_page_gets_the_extraction_time_limit_of_a_first_page(tmp_path: Path) -> None:
    """With extraction workers on, a later page of a split article is extracted in a worker under
    NEWSMON_EXTRACT_TIMEOUT as a first page is: a page past it is given up (counted, its worker
    killed) and the record holds the other pages; it does not stall the crawl process."""
    with serving(HostileSplitSite) as server:
        result = run_crawl_freezing_workers(  # the worker frozen on page 2 (tests/faults/freeze.py)
            f"http://127.0.0.1:{server.server_address[1]}",
            tmp_path,
            *only_urls(HOSTILE_PATH),
            *PLAIN,
            "-s",
            "NEWSMON_TEMPLATE_ENABLED=False",  # one article: nothing to learn, nothing held
            "-s",
            "NEWSMON_EXTRACT_WORKERS=1",
            "-s",
            "NEWSMON_EXTRACT_TIMEOUT=2",
            "-s",
            "NEWSMON_EXTRACT_MAX_ELEMENTS=0",  # the fast path off: the time limit is what bounds the page
            "-s",
            "NEWSMON_EXTRACT_MAX_INLINE=0",
        )
    assert result.returncode == 0, result.log[-3000:]
    (record,) = result.records
    first, _, third = HOSTILE_SITE[HOSTILE_PATH]
    assert record["body"].split("\n\n") == [*first, *third]
    assert result.stats["newsmon/extract/too_slow"] == 1
    assert "worker killed, the page left out of its article's record" in result.log
    assert result.stats["newsmon/article/parts_failed"] == 1
    assert result.stats["newsmon/article/parts_joined"] == 1


def test_a_later_page_repeating_the_text_adds_nothing() -> None:
    """A "page 2" that is the same text again (a comment page, a print view inside the pager) is not
    joined twice; a page with new text is, after the first, in page order."""
    from scrapy.http import HtmlResponse

    from newsmon.crawl.parts import SplitArticles
    from newsmon.extract.types import PageData

    first = PageData(body="Erster Absatz.\n\nZweiter Absatz.", parts=[BASE + "?page=3", BASE + "?cpage=2"])
    articles = SplitArticles()
    assert articles.begin("k", HtmlResponse(BASE), first) == BASE + "?cpage=2"  # page order: 2 before 3
    added, following, done = articles.next("k", PageData(body="Erster Absatz.\n\nZweiter Absatz."))
    assert (added, following, done) == (False, BASE + "?page=3", None)
    added, following, done = articles.next("k", PageData(body="Zweiter Absatz.\n\nDritter Absatz."))
    assert added and following is None and done is not None
    assert done.joined().body == "Erster Absatz.\n\nZweiter Absatz.\n\nDritter Absatz."
    assert articles.next("k", None) == (False, None, None)  # finished: no longer held
