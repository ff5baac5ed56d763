"""Run monitors: on close, judge the run (finish reason, errors, bans, hubs, output against the site's own
history, schema, per-source freshness), log and count each verdict, and give `scrapy crawl` its exit status.

config.py (settings), checks.py (pure verdict logic and exit statuses), sources.py (which configured hub
listed which article URLs), extension.py (the extension that runs the checks when the spider closes).
"""
