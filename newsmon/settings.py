"""Project settings: Scrapy's own, tuned for polite hourly news crawls, and every NEWSMON_* default."""

import os

BOT_NAME = "newsmon"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# --- newsmon -----------------------------------------------------------------------------------
# Site configuration the euromaidan spider loads (bundled name or path to a TOML file).
NEWSMON_SITE = "euromaidan"
# Hops of "Read also" / "News Feed" links followed from an article found on a hub.
NEWSMON_FOLLOW_DEPTH = 2
# Pages of each category listing read per run (page 1 included).
NEWSMON_MAX_LISTING_PAGES = 5
# Hub requests per run (feeds, listing pages, sitemaps, robots.txt; 0: no cap). Configured hubs are always
# requested and count; later listing pages and child sitemaps past it are cut (newsmon/hub/budget_cut).
NEWSMON_MAX_HUB_REQUESTS = 500
# Child sitemaps read per sitemap index, newest first (0: all); the rest are cut (sitemap/children_cut).
NEWSMON_MAX_CHILD_SITEMAPS = 50
# Query parameters dropped from every URL before requesting and in canonical_url (shell patterns).
NEWSMON_TRACKING_PARAMS = [
    "utm_*",
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "igshid",
    "ref_src",
    "swcfpc",
]
# Per-run output when no -o/-O/FEEDS is given (Scrapy feed URI; %(name)s spider, %(time)s UTC start).
# A deployment sets an absolute one in the environment (deploy/README.md); -s still wins.
NEWSMON_OUTPUT_URI = os.environ.get("NEWSMON_OUTPUT_URI", "output/%(name)s/%(time)s.jsonl")
# Check every feed before the first request (storage usable, directory writable); an unusable one: exit 2.
NEWSMON_OUTPUT_CHECK = True
# Validate every record against newsmon/schema/record.schema.json; invalid ones are dropped and counted.
NEWSMON_VALIDATE_RECORDS = True
# Write the final stats of a run as JSON to this path (%(name)s = spider); empty = off.
NEWSMON_STATS_FILE = ""

# --- fetch tiers (PLAIN = Scrapy's HTTP client, STEALTHY = headless Chromium via scrapy-playwright) ---
# Master switch of the tier policy and the browser tier.
NEWSMON_TIERS_ENABLED = True
# auto: PLAIN first, STEALTHY when needed | plain: never the browser | stealthy: always ("" = site's).
NEWSMON_TIER_MODE = ""
# Chromium binary; empty: a system chromium/chromium-browser/google-chrome, else Playwright's own.
NEWSMON_CHROMIUM_PATH = ""
# Chromium switches (these run in containers and on closed networks).
NEWSMON_CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-blink-features=AutomationControlled",
]
# Browser identity of both tiers; its Chrome version is set to the installed Chromium's at start.
NEWSMON_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
# Escalations on one host before its pages go straight to STEALTHY (0: never remember).
NEWSMON_TIER_REMEMBER_AFTER = 2
# How long a host stays remembered as STEALTHY (hours), in this run and later ones; then PLAIN again.
NEWSMON_TIER_MEMORY_HOURS = 24.0
# Retries of a browser request whose Chromium crashed or closed the page.
NEWSMON_BROWSER_RETRIES = 2
# Pages one browser tab loads before it is closed and a fresh one opened (1: a new tab for every page).
NEWSMON_BROWSER_PAGE_REUSE = 100
# A browser page with more DOM nodes than this is closed, no record (0: no limit).
NEWSMON_BROWSER_MAX_DOM_NODES = 200_000
# A browser page whose JavaScript heap grows past this many MiB is closed, no record (0: no limit).
NEWSMON_BROWSER_MAX_HEAP_MB = 512
# A Chromium renderer process resident above this many MiB is killed; its pages fail, no record (0: off).
NEWSMON_BROWSER_MAX_RENDERER_MB = 1024
# Seconds between two checks of the three limits above.
NEWSMON_BROWSER_CHECK_EVERY = 0.5
# Seconds a JavaScript challenge may take to let the browser through.
NEWSMON_CHALLENGE_WAIT = 15.0
# An article page with fewer body words than this that runs scripts is fetched again in the browser.
NEWSMON_THIN_BODY_WORDS = 40
# Processes that parse and extract article pages off the reactor thread (0: in the crawl process).
NEWSMON_EXTRACT_WORKERS = 1
# Per-page budget (newsmon/extract/budget.py; 0: no limit). HTML bytes handed to extraction (cut at a tag).
NEWSMON_EXTRACT_MAX_BYTES = 4 * 1024 * 1024
# Seconds a page may take in an extraction worker: then the worker is killed and replaced, no record.
NEWSMON_EXTRACT_TIMEOUT = 10.0
# The fast path: elements a page keeps (document order), inline elements a block or paragraph keeps.
NEWSMON_EXTRACT_MAX_ELEMENTS = 10_000
NEWSMON_EXTRACT_MAX_INLINE = 500
# Where runs keep state between runs (host tier memory, seen articles); relative to the working directory.
# A deployment sets an absolute one in the environment (deploy/README.md); -s still wins.
NEWSMON_STATE_DIR = os.environ.get("NEWSMON_STATE_DIR") or ".newsmon"

