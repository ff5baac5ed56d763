"""가시골신문 (Gasigol Sinmun): a Korean county paper on a home-made PHP portal (Asia/Seoul), built to test
`newsmon discover` on a site whose articles share one path and differ by a query parameter. Invented after
the rule (discover compares pages by path and identifying query) was chosen.

URL layout:
  /news/view.php?no=<n>            article (30); canonical in the feed and <link rel=canonical>. Listings link
                                   it as /news/view.php?sec=<s>&no=<n>&page=1 (the same story); each page
                                   has a print link /news/view.php?no=<n>&act=print (the page itself).
                                   No JSON-LD; the date is text ("입력 2026.03.12 14:05", no offset).
                                   Every third article has a "관련기사" box after its second paragraph (2
                                   stories); 2 stories are linked from those boxes only (no listing, no feed).
                                   Side column: "많이 본 뉴스" (5 drawn per page from a pool of 9: rotating)
                                   and "최신 뉴스" (the 6 newest, the same everywhere).
                                   Tags under the text: "태그:" then links to /news/tag.php?word=<tag>.
  /news/list.php?sec=<s>[&page=2]  3 section listings (the menu), 6 newest each, a pager by ?page=N
  /news/tag.php?word=<w>           tag listings
  /rss.php                         RSS 2.0 of the 10 newest (advertised)
  /index.php                       home (8 newest); / redirects nowhere, it serves the same page
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qs, quote, urlsplit
from zoneinfo import ZoneInfo

from tests.site_server import SiteServer

from .common import TEXT, Reply, Words, base_of, esc, headline, html, paragraphs, rss_reply

ZONE = ZoneInfo("Asia/Seoul")
NAME = "가시골신문"
SECTIONS = {1: "지역", 2: "경제", 3: "문화"}
TAGS = ("도로", "학교", "농업", "축제", "예산")
AUTHORS = ("박서윤 기자", "최민재 기자", "한지우 기자")
READ_ALSO = "관련기사"
NEWS_FEED = "최신 뉴스"
MOST_READ = "많이 본 뉴스"
COUNT = 30
HIDDEN = 2
FIRST = 20731
WORDS = Words(
    subjects=["군의회", "읍사무소", "농협 조합원", "교육지원청", "상인회", "보건소", "청년 모임", "소방서"],
    verbs=["확정한", "미룬", "비판한", "새로 연", "검토 중인", "넓힌"],
    objects=["하천 정비 사업", "전통시장 주차장", "마을버스 노선", "도서관 증축", "가을 축제", "공공 와이파이",
             "노인 일자리 사업"],
    places=["읍내", "북면", "남면", "산골 마을", "강변", "시장 골목"],
    sentences=[
        "{subject} 관계자는 {place}의 {object}에 {number}억 원이 들 것이라고 밝혔다.",
        "주민 설명회에서는 {object}에 대해 {number}건의 의견이 나왔다.",
        "{subject}은 {place} {object}의 결과를 {number}일 안에 발표할 계획이다.",
        "지난주 {subject}에 접수된 {object} 관련 민원은 {number}건이었다.",
        "전문가들은 {place}의 {object}가 하루 {number}명에게 도움이 될 것으로 본다.",
    ],
)  # fmt: skip


@dataclass(frozen=True)
class Article:
    no: int
    title: str
    published: datetime
    section: int
    tags: tuple[str, ...]
    author: str
    paragraphs: tuple[str, ...]
    hidden: bool = False

    @property
    def path(self) -> str:
        """The canonical page: path and its identifying query."""
        return f"/news/view.php?no={self.no}"

    def alias(self) -> str:
        return f"/news/view.php?sec={self.section}&amp;no={self.no}&amp;page=1"


class GasiSite:
    def __init__(self) -> None:
        start = datetime(2026, 3, 2, 7, 10, tzinfo=ZONE)
        self.articles = [
            Article(
                no=FIRST + i * 3,
                title=f"{headline(WORDS, i)} ({i + 1})",
                published=start + timedelta(hours=9 * i + (i * 7) % 5, minutes=(i * 13) % 60),
                section=1 + i % 3,
                tags=(TAGS[i % 5], TAGS[(i + 2) % 5]),
                author=AUTHORS[i % 3],
                paragraphs=tuple(paragraphs(WORDS, 300 + i)),
                hidden=i < HIDDEN,
            )
            for i in range(COUNT)
        ]
        self.by_no = {a.no: a for a in self.articles}
        self.pool = self.newest()[10:19]

    def newest(self) -> list[Article]:
        return sorted((a for a in self.articles if not a.hidden), key=lambda a: a.published, reverse=True)

    def related(self, a: Article) -> list[Article]:
        order = self.newest()
        if a.hidden or order.index(a) % 3:
            return []
        k = order.index(a) // 3
        hidden = [x for x in self.articles if x.hidden]
        first = hidden[k] if k < len(hidden) else order[(order.index(a) + 11) % len(order)]
        return [first, order[(order.index(a) + 17) % len(order)]]

    def most_read(self, a: Article | None) -> list[Article]:
        seed = a.no if a is not None else 1
        return [self.pool[(seed // 3 + 2 * k) % len(self.pool)] for k in range(5)]

    # --- truth ---------------------------------------------------------------------------------
    def related_truth(self) -> dict[str, set[str]]:
        return {a.path: {r.path for r in self.related(a)} for a in self.articles}

    # --- pages ---------------------------------------------------------------------------------
    def page(self, title: str, main: str, current: Article | None, *, head: str = "") -> str:
        menu = "".join(f'<li><a href="/news/list.php?sec={s}">{n}</a></li>' for s, n in SECTIONS.items())
        latest = "".join(f'<li><a href="{a.path}">{esc(a.title)}</a></li>' for a in self.newest()[:6])
        popular = "".join(
            f'<li><a href="{a.alias()}">{esc(a.title)}</a></li>' for a in self.most_read(current)
        )
        return (
            '<!DOCTYPE html>\n<html lang="ko">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{esc(title)} - {NAME}</title>\n{head}</head>\n<body>\n"
            f'<div id="top"><a href="/index.php">{NAME}</a><ul class="gnb">{menu}</ul></div>\n'
            f'<table id="layout"><tr><td id="content">\n{main}\n</td>\n'
            f'<td id="side"><div class="box_new"><h3>{NEWS_FEED}</h3><ul>{latest}</ul></div>'
            f'<div class="box_hot"><h3>{MOST_READ}</h3><ol>{popular}</ol></div></td></tr></table>\n'
            f'<div id="bottom">© {NAME} <a href="/page.php?id=about">회사소개</a></div>\n</body>\n</html>\n'
        )

    def article_page(self, base: str, a: Article) -> str:
        head = f'<link rel="canonical" href="{base}{a.path}">\n'
        paras = [f"<p>{esc(p)}</p>" for p in a.paragraphs]
        related = self.related(a)
        if related:
            items = "".join(f'<li><a href="{r.path}">{esc(r.title)}</a></li>' for r in related)
            paras.insert(2, f'<div class="rel_news"><h4>{READ_ALSO}</h4><ul>{items}</ul></div>')
        tags = " ".join(f'<a href="/news/tag.php?word={quote(t)}">{t}</a>' for t in a.tags)
        main = (
            f'<article class="view"><h1>{esc(a.title)}</h1>\n'
            f'<div class="info">{esc(a.author)} | 입력 {a.published:%Y.%m.%d %H:%M}'
            f' | <a href="/news/view.php?no={a.no}&amp;act=print">인쇄</a></div>\n'
            f'<div id="view_body">{"".join(paras)}</div>\n'
            f'<div class="view_tag">태그: {tags}</div></article>'
        )
        return self.page(a.title, main, a, head=head)

    def listing(self, title: str, articles: list[Article], extra: str = "") -> Reply:
        rows = "".join(
            f'<tr><td class="subject"><a href="{a.alias()}"><b>{esc(a.title)}</b></a>'
            f"<br>{esc(a.paragraphs[0][:60])}…</td><td>{a.published:%m-%d}</td></tr>\n"
            for a in articles
        )
        main = f'<h2>{esc(title)}</h2>\n<table class="list">{rows}</table>{extra}'
        return html(self.page(title, main, None))

    def feed(self, base: str) -> Reply:
        return rss_reply(base, NAME, ((a.title, a.path, a.published) for a in self.newest()[:10]))

    def handle(self, target: str, headers: Mapping[str, str]) -> Reply:
        base = base_of(headers)
        parts = urlsplit(target)
        path, query = parts.path or "/", {k: v[0] for k, v in parse_qs(parts.query).items()}
        if path == "/robots.txt":
            return Reply(200, b"User-agent: *\nDisallow: /admin/\n", TEXT)
        if path == "/rss.php":
            return self.feed(base)
        if path == "/news/view.php" and (a := self.by_no.get(int(query.get("no", "0") or 0))) is not None:
            return html(self.article_page(base, a))
        if path in ("/", "/index.php"):
            return self.listing(NAME, self.newest()[:8], '<a href="/rss.php">RSS</a>')
        if path == "/news/list.php" and query.get("sec", "").isdigit() and int(query["sec"]) in SECTIONS:
            sec, page = int(query["sec"]), int(query.get("page", "1") or 1)
            own = [a for a in self.newest() if a.section == sec][(page - 1) * 6 : page * 6]
            pager = (
                f'<div class="paging"><b>{page}</b> <a href="/news/list.php?sec={sec}&amp;page={page + 1}">'
            )
            return self.listing(SECTIONS[sec], own, pager + f"{page + 1}</a></div>")
        if path == "/news/tag.php" and query.get("word") in TAGS:
            word = query["word"]
            return self.listing(f"태그: {word}", [a for a in self.newest() if word in a.tags][:8])
        if path == "/page.php":
            return html(self.page("회사소개", "<h2>회사소개</h2><p>가시골 지역의 소식을 전합니다.</p>", None))
        return html(self.page("없는 페이지", "<h2>페이지를 찾을 수 없습니다</h2>", None), 404)


@contextmanager
def serve() -> Iterator[SiteServer]:
    site = GasiSite()
    with SiteServer(site.handle) as server:
        server.site = site
        yield server
