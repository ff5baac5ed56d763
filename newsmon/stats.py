"""Every stat name newsmon counts under ``newsmon/...``, in one place: producers and readers (monitors, the
run report, the state store's run record, the crawl command) use these names, so renaming one cannot
silently zero a monitor.

A fixed name is a constant (``FEED_ENTRIES``); a family with a variable part is a function of that part
(``kind_failed("feed", "dns")``, ``tier_escalated("js_shell")``). Called with ``""`` for its last part, a
family function gives the family's prefix, for readers that sum a family (``monitors.checks.total``).
``STATS`` is the machine-readable table (pattern, meaning, group) docs/reference/stats.md is written from
(``python -m newsmon.docs``; tests/test_registries.py fails when the page is stale).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ParamSpec

PREFIX = "newsmon/"

P = ParamSpec("P")


@dataclass(frozen=True)
class StatName:
    """One name or family: ``pattern`` is the name with its variable parts as ``<part>``; ``build`` is the
    function that makes a family's names (None for a fixed name)."""

    pattern: str
    doc: str
    group: str
    build: Callable[..., str] | None = field(default=None, compare=False, repr=False)

    @property
    def prefix(self) -> str:
        """The fixed part before the first variable part (the whole name when there is none)."""
        return self.pattern.split("<", 1)[0]

    @property
    def regex(self) -> re.Pattern[str]:
        parts = re.split(r"<[^>]+>", self.pattern)
        return re.compile("[^/]+".join(re.escape(p) for p in parts))

    def matches(self, name: str) -> bool:
        return self.regex.fullmatch(name) is not None


_TABLE: list[StatName] = []


class _Group:
    def __init__(self, title: str) -> None:
        self.title = title

    def stat(self, name: str, doc: str) -> str:
        """Register a fixed name; returns it."""
        _TABLE.append(StatName(name, doc, self.title))
        return name

    def family(self, pattern: str, doc: str) -> Callable[[Callable[P, str]], Callable[P, str]]:
        """Register a family; decorates the function that builds its names."""

        def register(build: Callable[P, str]) -> Callable[P, str]:
            _TABLE.append(StatName(pattern, doc, self.title, build))
            return build

        return register


# --- hubs: feeds, listings, sitemaps, robots.txt -----------------------------------------------------------
_hubs = _Group("Hubs")
FEED_ENTRIES = _hubs.stat("newsmon/feed/entries", "entries read from feeds")
FEED_BOZO = _hubs.stat("newsmon/feed/bozo", "ill-formed feed, parseable entries kept")
FEED_EMPTY = _hubs.stat(
    "newsmon/feed/empty", "an empty feed, or an empty document: no bytes, an XML declaration alone"
)
FEED_NOT_A_FEED = _hubs.stat("newsmon/feed/not_a_feed", "a feed URL answered with something else")
FEED_TRUNCATED = _hubs.stat(
    "newsmon/feed/truncated", "a feed with more entries than `NEWSMON_FEED_MAX_ENTRIES`: the first read"
)
LISTING_PAGES = _hubs.stat("newsmon/listing/pages", "listing pages read")
LISTING_EMPTY = _hubs.stat("newsmon/listing/empty", "listing pages without an article link")
LISTING_PAGE_LIMIT = _hubs.stat(
    "newsmon/listing/page_limit", "a next listing page past `max_pages`: not requested"
)
SITEMAP_ENTRIES = _hubs.stat("newsmon/sitemap/entries", "entries read from sitemaps")
SITEMAP_BOZO = _hubs.stat("newsmon/sitemap/bozo", "ill-formed sitemap, entries read before the error kept")
SITEMAP_NOT_A_SITEMAP = _hubs.stat(
    "newsmon/sitemap/not_a_sitemap", "a sitemap URL answered with something else"
)
SITEMAP_TRUNCATED = _hubs.stat(
    "newsmon/sitemap/truncated", "a sitemap with more entries than can be read: the rest skipped"
)
SITEMAP_TOO_DEEP = _hubs.stat(
    "newsmon/sitemap/too_deep", "children of a sitemap index at the deepest level (3): not requested"
)
SITEMAP_NOT_ARTICLE_URL = _hubs.stat(
    "newsmon/sitemap/not_article_url", "sitemap entries not fetched: outside `article_pattern`"
)
SITEMAP_TOO_LARGE = _hubs.stat(
    "newsmon/sitemap/too_large", "a gzipped sitemap unpacking past 64 MiB, a bomb: read up to there"
)
SITEMAP_CHILDREN_CUT = _hubs.stat(
    "newsmon/sitemap/children_cut", "children of a sitemap index past `NEWSMON_MAX_CHILD_SITEMAPS`"
)
ROBOTS_SITEMAPS = _hubs.stat("newsmon/robots/sitemaps", "sitemaps listed by robots.txt")
HUB_STORED = _hubs.stat(
    "newsmon/hub/stored", "hub responses stored with their ETag / Last-Modified for a conditional GET"
)
HUB_CONDITIONAL_GET = _hubs.stat(
    "newsmon/hub/conditional_get", "hub requests sent with If-None-Match / If-Modified-Since"
)
HUB_NOT_MODIFIED = _hubs.stat("newsmon/hub/not_modified", "hubs that answered 304: unchanged since last run")
HUB_BUDGET_CUT = _hubs.stat(
    "newsmon/hub/budget_cut",
    "listing pages and sitemaps not requested: `NEWSMON_MAX_HUB_REQUESTS` spent",
)


