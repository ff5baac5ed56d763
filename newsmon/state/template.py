"""Site template learning in the crawl: learn from every page fetched, hand the template to extraction.

The crawl learns from the pages it fetches anyway: listings (newsmon/crawl/hubs.py) and articles (the
fingerprints extraction returns with each page, newsmon/extract/template.py). What it learned is in the
state store (SQLite or Redis alike, newsmon/state/template_store.py), so the next run and the other
processes of a distributed crawl use one template; extraction gets it as plain data (``TemplateView`` in
the ExtractOptions, workers included).

First contact: a site's template is empty, so the first pages' bodies would keep template text that later runs
leave out (a false new version of each). While the site's template has learned from fewer than
NEWSMON_TEMPLATE_WARMUP pages, an article that passed every check is *held*: learned from, not emitted. When
the warm-up is reached, or the crawl has nothing else to do, the held pages are extracted again with the
template learned so far and emitted; so is a page extracted (in a worker's queue) with the template of before
the warm-up's end (``cold``). A listing's story title links count as seen on one more page (``learn``'s
``titles``), so a section's teaser block is known once its listing is. A crawl without a state store learns in
memory, with no warm-up (there are no versions to get wrong). Redesigns: a fingerprint not seen for
NEWSMON_TEMPLATE_TTL_DAYS is forgotten (one seen on a single page after three days), so a new layout is
learned as the old one fades; ``newsmon sites template NAME --reset`` forgets a site's template at once."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence

from scrapy.settings import BaseSettings

from newsmon.extract.template import MIN_PAGES, TemplateView
from newsmon.extract.types import ExtractOptions
from newsmon.options import Option, Options
from newsmon.state.protocol import Store
from newsmon.state.template_store import DAY, Learned

logger = logging.getLogger(__name__)

TITLES_PAGE = 0x5BD1E995  # a listing's title links are learned again under its page key XOR this

OPTIONS = Options(
    Option(
        "NEWSMON_TEMPLATE_ENABLED",
        True,
        "learn each site's template (blocks recurring across its pages) and keep it out of bodies and "
        "`content_hash` ([Site template](../site-template.md))",
    ),
    Option(
        "NEWSMON_TEMPLATE_MIN_PAGES",
        MIN_PAGES,
        "distinct pages a block is seen on (the page itself counted) before it is template",
    ),
    Option(
        "NEWSMON_TEMPLATE_WARMUP",
        10,
        "pages a site's template learns from before its articles are emitted as they come; until then "
        "(first contact) articles are held, up to this many, and emitted with the template learned so far "
        "once it is reached or the crawl has nothing else to do (0: no warm-up)",
    ),
    Option(
        "NEWSMON_TEMPLATE_TTL_DAYS",
        30.0,
        "days after which a block not seen again is forgotten (a block seen on one page only: after 3 days), "
        "so a redesign is learned as the old layout fades",
    ),
)


class MemoryTemplate:
    """The template store of a crawl without a state store: the run's pages only."""

    def __init__(self) -> None:
        self.pages: dict[int, tuple[int, ...]] = {}
        self.learned = 0

    def template_learn(
        self, page: int, units: Sequence[tuple[int, str]], keep: int, now: float | None = None
    ) -> Learned:
        out: Learned = {}
        for sig, _ in units:
            pages = self.pages.get(sig, ())
            if page not in pages and len(pages) < keep:
                pages = self.pages[sig] = (*pages, page)
            if len(pages) > 1:
                out[sig] = pages
        self.learned += 1
        return out

    def template_load(self, least: int, ttl: float, now: float | None = None) -> Learned:
        return {sig: pages for sig, pages in self.pages.items() if len(pages) >= least}

    def template_pages(self) -> int:
        return self.learned

    def commit(self) -> None:
        """Nothing to make durable."""


