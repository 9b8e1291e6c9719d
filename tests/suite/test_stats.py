"""suite.stats on numbers computed by hand."""

import math

import numpy as np
import pytest

from suite import stats


def test_welch_matches_hand_computation_for_unequal_variances():
    a = [1.0, 2.0, 3.0]  # mean 2, var 1
    b = [2.0, 4.0, 6.0, 8.0]  # mean 5, var 20/3
    r = stats.welch_t(a, b)
    va, vb = 1.0 / 3, (20 / 3) / 4
    assert r.difference == pytest.approx(3.0)
    assert r.se == pytest.approx(math.sqrt(va + vb))
    assert r.df == pytest.approx((va + vb) ** 2 / (va**2 / 2 + vb**2 / 3))
    assert r.p_greater < 0.05 < r.p_two_sided  # t = 2.12 on ~3.9 df: one-sided yes, two-sided no
    assert r.p_greater + r.p_less == pytest.approx(1.0)


def test_welch_with_zero_spread_is_decided_by_the_means():
    assert stats.welch_from_stats(1.0, 0.0, 3, 2.0, 0.0, 3).p_greater == 0.0
    assert stats.welch_from_stats(1.0, 0.0, 3, 1.0, 0.0, 3).p_two_sided == 1.0


def test_welch_refuses_single_values():
    with pytest.raises(ValueError):
        stats.welch_t([1.0], [1.0, 2.0])


def test_ols_slope_of_a_noisy_line():
    slope, se = stats.ols_slope([0, 1, 2, 3, 4], [0.0, 1.0, 2.0, 3.0, 5.0])
    assert slope == pytest.approx(1.2)  # sxy = 12, sxx = 10
    # residuals: 0.4, 0.2, 0, -0.2, 0.4 around the fit -0.4 + 1.2x -> SSE = 0.4; se = sqrt(0.4/3/10)
    assert se == pytest.approx(math.sqrt(0.4 / 3 / 10))


def test_slope_interval_uses_seeds_as_replicates():
    steps = [0, 1, 2, 3]
    curves = [[0, 1, 2, 3], [0, 2, 4, 6], [0, 3, 6, 9]]  # slopes 1, 2, 3
    est = stats.slope_interval(steps, curves, confidence=0.95)
    half = 4.302652729911275 * 1.0 / math.sqrt(3)  # t(2) quantile x sd 1 / sqrt(3)
    assert est.slope == pytest.approx(2.0)
    assert (est.ci_low, est.ci_high) == pytest.approx((2 - half, 2 + half))
    assert est.n_seeds == 3


def test_reference_band_contains_every_reference_seed():
    curves = np.array([[0.0, 1.0], [2.0, 1.0], [10.0, 1.0]])
    lo, hi = stats.reference_band(curves, k_sd=0.1)
    assert lo[0] == 0.0 and hi[0] == 10.0  # min..max wins over a narrow sd band
    assert stats.fraction_inside([5.0, 2.0], lo, hi) == 0.5


def test_binomial_se_and_two_run_tolerance():
    assert stats.binomial_se(0.5, 500, 4) == pytest.approx(0.5 / math.sqrt(2000))
    assert stats.two_run_tolerance(0.01) == pytest.approx(1.959963984540054 * math.sqrt(2) * 0.01)
    with pytest.raises(ValueError):
        stats.binomial_se(55.0, 500)  # a percentage, not a fraction


def test_bootstrap_interval_is_reproducible_and_brackets_the_difference():
    a, b = [1.0, 1.1, 0.9, 1.0], [2.0, 2.1, 1.9, 2.0]
    assert stats.bootstrap_interval(a, b, seed=3) == stats.bootstrap_interval(a, b, seed=3)
    lo, hi = stats.bootstrap_interval(a, b, seed=3)
    assert lo < 1.0 < hi and lo > 0.8