@_hubs.family("newsmon/hub/budget_cut/<kind>", "`newsmon/hub/budget_cut` by hub kind")
def hub_budget_cut(kind: str) -> str:
    return f"newsmon/hub/budget_cut/{kind}"


# --- links -------------------------------------------------------------------------------------------------
_links = _Group("Links")
LINK_OFFSITE = _links.stat("newsmon/link/offsite", "a link to another site: not followed")
LINK_HUB_SKIPPED = _links.stat("newsmon/link/hub_skipped", "a related link to a hub page: not followed")
LINK_DEPTH_LIMIT = _links.stat("newsmon/link/depth_limit", "a related link past `follow_depth`: not followed")
LINK_SEEN = _links.stat("newsmon/link/seen", "a link already requested by as short a path")
LINK_SHORTER_PATH = _links.stat(
    "newsmon/link/shorter_path",
    "a link found again by fewer hops: its related links are followed again from there, without a refetch",
)
LINK_LEVEL_RELEASED = _links.stat(
    "newsmon/link/level_released",
    "related-link requests released once the levels above them were answered (crawl/levels.py)",
)
LINK_LEVEL_UNRELEASED = _links.stat(
    "newsmon/link/level_unreleased",
    "related-link requests still waiting for their level when the spider closed (a limit or a signal "
    "stopped the run): not fetched this run",
)
LINK_REDIRECT_PATH = _links.stat(
    "newsmon/link/redirect_path",
    "an article reached through a redirect: its final URL takes the request's path when shorter",
)
LINK_URL_RULE = _links.stat(
    "newsmon/link/url_rule",
    "an article link written in the canonical form by the site's learned URL rules (a parameter that "
    "changes nothing dropped, a name's case folded) before it is requested or written in a record",
)
LINK_ALIAS_MERGED = _links.stat(
    "newsmon/link/alias_merged",
    "a waiting article request not sent: the site's URL rules, learned meanwhile, name it by a URL already "
    "requested (crawl/levels.py)",
)
LINK_ALIAS_DEFERRED = _links.stat(
    "newsmon/link/alias_deferred",
    "article requests that may be aliases of another (same path, a superset of its query) sent "
    "after the rest of the level, so the site's canonical answers can spare them (crawl/levels.py)",
)
LINK_ALIAS_PROBE = _links.stat(
    "newsmon/link/alias_probe",
    "a deeper article request sent before its level: an alias of a story already parsed by a parameter "
    "value or a name's case the site's URL rules have not learned yet, its canonical answer teaches them",
)
URL_RULE_LEARNED = _links.stat(
    "newsmon/link/url_rules_learned",
    "URL rules the crawl started to use, learned from the site's rel=canonical answers (crawl/url_rules.py)",
)
URL_RULE_WITHDRAWN = _links.stat(
    "newsmon/link/url_rules_withdrawn",
    "URL rules withdrawn: a canonical URL kept the parameter they dropped (it identifies pages)",
)