# scrapy-playwright, used by the STEALTHY tier only (newsmon.fetch.browser.BrowserAddon sets the
# download handlers, launch options and USER_AGENT once Chromium is found).
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_PROCESS_REQUEST_HEADERS = None  # Chromium sends its own, consistent headers
PLAYWRIGHT_ABORT_REQUEST = "newsmon.fetch.browser.abort_unneeded"
PLAYWRIGHT_MAX_CONTEXTS = 2
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000  # ms

# --- state (incremental runs) ---------------------------------------------------------------------
# Keep state between runs (skip emitted articles, cross-run dedupe, revisions, run lock); False: stateless.
NEWSMON_STATE_ENABLED = True
# Emit every article the run reaches, not only new and changed ones (a full snapshot in -O file.jsonl);
# the store still learns what was emitted and versions go on counting.
NEWSMON_SNAPSHOT = False
# Articles published (or first seen, when undated) less than this many hours ago are revisited ...
NEWSMON_REVISIT_YOUNGER_THAN = 24.0
# ... at most once every this many hours (a changed body is emitted as a new version).
NEWSMON_REVISIT_EVERY = 3.0
# Run SQLite's quick_check when the state store opens (a corrupt store is moved aside and rebuilt).
NEWSMON_STATE_CHECK = True
# Our `crawl` command: takes the run lock before anything starts (exit status 75 when another run holds it).
COMMANDS_MODULE = "newsmon.commands"
# Local feed files: fsynced per record before the store marks it emitted; the per-run file written atomically.
FEED_STORAGES = {
    "": "newsmon.state.storage.DurableFileFeedStorage",
    "file": "newsmon.state.storage.DurableFileFeedStorage",
}

# --- distributed (scrapy-redis) -------------------------------------------------------------------
# sqlite: one process, state in NEWSMON_STATE_DIR | redis: processes and nodes share queue and state.
NEWSMON_BACKEND = "sqlite"
# Redis of distributed mode; prefer the environment variable NEWSMON_REDIS_URL for a URL with a password.
REDIS_URL = ""
# Processes given the same run id share one crawl; default: the UTC hour (YYYYMMDDTHH), so cron agrees.
NEWSMON_RUN_ID = ""
# First part of every Redis key (several newsmon installations on one Redis: give each its own).
NEWSMON_REDIS_PREFIX = "newsmon"
# Seconds an emit claim on a canonical URL / body hash holds (a crashed claimant's article waits this long).
NEWSMON_CLAIM_TTL = 3600.0
# Seconds between a process's reports to Redis (liveness, run key expiry, Redis health).
NEWSMON_REDIS_HEARTBEAT = 2.0
# Seconds of silence after which a process of the run is taken as dead (nobody waits for it).
NEWSMON_WORKER_TIMEOUT = 30.0
# Seconds the keys of a run (queue, dupefilter) outlive its last heartbeat when nobody deletes them.
NEWSMON_RUN_TTL = 6 * 3600.0

# --- monitors ----------------------------------------------------------------------------------
# Judge every run when it closes (log, stats newsmon/monitor/*, the run record, the exit status).
NEWSMON_MONITORS_ENABLED = True
# Finish reasons that pass; closespider_* (a limit was hit) warns; any other fails.
NEWSMON_MONITOR_FINISH_REASONS = ["finished"]
# Fail when (ERROR log lines + failed requests) / requests is above this.
NEWSMON_MONITOR_MAX_ERROR_RATIO = 0.25
# Blocked when this share of article/listing pages ended as challenges or 403/429 refusals is exceeded.
NEWSMON_MONITOR_MAX_BAN_RATIO = 0.5
# Fail when more records than this were dropped by the JSON Schema check.
NEWSMON_MONITOR_MAX_INVALID = 0
# The minimum-output check looks at this many of the latest finished runs ...
NEWSMON_MONITOR_HISTORY_RUNS = 10
# ... and judges only when it has at least this many (fewer: not judged).
NEWSMON_MONITOR_HISTORY_MIN_RUNS = 3
# A run with no records fails only if those runs' median record count is at least this (and hubs listed new).
NEWSMON_MONITOR_MIN_MEDIAN_ITEMS = 1.0
# Warn when a feed, listing or sitemap listed no new article URL for this many consecutive runs (0: off).
NEWSMON_MONITOR_STALE_RUNS = 24

# --- WARC archive ------------------------------------------------------------------------------------
# Write every fetched response (both tiers) into WARC 1.1 files in this directory; empty = off.
NEWSMON_WARC_DIR = ""
# Start a new WARC file once one reaches this size (bytes; 0: never rotate).
NEWSMON_WARC_MAX_BYTES = 1024**3

