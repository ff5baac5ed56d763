"""Прикамский вестник: a Russian regional portal on 1C-Bitrix (news.list / news.detail components,
Asia/Yekaterinburg). Invented blind (s4): its examiner read none of the extraction, template, encoding or
discover code before it was written and committed.

- Served in **windows-1251**, the charset only in ``<meta http-equiv="Content-Type">`` (the HTTP header says
  ``text/html`` without one; the meta comes right after a ``<title>`` that already holds Cyrillic, as
  Bitrix's ``ShowTitle(); ShowHead();`` writes it). The RSS is windows-1251 too (XML declaration only).
- The typographer writes ``&laquo; &raquo; &mdash; &nbsp;`` entities in titles, headings and text.
  ``<title>`` is "<headline> &mdash; Новости Перми &mdash; Прикамский вестник".
- No JSON-LD, no date meta: the date is text, "7 декабря 2026, 14:05"; the byline "Автор: <name>" after
  the text.
- **"Главное сегодня"** inside ``.news-detail__text`` after the second paragraph: the three newest stories
  of the site (template trap: changes with every publication, in the middle of the text).
- **"Новости партнёров"**: a partner-teaser widget after the related block whose items change on every
  request; a view counter ("Просмотров: N") that changes on every request.
- "Читайте также:" related list (label with a colon, items with a date); "Лента новостей" in the rail.

URL layout:
  /news/<id>/                     article (Bitrix element id)
  /news/                          all news, Bitrix pager ?PAGEN_1=N ("След.")
  /news/<section>/                section lists          /tags/<slug>/   tag lists
  /rss/                           RSS 2.0, windows-1251 (advertised)
  /sitemap.xml                    index (robots.txt) -> /sitemap_iblock_1.xml, /sitemap_files.xml
"""

from __future__ import annotations

import random
from typing import ClassVar

from .common import Reply, Words, esc, iso
from .kit import Shape, Story

PER_PAGE = 8
CHARSET = "windows-1251"
MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
          "ноября", "декабря")  # fmt: skip
TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", [
    "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u",
    "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"], strict=True))  # fmt: skip
PARTNERS = (
    "Врачи назвали привычку, которая незаметно портит сон",
    "Пенсионерам напомнили о выплате, про которую мало кто знает",
    "Стало известно, сколько стоит ремонт кухни в 2026 году",
    "Эксперт объяснил, почему дорожают зимние шины",
    "Названы города, где проще всего снять квартиру",
    "Как выбрать обогреватель и не переплатить: советы мастера",
    "Садоводы рассказали, что посадить в декабре на подоконнике",
    "Автомобилистам назвали ошибку, из-за которой садится аккумулятор",
    "Диетолог перечислила продукты для хорошего настроения",
    "В банках изменили условия по вкладам: что нужно знать",
)


def typographer(text: str) -> str:
    """What the site's typographer writes: HTML-escaped text with named entities for quotes and dashes,
    and a no-break space after one-letter words."""
    out = esc(text).replace("«", "&laquo;").replace("»", "&raquo;").replace(" — ", "&nbsp;&mdash; ")
    for short in ("в", "и", "к", "с", "о", "у", "В", "К", "С"):
        out = out.replace(f" {short} ", f" {short}&nbsp;")
    return out


def translit(text: str) -> str:
    return "-".join("".join(TRANSLIT.get(c, c) for c in word) for word in text.lower().split())


def cp1251(text: str, content_type: str = "text/html") -> Reply:
    return Reply(200, text.encode(CHARSET, "xmlcharrefreplace"), content_type)