class SiteTemplate:
    """One crawl's view of its site's template: learns pages, says whether to hold them (warm-up), and
    gives the extract options carrying the template."""

    def __init__(self, min_pages: int, warmup: int, ttl_days: float) -> None:
        self.min_pages = max(2, min_pages)
        self.warmup = max(0, warmup)
        self.ttl = ttl_days * DAY
        self.store: Store | MemoryTemplate = MemoryTemplate()
        self._pages: dict[int, frozenset[int]] = {}  # fingerprints on min_pages - 1 pages or more
        self._view: TemplateView | None = None
        self._options: tuple[ExtractOptions, ExtractOptions] | None = None
        self._learned_here: set[int] = set()  # page keys learned by this run (each page once a run)
        self.learned = 0  # pages the site's template learned from, this run's included (warm-up)
        self.version = 0
        self.warm_version = 0  # the view's version when this run's warm-up was reached (``cold``)

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> SiteTemplate | None:
        """None when NEWSMON_TEMPLATE_ENABLED is off."""
        if not OPTIONS.getbool(settings, "NEWSMON_TEMPLATE_ENABLED"):
            return None
        return cls(
            OPTIONS.getint(settings, "NEWSMON_TEMPLATE_MIN_PAGES"),
            OPTIONS.getint(settings, "NEWSMON_TEMPLATE_WARMUP"),
            settings.getfloat("NEWSMON_TEMPLATE_TTL_DAYS", OPTIONS.default("NEWSMON_TEMPLATE_TTL_DAYS")),
        )

    def open(self, store: Store | None) -> None:
        """Load what the site's store learned (the run's own memory when the crawl has no store)."""
        if store is not None:
            self.store = store
        else:  # no state: no versions to get wrong, and nothing learned survives the run; no warm-up
            self.warmup = 0
        self._load()
        self._changed()
        logger.info(
            "Site template: %d blocks known from %d pages%s",
            sum(1 for p in self._pages.values() if len(p) >= self.min_pages),
            self.learned,
            "" if self.warm else f" (warm-up: articles held until {self.warmup} pages are learned)",
        )

    def _load(self) -> bool:
        """Read what the site's store learned (every process of a distributed run included): True when it
        differs from what this crawl knew."""
        loaded = self.store.template_load(self.min_pages - 1, self.ttl)
        pages = {sig: frozenset(pages) for sig, pages in loaded.items()}
        self.learned = max(self.learned, self.store.template_pages())
        changed, self._pages = pages != self._pages, pages
        return changed

    def refresh(self) -> None:
        """Before held articles are extracted again: the template as the store has it now. A crawl learns
        the other processes' pages of a distributed run only for the blocks of the pages it learns itself,
        each as of that page: a block its held pages share may have reached ``min_pages`` since, on the
        other processes' pages. A failed store (it says so itself) leaves the template this crawl knows."""
        try:
            changed = self._load()
        except Exception as exc:
            logger.warning("Site template not read again from the store: %s", exc)
            return
        if changed:
            self._changed()

    @property
    def warm(self) -> bool:
        """The warm-up is over: articles are emitted as they come."""
        return self.learned >= self.warmup

    def learn(
        self, page: int, units: Sequence[tuple[int, str]], titles: Sequence[tuple[int, str]] = ()
    ) -> bool:
        """Learn one page (once a run); True when it was learned now. ``titles``: a listing's story title
        links (``teaser_titles``), counted as seen on one more page than the listing itself."""
        if not units or page in self._learned_here:
            return False
        self._learned_here.add(page)
        updated = self.store.template_learn(page, units, self.min_pages)
        if titles:
            updated.update(self.store.template_learn(page ^ TITLES_PAGE, titles, self.min_pages))
        was_warm = self.warm
        self.learned += 1
        if self.learned <= self.warmup:  # the warm-up's progress survives a killed run (a few commits)
            self.store.commit()
        changed = False
        for sig, pages in updated.items():
            if len(pages) >= self.min_pages - 1:
                frozen = frozenset(pages)
                if self._pages.get(sig) != frozen:
                    self._pages[sig] = frozen
                    changed = True
        if self.warm and not was_warm:  # the held articles are released: with the whole run's template
            changed = self._load() or changed
        if changed:
            self._changed()
        if self.warm and not was_warm:
            self.warm_version = self.version
        return True

    def cold(self, view: TemplateView | None, page: int = 0, units: Sequence[tuple[int, str]] = ()) -> bool:
        """A page was extracted with ``view``, a template from before this run's warm-up was over: its body
        may keep blocks the warm-up has learned since (an extraction worker's queue, or the page that ended
        the warm-up). So is page ``page`` when learning its ``units`` made one of them template (or not)
        after ``view``: the other processes of a distributed run (or pages in the other extraction workers)
        had taught the store what this crawl had not yet seen. Such a page is extracted again before it is
        emitted, as a held one is."""
        if view is None:
            return False
        if view.version < self.warm_version:
            return True
        now = self._view
        return (
            now is not None
            and now is not view
            and any(now.is_template(sig, page) != view.is_template(sig, page) for sig, _ in units)
        )

    @property
    def view(self) -> TemplateView | None:
        """What the site's template has learned so far (None before it is opened)."""
        return self._view

    def _changed(self) -> None:
        self.version += 1
        self._view = TemplateView(dict(self._pages), self.min_pages, self.version)

    def options(self, base: ExtractOptions) -> ExtractOptions:
        """``base`` with the current template (one object per template version)."""
        cached = self._options
        if cached is None or cached[0] is not base or cached[1].template is not self._view:
            cached = self._options = (base, dataclasses.replace(base, template=self._view))
        return cached[1]
