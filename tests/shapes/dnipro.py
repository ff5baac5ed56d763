"""Дніпровський вісник: a Ukrainian news site heavy with live blogs (Europe/Kyiv). HELD OUT: never tuned on.

Every second story is a live blog: JSON-LD `LiveBlogPosting` with one `liveBlogUpdate` per post, the page lists
the posts newest first, each with its time and a share button; an edit adds a post. The other stories are
plain articles. Bylines carry the label "Автор:", dates are written "21 березня 2026, 14:05". "Читайте також"
follows the text; "Стрічка новин" (the latest headlines) is in the sidebar. URLs carry only numeric ids.

URL layout:
  /<розділ>/2026/MM/DD/<id>/    article or live blog
  /<розділ>/                    section pages, /<розділ>/page/N/
  /tags/<slug>/                 tag pages;  /rss/  RSS 2.0 (advertised); no sitemap
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar

from .common import Reply, Words, esc, html, iso
from .kit import Shape, Story

PER_PAGE = 8
MONTHS = ("січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня", "жовтня",
          "листопада", "грудня")  # fmt: skip
TAG_SLUGS = {"Транспорт": "transport", "Енергетика": "energy", "Міська рада": "city-council", "Житло": "housing",
             "Освіта": "education"}  # fmt: skip


class DniproSite(Shape):
    NAME = "Дніпровський вісник"
    FAMILY = "live-blog-heavy news site (custom CMS, LiveBlogPosting)"
    LANGUAGE = "uk"
    ZONE = "Europe/Kyiv"
    HELD_OUT = True
    SEED = 101
    FIRST_ID = 7412300
    SECTIONS: ClassVar[dict[str, str]] = {"news": "Новини", "economy": "Економіка", "culture": "Культура"}
    AUTHORS = ("Олена Коваленко", "Андрій Мельник", "Ірина Бондар")
    TAGS = tuple(TAG_SLUGS)
    READ_ALSO = "Читайте також"
    NEWS_FEED = "Стрічка новин"
    WORDS = Words(
        subjects=["Міська рада", "Обласна адміністрація", "Мешканці Лівобережного", "Спілка фермерів",
                  "Укренерго", "Театр опери", "Метрополітен", "Студенти політехніки"],
        verbs=["затвердила", "відклала", "критикує", "відкриває", "перевіряє", "скорочує"],
        objects=["новий міст", "ремонт набережної", "бюджет на культуру", "трамвайну лінію", "критий ринок",
                 "літній фестиваль", "амбулаторію"],
        places=["у Дніпрі", "у Кам'янському", "у Новомосковську", "у Павлограді", "на Лівому березі", "у Підгородному"],
        sentences=[
            "{subject} повідомила, що {object} {place} коштуватиме близько {number} тисяч гривень.",
            "За даними міськради, щодо теми «{object}» надійшло {number} звернень.",
            "Голосування щодо проєкту «{object}» {place} відбудеться наступного місяця, записалися {number} промовців.",
            "У вівторок {subject} відповіла на {number} запитань.",
            "Фахівці оцінюють, що {object} {place} щодня обслуговуватиме приблизно {number} людей.",
        ],
    )  # fmt: skip
    HAND_TOML = """name = "dnipro"
origin = "{origin}"
feeds = ["/rss/"]
categories = ["/news/", "/economy/", "/culture/"]
article_pattern = '^/(?:news|economy|culture)/\\d{4}/\\d{2}/\\d{2}/\\d+/$'
hub_patterns = ['^/tags/', '/page/\\d+/$']
timezone = "Europe/Kyiv"

