"""Request.meta keys newsmon reads and writes (documented in docs/reference/meta-keys.md), in one place."""

from enum import StrEnum


class Tier(StrEnum):
    """The values of META_TIER (and the record's fetcher_tier): who fetched the response."""

    PLAIN = "PLAIN"  # Scrapy's HTTP client
    STEALTHY = "STEALTHY"  # headless Chromium through scrapy-playwright


META_KIND = "newsmon_kind"  # "feed" | "listing" | "article" | "article_part"
META_VIA = "newsmon_discovered_via"  # how the URL was found (record field discovered_via)
META_REFERRER = "newsmon_referrer"  # page that linked here (record field referrer)
META_DEPTH = "newsmon_depth"  # hops from a hub (record field depth)
META_HOPS = "newsmon_related_hops"  # related-link hops taken so far (bounded by follow depth)
META_KEY = "newsmon_url_key"  # canonical URL the article was requested under (before redirects)
META_PAGE = "newsmon_page"  # listing page number
META_TIER = "newsmon_tier"  # PLAIN | STEALTHY: the tier that fetched the response
META_FETCH_REASON = "newsmon_fetch_reason"  # why that tier was used
META_ESCALATE = "newsmon_escalate"  # fetch this request again in the browser, for this reason
META_BROWSER_RETRIES = "newsmon_browser_retries"  # browser crashes this request has survived
META_PAGE_SLOT = "newsmon_page_slot"  # browser context whose reused tab this request holds
META_SITEMAP_LEVEL = "newsmon_sitemap_level"  # 1 for a configured sitemap, +1 per sitemap index level
META_HINTS = "newsmon_hints"  # what a hub said about an article (news sitemap date and title)
META_SOURCE = "newsmon_source"  # the configured hub (feed, category, sitemap) a hub page was reached from
META_STEALTH = "newsmon_stealth"  # overrides for playwright-stealth (user agent, platform, WebGL)
META_AMP_OF = "newsmon_amp_of"  # on a canonical page's request: the AMP page it was requested for
META_AMP_FALLBACK = "newsmon_amp_fallback"  # the AMP page again: its canonical page does not exist
META_PART_OF = "newsmon_part_of"  # on a later page of a split article: the key of the article it belongs to
META_SKIPPED_AS = "_newsmon_skipped_as"  # internal: on a skipped request, its stored article's canonical URL
WARC_META = "_newsmon_warc"  # internal: (WARC file name, WARC-Record-ID) of the response, set by the archiver

# Every key above with its meaning: docs/reference/meta-keys.md's table is written from it (checked by
# tests/test_registries.py).
META_KEYS: tuple[tuple[str, str], ...] = (
    (META_KIND, "`feed`, `listing`, `sitemap`, `robots`, `article` or `article_part`"),
    (META_VIA, "how the URL was found (`discovered_via`)"),
    (META_REFERRER, "the page that linked here (`referrer`)"),
    (META_DEPTH, "hops from a hub (`depth`)"),
    (META_HOPS, "related-link hops taken so far (bounded by `follow_depth`)"),
    (META_KEY, "the canonical URL an article was requested under (its key before redirects)"),
    (META_PAGE, "listing page number"),
    (META_TIER, "the tier that fetched the response, `PLAIN` or `STEALTHY` (`fetcher_tier`)"),
    (META_FETCH_REASON, "why that tier fetched it (`fetch_reason`)"),
    (
        META_ESCALATE,
        "set by a spider (via `newsmon.fetch.tiers.escalate`): fetch this request again in the browser, "
        "for this reason",
    ),
    (
        META_BROWSER_RETRIES,
        "browser crashes this request has survived (bounded by `NEWSMON_BROWSER_RETRIES`)",
    ),
    (META_STEALTH, "overrides the browser page gets from playwright-stealth (the user agent)"),
    (META_SITEMAP_LEVEL, "1 for a configured sitemap, +1 per sitemap-index level (at most 3)"),
    (
        META_HINTS,
        "what a hub said about an article: a news sitemap's `published_at` (used when the page has no date) "
        "and title",
    ),
    (
        META_PAGE_SLOT,
        "internal: the browser context whose pooled tab a STEALTHY request holds (with "
        "`playwright_include_page`)",
    ),
    (
        META_AMP_OF,
        "on the request for an AMP page's canonical page: the AMP page's URL (a failure or no record "
        "there fetches the AMP page again with `newsmon_amp_fallback`)",
    ),
    (
        META_AMP_FALLBACK,
        "the AMP page fetched again because its canonical page failed or gave no record: recorded as it is",
    ),
    (
        META_PART_OF,
        "on a later page of an article split over pages (`article_part`): the article's key; its text is "
        "joined into that article's record",
    ),
    (
        META_SKIPPED_AS,
        "internal: set by the skip filter on an article request it dropped (the stored article's canonical "
        "URL)",
    ),
    (
        META_SOURCE,
        "the configured hub (feed, first category page, sitemap, robots.txt) a hub page was reached from "
        "(per-source freshness)",
    ),
    (
        WARC_META,
        "internal: `(WARC file, WARC-Record-ID)` of the archived response, for the record's `warc_file` / "
        "`warc_record_id`",
    ),
)

# Values of META_KIND by role.
HUB_KINDS = ("feed", "listing", "sitemap", "robots")  # pages that list articles: always re-fetched
PAGE_KINDS = ("article", "listing", "article_part")  # HTML pages: the browser tier may fetch them
