"""Request.meta keys newsmon reads and writes (all documented in the README), in one place."""

META_KIND = "newsmon_kind"  # "feed" | "listing" | "article"
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
WARC_META = "_newsmon_warc"  # internal: (WARC file name, WARC-Record-ID) of the response, set by the archiver

# Values of META_KIND by role.
HUB_KINDS = ("feed", "listing", "sitemap", "robots")  # pages that list articles: always re-fetched
PAGE_KINDS = ("article", "listing")  # HTML pages: the browser tier may fetch them
