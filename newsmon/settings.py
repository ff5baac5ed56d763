"""Project settings: Scrapy's own, tuned for polite hourly news crawls, and every NEWSMON_* default."""

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
NEWSMON_OUTPUT_URI = "output/%(name)s/%(time)s.jsonl"
# Validate every record against newsmon/schema/record.schema.json; invalid ones are dropped and counted.
NEWSMON_VALIDATE_RECORDS = True
# Write the final stats of a run as JSON to this path (%(name)s = spider); empty = off.
NEWSMON_STATS_FILE = ""

# --- components --------------------------------------------------------------------------------
ADDONS = {
    "newsmon.extensions.default_output.DefaultOutput": 0,
}
EXTENSIONS = {
    "newsmon.extensions.stats_file.StatsFile": 900,
}
ITEM_PIPELINES = {
    "newsmon.pipelines.validate.SchemaValidationPipeline": 100,
    "newsmon.pipelines.dedupe.InRunDedupePipeline": 200,
}
FEED_EXPORT_ENCODING = "utf-8"

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
# A real browser's identity; the STEALTHY tier uses the same one.
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en-US,en;q=0.9",
}
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
