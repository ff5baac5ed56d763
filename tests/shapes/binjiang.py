"""滨江网: a Chinese (zh-CN) city portal on DedeCMS 5.7 (织梦), Asia/Shanghai. Invented blind (s4): its
examiner read none of the extraction, template, encoding or discover code before it was written and committed.

- Served as **GBK** bytes while every page declares ``charset=gb2312`` (DedeCMS's old default) in
  ``<meta http-equiv>`` only; the HTTP header has no charset. Some names (authors, editors, one sentence
  template) use characters GBK has and GB2312 lacks (喆, 堃, 昇, 赟): a decoder that takes the label
  literally (strict GB2312) loses them; browsers read the label as GBK.
- Title ``<title>`` is "<headline>_<频道>_滨江网"; the headline is DedeCMS's ``<h2>`` (not ``<h1>``).
- Paragraphs start with two ideographic spaces; the info line reads
  "时间:2026年03月20日 06:40 来源:滨江日报 作者:王喆 点击: <script>" before the text;
  "来源：" and "（责任编辑：…）" lines close the text inside the content cell.
- **"滚动："** a one-line ticker with the site's newest other headline between the summary and the text
  (template trap: changes with every publication); 上一篇/下一篇 after the text (the channel's neighbours).
- "相关阅读" related list (title and MM-DD date); "热点排行" in the rail differs per page (rotating most read);
  "最新资讯" the site's latest (same everywhere).

URL layout:
  /a/<typedir>/<YYYYMMDD>/<aid>.html     article
  /a/<typedir>/                          channel list, page N: /a/<typedir>/list_<typeid>_<N>.html (relative)
  /tags/<n>.html                         tag lists
  /data/rss/<typeid>.xml                 RSS per channel (gb2312 declared), linked "RSS订阅" on channel pages
  /sitemap.xml                           Baidu-style urlset, in robots.txt
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from .common import Reply, Words, esc, headline, iso, paragraphs
from .kit import Shape, Story

PER_PAGE = 4
DECLARED = "gb2312"
TYPEIDS = {"shehui": 1, "jingji": 2, "wenti": 3}
INDENT = "\u3000\u3000"


def gbk(text: str, content_type: str = "text/html") -> Reply:
    return Reply(200, text.encode("gbk", "xmlcharrefreplace"), content_type)


def tight(text: str) -> str:
    """Chinese prose has no spaces between sentences."""
    return text.replace("。 ", "。").replace("！ ", "！")


class BinjiangSite(Shape):
    NAME = "滨江网"
    FAMILY = "DedeCMS 5.7 (织梦), GBK served as gb2312"
    LANGUAGE = "zh"
    ZONE = "Asia/Shanghai"
    SEED = 419
    FIRST_ID = 3310
    SECTIONS: ClassVar[dict[str, str]] = {"shehui": "社会新闻", "jingji": "经济新闻", "wenti": "文体新闻"}
    AUTHORS = ("王喆", "李堃", "陈昇")
    EDITORS = ("周赟", "刘洋", "孙静")
    TAGS = ("交通", "教育", "钱塘江", "住房", "医疗")
    READ_ALSO = "相关阅读"
    NEWS_FEED = "最新资讯"
    WORDS = Words(
        subjects=["区政府", "市人大常委会", "滨江社区居委会", "市交通集团", "浙江大学", "市文旅局", "市场监管局", "供水公司"],
        verbs=["批准", "推迟", "调整", "启动", "审议", "扩大"],
        objects=["新大桥建设方案", "滨江绿道改造", "保障房项目", "地铁七号线", "农贸市场升级", "冬季文化节", "社区医院建设"],
        places=["杭州", "萧山", "余杭", "富阳", "临安", "桐庐"],
        sentences=[
            "{subject}表示，{place}{object}预计投资{number}万元。",
            "据了解，围绕{object}已收到{number}条市民意见。",
            "{place}{object}将于下月作出决定，目前已有{number}名居民报名发言。",
            "市民王喆告诉记者，{subject}周二回答了{number}个问题。",
            "专家估计，{place}{object}建成后每天可服务约{number}人次！",
        ],
    )  # fmt: skip
    HAND_TOML = """name = "binjiang"
origin = "{origin}"
feeds = ["/data/rss/1.xml", "/data/rss/2.xml", "/data/rss/3.xml"]
robots_sitemaps = true
categories = ["/a/shehui/", "/a/jingji/", "/a/wenti/"]
article_pattern = '^/a/(?:shehui|jingji|wenti)/\\d{8}/\\d+\\.html$'
hub_patterns = ['^/tags/', '^/plus/', '^/about/']
timezone = "Asia/Shanghai"