# --- pages and extraction ----------------------------------------------------------------------------------
_pages = _Group("Pages and extraction")
ARTICLE_EXTRACTED = _pages.stat("newsmon/article/extracted", "article pages that gave a record")
ARTICLE_ALIAS_AGAIN = _pages.stat(
    "newsmon/article/alias_again",
    "article pages whose canonical URL names a story this run already read under another URL (an alias "
    "fetched before the site's URL rules knew it, or sent to teach them): no second record",
)
ARTICLE_PARTS_JOINED = _pages.stat(
    "newsmon/article/parts_joined", "later pages of articles split over pages, joined into the first's record"
)
ARTICLE_PARTS_FAILED = _pages.stat(
    "newsmon/article/parts_failed",
    "later pages of split articles that failed or gave no text: the record holds the pages read",
)
ARTICLE_NO_BODY = _pages.stat("newsmon/article/no_body", "an article page without article text: no record")
PAGE_NOT_ARTICLE = _pages.stat("newsmon/page/not_article", "a page that is not an article: no record")
PAGE_NOT_HTML = _pages.stat("newsmon/page/not_html", "a response that is not HTML: no record")
PAGE_HUB_REDIRECT = _pages.stat(
    "newsmon/page/hub_redirect", "an article link that ended on a hub page: no record"
)
PAGE_NOT_FOUND = _pages.stat("newsmon/page/not_found", "a soft 404: no record")


@_pages.family(
    "newsmon/page/challenge/<reason>", "a bot challenge with no browser tier to take it: no record"
)
def page_challenge(reason: str) -> str:
    return f"newsmon/page/challenge/{reason}"


AMP_CANONICAL_REQUESTED = _pages.stat(
    "newsmon/amp/canonical_requested",
    "an AMP page whose canonical page (its rel=canonical) was requested to be recorded instead",
)
AMP_CANONICAL_SEEN = _pages.stat(
    "newsmon/amp/canonical_seen",
    "an AMP page whose canonical page was already requested this run: no record from the AMP page",
)
AMP_NO_CANONICAL = _pages.stat(
    "newsmon/amp/no_canonical",
    "an AMP page recorded as it is: its rel=canonical is missing, itself, offsite or a hub",
)
AMP_FALLBACK = _pages.stat(
    "newsmon/amp/fallback",
    "an AMP page's canonical page failed or gave no record: the AMP page fetched again and recorded",
)
EXTRACT_WORKER_RESTARTS = _pages.stat(
    "newsmon/extract/worker_restarts",
    "an extraction worker died on its own: a new one took its page",
)
EXTRACT_FAILED = _pages.stat(
    "newsmon/extract/failed",
    "a page two extraction workers died on: no record (a later page of a split article: left out of its "
    "article's record; a held article read again: recorded from its first extraction)",
)
EXTRACT_TRUNCATED = _pages.stat(
    "newsmon/extract/truncated", "a page cut at `NEWSMON_EXTRACT_MAX_BYTES` (before a tag) for extraction"
)
EXTRACT_CAPPED = _pages.stat(
    "newsmon/extract/capped", "pathological pages the per-page budget's fast path capped"
)


@_pages.family(
    "newsmon/extract/capped/<rule>",
    "elements cut by the fast path, by rule: `inline`, `textless`, `elements`; `attributes`: attributes "
    "dropped before the parser (a start tag keeps its first 200)",
)
def extract_capped(rule: str) -> str:
    return f"newsmon/extract/capped/{rule}"


