"""Distributed mode (NEWSMON_BACKEND=redis): several processes or scrapyd nodes share one crawl through Redis.

config.py (settings, key names, URL masking), connection.py (client, start check, mid-run failure),
addon.py (switches the scheduler, masks secrets in logs), scheduler.py and dupefilter.py (the shared
per-run request queue on scrapy-redis), coordinator.py (workers of a run, ending it together, cleanup),
host_memory.py (shared host tier memory); the Redis state store is newsmon/state/redis_store.py.
"""
