"""What a fetched article page is: a record, a page to fetch again in the browser, or nothing. No Scrapy.

``precheck`` rules out what the URL and the bytes alone decide, before the costly extraction; ``classify``
judges the extracted page. The spider acts on the verdict; both are pure, so every rule is unit-tested.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

from newsmon import stats
from newsmon.extract.guard import count_words
from newsmon.extract.types import PageData
from newsmon.fetch.challenge import challenge_reason, has_scripts
from newsmon.fetch.soft404 import is_soft_404
from newsmon.meta import Tier
from newsmon.sites import SiteConfig

STORY_SHARE = 0.5  # a body under this share of what the structured data says the story is lacks it
STORY_SOURCES = frozenset({"jsonld", "embedded"})  # PageData.body_source values read from the page's data


@dataclass(frozen=True)
class Emit:
    """Build the record and follow the page's related links."""


@dataclass(frozen=True)
class Escalate:
    """Fetch the page again in the browser, for this reason (``js_shell``: little article text in the static
    HTML; ``short_body``: a small share of what the page's structured data says the story is)."""

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
    """Emit an article with text; escalate an article page that runs scripts and whose static HTML lacks
    the story (thin, or short of its structured data) once, when a browser tier can take it; drop soft 404s,
    text-less articles, non-articles."""
    if not data.is_article and is_soft_404(page.body):
        return Drop(stats.PAGE_NOT_FOUND, "page says it was not found (soft 404)")
    canonical = amp_canonical(page, data)
    if canonical is not None:
        return FetchCanonical(canonical)
    article = data.is_article or (policy.site.is_article_path(_path(page.url)) and not data.is_hub)
    if not article:
        return Drop(stats.PAGE_NOT_ARTICLE, "not an article", warn=False)
    # thin: few words of article text in the static HTML (not on the page: a JavaScript shell's empty
    # container sits among a standfirst, captions, teasers and newsletter boxes that are not its text);
    # short: the page's structured data says the story is much longer than the body. Either is evidence
    # that a script writes the story, unless the page's data held it whole (the body came from there).
    reason = None
    if not from_story_data(data, policy.thin_body_words):
        if data.article_words < policy.thin_body_words:
            reason = "js_shell"
        elif lacks_story(data):
            reason = "short_body"
    if reason is not None:
        escalable = policy.browser_tier and page.tier == Tier.PLAIN and not page.escalated
        if escalable and has_scripts(page.body):
            return Escalate(reason)
    if not data.body.strip():
        why = " (only boilerplate outside the article)" if data.body_rejected else ""
        return Drop(stats.ARTICLE_NO_BODY, f"article page without article text{why}")
    return EMIT


def lacks_story(data: PageData) -> bool:
    """The page's structured data says the story is longer than STORY_SHARE of it is in ``body`` (its
    JSON-LD wordCount, articleBody or embedded state). A paywalled page's body is what it serves: never."""
    if not data.story_words or data.is_accessible_for_free is False:
        return False
    return count_words(data.body) < STORY_SHARE * data.story_words


def from_story_data(data: PageData, thin_words: int) -> bool:
    """The body was read from the page's own data (JSON-LD articleBody, embedded state) and holds the whole
    story it states: the page stays PLAIN, whatever its static container holds."""
    if data.body_source not in STORY_SOURCES or lacks_story(data):
        return False
    return count_words(data.body) >= thin_words


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
