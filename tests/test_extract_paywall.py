"""Paywalled pages (newsmon/extract/paywall.py): the body is what the page serves, and no subscription, login
or "continue reading" prompt is ever body, in any language.

The pages are invented after the rules were chosen, one language and one kind of evidence each: schema.org
``hasPart`` markup, a class naming a paywall, links to subscription or login pages (by path, by host, by a
return URL), and the vocabulary hint alone. A free page that talks about subscriptions and logins keeps all
of its text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace

import pytest

from newsmon.extract import xpaths
from newsmon.extract.html import parse_html
from newsmon.extract.page import extract_page
from newsmon.extract.paywall import URL_STEMS, URL_WORDS, prompt_url, without_trailing_prompts


@dataclass(frozen=True)
class Paywalled:
    lang: str
    url: str
    headline: str
    served: tuple[str, ...]  # the paragraphs the page serves: the body
    prompt: str  # the prompt's HTML, after the served text in the same container
    prompt_texts: tuple[str, ...]  # never in the body
    jsonld: dict[str, object] | None = None
    head: str = ""


def page(case: Paywalled) -> str:
    script = (
        f'<script type="application/ld+json">{json.dumps(case.jsonld, ensure_ascii=False)}</script>'
        if case.jsonld
        else ""
    )
    paragraphs = "".join(f"<p>{text}</p>" for text in case.served)
    return f"""<!doctype html><html lang="{case.lang}"><head><meta charset="utf-8">
