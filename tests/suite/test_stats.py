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


# -- intervals for proportions ---------------------------------------------------------------------------------------
Z95 = 1.959963984540054


def test_wilson_interval_at_zero_and_one_of_thirty():
    # 0/30: the lower end is 0 and the upper end z²/(n + z²) = 3.841459 / 33.841459
    assert stats.wilson_interval(0.0, 30) == pytest.approx((0.0, Z95**2 / (30 + Z95**2)))
    assert stats.wilson_interval(0.0, 30)[1] == pytest.approx(0.11351, abs=1e-5)
    # 1/30 by hand: centre (1/30 + z²/60) / (1 + z²/30) = 0.086306, half-width
    # z / (1 + z²/30) * sqrt((1/30)(29/30)/30 + z²/3600) = 0.080397
    assert stats.wilson_interval(1 / 30, 30) == pytest.approx((0.005909, 0.166704), abs=1e-6)
    # the textbook examples of Newcombe 1998 (Statistics in Medicine 17:857): 0/20 -> 0 to 0.1611; 1/29 -> 0.0061
    # to 0.1718
    assert stats.wilson_interval(0.0, 20) == pytest.approx((0.0, 0.1611), abs=5e-5)
    assert stats.wilson_interval(1 / 29, 29) == pytest.approx((0.0061, 0.1718), abs=5e-5)


def test_wilson_interval_limits_and_refusals():
    assert stats.wilson_interval(0.3, math.inf) == (0.3, 0.3)  # no error at all
    lo, hi = stats.wilson_interval(0.5, 1e8)
    assert hi - 0.5 == pytest.approx(Z95 * math.sqrt(0.25 / 1e8), rel=1e-4)  # the normal limit
    with pytest.raises(ValueError):
        stats.wilson_interval(1.2, 30)
    with pytest.raises(ValueError):
        stats.wilson_interval(0.5, 0)


def test_newcombe_difference_interval_matches_the_published_example():
    # Newcombe 1998, Statistics in Medicine 17:873, worked example 56/70 - 48/80 = 0.2, method 10: 0.0524 to 0.3339.
    # By hand: Wilson 56/70 = (0.691834, 0.876953), 48/80 = (0.490455, 0.700382);
    # lower 0.2 - sqrt(0.108166² + 0.100382²) = 0.052431, upper 0.2 + sqrt(0.076953² + 0.109545²) = 0.333873.
    lo, hi = stats.newcombe_difference_interval(56 / 70, 70, 48 / 80, 80)
    assert (lo, hi) == pytest.approx((0.0524, 0.3339), abs=5e-5)
    assert (lo, hi) == pytest.approx((0.052431, 0.333873), abs=1e-6)


def test_an_extra_halfwidth_adds_under_the_square_roots():
    lo, hi = stats.newcombe_difference_interval(0.5, math.inf, 0.5, math.inf, extra_halfwidth=0.03)
    assert (lo, hi) == pytest.approx((-0.03, 0.03))


@pytest.mark.parametrize("p_ref, n_ref, n_run, extra", [
    (0.002, 480, 1920, 0.0), (0.035, 133.6, 168.9, 0.0), (0.5, 30, 30, 0.0), (0.9, 2000, 2000, 0.01),
    (0.0, 30, 30, 0.0), (1.0, 30, 64, 0.0), (0.133, 185, 185, 1 / 30),
])
def test_the_acceptance_interval_gives_the_verdict_of_the_newcombe_interval(p_ref, n_ref, n_run, extra):
    low, high = stats.difference_acceptance_interval(p_ref, n_ref, n_run, extra_halfwidth=extra)
    assert -p_ref - 1e-12 <= low <= 0 <= high <= 1 - p_ref + 1e-12
    for p_run in np.linspace(0, 1, 401):
        d = p_run - p_ref
        if min(abs(d - low), abs(d - high)) < 1e-6:
            continue
        lo, hi = stats.newcombe_difference_interval(p_run, n_run, p_ref, n_ref, extra_halfwidth=extra)
        assert (lo <= 0 <= hi) == (low <= d <= high), (p_run, lo, hi, low, high)


def test_the_acceptance_interval_is_asymmetric_near_zero_and_normal_in_the_middle():
    low, high = stats.difference_acceptance_interval(0.002, 480, 1920)
    assert low == pytest.approx(-0.002)  # a run at 0 agrees
    assert high > 4 * 0.002  # the run may be several times higher
    low, high = stats.difference_acceptance_interval(0.5, 1e7, 1e7)
    assert (low, high) == pytest.approx((-Z95 * math.sqrt(0.5e-7), Z95 * math.sqrt(0.5e-7)), rel=1e-3)


def test_interval_p_value_uses_the_side_the_difference_falls_on():
    assert stats.interval_p_value(0.02, -0.01, 0.02) == pytest.approx(0.05)
    assert stats.interval_p_value(-0.01, -0.01, 0.02) == pytest.approx(0.05)
    assert stats.interval_p_value(0.01, -0.05, 0.02) == pytest.approx(2 * (1 - 0.83646), abs=1e-4)  # z = 0.98
    assert stats.interval_p_value(0.0, -0.01, 0.02) == 1.0
    assert stats.interval_p_value(-0.001, 0.0, 0.02) == 0.0  # a side of width 0 rejects anything on it
    with pytest.raises(ValueError):
        stats.interval_p_value(0.0, 0.01, 0.02)
