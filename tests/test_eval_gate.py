"""F1 gate (like trafilatura's eval_gate.py): body extraction scored on the shared article benchmark.

The 181 pages live outside the repository (``../shared/benchmarks/article-extraction``) and are scored with
the metric of ``../shared/tools/score_extraction.py`` (imported from there, so the two cannot drift). The
gate fails when F1 drops more than ``tolerance`` below ``tests/eval_baseline.json``; when the score improves,
re-run ``score_extraction.py -e newsmon.extract.body:score_entry --json ...`` and commit the new baseline.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import lxml.html
import pytest

from newsmon.extract.body import extract_body, score_entry
from newsmon.extract.html import parse_html

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
DATA = SHARED / "benchmarks" / "article-extraction"
TOOL = SHARED / "tools" / "score_extraction.py"
BASELINE = json.loads((Path(__file__).parent / "eval_baseline.json").read_text("utf-8"))

pytestmark = [
    pytest.mark.eval,
    pytest.mark.skipif(
        not (DATA / "ground-truth.json").is_file() or not TOOL.is_file(),
        reason=f"article-extraction benchmark not found at {DATA} (it lives outside the repo, in ../shared)",
    ),
]


def _load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_extraction", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    return _load_tool()


@pytest.fixture(scope="module")
def dataset(tool: ModuleType) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    _, truth, raw = tool.load_dataset(DATA, None)
    return truth, {item_id: tool.decode_html(body) for item_id, body in raw.items()}


@pytest.fixture(scope="module")
def predictions(dataset: tuple[dict[str, dict[str, Any]], dict[str, str]]) -> dict[str, str]:
    truth, html = dataset
    return {item_id: score_entry(html[item_id], truth[item_id].get("url")) for item_id in sorted(truth)}


def test_f1_not_below_baseline(
    tool: ModuleType, dataset: tuple[dict[str, dict[str, Any]], dict[str, str]], predictions: dict[str, str]
) -> None:
    truth, _ = dataset
    assert len(truth) == 181
    counts = [tool.page_counts(truth[i]["articleBody"], predictions[i]) for i in sorted(truth)]
    metrics = tool.aggregate(counts)
    baseline, tolerance = BASELINE["newsmon"], BASELINE["tolerance"]
    summary = (
        f"F1 {metrics['f1']:.4f} P {metrics['precision']:.4f} R {metrics['recall']:.4f} "
        f"(baseline F1 {baseline['f1']:.4f} P {baseline['precision']:.4f} R {baseline['recall']:.4f})"
    )
    assert metrics["f1"] >= baseline["f1"] - tolerance, f"body F1 regressed: {summary}"


def test_no_empty_body(
    tool: ModuleType, dataset: tuple[dict[str, dict[str, Any]], dict[str, str]], predictions: dict[str, str]
) -> None:
    truth, _ = dataset
    empty = [truth[i]["url"] for i, text in predictions.items() if not tool.tokens(text)]
    assert not empty, f"empty body on pages that have an article: {empty}"


def test_tree_left_unchanged(dataset: tuple[dict[str, dict[str, Any]], dict[str, str]]) -> None:
    truth, html = dataset
    for item_id in sorted(truth)[:20]:
        tree = parse_html(html[item_id])
        before = lxml.html.tostring(tree)
        extract_body(tree, truth[item_id].get("url"))
        assert lxml.html.tostring(tree) == before, truth[item_id]["url"]
