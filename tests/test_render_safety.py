"""`newsmon render` on hostile and malformed records, `newsmon report` on damaged state stores.

Page-derived text must come out as text: no HTML, no link but to http(s), no heading, list or code block
of its own, no terminal escape sequence. A field of the wrong type is rendered as far as it goes and named
on stderr, never a traceback. A state store the report cannot read is one line and exit status 65.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from newsmon.cli import main as cli_main
from newsmon.report.markdown import escape, render_markdown, safe_url
from newsmon.report.runs import EXIT_UNREADABLE
from newsmon.state.store import StateStore
from tests.crawl_helpers import ROOT
from tests.forkserver import run_python

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}  # the fork server's interpreter start (tests/forkserver.py)

XSS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(document.cookie)</script>",
    "<a href='javascript:alert(1)'>x</a>",
    "click [here](https://evil.example/x)](javascript:alert(1))",
    "![pixel](https://evil.example/track.gif)",
    "<https://evil.example/autolink>",
    "`code` and ``more``",
    "\x1b]0;owned\x07\x1b[2Jcleared",
    "&lt;script&gt;",  # stays the literal text, not a tag after one more decoding
    "<!-- comment --><iframe src=//evil.example>",
]
BLOCKS = [
    "# Fake heading",
    "## Links",
    "- fake item",
    "1. fake numbered",
    "> quote",
    "    code",
    "=====",
    "| a |",
]
SECTIONS = ["## Metadata", "## Page Structure", "## Content", "## Links", "## Article", "## Read also"]


def hostile_record() -> dict[str, Any]:
    text = " ".join(XSS)
    return {
        "url": "javascript:alert(1)",
        "canonical_url": "https://news.example/a/<script>",
        "domain": "<b>news.example</b>",
        "scraped_at": "2026-01-02T03:04:05+00:00",
        "http_status": 200,
        "fetcher_tier": "PLAIN",
        "discovered_via": "rss",
        "referrer": "data:text/html,<script>alert(1)</script>",
        "depth": 1,
        "spider": "euromaidan",
        "title": XSS[0],
        "subtitle": "line one\n## Injected section\n<script>x</script>",
        "authors": [XSS[1], "[me](javascript:alert(1))"],
        "section": XSS[4],
        "tags": XSS[5:],
        "language": "en",
        "structure": [
            {"level": 1, "text": XSS[0], "children": [{"level": 2, "text": XSS[3], "children": []}]},
            {"level": 2, "text": "## Links\n<script>", "children": []},
        ],
        "content": [*XSS, *BLOCKS],
        "links": [
            {"url": "javascript:alert(1)", "text": XSS[3]},
            {"url": "JaVaScRiPt:alert(1)", "text": "mixed case"},
            {"url": "data:text/html;base64,PHNjcmlwdD4=", "text": "data"},
            {"url": "vbscript:msgbox(1)", "text": "vb"},
            {"url": "//evil.example/protocol-relative", "text": "relative"},
            {"url": "https://ok.example/a?b=1&c=(2)<3>", "text": "[nested](javascript:alert(1))"},
            {"url": "https://ok.example/x) [y](javascript:alert(1)", "text": "space breaks out"},
            {"url": "https://ok.example/plain", "text": text},
        ],
        "body": "\n\n".join([*XSS, *BLOCKS]),
        "read_also": [
            {"url": "javascript:alert(1)", "title": "Read <script>"},
            {"url": "https://news.example/older/", "title": "[t](javascript:x)"},
        ],
        "content_hash": "sha256:" + "0" * 64,
        "version": 1,
    }


def unescaped(text: str, char: str) -> list[int]:
    """Positions of `char` not preceded by an odd number of backslashes."""
    found = []
    for match in re.finditer(re.escape(char), text):
        backslashes = len(text[: match.start()]) - len(text[: match.start()].rstrip("\\"))
        if backslashes % 2 == 0:
            found.append(match.start())
    return found


def check_safe(markdown: str, links: int) -> None:
    """No HTML, only http(s) links (exactly `links` of them), no block structure but the layout's own."""
    assert "<" not in markdown  # every < is &lt;: no tag, comment or autolink can exist
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", markdown)  # no terminal escapes
    destinations = re.findall(r"(?<!\\)\]\(([^)\s]*)\)", markdown)
    assert len(destinations) == links, destinations
    for url in destinations:
        assert re.match(r"https?://[^\s()<>]+$", url), url
    assert len(unescaped(markdown, "[")) == links  # each one opens a rendered link, nothing else
    assert unescaped(markdown, "`") == []
    for line in markdown.splitlines():
        stripped = line.lstrip()
        if stripped.startswith("#"):
            assert line in {"# &lt;b&gt;news.example&lt;/b&gt;", *SECTIONS}, line
        if stripped.startswith(("- ", "* ", "+ ")):  # a list item: only the layout's, at its indents
            assert line.startswith(("- ", "  - ")), line
        assert not re.match(r"\d+[.)]\s", stripped), line
        assert not stripped.startswith(("&gt;", "=", "|")) or not line.startswith((">", "=", "|")), line


