"""euromaidanpress.com: RSS feed + "Latest news Ukraine" listing, Read also and News Feed followed."""

from newsmon.crawl.spider import NewsSpider


class EuromaidanSpider(NewsSpider):
    name = "euromaidan"
    site_name = "euromaidan"
