"""This checkout's own spiders package: the bundled spiders (`euromaidan`, `news`) live in `newsmon.spiders`;
site spiders added here (NewsSpider subclasses) are picked up too, in the checkout and in the scrapyd egg."""
