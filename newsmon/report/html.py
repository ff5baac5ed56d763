"""`newsmon report --html FILE`: every site's health on one self-contained page (inline CSS and SVG, no
script, no external asset, so it opens offline and from a mail attachment), failing and stale sites first.

Every string from a store is escaped: source URLs, finish reasons and monitor summaries come from hostile
sites. A Content-Security-Policy forbids scripts and remote loads as a second line of defence. The same
reports and `now` give the same bytes.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from newsmon.report.runs import RunRow
from newsmon.report.sites import (
    FAIL,
    NO_RUNS,
    STALE_RULE,
    WARN,
    SiteReport,
    SourceFreshness,
    age,
    ordered,
    records,
    run_started,
    run_status,
)

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em}h2{font-size:1.1em;display:inline;margin:0}h3{font-size:1em;margin:.8em 0 .3em}
table{border-collapse:collapse;margin:.4em 0}th,td{padding:.15em .6em;border-bottom:1px solid #ddd;
text-align:left;vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums}
thead th{position:sticky;top:0;background:#f4f4f4}
tr.fail{background:#fde8e6}tr.stale{background:#fff3d6}tr.fail.stale{background:#fbd9c9}
.badge{display:inline-block;padding:0 .4em;border-radius:3px;font-size:.85em;color:#fff;background:#666}
.badge.pass{background:#2e7d32}.badge.warn{background:#a86b00}.badge.fail{background:#b3261e}
.badge.stale{background:#6a4c00}.badge.none{background:#555}
section.site{margin:.3em 0;border-left:4px solid #ccc;padding-left:.6em}
section.warn{border-color:#a86b00}section.fail{border-color:#b3261e}section.stale{border-left-style:double}
summary{cursor:pointer;padding:.2em 0}.why,.error{color:#8a1c14}.muted{color:#666}
code{font-size:.9em;word-break:break-all;background:#f4f4f4;padding:0 .2em}
svg.chart{display:block;min-width:240px;max-width:100%;height:auto;margin:.3em 0}
svg .pass{fill:#2e7d32}svg .warn{fill:#d39e00}svg .fail{fill:#b3261e}svg .running{fill:#888}
svg rect.zero{fill:#fff;stroke-width:1.5}svg rect.zero.pass{stroke:#2e7d32}svg rect.zero.warn{stroke:#d39e00}
svg rect.zero.fail{stroke:#b3261e}svg rect.zero.running{stroke:#888}svg rect.gap{fill:#e4e4e4}
svg text{font:11px system-ui,sans-serif;fill:#444}svg line{stroke:#999}
.sw{display:inline-block;width:.9em;height:.9em;vertical-align:-.1em;background:#2e7d32}
.sw.zero{background:#fff;border:1.5px solid #2e7d32;height:.4em;vertical-align:0}.sw.gap{background:#e4e4e4}
.reason{font-weight:600;color:#8a1c14}td .reason{display:block;font-size:.9em}
"""
STALE_BADGE = '<span class="badge stale">stale</span>'
# the chart: CHART_W wide (never drawn narrower than 240 px: CSS min-width), bars between TOP and BASE, the
# date labels under BASE
CHART_W, CHART_H, TOP, BASE, BAR_MAX, ZERO_H = 560, 92, 16, 70, 16, 5


def e(value: object) -> str:
    return escape(str(value), quote=True)


def stamp(ts: float | None) -> str:
    return "" if ts is None else datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M")


def when(ts: float | None, now: float) -> str:
    return "never" if ts is None else f"{stamp(ts)} ({age(now - ts)} ago)"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def tier_mix(plain: int, stealthy: int) -> str:
    share = f" ({round(100 * stealthy / (plain + stealthy))}% stealthy)" if stealthy else ""
    return f"{plain} / {stealthy}{share}"


def interval_text(report: SiteReport) -> str:
    return age(report.interval.total_seconds())