EXTRACT_TOO_SLOW = _pages.stat(
    "newsmon/extract/too_slow",
    "a page over `NEWSMON_EXTRACT_TIMEOUT`: its worker killed, no record (a later page of a split article: "
    "left out of its article's record; a held article read again: recorded from its first extraction)",
)
EXTRACT_CANCELLED = _pages.stat(
    "newsmon/extract/cancelled",
    "an extraction given up because the spider was closing: no record (a later page of a split article: "
    "left out of its article's record; a held article read again: recorded from its first extraction)",
)
EXTRACT_MAX_CPU_MS = _pages.stat("newsmon/extract/max_cpu_ms", "the most CPU one page's extraction took (ms)")
TEMPLATE_LEARNED = _pages.stat(
    "newsmon/template/learned", "pages (listings and articles) the site template learned from"
)
TEMPLATE_HELD = _pages.stat(
    "newsmon/template/held", "articles held during the site template's warm-up, emitted once it is over"
)
TEMPLATE_AGAIN = _pages.stat(
    "newsmon/template/again",
    "articles extracted again before they were emitted: extracted (in a worker's queue) with the template "
    "as it was before the warm-up was over, or before their own learning made one of their blocks template "
    "(other processes of a distributed run, other workers' pages)",
)
TEMPLATE_BODIES = _pages.stat("newsmon/template/bodies", "bodies that had template lines left out")
TEMPLATE_LINES = _pages.stat("newsmon/template/lines", "body lines left out as the site's template")

# --- records -----------------------------------------------------------------------------------------------
_records = _Group("Records")
SCHEMA_VALID = _records.stat("newsmon/schema/valid", "records that passed the schema check")
SCHEMA_INVALID = _records.stat("newsmon/schema/invalid", "records that failed the schema check: dropped")
DEDUPE_UNIQUE = _records.stat(
    "newsmon/dedupe/unique", "records that are no duplicate (URL or body) of another in this run"
)
DEDUPE_DUPLICATE_URL = _records.stat(
    "newsmon/dedupe/duplicate_url", "a record whose URL this run already emitted: dropped"
)
DEDUPE_DUPLICATE_CONTENT = _records.stat(
    "newsmon/dedupe/duplicate_content", "a record whose body this run already emitted: dropped"
)

# --- faults ------------------------------------------------------------------------------------------------
_faults = _Group("Faults")
_faults.stat("newsmon/<kind>/failed", "requests that failed (`<kind>`: `article`, `feed`, `listing`, ...)")


@_faults.family(
    "newsmon/<kind>/failed/<reason>",
    "`newsmon/<kind>/failed` by reason: `timeout`, `data_loss`, `connection_lost`, `too_large`, "
    "`decompression_limit`, `redirect_limit`, `ssrf_refused`, `dns`, `connection_refused`, "
    "`browser_killed`, `offsite_navigation`, ...",
)
def kind_failed(kind: str, reason: str | None = None) -> str:
    """``newsmon/<kind>/failed``, or with a reason ``newsmon/<kind>/failed/<reason>``."""
    return f"newsmon/{kind}/failed" if reason is None else f"newsmon/{kind}/failed/{reason}"


def kind_stats(kind: str) -> str:
    """The prefix of every stat of one page or hub kind (``newsmon/<kind>/``), for readers."""
    return f"newsmon/{kind}/"


@_faults.family("newsmon/<kind>/http_error/<status>", "a page or hub that answered an HTTP error status")
def kind_http_error(kind: str, status: int | str) -> str:
    return f"newsmon/{kind}/http_error/{status}"


@_faults.family(
    "newsmon/<kind>/challenge/<reason>",
    "a feed, listing, sitemap or robots.txt answered with a bot challenge: blocked",
)
def kind_challenge(kind: str, reason: str) -> str:
    return f"newsmon/{kind}/challenge/{reason}"


SSRF_REFUSED = _faults.stat("newsmon/ssrf/refused", "a request to a private or reserved address: refused")
RETRY_RETRY_AFTER = _faults.stat("newsmon/retry/retry_after", "retries that waited for a `Retry-After`")
RETRY_RETRY_AFTER_CAPPED = _faults.stat(
    "newsmon/retry/retry_after_capped", "a `Retry-After` longer than the longest wait: capped"
)
RETRY_BACKOFF = _faults.stat("newsmon/retry/backoff", "retries that waited an exponential backoff")

