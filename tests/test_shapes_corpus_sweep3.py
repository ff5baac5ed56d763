"""The corpus crawl of tests/test_shapes_corpus.py, sweep 3 of 3: its own module so that `--dist loadfile`
runs it beside the other two (the fixture and the test are test_shapes_corpus's, for this module's SWEEP)."""

from tests.test_shapes_corpus import (  # noqa: F401 (the fixture, the test and the hook pytest collects here)
    SWEEPS,
    crawled,
    pytest_generate_tests,
    test_hand_toml_crawl_keeps_what_main_reached,
)

SWEEP = SWEEPS[2]
