"""Three invented news sites of different shapes for `newsmon discover` (tests/test_discover.py): tejo (a
WordPress-like Portuguese site with RSS and category listings), kurier (a Polish site found through its
sitemaps only) and rannik (an Estonian site with numeric ids and an Atom feed). Each serves its truth:
article paths, hub paths, timezone and related-block labels."""