class KamaSite(Shape):
    NAME = "Прикамский вестник"
    FAMILY = "1C-Bitrix (news.list / news.detail), windows-1251"
    LANGUAGE = "ru"
    ZONE = "Asia/Yekaterinburg"
    SEED = 307
    FIRST_ID = 48210
    SECTIONS: ClassVar[dict[str, str]] = {"obshchestvo": "Общество", "ekonomika": "Экономика",
                                          "kultura": "Культура"}  # fmt: skip
    AUTHORS = ("Ирина Соколова", "Денис Мальцев", "Ольга Чернышёва")
    TAGS = ("Транспорт", "ЖКХ", "Кама", "Образование", "Здравоохранение")
    READ_ALSO = "Читайте также"
    NEWS_FEED = "Лента новостей"
    WORDS = Words(
        subjects=["Городская дума", "Администрация края", "Совет ветеранов", "Пермский университет",
                  "Кооператив «Прикамье»", "Транспортное предприятие", "Театр «Урал-опера»", "Управляющая компания"],
        verbs=["утверждает", "откладывает", "критикует", "открывает", "пересматривает", "расширяет"],
        objects=["проект нового моста", "ремонт набережной", "программу «Доступное жильё»", "трамвайную линию",
                 "реконструкцию рынка", "зимний фестиваль", "строительство поликлиники"],
        places=["в Перми", "в Березниках", "в Соликамске", "в Кунгуре", "в Чайковском", "в Лысьве"],
        sentences=[
            "{subject} сообщила, что {object} {place} обойдётся примерно в {number} млн рублей.",
            "По данным источника, по вопросу «{object}» поступило уже {number} обращений — больше, чем ожидали.",
            "Решение по теме «{object}» {place} примут в следующем месяце, выступить записались {number} жителей.",
            "Во вторник {subject} ответила на {number} вопросов журналистов и жителей района.",
            "По оценке специалистов, {object} {place} будет ежедневно обслуживать около {number} человек.",
        ],
    )  # fmt: skip
    HAND_TOML = """name = "kama"
origin = "{origin}"
feeds = ["/rss/"]
robots_sitemaps = true
categories = ["/news/", "/news/obshchestvo/", "/news/ekonomika/", "/news/kultura/"]
article_pattern = '^/news/\\d+/$'
hub_patterns = ['^/tags/', '^/about/']
timezone = "Asia/Yekaterinburg"

[related]
read_also = ["Читайте также"]
news_feed = ["Лента новостей"]
"""

    def __init__(self) -> None:
        super().__init__()
        self.hits = 0  # requests served: the partner widget and the view counter change with each

    def path_of(self, story: Story) -> str:
        return f"/news/{story.id}/"

    def hub_paths(self) -> list[str]:
        return [
            "/",
            "/news/",
            *(f"/news/{s}/" for s in self.SECTIONS),
            *(f"/tags/{translit(t)}/" for t in self.TAGS),
            "/about/",
        ]

    def stamp(self, s: Story) -> str:
        p = s.published
        return f"{p.day} {MONTHS[p.month - 1]} {p.year}, {p:%H:%M}"

    def page(self, base: str, title: str, main: str, *, head: str = "", crumbs: str = "") -> str:
        nav = '<li><a href="/news/">Новости</a></li>' + "".join(
            f'<li><a href="/news/{k}/">{esc(n)}</a></li>' for k, n in self.SECTIONS.items()
        )
        line = "".join(
            f'<li><span class="news-line__time">{s.published:%H:%M}</span> '
            f'<a href="{self.path_of(s)}">{typographer(s.title)}</a></li>'
            for s in self.listed()[:8]
        )
        return (
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
            '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="ru" lang="ru">\n<head>\n'
            f"<title>{title}</title>\n"
            f'<meta http-equiv="Content-Type" content="text/html; charset={CHARSET}" />\n'
            '<meta name="robots" content="index, follow" />\n'
            f"{head}"
            '<link href="/bitrix/cache/css/s1/kama/template_styles.css?17330215874521" type="text/css" rel="stylesheet" />\n'
            '<script type="text/javascript">if(!window.BX)window.BX={};if(!window.BX.message)window.BX.message=function(m)'
            "{if(typeof m=='object'){for(let i in m)BX.message[i]=m[i];}return true;};</script>\n"
            "<script type=\"text/javascript\">(window.BX||top.BX).message({'LANGUAGE_ID':'ru','FORMAT_DATE':'DD.MM.YYYY',"
            "'SITE_ID':'s1','SERVER_TIME':'1765101600','bitrix_sessid':'3f9c0a1e5d'});</script>\n"
            f'<link rel="alternate" type="application/rss+xml" title="Новости" href="{base}/rss/" />\n'
            "</head>\n<body>\n"
            '<div id="panel"></div>\n<div class="wrapper">'
            f'<header class="header"><a class="header__logo" href="/">{esc(self.NAME)}</a>'
            '<div class="header__weather">Пермь, −7°</div>'
            f'<ul class="top-menu">{nav}</ul></header>'
            f'<div class="bx-breadcrumb"><a href="/">Главная</a>{crumbs}</div>'
            '<div class="content-wrap"><div class="content-main">'
            f"{main}</div>"
            '<div class="sidebar">'
            f'<div class="news-line"><div class="news-line__title">{self.NEWS_FEED}</div><ul>{line}</ul>'
            '<a href="/news/">Все новости</a></div>'
            '<div class="banner-240"><a href="/about/">Реклама в газете</a></div></div></div>'
            '<footer class="footer"><p>© 2006—2026 «Прикамский вестник». 16+</p>'
            "<p>Свидетельство о регистрации СМИ ЭЛ № ФС77-81234 выдано Роскомнадзором. "
            "При использовании материалов ссылка на сайт обязательна.</p>"
            '<p><a href="/about/">О редакции</a> · <a href="/rss/">RSS</a></p></footer></div>\n</body>\n</html>'
        )

    def partners(self) -> str:
        rng = random.Random(f"{self.NAME}:partners:{self.hits}")
        items = "".join(
            f'<div class="partners-news__item"><a href="https://partner-{n}.example/click/{rng.randint(1000, 99999)}'
            f'?utm_source=kama" target="_blank" rel="nofollow">'
            f'<img src="https://partner-{n}.example/i/{rng.randint(100, 999)}.jpg" alt="" />'
            f"<span>{esc(PARTNERS[n])}</span></a></div>"
            for n in rng.sample(range(len(PARTNERS)), 4)
        )
        return (
            '<div class="partners-news"><div class="partners-news__title">Новости партнёров</div>'
            f'<div class="partners-news__grid">{items}</div></div>'
        )

    def article(self, base: str, s: Story) -> str:
        path = self.path_of(s)
        main_today = "".join(
            f'<li><a href="{self.path_of(m)}">{typographer(m.title)}</a></li>'
            for m in [x for x in self.listed() if x.id != s.id][:3]
        )
        inline = (
            '<div class="inline-main"><div class="inline-main__title">Главное сегодня</div>'
            f"<ul>{main_today}</ul></div>"
        )
        paras = [f"<p>{typographer(p)}</p>" for p in s.paragraphs]
        text = "".join(paras[:2]) + inline + "".join(paras[2:])
        tags = ", ".join(f'<a href="/tags/{translit(t)}/">{esc(t)}</a>' for t in s.tags)
        related = "".join(
            f'<li><a href="{self.path_of(r)}">{typographer(r.title)}</a> '
            f'<span class="news-related__date">{self.stamp(r).split(",")[0]}</span></li>'
            for r in self.related_of(s)
        )
        views = 120 + (s.id * 13) % 900 + self.hits
        head = (
            f'<meta name="keywords" content="{esc(", ".join(s.tags))}" />\n'
            f'<meta name="description" content="{esc(s.lead)}" />\n'
            f'<meta property="og:type" content="article" />\n<meta property="og:title" content="{esc(s.title)}" />\n'
            f'<meta property="og:url" content="{base}{path}" />\n'
            f'<meta property="og:image" content="{base}/upload/iblock/{s.id % 997:03x}/{s.id}.jpg" />\n'
        )
        main = (
            '<div class="news-detail">'
            f'<h1 class="news-detail__title">{typographer(s.title)}</h1>'
            f'<div class="news-detail__meta"><span class="news-date-time">{self.stamp(s)}</span> '
            f'<a class="news-detail__section" href="/news/{s.section}/">{esc(self.SECTIONS[s.section])}</a></div>'
            f'<img class="detail_picture" src="/upload/iblock/{s.id % 997:03x}/{s.id}.jpg" alt="{esc(s.title)}" '
            f'title="{esc(s.title)}" width="760" height="428" />'
            f'<div class="news-detail__preview"><b>{typographer(s.lead)}</b></div>'
            f'<div class="news-detail__text">{text}</div>'
            '<div style="clear:both"></div>'
            f'<div class="news-detail__author">Автор: {esc(s.author)}</div>'
            f'<div class="news-detail__tags">Теги: {tags}</div>'
            f'<div class="news-detail__views">Просмотров: {views}</div>'
            '<div class="ya-share2" data-curtain data-services="vkontakte,odnoklassniki,telegram,whatsapp"></div>'
            f'<div class="news-related"><div class="news-related__title">{self.READ_ALSO}:</div><ul>{related}</ul></div>'
            f"{self.partners()}"
            "</div>"
        )
        crumbs = (
            ' / <a href="/news/">Новости</a>'
            f' / <a href="/news/{s.section}/">{esc(self.SECTIONS[s.section])}</a>'
        )
        title = f"{typographer(s.title)} &mdash; Новости Перми &mdash; {esc(self.NAME)}"
        return self.page(base, title, main, head=head, crumbs=crumbs)

    def news_list(self, title: str, stories: list[Story], page: int, root: str) -> Reply | None:
        pages = max(1, -(-len(stories) // PER_PAGE))
        if not 1 <= page <= pages:
            return None
        items = "".join(
            f'<div class="news-item"><span class="news-date-time">{s.published:%d.%m.%Y}</span> '
            f'<a href="{self.path_of(s)}"><b>{typographer(s.title)}</b></a><br />{typographer(s.lead)}</div>'
            for s in stories[(page - 1) * PER_PAGE : page * PER_PAGE]
        )
        pager = ""
        if pages > 1:
            numbers = "".join(
                f'<span class="modern-page-current">{n}</span>'
                if n == page
                else f'<a href="{root}?PAGEN_1={n}">{n}</a>'
                for n in range(1, pages + 1)
            )
            after = (
                f'<a class="modern-page-next" href="{root}?PAGEN_1={page + 1}">След.</a>'
                if page < pages
                else ""
            )
            before = (
                f'<a class="modern-page-previous" href="{root}?PAGEN_1={page - 1}">Пред.</a>'
                if page > 1
                else ""
            )
            pager = (
                '<div class="modern-page-navigation"><span class="modern-page-title">Страницы:</span> '
                f"{before}{numbers}{after}</div>"
            )
        main = f'<h1>{esc(title)}</h1><div class="news-list">{items}</div>{pager}'
        heading = f"{esc(title)} &mdash; {esc(self.NAME)}"
        return cp1251(self.page("", heading, main, crumbs=f" / {esc(title)}"))

    def rss_1251(self, base: str) -> Reply:
        items = "".join(
            f"<item><title>{esc(s.title)}</title><link>{base}{self.path_of(s)}</link>"
            f"<description>{esc(s.lead)}</description><category>{esc(self.SECTIONS[s.section])}</category>"
            f"<pubDate>{s.published.strftime('%a, %d %b %Y %H:%M:%S %z')}</pubDate></item>\n"
            for s in self.listed()[:10]
        )
        body = (
            f'<?xml version="1.0" encoding="{CHARSET}"?>\n<rss version="2.0"><channel>'
            f"<title>{esc(self.NAME)}: Новости</title><link>{base}/</link><description>Новости Перми и края"
            f"</description><language>ru</language>\n{items}</channel></rss>\n"
        )
        return cp1251(body, "application/rss+xml")

    def sitemaps(self, base: str, path: str) -> Reply | None:
        if path == "/sitemap.xml":
            return self.sitemap_index(base, ["/sitemap_iblock_1.xml", "/sitemap_files.xml"])
        if path == "/sitemap_iblock_1.xml":
            entries = [(self.path_of(s), iso(s.modified or s.published)) for s in self.listed()]
            return self.urlset(base, entries)
        if path == "/sitemap_files.xml":
            return self.urlset(base, [(p, "2026-01-12T09:00:00+05:00") for p in self.hub_paths()])
        return None

    def route(self, base: str, path: str, query: dict[str, str]) -> Reply | None:
        self.hits += 1
        page_arg = query.get("PAGEN_1", "1")
        page = int(page_arg) if page_arg.isdigit() else 0
        if path == "/robots.txt":
            return self.robots([f"{base}/sitemap.xml"], "/bitrix/")
        if path == "/rss/":
            return self.rss_1251(base)
        if (reply := self.sitemaps(base, path)) is not None:
            return reply
        if (story := self.find(path)) is not None:
            return cp1251(self.article(base, story))
        if path == "/":
            return self.news_list("Новости Перми и Пермского края", self.listed(), 1, "/news/")
        if path == "/news/":
            return self.news_list("Новости", self.listed(), page, "/news/")
        for key, name in self.SECTIONS.items():
            if path == f"/news/{key}/":
                return self.news_list(name, self.listed(key), page, path)
        for tag in self.TAGS:
            if path == f"/tags/{translit(tag)}/":
                return self.news_list(tag, [s for s in self.listed() if tag in s.tags], page, path)
        if path == "/about/":
            return cp1251(self.page(base, f"О редакции &mdash; {esc(self.NAME)}", "<h1>О редакции</h1><p>Учредитель: "
                                    "ООО «Прикамский вестник». Главный редактор: Анна Пестова.</p>"))  # fmt: skip
        return None
