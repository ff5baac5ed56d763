"""Der Rheinbote: a German news site whose pages are all built by a script (Europe/Berlin), for
`newsmon discover --browser`. Invented after the rules were chosen.

Every HTML page is the same empty shell (a title, ``<div id="app">``, ``/app.js``); the script asks
``/api/seite.json?pfad=<path>`` (same origin) what the page holds and writes it: the menu, teasers, or the
article (JSON-LD with its date, paragraphs, a "Mehr zum Thema" list, a "Neueste Meldungen" list in the side
column). It also calls a tracker on another origin (``tracker``), which the discovery must never reach.

URL layout:
  /artikel/<id>/<slug>            article (24)           /ressort/<name>   4 section listings (the menu)
  /                               home (10 newest)       no feed, no sitemap
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from tests.site_server import SiteServer

from .common import TEXT, Reply, Words, esc, headline, html, iso, paragraphs, slugify

ZONE = ZoneInfo("Europe/Berlin")
NAME = "Der Rheinbote"
SECTIONS = {"politik": "Politik", "wirtschaft": "Wirtschaft", "kultur": "Kultur", "sport": "Sport"}
READ_ALSO = "Mehr zum Thema"
NEWS_FEED = "Neueste Meldungen"
JSON = "application/json; charset=utf-8"
JS = "text/javascript; charset=utf-8"
WORDS = Words(
    subjects=["Der Stadtrat", "Die Landesregierung", "Anwohner in Deutz", "Der Ruderverein", "Das Ministerium",
              "Das Schauspielhaus", "Die Verkehrsbetriebe", "Schüler"],
    verbs=["kündigt an", "verschiebt", "genehmigt", "kritisiert", "eröffnet", "plant"],
    objects=["eine neue Brücke", "die Sanierung des Ufers", "den Kulturetat", "eine Straßenbahnlinie",
             "die Markthalle", "ein Sommerfest", "ein Ärztehaus"],
    places=["in Köln", "in Bonn", "in Neuss", "in Koblenz", "in Mainz", "in Leverkusen"],
    sentences=[
        "{subject} teilte mit, dass {object} {place} rund {number} Millionen Euro kosten soll.",
        "Nach Angaben von {subject} gingen zu dem Vorhaben {number} Einwände ein.",
        "Ob {object} {place} noch in diesem Jahr kommt, entscheidet sich nach {number} Tagen Anhörung.",
        "Am Montag nahm {subject} {number} Anträge auf Fördergeld entgegen.",
        "Fachleute schätzen, dass {object} {place} täglich etwa {number} Menschen nutzen werden.",
    ],
)  # fmt: skip

APP = """
(async () => {
  const path = location.pathname;
  try { fetch(TRACKER + "/pixel?p=" + encodeURIComponent(path)).catch(() => {}); } catch (e) {}
  const data = await (await fetch("/api/seite.json?pfad=" + encodeURIComponent(path))).json();
  const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const menu = data.menu.map((m) => `<li><a href="${m.url}">${esc(m.name)}</a></li>`).join("");
  const latest = data.latest.map((a) => `<li><a href="${a.url}">${esc(a.title)}</a></li>`).join("");
  let main = "";
  if (data.article) {
    const a = data.article;
    const ld = document.createElement("script");
    ld.type = "application/ld+json";
    ld.textContent = JSON.stringify({"@context": "https://schema.org", "@type": "NewsArticle",
      "headline": a.title, "datePublished": a.published});
    document.head.appendChild(ld);
    const paras = a.paragraphs.map((p) => `<p>${esc(p)}</p>`).join("");
    const more = a.related.map((r) => `<li><a href="${r.url}">${esc(r.title)}</a></li>`).join("");
    main = `<article><h1>${esc(a.title)}</h1><p class="zeit">${esc(a.shown)}</p>${paras}` +
      `<section class="mehr"><h3>${data.readAlso}</h3><ul>${more}</ul></section></article>`;
  } else {
    main = `<h1>${esc(data.title)}</h1>` + data.teasers.map((t) =>
      `<div class="teaser"><h2><a href="${t.url}">${esc(t.title)}</a></h2><p>${esc(t.lead)}</p></div>`).join("");
  }
  document.getElementById("app").innerHTML =
    `<header><a href="/">${data.name}</a><nav><ul>${menu}</ul></nav></header>` +
    `<main>${main}</main><aside><h3>${data.newsFeed}</h3><ul>${latest}</ul></aside>`;
})();
"""


@dataclass(frozen=True)
class Article:
    id: int
    title: str
    published: datetime
    section: str
    paragraphs: tuple[str, ...]

    @property
    def path(self) -> str:
        return f"/artikel/{self.id}/{slugify(self.title)}"


class SkriptSite:
    def __init__(self, tracker: str) -> None:
        self.tracker = tracker
        start = datetime(2026, 3, 20, 7, 5, tzinfo=ZONE)  # summer time from 29 March
        sections = list(SECTIONS)
        self.articles = [
            Article(
                id=8100 + i * 3,
                title=headline(WORDS, i),
                published=start + timedelta(days=i, hours=(i * 5) % 9, minutes=(i * 7) % 60),
                section=sections[i % 4],
                paragraphs=tuple(paragraphs(WORDS, 500 + i)),
            )
            for i in range(24)
        ]
        self.by_path = {a.path: a for a in self.articles}

    def newest(self) -> list[Article]:
        return sorted(self.articles, key=lambda a: a.published, reverse=True)

    def related(self, a: Article) -> list[Article]:
        i = self.articles.index(a)
        return [self.articles[(i + 5) % 24], self.articles[(i + 11) % 24]]

    def hubs(self) -> set[str]:
        return {"/", *(f"/ressort/{s}" for s in SECTIONS)}

    def shell(self, title: str) -> str:
        return (
            f'<!DOCTYPE html>\n<html lang="de-DE">\n<head>\n<meta charset="utf-8">\n<title>{esc(title)}</title>\n'
            f'<script src="/app.js" defer></script>\n</head>\n<body><div id="app"></div>\n'
            "<noscript>Bitte JavaScript einschalten.</noscript></body>\n</html>\n"
        )

    def data(self, path: str) -> dict[str, object] | None:
        teaser = lambda a: {"url": a.path, "title": a.title, "lead": a.paragraphs[0][:80]}  # noqa: E731
        out: dict[str, object] = {
            "name": NAME, "readAlso": READ_ALSO, "newsFeed": NEWS_FEED,
            "menu": [{"url": f"/ressort/{s}", "name": n} for s, n in SECTIONS.items()],
            "latest": [{"url": a.path, "title": a.title} for a in self.newest()[:5]],
        }  # fmt: skip
        if (a := self.by_path.get(path)) is not None:
            out["article"] = {
                "title": a.title, "published": iso(a.published), "shown": f"{a.published:%d.%m.%Y, %H:%M} Uhr",
                "paragraphs": list(a.paragraphs),
                "related": [{"url": r.path, "title": r.title} for r in self.related(a)],
            }  # fmt: skip
        elif path == "/":
            out |= {"title": NAME, "teasers": [teaser(a) for a in self.newest()[:10]]}
        elif path.startswith("/ressort/") and path[9:] in SECTIONS:
            found = [a for a in self.newest() if a.section == path[9:]]
            out |= {"title": SECTIONS[path[9:]], "teasers": [teaser(a) for a in found]}
        else:
            return None
        return out

    def handle(self, target: str, headers: Mapping[str, str]) -> Reply:
        parts = urlsplit(target)
        path = parts.path or "/"
        if path == "/robots.txt":
            return Reply(200, b"User-agent: *\nAllow: /\n", TEXT)
        if path == "/app.js":
            return Reply(200, f"const TRACKER = {json.dumps(self.tracker)};\n{APP}".encode(), JS)
        if path == "/api/seite.json":
            wanted = (parse_qs(parts.query).get("pfad") or ["/"])[0]
            data = self.data(wanted)
            return Reply(200 if data else 404, json.dumps(data or {}).encode(), JSON)
        if self.data(path) is not None:
            a = self.by_path.get(path)
            return html(self.shell(a.title if a else NAME))
        return html(self.shell("Nicht gefunden"), 404)


@contextmanager
def serve() -> Iterator[SiteServer]:
    with SiteServer(lambda target, headers: Reply(204, b"", TEXT)) as tracker:
        site = SkriptSite(tracker.base_url)
        with SiteServer(site.handle) as server:
            server.site = site
            server.tracker = tracker
            yield server
