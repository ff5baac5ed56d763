"""newsmon's Scrapy commands (COMMANDS_MODULE): `crawl` (one site) takes the run lock before anything else
happens; `sweep` crawls many sites in one process. Both own the process resources (newsmon/resources.py)."""