def render_html(reports: Sequence[SiteReport], now: float, *, runs_shown: int) -> str:
    """The whole page; runs_shown is the --limit the reports were loaded with (0 = every run)."""
    sites = ordered(reports, now)
    stale = {r.site for r in sites if r.stale(now)}
    failing = sum(r.status == FAIL for r in sites)
    warned = sum(r.status == WARN for r in sites)
    window = f"the last {runs_shown} runs" if runs_shown else "every run"
    out = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width,initial-scale=1">\n'
        f"<title>newsmon report {stamp(now)} UTC</title>\n<style>{CSS}</style></head>\n<body>\n"
        f"<h1>newsmon report</h1>\n<p>Generated {stamp(now)} UTC from {len(sites)} site stores, "
        f"{window} of each: <strong>{failing} failing</strong>, <strong>{len(stale)} stale</strong>, "
        f"{warned} warned. Failing and stale sites come first.</p>\n"
        f'<p class="rule">{e(STALE_RULE)} Status is the last ended run\'s: <em>fail</em> when a monitor '
        "failed or it exited non-zero (or, without monitors, did not finish), <em>warn</em> when a monitor "
        "warned.</p>\n",
        summary_table(sites, now, stale, window),
        "<h2>Sites</h2>\n",
        LEGEND,
    ]
    out += [site_section(report, i, now, report.site in stale) for i, report in enumerate(sites, 1)]
    out.append("</body></html>\n")
    return "".join(out)


def row_class(report: SiteReport, stale: bool) -> str:
    return f"site {report.status}" + (" stale" if stale else "")


def summary_table(sites: Sequence[SiteReport], now: float, stale: set[str], window: str) -> str:
    head = (
        '<table id="summary"><caption class="muted">One row per site</caption><thead><tr>'
        '<th scope="col">site</th><th scope="col">status</th><th scope="col">stale</th>'
        '<th scope="col">last run</th><th scope="col">last success</th>'
        '<th scope="col">records, last run</th>'
        f'<th scope="col">records, {e(window)}</th><th scope="col">PLAIN / STEALTHY requests</th>'
        '<th scope="col">interval</th></tr></thead>\n<tbody>\n'
    )
    rows = []
    for i, report in enumerate(sites, 1):
        is_stale = report.site in stale
        last, success = report.last_run, report.last_success
        last_text = when(run_started(last), now) if last else "none"
        if last is not None and last.finish_reason is None:
            last_text = f"running since {last_text}"
        success_text = when(run_started(success), now) if success else "none shown"
        rows.append(
            f'<tr class="{row_class(report, is_stale)}" data-status="{report.status}" '
            f'data-stale="{"yes" if is_stale else "no"}" data-site="{e(report.site)}">'
            f'<th scope="row"><a href="#s{i}">{e(report.site)}</a></th>'
            f'<td><span class="badge {report.status}">{report.status}</span>{status_reason(report)}</td>'
            f"<td>{STALE_BADGE if is_stale else ''}</td>"
            f"<td>{e(last_text)}</td><td>{e(success_text)}</td>"
            f'<td class="n">{records_last(report, now)}</td><td class="n">{report.records_window}</td>'
            f'<td class="n">{tier_mix(*report.requests)}</td><td>{interval_text(report)}</td></tr>\n'
        )
    return head + "".join(rows) + "</tbody></table>\n"


def status_reason(report: SiteReport) -> str:
    """The last ended run's trouble in plain words ("unreachable: connection refused"), under its badge."""
    run = report.last_completed
    if report.status not in (FAIL, WARN) or run is None or not run.reason:
        return ""
    return f'<span class="reason">{e(run.reason)}</span>'


def records_last(report: SiteReport, now: float) -> str:
    """The last ended run's records; after a quiet run, also when the site last brought any."""
    count = report.records_last
    earlier = report.last_with_records
    if count or earlier is None or report.last_completed is None:
        return str(count)
    text = f"last: {records(earlier)} in run {earlier.run}, {age(now - (run_started(earlier) or now))} ago"
    return f'{count} <span class="muted">({e(text)})</span>'


