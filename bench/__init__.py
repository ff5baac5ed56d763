"""Benchmarks (`make bench` = `python -m bench`): each prints a table; figures go to bench/RESULTS.md."""
