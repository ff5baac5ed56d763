"""The replica's site model and its truth: what exists, what a crawler must reach, what each record must say."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

ORIGIN = "https://euromaidanpress.com"  # rel=canonical, og:url and absolute links point here
WWW_ORIGIN = "https://www.euromaidanpress.com"
START_CATEGORY = "news-ukraine"  # the category listing a crawler starts from (with /feed/)
FEED_SIZE = 10  # items in /feed/
NEWS_FEED_SIZE = 5  # items in the "News Feed" sidebar
PER_PAGE = 8  # teasers per listing page
HOME_SIZE = 10  # teasers on the home page
MALFORMED_VALID_ITEMS = 3  # well-formed items before the break in feed_mode="malformed"
LANGUAGE = "en-US"
METADATA_STYLES = ("jsonld", "meta", "visible")
TEMPLATES = ("classic", "modern")
LINK_STYLES = ("abs", "www", "root", "short", "short-root")
FEED_MODES = ("ok", "malformed", "empty", "missing", "html")
# How an article is guarded: "" none | cookie: 403 JavaScript cookie challenge | challenge_200: the same
# challenge served with 200 | js_body: body inserted by JavaScript | js_probe: body reports the browser.
PROTECTIONS = ("", "cookie", "challenge_200", "js_body", "js_probe")


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass(frozen=True)
class Author:
    name: str
    slug: str

    @property
    def path(self) -> str:
        return f"/author/{self.slug}/"


@dataclass(frozen=True)
class Term:
    """A category (section) or a tag: display name and URL slug."""

    name: str
    slug: str


@dataclass(frozen=True)
class Ref:
    """A link to another article as a page writes it: URL style, extra query and fragment."""

    slug: str
    style: str = "abs"  # abs | www | root | short (https://origin/?p=ID) | short-root (/?p=ID)
    query: str = ""  # e.g. "utm_source=facebook&fbclid=..." (tracking noise a crawler must strip)
    fragment: str = ""

    def __post_init__(self) -> None:
        if self.style not in LINK_STYLES:
            raise ValueError(f"unknown link style {self.style!r}")


@dataclass(frozen=True)
class Paragraph:
    """Plain text, or TEXT <a href=HREF>LINK_TEXT</a> TAIL; href "@slug" links another article of the site."""

    text: str
    link_text: str = ""
    href: str = ""
    tail: str = ""
    quote: bool = False  # rendered as <blockquote><p>

    @property
    def full_text(self) -> str:
        return f"{self.text}{self.link_text}{self.tail}"


@dataclass(frozen=True)
class Subheading:
    before: int  # index of the paragraph it precedes (>= len(paragraphs): after the last one)
    level: int  # 2 or 3
    text: str


@dataclass(frozen=True)
class InlineReadAlso:
    """A `<p><strong>Read also:</strong> <a>Title</a></p>` inside the body, before paragraph `before`."""

    before: int
    ref: Ref


Block = tuple[str, object]  # ("h2"|"h3", str) | ("p", Paragraph) | ("read_also", Ref)


@dataclass
class Article:
    id: int  # WordPress post id: /?p=<id> is its shortlink
    slug: str
    title: str
    subtitle: str
    authors: list[Author]
    section: Term
    tags: list[Term]
    published_at: datetime
    paragraphs: list[Paragraph]
    modified_at: datetime | None = None  # defaults to published_at
    subheadings: list[Subheading] = field(default_factory=list)
    inline_read_also: list[InlineReadAlso] = field(default_factory=list)
    read_also: list[Ref] = field(default_factory=list)  # the "Read also" block after the body
    caption: str = ""
    metadata_style: str = (
        "jsonld"  # jsonld (JSON-LD + og/article meta) | meta (no JSON-LD) | visible (markup only)
    )
    template: str = "classic"  # markup variant (class names, block placement)
    listed_in_feed: bool = True  # may appear in /feed/ (the 10 newest that are)
    listed_in_category: bool = True  # appears on its section's category listing
    rss_utm: bool = False  # its /feed/ link carries ?utm_source=rss&utm_medium=rss&utm_campaign=<slug>
    sidebar_query: str = ""  # query added to its "News Feed" sidebar link (e.g. "swcfpc=1")
    protection: str = ""  # one of PROTECTIONS

    def __post_init__(self) -> None:
        if self.published_at.tzinfo is None:
            raise ValueError(f"{self.slug}: published_at must be timezone-aware")
        if self.modified_at is None:
            self.modified_at = self.published_at
        if self.modified_at.tzinfo is None:
            raise ValueError(f"{self.slug}: modified_at must be timezone-aware")
        if self.metadata_style not in METADATA_STYLES or self.template not in TEMPLATES:
            raise ValueError(f"{self.slug}: bad metadata_style or template")
        if self.protection not in PROTECTIONS:
            raise ValueError(f"{self.slug}: unknown protection {self.protection!r}")
        self.paragraphs = [p if isinstance(p, Paragraph) else Paragraph(p) for p in self.paragraphs]
        self.read_also = [r if isinstance(r, Ref) else Ref(r) for r in self.read_also]

    @property
    def path(self) -> str:
        return f"/{self.published_at:%Y/%m/%d}/{self.slug}/"

    @property
    def url(self) -> str:
        return ORIGIN + self.path

    @property
    def shortlink(self) -> str:
        return f"{ORIGIN}/?p={self.id}"

    @property
    def modified(self) -> datetime:
        return self.modified_at or self.published_at

    def blocks(self) -> list[Block]:
        """The body in document order: subheadings, inline Read also paragraphs and paragraphs."""
        out: list[Block] = []
        last = len(self.paragraphs)
        for i in range(last + 1):
            out += [(f"h{s.level}", s.text) for s in self.subheadings if min(s.before, last) == i]
            out += [("read_also", r.ref) for r in self.inline_read_also if min(r.before, last) == i]
            if i < last:
                out.append(("p", self.paragraphs[i]))
        return out

    @property
    def tail_phrases(self) -> list[str]:
        """Text right after an inline link: must survive in body and content."""
        return [p.tail.strip() for p in self.paragraphs if p.link_text and p.tail.strip()]

    @property
    def body_phrases(self) -> list[str]:
        """Every sentence of every paragraph, inline link text included."""
        return [
            s
            for p in self.paragraphs
            for s in re.split(r"(?<=[.!?])\s+|(?<=[.!?]”)\s+", p.full_text.strip())
            if s
        ]


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str  # as written in the page (absolute, www or root-relative)


@dataclass(frozen=True)
class Chrome:
    """Site-wide texts around articles (menus, boxes, footer); none of it may end up in a body."""

    site_name: str
    nav: tuple[NavItem, ...]
    google_news_label: str
    forum_label: str
    correction_text: str
    patron_headings: tuple[str, ...]  # rendered as <h2>
    patron_texts: tuple[str, ...]
    fundraiser_title: str
    fundraiser_text: str
    fundraiser_link_label: str
    newsletter_title: str
    newsletter_text: str
    footer_links: tuple[NavItem, ...]
    footer_texts: tuple[str, ...]
    script_markers: tuple[str, ...]  # strings inside inline <script>: never visible text
    read_also_label: str = "Read also"
    news_feed_label: str = "News Feed"

    @property
    def boilerplate(self) -> tuple[str, ...]:
        return (
            *(n.label for n in self.nav),
            self.google_news_label,
            self.forum_label,
            self.correction_text,
            *self.patron_headings,
            *self.patron_texts,
            self.fundraiser_title,
            self.fundraiser_text,
            self.fundraiser_link_label,
            self.newsletter_title,
            self.newsletter_text,
            *self.footer_texts,
        )


@dataclass(frozen=True)
class StaticPage:
    """A WordPress page (/about/ ...): never an article record."""

    slug: str
    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Expected:
    """What a crawler's record of one article must say (dates ISO 8601 with offset, None = not on the page)."""

    path: str
    canonical_url: str
    shortlink: str
    title: str
    subtitle: str
    authors: tuple[str, ...]
    section: str
    tags: tuple[str, ...]
    language: str
    published_at: str
    modified_at: str | None
    read_also: tuple[tuple[str, str], ...]  # (canonical path, title) of the "Read also" block
    inline_read_also: tuple[tuple[str, str], ...]  # (path, title) of "Read also:" paragraphs in the body
    headings: tuple[tuple[int, str], ...]  # every heading of the page in document order
    tail_phrases: tuple[str, ...]
    body_phrases: tuple[str, ...]
    metadata_style: str


