"""Articles split over several pages: the later pages are fetched in the first page's tier, one after the
other, and their text is joined into one record (the first page's URL, its fields, all pages' text).

The pager comes from the page itself (``PageData.parts``, newsmon/extract/parts.py): links in the article
to the same article with a page number. A later page's own pager adds the pages the first one did not list
("1 2 3 ... next"), within MAX_PARTS pages in all. A page that fails or gives no text is counted and
skipped: the record holds the pages read, in order. Held in the spider's memory (a request carries only
the article's key): a later page left in a persistent queue by a stopped run is dropped when it is read.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field

from scrapy.http import TextResponse

from newsmon.extract.parts import MAX_PARTS, part_number
from newsmon.extract.types import PageData

logger = logging.getLogger(__name__)


@dataclass
class SplitArticle:
    """An article whose later pages are being read: its first page and what the later ones gave."""

    response: TextResponse
    page: PageData
    queue: list[str]  # later pages still to fetch, in page order
    seen: set[str] = field(default_factory=set)  # later pages fetched or queued
    bodies: list[str] = field(default_factory=list)
    content: list[str] = field(default_factory=list)
    read: int = 1
    failed: int = 0

    def add_links(self, urls: list[str]) -> None:
        """Pages a page's pager links to, not yet seen, in page order, within MAX_PARTS."""
        first = self.response.url
        for url in urls:
            if (
                url not in self.seen
                and part_number(url, first) is not None
                and len(self.seen) < MAX_PARTS - 1
            ):
                self.seen.add(url)
                self.queue.append(url)
        self.queue.sort(key=lambda url: part_number(url, first) or 0)

    def add_page(self, page: PageData | None) -> bool:
        """A later page's text (None: it failed); False when it gave no text the pages before lacked (a
        comment page or a print view of the same text repeats it)."""
        known = {p for body in (self.page.body, *self.bodies) for p in body.split("\n\n")}
        new = [p for p in page.body.split("\n\n") if p.strip() and p not in known] if page else []
        if page is None or not new:
            self.failed += 1
            return False
        self.read += 1
        self.bodies.append("\n\n".join(new))
        known = set(self.page.content) | set(self.content)
        self.content.extend(line for line in page.content if line not in known)
        self.add_links(page.parts)
        return True

    def joined(self) -> PageData:
        """The first page's data with the text of every page read."""
        body = "\n\n".join([self.page.body, *self.bodies])
        return dataclasses.replace(self.page, body=body, content=[*self.page.content, *self.content])


class SplitArticles:
    """The split articles of a crawl whose later pages are on their way, by article key."""

    def __init__(self) -> None:
        self.pending: dict[str, SplitArticle] = {}

    def begin(self, key: str, response: TextResponse, page: PageData) -> str | None:
        """Start reading the later pages of ``page``: the first one to fetch, or None when it has none."""
        article = SplitArticle(response, page, [])
        article.add_links(page.parts)
        if not article.queue:
            return None
        logger.debug("Article %s has %d more pages: joining them", response.url, len(article.queue))
        self.pending[key] = article
        return article.queue.pop(0)

    def next(self, key: str, page: PageData | None) -> tuple[bool, str | None, SplitArticle | None]:
        """A later page of ``key`` arrived (``page``; None: failed): whether it added text, and (the next
        page to fetch, None) or, when there is none left, (None, the finished article). (False, None,
        None): an article this crawl does not hold (a request from a stopped run's queue)."""
        article = self.pending.get(key)
        if article is None:
            return False, None, None
        added = article.add_page(page)
        if article.queue:
            return added, article.queue.pop(0), None
        del self.pending[key]
        return added, None, article
