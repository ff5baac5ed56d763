"""Article URL patterns generalised from example paths, and hub patterns from the non-article paths seen.

Pure: paths in, regular expressions and the reasons for them out. The generalisation works on path
segments, never on a list of known site shapes:

1. Example paths are grouped by segment count and by which segments are all digits.
2. A segment that takes few distinct values over many examples (a section name, a language code, a
   literal such as ``stories``) splits its group by value: ``/stories/...`` and a stray ``/topics/...``
   are different shapes even with the same segment count.
3. Each group's segments are generalised: one value stays a literal; digit runs become ``\\d{4}`` (years),
   ``\\d{1,2}`` (months, days) or ``\\d+`` (ids); a segment with a common head or tail of digits,
   separators or literals (``2024-05-01-``, ``-48213``, ``.html``) keeps it and the varying rest becomes
   ``[^/]+``; short same-length lowercase codes (``en``, ``uk``) become ``[a-z]{2}``.
   Where the general form matches a hub page and every value of a slug segment holds several words
   (``el-senado-vota`` against the hub ``nacional``), the slug keeps its separator (``[^/]+-[^/]+``).
4. Groups that differ in one segment only are merged (``/news/1``, ``/sport/2`` -> ``/[^/]+/\\d+``), unless
   the merged form matches a known hub page: then that segment lists its values instead.
5. Groups with too few examples (a hub a feed lists, an "about" page in a sitemap) are left out and
   reported; a group still matching a hub page is left out too.

The result is RE2 syntax (``newsmon.sites.site_pattern``: no lookaround, no backreference) and never nests
quantifiers: each segment is a flat sequence.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urldefrag, urlencode, urlsplit, urlunsplit

logger = logging.getLogger(__name__)

SLUG = "[^/]+"
MAX_CHOICES = 8  # a segment listing more values than this is not a set of sections
MIN_SUPPORT_SHARE = 0.1  # a shape must hold this share of the examples (and at least MIN_SUPPORT of them)
MIN_SUPPORT = 2
LITERAL_SHARE = 4  # a segment with at most one distinct value per this many examples is literal-like
MAX_SPLIT = 32  # a literal-like segment with more values than this does not split its group
_TOKEN = re.compile(r"\d+|[^\W\d_]+|.", re.UNICODE)
_CODE = re.compile(r"[a-z]{2,3}")


@dataclass(frozen=True)
class Sample:
    """One example path cut into segments."""

    path: str
    segments: tuple[str, ...]
    slash: bool  # ends with "/"
    query_keys: tuple[str, ...] = ()

    @classmethod
    def of(cls, url_or_path: str) -> Sample:
        parts = urlsplit(url_or_path)
        path = parts.path or "/"
        segments = tuple(s for s in path.split("/") if s)
        keys = tuple(sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}))
        return cls(path, segments, path.endswith("/") and bool(segments), keys)


def _query(query: str) -> dict[str, str]:
    """A query's keys (casefolded: ``?ID=`` and ``?id=`` name one parameter) and first values."""
    values: dict[str, str] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        values.setdefault(key.casefold(), value)
    return values


