"""The default replica's articles as plain data: invented reporting, real WordPress page shapes."""

from __future__ import annotations

from typing import Any

# Newest first. paras: "text" | "> quoted text" | (text, link_text, href, tail); href "@slug" = on-site.
# read_also: "slug" | (slug, style, query, fragment). Unless said otherwise: listed in feed and category.
ARTICLES: list[dict[str, Any]] = [
    {
        "slug": "zelenyi-hai-heating-restored",
        "title": "Repair crews bring heating back to 40,000 homes in Zelenyi Hai after overnight strike",
        "subtitle": "Engineers rerouted hot water through a school boiler room while the main plant waits for parts",
        "section": "news-ukraine",
        "authors": ["martalevchenko"],
        "tags": ["energy-grid", "reconstruction", "kharkiv-oblast"],
        "published": "2026-03-14T09:20:00+02:00",
        "modified": "2026-03-14T12:05:00+02:00",
        "style": "jsonld",
        "template": "classic",
        "caption": "Workers of the municipal heating company inspect a buckled pipeline on the outskirts of Zelenyi "
        "Hai on 13 March 2026. The turbine hall of the town's plant lost its roof in the strike, but two of "
        "its three boilers survived under the debris and are being dug out by hand. Photo: town council "
        "press office (illustrative)",
        "paras": [
            "Heating returned to most apartment blocks in Zelenyi Hai on Saturday morning, less than thirty "
            "hours after a strike knocked out the town's only combined heat and power plant.",
            (
                "Deputy mayor Ostap Hlushko ",
                "told",
                "https://t.me/s/zelenyi_hai_council",
                " reporters that crews had patched three trunk lines by torchlight and were still testing "
                "pressure in the northern district.",
            ),
            "The crews connected the district network to the boiler room of School No. 4, which was rebuilt "
            "with donor money last year and had stood idle since the autumn.",
            "> “We asked people to leave their radiator valves half open overnight, so the air could escape "
            "from the refilled pipes,” one of the shift engineers said.",
            "The plant's director expects a permanent repair to take until October, because the damaged "
            "turbine has to be ordered from a manufacturer abroad.",
        ],
        "subheadings": [(2, 2, "A school boiler room takes the load")],
        "read_also": [
            ("dnipro-ferry-returns", "root", "", "comments"),
            ("small-port-grain-winter", "www", "", ""),
        ],
    },
    {
        "slug": "morning-rundown-march-14",
        "title": "Morning rundown: a quiet night on the Dnipro, new mine maps and a spring exam timetable",
        "subtitle": "Four things to know before your first coffee on Saturday",
        "section": "rundown",
        "authors": ["newsroom"],
        "tags": ["daily-rundown"],
        "published": "2026-03-14T06:45:00+00:00",
        "style": "meta",
        "template": "modern",
        "feed": False,
        "sidebar_query": "swcfpc=1",
        "caption": "The Dnipro embankment shortly after sunrise on 14 March 2026. Illustrative photo",
        "paras": [
            "Air defence units reported no strikes on the central river towns overnight, the first such night "
            "in more than a week.",
            (
                "The education ministry ",
                "published",
                "https://mon.gov.example/news/spring-exams",
                " a timetable that moves every written exam to the morning, so pupils can reach shelters before "
                "the evening alerts begin.",
            ),
            "Farmers in the south can download refreshed maps of cleared fields, which sappers now update "
            "every Friday.",
            "Rail operators added two night trains between the western border and the capital for the "
            "Easter holidays.",
        ],
        "read_also": ["zelenyi-hai-heating-restored", ("demining-map-farmers", "root", "", "")],
    },
    {
        "slug": "dnipro-ferry-returns",
        "title": "A river ferry returns to the lower Dnipro after two winters ashore",
        "subtitle": "The flat-bottomed boat carries pensioners, bread and a mobile pharmacy twice a week",
        "section": "news-ukraine",
        "authors": ["yuriididenko"],
        "tags": ["kherson-oblast", "humanitarian-aid"],
        "published": "2026-03-14T01:10:00+03:00",
        "style": "visible",
        "template": "classic",
        "caption": "The ferry “Nadiia” moored at a makeshift pier near Staryi Brid in March 2026. Its hull was "
        "patched with plates cut from a scrapped barge, and the engine was rebuilt by the mechanic who ran "
        "it before the war. Illustrative photo",
        "paras": [
            "The ferry “Nadiia” made its first crossing of the season on Friday, carrying eleven passengers, "
            "forty loaves of bread and a pharmacist with two boxes of insulin.",
            (
                "The regional administration ",
                "announced",
                "https://t.me/s/lower_dnipro_admin",
                " that the boat will sail only in daylight and only when drone reconnaissance reports a clear "
                "stretch of water.",
            ),
            "Captain Levko Stepaniuk has worked the crossing since 1998 and says the river has changed more "
            "in three years than in the two decades before.",
            "Pensioners from the left-bank hamlets used the first trip to collect payments that had waited "
            "at the post office since December.",
        ],
        "read_also": ["zelenyi-hai-heating-restored", ("volunteer-ambulance-convoy", "root", "", "")],
    },
    {
        "slug": "drone-school-graduates",
        "title": "First class of a volunteer drone school graduates in a converted sports hall",
        "subtitle": "Sixty operators trained on simulators built from game controllers and salvaged parts",
        "section": "news-ukraine",
        "authors": ["sofiiahrytsak"],
        "tags": ["drones", "volunteers", "education"],
        "published": "2026-03-13T18:30:00+02:00",
        "style": "jsonld",
        "template": "modern",
        "caption": "Students of the volunteer-run drone school practise on a simulator in a converted sports "
        "hall on 12 March 2026. Every trainee logs at least forty hours on a simulator before touching a "
        "real aircraft. Photo: school press service (illustrative)",
        "paras": [
            "Sixty students received certificates on Friday from a volunteer drone school that started two "
            "years ago with three laptops and a borrowed classroom.",
            (
                "Instructor Vira Tkachenko ",
                "explained",
                "https://www.youtube.com/@droneschool_example",
                " that every simulator in the hall was assembled from game controllers, salvaged screens and "
                "open-source flight software.",
            ),
            "The course lasts seven weeks, and trainees spend the first three of them without flying anything "
            "real.",
            "Graduates go on to units that requested operators in advance, the organisers said, so nobody "
            "leaves without a posting.",
        ],
        "subheadings": [(2, 2, "Forty hours before the first real flight")],
        "read_also": [
            (
                "why-small-workshops-matter",
                "abs",
                "utm_source=facebook&utm_medium=social&utm_campaign=opinion&fbclid=IwAR2xReplicaTest0",
                "",
            ),
            ("demining-map-farmers", "root", "", ""),
            ("sumy-bakery-generators", "www", "", ""),
        ],
    },
    {
        "slug": "small-port-grain-winter",
        "title": "Rail & river: how a small Danube port kept grain moving all winter",
        "subtitle": "Dockers loaded barges by hand on the days the cranes had no power",
        "section": "news-ukraine",
        "authors": ["olehbondarets"],
        "tags": ["grain-exports", "railways", "odesa-oblast"],
        "published": "2026-03-13T11:00:00+00:00",
        "modified": "2026-03-13T15:30:00+00:00",
        "style": "meta",
        "template": "classic",
        "caption": "Grain wagons wait at the river port of Izmail in February 2026. Illustrative photo",
        "paras": [
            "Barges left the river port of Izmail every day this winter, even when its cranes stood still "
            "for lack of electricity.",
            (
                "A logistics analyst ",
                "estimated",
                "https://grainmarkets.example/danube-winter",
                " that throughput fell by only a fifth, far less than traders had feared in December.",
            ),
            "Dockers shovelled grain from rail wagons into conveyor hoppers driven by a single diesel "
            "generator whenever the grid went down.",
            "The port authority plans to add a second generator and a small solar field on the roof of its "
            "old warehouse by June.",
        ],
        "read_also": [("demining-map-farmers", "abs", "", ""), ("eu-ministers-repair-fund", "root", "", "")],
    },
    {
        "slug": "demining-map-farmers",
        "title": "Farmers get a public map of cleared fields, refreshed every Friday",
        "subtitle": "The map shows which plots sappers have checked and which are still off limits",
        "section": "news-ukraine",
        "authors": ["nadiavoloshyna"],
        "tags": ["demining", "agriculture", "kherson-oblast"],
        "published": "2026-03-12T15:40:00+02:00",
        "style": "jsonld",
        "template": "classic",
        "caption": "A sapper marks a checked strip of farmland with white pegs in March 2026. Fields that "
        "are only surveyed keep their red signs until a team has walked every metre. Illustrative photo",
        "paras": [
            "Green plots on the new map have been checked by sappers and certified for sowing, while yellow "
            "ones have been surveyed but not yet cleared.",
            (
                "The state emergency service ",
                "said",
                "https://dsns.gov.example/maps",
                " that nine out of ten reports of suspicious objects now come from farmers who looked at the "
                "map first.",
            ),
            "Regional demining teams upload their results on Thursday evenings, and the map is rebuilt "
            "overnight.",
            "A farmer who believes a plot is wrongly marked can appeal through the same app, and a team "
            "visits within ten days.",
            "Agronomists warn that insurers already ask for a screenshot of the map before they sign a "
            "policy.",
        ],
        "subheadings": [
            (0, 3, "What the colours mean"),
            (2, 2, "Who updates the map"),
            (3, 3, "Mistakes and appeals"),
        ],
        "read_also": [("sumy-bakery-generators", "short-root", "", ""), "teachers-underground-school"],
    },
    {
        "slug": "sumy-bakery-generators",
        "title": "A Sumy bakery runs on three generators and a promise never to close",
        "subtitle": "The family business has baked every day since the full-scale invasion began",
        "section": "news-ukraine",
        "authors": ["martalevchenko"],
        "tags": ["sumy-oblast", "small-business", "energy-grid"],
        "published": "2026-03-12T08:05:00+03:00",
        "style": "jsonld",
        "template": "modern",
        "rss_utm": True,
        "caption": "Loaves cooling on racks at a family bakery in Sumy, March 2026. Illustrative photo",
        "paras": [
            "The ovens of the Khlib i Sil bakery in Sumy have not gone cold for a single day in four years, "
            "even during the week the city had no power.",
            (
                "Owner Larysa Mazur keeps her grandmother's towel, now part of a ",
                "digital embroidery archive",
                "@embroidery-archive-digitised",
                ", on the wall above the oldest oven.",
            ),
            "The third generator was paid for by regular customers, who prepaid a month of bread when the "
            "second one broke down.",
            "> “Bread is the last thing people here should have to worry about,” she said.",
            "The city's military administration counts the bakery among eleven businesses it calls when "
            "shelters need food at short notice.",
        ],
        "read_also": [("small-port-grain-winter", "root", "", ""), "odesa-lighthouse-restoration"],
    },
    {
        "slug": "teachers-underground-school",
        "title": "Zaporizhzhia moves lessons into a school built eight metres underground",
        "subtitle": "The building has no windows, but it has daylight lamps and a garden of potted plants",
        "section": "news-ukraine",
        "authors": ["sofiiahrytsak"],
        "tags": ["education", "zaporizhzhia-oblast"],
        "published": "2026-03-11T19:25:00+02:00",
        "style": "visible",
        "template": "classic",
        "rss_utm": True,
        "caption": "A classroom of the underground school before its opening, March 2026. Illustrative photo",
        "paras": [
            "Nine hundred pupils will study in two shifts at the underground school, which opens after the "
            "spring break.",
            (
                "The city's education department ",
                "said",
                "https://zp.gov.example/education/underground",
                " that the classrooms were designed together with child psychologists, who asked for warm light "
                "and rounded corners.",
            ),
            "Parents toured the building on Wednesday and asked most often about ventilation, which runs on a "
            "separate power line.",
            "Teachers will get a week of training on helping pupils cope with whole days spent without "
            "daylight.",
        ],
        "inline_read_also": [(2, "volunteer-ambulance-convoy")],
        "read_also": [
            ("demining-map-farmers", "www", "", ""),
            ("kyiv-metro-shelter-upgrade", "root", "", ""),
        ],
    },
    {
        "slug": "eu-ministers-repair-fund",
        "title": "European ministers agree on a spare-parts fund for Ukraine's damaged power plants",
        "subtitle": "The fund will buy transformers in bulk and store them in a depot near the border",
        "section": "international",
        "authors": ["ethanmarlowe"],
        "tags": ["energy-grid", "european-union", "reconstruction"],
        "published": "2026-03-11T10:00:00+00:00",
        "style": "jsonld",
        "template": "modern",
        "caption": "Energy ministers before their meeting on 11 March 2026. Illustrative photo",
        "paras": [
            "Energy ministers from fourteen European countries agreed on Wednesday to pool money for spare "
            "transformers and turbine parts for Ukraine.",
            (
                "A diplomat involved in the talks ",
                "described",
                "https://eu-energy-news.example/repair-fund",
                " the arrangement as a warehouse rather than a bank, because most of the money is spent before "
                "any damage happens.",
            ),
            "The first purchases should reach a depot in eastern Poland by the end of May.",
            "Ukrainian grid operators will order parts from the depot directly, without a separate tender for "
            "each request.",
        ],
        "read_also": [("zelenyi-hai-heating-restored", "root", "", ""), "odesa-lighthouse-restoration"],
    },
    {
        "slug": "volunteer-ambulance-convoy",
        "title": "A convoy of twelve donated ambulances reaches front-line hospitals in Donetsk Oblast",
        "subtitle": "Drivers from four countries crossed the border together and handed over the keys in Dnipro",
        "section": "news-ukraine",
        "authors": ["nadiavoloshyna", "ethanmarlowe"],
        "tags": ["humanitarian-aid", "volunteers", "donetsk-oblast"],
        "published": "2026-03-10T17:50:00+02:00",
        "style": "visible",
        "template": "modern",
        "caption": "Donated ambulances lined up in a hospital yard on 10 March 2026. Illustrative photo",
        "paras": [
            "Twelve ambulances, most of them retired from service in Ireland and Portugal, were handed over to "
            "front-line hospitals on Tuesday.",
            (
                "The convoy's coordinator ",
                "wrote",
                "https://www.facebook.com/ambulanceconvoy.example",
                " that every vehicle had been serviced twice and packed with spare tyres before leaving the "
                "garage.",
            ),
            "Hospital directors will share the vehicles according to a rota drawn up by the regional health "
            "department.",
            "Two of the drivers said they plan to return in the summer with a second convoy.",
        ],
        "read_also": [("teachers-underground-school", "root", "", ""), "poltava-water-filters"],
    },
    {
        "slug": "odesa-lighthouse-restoration",
        "title": "Volunteers restore a nineteenth-century lighthouse damaged near Odesa",
        "subtitle": "Stonemasons rebuild the lamp room from original drawings found in a city archive",
        "section": "news-ukraine",
        "authors": ["yuriididenko"],
        "tags": ["culture-heritage", "odesa-oblast", "volunteers"],
        "published": "2026-03-10T07:30:00+00:00",
        "style": "meta",
        "template": "classic",
        "rss_utm": True,
        "caption": "Scaffolding around the lighthouse at Kamianyi Mys, March 2026. Illustrative photo",
        "paras": [
            "The lighthouse at Kamianyi Mys lost its lamp room to a blast wave last summer, and its keeper "
            "has been sweeping glass off the stairs ever since.",
            (
                "Archivists ",
                "found",
                "https://archive.odesa.example/lighthouse-drawings",
                " the original drawings from 1867 in a box of harbour records nobody had opened since the "
                "1970s.",
            ),
            "Stonemasons from Lviv volunteered to cut the replacement blocks from the same kind of limestone.",
            "The restored light will not be switched on until the war is over, the harbour master said.",
        ],
        "read_also": [
            ("small-port-grain-winter", "abs", "", ""),
            ("kharkiv-library-reopens", "root", "", ""),
        ],
    },
    {
        "slug": "kyiv-metro-shelter-upgrade",
        "title": "Kyiv adds bunk beds, water tanks and Wi-Fi to six metro stations used as shelters",
        "subtitle": "The upgrade follows complaints from residents who spent whole nights standing on platforms",
        "section": "news-ukraine",
        "authors": ["martalevchenko"],
        "tags": ["kyiv", "civil-protection"],
        "published": "2026-03-09T20:15:00+02:00",
        "style": "jsonld",
        "template": "classic",
        "caption": "Folding bunk beds on a metro platform in Kyiv, March 2026. Illustrative photo",
        "paras": [
            "Six of the deepest metro stations in Kyiv now have folding bunk beds, drinking-water tanks and "
            "free Wi-Fi for people sheltering from night attacks.",
            (
                "A city survey ",
                "showed",
                "https://kyivcity.gov.example/metro-shelter-survey",
                " that more than half of those who sheltered overnight had nowhere to sit.",
            ),
            "Station staff will count the people sheltering every hour, so that trains with open doors can "
            "be parked as overflow space.",
            "The next stage adds heated waiting rooms to the busiest interchange stations.",
        ],
        "read_also": [("drone-school-graduates", "root", "", ""), ("poltava-water-filters", "www", "", "")],
    },
    {
        "slug": "border-crossing-queues",
        "title": "Truck queues at the western border shrink after a new booking system",
        "subtitle": "Drivers now pick a time slot online instead of waiting for days in line",
        "section": "news-ukraine",
        "authors": ["olehbondarets"],
        "tags": ["logistics", "border"],
        "published": "2026-03-09T09:00:00+03:00",
        "style": "meta",
        "template": "modern",
        "feed": False,
        "caption": "Lorries at a western border crossing, March 2026. Illustrative photo",
        "paras": [
            "Truck queues at three western crossings fell from several days to a few hours in the first week "
            "of the new booking system.",
            (
                "The customs service ",
                "reported",
                "https://customs.gov.example/queue-booking",
                " that drivers booked more than eleven thousand slots in the first seven days.",
            ),
            "Drivers who miss their slot by more than two hours must book again, a rule hauliers criticised "
            "as too strict.",
            "The system will be extended to the crossings with Moldova in May.",
        ],
        "read_also": [("small-port-grain-winter", "root", "", ""), "veterans-job-fair"],
    },
    {
        "slug": "why-small-workshops-matter",
        "title": "Opinion: Small workshops, not giant factories, will rebuild Ukraine's industry",
        "subtitle": "A decentralised economy proved hard to destroy, and it should be the model for recovery",
        "section": "opinion",
        "authors": ["olehbondarets"],
        "tags": ["economy", "reconstruction"],
        "published": "2026-03-08T14:00:00+02:00",
        "style": "jsonld",
        "template": "classic",
        "feed": False,
        "caption": "A lathe in a small machine shop in central Ukraine, 2026. Illustrative photo",
        "paras": [
            "Four years of strikes on large plants have taught Ukrainian industry a lesson that planners "
            "should not forget once the war ends.",
            (
                "A study by a Kharkiv business association ",
                "counted",
                "https://business-kharkiv.example/study",
                " more than two thousand workshops with fewer than twenty employees that now make parts for "
                "defence and energy companies.",
            ),
            "Such workshops are easy to move, quick to retool and almost impossible to knock out with a "
            "single missile.",
            "Recovery funds should therefore reward networks of small producers instead of spending "
            "everything on a handful of flagship factories.",
        ],
        "read_also": [
            ("baltic-ports-inspections", "short", "", ""),
            ("drone-school-graduates", "root", "", ""),
        ],
    },
    {
        "slug": "poltava-water-filters",
        "title": "Poltava villages get solar-powered water filters after their wells turned salty",
        "subtitle": "Each filter serves about three hundred people and fits in a shipping container",
        "section": "news-ukraine",
        "authors": ["nadiavoloshyna"],
        "tags": ["humanitarian-aid", "water"],
        "published": "2026-03-08T06:20:00+00:00",
        "style": "jsonld",
        "template": "modern",
        "caption": "A container filter station at the edge of a village in Poltava Oblast. Illustrative photo",
        "paras": [
            "Five villages in Poltava Oblast now draw drinking water from container filters that run on "
            "solar panels.",
            (
                "Hydrologists ",
                "linked",
                "https://hydro.example/poltava-wells",
                " the salty wells to a damaged drainage canal that let brackish groundwater rise.",
            ),
            "Each container holds a reverse-osmosis unit, a battery bank and a tap that villagers open with "
            "a plastic card.",
        ],
        "read_also": [("kyiv-metro-shelter-upgrade", "root", "", ""), "kharkiv-library-reopens"],
    },
    {
        "slug": "kharkiv-library-reopens",
        "title": "Kharkiv's oldest district library reopens in a basement with 8,000 books",
        "subtitle": "Readers return the books they saved from the burning building two years ago",
        "section": "news-ukraine",
        "authors": ["yuriididenko"],
        "tags": ["kharkiv-oblast", "culture-heritage"],
        "published": "2026-03-07T16:45:00+02:00",
        "style": "visible",
        "template": "classic",
        "caption": "Shelves in the basement reading room of the district library. Illustrative photo",
        "paras": [
            "The district library in Saltivka reopened on Saturday in a basement that once stored the "
            "school's sports equipment.",
            (
                "Librarian Hanna Osadcha ",
                "recalled",
                "https://www.instagram.com/saltivka_library_example",
                " how neighbours carried armfuls of books out of the burning building and kept them at home for "
                "two years.",
            ),
            "About a third of the collection came back that way, each book with a handwritten note from the "
            "person who had kept it.",
        ],
        "read_also": [("odesa-lighthouse-restoration", "www", "", ""), "veterans-job-fair"],
    },
    {
        "slug": "veterans-job-fair",
        "title": "Vinnytsia job fair matches veterans with employers who adapt their workplaces",
        "subtitle": "Forty companies showed ramps, adjustable desks and flexible shifts",
        "section": "news-ukraine",
        "authors": ["sofiiahrytsak"],
        "tags": ["veterans", "economy"],
        "published": "2026-03-07T10:10:00+03:00",
        "style": "meta",
        "template": "classic",
        "caption": "Visitors at the job fair in Vinnytsia, March 2026. Illustrative photo",
        "paras": [
            "More than six hundred veterans visited a job fair in Vinnytsia where every stand had to show how "
            "the workplace was adapted.",
            (
                "The regional employment centre ",
                "said",
                "https://vinnytsia-jobs.example/fair-results",
                " that one visitor in five left with an invitation to a second interview.",
            ),
            "Several employers offered paid training for jobs that did not exist in the town five years ago, "
            "such as drone repair.",
            "Organisers plan to repeat the fair in Khmelnytskyi in April.",
        ],
        "read_also": [("border-crossing-queues", "root", "", ""), "lviv-rehab-centre"],
    },
]
