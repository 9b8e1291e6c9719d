import json
from pathlib import Path

import pytest

from suite.metrics.keywords import (
    KEYWORDS,
    coding_rate,
    keyword_counts,
    mean_keyword_count,
    question_keyword_rate,
    response_keyword_rate,
)

DATA = Path(__file__).resolve().parents[2] / "data"
ROWS = [json.loads(line) for line in open(DATA / "cot_samples.jsonl")]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r['id']}-{r['cot_type']}")
def test_counts_on_real_outputs_equal_the_independently_computed_counts(row):
    assert keyword_counts(row["text"]) == row["counts"]


def test_the_keys_are_the_five_keywords_then_the_pivot_with_its_comma():
    assert KEYWORDS == ("wait", "recheck", "alternatively", "retry", "however")
    assert list(keyword_counts("")) == [*KEYWORDS, "alternatively,"]


def test_matching_is_case_insensitive_and_whole_word():
    counts = keyword_counts("WAIT. Wait, waiting awaits re-check Recheck rechecking Retry retrying However, HOWEVER")
    assert counts == {"wait": 2, "recheck": 1, "alternatively": 0, "retry": 1, "however": 2, "alternatively,": 0}


def test_the_pivot_counts_only_alternatively_followed_by_a_comma():
    counts = keyword_counts("Alternatively, x. alternatively y. ALTERNATIVELY,z alternatively ,w")
    assert counts["alternatively"] == 4
    assert counts["alternatively,"] == 2


def test_response_rate_is_the_share_of_responses_with_at_least_one_keyword():
    texts = ["wait", "nothing here", "however and wait", "Alternatively, no"]
    assert response_keyword_rate(texts) == 3 / 4
    assert response_keyword_rate(texts, "wait") == 2 / 4
    assert response_keyword_rate(texts, "alternatively,") == 1 / 4


def test_question_rate_is_the_share_of_questions_with_at_least_one_such_response():
    per_question = [["plain", "wait"], ["plain", "plain"], ["Retry"]]
    assert question_keyword_rate(per_question) == 2 / 3
    assert question_keyword_rate(per_question, "retry") == 1 / 3


def test_mean_count_defaults_to_the_pivot_keyword():
    assert mean_keyword_count(["Alternatively, a. Alternatively, b.", "no", "Alternatively, c"]) == 1.0
    assert mean_keyword_count(["wait wait", "wait"], "wait") == 1.5


def test_long_cot_outputs_use_keywords_and_short_cot_outputs_do_not():
    long_texts = [r["text"] for r in ROWS if r["cot_type"] == "long"]
    short_texts = [r["text"] for r in ROWS if r["cot_type"] == "short"]
    # From the stored counts: every long-CoT row but id 3 has a keyword; no short-CoT row has one.
    assert response_keyword_rate(long_texts) == 14 / 15
    assert response_keyword_rate(short_texts) == 0.0


def test_coding_rate_is_case_sensitive_on_the_python_fence():
    assert coding_rate(["```python\nprint(1)\n```", "```Python\n```", "no code"]) == 1 / 3
    assert coding_rate([r["text"] for r in ROWS]) == 0.0  # the source README: no text contains it


def test_empty_input_gives_nan_not_an_error():
    assert response_keyword_rate([]) != response_keyword_rate([])  # NaN
