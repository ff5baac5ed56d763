"""Article bodies split into several containers of one class: the chunks after the one extracted."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Collection

from lxml.html import HtmlElement

from newsmon.extract.text import normalize_space

logger = logging.getLogger(__name__)

MIN_CHUNK_PARAGRAPHS = 2  # a continuation chunk holds at least this many new paragraphs
MIN_SOURCE_PARAGRAPHS = 2  # and the extracted text came from a container with at least this many


def _paragraph_texts(container: HtmlElement) -> list[str]:
    return [text for p in container.iterchildren("p") if (text := normalize_space(p.text_content()))]


def _source_container(tree: HtmlElement, paragraphs: set[str]) -> HtmlElement | None:
    """The element whose <p> children hold most of the extracted paragraphs."""
    parents: Counter[HtmlElement] = Counter()
    for p in tree.iter("p"):
        if normalize_space(p.text_content()) in paragraphs:
            parent = p.getparent()
            if parent is not None:
                parents[parent] += 1
    if not parents:
        return None
    source, count = parents.most_common(1)[0]
    return source if count >= MIN_SOURCE_PARAGRAPHS else None


def continuation_chunks(tree: HtmlElement, text: str, skip: Collection[HtmlElement] = ()) -> list[str]:
    """Paragraphs missing from ``text`` in later sibling chunks of the container it was extracted from.

    Some sites cut one article into consecutive containers of the same tag and class (between them: ads,
    embeds); an extractor that picks one container stops after the first. A later element with the same
    tag and class, inside the same <article> (if any), not nested in the source and not under an element
    of ``skip``, with at least two new paragraphs, continues the article.
    """
    paragraphs = set(text.split("\n\n"))
    source = _source_container(tree, paragraphs)
    if source is None or not source.get("class"):
        return []
    cls, article = source.get("class"), next(source.iterancestors("article"), None)
    skipped = set(skip)
    found: list[str] = []
    after = False
    for other in tree.iter(source.tag):
        if other is source:
            after = True
            continue
        if not after or other.get("class") != cls:
            continue
        ancestors = set(other.iterancestors())
        if source in ancestors or (article is not None and article not in ancestors):
            continue
        if other in skipped or not ancestors.isdisjoint(skipped):
            continue
        new = [p for p in _paragraph_texts(other) if p not in paragraphs]
        if len(new) >= MIN_CHUNK_PARAGRAPHS:
            found.extend(new)
            paragraphs.update(new)
    if found:
        logger.debug("Article continued in %d more paragraphs of class %r", len(found), cls)
    return found
