"""The byline written as the story's last line, without a label ("（石田浩二）", "— Maria Lopez",
"/이서연 기자", "(EFE)"): a person there is the author, an agency the ``source``; neither stays in the body.
Person or agency is decided by evidence: a label, the page's structured data (publisher, sourceOrganization),
the shape of the name in its script, a handful of wire agencies. Invented pages in several languages."""

from __future__ import annotations

import json

import pytest

from newsmon.extract.closing import closing_credit
from newsmon.extract.html import parse_html
from newsmon.extract.page import extract_page

EN = [
    "The valley council voted on Tuesday to keep the old ferry running through the winter months.",
    "Residents of the east bank had asked for the service after the bridge was closed for repairs.",
    "The ferry will carry up to forty passengers and run every half hour from six in the morning.",
]
ES = [
    "El ayuntamiento de la ribera aprobó el martes mantener el transbordador durante todo el invierno.",
    "Los vecinos de la orilla este habían pedido el servicio tras el cierre del puente por obras.",
    "El barco llevará hasta cuarenta pasajeros y saldrá cada media hora desde las seis de la mañana.",
]
UK = [
    "Міська рада у вівторок ухвалила залишити старий пором на зимові місяці для мешканців берега.",
    "Мешканці східного берега просили про це після того, як міст закрили на тривалий ремонт.",
    "Пором перевозитиме до сорока пасажирів і ходитиме щопівгодини з шостої ранку до вечора.",
]
JA = [
    "川辺町議会は火曜日、冬の間も古い渡し船の運航を続けることを全会一致で決めた。",
    "東岸の住民は、橋が補修工事で閉鎖された後、渡し船の存続を町に強く求めていた。",
    "渡し船は最大四十人を乗せ、朝六時から三十分おきに両岸を結ぶ予定だという。",
]
ZH = [
    "河畔区议会周二表决通过，在整个冬季继续保留老渡轮的运营服务，方便两岸居民出行。",
    "东岸居民此前多次提出要求，因为大桥在维修期间已经关闭了将近两个月的时间。",
    "渡轮最多可载四十名乘客，每天早上六点开始每半小时往返一次，直到晚上九点。",
]
AR = [
    "وافق مجلس البلدية يوم الثلاثاء على إبقاء العبّارة القديمة تعمل طوال أشهر الشتاء المقبلة.",
    "وكان سكان الضفة الشرقية قد طالبوا بالخدمة بعد إغلاق الجسر لأعمال الصيانة منذ شهرين.",
    "ستنقل العبّارة حتى أربعين راكباً وتنطلق كل نصف ساعة من السادسة صباحاً حتى المساء.",
]
KO = [
    "강변구 의회는 화요일 겨울 동안에도 오래된 나룻배 운항을 계속하기로 의결했다고 밝혔다.",
    "동쪽 강변 주민들은 다리가 보수 공사로 폐쇄된 뒤 나룻배 운항을 유지해 달라고 요청해 왔다.",
    "나룻배는 최대 마흔 명을 태우고 아침 여섯 시부터 삼십 분마다 두 강변을 오갈 예정이다.",
]


def _page(
    paragraphs: list[str], closing: str, *, head: str = "", byline: str = "", lang: str = "en"
) -> bytes:
    text = "".join(f"<p>{p}</p>" for p in [*paragraphs, closing] if p)
    return (
        f"<html lang='{lang}'><head><meta charset='utf-8'><title>Ferry story</title>{head}</head><body>"
        "<nav><a href='/'>Home</a> <a href='/city/'>City</a></nav>"
        "<article><header><h1>Ferry kept for the winter</h1>"
        f"<time datetime='2026-12-07T10:00:00Z'>7.12.2026</time>{byline}</header>"
        f"<div class='story'>{text}</div></article>"
        "<footer>Valley Post, all rights reserved</footer></body></html>"
    ).encode()


def _ld(**fields: object) -> str:
    node = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Ferry", **fields}
    return f"<script type='application/ld+json'>{json.dumps(node)}</script>"


URL = "https://valley.example/news/2026/12/ferry.html"


