"""The crawl policy: configuration (config.py, precedence.py: one table of per-site options; arguments.py),
the frontier (frontier.py), what a fetched page is (classify.py), hub reading (hubs.py) and the spider that
ties them together (spider.py; its article callbacks in articles.py, article_parts.py and pages.py)."""
