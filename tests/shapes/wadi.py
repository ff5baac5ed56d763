"""الوادي اليوم: a Jordanian daily on ASP.NET WebForms (Asia/Amman), right to left. Invented blind (s5): its
examiner read none of the extraction, template, encoding, crawl or discover code before it was written and
committed.

- ``<html dir="rtl" lang="ar">``; the whole page sits in WebForms' one ``<form id="aspnetForm">`` with
  ``__VIEWSTATE`` / ``__EVENTVALIDATION`` hidden inputs (new values on every request) and
  ``javascript:__doPostBack(...)`` links in the header; element ids like ``ctl00_cph_lblTitle``.
- **Articles by query string**: ``/News/Details.aspx?id=48213`` (canonical, in the feed, ``og:url`` and
  ``<link rel=canonical>``) and the same story linked as ``/News/Details.aspx?ID=48213&cat=3`` from the
  listings and from every second related item. One story, one record.
- No JSON-LD, no date meta: the date is text in **Eastern Arabic digits** with Arabic month names, in three
  spellings by page: "٧ ديسمبر ٢٠٢٦ - ١٤:٠٥", Levantine "٧ كانون الأول ٢٠٢٦ - ١٤:٠٥", and both
  "٧ ديسمبر (كانون الأول) ٢٠٢٦ - ١٤:٠٥". Numbers in the text are Eastern Arabic digits too.
- Byline "كتب: <name>" above the text; tags "الكلمات المفتاحية:".
- **"اقرأ أيضا"** related box *inside* the text after the second paragraph.
- **"المزيد من <القسم>"** inside the body container after the last paragraph: the section's four newest other
  stories with their dates (template trap: changes with every publication in the section); a rotating
  "الأكثر قراءة" in the side column (per page); "آخر الأخبار" (the site's latest, same everywhere); a
  view counter "عدد المشاهدات" that changes on every request.

URL layout:
  /News/Details.aspx?id=<id>                 article (also ?ID=<id>&cat=<n>)
  /News/List.aspx?cat=<n>[&page=N]           section lists, pager "التالي" by ?page=N
  /News/Tag.aspx?t=<n>                       tag lists          /                home (also a list)
  /Rss.aspx                                  RSS 2.0 (advertised; canonical article links)
  /Pages/About.aspx                          about
"""

from __future__ import annotations

import base64
import random
from datetime import datetime
from typing import ClassVar

from .common import Reply, Words, esc, html
from .kit import Shape, Story

PER_PAGE = 3
DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
MONTHS = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر",
          "ديسمبر")  # fmt: skip
LEVANT = ("كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول", "تشرين الأول",
          "تشرين الثاني", "كانون الأول")  # fmt: skip
CATS = {"local": 1, "economy": 2, "culture": 3}


def arabic_digits(text: str) -> str:
    return text.translate(DIGITS)


