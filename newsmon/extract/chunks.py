"""The container extracted paragraphs come from: paragraphs the extractor cut holes in, and the later
chunks of an article split into several containers of one class."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Collection

from lxml.html import HtmlElement

from newsmon.extract.text import count_words, normalize_space

logger = logging.getLogger(__name__)

MIN_CHUNK_PARAGRAPHS = 2  # a continuation chunk holds at least this many new paragraphs
MIN_SOURCE_PARAGRAPHS = 2  # and the extracted text came from a container with at least this many
LEAD_WORDS = 3  # first words that tie an extracted paragraph with a hole to the page's paragraph
SUBHEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
MEDIA_TAGS = ("img", "picture", "video", "iframe")
CAPTION_WORDS = 60  # a block with at most this many words per picture is pictures and their captions
LINK_SHARE = 0.5  # a block with more of its words in links than this is not article text


def _paragraph_texts(container: HtmlElement) -> list[str]:
    return [text for p in container.iterchildren("p") if (text := normalize_space(p.text_content()))]


def source_container(tree: HtmlElement, text: str) -> HtmlElement | None:
    """The element whose <p> children hold most of the paragraphs of ``text`` (at least two)."""
    paragraphs = set(text.split("\n\n"))
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


def _lead(text: str) -> str:
    return " ".join(text.split()[:LEAD_WORDS])


def without_holes(source: HtmlElement | None, text: str, skip: Collection[HtmlElement] = ()) -> str:
    """``text`` with each paragraph that lost words inside it (an inline element the extractor dropped: a
    link in a span, a styled phrase) replaced by the whole paragraph of the page.

    A <p> child of ``source`` (``source_container``) that begins with the same words as an extracted
    paragraph, ends with the same word, and holds all of its words in the same order plus some inside,
    is that paragraph whole. A paragraph that is or holds an element of ``skip`` (hidden, boilerplate) is
    not used: what the extractor was told to leave out stays out.
    """
    paragraphs = text.split("\n\n")
    kept = set(paragraphs)
    if source is None:
        return text
    skipped = set(skip)
    whole: dict[str, list[str]] = {}
    for child in source.iterchildren("p"):
        if child in skipped or any(el in skipped for el in child.iterdescendants()):
            continue
        block = normalize_space(child.text_content())
        if block and block not in kept:
            whole.setdefault(_lead(block), []).append(block)
    if not whole:
        return text
    out = []
    for paragraph in paragraphs:
        words = paragraph.split()
        for block in whole.get(_lead(paragraph), ()):
            within = block.split()
            if len(within) > len(words) and within[-1] == words[-1] and _in_order(words, within):
                logger.debug("Paragraph restored whole: %.60s", block)
                paragraph = block
                break
        out.append(paragraph)
    return "\n\n".join(out)


def _in_order(words: list[str], within: list[str]) -> bool:
    """Every word of ``words`` in ``within``, in the same order (a subsequence)."""
    rest = iter(within)
    return all(word in rest for word in words)


def continuation_chunks(
    tree: HtmlElement,
    text: str,
    skip: Collection[HtmlElement] = (),
    source: HtmlElement | None = None,
) -> list[str]:
    """Paragraphs missing from ``text`` in later sibling chunks of the container it was extracted from.

    Some sites cut one article into consecutive containers of the same tag and class (between them: ads,
    embeds); an extractor that picks one container stops after the first. A later element with the same
    tag and class, inside the same <article> (if any), not nested in the source and not under an element
    of ``skip``, with at least two new paragraphs, continues the article. ``source``: the
    ``source_container`` of ``text`` when the caller has it.
    """
    paragraphs = set(text.split("\n\n"))
    if source is None:
        source = source_container(tree, text)
    if source is None:
        return []
    found = between_pictures(source, paragraphs, skip)
    paragraphs.update(found)
    if not source.get("class"):
        return found
    cls, article = source.get("class"), next(source.iterancestors("article"), None)
    skipped = set(skip)
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


def _words(element: HtmlElement) -> int:
    return count_words(element.text_content())


def _pictures_only(element: HtmlElement) -> bool:
    """A gallery or a photo with its caption: pictures, and no more words than captions have."""
    pictures = sum(1 for _ in element.iter(*MEDIA_TAGS))
    return pictures > 0 and _words(element) <= CAPTION_WORDS * pictures


def _own_text(paragraph: HtmlElement) -> str:
    """A paragraph's text, "" when it is mostly links (a "read also" line among the text)."""
    text = normalize_space(paragraph.text_content())
    link_words = sum(count_words(a.text_content()) for a in paragraph.iter("a"))
    return text if link_words <= LINK_SHARE * max(count_words(text), 1) else ""


def _text_block(element: HtmlElement) -> list[str]:
    """The paragraphs of a block of article text: a <p>, or the <p> children of an element (those not
    mostly links)."""
    paragraphs = [element] if element.tag == "p" else list(element.iterchildren("p"))
    return [text for p in paragraphs if (text := _own_text(p))]


def between_pictures(source: HtmlElement, known: set[str], skip: Collection[HtmlElement] = ()) -> list[str]:
    """Paragraphs after ``source`` that a photo report puts between its pictures.

    A photo report alternates galleries and a little text: an extractor that picks the first text block
    (long enough to look like the whole story) stops at the first gallery. The siblings after ``source``
    are walked while they are pictures with captions, empty, left out (``skip``) or text blocks; the text
    blocks' paragraphs found after at least one block of pictures continue the article. The walk stops at
    the first sibling that is none of these (tags, a related list, the footer)."""
    skipped = set(skip)
    found: list[str] = []
    pending: list[str] = []  # text blocks before any picture: the extractor's own choice, not taken
    crossed = False
    for sibling in source.itersiblings():
        if not isinstance(sibling.tag, str):
            continue
        empty = not sibling.text_content().strip() and next(sibling.iter(*MEDIA_TAGS), None) is None
        if sibling in skipped or empty:
            continue
        if sibling.tag in SUBHEADINGS:  # a photo report's section heading: passed, not text
            continue
        if _pictures_only(sibling):
            crossed = True
            found.extend(pending)
            pending = []
            continue
        texts = _text_block(sibling)
        if not texts:
            break
        block = [p for p in texts if p not in known]
        (found if crossed else pending).extend(block)
    if found:
        logger.debug("Photo report: %d paragraphs between its pictures", len(found))
    return found
