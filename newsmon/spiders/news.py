"""Any news site from its configuration: `scrapy crawl news -a site=path/to/site.toml`."""

from newsmon.crawl.spider import NewsSpider


class GenericNewsSpider(NewsSpider):
    """Crawls the site named by `-a site=` (a bundled name or a TOML file; NEWSMON_SITE otherwise)."""

    name = "news"