# --- fetch tiers -------------------------------------------------------------------------------------------
_tiers = _Group("Fetch tiers")


@_tiers.family(
    "newsmon/request/<tier>/<kind>",
    "requests by tier (`plain`, `stealthy`) and kind (`article`, `listing`, `feed`, `sitemap`, `robots`, "
    "`other`), counted on the downloader side: every retry and escalation is one more",
)
def request_by(tier: str, kind: str) -> str:
    """``newsmon/request/<tier>/<kind>``; ``tier`` is lowered (a ``Tier`` gives its lower-case name)."""
    return f"newsmon/request/{str(tier).lower()}/{kind}"


@_tiers.family("newsmon/response/<tier>/<kind>", "responses by tier and kind, as `newsmon/request/...`")
def response_by(tier: str, kind: str) -> str:
    return f"newsmon/response/{str(tier).lower()}/{kind}"


@_tiers.family(
    "newsmon/tier/escalated/<reason>",
    "pages sent to the browser tier after a plain fetch, by reason (`challenge_<status>`, `js_shell`, "
    "`short_body`)",
)
def tier_escalated(reason: str) -> str:
    return f"newsmon/tier/escalated/{reason}"


@_tiers.family(
    "newsmon/tier/stealthy/<reason>",
    "browser fetches by reason: `challenge_<status>`, `js_shell`, `short_body`, `host_memory`, `site_policy`",
)
def tier_stealthy(reason: str) -> str:
    return f"newsmon/tier/stealthy/{reason}"


TIER_STEALTHY_OK = _tiers.stat("newsmon/tier/stealthy_ok", "browser fetches that got the page")


@_tiers.family("newsmon/tier/blocked/<reason>", "still a challenge in the browser: no record")
def tier_blocked(reason: str) -> str:
    return f"newsmon/tier/blocked/{reason}"


@_tiers.family("newsmon/tier/unavailable/<reason>", "needed the browser, none available: no record")
def tier_unavailable(reason: str) -> str:
    return f"newsmon/tier/unavailable/{reason}"


TIER_HOST_REMEMBERED = _tiers.stat(
    "newsmon/tier/host_remembered", "a host that now goes straight to the browser (host memory)"
)
TIER_CHECK_PASSED = _tiers.stat(
    "newsmon/tier/check_passed",
    "browser fetches where a check page navigated on its own (cookie + reload, form, redirect) to the page",
)
TIER_BROWSER_RETRY = _tiers.stat("newsmon/tier/browser_retry", "a browser error: the request retried")
TIER_BROWSER_FAILED = _tiers.stat(
    "newsmon/tier/browser_failed", "a request the browser failed on `NEWSMON_BROWSER_RETRIES` + 1 times"
)

# --- browser -----------------------------------------------------------------------------------------------
_browser = _Group("Browser")
BROWSER_PAGE_REUSED = _browser.stat("newsmon/browser/page_reused", "a pooled tab served the request")


@_browser.family(
    "newsmon/browser/page_closed/<reason>", "pooled tabs closed, by reason: `reuse_limit`, `error`"
)
def browser_page_closed(reason: str) -> str:
    return f"newsmon/browser/page_closed/{reason}"


SSRF_BROWSER_REFUSED = _browser.stat(
    "newsmon/ssrf/browser_refused", "a request Chromium made, refused by the SSRF rule"
)


@_browser.family(
    "newsmon/ssrf/browser_refused/<type>",
    "`newsmon/ssrf/browser_refused` by resource type: `navigation` for the main frame, `iframe`, `script`, "
    "`stylesheet`, `xhr`, `fetch`, `ping`, `eventsource`, `other`, ...",
)
def ssrf_browser_refused(resource_type: str) -> str:
    return f"newsmon/ssrf/browser_refused/{resource_type}"


BROWSER_UNRESOLVED = _browser.stat(
    "newsmon/browser/unresolved", "a browser request to a name that does not resolve: refused"
)
BROWSER_OFFSITE_NAVIGATION = _browser.stat(
    "newsmon/browser/offsite_navigation", "a page navigated off the allowed domains: no record"
)
BROWSER_POPUP = _browser.stat("newsmon/browser/popup", "window.open, target=_blank: blocked")
BROWSER_POPUP_CLOSED = _browser.stat("newsmon/browser/popup_closed", "a popup that opened anyway: closed")


