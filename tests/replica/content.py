"""Builds the default replica site from plain data: authors, sections, tags, page chrome and named test cases."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .articles import ARTICLES
from .articles_older import ARTICLES_OLDER
from .model import (
    ORIGIN,
    WWW_ORIGIN,
    Article,
    Author,
    Chrome,
    InlineReadAlso,
    NavItem,
    Paragraph,
    Ref,
    Site,
    StaticPage,
    Subheading,
    Term,
)

AUTHORS = {
    a.slug: a
    for a in (
        Author("Marta Levchenko", "martalevchenko"),
        Author("Yurii Didenko", "yuriididenko"),
        Author("Sofiia Hrytsak", "sofiiahrytsak"),
        Author("Oleh Bondarets", "olehbondarets"),
        Author("Nadia Voloshyna", "nadiavoloshyna"),
        Author("Ethan Marlowe", "ethanmarlowe"),
        Author("Euromaidan Press newsroom", "newsroom"),
    )
}

CATEGORIES = [
    Term("Ukraine news", "news-ukraine"),
    Term("Politics and reforms", "politics"),
    Term("Culture and memory", "culture"),
    Term("World and diplomacy", "international"),
    Term("Opinion and analysis", "opinion"),
    Term("Daily rundown", "rundown"),
    Term("Hybrid war watch", "hybrid-war"),
]

TAG_NAMES = {
    "kharkiv-oblast": "Kharkiv Oblast",
    "kherson-oblast": "Kherson Oblast",
    "odesa-oblast": "Odesa Oblast",
    "sumy-oblast": "Sumy Oblast",
    "donetsk-oblast": "Donetsk Oblast",
    "chernihiv-oblast": "Chernihiv Oblast",
    "zaporizhzhia-oblast": "Zaporizhzhia Oblast",
    "kyiv": "Kyiv",
    "european-union": "European Union",
    "black-sea": "Black Sea",
    "culture-heritage": "Cultural heritage",
    "daily-rundown": "Rundown",
    "energy-grid": "energy grid",
    "demining": "Demining",
}

CHROME = Chrome(
    site_name="Euromaidan Press",
    nav=(
        NavItem("Ukraine news", f"{ORIGIN}/category/news-ukraine/"),
        NavItem("Politics and reforms", f"{ORIGIN}/category/politics/"),
        NavItem("Culture and memory", "/category/culture/"),
        NavItem("World and diplomacy", f"{WWW_ORIGIN}/category/international/"),
        NavItem("Opinion and analysis", f"{ORIGIN}/category/opinion/"),
        NavItem("Daily rundown", "/category/rundown/"),
        NavItem("Hybrid war watch", f"{ORIGIN}/category/hybrid-war/"),
        NavItem("About the newsroom", f"{ORIGIN}/about/"),
        NavItem("Write for us", "/submit-an-op-ed/"),
        NavItem("Support our newsroom", f"{ORIGIN}/donate/"),
    ),
    google_news_label="Get our stories in Google News",
    forum_label="Talk about this story on our forum",
    correction_text="Found a mistake in this story? Let the editors know",
    patron_headings=("Patrons browse without ads", "Already a patron?", "Your patron code works"),
    patron_texts=(
        "This newsroom lives on reader support and a little advertising; patrons see no ads for six months.",
        "Type in the code from your patron welcome email to switch the ads off.",
        "Ads stay off in this browser until the code expires.",
    ),
    fundraiser_title="Equip a frontline medical team together with our readers",
    fundraiser_text="Every gift to the reader fundraiser buys tourniquets and trauma kits for field medics.",
    fundraiser_link_label="Give to the reader fundraiser",
    newsletter_title="The morning briefing in your inbox",
    newsletter_text="One short email a day with the stories our editors think you should not miss.",
    footer_links=(
        NavItem("About the newsroom", "/about/"),
        NavItem("Write for us", f"{ORIGIN}/submit-an-op-ed/"),
        NavItem("Partners and donors", f"{ORIGIN}/partners/"),
        NavItem("Privacy and cookies", "/privacy-and-cookie-policies/"),
    ),
    footer_texts=(
        "Independent English-language reporting on Ukraine, run by volunteers and a small staff.",
        "Quote a short passage freely, with an active link back to the page it came from.",
        "Offline replica: every article on this site is invented for tests.",
    ),
    script_markers=("replicaAnalyticsQueue", "REPLICA-TRACKING-0001"),
)

PAGES = {
    p.slug: p
    for p in (
        StaticPage(
            "about",
            "About the newsroom",
            (
                "Euromaidan Press is an online newspaper that reports on Ukraine in English.",
                "This copy is an offline replica whose articles are invented for automated tests.",
            ),
        ),
        StaticPage(
            "submit-an-op-ed",
            "Write for us",
            ("We welcome opinion pieces of up to 1,200 words from people with first-hand knowledge.",),
        ),
        StaticPage(
            "donate",
            "Support our newsroom",
            ("Reader donations pay for translators, fact-checkers and travel to the regions.",),
        ),
        StaticPage(
            "partners",
            "Partners and donors",
            ("The newsroom thanks the foundations and readers who keep it independent.",),
        ),
        StaticPage(
            "lets-support-ukraine",
            "Reader fundraiser",
            ("Our readers have funded medical kits for field medics since 2022.",),
        ),
        StaticPage(
            "privacy-and-cookie-policies",
            "Privacy and cookies",
            ("The replica sets no cookies and keeps no records of its visitors.",),
        ),
    )
}

# Named test cases of the default site (all slugs); the crawl, tier, CLI, API and WARC tests use them by name.
ROLES: dict[str, tuple[str, ...]] = {
    # A (in the feed) -> B -> C -> D through "Read also" only: B, C need depth 1, 2; D needs depth 3.
    "chain": (
        "drone-school-graduates",
        "why-small-workshops-matter",
        "baltic-ports-inspections",
        "winter-lessons-energy-planners",
    ),
    "page3_only": ("kropyvnytskyi-school-buses",),  # only on /category/news-ukraine/page/3/
    "news_feed_only": ("morning-rundown-march-14",),  # only in the sidebar, linked with ?swcfpc=1
    "orphan": ("embroidery-archive-digitised",),  # only via a body link, tag/author/culture pages: never
    "shortlinked": ("sumy-bakery-generators", "baltic-ports-inspections"),  # linked as /?p=<id> somewhere
    "h3_before_h2": ("demining-map-farmers",),
    "feed_utm": ("sumy-bakery-generators", "teachers-underground-school", "odesa-lighthouse-restoration"),
    "inline_read_also": ("teachers-underground-school",),
    "two_authors": ("volunteer-ambulance-convoy",),
}


def _paragraph(spec: str | tuple[str, str, str, str]) -> Paragraph:
    if isinstance(spec, tuple):
        return Paragraph(*spec)
    if spec.startswith("> "):
        return Paragraph(spec[2:], quote=True)
    return Paragraph(spec)


def _ref(spec: str | tuple[str, str, str, str]) -> Ref:
    return Ref(*spec) if isinstance(spec, tuple) else Ref(spec)


def _tag(slug: str) -> Term:
    return Term(TAG_NAMES.get(slug, slug.replace("-", " ").capitalize()), slug)


def article_from_spec(spec: dict[str, Any], post_id: int, categories: dict[str, Term]) -> Article:
    """An Article from the plain-data format of articles.py (also handy for publishing new ones)."""
    return Article(
        id=post_id,
        slug=spec["slug"],
        title=spec["title"],
        subtitle=spec["subtitle"],
        authors=[AUTHORS[a] for a in spec["authors"]],
        section=categories[spec["section"]],
        tags=[_tag(t) for t in spec["tags"]],
        published_at=datetime.fromisoformat(spec["published"]),
        modified_at=datetime.fromisoformat(spec["modified"]) if "modified" in spec else None,
        paragraphs=[_paragraph(p) for p in spec["paras"]],
        subheadings=[Subheading(*s) for s in spec.get("subheadings", [])],
        inline_read_also=[
            InlineReadAlso(before, Ref(slug)) for before, slug in spec.get("inline_read_also", [])
        ],
        read_also=[_ref(r) for r in spec.get("read_also", [])],
        caption=spec.get("caption", ""),
        metadata_style=spec.get("style", "jsonld"),
        template=spec.get("template", "classic"),
        listed_in_feed=spec.get("feed", True),
        listed_in_category=spec.get("category", True),
        rss_utm=spec.get("rss_utm", False),
        sidebar_query=spec.get("sidebar_query", ""),
        protection=spec.get("protection", ""),
    )


def default_site() -> Site:
    categories = {c.slug: c for c in CATEGORIES}
    specs = [*ARTICLES, *ARTICLES_OLDER]
    # WordPress ids grow with time: the oldest article gets the smallest id.
    articles = [article_from_spec(s, 48_211 + 37 * (len(specs) - i), categories) for i, s in enumerate(specs)]
    return Site(
        articles=articles, categories=list(CATEGORIES), chrome=CHROME, pages=dict(PAGES), roles=dict(ROLES)
    )


INVESTIGATIONS = Term("Investigations", "investigations")


def protected_site() -> Site:
    """The default site plus an "Investigations" section behind a JavaScript cookie challenge, a page that
    is a challenge served with 200, a JavaScript-rendered article and an unlisted browser probe page."""
    from .articles_protected import ARTICLES_PROTECTED, BROWSER_PROBE

    site = default_site()
    site.categories.append(INVESTIGATIONS)
    categories = {c.slug: c for c in site.categories}
    for i, spec in enumerate([*ARTICLES_PROTECTED, BROWSER_PROBE]):
        site.articles.append(article_from_spec(spec, 47_001 + 11 * i, categories))
    site.start_categories.append(INVESTIGATIONS.slug)
    site.challenged_categories.add(INVESTIGATIONS.slug)
    site.roles.update(
        {
            "cookie_challenge": tuple(
                s["slug"] for s in ARTICLES_PROTECTED if s.get("protection") == "cookie"
            ),
            "challenge_200": tuple(
                s["slug"] for s in ARTICLES_PROTECTED if s.get("protection") == "challenge_200"
            ),
            "js_body": tuple(s["slug"] for s in ARTICLES_PROTECTED if s.get("protection") == "js_body"),
            "js_probe": (BROWSER_PROBE["slug"],),
        }
    )
    return site
