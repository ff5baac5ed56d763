"""A site's URL rules, learned from its own rel=canonical answers: which query parameters of an article link
change nothing (``?cat=3``, ``?from=home``) and which parameter names the site writes in another case
(``?ID=`` for ``?id=``), so that a story linked by several URLs is requested once and its related links name
it by its canonical URL, from the first run. No Scrapy inside.

Evidence is one article page: the URL it was requested as and the canonical URL it names, on the same path.
A parameter of the request missing from the canonical URL is evidence that it can be dropped (with that
value); one whose name differs only in case, with the same value, that the name is folded. A rule is used
only on evidence from several different stories (distinct canonical URLs, so a broken canonical naming one
page for all gives none):

- drop ``name=value``: that exact pair dropped by ``STORIES`` stories;
- drop ``name`` whatever its value: dropped by ``ANY_VALUE_STORIES`` stories with at least two values;
- rename ``name`` to ``other``: by ``STORIES`` stories, always to the same name.

A parameter that any canonical URL keeps identifies pages: it is never dropped (its drop rules are
withdrawn the moment one canonical URL keeps it); a name any canonical URL spells as it is never renamed.
Values are never changed (ids are case-sensitive), nor paths. The evidence (bounded) is kept in the state
store between runs (``to_note`` / ``merge``), so later runs apply the rules from their first link.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from newsmon.urls import canonicalize

NOTE = "url_rules"  # the state store note the evidence is kept in
STORIES = 2  # distinct stories that must show a name=value drop, or a rename, before it is used
ANY_VALUE_STORIES = 3  # ... a drop of the name whatever its value (with two values at least)
KEEP_STORIES = 8  # stories kept per piece of evidence
KEEP_VALUES = 16  # values kept per dropped name
KEEP_NAMES = 32  # names kept per kind of evidence

Evidence = dict[str, dict[str, list[str]]]  # name -> value (drop) or new name (rename) -> stories


def _add(evidence: Evidence, name: str, detail: str, story: str) -> bool:
    """Record story under evidence[name][detail], within the bounds; True when it was new."""
    details = evidence.get(name)
    if details is None:
        if len(evidence) >= KEEP_NAMES:
            return False
        details = evidence[name] = {}
    stories = details.get(detail)
    if stories is None:
        if len(details) >= KEEP_VALUES:
            return False
        stories = details[detail] = []
    if story in stories or len(stories) >= KEEP_STORIES:
        return False
    stories.append(story)
    return True


Rules = tuple[frozenset[tuple[str, str]], frozenset[str], dict[str, str]]  # drop pairs, drop names, renames


def _not_covered(these: Rules, by: Rules) -> int:
    """How many of these rules the rules ``by`` do not make (a name dropped covers its values)."""
    pairs, names, renames = these
    other_pairs, other_names, other_renames = by
    count = sum(1 for n, v in pairs if n not in other_names and (n, v) not in other_pairs)
    count += len(names - other_names)
    return count + sum(1 for n, m in renames.items() if other_renames.get(n) != m)


class UrlRules:
    """One site's URL rules and the evidence they come from (per crawl; the frontier holds it)."""

    def __init__(self) -> None:
        self.drop: Evidence = {}  # request parameter -> value -> canonical URLs that dropped it
        self.rename: Evidence = {}  # request parameter -> the canonical URL's name for it -> canonical URLs
        self.kept: set[str] = set()  # parameter names (as written) some canonical URL keeps
        self._kept_folded: set[str] = set()
        self._drop_pairs: frozenset[tuple[str, str]] = frozenset()
        self._drop_names: frozenset[str] = frozenset()
        self._renames: dict[str, str] = {}

    # --- using them ------------------------------------------------------------------------------------
    @property
    def active(self) -> bool:
        return bool(self._drop_pairs or self._drop_names or self._renames)

    def rewrite(self, url: str) -> str:
        """url (canonical form) with the learned rules applied; url itself when none applies, or when what
        they leave has a parameter no canonical URL of the site has (a rule for it not learned yet: a URL of
        neither form, which the site never linked, would be requested and written in records)."""
        if not self.active:
            return url
        parts = urlsplit(url)
        if not parts.query:
            return url
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        out = []
        for name, value in pairs:
            if name in self._drop_names or (name, value) in self._drop_pairs:
                continue
            out.append((self._renames.get(name, name), value))
        if out == pairs or any(name not in self.kept for name, _ in out):
            return url  # unchanged, or not into the canonical URLs' own shape: their names only
        return canonicalize(urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(out), "")), ())

    def guess(self, url: str) -> tuple[str, tuple[tuple[str, str], ...]]:
        """(url as it would be with what is not learned yet taken as learned, what that is): a parameter
        no canonical URL has taken as dropped, a name a canonical URL spells in another case as folded.
        Never used as a rule: it only says which request's canonical answer would teach something new (a
        probe, crawl/levels.py). ``("drop", name=value)`` and ``("rename", name)`` items; () when nothing
        is new."""
        parts = urlsplit(url)
        if not parts.query:
            return url, ()
        spelled = {name.casefold(): name for name in self.kept}
        out, new = [], []
        for name, value in parse_qsl(parts.query, keep_blank_values=True):
            if name in self._drop_names or (name, value) in self._drop_pairs:
                continue
            if name in self._renames or name in self.kept:
                out.append((self._renames.get(name, name), value))
            elif name.casefold() in spelled:
                out.append((spelled[name.casefold()], value))
                new.append(("rename", name))
            else:
                new.append(("drop", f"{name}={value}"))
        if not new:
            return url, ()
        query = urlencode(out)
        return canonicalize(urlunsplit((parts.scheme, parts.netloc, parts.path, query, "")), ()), tuple(new)

    def describe(self) -> list[str]:
        """The rules in use, for logs and reports."""
        rules = [f"drop {name}" for name in sorted(self._drop_names)]
        rules += [f"drop {n}={v}" for n, v in sorted(self._drop_pairs) if n not in self._drop_names]
        rules += [f"rename {n} -> {m}" for n, m in sorted(self._renames.items())]
        return rules

    # --- learning --------------------------------------------------------------------------------------
    def observe(self, requested: str, canonical: str) -> tuple[int, int]:
        """An article page requested as ``requested`` names ``canonical`` (both in canonical form):
        learn from it; returns (rules now used that were not, rules withdrawn)."""
        target = urlsplit(canonical)
        pairs = parse_qsl(target.query, keep_blank_values=True)
        changed = False
        for name, _ in pairs:
            if name not in self.kept:
                self.kept.add(name)
                self._kept_folded.add(name.casefold())
                changed = True
        if requested != canonical:
            changed |= self._compare(urlsplit(requested), target, pairs, canonical)
        return self._refresh() if changed else (0, 0)

    def _compare(self, asked: Any, target: Any, pairs: list[tuple[str, str]], story: str) -> bool:
        """Evidence from a request and its canonical URL on the same path that differ only in the query."""
        if (asked.scheme, asked.netloc) != (target.scheme, target.netloc):
            return False
        if asked.path.rstrip("/") != target.path.rstrip("/"):
            return False
        wanted = set(pairs)
        by_folded: dict[str, list[tuple[str, str]]] = {}
        for name, value in pairs:
            by_folded.setdefault(name.casefold(), []).append((name, value))
        drops, renames = [], []
        for name, value in parse_qsl(asked.query, keep_blank_values=True):
            if (name, value) in wanted:
                wanted.discard((name, value))
                continue
            same = by_folded.get(name.casefold())
            if not same:
                drops.append((name, value))
                continue
            renamed = next((n for n, v in same if v == value and (n, v) in wanted), None)
            if renamed is None:  # the canonical URL has the parameter with another value: no rule here
                return False
            wanted.discard((renamed, value))
            renames.append((name, renamed))
        if wanted:  # the canonical URL adds a parameter: not a rule of dropping or renaming
            return False
        changed = False
        for name, value in drops:
            changed |= _add(self.drop, name, value, story)
        for name, renamed in renames:
            changed |= _add(self.rename, name, renamed, story)
        return changed

    def _refresh(self) -> tuple[int, int]:
        before = (self._drop_pairs, self._drop_names, self._renames)
        pairs: set[tuple[str, str]] = set()
        names: set[str] = set()
        for name, values in self.drop.items():
            if name.casefold() in self._kept_folded:
                continue
            stories = {s for found in values.values() for s in found}
            if len(values) >= 2 and len(stories) >= ANY_VALUE_STORIES:
                names.add(name)
            pairs.update((name, v) for v, found in values.items() if len(found) >= STORIES)
        renames = {}
        for name, targets in self.rename.items():
            if name in self.kept or len(targets) != 1:
                continue
            ((renamed, found),) = targets.items()
            if len(found) >= STORIES:
                renames[name] = renamed
        self._drop_pairs, self._drop_names, self._renames = frozenset(pairs), frozenset(names), renames
        after = (self._drop_pairs, self._drop_names, self._renames)
        return _not_covered(after, before), _not_covered(before, after)

    # --- kept between runs -----------------------------------------------------------------------------
    def to_note(self) -> dict[str, Any]:
        return {"drop": self.drop, "rename": self.rename, "kept": sorted(self.kept)}

    def merge(self, note: Mapping[str, Any] | None) -> None:
        """Add the evidence of a note (an earlier run's, or another process's) to this one's."""
        if not isinstance(note, Mapping):
            return
        for key, evidence in (("drop", self.drop), ("rename", self.rename)):
            theirs = note.get(key)
            if not isinstance(theirs, Mapping):
                continue
            for name, details in theirs.items():
                if not isinstance(details, Mapping):
                    continue
                for detail, stories in details.items():
                    for story in stories if isinstance(stories, list) else ():
                        _add(evidence, str(name), str(detail), str(story))
        kept = note.get("kept")
        for name in kept if isinstance(kept, list) else ():
            self.kept.add(str(name))
            self._kept_folded.add(str(name).casefold())
        self._refresh()


class Notes(Protocol):
    """The state store's notes (newsmon/state/protocol.py), all this module needs of it."""

    def note(self, key: str) -> Any: ...
    def swap_note(self, key: str, old: Any, new: Any) -> bool: ...


def load_rules(rules: UrlRules, store: Notes) -> None:
    """The evidence earlier runs (or the other processes of a distributed run) kept, added to rules."""
    rules.merge(store.note(NOTE))


def save_rules(rules: UrlRules, store: Notes, tries: int = 3) -> bool:
    """rules' evidence added to the store's (compare and set: another process may write between)."""
    for _ in range(tries):
        old = store.note(NOTE)
        merged = UrlRules()
        merged.merge(old)
        merged.merge(rules.to_note())
        new = merged.to_note()
        if new == old or store.swap_note(NOTE, old, new):
            return True
    return False
