"""Hub patterns from the non-article paths seen (home, listings, tag/author pages, pagination, feeds): a first
path segment only hubs use becomes a prefix, a hub sharing its segment with articles is matched exactly, a
listing's next page gives a pagination rule. Pure: paths and reasons in, patterns and reasons out."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from newsmon.onboard.patterns import Sample, choice, literal


@dataclass(frozen=True)
class HubRule:
    pattern: str
    why: str


def _generalise_path(path: str) -> str:
    """An exact hub path, digit runs generalised, anchored: ``/news/page/2/`` -> ``^/news/page/\\d+/?$``."""
    sample = Sample.of(path)
    body = "/".join(r"\d+" if s.isdigit() else literal(s) for s in sample.segments)
    return f"^/{body}/?$" if body else "^/?$"


def pagination_rule(listing: str, next_page: str) -> str | None:
    """What a listing's next page adds or changes in the path, generalised and anchored at the end:
    ``/category/x/`` -> ``/category/x/page/2/`` and ``/page/2/`` -> ``/page/3/`` give ``/page/\\d+/?$``.
    None when the page number is not in the path (``?page=2``)."""
    first, second = Sample.of(listing), Sample.of(next_page)
    a, b = first.segments, second.segments
    if b[: len(a)] == a and len(b) > len(a):
        changed = b[len(a) :]
    elif len(a) == len(b) and a != b:
        start = next(i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y)
        if not all(x == y or (x.isdigit() and y.isdigit()) for x, y in zip(a, b, strict=True)):
            return None
        changed = b[max(0, start - 1) :] if start and not b[start - 1].isdigit() else b[start:]
    else:
        return None
    if not any(s.isdigit() for s in changed):
        return None
    return "/" + "/".join(r"\d+" if s.isdigit() else literal(s) for s in changed) + "/?$"


def hub_rules(
    hubs: Mapping[str, str],
    articles: Iterable[str],
    article_pattern: str | None,
    pagination: Iterable[tuple[str, str]] = (),
) -> tuple[list[HubRule], list[str]]:
    """Hub patterns for the hub paths seen (path -> why it is a hub), and notes on what was left out.

    A first segment no article uses becomes a prefix (``^/(?:tag|author)(?:/|$)``); a hub sharing its first
    segment with articles (``/news/`` above ``/news/123``) is matched exactly. No rule may match an article
    example or be matched by the article pattern's examples."""
    article_paths = {Sample.of(a).path for a in articles}
    first_segments = {Sample.of(a).segments[0] for a in article_paths if Sample.of(a).segments}
    compiled = re.compile(article_pattern) if article_pattern else None
    prefixes: dict[str, list[str]] = {}
    exact: dict[str, list[str]] = {}
    for path, why in hubs.items():
        sample = Sample.of(path)
        if not sample.segments:
            exact.setdefault("^/?$", []).append(f"{path} ({why})")
            continue
        if compiled is not None and compiled.search(sample.path):
            continue  # the article pattern claims it: not ours to call a hub
        head = sample.segments[0]
        if head not in first_segments and not head.isdigit():
            prefixes.setdefault(head, []).append(f"{path} ({why})")
        else:
            exact.setdefault(_generalise_path(sample.path), []).append(f"{path} ({why})")
    rules: list[HubRule] = []
    notes: list[str] = []
    if prefixes:
        heads = sorted(prefixes)
        seen = "; ".join(f"{prefixes[h][0]}" + (f" +{len(prefixes[h]) - 1}" if len(prefixes[h]) > 1 else "")
                         for h in heads)  # fmt: skip
        rules.append(HubRule(f"^/{choice(heads)}(?:/|$)", f"first path segments only hubs use: {seen}"))
    in_query = []
    for listing, next_page in pagination:
        paged = pagination_rule(listing, next_page)
        if paged is None:
            in_query.append(next_page)
        elif paged not in {r.pattern for r in rules}:
            rules.append(HubRule(paged, f"listing pagination: {next_page}"))
    if in_query:
        shown = ", ".join(in_query[:2]) + (", ..." if len(in_query) > 2 else "")
        notes.append(
            f"pagination of {len(in_query)} listings ({shown}) has the page number outside the path: no "
            "pattern for it (the listing's own rule covers it)"
        )
    singles = {p: w for p, w in exact.items() if p.count("/") == 2 and "\\d" not in p and p != "^/?$"}
    if len(singles) > 1:  # ^/news/?$ and ^/sport/?$ as one ^/(?:news|sport)/?$
        names = sorted(p[2:].removesuffix("/?$") for p in singles)
        exact = {k: v for k, v in exact.items() if k not in singles}
        exact["^/(?:" + "|".join(names) + ")/?$"] = [w for whys in singles.values() for w in whys]
    for pattern, whys in sorted(exact.items()):
        paths = [why.split(" (", 1)[0] for why in whys]
        if not all(any(re.search(r.pattern, p) for r in rules) for p in paths):  # else said already
            rules.append(
                HubRule(pattern, "; ".join(whys[:3]) + (f" +{len(whys) - 3}" if len(whys) > 3 else ""))
            )
    kept: list[HubRule] = []
    for rule in rules:
        clash = [a for a in sorted(article_paths) if re.search(rule.pattern, a)]
        if clash:
            notes.append(f"left out hub pattern {rule.pattern!r}: it matches article {clash[0]}")
        else:
            kept.append(rule)
    return kept, notes
