"""Scores a crawl's records against a shape's truth: pure functions, shared by `python -m bench sites` and
tests/test_shapes_corpus.py.

Body F1 is the metric of the shared extraction benchmark (../shared/tools/score_extraction.py, the one
tests/test_eval_gate.py gates on): token 4-gram shingles as multisets, per page precision and recall,
F1 of the two; it is re-implemented here in a few lines because that tool lives outside the repository.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from statistics import fmean
from typing import Any
from urllib.parse import urlsplit

from .kit import ShapeTruth

WORD = re.compile(r"\w+", re.UNICODE)
NGRAM = 4


def shingles(text: str | None) -> Counter[tuple[str, ...]]:
    tokens = WORD.findall(text or "")
    if not tokens:
        return Counter()
    if len(tokens) <= NGRAM:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + NGRAM]) for i in range(len(tokens) - NGRAM + 1))


def body_scores(true: str, predicted: str | None) -> tuple[float, float, float]:
    """(precision, recall, F1) of one page, as score_extraction.py scores a single page."""
    t, p = shingles(true), shingles(predicted)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    if fp == 0 and fn == 0:
        return 1.0, 1.0, 1.0
    if tp == 0:
        return 0.0, 0.0, 0.0
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    return precision, recall, 2 * precision * recall / (precision + recall)


def path_of(url: str | None) -> str:
    return urlsplit(url or "").path or "/"


def key_of(url: str | None, truth: ShapeTruth) -> str:
    """The truth path a URL stands for: its path, or its path and query when the shape's articles are told
    apart by the query (wadi's /News/Details.aspx?id=N), through the shape's aliases (?ID=N&cat=M)."""
    parts = urlsplit(url or "")
    full = f"{parts.path or '/'}?{parts.query}" if parts.query else parts.path or "/"
    if full in truth.articles:
        return full
    return truth.aliases.get(full, parts.path or "/")


def _instant(value: Any) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _norm(text: Any) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip()


@dataclass
class RunScore:
    """One crawl of a shape against its truth."""

    expected: int = 0
    found: int = 0
    extra: list[str] = field(default_factory=list)  # record paths that are no article, or a second record
    missing: list[str] = field(default_factory=list)
    f1: dict[str, float] = field(default_factory=dict)  # path -> body F1
    recall: dict[str, float] = field(default_factory=dict)  # path -> body shingle recall
    ra_tp: int = 0
    ra_fp: int = 0
    ra_fn: int = 0
    script_total: int = 0
    script_full: int = 0  # script-built articles whose record holds >= 95% of the story
    title: int = 0
    published: int = 0
    authors: int = 0
    subtitle: int = 0
    tags: int = 0
    paywall_flag: int = 0  # paywalled articles flagged is_accessible_for_free false
    paywall_total: int = 0
    amp_urls: int = 0  # records whose url is an AMP page

    @property
    def body_f1(self) -> float:
        return fmean(self.f1.values()) if self.f1 else 0.0

    @property
    def ra_precision(self) -> float:
        return self.ra_tp / (self.ra_tp + self.ra_fp) if self.ra_tp + self.ra_fp else 1.0

    @property
    def ra_recall(self) -> float:
        return self.ra_tp / (self.ra_tp + self.ra_fn) if self.ra_tp + self.ra_fn else 1.0

    def share(self, count: int) -> float:
        return count / self.found if self.found else 0.0


def score_run(truth: ShapeTruth, records: Sequence[Mapping[str, Any]]) -> RunScore:
    """Recall, extras, body F1, read_also precision/recall and the article fields of a first crawl."""
    score = RunScore(expected=len(truth.articles))
    seen: set[str] = set()
    for record in records:
        path = key_of(record.get("canonical_url") or record.get("url"), truth)
        art = truth.articles.get(path)
        if art is None or path in seen:
            score.extra.append(path)
            continue
        seen.add(path)
        score.found += 1
        _, recall, f1 = body_scores(art.body, record.get("body"))
        score.f1[path], score.recall[path] = f1, recall
        if art.script_built:
            score.script_full += recall >= 0.95
        got = {key_of(item.get("url"), truth) for item in record.get("read_also") or []}
        score.ra_tp += len(got & art.read_also)
        score.ra_fp += len(got - art.read_also)
        score.ra_fn += len(art.read_also - got)
        score.title += _norm(record.get("title")) == art.title
        published = _instant(record.get("published_at"))
        score.published += published is not None and published == art.published
        score.authors += tuple(_norm(a) for a in record.get("authors") or []) == art.authors
        score.subtitle += _norm(record.get("subtitle")) == _norm(art.subtitle)
        score.tags += {_norm(t).casefold() for t in record.get("tags") or []} == {
            t.casefold() for t in art.tags
        }
        if art.paywalled:
            score.paywall_flag += record.get("is_accessible_for_free") is False
        score.amp_urls += "amp" in path_of(record.get("url")).split("/") or path_of(
            record.get("url")
        ).endswith(".amp")
    score.script_total = sum(1 for a in truth.articles.values() if a.script_built)
    score.paywall_total = sum(1 for p in seen if truth.articles[p].paywalled)
    score.missing = sorted(set(truth.articles) - seen)
    return score


@dataclass
class ChangeScore:
    """A later run after one mutation: what it emitted, against the one record it should have emitted."""

    new: int = 0  # version-1 records of the expected path (publication: the new story)
    versions: int = 0  # records with version >= 2
    right_version: bool = False  # the edited article came back as a new version
    other: list[str] = field(default_factory=list)  # every record but the expected one

    @property
    def late(self) -> int:
        """Version-1 records of other articles: ones an earlier run should have emitted."""
        return sum(1 for item in self.other if item.endswith(" v1"))


def change_path(record: Mapping[str, Any], expected_path: str) -> str:
    """The path a later run's record is compared with expected_path by: with the query when the shape's
    articles are told apart by it (wadi)."""
    parts = urlsplit(record.get("canonical_url") or record.get("url") or "")
    path = parts.path or "/"
    if "?" in expected_path and parts.query:
        path = f"{path}?{parts.query}"
    return path


def score_change(records: Iterable[Mapping[str, Any]], expected_path: str, *, edit: bool) -> ChangeScore:
    score = ChangeScore()
    for record in records:
        path = change_path(record, expected_path)
        version = int(record.get("version") or 1)
        if version >= 2:
            score.versions += 1
        if path == expected_path and (version >= 2) == edit:
            if edit:
                score.right_version = True
            else:
                score.new += 1
            continue
        score.other.append(f"{path} v{version}")
    return score


def edit_alone(first_body: str | None, later_body: str | None, before: str, after: str) -> bool:
    """Whether a new version's body differs from the first version's only by what the edit changed in the
    truth (`before` and `after`: the article's truth body either side of the edit). A publication crawled
    in the same run as the edit that also reached the edited article's body (the new story's teaser in a
    block the extraction kept) would give that article a version of its own, hidden behind the edit's:
    this tells the two apart. Paragraphs the edit removed are taken out of the first body, the ones it
    wrote out of the new one; the rest must be the same text."""
    removed = set(before.split("\n\n")) - set(after.split("\n\n"))
    written = set(after.split("\n\n")) - set(before.split("\n\n"))

    def rest(body: str | None, paragraphs: set[str]) -> str:
        text = body or ""
        for paragraph in sorted(paragraphs, key=len, reverse=True):
            text = text.replace(paragraph, " ")
        return " ".join(text.split())

    return first_body is not None and rest(first_body, removed) == rest(later_body, written)
