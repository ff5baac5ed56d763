"""Onboarding a site from its URL (`newsmon discover`): fetch politely (fetch.py), find feeds and sitemaps
(sources.py), generalise the article URL pattern and the hub patterns (patterns.py), read related-block
labels (labels.py) and the timezone (timezone.py) from article pages, and write a commented site TOML
(writer.py). discover.py walks the site; command.py is the subcommand."""
