"""The crawl policy: configuration (config.py, arguments.py), the frontier (frontier.py), what a fetched page
is (classify.py), hub reading (hubs.py) and the spider that ties them together (spider.py)."""
