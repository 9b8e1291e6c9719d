"""Classic outcome reward (official ClassicSparseReward; docs/rewards.md) and the §6 format reward."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suite.rewards import classic_reward
from suite.rewards.outcome import format_reward


def test_correct_pays_one_and_wrong_pays_zero_by_default():
    assert classic_reward(100, 1000, True) == 1.0
    assert classic_reward(100, 1000, False) == 0.0


def test_exceed_penalty_none_means_no_length_check_at_all():
    # Unlike cosine_reward, None does not mean "exceed pays 0": a truncated correct answer keeps its 1.
    assert classic_reward(5000, 1000, True) == 1.0


def test_scripts_exceed_zero_zeroes_truncated_correct_answers():
    assert classic_reward(984, 1000, True, exceed_penalty=0.0) == 0.0
    assert classic_reward(983, 1000, True, exceed_penalty=0.0) == 1.0


def test_exceed_applies_to_wrong_answers_too():
    assert classic_reward(990, 1000, False, wrong_reward=-1.0, exceed_penalty=-5.0) == -5.0


@given(max_len=st.integers(1, 10_000), margin=st.integers(0, 50), extra=st.integers(0, 100), correct=st.booleans())
def test_every_length_in_the_exceed_region_gets_the_exceed_penalty(max_len, margin, extra, correct):
    gen_len = max(0, max_len - margin) + extra
    assert classic_reward(gen_len, max_len, correct, exceed_penalty=-3.0, margin=margin) == -3.0


def test_format_reward_pays_table_15_values():
    assert format_reward(True, True) == 1.0
    assert format_reward(True, False) == -0.5
    assert format_reward(False, False) == -1.0


def test_format_reward_with_no_answer_ignores_the_verdict():
    assert format_reward(False, True) == -1.0


def test_non_positive_max_len_is_rejected():
    with pytest.raises(ValueError):
        classic_reward(1, 0, True)
