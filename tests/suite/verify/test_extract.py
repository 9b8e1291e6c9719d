import json
import re
from pathlib import Path

import pytest

from suite.verify.extract import answer_candidates, extract_answer, extract_gold, last_boxed_only_string

DATA = Path(__file__).resolve().parents[2] / "data"


def test_the_last_boxed_answer_wins_and_nested_braces_are_kept():
    text = r"First \boxed{1}. Then we get \boxed{\frac{\sqrt{3}}{2}} as the result."
    assert extract_answer(text) == r"\frac{\sqrt{3}}{2}"


def test_fbox_and_boxed_with_a_space_are_extracted():
    assert extract_answer(r"so \fbox{7}") == "7"
    assert extract_answer(r"hence $\boxed 12$") == "12"


def test_an_unclosed_box_is_not_an_answer():
    assert last_boxed_only_string(r"\boxed{\frac{1}{2}") is None
    assert extract_answer(r"\boxed{\frac{1}{2}") is None


def test_the_answer_is_phrase_is_used_when_there_is_no_box():
    assert extract_answer("Thus, the answer is 42.") == "42"
    assert extract_answer("The answer is: $\\frac{3}{4}$.") == "\\frac{3}{4}"
    assert extract_answer("So the final answer is 7") == "7"
    assert extract_answer("Hence the answer is $x = 5$, as claimed.") == "x = 5"


def test_a_dollar_segment_after_an_equals_sign_is_a_candidate():
    assert answer_candidates("We get $x$ = $17$") == ["17"]


def test_a_response_with_no_answer_gives_none():
    assert extract_answer("I am not sure how to solve this.") is None
    assert extract_answer(None) is None  # type: ignore[arg-type]


def test_a_gold_solution_is_reduced_to_its_boxed_answer():
    assert extract_gold(r"The sum is $2+3=\boxed{5}$.") == "5"
    assert extract_gold("  17 ") == "17"


ROWS = [json.loads(line) for line in open(DATA / "cot_samples.jsonl")]
#: rows whose source repository stored a prediction for a boxed answer (the others have nothing to compare with)
PREDICTED = [r for r in ROWS if r.get("pred") is not None and r["has_boxed"]]


def test_enough_real_outputs_carry_a_prediction_to_compare_with():
    assert len(PREDICTED) >= 20


@pytest.mark.parametrize("row", PREDICTED, ids=lambda r: str(r["id"]))
def test_extracted_answers_of_real_outputs_match_the_source_repositories_predictions(row):
    # `pred` is the prediction the source repository's own evaluator extracted (SkyThought / Qwen2.5-Math).
    ours = extract_answer(row["text"])
    # Qwen2.5-Math's extractor also drops trailing `\text{...}` units ("4:30\text{p.m.}" -> "4:30"); ours keeps
    # them for the equivalence step, so compare with units removed.
    ours = re.sub(r"\\text\{[^{}]*\}$", "", ours)
    assert ours.replace(" ", "") == row["pred"].replace(" ", "")


def test_final_answer_skips_a_closing_paragraph_without_a_value_and_markers():
    from suite.verify.extract import final_answer

    text = "So the total is 42 apples.\n\nI think that's the answer.\n\n<|end_of_solution|>"
    assert final_answer(text) == "So the total is 42 apples."


def test_a_response_cut_off_inside_its_thinking_states_no_answer_unless_it_boxed_one():
    from suite.verify import grade_response
    from suite.verify.extract import locate_final_answer

    cut = "<|begin_of_thought|>\n\nLet me compute. 40 + 2 = 42.\n\nWait, maybe I should check 42 again"
    assert locate_final_answer(cut) is None and grade_response(cut, "42") is False
    assert grade_response("<think>\n\nSo 40 + 2 = 42.", "42") is False
    boxed = "<|begin_of_thought|>\n\nSo the answer is \\boxed{42}.\n\nNow let me write the solution"
    assert grade_response(boxed, "42") is True
    finished = "<think>\n\nhmm 41\n\n</think>\n\nThe sum is 42."
    assert grade_response(finished, "42") is True


def test_a_phrase_without_a_value_does_not_replace_an_earlier_box():
    from suite.verify import grade_response

    assert grade_response("\\boxed{50}\n\nI am confident the answer is correct.", "50") is True
    assert grade_response("\\boxed{50}\n\nTherefore, the final answer is 51.", "50") is False
