"""Invented news sites of different shapes. Three for `newsmon discover` (tests/test_discover.py): tejo (a
WordPress-like Portuguese site with RSS and category listings), kurier (a Polish site found through its
sitemaps only) and rannik (an Estonian site with numeric ids and an Atom feed). And the corpus of issue 19
(corpus.py, built on kit.py, scored by scoring.py): thirteen CMS families or front ends in thirteen languages,
each with its truth and two mutations; see README.md in this directory."""