def identifying_keys(urls: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Path -> the query keys that tell apart the pages sharing that path (``?id=N`` on
    ``/News/Details.aspx``, ``?no=N`` on ``/view.php``), learned from the site's own example URLs: at a path
    two or more examples differ in their query, a key whose values are mostly distinct (a page id, not a
    section) identifies; the fewest such keys, most values first, that tell the examples apart."""
    queries: dict[str, set[str]] = {}
    for url in urls:
        parts = urlsplit(url)
        if parts.query:
            queries.setdefault(parts.path or "/", set()).add(parts.query)
    found: dict[str, tuple[str, ...]] = {}
    for path, seen in queries.items():
        if len(seen) < 2:
            continue
        parsed = [_query(q) for q in seen]
        values: dict[str, set[str]] = {}
        present: Counter[str] = Counter()
        for query in parsed:
            for key, value in query.items():
                values.setdefault(key, set()).add(value)
                present[key] += 1
        candidates = sorted(
            (k for k, v in values.items() if len(v) >= 2 and 2 * len(v) >= present[k]),
            key=lambda k: (-len(values[k]), k),
        )
        keys: list[str] = []
        told = 1
        for key in candidates:
            tuples = len({tuple(q.get(k) for k in [*keys, key]) for q in parsed})
            if tuples <= told:
                break
            keys.append(key)
            told = tuples
        if keys:
            found[path] = tuple(keys)
    return found


@dataclass(frozen=True)
class PageIds:
    """How the site tells its pages apart: by path, and at the paths where its pages differ by a query
    parameter only (``identifying_keys``), by path and that parameter. discover compares pages and links
    by this identity wherever it would compare paths (a ``?share=`` link is still the page itself)."""

    keys: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def of(self, url: str) -> str:
        """The page identity of a URL or path: its path, plus its identifying query when the path has one."""
        parts = urlsplit(url)
        path = parts.path or "/"
        wanted = self.keys.get(path)
        if not wanted or not parts.query:
            return path
        query = _query(parts.query)
        picked = [(key, query[key]) for key in wanted if key in query]
        return f"{path}?{urlencode(picked)}" if picked else path

    def url(self, url: str) -> str:
        """The URL without its fragment; at a query-identified path, with its identifying query only
        (``?ID=5&cat=3`` -> ``?id=5``), so two links to one page compare equal."""
        url = urldefrag(url).url
        parts = urlsplit(url)
        if not parts.query or not self.keys.get(parts.path or "/"):
            return url
        own = self.of(url)
        path, _, query = own.partition("?")
        return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def literal(text: str) -> str:
    """``re.escape`` without the needless backslash before ``-`` (never inside a class here)."""
    return re.escape(text).replace("\\-", "-")


def _date_parts_after(rule: str, left: int) -> int:
    """Month/day numbers that may still follow: two after a year, one fewer after each, none after words."""
    if rule == r"\d{4}":
        return 2
    if rule.startswith(r"\d"):
        return max(0, left - 1)
    return left if not rule[-1:].isalnum() else 0


def _digit_rule(runs: Sequence[str], after_year: bool = False) -> str:
    """Digits: a year; a month or day (at most two digits, after a year); else an id, which grows, so never
    a fixed length."""
    lengths = {len(r) for r in runs}
    if lengths == {4} and all(r.isascii() and 1900 <= int(r) <= 2099 for r in runs):
        return r"\d{4}"
    if after_year and max(lengths) <= 2:
        low, high = min(lengths), max(lengths)
        return rf"\d{{{low}}}" if low == high else rf"\d{{{low},{high}}}"
    return r"\d+"


def _token_rule(tokens: Sequence[str], allow_words: bool, after_year: bool) -> str | None:
    """The rule for one token position shared by every value, or None where they stop agreeing."""
    if all(t.isdigit() for t in tokens):
        return _digit_rule(tokens, after_year)
    first = tokens[0]
    if all(t == first for t in tokens) and (allow_words or not first[0].isalnum()):
        return literal(first)
    return None


def generalise_segment(values: Sequence[str], date_parts: int = 0) -> str:
    """A regex for one path segment that every value matches (see the module docstring, step 3);
    ``date_parts``: how many month/day numbers may follow (a year came just before, in the path)."""
    distinct = sorted(set(values))
    if all(v.isdigit() for v in distinct):  # never a literal: next year's articles have another
        return _digit_rule(distinct, date_parts > 0)
    if len(distinct) == 1:
        return literal(distinct[0])
    if len({len(v) for v in distinct}) == 1 and all(_CODE.fullmatch(v) for v in distinct):
        return f"[a-z]{{{len(distinct[0])}}}"
    tokens = [_TOKEN.findall(v) for v in distinct]
    allow_words = len(distinct) >= 3  # two slugs sharing a last word say nothing
    head: list[str] = []
    while all(len(t) > len(head) for t in tokens):
        rule = _token_rule([t[len(head)] for t in tokens], allow_words, date_parts > 0)
        if rule is None:
            break
        head.append(rule)
        date_parts = _date_parts_after(rule, date_parts)
    tail: list[str] = []
    while all(len(t) > len(head) + len(tail) for t in tokens):
        rule = _token_rule([t[-1 - len(tail)] for t in tokens], allow_words, False)
        if rule is None:
            break
        tail.insert(0, rule)
    middles = [len(t) - len(head) - len(tail) for t in tokens]
    if not head and not tail:
        return SLUG
    middle = "" if max(middles) == 0 else (SLUG if min(middles) > 0 else "[^/]*")
    return "".join(head) + middle + "".join(tail)


def choice(values: Iterable[str]) -> str:
    """An alternation of literal values (not quantified)."""
    return "(?:" + "|".join(literal(v) for v in sorted(set(values))) + ")"


@dataclass
class Shape:
    """A group of example paths of one shape and its regex (without anchors)."""

    samples: list[Sample]
    rules: list[str] = field(default_factory=list)
    note: str = ""
    urls: int = 0  # example URLs it stands for (several per path where pages differ by query); 0: one each

    @property
    def size(self) -> int:
        return len(self.samples)

    @property
    def length(self) -> int:
        return len(self.samples[0].segments)

    def values(self, position: int) -> list[str]:
        return [s.segments[position] for s in self.samples]

    def regex(self) -> str:
        if not self.rules:
            return "/"
        slash = "/?" if any(s.slash for s in self.samples) else ""
        return "/" + "/".join(self.rules) + slash

    def matches(self, path: str) -> bool:
        return re.fullmatch(self.regex(), path) is not None

    def examples(self, count: int = 2) -> list[str]:
        return [s.path for s in self.samples[:count]]


@dataclass
class PatternResult:
    """The article pattern and what it was made of: kept shapes, rejected ones and why."""

    pattern: str | None
    shapes: list[Shape]
    rejected: list[tuple[Shape, str]]
    notes: list[str]
    examples: int
    hubs_among_examples: list[str] = field(default_factory=list)  # example paths that are hub pages
    ids: PageIds = field(default_factory=PageIds)  # how pages are told apart (path, identifying query)

    def matches(self, path: str) -> bool:
        return self.pattern is not None and re.search(self.pattern, path) is not None


def _key(sample: Sample) -> tuple[int, tuple[bool, ...]]:
    return len(sample.segments), tuple(s.isdigit() for s in sample.segments)


def _split_by_literals(samples: list[Sample]) -> list[list[Sample]]:
    """Step 2: split a group on its literal-like segments (few distinct values over many examples)."""
    length = len(samples[0].segments)
    literal_like = []
    for position in range(length):
        values = [s.segments[position] for s in samples]
        counts = Counter(values)
        if values[0].isdigit() or len(counts) == 1 or len(values) < LITERAL_SHARE or len(counts) > MAX_SPLIT:
            continue
        top = counts.most_common(1)[0][1]
        if len(counts) * LITERAL_SHARE <= len(values) or top * LITERAL_SHARE >= (LITERAL_SHARE - 1) * len(
            values
        ):
            literal_like.append(position)
    groups: dict[tuple[str, ...], list[Sample]] = {}
    for sample in samples:
        groups.setdefault(tuple(sample.segments[p] for p in literal_like), []).append(sample)
    return list(groups.values())


def _hits(regex: str, negatives: Collection[str]) -> list[str]:
    compiled = re.compile(regex)
    return [path for path in negatives if compiled.fullmatch(path)]


def _build(samples: list[Sample], negatives: Collection[str], choices: set[int] | None = None) -> Shape:
    """Generalise every segment; where the general form matches a hub, list the segment's values."""
    shape = Shape(samples)
    length = shape.length
    shape.rules = []
    date_parts = 0
    for position in range(length):
        rule = generalise_segment(shape.values(position), date_parts)
        shape.rules.append(rule)
        date_parts = _date_parts_after(rule, date_parts) if rule.startswith(r"\d") else 0
    for position in sorted(choices or ()):
        shape.rules[position] = choice(shape.values(position))
    if not _hits(shape.regex(), negatives):
        return shape
    for position, rule in enumerate(shape.rules):  # slugs of several words against one-word hub names
        sep = next((c for c in "-_" if all(c in v.strip(c) for v in shape.values(position))), None)
        if rule == SLUG and sep is not None:
            shape.rules[position] = f"[^/]+{sep}[^/]+"
            shape.note = "slug segment of several words (the general form matched one-word hub pages)"
    if not _hits(shape.regex(), negatives):
        return shape
    listed = "segment values listed: the general form matched hub pages"
    for position in range(length):  # specialise: widest segments first would be guesswork; go in order
        values = set(shape.values(position))
        if len(values) > 1 and len(values) <= MAX_CHOICES and not all(v.isdigit() for v in values):
            shape.rules[position] = choice(values)
            if listed not in shape.note:
                shape.note = f"{shape.note}; {listed}" if shape.note else listed
            if not _hits(shape.regex(), negatives):
                break
    return shape


def _differences(a: Shape, b: Shape) -> list[int]:
    """Positions where one shape's rule does not accept the other's values."""
    out = []
    for position in range(a.length):
        ra, rb = re.compile(a.rules[position]), re.compile(b.rules[position])
        if not all(ra.fullmatch(v) for v in b.values(position)) or not all(
            rb.fullmatch(v) for v in a.values(position)
        ):
            out.append(position)
    return out


def _merge_all(shapes: list[Shape], negatives: Collection[str]) -> list[Shape]:
    """Step 4: merge same-length shapes differing in one segment, biggest pairs first."""
    refused: set[tuple[int, int]] = set()  # pairs (by id) whose merge matched a hub page
    while True:
        pairs = []
        for i, a in enumerate(shapes):
            for j in range(i + 1, len(shapes)):
                b = shapes[j]
                if _key(a.samples[0]) != _key(b.samples[0]) or (id(a), id(b)) in refused:
                    continue
                diff = _differences(a, b)
                if len(diff) <= 1:
                    pairs.append((a.size + b.size, i, j, diff))
        merged = None
        for _, i, j, diff in sorted(pairs, key=lambda p: -p[0]):
            a, b = shapes[i], shapes[j]
            listed = {p for p, rule in enumerate(a.rules) if rule.startswith("(?:")}
            listed |= {p for p, rule in enumerate(b.rules) if rule.startswith("(?:")}
            candidate = _build(a.samples + b.samples, negatives, listed - set(diff) or None)
            if _hits(candidate.regex(), negatives):
                refused.add((id(a), id(b)))
                continue
            merged = (i, j, candidate)
            break
        if merged is None:
            return shapes
        i, j, candidate = merged
        shapes = [s for k, s in enumerate(shapes) if k not in (i, j)] + [candidate]


def generalise(urls: Iterable[str], negatives: Iterable[str] = ()) -> PatternResult:
    """The article pattern for example URLs or paths (``urls``), matching none of ``negatives`` (paths of
    hub pages: home, listings, tag/author pages). None when no shape has enough examples."""
    urls = list(urls)
    ids = PageIds(identifying_keys(urls))
    hubs = {Sample.of(n).path for n in negatives}
    seen: dict[str, Sample] = {}
    query_only: Counter[str] = Counter()
    query_keys: dict[str, set[str]] = {}
    dropped: list[str] = []
    for url in urls:
        sample = Sample.of(url)
        if not sample.segments or sample.path in hubs:
            if sample.segments and sample.path not in dropped:
                dropped.append(sample.path)
            continue
        query_keys.setdefault(sample.path, set()).update(sample.query_keys)
        if sample.path in seen and sample.query_keys:
            query_only[sample.path] += 1
        seen.setdefault(sample.path, sample)
    samples = list(seen.values())
    notes: list[str] = []
    for path, count in query_only.items():
        keys = ", ".join(sorted(query_keys[path]))
        told = ", ".join(ids.keys.get(path, ())) or "none of its keys"
        notes.append(
            f"{count + 1} example URLs differ only in their query ({keys}) on {path}, pages told apart by "
            f"{told}: article_pattern sees the path only, so every page at that path counts as an article"
        )
    groups: dict[tuple[int, tuple[bool, ...]], list[Sample]] = {}
    for sample in samples:
        groups.setdefault(_key(sample), []).append(sample)
    shapes = [_build(part, hubs) for group in groups.values() for part in _split_by_literals(group)]
    shapes = sorted(_merge_all(shapes, hubs), key=lambda s: -s.size)
    total = sum(query_only.values()) + len(samples)
    support = max(MIN_SUPPORT, math.ceil(MIN_SUPPORT_SHARE * total))
    kept: list[Shape] = []
    rejected: list[tuple[Shape, str]] = []
    for shape in shapes:
        size = shape.size + sum(query_only.get(s.path, 0) for s in shape.samples)
        shape.urls = size
        hit = _hits(shape.regex(), hubs)
        if size < support:
            rejected.append((shape, f"only {size} of {total} examples (need {support})"))
        elif hit:
            rejected.append((shape, f"matches hub page {hit[0]}"))
        else:
            kept.append(shape)
    pattern = None
    if kept:
        body = kept[0].regex() if len(kept) == 1 else "(?:" + "|".join(s.regex() for s in kept) + ")"
        pattern = f"^{body}$"
    logger.debug("Pattern %s from %d examples (%d shapes kept)", pattern, total, len(kept))
    return PatternResult(pattern, kept, rejected, notes, total, dropped, ids)