class WadiSite(Shape):
    NAME = "الوادي اليوم"
    FAMILY = "ASP.NET WebForms (.aspx, query-string ids, __VIEWSTATE), RTL"
    LANGUAGE = "ar"
    ZONE = "Asia/Amman"
    SEED = 523
    FIRST_ID = 48213
    SECTIONS: ClassVar[dict[str, str]] = {"local": "محليات", "economy": "اقتصاد", "culture": "ثقافة وفنون"}
    AUTHORS = ("سامر الخطيب", "ليلى العمري", "محمود الزعبي")
    TAGS = ("النقل", "المياه", "التعليم", "البلديات", "الصحة")
    READ_ALSO = "اقرأ أيضا"
    NEWS_FEED = "آخر الأخبار"
    WORDS = Words(
        subjects=["مجلس البلدية", "وزارة المياه", "غرفة التجارة", "الجامعة الأردنية", "نقابة المهندسين",
                  "سلطة وادي الأردن", "جمعية المزارعين", "هيئة النقل"],
        verbs=["يقر", "يؤجل", "ينتقد", "يفتتح", "يراجع", "يوسع"],
        objects=["مشروع الجسر الجديد", "تأهيل السوق القديم", "برنامج الإسكان", "خط الحافلات السريع",
                 "مهرجان الشتاء", "محطة معالجة المياه", "مسار الدراجات"],
        places=["في إربد", "في الزرقاء", "في المفرق", "في جرش", "في عجلون", "في السلط"],
        sentences=[
            "قال {subject} إن {object} {place} سيكلف نحو {number} ألف دينار.",
            "وأوضح مصدر مطلع أن {object} تلقى حتى الآن {number} اعتراضا من السكان.",
            "ومن المنتظر أن يصدر القرار بشأن {object} {place} الشهر المقبل بعد تسجيل {number} مداخلة.",
            "وأجاب {subject} صباح الثلاثاء عن {number} سؤالا حول {object}.",
            "ويقدر الفنيون أن {object} {place} سيخدم قرابة {number} شخص يوميا.",
        ],
    )  # fmt: skip
    HAND_TOML = """name = "wadi"
origin = "{origin}"
feeds = ["/Rss.aspx"]
categories = ["/News/List.aspx?cat=1", "/News/List.aspx?cat=2", "/News/List.aspx?cat=3"]
article_pattern = '^/News/Details\\.aspx'
hub_patterns = ['^/News/List\\.aspx', '^/News/Tag\\.aspx', '^/Pages/']
timezone = "Asia/Amman"

[related]
read_also = ["اقرأ أيضا"]
news_feed = ["آخر الأخبار"]
"""

    def __init__(self) -> None:
        super().__init__()
        self.hits = 0  # requests served: view state, event validation and the view counter change with each

    # --- stories: Eastern Arabic digits in the text ------------------------------------------
    def new_story(self, i: int, published: datetime, section: str) -> Story:
        story = super().new_story(i, published, section)
        story.paragraphs = [arabic_digits(p) for p in story.paragraphs]
        story.lead = arabic_digits(story.lead)
        return story

    def edit(self) -> Story:
        story = super().edit()
        story.paragraphs = [arabic_digits(p) for p in story.paragraphs]
        return story

    def path_of(self, story: Story) -> str:
        return f"/News/Details.aspx?id={story.id}"

    def alias_of(self, story: Story) -> str:
        return f"/News/Details.aspx?ID={story.id}&cat={CATS[story.section]}"

    def aliases(self) -> dict[str, str]:
        return {self.alias_of(s): self.path_of(s) for s in self.stories}

    def hub_paths(self) -> list[str]:
        pages = [
            f"/News/List.aspx?cat={CATS[k]}&page={n}"
            for k in self.SECTIONS
            for n in range(2, self.pages(len(self.listed(k))) + 1)
        ]
        return [
            "/",
            *(f"/News/List.aspx?cat={CATS[k]}" for k in self.SECTIONS),
            *pages,
            *(f"/News/Tag.aspx?t={n}" for n in range(1, len(self.TAGS) + 1)),
            "/Pages/About.aspx",
        ]

    @staticmethod
    def pages(count: int) -> int:
        return max(1, -(-count // PER_PAGE))

    def stamp(self, s: Story) -> str:
        p, style = s.published, s.id % 3
        month = MONTHS[p.month - 1] if style == 0 else LEVANT[p.month - 1]
        if style == 2:
            month = f"{MONTHS[p.month - 1]} ({LEVANT[p.month - 1]})"
        return arabic_digits(f"{p.day} {month} {p.year} - {p:%H:%M}")

    def link(self, s: Story, alias: bool) -> str:
        return self.alias_of(s) if alias else self.path_of(s)

    # --- pages -------------------------------------------------------------------------------
    def state(self, size: int) -> str:
        rng = random.Random(f"{self.NAME}:{self.hits}:{size}")
        return base64.b64encode(bytes(rng.randrange(256) for _ in range(size))).decode("ascii")

    def page(self, base: str, title: str, main: str, *, action: str, key: str, head: str = "") -> str:
        nav = "".join(
            f'<li><a id="ctl00_menu_lnk{n}" href="/News/List.aspx?cat={n}">{esc(name)}</a></li>'
            for n, name in zip(CATS.values(), self.SECTIONS.values(), strict=True)
        )
        most = "".join(
            f'<li><a href="{self.link(s, True)}">{esc(s.title)}</a></li>' for s in self.rotating(key, 5)
        )
        latest = "".join(
            f'<li><a href="{self.path_of(s)}">{esc(s.title)}</a> '
            f'<span class="time">{arabic_digits(f"{s.published:%H:%M}")}</span></li>'
            for s in self.listed()[:6]
        )
        return (
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
            '<html xmlns="http://www.w3.org/1999/xhtml" dir="rtl" lang="ar">\n<head id="ctl00_Head1"><title>\n\t'
            f"{title}\n</title>"
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />'
            f'<link href="/App_Themes/Default/style.css?v=4.2" type="text/css" rel="stylesheet" />{head}'
            f'<link rel="alternate" type="application/rss+xml" title="RSS" href="{base}/Rss.aspx" /></head>\n'
            f'<body class="rtl">\n<form name="aspnetForm" method="post" action="{esc(action)}" id="aspnetForm">\n'
            '<div class="aspNetHidden">\n'
            '<input type="hidden" name="__EVENTTARGET" id="__EVENTTARGET" value="" />\n'
            '<input type="hidden" name="__EVENTARGUMENT" id="__EVENTARGUMENT" value="" />\n'
            f'<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{self.state(900)}" />\n'
            "</div>\n<script type=\"text/javascript\">\n//<![CDATA[\nvar theForm = document.forms['aspnetForm'];\n"
            "function __doPostBack(eventTarget, eventArgument) {\n    if (!theForm.onsubmit || "
            "(theForm.onsubmit() != false)) {\n        theForm.__EVENTTARGET.value = eventTarget;\n"
            "        theForm.__EVENTARGUMENT.value = eventArgument;\n        theForm.submit();\n    }\n}\n//]]>\n"
            "</script>\n"
            '<div class="aspNetHidden"><input type="hidden" name="__VIEWSTATEGENERATOR" id="__VIEWSTATEGENERATOR" '
            f'value="CA0B0334" /><input type="hidden" name="__EVENTVALIDATION" id="__EVENTVALIDATION" '
            f'value="{self.state(120)}" /></div>\n'
            f'<div id="header"><a id="ctl00_lnkLogo" href="/"><span class="logo">{esc(self.NAME)}</span></a>'
            '<div class="top-links"><a id="ctl00_lnkEnglish" href="javascript:__doPostBack(&#39;ctl00$lnkEnglish&#39;,'
            '&#39;&#39;)">English</a> | <a id="ctl00_lnkLogin" href="javascript:__doPostBack(&#39;ctl00$lnkLogin&#39;,'
            '&#39;&#39;)">تسجيل الدخول</a></div>'
            f'<ul id="ctl00_menu" class="main-menu"><li><a href="/">الرئيسية</a></li>{nav}</ul></div>\n'
            f'<div id="container"><div id="content" class="col-right">{main}</div>'
            '<div id="sidebar" class="col-left">'
            f'<div class="box most-read"><h3>الأكثر قراءة</h3><ol>{most}</ol></div>'
            f'<div class="box latest"><h3>{self.NEWS_FEED}</h3><ul>{latest}</ul></div>'
            '<div class="box ad"><a href="/Pages/About.aspx">أعلن معنا</a></div></div></div>\n'
            '<div id="footer"><p>جميع الحقوق محفوظة © ٢٠٢٦ الوادي اليوم</p>'
            '<a href="/Pages/About.aspx">من نحن</a> | <a href="/Rss.aspx">RSS</a></div>\n'
            "</form>\n</body>\n</html>"
        )

    def article(self, base: str, s: Story) -> str:
        path = self.path_of(s)
        paras = [f"<p>{esc(p)}</p>" for p in s.paragraphs]
        related = "".join(
            f'<li><a href="{self.link(r, n % 2 == 1)}">{esc(r.title)}</a></li>'
            for n, r in enumerate(self.related_of(s))
        )
        box = f'<div class="read-also"><strong>{self.READ_ALSO}:</strong><ul>{related}</ul></div>'
        section = self.SECTIONS[s.section]
        more = "".join(
            f'<li><a href="{self.path_of(m)}">{esc(m.title)}</a> <span class="date">{self.stamp(m)}</span></li>'
            for m in [x for x in self.listed(s.section) if x.id != s.id][:4]
        )
        body = (
            "".join(paras[:2])
            + box
            + "".join(paras[2:])
            + f'<div class="more-cat"><h3>المزيد من {esc(section)}</h3><ul>{more}</ul></div>'
        )
        tags = " ".join(f'<a href="/News/Tag.aspx?t={self.TAGS.index(t) + 1}">{esc(t)}</a>' for t in s.tags)
        views = arabic_digits(str(200 + (s.id * 11) % 700 + self.hits))
        head = (
            f'<meta name="description" content="{esc(s.lead)}" />'
            f'<meta name="keywords" content="{esc("، ".join(s.tags))}" />'
            f'<meta property="og:type" content="article" /><meta property="og:title" content="{esc(s.title)}" />'
            f'<meta property="og:url" content="{base}{esc(path)}" />'
            f'<meta property="og:image" content="{base}/Images/News/{s.id}.jpg" />'
            f'<link rel="canonical" href="{base}{esc(path)}" />'
        )
        main = (
            f'<div class="breadcrumb"><a href="/">الرئيسية</a> &gt; '
            f'<a href="/News/List.aspx?cat={CATS[s.section]}">{esc(section)}</a></div>'
            '<div class="news-details">'
            f'<h1><span id="ctl00_cph_lblTitle">{esc(s.title)}</span></h1>'
            f'<h2 class="sub-title"><span id="ctl00_cph_lblSubTitle">{esc(s.lead)}</span></h2>'
            f'<div class="news-info"><span id="ctl00_cph_lblAuthor">كتب: {esc(s.author)}</span> | '
            f'<span id="ctl00_cph_lblDate">{self.stamp(s)}</span> | '
            f'<span id="ctl00_cph_lblViews">عدد المشاهدات: {views}</span></div>'
            f'<div class="news-img"><img id="ctl00_cph_imgNews" src="/Images/News/{s.id}.jpg" alt="{esc(s.title)}" />'
            "</div>"
            f'<div id="ctl00_cph_divBody" class="news-body">{body}</div>'
            f'<div class="news-tags">الكلمات المفتاحية: {tags}</div>'
            '<div class="share"><a href="javascript:__doPostBack(&#39;ctl00$cph$lnkPrint&#39;,&#39;&#39;)">طباعة</a>'
            f' <a href="https://www.facebook.com/sharer.php?u={base}{esc(path)}">فيسبوك</a></div>'
            "</div>"
        )
        return self.page(base, f"{esc(s.title)} - {esc(self.NAME)}", main, action=f"./Details.aspx?id={s.id}",
                         key=path, head=head)  # fmt: skip

    def news_list(
        self, base: str, title: str, stories: list[Story], page: int, root: str, *, paged: bool = True
    ) -> Reply | None:
        pages = self.pages(len(stories)) if paged else 1
        per_page = PER_PAGE if paged else len(stories)
        if not 1 <= page <= pages:
            return None
        items = "".join(
            f'<div class="list-item"><a href="{self.alias_of(s)}"><img src="/Images/News/t_{s.id}.jpg" alt="" /></a>'
            f'<h3><a href="{self.alias_of(s)}">{esc(s.title)}</a></h3><span class="date">{self.stamp(s)}</span>'
            f"<p>{esc(s.lead)}</p></div>"
            for s in stories[(page - 1) * per_page : page * per_page]
        )
        pager = ""
        if pages > 1:
            pager = "".join(
                f"<span>{arabic_digits(str(n))}</span>"
                if n == page
                else f'<a href="{root}&amp;page={n}">{arabic_digits(str(n))}</a>'
                for n in range(1, pages + 1)
            )
            if page < pages:
                pager += f'<a class="next" href="{root}&amp;page={page + 1}">التالي</a>'
            pager = f'<div class="pager">{pager}</div>'
        main = f'<h1 class="list-title">{esc(title)}</h1><div class="news-list">{items}</div>{pager}'
        action = root.rsplit("/", 1)[-1] + (f"&page={page}" if page > 1 else "")
        key = f"{root}:{page}"
        return html(self.page(base, f"{esc(title)} - {esc(self.NAME)}", main, action=f"./{action}", key=key))

    def rss_feed(self, base: str) -> Reply:
        return self.rss(base, self.NAME, self.listed()[:10])

    def route(self, base: str, path: str, query: dict[str, str]) -> Reply | None:
        self.hits += 1
        q = {k.lower(): v for k, v in query.items()}
        page_arg = q.get("page", "1")
        page = int(page_arg) if page_arg.isdigit() else 0
        if path == "/robots.txt":
            return self.robots([], "/Admin/")
        if path == "/Rss.aspx":
            return self.rss_feed(base)
        if path == "/News/Details.aspx" and q.get("id", "").isdigit():
            story = next((s for s in self.stories if s.id == int(q["id"])), None)
            return html(self.article(base, story)) if story is not None else None
        if path in ("/", "/Default.aspx"):
            main = self.listed()[: PER_PAGE * 2]
            return self.news_list(base, "الرئيسية", main, 1, "/Default.aspx", paged=False)
        if path == "/News/List.aspx":
            for key, n in CATS.items():
                if q.get("cat") == str(n):
                    root = f"/News/List.aspx?cat={n}"
                    return self.news_list(base, self.SECTIONS[key], self.listed(key), page, root)
            return None
        if path == "/News/Tag.aspx" and q.get("t", "").isdigit() and 1 <= int(q["t"]) <= len(self.TAGS):
            tag = self.TAGS[int(q["t"]) - 1]
            return self.news_list(
                base, tag, [s for s in self.listed() if tag in s.tags], page, f"/News/Tag.aspx?t={q['t']}"
            )
        if path == "/Pages/About.aspx":
            return html(self.page(base, f"من نحن - {esc(self.NAME)}", "<h1>من نحن</h1><p>صحيفة يومية مستقلة.</p>",
                                  action="./About.aspx", key=path))  # fmt: skip
        return None
