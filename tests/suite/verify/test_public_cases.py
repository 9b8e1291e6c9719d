"""The grader on other projects' answer-equivalence test cases, and on real model outputs with adjudicated labels.

`tests/data/public_equivalence_cases.jsonl` holds 364 cases from six public grader test suites (provenance per row;
tests/data/README.md). Four are the suites the grader is held to: math-verify's own tests, the MATH repository's
`math_equivalence_test.py`, Qwen2.5-Math's grader cases and open-r1's reward tests. Each case is graded with the
`GradingConfig` of its source's conventions (`tools/public_equivalence_report.py`). MARIO_EVAL and MindSpeed-RL
follow other conventions (numeric approximations such as 1.414 for sqrt 2, units, clock times); they are measured
against math-verify, not held to the labels.

These cases were used while building the pipeline, so they measure conformance, not generalisation. The held-out
measure is `benchmarks/data` (real outputs, labels adjudicated blind to the graders) below and in the benchmark.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
from collections import defaultdict
from pathlib import Path

import pytest

from suite.verify import grade_responses

ROOT = Path(__file__).resolve().parents[3]
_spec = importlib.util.spec_from_file_location("public_equivalence_report",
                                               ROOT / "tools" / "public_equivalence_report.py")
report = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(report)

CASES = report.load_cases()
HELD_TO_LABELS = {"math-verify", "hendrycks-math", "qwen2.5-math", "open-r1"}


def _antlr4_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("antlr4-python3-runtime")
    except PackageNotFoundError:
        return ""


#: Beside verl, hydra-core pins antlr4 4.9.3, under which math-verify's LaTeX parser reads this one case otherwise
#: (`28 \%` against `\boxed{28\%}` is graded wrong; docs/rewards.md). Strict: it must fail there, and only there.
ANTLR4_9_FLIPS = {"math-verify:test_latex_notation_math[2]"}


def _held_cases() -> list:
    out = []
    for c in CASES:
        if c["source"] not in HELD_TO_LABELS:
            continue
        case_id = f"{c['source']}:{c['test']}"
        marks = [pytest.mark.xfail(strict=True, reason="antlr4 4.9 (beside verl) parses this case otherwise")
                 ] if case_id in ANTLR4_9_FLIPS and _antlr4_version().startswith("4.9") else []
        out.append(pytest.param(c, id=case_id, marks=marks))
    return out


@pytest.mark.parametrize("case", _held_cases())
def test_each_case_of_the_four_suites_is_graded_as_its_source_says(case):
    assert report.grade_ours(case) is case["equivalent"]


def test_the_grader_is_never_behind_plain_math_verify_on_any_source():
    agree: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for case in CASES:
        row = agree[case["source"]]
        row[0] += 1
        row[1] += report.grade_math_verify_plain(case) == case["equivalent"]
        row[2] += report.grade_ours(case) == case["equivalent"]
    behind = {s: r for s, r in agree.items() if r[2] < r[1]}
    assert not behind, f"sources where plain math-verify agrees with the labels more often: {behind}"
    held = [agree[s] for s in HELD_TO_LABELS]
    assert sum(r[2] for r in held) >= 0.97 * sum(r[0] for r in held)


DATA = ROOT / "benchmarks" / "data"


def test_false_positives_and_negatives_on_real_outputs_with_adjudicated_labels():
    """Every adjudicated pair (the hard ones: where the suite, math-verify and the source's grader disagreed) and
    every tenth other pair of the 4,956 real outputs (940 pairs). Measured on all 4,956: 6 false positives of 2,551
    wrong responses and 39 false negatives of 2,405 right ones (benchmarks/test_bench_grading.py); nearly all of them
    are adjudicated pairs, so the sample holds them. The bounds leave a little room, not a regression's worth."""
    with gzip.open(DATA / "real_outputs.jsonl.gz", "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    adjudicated = {r["id"]: r["correct"] for r in map(json.loads, (DATA / "grading_labels.jsonl").open())}
    chosen = [r for r in rows if r["id"] in adjudicated or r["id"] % 10 == 0]
    truth = [adjudicated.get(r["id"], r["source_label"]) for r in chosen]
    verdicts = grade_responses([(r["response"], r["gold"]) for r in chosen], workers=2)
    fp = sum(v and not t for v, t in zip(verdicts, truth))
    fn = sum(t and not v for v, t in zip(verdicts, truth))
    assert fp <= 8, f"false positives: {fp} of {len(truth) - sum(truth)} wrong responses graded correct"
    assert fn <= 45, f"false negatives: {fn} of {sum(truth)} right responses graded wrong"
