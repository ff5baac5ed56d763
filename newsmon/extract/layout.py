"""Markup that is layout, not content: tables used to place a page's text, and the credit lines CMSs print
around an article's text ("来源：…", "（责任编辑：…）", "홍길동 기자").

Old CMSs (DedeCMS, PHPCMS, early Bitrix and many hand-built sites) put the whole story in a table used for
layout: one cell per row holding the paragraphs. An extractor that keeps tables (trafilatura with
include_tables, which data tables need) then writes the story as one table row, paragraphs glued. A layout
table is told from a data table by its structure: no header cells and no caption, and cells holding blocks
of text (paragraphs), one cell per row (or a cell holding several paragraphs, a multi-column layout).
``unwrapped`` lets the extractor see such tables as the blocks they are, and puts the tree back after."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from lxml.etree import XPath
from lxml.html import HtmlElement

from newsmon.extract import xpaths
from newsmon.extract.text import text_of

_ROWS = XPath("./tr|./tbody/tr|./thead/tr|./tfoot/tr")
_SECTIONS = frozenset({"tbody", "thead", "tfoot"})
_CELLS = frozenset({"td", "th"})
_TEXT_BLOCKS = ("p", "div", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "table")
LAYOUT_BLOCKS = 2  # blocks of text in a one-column table's cells that make it layout
LAYOUT_PARAGRAPHS = 3  # paragraphs in one cell that make any table without header cells layout


def _blocks(cell: HtmlElement, tags: tuple[str, ...]) -> int:
    return sum(1 for element in cell.iter(*tags) if element is not cell and text_of(element).strip())


def is_layout_table(table: HtmlElement) -> bool:
    """A table that places text rather than tabulating data (see the module docstring)."""
    if (table.get("role") or "").strip().lower() in ("presentation", "none"):
        return True
    if table.find("caption") is not None:
        return False
    rows = [[cell for cell in row if cell.tag in _CELLS] for row in xpaths.select(_ROWS, table)]
    cells = [cell for row in rows for cell in row]
    if not cells or any(cell.tag == "th" for cell in cells):
        return False
    if all(len(row) <= 1 for row in rows) and sum(_blocks(c, _TEXT_BLOCKS) for c in cells) >= LAYOUT_BLOCKS:
        return True
    return any(_blocks(cell, ("p",)) >= LAYOUT_PARAGRAPHS for cell in cells)


def layout_tables(tree: HtmlElement, tables: list[HtmlElement] | None = None) -> list[HtmlElement]:
    """The page's layout tables; ``tables``: the page's <table>s (``xpaths.page_elements``) when the caller
    has them (else ``tree.iter`` in C: a page's tables are few)."""
    return [table for table in (tree.iter("table") if tables is None else tables) if is_layout_table(table)]


@contextmanager
def unwrapped(tables: list[HtmlElement]) -> Iterator[None]:
    """The tables, their row groups, rows and cells renamed to <div> for the block, then restored: the
    tree is shared by the page's other extractors and must come back as it was."""
    renamed: list[tuple[HtmlElement, str]] = []
    for table in tables:
        renamed.append((table, table.tag))
        for row in xpaths.select(_ROWS, table):
            parent = row.getparent()
            if parent is not None and parent.tag in _SECTIONS:
                renamed.append((parent, parent.tag))
            renamed.append((row, row.tag))
            renamed.extend((cell, cell.tag) for cell in row if cell.tag in _CELLS)
    seen: set[HtmlElement] = set()
    try:
        for element, _ in renamed:
            if element not in seen:
                seen.add(element)
                element.tag = "div"
        yield
    finally:
        for element, tag in renamed:
            element.tag = tag


# Credit lines: a label of who edited, wrote or supplied the story, with its full-width or ASCII colon,
# in brackets or not ("来源：滨江日报", "（责任编辑：孙静）", "【編集：山田】"); or a Korean reporter
# line ("홍길동 기자", with an e-mail). "来源/來源/出处/출처" name the source: metadata keeps it as
# ``source``.
CREDIT_LABELS = (
    "责任编辑", "責任編輯", "编辑", "編輯", "来源", "來源", "出处", "出處", "作者", "记者", "記者",
    "摄影", "攝影", "校对", "审核", "编审", "監修", "編集", "出典", "写真",
    "기자", "편집", "출처", "사진", "글",
)  # fmt: skip
_LABELS = "|".join(sorted(CREDIT_LABELS, key=len, reverse=True))
_NAME = r"[^\s:：（()）【】\[\]]"
_CREDIT = rf"[（(【\[]?\s*(?:{_LABELS})\s*[:：]\s*{_NAME}{{1,24}}(?:\s+{_NAME}{{1,12}})?\s*[）)】\]]?"
_CREDIT_LINE = re.compile(rf"^(?:{_CREDIT}\s*)+$")
_CREDIT_TAIL = re.compile(rf"(?<=[。！？!?」”』])\s*(?:{_CREDIT}\s*)+$")
_REPORTER_LINE = re.compile(
    r"^[（(]?\s*[\uac00-\ud7a3]{2,4}(?:\s*[·,]\s*[\uac00-\ud7a3]{2,4})*\s*(?:기자|특파원)\s*[)）]?"
    r"(?:\s*[\w.+-]+@[\w-]+(?:\.[\w-]+)+)?$"
)
MAX_CREDIT_CHARS = 80


def is_credit_line(line: str) -> bool:
    """A line that only credits the story (source, editor, reporter), never its text."""
    line = line.strip()
    return len(line) <= MAX_CREDIT_CHARS and bool(_CREDIT_LINE.match(line) or _REPORTER_LINE.match(line))


def without_credit_lines(text: str) -> str:
    """``text`` without the credit lines at its start and end, and without credits glued after its last
    sentence ("…。（责任编辑：孙静）"). Lines inside the text are left: only the edges are credits."""
    return credit_edges(text)[0]


def credit_edges(text: str) -> tuple[str, list[str]]:
    """``without_credit_lines(text)``, and the credits cut from the text's end (in order): the closing
    reporter line ("이서연 기자", "（记者：刘洋）") names the author (authors.closing_credit reads them)."""
    if not text:
        return text, []
    lines = text.split("\n")
    start, end = 0, len(lines)
    while start < end and (not lines[start].strip() or is_credit_line(lines[start])):
        start += 1
    while end > start and (not lines[end - 1].strip() or is_credit_line(lines[end - 1])):
        end -= 1
    if start == end:
        return text, []  # nothing but credits: not for this function to empty a body
    kept = lines[start:end]
    closing = [line.strip() for line in lines[end:] if line.strip()]
    glued = _CREDIT_TAIL.search(kept[-1])
    if glued is not None and glued.start():
        closing.insert(0, glued.group().strip())
        kept[-1] = kept[-1][: glued.start()]
    return "\n".join(kept), closing