@pytest.mark.parametrize(
    ("paragraphs", "closing", "lang", "authors", "source"),
    [
        (JA, "（石田浩二）", "ja", ["石田浩二"], None),  # a reporter's name in brackets
        (JA, "（小野寺はるか）", "ja", ["小野寺はるか"], None),  # a given name in kana
        (JA, "（德永誠、﨑田美咲）", "ja", ["德永誠", "﨑田美咲"], None),  # two, a compatibility ideograph
        (JA, "（石田 浩二）", "ja", ["石田 浩二"], None),  # a space between surname and given name
        (JA, "（エマ・ノルド）", "ja", ["エマ・ノルド"], None),  # a foreign name in katakana
        (JA, "（共同）", "ja", [], "共同"),  # a wire agency: the source
        (ZH, "（记者 刘洋）", "zh", ["刘洋"], None),  # labelled
        (ZH, "（新华社）", "zh", [], "新华社"),
        (ZH, "（南川通讯社）", "zh", [], "南川通讯社"),
        (
            ZH,
            "（新华社记者 刘洋）",
            "zh",
            ["刘洋"],
            "新华社",
        ),  # the agency's reporter  # an agency's name ends with the kind of body it is
        (ZH, "（记者：刘洋、王芳）", "zh", ["刘洋", "王芳"], None),  # a credit line layout.py cuts
        (KO, "이서연 기자 seoyeon@valley.example", "ko", ["이서연"], None),  # likewise
        (KO, "(한빛통신)", "ko", [], "한빛통신"),
        (KO, "/이서연 기자", "ko", ["이서연"], None),
        (EN, "— Maria Lopez", "en", ["Maria Lopez"], None),
        (EN, "(Reuters)", "en", [], "Reuters"),
        (EN, "(AFP/Reuters)", "en", [], "AFP/Reuters"),
        (ES, "(EFE)", "es", [], "EFE"),
        (UK, "— Олена Кравець", "uk", ["Олена Кравець"], None),
        (EN, "-- Ana de la Cruz", "en", ["Ana de la Cruz"], None),
        (EN, "— Maria Lopez, maria.lopez@valley.example", "en", ["Maria Lopez"], None),
        (JA, "（石田浩二 ishida@valley.example）", "ja", ["石田浩二"], None),
        (AR, "— سلمى حداد", "ar", ["سلمى حداد"], None),  # a script without case
        (AR, "(ن ع ر)", "ar", [], "ن ع ر"),  # an acronym spelt in letters: an agency, not a name
        (EN, "— The Harbour Press", "en", [], "The Harbour Press"),  # an organisation's noun
    ],
)
def test_a_closing_credit_line_is_the_author_or_the_source(
    paragraphs: list[str], closing: str, lang: str, authors: list[str], source: str | None
) -> None:
    page = extract_page(parse_html(_page(paragraphs, closing, lang=lang)), URL)
    assert (page.authors, page.source) == (authors, source)
    assert closing not in page.body
    assert page.body.endswith(paragraphs[-1])


def test_the_source_organization_of_the_structured_data_is_a_source_not_an_author() -> None:
    head = _ld(sourceOrganization={"@type": "Organization", "name": "Nordlys Wire"})
    page = extract_page(parse_html(_page(EN, "(Nordlys Wire)", head=head)), URL)
    assert (page.authors, page.source) == ([], "Nordlys Wire")
    assert "Nordlys Wire" not in page.body


def test_the_sites_own_name_closing_the_story_is_its_desk() -> None:
    head = "<meta property='og:site_name' content='Valley Post'>"
    page = extract_page(parse_html(_page(EN, "— Valley Post", head=head)), URL)
    assert (page.authors, page.source) == ([], None)  # the desk: neither an author nor a source
    assert "Valley Post" not in page.body


def test_a_credit_glued_after_the_last_sentence() -> None:
    paragraphs = [*ZH[:-1], ZH[-1] + "（记者：刘洋）"]
    page = extract_page(parse_html(_page(paragraphs, "", lang="zh")), URL)
    assert (page.authors, page.source) == (["刘洋"], None)
    assert page.body.endswith(ZH[-1])


@pytest.mark.parametrize(
    ("paragraphs", "closing", "authors", "source"),
    [
        (JA, "（共同）", [], "共同"),
        (EN, " (Reuters)", [], "Reuters"),
        (JA, "（石田浩二）", ["石田浩二"], None),
    ],
)
def test_a_closing_credit_glued_after_the_last_sentence(
    paragraphs: list[str], closing: str, authors: list[str], source: str | None
) -> None:
    page = extract_page(parse_html(_page([*paragraphs[:-1], paragraphs[-1] + closing], "")), URL)
    assert (page.authors, page.source) == (authors, source)
    assert page.body.endswith(paragraphs[-1])


@pytest.mark.parametrize(
    "last", ["The ferry was built in 1931 (and rebuilt twice).", "It runs daily (Mon-Sat)"]
)
def test_brackets_at_the_end_of_a_sentence_are_text(last: str) -> None:
    page = extract_page(parse_html(_page([*EN, last], "")), URL)
    assert page.authors == [] and page.body.endswith(last)