def site_section(report: SiteReport, i: int, now: float, is_stale: bool) -> str:
    badges = f'<span class="badge {report.status}">{report.status}</span>'
    if is_stale:
        badges += " " + STALE_BADGE
    opened = " open" if report.status in (FAIL, NO_RUNS) or is_stale else ""
    body = []
    if report.error is not None:
        body.append(f'<p class="error">{e(report.error)}</p>')
    for reason in report.stale(now):
        body.append(f'<p class="why">Stale: {e(reason)} (limit {age(report.threshold.total_seconds())}).</p>')
    plain, stealthy = report.requests
    body.append(
        f"<p>Crawled every {interval_text(report)}; {len(report.runs)} runs shown; "
        f"{plural(report.records_window, 'record')}; "
        f"PLAIN / STEALTHY requests {tier_mix(plain, stealthy)}.</p>"
    )
    body.append(chart(report, i))
    body.append(sources_table(report, now))
    body.append(failures_list(report))
    return (
        f'<section id="s{i}" class="{row_class(report, is_stale)}" aria-labelledby="s{i}h">'
        f'<details{opened}><summary><h2 id="s{i}h">{e(report.site)}</h2> {badges}</summary>\n'
        + "\n".join(body)
        + "\n</details></section>\n"
    )


def bar_title(run: RunRow) -> str:
    parts = [
        f"run {run.run}",
        stamp(run_started(run)),
        f"{plural(records(run), 'record')} ({run.new} new, {run.updated} updated)",
        run.reason or run.summary or run.finish_reason or "no end",
    ]
    return e(" · ".join(p for p in parts if p))


def bar_x(runs: Sequence[RunRow], bar: float) -> list[float]:
    """Each run's bar at its start time (the first at the left edge, the last at the right one), so a
    stretch without runs shows as empty space; one run sits at the left edge."""
    starts = [run_started(r) or 0.0 for r in runs]
    first, span = (starts[0], starts[-1] - starts[0]) if starts else (0.0, 0.0)
    if span <= 0:
        return [round(n * (bar + 2), 1) for n in range(len(runs))]
    return [round((t - first) / span * (CHART_W - bar), 1) for t in starts]


def gaps(report: SiteReport, xs: Sequence[float], bar: float) -> list[str]:
    """A grey band where runs were due but none started: more than two intervals between two runs."""
    due = report.interval.total_seconds()
    out = []
    for n in range(1, len(report.runs)):
        before, after = run_started(report.runs[n - 1]), run_started(report.runs[n])
        if before is None or after is None or after - before <= 2 * due:
            continue
        x, width = xs[n - 1] + bar + 1, xs[n] - xs[n - 1] - bar - 2
        if width >= 1:
            title = f"no run for {age(after - before)} (due every {interval_text(report)})"
            out.append(
                f'<rect class="gap" x="{x:g}" y="{TOP}" width="{width:g}" height="{BASE - TOP}">'
                f"<title>{e(title)}</title></rect>"
            )
    return out