# --- components --------------------------------------------------------------------------------
ADDONS = {
    "newsmon.extensions.default_output.DefaultOutput": 0,
    "newsmon.fetch.browser.BrowserAddon": 10,
    # NEWSMON_BACKEND=redis: the scrapy-redis scheduler on the run's keys, secrets masked in the log
    "newsmon.distributed.addon.DistributedAddon": 20,
}
DOWNLOADER_MIDDLEWARES = {
    # after HttpCompression (590) has decoded the body, before Retry (550) retries a 503 challenge
    "newsmon.fetch.tiers.TierMiddleware": 575,
    # right after it: hands its browser requests a reused tab (playwright_page) and takes it back
    "newsmon.fetch.page_pool.PagePoolMiddleware": 576,
    # hub conditional GET: sees bodies after HttpCompression (590), stores validators, replays a 304
    "newsmon.state.conditional.HubConditionalGet": 580,
    # SSRF guard: after Offsite (50; offsite hosts dropped without a DNS lookup), before RobotsTxt (100;
    # a refused host's robots.txt is never asked); every redirect hop and retry passes it again
    "newsmon.fetch.ssrf.SsrfGuard": 60,
    # Scrapy's retry, waiting for Retry-After (capped) or a backoff before HTTP-status retries
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newsmon.fetch.retry.RetryAfterMiddleware": 550,
    # downloader side of the tier middleware and HttpCompression (590): requests by tier, raw responses
    "newsmon.fetch.counts.FetchCounts": 880,
    # WARC archive (NEWSMON_WARC_DIR): the bytes as received, before decompression and the tier's verdict
    "newsmon.archive.warc.WarcArchiver": 890,
}
SPIDER_MIDDLEWARES = {
    # skip before download: emitted article requests never reach the scheduler
    "newsmon.state.skip.SkipEmittedArticles": 950,
    # monitors: tags hub requests with the configured hub they came from (per-source freshness)
    "newsmon.monitors.sources.HubSources": 960,
}
EXTENSIONS = {
    # every feed checked when the spider opens: an unusable one stops the run before any request (exit 2)
    "newsmon.extensions.output_check.OutputCheck": 400,
    # after the monitors and the state extension: the stats file holds their verdicts and counts
    "newsmon.extensions.stats_file.StatsFile": 900,
    # before StateExtension (500): its verdicts must be in stats when the run is recorded
    "newsmon.monitors.extension.MonitorExtension": 450,
    # after FeedExporter (0): its item_scraped handler must run after the exporter wrote the record
    "newsmon.state.extension.StateExtension": 500,
    # distributed mode only: the run's workers, waiting for each other when idle, cleanup by the last
    "newsmon.distributed.coordinator.RunCoordinator": 510,
}
ITEM_PIPELINES = {
    "newsmon.pipelines.validate.SchemaValidationPipeline": 100,
    "newsmon.pipelines.dedupe.InRunDedupePipeline": 200,
    "newsmon.pipelines.cross_run.CrossRunDedupePipeline": 300,
}
FEED_EXPORT_ENCODING = "utf-8"

# --- safety (SSRF, hostile input) -------------------------------------------------------------------
# Refuse requests to private, loopback, link-local, CGNAT, multicast and other non-public addresses
# (IP literals and names resolving there) and non-http(s) schemes, except the crawl origin itself.
NEWSMON_SSRF_GUARD = True
# Host names, IP addresses or networks (CIDR) the SSRF guard lets through even when not public.
NEWSMON_SSRF_ALLOWED_HOSTS: list[str] = []
# Longest wait (seconds) before retrying a 429/5xx, whatever its Retry-After asks for.
NEWSMON_RETRY_AFTER_MAX = 60.0
# Wait (seconds) before the first retry of a 429/5xx without Retry-After, doubled for each next one.
NEWSMON_RETRY_BACKOFF = 1.0
# Entries read from one feed document; the rest are cut before parsing (a huge feed stays cheap).
NEWSMON_FEED_MAX_ENTRIES = 1000
# A body shorter than its Content-Length (connection cut mid-body) fails the request (retried, then
# counted as newsmon/<kind>/failed/data_loss): a half page never becomes a record. Scrapy's default, pinned.
DOWNLOAD_FAIL_ON_DATALOSS = True
# Redirect hops followed per request; a loop or longer chain ends as newsmon/<kind>/failed/redirect_limit.
REDIRECT_MAX_TIMES = 10
# DOWNLOAD_MAXSIZE (below) also bounds decompressed bodies: gzip/deflate/brotli bombs are refused by
# Scrapy's HttpCompressionMiddleware (newsmon/<kind>/failed/decompression_limit).

# --- politeness and safety nets -----------------------------------------------------------------
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_TIMES = 3
# An hourly cron run must end before the next one starts.
CLOSESPIDER_TIMEOUT = 50 * 60
COOKIES_ENABLED = True
# USER_AGENT: set by newsmon.fetch.browser.BrowserAddon to NEWSMON_USER_AGENT with the installed
# Chromium's version (both tiers tell the same story); `-s USER_AGENT=...` still overrides it.
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en-US,en;q=0.9",
}
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19's RemoteControl extension (an HTTP endpoint on 127.0.0.1 that runs any Python code sent to it
# with a bearer token, for Scrapy's MCP server) is on in every crawl by default: off here. Turn it on for
# one run with -s REMOTE_CONTROL_ENABLED=True.
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
