import json
from pathlib import Path

import pytest

from suite.verify.hendrycks import hendrycks_equiv, score_hendrycks, strip_string


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        (r"\dfrac{1}{2}", r"\frac{1}{2}"),
        (r"\frac12", r"\frac{1}{2}"),
        (r"\frac1{72}", r"\frac{1}{72}"),
        ("0.5", r"\frac{1}{2}"),
        ("3/4", r"\frac{3}{4}"),
        (r"\sqrt3", r"\sqrt{3}"),
        (r"\left( 1, 2 \right)", "(1,2)"),
        (r"45^\circ", "45"),
        (r"10\%", "10"),
        (r"5 \text{ cm}", "5"),
        ("x = 7", "7"),
        (".25", "0.25"),
        (".5", r"\frac{1}{2}"),  # the leading-zero fix runs before the 0.5 special case
        (r"\$ 18.90", "18.90"),
    ],
)
def test_strip_string_applies_the_math_normalisation_steps(raw, normalised):
    assert strip_string(raw) == normalised


def test_hendrycks_is_not_symbolic_on_purpose():
    # 2/4 -> \frac{2}{4}, which is a different string from \frac{1}{2}: the paper's RL grader says "wrong".
    assert hendrycks_equiv(r"\frac{1}{2}", "2/4") is False
    assert hendrycks_equiv(r"\frac{1}{2}", "0.5") is True


def test_score_hendrycks_takes_the_best_of_all_extractions():
    # the boxed answer is wrong but the "answer is" phrase names the gold: the max over candidates is 1
    response = r"Maybe \boxed{3}. On reflection the answer is 4."
    assert score_hendrycks(response, "4") == 1.0
    assert score_hendrycks(response, "5") == 0.0


def test_score_hendrycks_reads_the_gold_from_a_full_solution():
    assert score_hendrycks(r"so \boxed{12}", r"Adding gives $\boxed{12}$.") == 1.0


HENDRYCKS_UNIT_CASES = [
    json.loads(line) for line in open(Path(__file__).resolve().parents[2] / "data" / "hendrycks_math_unit_cases.jsonl")
]


@pytest.mark.parametrize("case", HENDRYCKS_UNIT_CASES, ids=lambda c: c["test"])
def test_the_hendrycks_grader_passes_the_math_repositorys_own_unit_tests(case):
    assert hendrycks_equiv(case["gold"], case["pred"]) is case["equivalent"]
