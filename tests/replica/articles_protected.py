"""Articles of the replica's guarded "Investigations" section (format of articles.py); invented text."""

from __future__ import annotations

from typing import Any

ARTICLES_PROTECTED: list[dict[str, Any]] = [
    {
        "slug": "harbour-cranes-audit",
        "title": "Auditors find that half of a river port's cranes were paid for twice",
        "subtitle": "The port authority says the second invoices were a clerical error and asks for refunds",
        "section": "investigations",
        "authors": ["olehbondarets"],
        "tags": ["infrastructure"],
        "published": "2026-02-20T10:30:00+02:00",
        "modified": "2026-02-21T09:00:00+02:00",
        "style": "jsonld",
        "template": "classic",
        "feed": False,
        "protection": "cookie",
        "caption": "Cranes idle at a river port in February 2026. Illustrative photo",
        "paras": [
            "State auditors reviewing a river port's purchases found that six of its twelve cranes appear "
            "twice in the accounts, each time with a separate invoice.",
            (
                "The port's new director ",
                "acknowledged",
                "https://port-authority.example/statements/cranes",
                " that the double payments went unnoticed for three years because no one compared the lists.",
            ),
            "The audit office has asked prosecutors to check whether the supplier knew about the duplicates.",
        ],
        "read_also": ["rail-signal-contracts"],
    },
    {
        "slug": "rail-signal-contracts",
        "title": "Three firms shared every rail signalling contract in a region for a decade",
        "subtitle": "Tender records show the same bidders taking turns to win",
        "section": "investigations",
        "authors": ["nadiavoloshyna"],
        "tags": ["infrastructure"],
        "published": "2026-02-18T08:15:00+02:00",
        "style": "meta",
        "template": "modern",
        "feed": False,
        "protection": "cookie",
        "caption": "A signal box on a regional line. Illustrative photo",
        "paras": [
            "Public tender records for a regional rail network show that the same three firms won every "
            "signalling contract between 2015 and 2025, taking turns as the cheapest bidder.",
            (
                "A procurement analyst ",
                "mapped",
                "https://procurement-watch.example/rail-signals",
                " the bids and found that the losing offers were often exactly five percent higher.",
            ),
            "The rail operator said it would invite foreign suppliers to the next round.",
        ],
    },
    {
        "slug": "grain-silo-insurance",
        "title": "Farmers say insurers quietly dropped war-risk cover for grain silos",
        "subtitle": "Policies renewed in January exclude damage from drones and missiles",
        "section": "investigations",
        "authors": ["martalevchenko"],
        "tags": ["sanctions"],
        "published": "2026-02-16T13:40:00+02:00",
        "style": "jsonld",
        "template": "classic",
        "feed": False,
        "protection": "challenge_200",
        "caption": "Grain silos at a farm cooperative. Illustrative photo",
        "paras": [
            "Farm cooperatives in four regions say their silo insurance was renewed in January without the "
            "war-risk clause they had paid for since 2023.",
            (
                "The farmers' union ",
                "published",
                "https://farmers-union.example/insurance-letter",
                " a letter asking the regulator to make insurers state every exclusion on the first page.",
            ),
            "Insurers say reinsurance for war risks has become too expensive to offer at the old price.",
        ],
    },
    {
        "slug": "river-pilot-logbooks",
        "title": "River pilots' logbooks show convoys kept moving through the coldest week",
        "subtitle": "The records, written by hand, fill gaps in the official shipping statistics",
        "section": "investigations",
        "authors": ["ethanmarlowe"],
        "tags": ["black-sea"],
        "published": "2026-02-14T17:05:00+02:00",
        "style": "jsonld",
        "template": "modern",
        "feed": False,
        "protection": "js_body",
        "caption": "A pilot's logbook open on a chart table. Illustrative photo",
        "paras": [
            "Handwritten logbooks kept by river pilots show that barge convoys kept sailing through the "
            "coldest week of the winter, when official statistics recorded no traffic at all.",
            (
                "A historian of shipping ",
                "transcribed",
                "https://river-archive.example/logbooks",
                " more than four hundred entries and matched them with the weather reports of each night.",
            ),
            "The port authority said it would correct its published figures for January.",
        ],
    },
]

# Not linked from anywhere: crawled with `-a urls=`; its text reports what the browser says about itself.
BROWSER_PROBE: dict[str, Any] = {
    "slug": "browser-report",
    "title": "What the browser says about itself",
    "subtitle": "A test page whose text is written by JavaScript",
    "section": "investigations",
    "authors": ["newsroom"],
    "tags": ["infrastructure"],
    "published": "2026-02-10T09:00:00+02:00",
    "style": "jsonld",
    "template": "classic",
    "feed": False,
    "category": False,
    "protection": "js_probe",
    "paras": ["Replaced by the browser report."],
}
