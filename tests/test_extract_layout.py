"""Stories placed in layout tables, and the credit lines around them (issue 19, blind-shape findings).

Old CMSs put the whole story in a table used for layout (one cell per row holding the paragraphs); the body
must keep its paragraphs, not become one table row, while data tables stay tables. Source, editor and
reporter lines around the text ("来源：…", "（责任编辑：…）", "홍길동 기자") are credits, not body.
Invented pages in Chinese, Japanese, Korean and Russian."""

from __future__ import annotations

import pytest

from newsmon.extract.html import parse_html
from newsmon.extract.layout import credit_edges, is_credit_line, is_layout_table, without_credit_lines
from newsmon.extract.page import extract_page

ZH = [
    "临江区政府昨天宣布，沿江步道的第二期工程将在下个月开工，预计明年春天完成全部施工。",
    "工程负责人表示，新的步道将连接老码头和城东湿地公园，全长大约六公里，沿途设置十二处休息点。",
    "附近居民普遍欢迎这一计划，不少人希望施工期间能够保留现有的晨练场地，并减少夜间噪音。",
    "区交通部门同时提醒市民，施工期间部分路段将实行临时交通管制，请提前规划出行路线。",
]
JA = [
    "港町市は七日、旧灯台の周辺を公園として整備する計画を発表した。工事は来年の春に始まる予定だ。",
    "計画では、灯台の内部を見学できるようにするほか、海を望む展望台と小さな資料館を新たに設ける。",
    "地元の商店会は観光客の増加に期待を寄せており、週末には案内ボランティアを募集する方針だという。",
]
KO = [
    "해안시는 7일 옛 등대 주변을 시민 공원으로 꾸미는 계획을 발표했다. 공사는 내년 봄에 시작될 예정이다.",
    "시는 등대 내부를 개방하고 바다가 보이는 전망대와 작은 자료관을 새로 만들 계획이라고 밝혔다.",
    "지역 상인회는 관광객이 늘어날 것으로 기대하며 주말마다 안내 자원봉사자를 모집하기로 했다.",
]
RU = [
    "Администрация Заречного объявила о ремонте старого моста через Каменку, который начнётся в мае.",
    "По словам главы района, движение по мосту будет закрыто на три месяца, а для пешеходов построят"
    " временный настил рядом с опорами.",
    "Жители соседних улиц просили о ремонте несколько лет: покрытие моста разрушалось каждую весну.",
]


def table_page(title: str, paragraphs: list[str], after: str = "", *, lang: str = "zh-CN") -> str:
    """A story in a one-cell-per-row layout table, the way old CMSs print it."""
    cells = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html lang='{lang}'><head><title>{title}_新闻中心_临江网</title></head><body>"
        "<div class='top'><h1 class='logo'><a href='/'>临江网</a></h1></div>"
        "<div class='main'><div class='left'>"
        f"<h2 class='title'>{title}</h2><div class='info'>2026年12月07日 14:05</div>"
        "<div class='content'><table width='100%' border='0' cellspacing='0' cellpadding='0'>"
        f"<tr><td>{cells}{after}</td></tr></table></div></div>"
        "<div class='right'><ul><li><a href='/a/1.html'>另一条新闻</a></li></ul></div></div>"
        "<div class='footer'>临江网 版权所有</div></body></html>"
    )


def _paragraphs(body: str) -> list[str]:
    return [p for p in body.split("\n\n") if p]


@pytest.mark.parametrize(
    ("paragraphs", "lang"), [(ZH, "zh-CN"), (JA, "ja"), (KO, "ko"), (RU, "ru")], ids=["zh", "ja", "ko", "ru"]
)
def test_a_story_in_a_layout_table_keeps_its_paragraphs(paragraphs: list[str], lang: str) -> None:
    html = table_page("沿江步道二期工程下月开工", paragraphs, lang=lang)
    body = extract_page(parse_html(html), "http://lj.example/a/20261207/81.html").body
    assert _paragraphs(body) == paragraphs
    assert "|" not in body


