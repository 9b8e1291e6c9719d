"""Cosine length-scaled reward (paper §4.2, App. C.1; official `cosine.py`, docs/rewards.md)."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from suite.rewards import cosine_reward, cosine_reward_batch

MAX_LEN = 14336  # the paper's "16K" generation budget


def cos_fn(t, T, eta_min, eta_max):
    """Paper eq. 1 (the learning-rate schedule form), written independently of the code under test."""
    return eta_min + 0.5 * (eta_max - eta_min) * (1 + math.cos(t * math.pi / T))


# The value table of docs/rewards.md ("The official code"), as printed there (the table's own rounding).
VALUE_TABLE = [
    # gen_len, correct, wrong, decimals printed for (correct, wrong)
    (0, "2.000", "-10.0"),
    (1000, "1.988", "-9.88"),
    (3584, "1.854", "-8.54"),
    (7168, "1.500", "-5.0"),
    (10752, "1.146", "-1.46"),
    (14000, "1.001", "-0.014"),
    (14319, "1.000", "-0.0"),
    (14320, "-10", "-10"),
    (14336, "-10", "-10"),
    (20000, "-10", "-10"),
]


@pytest.mark.parametrize("gen_len, correct_str, wrong_str", VALUE_TABLE)
def test_default_cosine_reproduces_the_documented_value_table(gen_len, correct_str, wrong_str):
    for correct, printed in ((True, correct_str), (False, wrong_str)):
        decimals = len(printed.split(".")[1]) if "." in printed else 0
        got = round(cosine_reward(gen_len, MAX_LEN, correct), decimals)
        assert got == float(printed), (gen_len, correct, got, printed)


def test_midpoint_is_the_average_of_the_two_endpoints():
    assert cosine_reward(7168, MAX_LEN, True) == pytest.approx(1.5, abs=1e-15)
    assert cosine_reward(7168, MAX_LEN, False) == pytest.approx(-5.0, abs=1e-15)


def test_quarter_point_matches_the_hand_computed_value():
    # cos(pi/4) = sqrt(2)/2, so the reward is rL + (r0 - rL) * (1 + sqrt(2)/2) / 2.
    expected = 1.0 + 1.0 * (1 + math.sqrt(2) / 2) / 2
    assert cosine_reward(3584, MAX_LEN, True) == pytest.approx(expected, rel=1e-14)


def test_wrong_longer_is_penalised_less():
    short, mid, long = (cosine_reward(n, MAX_LEN, False) for n in (1000, 8000, 14000))
    assert short < mid < long


def test_correct_shorter_is_rewarded_more():
    assert cosine_reward(1000, MAX_LEN, True) > cosine_reward(8000, MAX_LEN, True) > cosine_reward(14000, MAX_LEN, True)


def test_exceed_branch_fires_at_gen_len_plus_margin_equal_to_max_len():
    assert cosine_reward(MAX_LEN - 17, MAX_LEN, True) == pytest.approx(cos_fn(MAX_LEN - 17, MAX_LEN, 1.0, 2.0))
    assert cosine_reward(MAX_LEN - 16, MAX_LEN, True) == -10.0
    assert cosine_reward(MAX_LEN - 16, MAX_LEN, False) == -10.0


def test_exceed_penalty_none_pays_zero_but_still_checks_length():
    assert cosine_reward(MAX_LEN, MAX_LEN, True, exceed_penalty=None) == 0.0
    assert cosine_reward(0, MAX_LEN, True, exceed_penalty=None) == 2.0


def test_margin_zero_moves_the_exceed_boundary_to_max_len():
    assert cosine_reward(99, 100, False, margin=0) == pytest.approx(cos_fn(99, 100, 0.0, -10.0))
    assert cosine_reward(100, 100, False, margin=0) == -10.0


def test_reward_a_pays_longer_correct_answers_more():
    # Table 10, reward A: r0c = 0, rLc = 10, r0w = rLw = 0.
    a = dict(r0_correct=0.0, rL_correct=10.0, r0_wrong=0.0, rL_wrong=0.0)
    assert cosine_reward(7168, MAX_LEN, True, **a) == pytest.approx(5.0)
    assert cosine_reward(0, MAX_LEN, True, **a) == 0.0
    assert cosine_reward(5000, MAX_LEN, False, **a) == 0.0


def test_a_positive_wrong_reward_is_rejected_like_the_official_constructor():
    with pytest.raises(ValueError, match="wrong-answer"):
        cosine_reward(10, 100, False, rL_wrong=0.5)
    with pytest.raises(ValueError, match="wrong-answer"):
        cosine_reward_batch(np.array([10]), 100, np.array([False]), r0_wrong=1.0)


def test_negative_length_or_margin_is_rejected():
    with pytest.raises(ValueError):
        cosine_reward(-1, 100, True)
    with pytest.raises(ValueError):
        cosine_reward(1, 100, True, margin=-1)


reward_values = st.floats(-20, 20, allow_nan=False)
wrong_values = st.floats(-20, 0, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(max_len=st.integers(32, 100_000), r0=reward_values, rL=reward_values, w0=wrong_values, wL=wrong_values)
def test_reward_at_length_zero_is_r0_for_both_verdicts(max_len, r0, rL, w0, wL):
    kw = dict(r0_correct=r0, rL_correct=rL, r0_wrong=w0, rL_wrong=wL)
    assert cosine_reward(0, max_len, True, **kw) == pytest.approx(r0, abs=1e-12)
    assert cosine_reward(0, max_len, False, **kw) == pytest.approx(w0, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(max_len=st.integers(32, 100_000), r0=reward_values, rL=reward_values)
def test_reward_tends_to_rL_at_max_len(max_len, r0, rL):
    # Last length before the exceed branch (margin 0): rL + (r0 - rL) * (1 - cos(pi / L)) / 2, and
    # 1 - cos(x) <= x**2 / 2, so it is within |r0 - rL| * (pi / L)**2 / 4 of rL.
    got = cosine_reward(max_len - 1, max_len, True, r0_correct=r0, rL_correct=rL, margin=0)
    assert abs(got - rL) <= abs(r0 - rL) * (math.pi / max_len) ** 2 / 4 + 1e-12


@settings(max_examples=300, deadline=None)
@given(
    max_len=st.integers(64, 50_000),
    data=st.data(),
    r0=reward_values,
    rL=reward_values,
    correct=st.booleans(),
)
def test_reward_moves_monotonically_from_r0_towards_rL(max_len, data, r0, rL, correct):
    a = data.draw(st.integers(0, max_len - 17))
    b = data.draw(st.integers(a, max_len - 17))
    kw = dict(r0_correct=r0, rL_correct=rL, r0_wrong=min(r0, 0.0), rL_wrong=min(rL, 0.0))
    ra, rb = cosine_reward(a, max_len, correct, **kw), cosine_reward(b, max_len, correct, **kw)
    start, end = (r0, rL) if correct else (min(r0, 0.0), min(rL, 0.0))
    if start >= end:
        assert ra >= rb - 1e-12
    else:
        assert ra <= rb + 1e-12


@settings(max_examples=200, deadline=None)
@given(max_len=st.integers(20, 50_000), margin=st.integers(0, 64), extra=st.integers(0, 10_000), correct=st.booleans(),
       penalty=st.floats(-20, 20, allow_nan=False))
def test_every_length_in_the_exceed_region_gets_the_exceed_penalty(max_len, margin, extra, correct, penalty):
    gen_len = max(0, max_len - margin) + extra
    assert cosine_reward(gen_len, max_len, correct, exceed_penalty=penalty, margin=margin) == penalty


@settings(max_examples=200, deadline=None)
@given(gen_len=st.integers(0, MAX_LEN - 17))
def test_default_correct_always_beats_default_wrong_below_the_exceed_region(gen_len):
    assert cosine_reward(gen_len, MAX_LEN, True) > cosine_reward(gen_len, MAX_LEN, False)


@settings(max_examples=100, deadline=None)
@given(
    lens=st.lists(st.integers(0, 20_000), min_size=1, max_size=40),
    data=st.data(),
    exceed=st.one_of(st.none(), st.floats(-20, 0)),
)
def test_batched_form_equals_the_scalar_form(lens, data, exceed):
    correct = data.draw(st.lists(st.booleans(), min_size=len(lens), max_size=len(lens)))
    expected = [cosine_reward(n, MAX_LEN, c, exceed_penalty=exceed) for n, c in zip(lens, correct)]
    as_numpy = cosine_reward_batch(np.array(lens), MAX_LEN, np.array(correct), exceed_penalty=exceed)
    as_torch = cosine_reward_batch(torch.tensor(lens), MAX_LEN, torch.tensor(correct), exceed_penalty=exceed)
    # numpy/torch may call a different cos() than math.cos: agreement to ~1 ulp, not bit for bit.
    np.testing.assert_allclose(as_numpy, expected, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(as_torch.numpy(), expected, rtol=1e-13, atol=1e-13)
    assert as_torch.dtype == torch.float64


def test_batched_torch_form_keeps_non_float32_settings_exact():
    got = cosine_reward_batch(torch.tensor([0]), 100, torch.tensor([True]), r0_correct=0.1)
    assert got.item() == pytest.approx(0.1, abs=1e-15)
