"""The project's settings: politeness for hourly news crawls, and newsmon enabled as a Scrapy add-on.

Every NEWSMON_* default lives with the component that reads it (newsmon/registry.py gathers them; README
"Settings"); the add-on sets them at add-on priority, so a value here, in a site's TOML, `-s` or a spider
argument wins (newsmon/crawl/config.py). Outside this checkout: SCRAPY_SETTINGS_MODULE=newsmon.settings.
"""

from newsmon.spiders import spider_modules

BOT_NAME = "newsmon"
# newsmon.spiders, plus the checkout's own `spiders` package next to it (not in a wheel install)
SPIDER_MODULES = spider_modules()
NEWSPIDER_MODULE = "spiders" if "spiders" in SPIDER_MODULES else ""  # where `scrapy genspider` writes
# Our `crawl` command: takes the run lock before anything starts (exit status 75 when another run holds
# it), refuses bad arguments (exit 2), maps the monitors' verdict to the exit status.
COMMANDS_MODULE = "newsmon.commands"

ADDONS = {"newsmon.Addon": 0}

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
# USER_AGENT: set by the add-on to NEWSMON_USER_AGENT with the installed Chromium's version (both tiers
# tell the same story); `-s USER_AGENT=...` still overrides it.
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en-US,en;q=0.9",
}
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