def test_credit_lines_after_the_text_are_not_body() -> None:
    credits = "<p>来源：临江晚报</p><p>（责任编辑：周明）</p>"
    html = table_page("沿江步道二期工程下月开工", ZH, credits)
    page = extract_page(parse_html(html), "http://lj.example/a/20261207/81.html")
    assert _paragraphs(page.body) == ZH
    assert page.source == "临江晚报"


def test_a_data_table_stays_a_table() -> None:
    rows = "".join(
        f"<tr><td>{name}</td><td>{km}</td></tr>" for name, km in (("一期", "3.2"), ("二期", "6.1"))
    )
    html = table_page("沿江步道二期工程下月开工", ZH[:3]).replace(
        "</td></tr></table></div>",
        f"<table><tr><th>工程</th><th>公里</th></tr>{rows}</table></td></tr></table></div>",
    )
    body = extract_page(parse_html(html), "http://lj.example/a/20261207/81.html").body
    assert "| 一期 | 3.2 |" in body
    assert _paragraphs(body)[:3] == ZH[:3]


def test_the_tree_comes_back_as_it_was() -> None:
    tree = parse_html(table_page("沿江步道二期工程下月开工", ZH))
    tags = [el.tag for el in tree.iter()]
    extract_page(tree, "http://lj.example/a/20261207/81.html")
    assert [el.tag for el in tree.iter()] == tags


@pytest.mark.parametrize(
    ("table", "layout"),
    [
        ("<table width='100%'><tr><td><p>一段。</p><p>二段。</p></td></tr></table>", True),
        ("<table role='presentation'><tr><td>x</td><td>y</td></tr></table>", True),
        ("<table><tr><td>左栏</td><td><p>一</p><p>二</p><p>三</p></td></tr></table>", True),
        ("<table><tr><th>工程</th></tr><tr><td><p>一段。</p><p>二段。</p></td></tr></table>", False),
        ("<table><caption>费用</caption><tr><td><p>一</p><p>二</p></td></tr></table>", False),
        ("<table><tr><td>一期</td><td>3.2</td></tr><tr><td>二期</td><td>6.1</td></tr></table>", False),
        ("<table><tr><td>一期</td></tr><tr><td>二期</td></tr></table>", False),
    ],
)
def test_layout_tables_are_told_from_data_tables(table: str, layout: bool) -> None:
    element = parse_html(f"<html><body>{table}</body></html>").find(".//table")
    assert element is not None and is_layout_table(element) is layout


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("来源：临江晚报", True),
        ("（责任编辑：周明）", True),
        ("来源：临江晚报 （责任编辑：周明）", True),
        ("【編集：山田花子】", True),
        ("홍길동 기자 hong@haean.example", True),
        ("김민지·박서준 기자", True),
        ("编辑：周明 审核：李红", True),
        ("工程负责人表示，新的步道将连接老码头。", False),
        ("来源：临江晚报。工程负责人表示，新的步道将连接老码头和城东湿地公园，全长大约六公里。", False),
        ("Source: Reuters", False),  # the Latin labels are metadata.find_source's, not this list's
    ],
)
def test_credit_lines(line: str, credit: bool) -> None:
    assert is_credit_line(line) is credit


def test_credits_only_at_the_edges_and_glued_after_the_last_sentence() -> None:
    text = "记者：周明\n\n第一段。\n\n编辑：不在边上也不是正文？\n\n最后一段。（责任编辑：孙静）"
    assert without_credit_lines(text) == "第一段。\n\n编辑：不在边上也不是正文？\n\n最后一段。"
    assert without_credit_lines("来源：临江晚报") == "来源：临江晚报"  # never empties a body


def test_the_credits_cut_from_the_end_are_kept_for_the_byline() -> None:
    text = "记者：周明\n\n第一段。\n\n最后一段。（记者：刘洋）\n\n이서연 기자"
    assert credit_edges(text) == ("第一段。\n\n最后一段。", ["（记者：刘洋）", "이서연 기자"])
    assert credit_edges("第一段。") == ("第一段。", [])