[related]
read_also = ["Читайте також"]
news_feed = ["Стрічка новин"]
"""

    def kind_of(self, i: int) -> str:
        return "live" if i % 2 == 1 else "plain"

    def new_story(self, i: int, published: datetime, section: str) -> Story:
        story = super().new_story(i, published, section)
        if story.kind == "live":
            story.times = [published + timedelta(minutes=35 * k) for k in range(len(story.paragraphs))]
        return story

    def order(self, story: Story) -> list[tuple[datetime | None, str]]:
        """The page's paragraphs in page order: a live blog's posts newest first."""
        if story.kind == "live":
            return sorted(zip(story.times, story.paragraphs, strict=True), key=lambda p: p[0], reverse=True)
        return [(None, p) for p in story.paragraphs]

    def body_of(self, story: Story) -> str:
        return "\n\n".join(text for _, text in self.order(story))

    def path_of(self, story: Story) -> str:
        return f"/{story.section}/{story.published:%Y/%m/%d}/{story.id}/"

    def hub_paths(self) -> list[str]:
        return ["/", *(f"/{s}/" for s in self.SECTIONS), *(f"/tags/{t}/" for t in TAG_SLUGS.values())]

    def stamp(self, when: datetime) -> str:
        return f"{when.day} {MONTHS[when.month - 1]} {when.year}, {when:%H:%M}"

    def page(self, base: str, title: str, main: str, *, head: str = "") -> str:
        nav = "".join(f'<li><a href="/{k}/">{esc(n)}</a></li>' for k, n in self.SECTIONS.items())
        feed = "".join(
            f'<div class="feed-item"><span class="feed-item__time">{s.published:%H:%M}</span>'
            f'<a href="{self.path_of(s)}">{"<b>Онлайн</b> " if s.kind == "live" else ""}{esc(s.title)}</a></div>'
            for s in self.listed()[:8]
        )
        return (
            f'<!DOCTYPE html><html lang="uk"><head><meta charset="utf-8"><title>{esc(title)}</title>{head}'
            f'<link rel="alternate" type="application/rss+xml" title="{esc(self.NAME)}" href="{base}/rss/"></head><body>'
            f'<header class="top"><a class="top__logo" href="/">{esc(self.NAME)}</a><ul class="top__menu">{nav}</ul>'
            '<a class="top__donate" href="/pidtrymaty/">Підтримати редакцію</a></header>'
            f'<div class="wrap"><div class="content">{main}</div>'
            f'<aside class="sidebar"><div class="news-feed"><h2 class="news-feed__title">{self.NEWS_FEED}</h2>{feed}</div></aside></div>'
            f'<footer class="bottom"><p>© 2026 {esc(self.NAME)}. Використання матеріалів дозволяється за умови посилання.</p>'
            '<a href="/pro-nas/">Про нас</a> <a href="/pravyla/">Правила</a></footer></body></html>'
        )

    def article(self, base: str, s: Story) -> str:
        live = s.kind == "live"
        if live:
            updates = [
                {
                    "@type": "BlogPosting",
                    "headline": text.split(". ")[0][:80],
                    "datePublished": iso(when),
                    "articleBody": text,
                }
                for when, text in self.order(s)
            ]
            ld = self.jsonld(
                base, s, "LiveBlogPosting", coverageStartTime=iso(s.published), liveBlogUpdate=updates
            )
            posts = "".join(
                f'<div class="live-post" id="post-{k}"><div class="live-post__time">{when:%H:%M}</div>'  # type: ignore[union-attr]
                f'<div class="live-post__text"><p>{esc(text)}</p></div>'
                '<button class="live-post__share">Поділитися</button></div>'
                for k, (when, text) in enumerate(self.order(s))
            )
            body = f'<div class="live-badge">Оновлюється</div><div class="live-blog">{posts}</div>'
        else:
            ld = self.jsonld(base, s)
            body = "".join(f"<p>{esc(text)}</p>" for _, text in self.order(s))
        head = f'<link rel="canonical" href="{base}{self.path_of(s)}"><meta property="og:type" content="article">{ld}'
        related = "".join(
            f'<li><a href="{self.path_of(r)}">{esc(r.title)}</a></li>' for r in self.related_of(s)
        )
        tags = "".join(f'<a href="/tags/{TAG_SLUGS[t]}/">{esc(t)}</a>' for t in s.tags)
        main = (
            f'<article class="post{" post--live" if live else ""}">'
            f'<h1 class="post__title">{esc(s.title)}</h1><div class="post__lead">{esc(s.lead)}</div>'
            f'<div class="post__meta"><span class="post__author">Автор: {esc(s.author)}</span> '
            f'<span class="post__date">{self.stamp(s.published)}</span></div>'
            f'<div class="post__text">{body}</div>'
            f'<div class="post__tags">{tags}</div>'
            f'<div class="read-more"><h3>{self.READ_ALSO}</h3><ul>{related}</ul></div>'
            '<div class="share">Поділитися: <a href="https://t.me/share/url">Telegram</a> <a href="https://www.facebook.com/sharer.php">Facebook</a></div>'
            "</article>"
        )
        return self.page(base, f"{s.title} | {self.NAME}", main, head=head)

    def listing(self, base: str, title: str, stories: list[Story], page: int, root: str) -> Reply | None:
        pages = max(1, -(-len(stories) // PER_PAGE))
        if page > pages or page < 1:
            return None
        items = "".join(
            f'<div class="article-card"><a href="{self.path_of(s)}">{esc(s.title)}</a><p>{esc(s.lead)}</p></div>'
            for s in stories[(page - 1) * PER_PAGE : page * PER_PAGE]
        )
        more = (
            f'<a class="pager__next" rel="next" href="{root}page/{page + 1}/">Наступна сторінка</a>'
            if page < pages
            else ""
        )
        return html(self.page(base, title, f"<h1>{esc(title)}</h1>{items}{more}"))

    def route(self, base: str, path: str, query: dict[str, str]) -> Reply | None:
        if path == "/robots.txt":
            return self.robots([], "/search/")
        if path == "/rss/":
            return self.rss(base, self.NAME, self.listed()[:10])
        if (story := self.find(path)) is not None:
            return html(self.article(base, story))
        page, root = 1, path
        if "/page/" in path:
            root, _, number = path.rstrip("/").rpartition("/page/")
            root += "/"
            page = int(number) if number.isdigit() else 0
        if root == "/":
            return self.listing(base, self.NAME, self.listed(), page, root)
        for key, name in self.SECTIONS.items():
            if root == f"/{key}/":
                return self.listing(base, name, self.listed(key), page, root)
        for tag, slug in TAG_SLUGS.items():
            if root == f"/tags/{slug}/":
                return self.listing(base, tag, [s for s in self.listed() if tag in s.tags], page, root)
        return None
