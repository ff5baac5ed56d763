"""Only for `scrapyd-deploy`, which builds its egg with `python setup.py bdist_egg`.

Without this file scrapyd-deploy writes its own setup.py, which packages every directory here (tests and bench
included) and none of the data files. Everything (packages, package data, the `scrapy` settings entry point
that scrapyd reads from the egg) is declared in pyproject.toml.
"""

from setuptools import setup

setup()