def test_a_closing_line_in_the_json_ld_article_body() -> None:
    head = _ld(articleBody="\n\n".join([*EN, "(Reuters)"]))
    page = extract_page(parse_html(_page(EN[:1], "", head=head)), URL)
    assert (page.authors, page.source) == ([], "Reuters")
    assert page.body.endswith(EN[-1])


@pytest.mark.parametrize("closing", ["— Staff Writer", "(Newsroom)", "(Agencies)", "(Staff)"])
def test_a_desk_closing_is_neither_author_nor_source(closing: str) -> None:
    page = extract_page(parse_html(_page(EN, closing)), URL)
    assert (page.authors, page.source) == ([], None)
    assert page.body.endswith(EN[-1])


def test_a_closing_name_the_byline_already_gives_leaves_the_body_only() -> None:
    head = _ld(author={"@type": "Person", "name": "Maria Lopez"})
    page = extract_page(parse_html(_page(EN, "— Maria Lopez", head=head)), URL)
    assert (page.authors, page.source) == (["Maria Lopez"], None)
    assert "Maria Lopez" not in page.body


def test_a_closing_reporter_replaces_an_author_that_is_the_site_itself() -> None:
    site = {"@type": "Organization", "name": "Valley Post"}
    page = extract_page(
        parse_html(_page(JA, "（石田浩二）", head=_ld(author=site, publisher=site), lang="ja")), URL
    )
    assert page.authors == ["石田浩二"]


def test_a_wire_closing_under_a_staff_byline_is_the_source() -> None:
    byline = "<p class='byline'>By Tom Reyes</p>"
    page = extract_page(parse_html(_page(EN, "(dpa)", byline=byline)), URL)
    assert (page.authors, page.source) == (["Tom Reyes"], "dpa")
    assert "(dpa)" not in page.body


def test_reuters_style_roles_give_the_writers_only() -> None:
    page = extract_page(parse_html(_page(EN, "(Reporting by Ines Varga in Graz; Editing by Tom Reyes)")), URL)
    assert (page.authors, page.source) == (["Ines Varga"], None)
    assert "Editing" not in page.body


def test_the_attribution_of_a_closing_quotation_is_no_byline() -> None:
    paragraphs = [*EN, "“A river town lives by its crossings, not by its bridges.”"]
    page = extract_page(parse_html(_page(paragraphs, "— Paul Mercer")), URL)
    assert page.authors == [] and page.body.endswith("— Paul Mercer")


@pytest.mark.parametrize(
    "closing",
    [
        "(The council meets again on Friday to set the winter timetable.)",  # a sentence in brackets
        "(Updated)",  # a word that names nobody
        "（完）",
        "— 2026",
        "(see also page 4)",
        "(Stand by Me)",  # a role-like "by" without a person
        "(Photo Ines Varga/Valley Post)",  # a picture's credit
        "(With AFP)",
        "（続く）",  # a verb: one Han character and its kana
    ],
)
def test_a_closing_line_that_names_nobody_stays_text(closing: str) -> None:
    page = extract_page(parse_html(_page(EN, closing)), URL)
    assert (page.authors, page.source) == ([], None)
    assert page.body.endswith(closing)


@pytest.mark.parametrize(
    "closing", ["— Read More", "(Video Report)", "— Full Story Here", "(Прямая Трансляция)"]
)
def test_a_capitalised_phrase_the_story_writes_in_lower_case_is_no_name(closing: str) -> None:
    """Names keep their capitals wherever the story writes them: a closing credit whose words the story
    itself writes in lower case is a phrase of the language ("read more"), not a person."""
    paragraphs = [
        "The ferry crossing reopened after a short video report showed the repaired landing stage.",
        "Residents can read more about the full story here, and a live трансляция прямая from the bank.",
        *EN,
    ]
    page = extract_page(parse_html(_page(paragraphs, closing)), URL)
    assert (page.authors, page.source) == ([], None)
    assert page.body.endswith(closing)


def test_a_name_the_story_never_writes_in_lower_case_is_still_the_author() -> None:
    paragraphs = ["Maria Lopez watched the first crossing from the east bank at dawn.", *EN]
    page = extract_page(parse_html(_page(paragraphs, "— Maria Lopez")), URL)
    assert page.authors == ["Maria Lopez"] and not page.body.endswith("Maria Lopez")


def test_a_body_ending_in_blank_lines_reads_its_last_line_with_text() -> None:
    """Was: IndexError on the empty last line (the page's record lost with it)."""
    assert closing_credit("Para one.\n\n", (), lambda: (set(), set())) == ("Para one.\n\n", None)
    body, closing = closing_credit("Para one.\n\n(Reuters)\n\n", (), lambda: (set(), set()))
    assert body == "Para one." and closing is not None and closing.source == "Reuters"
