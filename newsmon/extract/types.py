"""Plain data shapes shared by the extractors, the record builder and the renderer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NotRequired, TypedDict

from newsmon.extract.budget import MAX_ELEMENTS, MAX_INLINE
from newsmon.extract.template import TemplateView


class HeadingNode(TypedDict):
    """One heading of the outline; children are the later headings of a deeper level."""

    level: int
    text: str
    children: list[HeadingNode]


class LinkItem(TypedDict):
    """An anchor of the page: absolute URL and its text (the URL when the anchor has no text)."""

    url: str
    text: str


class RelatedItem(TypedDict):
    """One entry of a related-links block ("Read also", "News Feed")."""

    url: str
    title: str
    # in records: the URL as linked, when ``url`` is the canonical URL it is known to redirect to
    linked_url: NotRequired[str]


@dataclass(frozen=True)
class ExtractOptions:
    """Knobs of the pure extractors; one object passed through every stage."""

    # Labels (case-insensitive, trailing ':' ignored) of headings that open a "Read also" block.
    read_also_labels: tuple[str, ...] = (
        "read also",
        "read more",
        "related",
        "related articles",
        "related posts",
        "related stories",
        "see also",
        "also read",
    )
    # Labels of headings that open the "News Feed" sidebar (latest articles).
    news_feed_labels: tuple[str, ...] = ("news feed", "latest news", "most recent", "latest")
    # Timezone (IANA name) assumed for dates written without an offset.
    default_timezone: str = "UTC"
    # The moment the page was fetched: relative dates ("3 hours ago") count from it (None: now).
    fetched_at: datetime | None = None
    # Numeric dates written for people ("03/02/2026") read day first (3 February) unless impossible.
    dayfirst: bool = True
    # The fast path of the page budget (newsmon/extract/budget.py, applied by extract_page_data): elements
    # a page keeps, inline elements a block keeps (0: no cap).
    max_elements: int = MAX_ELEMENTS
    max_inline: int = MAX_INLINE
    # The site's learned template (newsmon/extract/template.py): its lines are left out of the body. None:
    # nothing learned (the page's blocks are still fingerprinted, for learning).
    template: TemplateView | None = None


@dataclass
class ArticleMetadata:
    """The article fields of a page, from the strongest signal (newsmon/extract/metadata.py)."""

    title: str | None = None
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    source: str | None = None  # the agency a "Source: <agency>" line or the closing credit names
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    language: str | None = None
    published_at: str | None = None  # ISO 8601 with offset
    published_from_url: bool = False  # published_at is only the date in the URL (a weak guess)
    modified_at: str | None = None  # ISO 8601 with offset
    canonical_href: str | None = None  # absolute <link rel=canonical> as found in the page
    amp: bool = False  # an AMP document (<html amp> / <html ⚡>): the record comes from its canonical page
    description: str | None = None  # the page's own summary (JSON-LD description, og/meta description)
    image: str | None = None  # absolute http(s) URL of the lead image (JSON-LD image, og:image)
    publisher: str | None = None  # JSON-LD publisher name, else og:site_name
    is_accessible_for_free: bool | None = None  # False: paywalled (JSON-LD isAccessibleForFree, content tier)


@dataclass
class PageData(ArticleMetadata):
    """Everything newsmon reads from one HTML page; the spider adds fetch metadata to make a record.

    For the page classification: ``article_words`` says how much article text the static HTML holds (a
    JavaScript shell: little, whatever text surrounds its empty container), ``body`` is never boilerplate
    (``body_rejected`` says why it was emptied), ``body_source`` where the text came from."""

    body: str = ""  # main article text, paragraphs separated by one blank line; never boilerplate
    # Where ``body`` came from: "extractor" (trafilatura on the page, with newsmon's repairs), "jsonld" (the
    # page's JSON-LD articleBody), "embedded" (the state a front-end framework embeds: embedded.py),
    # "fallback" (the main container's paragraphs); "" when body is empty.
    body_source: str = ""
    # How long the page's structured data says the story is (JSON-LD wordCount, else the words of its
    # articleBody or of the embedded story); 0 when it says nothing. Evidence for the page classification.
    story_words: int = 0
    # Words of article text in the static HTML (newsmon/extract/guard.py), each character of Han, Kana,
    # Thai-like scripts counting as a word:
    # - when the article container is *scoped* (the headline's own <article>/<main>, and the page's only
    #   <article>): the words inside it, outside links, without the headline and its wrapper (standfirst,
    #   byline, date), hidden subtrees, boilerplate containers, related-link blocks and widgets (the small box
    #   around a form control: sign-up, consent, search, poll);
    # - otherwise: the words of ``body`` (0 when empty); when body has fewer than guard.SURE_WORDS (150),
    #   only its lines found in the page outside those subtrees and outside link lists.
    # Low on a JavaScript shell whose container a script fills. The page classification compares this, not
    # the body's words, with NEWSMON_THIN_BODY_WORDS: body may be non-empty while this is low (text found
    # outside a scoped container that passed the guard, or JSON-LD articleBody: see body_source).
    article_words: int = 0
    # Why ``body`` is empty although extraction found text, else None. "boilerplate": the page is thin
    # (scoped container under guard.THIN_WORDS words, or no such container and a body under
    # guard.SURE_WORDS) and the text holds under guard.GUARD_MIN_WORDS (25) words of article text (outside
    # widgets, link lists, boilerplate containers; inside the container when scoped). On a thin page a kept
    # body holds only those lines. The page has to be fetched again in the browser (js_shell) or dropped,
    # never emitted with boilerplate.
    body_rejected: str | None = None
    read_also: list[RelatedItem] = field(default_factory=list)
    news_feed: list[RelatedItem] = field(default_factory=list)
    structure: list[HeadingNode] = field(default_factory=list)
    content: list[str] = field(default_factory=list)
    links: list[LinkItem] = field(default_factory=list)
    # The article's other pages ("Pages: 1 2 3"), from its own pager (newsmon/extract/parts.py), in page
    # order; the crawl joins their bodies into this page's record. Not recorded.
    parts: list[str] = field(default_factory=list, compare=False)
    is_article: bool = False  # page signals say "one article" (not a listing/tag/author/search page)
    is_hub: bool = False  # the page declares itself a hub (CollectionPage, og:type website, ...)
    capped: dict[str, int] = field(
        default_factory=dict
    )  # what the fast path cut (budget.cap_tree); not recorded
    # Site template learning (newsmon/extract/template.py), not recorded: the page's key and its blocks'
    # (fingerprint, text sample), for the crawl to learn from; body lines dropped as template.
    template_page: int = field(default=0, compare=False)
    template_units: list[tuple[int, str]] = field(default_factory=list, compare=False)
    template_dropped: int = field(default=0, compare=False)
    body_with_template: str = field(default="", compare=False)  # the body before they were dropped
    body_units: bytes = field(default=b"", compare=False)  # body lines and their blocks (template.line_units)
