"""みなと新報: a Japanese port-city daily on Movable Type 4-style static publishing (Asia/Tokyo). Invented blind
(s5): its examiner read none of the extraction, template, encoding, crawl or discover code before it was
written and committed.

- Served as **Shift_JIS** (Windows-31J bytes, as MT on Windows writes it), the charset only in
  ``<meta http-equiv="Content-Type">``; the HTTP header says ``text/html`` without one. Reporters' names
  use characters Windows-31J has and strict Shift_JIS lacks (髙, 﨑; the footer's ㈱ on every page): a decoder that takes the label
  literally loses them; browsers read Shift_JIS as Windows-31J. The RSS 1.0 feed (``index.rdf``) is
  Shift_JIS too (XML declaration only); the Atom feed is UTF-8.
- ``<title>`` and ``og:title`` are "<headline> - みなと新報"; no JSON-LD, no lead on the page.
- Dates are text, in **full-width digits on every second page** ("２０２６年３月２０日 ６時４０分") and
  half-width on the others ("2026年3月20日 6時40分"); the text's numbers likewise.
- The reporter line "（髙橋健一）" closes the text, inside the entry body (author, not body).
- **"ピックアップ"** box inside the entry body after the second paragraph: the site's newest other story with
  its first sentence (template trap: changes with every publication).
- "キーワード：" tags linking MT's tag search (``/mt/mt-search.cgi?tag=...``); "関連記事" related list with
  dates; « 前の記事 | メイン | 次の記事 »; a rotating "アクセスランキング" per page and "最新ニュース"
  (the site's latest) in the side column.

URL layout:
  /news/YYYY/MM/<6-digit entry id>.html     article
  /news/<category>/ (+ index_N.html)         category archives, "次のページ »"
  /news/YYYY/MM/                             monthly archives
  /mt/mt-search.cgi?tag=<t>&blog_id=1        tag search
  /index.rdf (Shift_JIS RSS 1.0, advertised) /atom.xml (UTF-8 Atom, advertised)
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from urllib.parse import quote

from .common import Reply, Words, esc, headline, iso
from .kit import Shape, Story

PER_PAGE = 4
CODEC = "cp932"
WIDE = str.maketrans("0123456789", "０１２３４５６７８９")


def sjis(text: str, content_type: str = "text/html") -> Reply:
    return Reply(200, text.encode(CODEC, "xmlcharrefreplace"), content_type)


def tight(text: str) -> str:
    """Japanese prose has no spaces between sentences."""
    return text.replace("。 ", "。")


class MinatoSite(Shape):
    NAME = "みなと新報"
    FAMILY = "Movable Type (static publishing), Shift_JIS / Windows-31J"
    LANGUAGE = "ja"
    ZONE = "Asia/Tokyo"
    SEED = 631
    FIRST_ID = 412
    SECTIONS: ClassVar[dict[str, str]] = {"local": "地域", "economy": "経済", "culture": "文化・スポーツ"}
    AUTHORS = ("髙橋健一", "山﨑美香", "中村一郎")
    TAGS = ("港湾", "交通", "教育", "防災", "観光")
    READ_ALSO = "関連記事"
    NEWS_FEED = "最新ニュース"
    WORDS = Words(
        subjects=["市議会", "県港湾局", "商工会議所", "市立大学", "漁業協同組合", "市交通局", "観光協会", "水道局"],
        verbs=["承認", "延期", "批判", "開始", "見直し", "拡大"],
        objects=["新大橋計画", "岸壁改修", "住宅支援制度", "路面電車延伸", "冬の港まつり", "浄水場更新", "自転車道整備"],
        places=["北区", "中央区", "港南", "西浜", "東町", "緑ヶ丘"],
        sentences=[
            "{subject}によると、{place}の{object}には約{number}万円かかる見通しだ。",
            "関係者によれば、{object}についてはこれまでに{number}件の意見が寄せられた。",
            "{place}の{object}は来月にも結論が出る予定で、{number}人が発言を申し込んだ。",
            "{subject}は火曜日、{object}をめぐる{number}件の質問に答えた。",
            "担当者は、{place}の{object}が完成すれば一日約{number}人が利用すると見込む。",
        ],
    )  # fmt: skip
    HAND_TOML = """name = "minato"
origin = "{origin}"
feeds = ["/index.rdf"]
categories = ["/news/local/", "/news/economy/", "/news/culture/"]
article_pattern = '^/news/\\d{4}/\\d{2}/\\d{6}\\.html$'
hub_patterns = ['^/mt/', '^/about/', '^/news/\\d{4}/\\d{2}/$']
timezone = "Asia/Tokyo"