<title>{case.headline}</title><meta property="og:type" content="article">{case.head}{script}</head>
<body><header><a href="/">Home</a></header>
<article><h1>{case.headline}</h1><div class="text">{paragraphs}{case.prompt}</div></article>
<footer><a href="/impressum/">Impressum</a></footer></body></html>"""


def article(headline: str, **extra: object) -> dict[str, object]:
    return {"@context": "https://schema.org", "@type": "NewsArticle", "headline": headline, **extra}


GERMAN = Paywalled(
    lang="de",
    url="https://moorbacher-bote.example/lokales/2026/05/12/faehre-faehrt-wieder/",
    headline="Die Fähre über den Moorbach fährt wieder",
    served=(
        "Nach elf Wochen Pause legt die kleine Fähre zwischen Unterau und Krempel wieder ab, zunächst nur an"
        " den Wochenenden und bei gutem Wetter.",
        "Der Fährmann Jens Oldig hat den Winter über den Rumpf neu gestrichen und einen leiseren Motor"
        " eingebaut, den der Gemeinderat im Herbst bewilligt hatte.",
    ),
    prompt=(
        '<div class="tp-container-inner"><p>Sie haben das Ende des kostenlosen Teils erreicht.</p>'
        "<p>Lesen Sie weiter mit Bote Plus: vier Wochen für einen Euro.</p>"
        '<a class="btn" href="/abo/angebote/?ref=artikel">Jetzt abonnieren</a>'
        ' <a href="https://konto.moorbacher-bote.example/">Anmelden</a></div>'
    ),
    prompt_texts=("kostenlosen Teils", "Bote Plus", "Jetzt abonnieren", "Anmelden"),
    jsonld=article("Die Fähre über den Moorbach fährt wieder", isAccessibleForFree=False),
)
FRENCH = Paywalled(
    lang="fr",
    url="https://echo-des-combes.example/region/le-marche-couvert-rouvre-ses-portes",
    headline="Le marché couvert rouvre ses portes après deux ans de travaux",
    served=(
        "Les premiers maraîchers se sont installés mardi à six heures sous la grande halle, dont la"
        " charpente a été entièrement refaite par une entreprise de la vallée.",
        "La mairie promet des loyers inchangés pour les étals pendant trois ans, une demande ancienne des"
        " producteurs qui avaient quitté le centre pendant les travaux.",
    ),
    prompt=(
        '<div class="suite-reservee"><p>Cet article est réservé à nos lecteurs inscrits.</p>'
        "<button>Voir les offres</button> <p>Déjà inscrit ? "
        '<a href="/moncompte/entree?retour=https%3A%2F%2Fecho-des-combes.example%2Fregion%2F'
        'le-marche-couvert-rouvre-ses-portes">'
        "Identifiez-vous</a></p></div>"
    ),
    prompt_texts=("réservé à nos lecteurs", "Voir les offres", "Déjà inscrit", "Identifiez-vous"),
    jsonld=article(
        "Le marché couvert rouvre ses portes après deux ans de travaux",
        isAccessibleForFree="False",
        hasPart={"@type": "WebPageElement", "isAccessibleForFree": "False", "cssSelector": ".suite-reservee"},
    ),
)
SPANISH = Paywalled(
    lang="es",
    url="https://gaceta-del-alto.example/sociedad/2026/05/12/el-tranvia-llega-al-barrio-norte.html",
    headline="El tranvía llega al barrio norte con un año de retraso",
    served=(
        "Los vecinos del barrio norte estrenaron el lunes las tres nuevas paradas del tranvía, que la"
        " empresa municipal prometió para la primavera pasada.",
        "El alcalde reconoció en la inauguración que la obra costó un quince por ciento más de lo previsto"
        " por el cambio de las tuberías bajo la avenida.",
    ),
    prompt=(
        "<section><h3>Sigue leyendo esta noticia</h3>"
        "<p>Hazte socio de la Gaceta desde 1 euro el primer mes.</p>"
        '<a href="https://suscripciones.gaceta-del-alto.example/ofertas">Quiero ser socio</a></section>'
    ),
    prompt_texts=("Sigue leyendo", "Hazte socio", "Quiero ser socio"),
    head='<meta property="article:content_tier" content="metered">',
)
POLISH = Paywalled(
    lang="pl",
    url="https://kurier-nadrzeczny.example/miasto/most-na-odrze-zamkniety/",
    headline="Most na Odrze zamknięty do końca czerwca",
    served=(
        "Drogowcy zamknęli w poniedziałek stary most na Odrze, bo w czasie przeglądu znaleźli pęknięcia w"
        " dwóch filarach od strony portu.",
        "Autobusy linii czwartej i szóstej pojadą objazdem przez Zawodzie, co wydłuży podróż do centrum o"
        " mniej więcej dziesięć minut.",
        "Pozostało 85% artykułu. Zaloguj się, aby czytać dalej.",
    ),
    prompt="",
    prompt_texts=("Pozostało 85%", "Zaloguj"),
    jsonld=article("Most na Odrze zamknięty do końca czerwca", isAccessibleForFree=False),
)
JAPANESE = Paywalled(
    lang="ja",
    url="https://minato-shinpo.example/articles/20260512-harbour-lights",
    headline="港の灯台、百年ぶりに改修へ",
    served=(
        "市は十二日、港の入り口に立つ白い灯台を来年春までに改修すると発表した。建てられてから百年が過ぎ、"
        "外壁のひびが目立っていた。",
        "工事の間も灯りは消さず、夜は仮設の照明で船を案内するという。",
    ),
    prompt=(
        '<div class="regwall-box"><p>この記事は会員限定です。'
        "続きは無料の会員登録でお読みいただけます。</p></div>"
    ),
    prompt_texts=("会員限定", "会員登録"),
    jsonld=article("港の灯台、百年ぶりに改修へ", isAccessibleForFree=False),
)
CASES = [GERMAN, FRENCH, SPANISH, POLISH, JAPANESE]


@pytest.mark.parametrize("case", CASES, ids=[case.lang for case in CASES])
def test_body_is_what_is_served_without_the_prompt(case: Paywalled) -> None:
    data = extract_page(parse_html(page(case)), case.url)
    served = [text for text in case.served if not any(p in text for p in case.prompt_texts)]
    for text in served:
        assert text in data.body, (case.lang, text)
    for text in case.prompt_texts:
        assert text not in data.body, (case.lang, text)
    assert data.is_accessible_for_free is False


FREE_URL = "https://harbourside-daily.example/2026/05/12/library-card-fees/"
FREE = [
    "The county library will stop charging for a second card from June, after readers complained that the"
    " subscription fee kept families from borrowing.",
    "Staff said the online catalogue had been hard to use since a login outage in March, described in"
    ' <a href="/2026/03/20/login-outage-at-the-county-library/">our report</a>, and would be replaced.',
    "The council votes on the new fee schedule in June.",
    "Sign in at the front desk to get your card.",
]


def test_a_free_page_about_subscriptions_keeps_all_its_text() -> None:
    html = (
        "<html><head><title>Library drops its card fee</title></head><body><article>"
        f"<h1>Library drops its card fee</h1>{''.join(f'<p>{p}</p>' for p in FREE)}</article></body></html>"
    )
    data = extract_page(parse_html(html), FREE_URL)
    assert "login outage in March" in data.body
    assert data.body.endswith("Sign in at the front desk to get your card.")


def test_prompt_urls() -> None:
    page_url = "https://site.example/news/2026/05/12/story-slug/"
    for href in (
        "/abo/",
        "/subscribe?source=wall",
        "https://login.site.example/",
        "https://site.example/konto/anmelden",
        "/checkout/plan-2",
        "/mein-konto/",
        "/user?return=https%3A%2F%2Fsite.example%2Fnews%2F2026%2F05%2F12%2Fstory-slug%2F",
    ):
        assert prompt_url(href, page_url), href
    for href in (
        "/2026/03/20/login-outage-at-the-county-library/",  # an article slug naming a login
        "https://www.tng-project.org/about/",
        # a share link carries the page's URL to another site
        "https://twitter.com/intent/tweet?url=https://site.example/news/2026/05/12/story-slug/",
        "/news/",
        "mailto:desk@site.example",
    ):
        assert not prompt_url(href, page_url), href


def test_a_prefix_tree_alternation_matches_what_the_plain_one_does() -> None:
    """xpaths.alternation: the same matches as the alternation of its words sorted longest first (the
    longest word where several start at one place), on invented link targets and words."""
    words = ["log", "login", "logon", "lo", "abo", "abonn", "x.y", "z"]
    tree, plain = (
        re.compile(xpaths.alternation(words)),
        re.compile("|".join(sorted(map(re.escape, words), key=len, reverse=True))),
    )
    text = "/logon/ /log-in lo abonnement abo x.y xzy login logo"
    assert [m.span() for m in tree.finditer(text)] == [m.span() for m in plain.finditer(text)]
    assert (
        tree.fullmatch("login")
        and not tree.fullmatch("logi")
        and not re.compile(xpaths.alternation([])).search("a")
    )
    targets = (
        "\x00/abo/\x00/user/anmeldung\x00https://login.example/\x00/konto-x/\x00/subscriptions\x00/news/abc"
    )
    words = sorted({*URL_WORDS, *URL_STEMS}, key=len, reverse=True)
    plain = re.compile(r"[\x00/._-](?:" + "|".join(words) + ")")
    tree = re.compile(r"[\x00/._-]" + xpaths.alternation(words))
    assert [m.span() for m in tree.finditer(targets)] == [m.span() for m in plain.finditer(targets)] != []


def test_vocabulary_only_trims_short_trailing_paragraphs() -> None:
    body = "First paragraph of the story.\n\nSecond one.\n\nSubscribe to continue reading."
    assert without_trailing_prompts(body) == "First paragraph of the story.\n\nSecond one."
    long_last = "A long closing paragraph " + "that quotes the subscription debate at length " * 5
    assert without_trailing_prompts(f"Story.\n\n{long_last}") == f"Story.\n\n{long_last}"


def test_a_paywalled_page_keeps_what_it_serves_over_its_embedded_full_text() -> None:
    full = [
        *GERMAN.served,
        *(f"Ein weiterer Absatz Nummer {i} nur für zahlende Leser, mit vielen Wörtern." for i in range(8)),
    ]
    state = {"article": {"headline": GERMAN.headline, "paragraphs": full}}
    html = page(GERMAN).replace("</body>", f"<script>window.__STATE__ = {json.dumps(state)};</script></body>")
    data = extract_page(parse_html(html), GERMAN.url)
    assert data.body_source == "extractor"
    assert "nur für zahlende Leser" not in data.body
    assert GERMAN.served[0] in data.body


def test_unusable_paywall_selectors_are_ignored() -> None:
    for selector in ("div[[[", "", 42):
        markup = article(GERMAN.headline, hasPart={"isAccessibleForFree": False, "cssSelector": selector})
        data = extract_page(parse_html(page(replace(GERMAN, jsonld=markup))), GERMAN.url)
        assert GERMAN.served[0] in data.body