@_browser.family(
    "newsmon/browser/killed/<limit>",
    "a page over its limit (`dom_nodes`, `js_heap`, `renderer_memory`): no record",
)
def browser_killed(limit: str) -> str:
    return f"newsmon/browser/killed/{limit}"


# --- state (incremental runs) ------------------------------------------------------------------------------
_state = _Group("State")
STATE_NEW = _state.stat("newsmon/state/new", "article URL not in the store: fetched")
STATE_SKIPPED = _state.stat("newsmon/state/skipped", "emitted before: not fetched")
STATE_REVISIT = _state.stat("newsmon/state/revisit", "emitted before, inside the revisit window: fetched")
STATE_STORED_LINKS = _state.stat(
    "newsmon/state/stored_links", "related links of skipped articles followed from the store"
)
STATE_FIRST_VERSION = _state.stat(
    "newsmon/state/first_version", "a record of an article new to the store (`version` 1)"
)
STATE_UNCHANGED = _state.stat("newsmon/state/unchanged", "same URL and hash as emitted: dropped")
STATE_REVISED = _state.stat("newsmon/state/revised", "same URL, new hash: `version` + 1")
STATE_TEMPLATE_ONLY = _state.stat(
    "newsmon/state/template_only",
    "of the unchanged: the body differs only by lines of blocks the site template learned since",
)
STATE_DUPLICATE_CONTENT = _state.stat(
    "newsmon/state/duplicate_content", "body emitted before under another URL: dropped"
)
STATE_EMITTED = _state.stat("newsmon/state/emitted", "records durable and marked emitted")
STATE_ALIASES = _state.stat("newsmon/state/aliases", "request URLs recorded as leading to a stored article")
STATE_NOT_MARKED = _state.stat(
    "newsmon/state/not_marked",
    "records not marked emitted because the output did not take them: fetched again next run",
)
STATE_MISSING_RECOVERED = _state.stat(
    "newsmon/state/missing_recovered", "the store was missing while outputs exist: rebuilt from them"
)
STATE_STORE_REMOVED = _state.stat(
    "newsmon/state/store_removed", "the store was deleted during the run: the next start rebuilds it"
)
STATE_RECOVERED_FILES = _state.stat(
    "newsmon/state/recovered_files", "a crashed run's `.partial` outputs recovered at the start"
)
STATE_RECOVERED_RECORDS = _state.stat(
    "newsmon/state/recovered_records", "records in those `.partial` outputs"
)
STATE_TORN_LINES = _state.stat(
    "newsmon/state/torn_lines", "cut-off lines in those `.partial` outputs (a crash mid-write): dropped"
)
STATE_BAD_LINES = _state.stat(
    "newsmon/state/bad_lines", "a complete line that is not a record: skipped, the lines after it kept"
)
STATE_CORRUPT_RECOVERED = _state.stat(
    "newsmon/state/corrupt_recovered", "a corrupt store set aside and rebuilt from the outputs"
)
STATE_REBUILT_RECORDS = _state.stat(
    "newsmon/state/rebuilt_records", "records a rebuilt store was filled with from the outputs"
)
STATE_MARK_FAILED = _state.stat(
    "newsmon/state/mark_failed",
    "written but the store failed: the run closes, its `.partial` is kept for the next start",
)

# --- distributed -------------------------------------------------------------------------------------------
_distributed = _Group("Distributed")
DISTRIBUTED_CLAIMED_ELSEWHERE = _distributed.stat(
    "newsmon/distributed/claimed_elsewhere", "another process is emitting that URL or body: dropped"
)
DISTRIBUTED_FILTERED = _distributed.stat(
    "newsmon/distributed/filtered", "a request already queued in this run"
)
DISTRIBUTED_IDLE_WAITS = _distributed.stat(
    "newsmon/distributed/idle_waits", "idle, waiting for busy processes of the run"
)
DISTRIBUTED_RUN_CLEANED = _distributed.stat(
    "newsmon/distributed/run_cleaned", "this process was the last and deleted the run's keys"
)
DISTRIBUTED_REDIS_ERROR = _distributed.stat(
    "newsmon/distributed/redis_error", "Redis failed: the run closes with `newsmon_redis_error`"
)
DISTRIBUTED_LOCAL_REQUESTS = _distributed.stat(
    "newsmon/distributed/local_requests", "a request that could not be shared: fetched here"
)