[related]
read_also = ["相关阅读"]
news_feed = ["最新资讯"]
"""

    # --- stories: Chinese headlines and prose, no spaces -------------------------------------
    def new_story(self, i: int, published: datetime, section: str) -> Story:
        story = super().new_story(i, published, section)
        subject, verb, obj, place = headline(self.WORDS, i).split(" ")
        story.title = f"{place}{subject}{verb}{obj}"
        story.paragraphs = [tight(p) for p in story.paragraphs]
        first = tight(paragraphs(self.WORDS, self.SEED * 1000 + i + 500, 1)[0])
        story.lead = first.split("。")[0].split("！")[0] + "。"
        return story

    def edit(self) -> Story:
        story = super().edit()
        story.paragraphs = [tight(p) for p in story.paragraphs]
        return story

    def path_of(self, story: Story) -> str:
        return f"/a/{story.section}/{story.published:%Y%m%d}/{story.id}.html"

    def tag_path(self, tag: str) -> str:
        return f"/tags/{self.TAGS.index(tag) + 11}.html"

    def hub_paths(self) -> list[str]:
        pages = [
            f"/a/{k}/list_{TYPEIDS[k]}_{n}.html"
            for k in self.SECTIONS
            for n in range(2, self.pages(len(self.listed(k))) + 1)
        ]
        return [
            "/",
            *(f"/a/{k}/" for k in self.SECTIONS),
            *pages,
            *(self.tag_path(t) for t in self.TAGS),
            "/about/",
        ]

    @staticmethod
    def pages(count: int) -> int:
        return max(1, -(-count // PER_PAGE))

    def editor_of(self, s: Story) -> str:
        return self.EDITORS[(s.id // 7) % len(self.EDITORS)]

    # --- pages -------------------------------------------------------------------------------
    def page(self, title: str, main: str, *, key: str, head: str = "", crumbs: str = "") -> str:
        nav = '<li><a href="/">首页</a></li>' + "".join(
            f'<li><a href="/a/{k}/">{esc(n[:2])}</a></li>' for k, n in self.SECTIONS.items()
        )
        hot = "".join(
            f'<li><span class="num">{n}</span><a href="{self.path_of(s)}">{esc(s.title)}</a></li>'
            for n, s in enumerate(self.rotating(key, 6), 1)
        )
        latest = "".join(
            f'<li><a href="{self.path_of(s)}">{esc(s.title)}</a></li>' for s in self.listed()[:8]
        )
        return (
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
            '<html xmlns="http://www.w3.org/1999/xhtml">\n<head>\n'
            f'<meta http-equiv="Content-Type" content="text/html; charset={DECLARED}" />\n'
            f"<title>{title}</title>\n{head}"
            '<link href="/templets/default/style/dedecms.css" rel="stylesheet" media="screen" type="text/css" />\n'
            '<script language="javascript" type="text/javascript" src="/include/dedeajax2.js"></script>\n'
            '</head>\n<body class="articleview">\n'
            f'<div class="header"><div class="top w960 center"><div class="title"><h1><a href="/">{esc(self.NAME)}</a>'
            '</h1></div><div class="banner"></div></div>'
            f'<div class="module blue mT10 wrapper w963"><div id="navMenu"><ul>{nav}</ul></div>'
            '<div class="search"><form name="formsearch" action="/plus/search.php"><input type="hidden" name="kwtype" '
            'value="0" /><input name="q" type="text" class="search-keyword" /><button type="submit">搜索</button>'
            "</form></div></div></div>\n"
            '<div class="w960 center clear mt1"><div class="pleft">'
            f'<div class="place"><strong>当前位置:</strong> <a href="/">主页</a> &gt; {crumbs}</div>'
            f"{main}</div>"
            '<div class="pright">'
            f'<div class="hot mt1"><dl class="tbox light"><dt class="light"><strong>热点排行</strong></dt>'
            f'<dd class="light"><ul class="c1 ico2">{hot}</ul></dd></dl></div>'
            f'<div class="latest mt1"><dl class="tbox light"><dt class="light"><strong>{self.NEWS_FEED}</strong></dt>'
            f'<dd class="light"><ul class="c1 ico2">{latest}</ul></dd></dl></div></div></div>\n'
            '<div class="footer w960 center mt1 clear"><div class="footer_left"></div><div class="footer_body">'
            '<p class="powered">Powered by <a href="http://www.dedecms.com" title="织梦内容管理系统">DedeCMS</a>'
            '</p><div class="copyright">Copyright &copy; 2002-2026 滨江网 版权所有<br />'
            '浙ICP备12345678号-1 <a href="/about/">关于我们</a> 违法和不良信息举报电话：0571-12345678</div></div>'
            '<div class="footer_right"></div></div>\n</body>\n</html>'
        )

    def neighbours(self, s: Story) -> str:
        same = [x for x in reversed(self.listed(s.section))]  # oldest first, hidden stories left out
        if s.id not in [x.id for x in same]:
            return "<li>上一篇：没有了 </li><li>下一篇：没有了 </li>"
        at = [x.id for x in same].index(s.id)
        prev = f'<a href="{self.path_of(same[at - 1])}">{esc(same[at - 1].title)}</a>' if at > 0 else "没有了"
        after = (
            f'<a href="{self.path_of(same[at + 1])}">{esc(same[at + 1].title)}</a>'
            if at + 1 < len(same)
            else "没有了"
        )
        return f"<li>上一篇：{prev} </li><li>下一篇：{after} </li>"

    def article(self, s: Story) -> str:
        path = self.path_of(s)
        ticker = next(x for x in self.listed() if x.id != s.id)
        text = "".join(f"<p>{INDENT}{esc(p)}</p>" for p in s.paragraphs)
        tags = " ".join(f'<a href="{self.tag_path(t)}">{esc(t)}</a>' for t in s.tags)
        related = "".join(
            f'<li><a href="{self.path_of(r)}">{esc(r.title)}</a><span>{r.published:%m-%d}</span></li>'
            for r in self.related_of(s)
        )
        channel = self.SECTIONS[s.section]
        main = (
            '<div class="viewbox">'
            f'<div class="title"><h2>{esc(s.title)}</h2></div>'
            f'<div class="info"><small>时间:</small>{s.published:%Y年%m月%d日 %H:%M}<small>来源:</small>滨江日报'
            f"<small>作者:</small>{esc(s.author)}<small>点击:</small>"
            f'<script src="/plus/count.php?view=yes&amp;aid={s.id}&amp;mid=1" type="text/javascript" '
            'language="javascript"></script>次</div>'
            f'<div class="intro">{esc(s.lead)}</div>'
            f'<div class="gundong"><strong>滚动：</strong><a href="{self.path_of(ticker)}">{esc(ticker.title)}</a></div>'
            f'<div class="content"><table width="100%"><tr><td>{text}'
            f'<p class="laiyuan">来源：滨江日报</p><p class="zebian">（责任编辑：{esc(self.editor_of(s))}）</p>'
            "</td></tr></table></div>"
            '<div class="dede_pages"><ul class="pagelist"></ul></div>'
            '<div class="boxoff"><strong>------分隔线----------------------------</strong></div>'
            f'<div class="handle"><div class="context"><ul>{self.neighbours(s)}</ul></div>'
            f'<div class="actbox"><ul><li id="act-fav"><a href="/plus/stow.php?aid={s.id}" target="_blank">收藏</a></li>'
            f'<li id="act-err"><a href="/plus/erraddsave.php?aid={s.id}" target="_blank">挑错</a></li>'
            f'<li id="act-pus"><a href="/plus/recommend.php?aid={s.id}" target="_blank">推荐</a></li>'
            '<li id="act-pnt"><a href="#" onclick="window.print();">打印</a></li></ul></div></div>'
            f'<div class="tags">关键词：{tags}</div>'
            f'<div class="xgyd mt1"><dl class="tbox"><dt><strong>{self.READ_ALSO}</strong></dt>'
            f'<dd><ul class="c1 ico2">{related}</ul></dd></dl></div>'
            "</div>"
        )
        head = (
            f'<meta name="keywords" content="{esc(",".join(s.tags))}" />\n'
            f'<meta name="description" content="{esc(s.lead)}" />\n'
            f'<meta name="mobile-agent" content="format=html5;url=http://m.binjiang.example{path}" />\n'
        )
        crumbs = f'<a href="/a/{s.section}/">{esc(channel)}</a> &gt; '
        return self.page(
            f"{esc(s.title)}_{esc(channel)}_{esc(self.NAME)}", main, key=path, head=head, crumbs=crumbs
        )

    def channel(self, key: str, page: int) -> Reply | None:
        stories, typeid = self.listed(key), TYPEIDS[key]
        pages = self.pages(len(stories))
        if not 1 <= page <= pages:
            return None
        items = "".join(
            f'<li><a href="{self.path_of(s)}" class="title">{esc(s.title)}</a><span class="info"><small>日期：</small>'
            f"{s.published:%Y-%m-%d %H:%M:%S} <small>点击：</small>{(s.id * 7) % 300 + 12}</span>"
            f'<p class="intro">{esc(s.lead)}</p></li>'
            for s in stories[(page - 1) * PER_PAGE : page * PER_PAGE]
        )

        def link(n: int, text: str) -> str:
            return (
                f"<li><a href='list_{typeid}_{n}.html'>{text}</a></li>"
                if n > 1
                else f"<li><a href='/a/{key}/'>{text}</a></li>"
            )

        pager = "<li><a>首页</a></li>" if page == 1 else link(1, "首页")
        if page > 1:
            pager += link(page - 1, "上一页")
        pager += "".join(
            f'<li class="thisclass">{n}</li>' if n == page else link(n, str(n)) for n in range(1, pages + 1)
        )
        if page < pages:
            pager += link(page + 1, "下一页") + link(pages, "末页")
        pager += (
            f'<span class="pageinfo">共 <strong>{pages}</strong>页<strong>{len(stories)}</strong>条</span>'
        )
        name = self.SECTIONS[key]
        main = (
            f'<div class="listbox"><h2>{esc(name)}</h2><a class="rss" href="/data/rss/{typeid}.xml">RSS订阅</a>'
            f'<ul class="e2">{items}</ul></div><div class="dede_pages"><ul class="pagelist">{pager}</ul></div>'
        )
        return gbk(self.page(f"{esc(name)}_{esc(self.NAME)}", main, key=f"/a/{key}/{page}", crumbs=esc(name)))

    def listing(self, title: str, stories: list[Story], key: str) -> Reply:
        items = "".join(
            f'<li><a href="{self.path_of(s)}">{esc(s.title)}</a><span>{s.published:%m-%d}</span></li>'
            for s in stories
        )
        main = f'<div class="listbox"><h2>{esc(title)}</h2><ul class="c1 ico2">{items}</ul></div>'
        return gbk(self.page(f"{esc(title)}_{esc(self.NAME)}", main, key=key, crumbs=esc(title)))

    def rss_gb(self, base: str, key: str) -> Reply:
        items = "".join(
            f"<item><title><![CDATA[{s.title}]]></title><link>{base}{self.path_of(s)}</link>"
            f"<description><![CDATA[{s.lead}]]></description><pubDate>{s.published:%Y-%m-%d %H:%M:%S}</pubDate>"
            f"<category>{esc(self.SECTIONS[key])}</category><author>{esc(s.author)}</author></item>\n"
            for s in self.listed(key)[:10]
        )
        body = (
            f'<?xml version="1.0" encoding="{DECLARED}" ?>\n<rss version="2.0">\n<channel>\n'
            f"<title>{esc(self.SECTIONS[key])}</title><link>{base}/a/{key}/</link><description>{esc(self.NAME)}"
            f"</description><language>zh-cn</language><generator>DedeCMS</generator>\n{items}</channel>\n</rss>\n"
        )
        return Reply(200, body.encode(DECLARED, "xmlcharrefreplace"), "text/xml")

    def route(self, base: str, path: str, query: dict[str, str]) -> Reply | None:
        if path == "/robots.txt":
            return self.robots([f"{base}/sitemap.xml"], "/plus/")
        if path == "/sitemap.xml":
            entries = [(self.path_of(s), iso(s.modified or s.published)) for s in self.listed()]
            return self.urlset(
                base, entries + [(f"/a/{k}/", "2026-03-20T08:00:00+08:00") for k in self.SECTIONS]
            )
        for key, typeid in TYPEIDS.items():
            if path == f"/data/rss/{typeid}.xml":
                return self.rss_gb(base, key)
            if path == f"/a/{key}/":
                return self.channel(key, 1)
            if path.startswith(f"/a/{key}/list_{typeid}_") and path.endswith(".html"):
                number = path.removeprefix(f"/a/{key}/list_{typeid}_").removesuffix(".html")
                return self.channel(key, int(number)) if number.isdigit() and number != "1" else None
        if (story := self.find(path)) is not None:
            return gbk(self.article(story))
        if path == "/":
            return self.listing(self.NAME, self.listed(), "/")
        for tag in self.TAGS:
            if path == self.tag_path(tag):
                return self.listing(tag, [s for s in self.listed() if tag in s.tags], path)
        if path == "/about/":
            return gbk(
                self.page(
                    f"关于我们_{esc(self.NAME)}",
                    "<h2>关于我们</h2><p>滨江网由滨江日报社主办。</p>",
                    key="/about/",
                )
            )
        return None
