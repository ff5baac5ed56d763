"""newsmon's Scrapy commands (COMMANDS_MODULE): `crawl` takes the run lock before anything else happens."""
