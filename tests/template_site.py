"""Harbour Courier: an invented news site whose article pages carry a section block that changes whenever
the site publishes (tests of the site template learning, newsmon/extract/template.py).

URL layout (https://harbourcourier.example, served by SiteServer on 127.0.0.1):
  /                        home: navigation, every story's title link (newest first), footer
  /section/<slug>/         a section's listing: its stories' title links
  /story/<id>-<slug>       article: headline, byline, date, paragraphs, tag links, then (inside the
                           article) "More from <Section>": cards of the section's four latest other stories
                           (title link and a one-sentence teaser), then a site-wide "Most read" box, a
                           newsletter box and the footer
The model is mutable: ``publish`` adds a story (every article of its section then shows it in its block),
``edit`` changes one paragraph of one story. The prose is invented.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.site_server import SiteServer

ORIGIN = "https://harbourcourier.example"
CONFIG = Path(__file__).with_name("template_site.toml")
SECTIONS = {"city": "City", "sport": "Sport", "money": "Money"}
SUBJECTS = {
    "city": ["the ferry timetable", "the library wing", "the tram depot", "the sea wall", "a night market"],
    "sport": ["the rowing club", "the junior league", "the marathon route", "the ice rink", "a chess derby"],
    "money": ["the fish auction", "a shipyard order", "the port fees", "the bakery chain", "a credit union"],
}  # fmt: skip
VERBS = ["reopens", "doubles", "changes", "wins", "delays"]
TEXT = "text/html; charset=utf-8"


@dataclass
class Story:
    id: int
    section: str
    title: str
    teaser: str
    paragraphs: list[str]
    published: datetime
    tags: tuple[str, ...]

    @property
    def path(self) -> str:
        slug = "-".join(self.title.lower().split()[:4])
        return f"/story/{self.id}-{''.join(c for c in slug if c.isalnum() or c == '-')}"


@dataclass
class Site:
    stories: list[Story] = field(default_factory=list)

    def by_path(self) -> dict[str, Story]:
        return {s.path: s for s in self.stories}

    def latest(self, section: str, but: Story | None = None, count: int = 4) -> list[Story]:
        same = [s for s in self.stories if s.section == section and s is not but]
        return sorted(same, key=lambda s: s.published, reverse=True)[:count]

    def publish(self, section: str) -> Story:
        story = _story(len(self.stories) + 1, section, 0, datetime.now(UTC))
        self.stories.append(story)
        return story

    def edit(self, story: Story) -> None:
        story.paragraphs[1] = (
            f"Update: officials later said the plan for {story.title.lower()} would need a second vote, "
            "which is now expected before the end of the month at the earliest."
        )


def _story(number: int, section: str, index: int, published: datetime) -> Story:
    subject = SUBJECTS[section][(number + index) % 5]
    verb = VERBS[number % 5]
    title = f"{subject.capitalize()} {verb} after {number * 3} weeks of talks"
    paragraphs = [
        f"Residents learned on the {number + 2}th that {subject} {verb} after long talks between the council "
        f"and {number + 4} local groups, a decision welcomed by most who spoke to us.",
        f"The cost, put at {number * 11} thousand, will be shared between the port fund and the city, "
        f"and the work on {subject} should take about {number + 1} months in all.",
        f"Critics said the plan for {subject} left open who pays for upkeep; a review is due in "
        f"{number % 9 + 2} years, and the minutes of the meeting run to {number * 7} pages.",
        f"Story number {number} closes with thanks to the {number % 4 + 2} volunteers who counted the votes.",
    ]
    teaser = f"Why {subject} matters to the {number + 10} households on the east quay."
    tags = (SECTIONS[section], subject.split()[-1].capitalize())
    return Story(number, section, title, teaser, paragraphs, published, tags)


def build_site(per_section: int = 4) -> Site:
    site = Site()
    start = datetime.now(UTC) - timedelta(hours=10)
    number = 0
    for index in range(per_section):
        for section in SECTIONS:
            number += 1
            site.stories.append(_story(number, section, index, start + timedelta(minutes=17 * number)))
    return site


def _page(title: str, main: str, extra_head: str = "") -> str:
    nav = "".join(f'<li><a href="/section/{slug}/">{name}</a></li>' for slug, name in SECTIONS.items())
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{html.escape(title)}</title>"
        f"{extra_head}</head><body><header class=site-header><a class=logo href=/>Harbour Courier</a>"
        f"<nav class=main-nav><ul><li><a href=/>Home</a></li>{nav}</ul></nav></header>"
        f"<div class=wrap>{main}</div>"
        "<footer class=site-footer><p>Harbour Courier is written by people who live by the water.</p>"
        '<p><a href="/about/">About us</a> <a href="/contact/">Contact</a></p></footer></body></html>'
    )


def _links(stories: list[Story]) -> str:
    return "".join(f'<li><a href="{s.path}">{html.escape(s.title)}</a></li>' for s in stories)


def _teasers(stories: list[Story]) -> str:
    return "".join(
        f'<article class=teaser><h2><a href="{s.path}">{html.escape(s.title)}</a></h2></article>'
        for s in stories
    )


def home(site: Site) -> str:
    stories = sorted(site.stories, key=lambda s: s.published, reverse=True)
    return _page("Harbour Courier", f"<main><h1>Today</h1>{_teasers(stories)}</main>")


def section_page(site: Site, section: str) -> str:
    stories = site.latest(section, count=100)
    return _page(SECTIONS[section], f"<main><h1>{SECTIONS[section]}</h1>{_teasers(stories)}</main>")


def most_read(site: Site) -> str:
    picks = sorted(site.stories, key=lambda s: s.id)[:3]
    return f"<aside class=most-read><h2>Most read</h2><ol>{_links(picks)}</ol></aside>"


def article(site: Site, story: Story) -> str:
    cards = "".join(
        f'<div class=card><h3><a href="{s.path}">{html.escape(s.title)}</a></h3>'
        f"<p>{html.escape(s.teaser)}</p></div>"
        for s in site.latest(story.section, but=story)
    )
    tags = " ".join(f'<a rel=tag href="/tag/{t.lower()}/">{t}</a>' for t in story.tags)
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in story.paragraphs)
    when = story.published.isoformat(timespec="seconds")
    jsonld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.title,
        "datePublished": when,
        "author": {"@type": "Person", "name": "Mira Holm"},
    }
    head = f'<script type="application/ld+json">{json.dumps(jsonld)}</script>'
    main = (
        f"<main><article class=story><h1>{html.escape(story.title)}</h1>"
        f'<p class=byline>By Mira Holm, <time datetime="{when}">{story.published:%d %B %Y}</time></p>'
        f"<div class=story-body>{paragraphs}</div><div class=tags>Tags: {tags}</div>"
        f"<section class=more><h2>More from {SECTIONS[story.section]}</h2>{cards}</section>"
        f"</article></main>{most_read(site)}"
        "<div class=signup><h2>The morning letter</h2><p>Get the harbour news in your inbox before the first "
        "ferry leaves, every weekday.</p></div>"
    )
    return _page(story.title, main, head)


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str = TEXT
    headers: dict[str, str] = field(default_factory=dict)


def handler(site: Site) -> Any:
    def respond(target: str, headers: Mapping[str, str]) -> Reply:
        path = target.split("?", 1)[0]
        if path == "/":
            return Reply(200, home(site).encode())
        if path.startswith("/section/"):
            slug = path.strip("/").split("/")[-1]
            if slug in SECTIONS:
                return Reply(200, section_page(site, slug).encode())
        story = site.by_path().get(path)
        if story is not None:
            return Reply(200, article(site, story).encode())
        return Reply(404, b"<html><body><h1>Not found</h1></body></html>")

    return respond


@contextmanager
def serve(site: Site) -> Iterator[SiteServer]:
    with SiteServer(handler(site)) as server:
        yield server
