"""`python -m bench [name ...] [-- args]`: run the named benchmarks (default: every registered one)."""

from __future__ import annotations

import importlib
import sys

from bench import summary

# name -> module with main(argv) -> int
BENCHMARKS = {
    "state_store": "bench.state_store",
    "stealthy_crawl": "bench.stealthy_crawl",
    "record_build": "bench.record_build",
    "plain_crawl": "bench.plain_crawl",
    "browser_bounds": "bench.browser_bounds",
    "page_budget": "bench.page_budget",
    "extraction_split": "bench.extraction_split",
    "sweep": "bench.sweep",
    "sites": "bench.sites",
    "sinks": "bench.sinks",
}


def main(argv: list[str]) -> int:
    names = [a for a in argv if a in BENCHMARKS]
    rest = [a for a in argv if a not in BENCHMARKS]
    status = 0
    for name in names or list(BENCHMARKS):
        print(f"== {name} ==", flush=True)
        status |= importlib.import_module(BENCHMARKS[name]).main(rest)
    print(summary.render())
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