def test_hostile_text_renders_as_text_and_only_http_links_as_links() -> None:
    record = hostile_record()
    notes: list[str] = []
    markdown = render_markdown(record, notes)
    # rendered: https://ok.example/a..., https://ok.example/plain, https://news.example/older/
    check_safe(markdown, links=3)
    assert notes == []
    # the text is still there, readable
    assert "&lt;img src=x onerror=alert(1)&gt;" in markdown
    assert "- **Title**: &lt;img src=x onerror=alert(1)&gt;" in markdown
    injected = "click \\[here\\](https://evil.example/x)\\](javascript:alert(1))"
    assert f"- {injected} (not a web link: javascript:alert(1))" in markdown
    assert "\\## Links" in markdown and "\\- fake item" in markdown and "1\\. fake numbered" in markdown
    # a subtitle with line breaks stays on its line: no heading injected
    assert "- **Subtitle**: line one ## Injected section &lt;script&gt;x&lt;/script&gt;" in markdown
    # the one link destination with characters Markdown would end it at is percent-encoded
    assert "[\\[nested\\](javascript:alert(1))](https://ok.example/a?b=1&c=%282%29%3C3%3E)" in markdown
    assert "&amp;lt;script&amp;gt;" in markdown  # an entity in the page's text stays that text


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,x",
        "file:///etc/passwd",
        "ftp://x.example/",
        "//evil.example/x",
        "/relative/path",
        "https://",
        "http://[::1",
        "https://a.example/x y",
        "https://a.example/\x00",
        None,
        5,
        ["https://a.example/"],
    ],
)
def test_only_http_urls_are_links(url: Any) -> None:
    assert safe_url(url) is None
    line = render_markdown({"links": [{"url": url, "text": "t"}]}).split("## Links\n\n")[1].splitlines()[0]
    assert "](" not in line and line.startswith("- t"), line


def test_escape_keeps_ordinary_text_readable() -> None:
    assert escape("Ferry service resumes, 2026-03-01: 5 km") == "Ferry service resumes, 2026-03-01: 5 km"
    assert escape("AT&T <3 [x] &amp;") == "AT&T &lt;3 \\[x\\] &amp;amp;"  # a bare & is text
    assert escape("# not a heading") == "\\# not a heading"
    assert escape("2026. A year") == "2026\\. A year"
    for text in ("127.0.0.1", "#tag", "-5 degrees", "2026-03-01", "3.5 km"):
        assert escape(text) == text  # no needless backslashes in ordinary text
    assert (
        safe_url("https://news.example/2026/01/02/a-b_c/?q=1#x")
        == "https://news.example/2026/01/02/a-b_c/?q=1#x"
    )


WRONG_TYPES: list[tuple[str, Any, str | None]] = [
    ("title", 12345, None),
    ("title", {"nested": ["<script>"]}, None),
    ("authors", [1, None, {"name": "<b>A</b>"}], None),
    ("tags", "not-a-list", None),
    ("domain", None, None),
    ("http_status", "200 OK", None),
    ("version", 1e308, None),
    ("structure", None, None),
    ("structure", "## heading", "structure"),
    ("structure", [1, "x", None], "structure"),
    ("structure", [{"level": 10**12, "text": "deep"}], None),
    ("structure", [{"level": "x", "text": None, "children": "nope"}], "structure"),
    (
        "structure",
        [{"level": [1], "text": ["a", 1], "children": [5, {"level": -3, "text": "neg"}]}],
        "structure",
    ),
    ("content", None, None),
    ("content", "one string\nsecond line", "content"),
    ("content", [1, None, ["a", "b"], {"k": "v"}, True], None),
    ("content", 42, "content"),
    ("links", None, None),
    ("links", "https://a.example/", "links"),
    (
        "links",
        [None, 3, "x", {"url": None}, {"text": 5}, {"url": ["https://a.example/"], "text": []}],
        "links",
    ),
    ("body", None, None),
    ("body", 3.5, "body"),
    ("body", ["para one", "para two"], "body"),
    ("read_also", {"url": "https://a.example/"}, "read_also"),
    ("read_also", [{"url": None, "title": None}, "x", {"title": 7}], "read_also"),
]


