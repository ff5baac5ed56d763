"""What a fetched article page is: a record, a page to fetch again in the browser, or nothing. No Scrapy.

``precheck`` rules out what the URL and the bytes alone decide, before the costly extraction; ``classify``
judges the extracted page. The spider acts on the verdict; both are pure, so every rule is unit-tested.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

from newsmon import stats
from newsmon.extract.types import PageData
from newsmon.fetch.challenge import challenge_reason, has_scripts
from newsmon.fetch.soft404 import is_soft_404
from newsmon.meta import Tier
from newsmon.sites import SiteConfig


@dataclass(frozen=True)
class Emit:
    """Build the record and follow the page's related links."""


@dataclass(frozen=True)
class Escalate:
    """Fetch the page again in the browser, for this reason (``js_shell``)."""

    reason: str


@dataclass(frozen=True)
class FetchCanonical:
    """An AMP page: request its canonical page (``url``, its rel=canonical) and record that one instead."""

    url: str


@dataclass(frozen=True)
class Drop:
    """No record: counted under ``stat``, logged as ``message`` (a WARNING when ``warn``)."""

    stat: str
    message: str
    warn: bool = True


Verdict = Emit | Escalate | FetchCanonical | Drop
EMIT = Emit()


@dataclass(frozen=True)
class FetchedPage:
    """What classification needs to know of a response, without Scrapy."""

    url: str
    status: int
    headers: Mapping[bytes, object]
    body: bytes
    content_type: str  # the Content-Type header, lower-cased ("" when none)
    is_text: bool  # Scrapy made a text response of it
    tier: str = Tier.PLAIN
    escalated: bool = False  # already a browser re-fetch this crawl asked for
    amp_final: bool = False  # the canonical page of an AMP page, or the AMP page again: recorded as it is


@dataclass(frozen=True)
class PagePolicy:
    """The crawl's rules for article pages (newsmon/crawl/config.py)."""

    site: SiteConfig
    browser_tier: bool  # a browser tier takes escalations and checks PLAIN pages for challenges itself
    thin_body_words: int


def precheck(page: FetchedPage, policy: PagePolicy) -> Drop | None:
    """Not HTML, a redirect onto a hub, a bot challenge nothing upstream took care of."""
    if not page.is_text or not is_html_type(page.content_type):
        return Drop(stats.PAGE_NOT_HTML, f"not HTML ({page.content_type or 'binary'})")
    if policy.site.is_hub_path(_path(page.url)):
        return Drop(stats.PAGE_HUB_REDIRECT, "article link ended on a hub page", warn=False)
    if page.tier == Tier.PLAIN and not policy.browser_tier:  # the tier middleware did not check it
        challenge = challenge_reason(page.status, page.headers, page.body)  # type: ignore[arg-type]
        if challenge is not None:
            return Drop(stats.page_challenge(challenge), f"bot challenge ({challenge}) and no browser tier")
    return None


def classify(page: FetchedPage, data: PageData, policy: PagePolicy) -> Verdict:
    """Emit an article with text; escalate a thin article page that runs scripts (its text may come with
    JavaScript) once, when a browser tier can take it; drop soft 404s, text-less articles, non-articles."""
    if not data.is_article and is_soft_404(page.body):
        return Drop(stats.PAGE_NOT_FOUND, "page says it was not found (soft 404)")
    canonical = amp_canonical(page, data)
    if canonical is not None:
        return FetchCanonical(canonical)
    article = data.is_article or (policy.site.is_article_path(_path(page.url)) and not data.is_hub)
    if not article:
        return Drop(stats.PAGE_NOT_ARTICLE, "not an article", warn=False)
    # thin: few words inside the article container (not on the page: a JavaScript shell's empty container
    # sits among cookie notices and newsletter boxes that must not count as its text)
    if data.article_words < policy.thin_body_words:
        escalable = policy.browser_tier and page.tier == Tier.PLAIN and not page.escalated
        if escalable and has_scripts(page.body):
            return Escalate("js_shell")
    if not data.body.strip():
        why = " (only boilerplate outside the article)" if data.body_rejected else ""
        return Drop(stats.ARTICLE_NO_BODY, f"article page without article text{why}")
    return EMIT


def amp_canonical(page: FetchedPage, data: PageData) -> str | None:
    """The canonical page an AMP page stands for (a record is always built from the canonical page), or
    None: not AMP, already the canonical request or the fallback, no rel=canonical, or one to itself."""
    if not data.amp or page.amp_final or not data.canonical_href:
        return None
    target = urldefrag(urljoin(page.url, data.canonical_href)).url
    if urlsplit(target).scheme not in ("http", "https") or target == urldefrag(page.url).url:
        return None
    return target


def is_html_type(content_type: str) -> bool:
    """A Content-Type (lower-cased) of an HTML page, or none at all (the page did not say)."""
    return "html" in content_type or not content_type


def _path(url: str) -> str:
    return urlsplit(url).path