# --- monitors ----------------------------------------------------------------------------------------------
_monitors = _Group("Monitors")


@_monitors.family(
    "newsmon/monitor/<name>",
    "`pass`, `warn` or `fail` for `finish_reason`, `error_ratio`, `ban_ratio`, `hubs`, `new_items`, "
    "`schema`, `outputs`, `freshness`",
)
def monitor(name: str) -> str:
    return f"newsmon/monitor/{name}"


MONITOR_SUMMARY = _monitors.stat(
    "newsmon/monitor/summary", "`pass`, or e.g. `fail: ban_ratio, hubs; warn: freshness`"
)
MONITOR_EXIT_STATUS = _monitors.stat("newsmon/monitor/exit_status", "the exit status the verdicts give")
MONITOR_ERRORS = _monitors.stat("newsmon/monitor/errors", "ERROR log lines + failed requests")
MONITOR_SOURCES = _monitors.stat(
    "newsmon/monitor/sources", "configured hubs counted for per-source freshness"
)
MONITOR_NEW_LISTED = _monitors.stat("newsmon/monitor/new_listed", "new article URLs the hubs listed")

# --- alerts ------------------------------------------------------------------------------------------------
_alerts = _Group("Alerts")
ALERT_SENT = _alerts.stat(
    "newsmon/alert/sent", "alerts delivered (a site started failing, went stale, recovered)"
)
ALERT_FAILED = _alerts.stat(
    "newsmon/alert/failed", "alerts no notifier took (the crawl goes on; the next run tries again)"
)

# --- WARC --------------------------------------------------------------------------------------------------
_warc = _Group("WARC")
WARC_RESPONSES = _warc.stat("newsmon/warc/responses", "responses archived")
WARC_RENDERED = _warc.stat("newsmon/warc/rendered", "archived responses rendered by the browser")
WARC_FILES = _warc.stat("newsmon/warc/files", "WARC files started")
WARC_FAILED = _warc.stat("newsmon/warc/failed", "responses that could not be archived")
WARC_RECOVERED_FILES = _warc.stat(
    "newsmon/warc/recovered_files", "a crashed run's `.open` WARC files finalized at the start"
)
WARC_TORN_RECORDS = _warc.stat(
    "newsmon/warc/torn_records", "a crashed run's cut-off records in `.open` WARC files: dropped"
)

# --- outputs -----------------------------------------------------------------------------------------------
_outputs = _Group("Outputs")
OUTPUT_FEEDS = _outputs.stat("newsmon/output/feeds", "feeds checked at start")
OUTPUT_UNUSABLE = _outputs.stat("newsmon/output/unusable", "why the run was refused (a string)")
OUTPUT_FAILED = _outputs.stat(
    "newsmon/output/failed",
    "a feed file could not take a record: the run closes with `newsmon_output_error`",
)
OUTPUT_RESTORED = _outputs.stat(
    "newsmon/output/restored", "an output file removed during the run was written back from the open file"
)
SINK_BATCHES = _outputs.stat("newsmon/sink/batches", "batches every sink committed")
SINK_RECORDS = _outputs.stat(
    "newsmon/sink/records", "records delivered to the sinks (a crashed run's recovered ones included)"
)
SINK_FAILED = _outputs.stat(
    "newsmon/sink/failed", "a sink could not take a batch: the run closes with `newsmon_output_error`"
)

STATS: tuple[StatName, ...] = tuple(_TABLE)


def known(name: str) -> bool:
    """Whether ``name`` is a newsmon stat this table defines."""
    return any(stat.matches(name) for stat in STATS)