@pytest.mark.parametrize(("field", "value", "noted"), WRONG_TYPES)
def test_wrong_typed_fields_render_what_is_there(field: str, value: Any, noted: str | None) -> None:
    record = hostile_record()
    record[field] = value
    notes: list[str] = []
    markdown = render_markdown(record, notes)
    headings = [line for line in markdown.splitlines() if line.startswith("## ")]
    assert headings[:5] == SECTIONS[:5]
    assert "<" not in markdown
    if noted is None:
        assert notes == []
    else:
        assert notes and all(note.startswith(f"'{noted}'") for note in notes), notes
    # a clamped heading level, never a gigabyte of '#'
    assert len(markdown) < 20_000


def test_cli_render_names_bad_fields_and_never_raises(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    records = [hostile_record()]
    for field, value, _ in WRONG_TYPES:
        record = hostile_record()
        record[field] = value
        records.append(record)
    lines = [json.dumps(r) for r in records] + ["[1, 2, 3]", '"just a string"', "null", "{bad json"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = run_python(
        [sys.executable, "-m", "newsmon.cli", "render", str(path)], cwd=ROOT, env=ENV, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout.count("## Metadata") == len(records)
    assert "<" not in proc.stdout
    assert f"{path}: record 2: 'structure'" not in proc.stderr  # title 12345: rendered, nothing to say
    assert f"{path}: record 10: 'structure' is not a list (str): not rendered" in proc.stderr
    for number in (len(records) + 1, len(records) + 4):  # the lines that are not records, by line number
        assert f"{path}:{number}: skipped a line that is not a JSON record" in proc.stderr


# --- newsmon report on damaged stores ------------------------------------------------------------------


def garbage(path: Path) -> None:
    path.write_bytes(b"\x00\xffnot a database at all\n" * 200)


def truncated(path: Path) -> None:
    with StateStore.open(path) as store:
        for n in range(200):
            store.end_run(store.start_run(now=1_780_000_000.0 + n), "finished", {"pad": "x" * 500})
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def bad_stats(path: Path) -> None:
    with StateStore.open(path) as store:
        store.end_run(store.start_run(now=1_780_000_000.0), "finished", {})
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE runs SET stats = '{\"item_scraped_count\": ' WHERE id = 1")


def wrong_typed_stats(path: Path) -> None:
    with StateStore.open(path) as store:
        store.end_run(store.start_run(now=1_780_000_000.0), "finished", {})
    with sqlite3.connect(path) as conn:
        conn.execute("""UPDATE runs SET stats = '{"item_scraped_count": "many"}', started = 'yesterday'""")


def other_schema(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY, what TEXT)")
        conn.execute("INSERT INTO runs VALUES (1, 'x')")


@pytest.mark.parametrize("damage", [garbage, truncated, bad_stats, wrong_typed_stats, other_schema])
def test_report_on_a_damaged_store_is_one_line(
    damage: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "euromaidan.sqlite3"
    damage(store)
    status = cli_main(["report", str(tmp_path)])
    captured = capsys.readouterr()
    assert status == EXIT_UNREADABLE
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert line.startswith(f"newsmon: state store {store}") and "cannot be read" in line, line


def test_report_on_a_damaged_store_from_the_command_line(tmp_path: Path) -> None:
    garbage(tmp_path / "euromaidan.sqlite3")
    proc = run_python(
        [sys.executable, "-m", "newsmon.cli", "report", str(tmp_path), "--json"],
        cwd=ROOT,
        env=ENV,
        timeout=60,
    )
    assert proc.returncode == EXIT_UNREADABLE
    assert proc.stdout == "" and "Traceback" not in proc.stderr
    assert len(proc.stderr.splitlines()) == 1, proc.stderr
