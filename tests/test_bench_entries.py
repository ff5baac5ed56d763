"""The benchmarks' entry points still build records through today's API (a moved function broke
`python -m bench.extraction_split` silently: every page scored 0)."""

from __future__ import annotations

from bench.extraction_split import record_body

PAGE = b"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Ferry back | Riverside</title></head>
<body><nav><a href="/">Home</a></nav><article><h1>Ferry back on the lower river</h1>
<p>The old ferry crossed the lower river again on Sunday after two winters on the bank, its captain said.</p>
<p>Twelve cars and forty passengers made the first crossing, which took eleven minutes in light wind.</p>
<p>The crossing will run every hour until the autumn floods, the harbour office said in a statement.</p>
</article><footer>Riverside News</footer></body></html>"""


def test_record_body_is_the_records_body() -> None:
    body = record_body(PAGE, "http://riverside.test/2026/05/03/ferry-back/")
    assert body.startswith("The old ferry crossed the lower river again")
    assert "Riverside News" not in body and "Home" not in body


def test_record_build_builds_the_record_and_judges_the_issues_target() -> None:
    from bench.record_build import BASELINE_RATIO, LIMIT, TARGET, decode_html, newsmon_record, verdict

    record = newsmon_record()(decode_html(PAGE), "http://riverside.test/2026/05/03/ferry-back/")
    assert "lower river again" in getattr(record, "body", "")
    assert round(BASELINE_RATIO * LIMIT, 2) == TARGET and LIMIT == 1.1
    assert verdict({"ratio": TARGET}) == "met"
    assert verdict({"ratio": TARGET + 0.01}) == "not met"
