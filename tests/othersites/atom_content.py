"""The Harbour Times articles: invented stories about invented places (no real news)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from .model import Para

TZ = ZoneInfo("America/Halifax")  # the site's timezone: visible dates are written without an offset


def at(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


AUTHORS = {
    "maren-tull": "Maren Tull",
    "osric-pell": "Osric Pell",
    "ida-fenwright": "Ida Fenwright",
    "tobiah-crane": "Tobiah Crane",
}
TOPICS = {
    "harbour-works": "Harbour works",
    "islands": "Islands",
    "weather": "Weather",
    "culture": "Culture",
    "crafts": "Crafts",
}

# Each row: slug, published_at, title, dek, author slugs, topic slugs, metadata style, related [(slug, link
# style)], related label, listed in the Atom feed, paragraphs. Link styles: "abs" (https origin), "root"
# (/stories/...), "rel" (document-relative: 2026-...-slug, resolved against /stories/).
ARTICLES: list[dict[str, Any]] = [
    dict(
        slug="ferry-timetable",
        published_at=at(2026, 4, 9, 6, 30),
        title="Velmora ferries add a dawn sailing to Orrin Island from May",
        dek="Fishers and school staff asked for an earlier boat for three winters running",
        authors=["maren-tull"],
        topics=["harbour-works", "islands"],
        metadata="jsonld",
        related=[
            ("lighthouse-keepers", "rel"),
            ("market-hall-roof", "abs"),
            ("orrin-island-school-boat", "root"),
        ],
        related_label="Related stories",
        in_feed=True,
        paragraphs=[
            Para(
                "The harbour board voted on Tuesday to add a 5:40 sailing from Port Velmora to Orrin Island on weekdays."
            ),
            Para(
                "The new crossing uses the smaller of the two boats, the Gannet, which carries forty passengers and six cars."
            ),
            Para(
                "Board members pointed to a ",
                "survey of island commuters",
                "https://velmora-council.example/surveys/ferry-2025",
                " that found most of them leave home before five in the morning.",
            ),
            Para(
                "Crews will work a split shift, and the board says no existing sailing will be cut to pay for it."
            ),
        ],
    ),
    dict(
        slug="orrin-island-school-boat",
        published_at=at(2026, 4, 8, 14, 5),
        title="Orrin Island pupils get their own school boat with a heated cabin",
        dek="The converted pilot launch replaces a borrowed trawler",
        authors=["osric-pell"],
        topics=["islands"],
        metadata="meta",
        related=[("market-hall-roof", "root"), ("ferry-timetable", "rel")],
        related_label="Related",
        in_feed=True,
        paragraphs=[
            Para(
                "Twenty-two children from Orrin Island will ride to school in Port Velmora on a boat built for the job."
            ),
            Para(
                "The launch was bought from the pilot service and refitted over the winter at the Lantern Quay yard."
            ),
            Para(
                "The parents' committee thanked the ",
                "island shipwrights",
                "/topics/crafts/",
                " for finishing the cabin two weeks early.",
            ),
            Para(
                "Until now the pupils crossed on a trawler lent by the Haskett family, whose skipper has since retired."
            ),
        ],
    ),
    dict(
        slug="tide-gauge-volunteers",
        published_at=at(2026, 4, 7, 7, 40),
        title="Volunteers read the Kessick Bay tide gauge by hand while its sensor is repaired",
        dek="Readings every hour, written on a slate and photographed",
        authors=["ida-fenwright", "tobiah-crane"],
        topics=["weather"],
        metadata="visible",
        related=[("ferry-timetable", "abs")],
        related_label="Related",
        in_feed=True,
        paragraphs=[
            Para(
                "Eleven volunteers have taken turns at the Kessick Bay tide gauge since its sensor failed in March."
            ),
            Para(
                "They copy the level from the painted staff onto a slate, and the ",
                "weather desk",
                "https://harbourtimes.example/topics/weather/",
                " publishes the photographs every evening.",
            ),
            Para(
                "The harbour master says the hand readings have been within two centimetres of the backup float."
            ),
            Para("A replacement sensor is due from the mainland at the end of the month."),
        ],
    ),
    dict(
        slug="kessick-bay-seagrass",
        published_at=at(2026, 4, 6, 11, 15),
        title="Seagrass returns to the north shore of Kessick Bay after moorings were moved",
        dek="Divers counted shoots where chains used to scour the seabed",
        authors=["tobiah-crane", "maren-tull"],
        topics=["weather", "harbour-works"],
        metadata="jsonld",
        related=[],
        related_label="",
        in_feed=True,
        paragraphs=[
            Para(
                "Divers from the Greywater Point field station found new seagrass across a third of the old mooring field."
            ),
            Para(
                "The moorings were moved to floating anchors two summers ago, after the chains had scraped the bed bare."
            ),
            Para(
                "The station's ",
                "survey notes",
                "https://greywater-station.example/notes/seagrass",
                " describe shoots as long as a forearm near the slipway.",
            ),
            Para("Boat owners were asked to keep to the marked channel until the autumn count."),
        ],
    ),
    dict(
        slug="lighthouse-keepers",
        published_at=at(2026, 3, 28, 9, 0),
        title="The last keepers of Greywater Point light record their logbooks for the archive",
        dek="Forty years of entries, read aloud by the people who wrote them",
        authors=["ida-fenwright"],
        topics=["culture"],
        metadata="visible",
        related=[("harbour-choir-archive", "rel"), ("tide-gauge-volunteers", "root")],
        related_label="Related stories",
        in_feed=False,
        paragraphs=[
            Para(
                "Three former keepers of the Greywater Point light spent a week reading their logbooks into a microphone."
            ),
            Para(
                "The entries cover storms, a whale stranded on the causeway and a winter when the lamp froze twice."
            ),
            Para(
                "The recordings join the ",
                "town's sound archive",
                "/topics/culture/",
                " alongside interviews with the last net makers.",
            ),
            Para(
                "The light has run automatically since the keepers left, and the cottage is now a bird station."
            ),
        ],
    ),
    dict(
        slug="market-hall-roof",
        published_at=at(2026, 3, 25, 16, 20),
        title="Port Velmora market hall reopens under a roof of salvaged ship timber",
        dek="Traders return after eight months in tents on the quay",
        authors=["osric-pell"],
        topics=["harbour-works"],
        metadata="jsonld",
        related=[("kessick-bay-seagrass", "rel")],
        related_label="Related",
        in_feed=False,
        paragraphs=[
            Para(
                "The market hall on Lantern Quay opened again on Saturday with forty stalls and a new timber roof."
            ),
            Para(
                "The beams came from a cargo ketch broken up at the yard last year, and the carpenters kept her name boards."
            ),
            Para(
                "Stallholders said the ",
                "temporary tents",
                "https://harbourtimes.example/topics/harbour-works/",
                " had leaked in every easterly gale.",
            ),
            Para("The council will charge the old rents until the end of the summer."),
        ],
    ),
    dict(
        slug="harbour-choir-archive",
        published_at=at(2026, 3, 14, 19, 45),
        title="A box of wax cylinders brings back the songs of the Saltmarsh Road choir",
        dek="The recordings were found under the floor of the old net loft",
        authors=["maren-tull"],
        topics=["culture"],
        metadata="meta",
        related=[("net-mending-school", "root")],
        related_label="Related stories",
        in_feed=False,
        paragraphs=[
            Para(
                "Builders lifting the floor of the old net loft on Saltmarsh Road found a crate of wax cylinders."
            ),
            Para(
                "The town archivist says they hold about two hours of the harbour choir singing work songs."
            ),
            Para(
                "A ",
                "listening evening",
                "/about/",
                " is planned at the market hall once the cylinders have been copied.",
            ),
            Para("Two of the singers' grandchildren have offered to learn the songs again."),
        ],
    ),
    dict(
        slug="net-mending-school",
        published_at=at(2026, 2, 20, 10, 10),
        title="A winter school on Lantern Quay teaches net mending to a new generation",
        dek="Twelve students, one loft and a great deal of twine",
        authors=["tobiah-crane"],
        topics=["crafts"],
        metadata="jsonld",
        related=[("ferry-timetable", "abs")],
        related_label="Related",
        in_feed=False,
        paragraphs=[
            Para("Twelve students spent the winter in a loft on Lantern Quay learning to mend nets by hand."),
            Para(
                "Their teacher, a retired skipper, says a good mender can close a hole the size of a door in an hour."
            ),
            Para("The school will run again next winter if the harbour board renews its grant."),
        ],
    ),
]

SITE_NAME = "Harbour Times"
NAV = (
    ("Front page", "/"),
    ("All stories", "/latest/"),
    ("Harbour news", "/topics/harbour-works/"),
    ("Island life", "https://harbourtimes.example/topics/islands/"),
    ("Weather desk", "/topics/weather/"),
    ("About us", "/about/"),
)
NEWSLETTER_TITLE = "The Tide Table newsletter"
NEWSLETTER_TEXT = "Sign up for a morning note on sailings, tides and council votes."
SHARE_LABEL = "Share this story"
FOOTER_TEXTS = (
    "Harbour Times is published by the Lantern Quay Press Cooperative.",
    "Corrections and letters: write to the desk at 4 Saltmarsh Road.",
)
TOPICS_LABEL = "Topics"
NEWS_FEED_LABEL = "Latest headlines"
NEWS_FEED_SIZE = 3
ABOUT_TEXT = (
    "Harbour Times has covered Port Velmora, Kessick Bay and the islands since the first ferry strike.",
    "The paper is owned by the people who write and print it.",
)
