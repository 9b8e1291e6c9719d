import json
import threading
import time
from pathlib import Path

import pytest

from suite.verify.equivalence import are_equivalent, choice_letter, is_equivalent, unwrap

DATA = Path(__file__).resolve().parents[2] / "data"
CASES = [json.loads(line) for line in open(DATA / "answer_equivalence_cases.jsonl")]
# Hand-labelled cases the grader gets wrong today; kept visible rather than deleted.
KNOWN_MISSES = {(r"e^{i\pi}", "-1")}


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['category']}:{c['gold']}|{c['pred']}")
def test_each_hand_labelled_pair_is_graded_as_labelled(case):
    if (case["gold"], case["pred"]) in KNOWN_MISSES:
        pytest.xfail("known miss: math-verify does not evaluate Euler's identity")
    assert is_equivalent(case["gold"], case["pred"]) is case["equivalent"]


HENDRYCKS_UNIT_CASES = [json.loads(line) for line in open(DATA / "hendrycks_math_unit_cases.jsonl")]
# Bare comma lists are compared as unordered collections (math-verify's semantics, right for MATH's "enter all
# solutions separated by commas"); the MATH repository's string grader calls a reordering wrong.
ORDER_BY_DESIGN = {"test_order", "test_decimals"}


@pytest.mark.parametrize("case", HENDRYCKS_UNIT_CASES, ids=lambda c: c["test"])
def test_the_math_repositorys_unit_tests_hold_except_for_unordered_comma_lists(case):
    expected = not case["equivalent"] if case["test"] in ORDER_BY_DESIGN else case["equivalent"]
    assert is_equivalent(case["gold"], case["pred"]) is expected


def test_batch_grading_agrees_with_single_calls_and_keeps_input_order():
    pairs = [("1", "1"), ("1", "2"), (r"\frac{1}{2}", "0.5"), ("(1,2)", "(2,1)"), ("x^2+2x+1", "(x+1)^2")]
    assert are_equivalent(pairs, workers=2) == [True, False, True, False, True]


def test_delimiters_and_whole_string_boxes_are_unwrapped():
    assert unwrap(r"$\boxed{\frac{1}{2}}$") == r"\frac{1}{2}"
    assert unwrap(r"\[ 5 \]") == "5"
    assert unwrap(r"\boxed{1}+\boxed{2}") == r"\boxed{1}+\boxed{2}"  # not one box: left alone


def test_choice_letters_are_read_only_from_the_start_of_the_prediction():
    assert choice_letter("(B) because") == "B"
    assert choice_letter(r"\text{(C)}") == "C"
    assert choice_letter("Because B") is None


def test_non_string_input_is_not_equivalent_and_does_not_raise():
    assert is_equivalent(None, "1") is False  # type: ignore[arg-type]
    assert is_equivalent("1", 1) is False  # type: ignore[arg-type]


def test_overlong_answers_are_refused_without_parsing():
    assert is_equivalent("1", "1+" * 5000 + "0") is False


def test_a_pathological_power_tower_returns_false_within_the_timeout():
    assert is_equivalent("1", "2", timeout_s=1.0) is False  # start this timeout's worker outside the timing
    start = time.monotonic()
    assert is_equivalent("9^{9^{9^{9}}}", "1", timeout_s=1.0) is False
    assert time.monotonic() - start < 1.0 + 1.0 + 1.0  # timeout + slack + the kill


def test_grading_works_off_the_main_thread():
    results = []
    thread = threading.Thread(target=lambda: results.append(is_equivalent("2\\sqrt{2}", "\\sqrt{8}")))
    thread.start()
    thread.join(timeout=60)
    assert results == [True]


def test_plain_numbers_are_compared_exactly_without_sympy():
    assert is_equivalent("5590080", "5,590,081") is False  # a relative tolerance would wrongly accept this
    assert is_equivalent("2.5", "2.50") is True
    assert is_equivalent("-17", "-17.0000") is True
    assert is_equivalent("0.1", "0.11") is False


def test_grading_config_choices_change_the_verdict_each_way():
    from suite.verify import GradingConfig

    assert is_equivalent(r"\frac{1}{3}", "0.33") is False
    assert is_equivalent(r"\frac{1}{3}", "0.33", config=GradingConfig(float_rounding=2)) is True
    assert is_equivalent("10, 4, -2", "4, 10, -2") is True  # math-verify's sets (the default)
    assert is_equivalent("10, 4, -2", "4, 10, -2", config=GradingConfig(ordered_lists=True)) is False  # MATH's order
    assert is_equivalent("10, 4, -2", "10, 4, -2", config=GradingConfig(ordered_lists=True)) is True
    assert is_equivalent("1.0001", "1") is False
    assert is_equivalent("1.0001", "1", config=GradingConfig(rel_tol=1e-4)) is True  # Qwen2.5-Math's math_equal
    assert is_equivalent("1.001", "1", config=GradingConfig(rel_tol=1e-4)) is False


def test_grading_config_rejects_what_it_cannot_mean():
    from suite.verify.equivalence import GradingConfig, config_from_dict

    with pytest.raises(ValueError, match="float_rounding"):
        GradingConfig(float_rounding=-1)
    with pytest.raises(ValueError, match="unknown grading option"):
        config_from_dict({"float_round": 2})
    assert config_from_dict({"ordered_lists": True}) == GradingConfig(ordered_lists=True)


def test_decimal_commas_and_grouped_numbers_are_read_as_written():
    """The failure classes an outside user found: `0,111` read as 111, `11,\\! 111` read as a set, `$1$ and $2$`
    glued by stripping its outer dollars, a list gold `-2,1` read as the decimal -2.1."""
    assert is_equivalent("111", "0,111") is False
    assert is_equivalent("0.111", "0,111") is True
    assert is_equivalent("1000.99", "1000,99") is True
    assert is_equivalent("11111", r"11,\! 111") is True
    assert is_equivalent("1000", "1,000") is True
    assert is_equivalent("1, 2, 3", "$1$ and $2$ and $3$") is True
    assert is_equivalent("-2,1", "1, -2") is True
    assert is_equivalent("12", "7 = 12") is False
