"""Only for `scrapyd-deploy`, which builds its egg with `python setup.py bdist_egg`.

Without this file scrapyd-deploy writes its own setup.py, which packages every directory here (tests and bench
included) and none of the data files. Everything (packages, package data, the `scrapy` settings entry point
that scrapyd reads from the egg) is declared in pyproject.toml. The one addition here: the egg also carries
the checkout's own `spiders` package (site spiders added to the checkout), which the wheel leaves out; the
settings list it in SPIDER_MODULES when it sits next to newsmon (newsmon/spiders/__init__.py).
"""

from setuptools import find_packages, setup
from setuptools.command.bdist_egg import bdist_egg


class EggWithLocalSpiders(bdist_egg):
    def finalize_options(self) -> None:
        local = find_packages(include=["spiders", "spiders.*"])
        self.distribution.packages = [*(self.distribution.packages or []), *local]
        super().finalize_options()


setup(cmdclass={"bdist_egg": EggWithLocalSpiders})
