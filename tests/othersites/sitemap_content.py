"""The Valley Ledger articles: invented stories about invented places (no real news)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .model import Para

TZ = ZoneInfo("Europe/Dublin")  # the site's timezone: a visible <time> without offset is read in it


def at(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


# Each row: id, slug, title, authors, page_date ("none" | "jsonld" | "meta" | "visible"), jsonld (the page has
# a JSON-LD NewsArticle, with datePublished only when page_date is "jsonld"), published_at (the true date),
# news_published_at (news:publication_date in the gzipped news sitemap, None = not in it), in_pages (listed in
# /sitemap-pages.xml), og (og:type/og:title/og:url meta, default True), paragraphs (written into the page by JavaScript only).
ARTICLES: list[dict[str, Any]] = [
    dict(
        id=4101,
        slug="quarry-lake-swimming",
        title="Swimmers win a summer season at the flooded Brannock quarry",
        authors=["Aoife Renner"],
        page_date="none",
        jsonld=False,
        og=False,  # no metadata at all: title, byline and a script
        published_at=at(2026, 6, 3, 8, 15),
        news_published_at=at(2026, 6, 3, 8, 15).astimezone(UTC),
        in_pages=False,
        paragraphs=[
            Para(
                "The flooded quarry above Brannock will open to swimmers from June to September, with a lifeguard at weekends."
            ),
            Para(
                "The quarry company agreed after a petition signed by more than nine hundred people in the valley."
            ),
            Para(
                "The parish council has published a ",
                "map of the safe entry points",
                "https://brannock-parish.example/quarry-map",
                " and asks swimmers to keep away from the old crusher house.",
            ),
            Para(
                "Diving from the ledges will stay banned, and a rope will mark the deep water at the north end."
            ),
        ],
    ),
    dict(
        id=4102,
        slug="orchard-cooperative-cider",
        title="The Mallow Hill orchard cooperative presses its first cider",
        authors=["Declan Iver", "Saoirse Brack"],
        page_date="none",
        jsonld=True,  # JSON-LD without datePublished: the date still has to come from the news sitemap
        published_at=at(2026, 6, 2, 17, 40),
        news_published_at=at(2026, 6, 2, 17, 40),
        in_pages=True,
        paragraphs=[
            Para(
                "Thirty growers on Mallow Hill pooled their apples last autumn and pressed them at the old creamery."
            ),
            Para("The first four hundred bottles sold out at the Saturday market in under two hours."),
            Para(
                "The cooperative borrowed the press from the ",
                "agricultural college",
                "/about/",
                " and plans to buy its own before the next harvest.",
            ),
            Para("Growers who kept their own labels say they will go on selling apple juice to the schools."),
        ],
    ),
    dict(
        id=4103,
        slug="bridge-repainting",
        title="The Ferris footbridge is repainted in its original oxide red",
        authors=["Aoife Renner"],
        page_date="jsonld",
        jsonld=True,
        published_at=at(2026, 6, 1, 10, 0),
        news_published_at=at(2026, 6, 1, 16, 30),  # the sitemap's later time must lose to the page's
        in_pages=False,
        paragraphs=[
            Para(
                "Painters finished the Ferris footbridge over the Arden river on Friday after five weeks under scaffolding."
            ),
            Para(
                "The colour was matched to flakes of the first coat found under a rivet head during the survey."
            ),
            Para(
                "The heritage officer's ",
                "report on the paint layers",
                "https://valley-heritage.example/reports/ferris",
                " counted eleven coats laid down over a hundred and twenty years.",
            ),
            Para("The bridge reopened to walkers and cyclists the same evening."),
        ],
    ),
    dict(
        id=4104,
        slug="library-seed-bank",
        title="Arden library lends seeds as well as books this spring",
        authors=["Saoirse Brack"],
        page_date="meta",
        jsonld=False,
        published_at=at(2026, 5, 28, 9, 20),
        news_published_at=at(2026, 5, 29, 7, 0),  # later than the page's date, which wins
        in_pages=False,
        paragraphs=[
            Para("Borrowers at the Arden library can now take home packets of bean, kale and marigold seed."),
            Para(
                "Anyone who grows them is asked to bring back a handful of seed in the autumn to keep the drawers full."
            ),
            Para(
                "The librarian says the ",
                "seed catalogue",
                "https://arden-library.example/seeds",
                " already lists sixty varieties saved by local gardeners.",
            ),
            Para("The drawers came from a chemist's shop that closed on Bridge Street."),
        ],
    ),
    dict(
        id=4105,
        slug="bus-route-valley",
        title="A new bus loop links the five villages of the upper valley",
        authors=["Declan Iver"],
        page_date="visible",
        jsonld=False,
        published_at=at(2026, 5, 20, 13, 45),
        news_published_at=None,  # only in the pages sitemap
        in_pages=True,
        paragraphs=[
            Para(
                "A minibus will run a loop through Tully Cross, Brannock, Mallow Hill, Keady and Arden every two hours."
            ),
            Para(
                "The route was drawn by a group of older residents who had stopped driving and wanted to reach the clinic."
            ),
            Para(
                "Passengers can ",
                "book a pick-up by phone",
                "/contact/",
                " for the farms that lie more than a kilometre from the road.",
            ),
            Para("The first month of journeys will be free while the council counts passengers."),
        ],
    ),
    dict(
        id=4106,
        slug="sheepdog-trials",
        title="Keady sheepdog trials return after a wet-weather break",
        authors=["Aoife Renner", "Declan Iver"],
        page_date="none",
        jsonld=False,
        published_at=at(2026, 5, 31, 12, 0),
        news_published_at=at(2026, 5, 31, 12, 0),
        in_pages=False,
        paragraphs=[
            Para(
                "Forty handlers and their dogs ran the course on the Keady commonage on Sunday after two cancelled years."
            ),
            Para(
                "The judges set a new course this year, with a gate at the top of the slope and a pen beside the stream."
            ),
            Para(
                "The ",
                "results table",
                "https://keady-trials.example/results",
                " shows a nine-year-old collie from Tully Cross winning the open class.",
            ),
            Para("The committee is already looking for volunteers to build the pens for next summer."),
        ],
    ),
]

SITE_NAME = "Valley Ledger"
NAV = (
    ("Home", "/"),
    ("Valley life", "/sections/valley-life/"),
    ("About", "/about/"),
    ("Contact", "/contact/"),
)
NOSCRIPT = "Turn on JavaScript to read this story."
DONATE_TITLE = "Keep the Ledger in print"
DONATE_TEXT = "Readers in the valley pay for every page we publish."
FOOTER_TEXTS = (
    "The Valley Ledger is written in Arden and printed in Keady.",
    "Tips: knock at the office on Mill Lane.",
)
STATIC_PAGES = {
    "about": (
        "About the Ledger",
        ("The Valley Ledger covers the villages of the upper Arden valley.", "It is owned by its readers."),
    ),
    "contact": ("Contact", ("Write to the office on Mill Lane, or leave a note at the library desk.",)),
}
SECTIONS = {"valley-life": "Valley life"}
SITEMAP_LASTMOD_DELTA = timedelta(hours=2)  # <lastmod> of pages-sitemap entries: after publication