def _newest_first(articles: list[Article]) -> list[Article]:
    return sorted(articles, key=lambda a: (a.published_at, a.id), reverse=True)


@dataclass
class Site:
    articles: list[Article]
    categories: list[Term]
    chrome: Chrome
    pages: dict[str, StaticPage] = field(default_factory=dict)
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)  # named test cases -> article slugs
    start_categories: list[str] = field(default_factory=lambda: [START_CATEGORY])  # crawled listings
    challenged_categories: set[str] = field(default_factory=set)  # listings behind the cookie challenge
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    # --- lookups -------------------------------------------------------------------------------
    def article(self, slug: str) -> Article:
        for a in self.articles:
            if a.slug == slug:
                return a
        raise KeyError(slug)

    def by_id(self, post_id: int) -> Article | None:
        return next((a for a in self.articles if a.id == post_id), None)

    def by_path(self, path: str) -> Article | None:
        return next((a for a in self.articles if a.path == path), None)

    def category(self, slug: str) -> Term | None:
        return next((c for c in self.categories if c.slug == slug), None)

    def tags(self) -> dict[str, Term]:
        return {t.slug: t for a in self.articles for t in a.tags}

    def authors(self) -> dict[str, Author]:
        return {au.slug: au for a in self.articles for au in a.authors}

    def resolve(self, ref: Ref | str) -> Article | None:
        slug = ref.slug if isinstance(ref, Ref) else ref
        return next((a for a in self.articles if a.slug == slug), None)

    def ref_url(self, ref: Ref) -> str:
        """The href a page writes for ref (its styles: absolute, www, root-relative, shortlink)."""
        target = self.article(ref.slug)
        url = {
            "abs": ORIGIN + target.path,
            "www": WWW_ORIGIN + target.path,
            "root": target.path,
            "short": f"{ORIGIN}/?p={target.id}",
            "short-root": f"/?p={target.id}",
        }[ref.style]
        if ref.query:
            url += ("&" if "?" in url else "?") + ref.query
        return url + (f"#{ref.fragment}" if ref.fragment else "")

    # --- listings ------------------------------------------------------------------------------
    def newest(self) -> list[Article]:
        return _newest_first(self.articles)

    def feed_articles(self) -> list[Article]:
        return [a for a in self.newest() if a.listed_in_feed][:FEED_SIZE]

    def news_feed(self) -> list[Article]:
        """The sidebar of every article and listing page: the newest articles, whatever their flags."""
        return self.newest()[:NEWS_FEED_SIZE]

    def home_articles(self) -> list[Article]:
        return self.newest()[:HOME_SIZE]

    def category_articles(self, slug: str) -> list[Article]:
        return [a for a in self.newest() if a.section.slug == slug and a.listed_in_category]

    def page_count(self, articles: list[Article]) -> int:
        return max(1, -(-len(articles) // PER_PAGE))

    def category_page(self, slug: str, page: int) -> list[Article]:
        return self.category_articles(slug)[(page - 1) * PER_PAGE : page * PER_PAGE]

    def tag_articles(self, slug: str) -> list[Article]:
        return [a for a in self.newest() if any(t.slug == slug for t in a.tags)]

    def author_articles(self, slug: str) -> list[Article]:
        return [a for a in self.newest() if any(au.slug == slug for au in a.authors)]

    def related(self, article: Article) -> list[Article]:
        return [t for t in (self.resolve(r) for r in article.read_also) if t is not None]

    # --- mutations (between crawls: incremental-crawl tests) -------------------------------------
    def next_id(self) -> int:
        return max((a.id for a in self.articles), default=1000) + 7

    def publish(self, article: Article) -> Article:
        with self.lock:
            if any(a.slug == article.slug or a.id == article.id for a in self.articles):
                raise ValueError(f"slug {article.slug!r} or id {article.id} already published")
            if self.category(article.section.slug) is None:
                self.categories.append(article.section)
            self.articles.append(article)
        return article

    def edit_body(
        self,
        slug: str,
        new_paragraphs: list[Paragraph | str],
        *,
        subheadings: list[Subheading] | None = None,
        modified_at: datetime | None = None,
    ) -> Article:
        """Replace an article's body; modified_at defaults to six hours after the previous one."""
        with self.lock:
            article = self.article(slug)
            article.paragraphs = [p if isinstance(p, Paragraph) else Paragraph(p) for p in new_paragraphs]
            if subheadings is not None:
                article.subheadings = list(subheadings)
            article.modified_at = modified_at or article.modified + timedelta(hours=6)
        return article

    # --- truth ---------------------------------------------------------------------------------
    def start_articles(self, *, max_pages: int = 5, feed_mode: str = "ok") -> list[Article]:
        """Articles listed by /feed/ (as served in feed_mode) and the start category's first max_pages."""
        feed = {"ok": self.feed_articles(), "malformed": self.feed_articles()[:MALFORMED_VALID_ITEMS]}
        found = list(feed.get(feed_mode, []))
        for slug in self.start_categories:
            pages = min(max_pages, self.page_count(self.category_articles(slug)))
            for n in range(1, pages + 1):
                found += [a for a in self.category_page(slug, n) if a not in found]
        return found

    def hops(self, follow_depth: int = 2, *, max_pages: int = 5, feed_mode: str = "ok") -> dict[str, int]:
        """Fewest Read also / News Feed hops from a hub-listed article, for every reachable slug."""
        with self.lock:
            frontier = self.start_articles(max_pages=max_pages, feed_mode=feed_mode)
            dist = {a.slug: 0 for a in frontier}
            for hop in range(1, follow_depth + 1):
                reached: list[Article] = []
                for article in frontier:
                    for target in [*self.related(article), *self.news_feed()]:
                        if target.slug not in dist:
                            dist[target.slug] = hop
                            reached.append(target)
                frontier = reached
            return dist

    def expected_articles(
        self, follow_depth: int = 2, *, max_pages: int = 5, feed_mode: str = "ok"
    ) -> list[Article]:
        dist = self.hops(follow_depth, max_pages=max_pages, feed_mode=feed_mode)
        return [a for a in self.newest() if a.slug in dist]

    def unreachable_articles(
        self, follow_depth: int = 2, *, max_pages: int = 5, feed_mode: str = "ok"
    ) -> list[Article]:
        dist = self.hops(follow_depth, max_pages=max_pages, feed_mode=feed_mode)
        return [a for a in self.newest() if a.slug not in dist]

    def expected(self, article: Article | str) -> Expected:
        a = self.article(article) if isinstance(article, str) else article
        related = [(t.path, t.title) for t in self.related(a)]
        inline = [(t.path, t.title) for t in (self.resolve(r.ref) for r in a.inline_read_also) if t]
        headings = [(1, a.title), *((int(kind[1]), str(v)) for kind, v in a.blocks() if kind in ("h2", "h3"))]
        if related:
            headings += [(2, self.chrome.read_also_label), *((3, title) for _, title in related)]
        headings += [*((2, h) for h in self.chrome.patron_headings), (2, self.chrome.news_feed_label)]
        return Expected(
            path=a.path,
            canonical_url=a.url,
            shortlink=a.shortlink,
            title=a.title,
            subtitle=a.subtitle,
            authors=tuple(au.name for au in a.authors),
            section=a.section.name,
            tags=tuple(t.name for t in a.tags),
            language=LANGUAGE,
            published_at=a.published_at.isoformat(),
            modified_at=None if a.metadata_style == "visible" else a.modified.isoformat(),
            read_also=tuple(related),
            inline_read_also=tuple(inline),
            headings=tuple(headings),
            tail_phrases=tuple(a.tail_phrases),
            body_phrases=tuple(a.body_phrases),
            metadata_style=a.metadata_style,
        )

    def expected_by_path(
        self, follow_depth: int = 2, *, max_pages: int = 5, feed_mode: str = "ok"
    ) -> dict[str, Expected]:
        return {
            a.path: self.expected(a)
            for a in self.expected_articles(follow_depth, max_pages=max_pages, feed_mode=feed_mode)
        }

    @property
    def boilerplate_phrases(self) -> list[str]:
        """Text on every article page outside the body (menus, boxes, footer, News Feed titles)."""
        return [*self.chrome.boilerplate, *(a.title for a in self.news_feed())]

    @property
    def hidden_phrases(self) -> list[str]:
        """Text inside <script>: must appear in no visible text at all."""
        return list(self.chrome.script_markers)


def build_default_site() -> Site:
    """The deterministic ~30-article site the tests and `make demo` use (a fresh, mutable copy each call)."""
    from .content import default_site

    return default_site()