def chart(report: SiteReport, i: int) -> str:
    """Records per run as SVG bars coloured by the run's status, each with its own <title> tooltip, on a
    time axis: a run with 0 records is a hollow box on the baseline, a stretch with no run a grey band.
    The two date labels sit at opposite ends of a chart at least 240 px wide: they never meet."""
    runs = report.runs
    counts = [records(r) for r in runs]
    peak = max(counts, default=0)
    bar = round(min(BAR_MAX, max(3.0, CHART_W / max(len(runs), 1) - 2)), 1)
    xs = bar_x(runs, bar)
    label = f"Records per run of {report.site}: " + (
        f"{len(runs)} runs, from {min(counts)} to {peak}, latest {counts[-1]}" if runs else "no runs"
    )
    out = [
        f'<svg class="chart" role="img" aria-labelledby="s{i}c" viewBox="0 0 {CHART_W} {CHART_H}" '
        f'width="{CHART_W}" height="{CHART_H}"><title id="s{i}c">{e(label)}</title>'
        f'<text class="y" x="0" y="9">{plural(peak, "record")} (highest run)</text>'
        f'<line x1="0" y1="{BASE}.5" x2="{CHART_W}" y2="{BASE}.5"/>'
    ]
    out += gaps(report, xs, bar)
    for run, count, x in zip(runs, counts, xs, strict=True):
        if count:
            height = max(2, round((BASE - TOP) * count / peak))
            kind = "bar"
        else:
            height, kind = ZERO_H, "bar zero"
        out.append(
            f'<rect x="{x:g}" y="{BASE - height}" width="{bar:g}" height="{height}" '
            f'class="{kind} {run_status(run)}"><title>{bar_title(run)}</title></rect>'
        )
    if runs:
        first, last = run_started(runs[0]), run_started(runs[-1])
        out.append(f'<text class="x" x="0" y="{CHART_H - 3}">{e(stamp(first))}</text>')
        if last != first:
            out.append(
                f'<text class="x" x="{CHART_W}" y="{CHART_H - 3}" text-anchor="end">{e(stamp(last))}</text>'
            )
    else:
        out.append(f'<text x="0" y="{BASE - 4}">no runs</text>')
    return "".join(out) + "</svg>"


LEGEND = (
    '<p class="legend muted"><span class="sw pass"></span> a run\'s records (green pass, amber warn, red '
    'fail, grey running) <span class="sw zero"></span> a run with 0 records '
    '<span class="sw gap"></span> no run where one was due (more than two intervals)</p>\n'
)


def source_stale(source: SourceFreshness, report: SiteReport, now: float) -> bool:
    """No new article URL listed for longer than the site's stale limit (or ever)."""
    return source.last_new is None or now - source.last_new > report.threshold.total_seconds()


def sources_table(report: SiteReport, now: float) -> str:
    if not report.sources:
        return '<h3>Sources</h3><p class="muted">No feed or listing freshness recorded.</p>'
    rows = "".join(
        f'<tr class="source{" stale" if source_stale(s, report, now) else ""}">'
        f"<td><code>{e(s.url)}</code></td>"
        f'<td>{e(when(s.last_new, now))}</td><td class="n">{s.runs_without_new}</td>'
        f'<td class="n">{s.listed}</td><td>{e(when(s.last_run, now))}</td></tr>'
        for s in report.sources
    )
    return (
        "<h3>Sources</h3><table><thead><tr><th>feed or listing</th><th>last new article URL</th>"
        "<th>runs without new</th><th>listed, last run</th><th>last run</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def failures_list(report: SiteReport) -> str:
    found = report.failures()
    if not found:
        return '<h3>Failures</h3><p class="muted">No failed or warned run shown.</p>'
    items = []
    for f in found:
        what = [f"finish <code>{e(f.finish_reason)}</code>"]
        if f.exit_status is not None:
            what.append(f"exit {f.exit_status}")
        what.append(f"monitors <code>{e(f.summary)}</code>" if f.summary else "no monitor verdicts")
        latest = f.latest
        why = f'<span class="reason">{e(latest.reason)}</span> ' if latest.reason else ""
        items.append(
            f'<li><span class="badge {f.status}">{f.status}</span> {why}{f.runs} '
            f"run{'s' if f.runs > 1 else ''}, latest run {latest.run} ({e(stamp(run_started(latest)))}): "
            f'<span class="muted">{", ".join(what)}</span></li>'
        )
    return f'<h3>Failures</h3><ul class="failures">{"".join(items)}</ul>'


def write_html(path: Path, reports: Sequence[SiteReport], now: float, *, runs_shown: int) -> None:
    """Written beside the file and renamed over it: a dashboard serving it never shows half a page."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(render_html(reports, now, runs_shown=runs_shown), encoding="utf-8")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