[related]
read_also = ["関連記事"]
news_feed = ["最新ニュース"]
"""

    # --- stories: Japanese headlines and prose, full-width digits on every second story ------
    def wide(self, s: Story) -> bool:
        return s.id % 2 == 0

    def new_story(self, i: int, published: datetime, section: str) -> Story:
        story = super().new_story(i, published, section)
        subject, verb, obj, place = headline(self.WORDS, i).split(" ")
        story.title = f"{place}の{obj}、{subject}が{verb}"
        story.paragraphs = self.prose(story, story.paragraphs)
        story.lead = story.paragraphs[0].split("。")[0] + "。"
        return story

    def prose(self, story: Story, paras: list[str]) -> list[str]:
        out = [tight(p) for p in paras]
        return [p.translate(WIDE) for p in out] if self.wide(story) else out

    def edit(self) -> Story:
        story = super().edit()
        story.paragraphs = self.prose(story, story.paragraphs)
        return story

    def subtitle_of(self, story: Story) -> str | None:
        return None

    def path_of(self, story: Story) -> str:
        return f"/news/{story.published:%Y/%m}/{story.id:06d}.html"

    def tag_link(self, tag: str) -> str:
        return f"/mt/mt-search.cgi?tag={quote(tag)}&amp;blog_id=1&amp;IncludeBlogs=1&amp;limit=20"

    def months(self) -> list[str]:
        return sorted({f"/news/{s.published:%Y/%m}/" for s in self.listed()}, reverse=True)

    def hub_paths(self) -> list[str]:
        pages = [
            f"/news/{k}/index_{n}.html"
            for k in self.SECTIONS
            for n in range(2, self.pages(len(self.listed(k))) + 1)
        ]
        return [
            "/",
            *(f"/news/{k}/" for k in self.SECTIONS),
            *pages,
            *self.months(),
            *(self.tag_link(t).replace("&amp;", "&") for t in self.TAGS),
            "/about/",
        ]

    @staticmethod
    def pages(count: int) -> int:
        return max(1, -(-count // PER_PAGE))

    def stamp(self, s: Story) -> str:
        p = s.published
        text = f"{p.year}年{p.month}月{p.day}日 {p.hour}時{p.minute:02d}分"
        return text.translate(WIDE) if self.wide(s) else text

    def short_date(self, s: Story) -> str:
        return f"（{s.published.month}月{s.published.day}日）".translate(WIDE)

    # --- pages -------------------------------------------------------------------------------
    def page(self, base: str, title: str, main: str, *, key: str, head: str = "", body_id: str = "") -> str:
        nav = '<li><a href="/">トップ</a></li>' + "".join(
            f'<li><a href="/news/{k}/">{esc(n)}</a></li>' for k, n in self.SECTIONS.items()
        )
        ranking = "".join(
            f'<li><a href="{self.path_of(s)}">{esc(s.title)}</a></li>' for s in self.rotating(key, 5)
        )
        latest = "".join(
            f'<li><a href="{self.path_of(s)}">{esc(s.title)}</a></li>' for s in self.listed()[:6]
        )
        archives = "".join(f'<li><a href="{m}">{m[6:10]}年{int(m[11:13])}月</a></li>' for m in self.months())
        return (
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
            '<html xmlns="http://www.w3.org/1999/xhtml" id="sixapart-standard">\n<head>\n'
            '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS" />\n'
            '<meta name="generator" content="Movable Type Pro 4.38" />\n'
            f'<link rel="stylesheet" href="{base}/styles.css" type="text/css" />\n'
            f'<link rel="alternate" type="application/rss+xml" title="RSS" href="{base}/index.rdf" />\n'
            f'<link rel="alternate" type="application/atom+xml" title="Atom" href="{base}/atom.xml" />\n'
            f"{head}<title>{title}</title>\n</head>\n"
            f'<body id="{body_id or "classic-blog"}" class="mt-main-index layout-wtt">\n'
            '<div id="container"><div id="container-inner">'
            f'<div id="header"><div id="header-inner"><div id="header-content">'
            f'<div id="header-name"><a href="{base}/" accesskey="1">{esc(self.NAME)}</a></div>'
            '<div id="header-description">港町の毎日を伝えます</div></div></div></div>'
            f'<div id="nav"><ul>{nav}</ul></div>'
            '<div id="content"><div id="content-inner">'
            f'<div id="alpha"><div id="alpha-inner">{main}</div></div>'
            '<div id="beta"><div id="beta-inner">'
            '<div class="widget-search widget"><h3 class="widget-header">検索</h3><div class="widget-content">'
            '<form method="get" action="/mt/mt-search.cgi"><input type="text" name="search" /><input type="hidden" '
            'name="IncludeBlogs" value="1" /><input type="submit" value="検索" /></form></div></div>'
            f'<div class="widget-ranking widget"><h3 class="widget-header">アクセスランキング</h3>'
            f'<div class="widget-content"><ol>{ranking}</ol></div></div>'
            f'<div class="widget-recent-entries widget"><h3 class="widget-header">{self.NEWS_FEED}</h3>'
            f'<div class="widget-content"><ul>{latest}</ul></div></div>'
            f'<div class="widget-archive widget"><h3 class="widget-header">アーカイブ</h3>'
            f'<div class="widget-content"><ul>{archives}</ul></div></div>'
            "</div></div></div></div>"
            '<div id="footer"><div id="footer-inner"><div id="footer-content">'
            f"<p>Copyright &copy; 2026 ㈱みなと新報社 All Rights Reserved. 記事・写真の無断転載を禁じます。</p>"
            '<p><a href="/about/">会社概要</a> | <a href="/index.rdf">RSS</a></p>'
            '<div class="widget-powered"><a href="http://www.sixapart.jp/movabletype/">Powered by Movable Type</a>'
            "</div></div></div></div></div></div>\n</body>\n</html>"
        )

    def neighbours(self, s: Story) -> str:
        order = list(reversed(self.listed()))  # oldest first, hidden stories left out
        ids = [x.id for x in order]
        parts = []
        if s.id in ids:
            at = ids.index(s.id)
            if at > 0:
                parts.append(
                    f'<a href="{self.path_of(order[at - 1])}">&laquo; {esc(order[at - 1].title)}</a> |'
                )
            parts.append('<a href="/">メイン</a>')
            if at + 1 < len(order):
                parts.append(
                    f'| <a href="{self.path_of(order[at + 1])}">{esc(order[at + 1].title)} &raquo;</a>'
                )
        else:
            parts.append('<a href="/">メイン</a>')
        return f'<p class="content-nav">{" ".join(parts)}</p>'

    def article(self, base: str, s: Story) -> str:
        path = self.path_of(s)
        pick = next(x for x in self.listed() if x.id != s.id)
        pickup = (
            '<div class="pickup" style="border:1px solid #ccc;padding:8px">'
            f'<strong>ピックアップ</strong> <a href="{self.path_of(pick)}">{esc(pick.title)}</a>'
            f"<br />{esc(pick.paragraphs[0].split('。')[0])}。</div>"
        )
        paras = [f"<p>{esc(p)}</p>" for p in s.paragraphs]
        text = (
            "".join(paras[:2]) + pickup + "".join(paras[2:]) + f'<p class="reporter">（{esc(s.author)}）</p>'
        )
        tags = "".join(f'<li><a href="{self.tag_link(t)}" rel="tag">{esc(t)}</a></li>' for t in s.tags)
        related = "".join(
            f'<li><a href="{self.path_of(r)}">{esc(r.title)}</a>{self.short_date(r)}</li>'
            for r in self.related_of(s)
        )
        full = f"{esc(s.title)} - {esc(self.NAME)}"
        excerpt = s.paragraphs[0][:60] + "..."
        head = (
            f'<meta name="description" content="{esc(excerpt)}" />\n'
            f'<meta name="keywords" content="{esc(",".join(s.tags))}" />\n'
            f'<meta property="og:type" content="article" />\n<meta property="og:title" content="{full}" />\n'
            f'<meta property="og:url" content="{base}{path}" />\n'
            f'<meta property="og:site_name" content="{esc(self.NAME)}" />\n'
            f'<link rel="start" href="{base}/" title="Home" />\n'
        )
        section = self.SECTIONS[s.section]
        main = (
            f'<div id="entry-{s.id}" class="entry-asset asset hentry">'
            '<div class="asset-header">'
            f'<h1 id="page-title" class="asset-name entry-title">{esc(s.title)}</h1>'
            f'<div class="asset-meta"><span class="byline"><abbr class="published">{self.stamp(s)}</abbr></span>'
            f' | <a href="/news/{s.section}/">{esc(section)}</a></div></div>'
            '<div class="asset-content entry-content">'
            f'<div class="asset-body">{text}</div></div>'
            '<div class="asset-footer">'
            f'<div class="entry-tags"><h4>キーワード：</h4><ul>{tags}</ul></div>'
            '<div class="share"><a href="https://twitter.com/share" class="twitter-share-button">ポスト</a></div>'
            "</div></div>"
            f'<div class="related-entries"><h2>{self.READ_ALSO}</h2><ul>{related}</ul></div>'
            f"{self.neighbours(s)}"
        )
        return self.page(base, full, main, key=path, head=head, body_id="classic-blog-entry")

    def archive(
        self, base: str, title: str, stories: list[Story], page: int, root: str, *, paged: bool = True
    ) -> Reply | None:
        pages = self.pages(len(stories)) if paged else 1
        per_page = PER_PAGE if paged else len(stories)
        if not 1 <= page <= pages:
            return None
        items = "".join(
            f'<div class="entry-asset asset hentry"><h2 class="asset-name"><a href="{self.path_of(s)}">'
            f'{esc(s.title)}</a></h2><div class="asset-meta">{self.stamp(s)}</div>'
            f"<p>{esc(s.paragraphs[0][:80])}...</p>"
            f'<p class="entry-more-link"><a href="{self.path_of(s)}">続きを読む</a></p></div>'
            for s in stories[(page - 1) * per_page : page * per_page]
        )
        pager = ""
        if pages > 1:

            def at(n: int) -> str:
                return root if n == 1 else f"{root}index_{n}.html"

            pager = "".join(
                f'<span class="current">{n}</span>' if n == page else f'<a href="{at(n)}">{n}</a>'
                for n in range(1, pages + 1)
            )
            if page > 1:
                pager = f'<a href="{at(page - 1)}">&laquo; 前のページ</a> ' + pager
            if page < pages:
                pager += f' <a href="{at(page + 1)}" rel="next">次のページ &raquo;</a>'
            pager = f'<div class="pagebute">{pager}</div>'
        main = f'<h1 id="page-title" class="archive-title">{esc(title)}</h1>{items}{pager}'
        return sjis(self.page(base, f"{esc(title)} - {esc(self.NAME)}", main, key=f"{root}{page}"))

    def rdf(self, base: str) -> Reply:
        stories = self.listed()[:10]
        seq = "".join(f'<rdf:li rdf:resource="{base}{self.path_of(s)}" />\n' for s in stories)
        items = "".join(
            f'<item rdf:about="{base}{self.path_of(s)}"><title>{esc(s.title)}</title>'
            f"<link>{base}{self.path_of(s)}</link><description>{esc(s.paragraphs[0][:60])}...</description>"
            f"<dc:subject>{esc(self.SECTIONS[s.section])}</dc:subject><dc:creator>{esc(s.author)}</dc:creator>"
            f"<dc:date>{iso(s.published)}</dc:date></item>\n"
            for s in stories
        )
        body = (
            '<?xml version="1.0" encoding="Shift_JIS"?>\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns="http://purl.org/rss/1.0/">\n'
            f'<channel rdf:about="{base}/"><title>{esc(self.NAME)}</title><link>{base}/</link>'
            f"<description>港町の毎日を伝えます</description><dc:language>ja</dc:language>"
            f"<items><rdf:Seq>\n{seq}</rdf:Seq></items></channel>\n{items}</rdf:RDF>\n"
        )
        return sjis(body, "application/xml")

    def route(self, base: str, path: str, query: dict[str, str]) -> Reply | None:
        if path == "/robots.txt":
            return self.robots([], "/mt/")
        if path == "/index.rdf":
            return self.rdf(base)
        if path == "/atom.xml":
            return self.atom(base, self.NAME, self.listed()[:10])
        if path == "/":
            return self.archive(base, self.NAME, self.listed()[:8], 1, "/", paged=False)
        for key, name in self.SECTIONS.items():
            root = f"/news/{key}/"
            if path == root:
                return self.archive(base, name, self.listed(key), 1, root)
            if path.startswith(f"{root}index_") and path.endswith(".html"):
                number = path.removeprefix(f"{root}index_").removesuffix(".html")
                return (
                    self.archive(base, name, self.listed(key), int(number), root)
                    if number.isdigit()
                    else None
                )
        if path in self.months():
            y, m = int(path[6:10]), int(path[11:13])
            title = f"{y}年{m}月のアーカイブ"
            return self.archive(base, title, [s for s in self.listed() if (s.published.year, s.published.month) == (y, m)], 1, path, paged=False)  # fmt: skip
        if path == "/mt/mt-search.cgi" and query.get("tag") in self.TAGS:
            tag = query["tag"]
            return self.archive(base, f"タグ「{tag}」の検索結果", [s for s in self.listed() if tag in s.tags], 1, path, paged=False)  # fmt: skip
        if path == "/about/":
            return sjis(self.page(base, f"会社概要 - {esc(self.NAME)}", "<h1>会社概要</h1><p>株式会社みなと新報社</p>",
                                  key=path))  # fmt: skip
        if (story := self.find(path)) is not None:
            return sjis(self.article(base, story))
        return None
