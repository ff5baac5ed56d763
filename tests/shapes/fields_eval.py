"""Article fields of a shape's pages, built in-process (no server, no crawl): each truth article's page is
asked of the shape's own handler, extracted and built into a record as the spider does, and compared with the
truth field by field (published instant, authors exact, subtitle, tags as a set)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from newsmon.extract.html import http_charset, parse_html
from newsmon.extract.page import extract_page
from newsmon.record import FetchInfo, build_record
from newsmon.sites import parse_site_config
from newsmon.urls import SiteScope

from .kit import Shape
from .scoring import body_scores

ORIGIN = "http://127.0.0.1:8"
HEADERS = {"Host": "127.0.0.1:8", "Cookie": "alf_bc=ok"}


def _norm(text: Any) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip()


@dataclass
class FieldScore:
    """Per-field counts of right records over ``total`` articles, and the wrong ones for debugging."""

    total: int = 0
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    wrong: dict[str, list[tuple[str, Any, Any]]] = field(default_factory=lambda: {f: [] for f in FIELDS})

    f1: list[float] = field(default_factory=list)

    def share(self, name: str) -> float:
        return self.right[name] / self.total if self.total else 0.0

    def line(self) -> str:
        shares = " ".join(f"{name} {self.share(name):.2f}" for name in FIELDS)
        return f"{shares} body-f1 {sum(self.f1) / max(1, len(self.f1)):.3f}"


FIELDS = ("published", "authors", "subtitle", "tags")


def record_of(site: Shape, path: str, fetched_at: datetime | None = None) -> dict[str, Any]:
    """The record the spider builds from the article at ``path`` (its first page), with the hand TOML's
    extraction options."""
    config = parse_site_config(tomllib.loads(site.hand_toml(ORIGIN)))
    options = config.extract_options()
    if fetched_at is not None:
        from dataclasses import replace

        options = replace(options, fetched_at=fetched_at)
    reply = site.handle(path, HEADERS)
    url = ORIGIN + path
    # decoded as the crawl decodes it (a non-UTF-8 shape declares its charset only in a meta)
    tree = parse_html(reply.body, encoding=http_charset(reply.content_type))
    page = extract_page(tree, url, options)
    record = build_record(page, FetchInfo(url=url), SiteScope.build(ORIGIN))
    return {
        name: getattr(record, name, None)
        for name in ("published_at", "authors", "subtitle", "tags", "source", "body")
    }


def score_fields(site: Shape, fetched_at: datetime | None = None) -> FieldScore:
    score = FieldScore()
    for path, art in site.truth().articles.items():
        record = record_of(site, path, fetched_at)
        score.total += 1
        score.f1.append(body_scores(art.body, record.get("body"))[2])
        got: dict[str, Any] = {
            "published": record.get("published_at"),
            "authors": tuple(_norm(a) for a in record.get("authors") or []),
            "subtitle": _norm(record.get("subtitle")),
            "tags": {_norm(t).casefold() for t in record.get("tags") or []},
        }
        want: dict[str, Any] = {
            "published": art.published,
            "authors": art.authors,
            "subtitle": _norm(art.subtitle),
            "tags": {t.casefold() for t in art.tags},
        }
        for name in FIELDS:
            if name == "published":
                try:
                    ok = datetime.fromisoformat(str(got[name])) == want[name]
                except ValueError:
                    ok = False
            else:
                ok = got[name] == want[name]
            score.right[name] += ok
            if not ok:
                score.wrong[name].append((path, got[name], want[name]))
    return score
