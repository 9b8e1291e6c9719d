"""Statistics used by the checks: a handful of functions named for exactly what they compute.

Arrays are per seed (shape `(seeds,)`) or per seed and step (`(seeds, steps)`); randomness enters only through an
explicit `seed`. Tests compare against hand-computed numbers (tests/suite/test_stats.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


def _scipy_stats():
    from scipy import stats  # imported on first use: scipy.stats costs ~1 s at start-up

    return stats

# =====================================================================================================================
# Two-sample tests on per-seed values
# =====================================================================================================================


@dataclass(frozen=True)
class TwoSampleResult:
    difference: float  # mean(b) - mean(a)
    se: float  # standard error of the difference (Welch)
    df: float  # Welch-Satterthwaite degrees of freedom
    p_two_sided: float
    p_greater: float  # one-sided p for H1: mean(b) > mean(a)
    p_less: float  # one-sided p for H1: mean(b) < mean(a)


def welch_from_stats(mean_a: float, sd_a: float, n_a: int, mean_b: float, sd_b: float, n_b: int) -> TwoSampleResult:
    """Welch's unequal-variance t-test from summary statistics (b minus a).

    With both standard deviations 0 the test is degenerate: an exact tie gives p = 1, any difference p = 0.

    >>> r = welch_from_stats(0.0, 1.0, 4, 1.0, 1.0, 4)
    >>> round(r.se, 4), round(r.df, 1)
    (0.7071, 6.0)
    """
    if n_a < 1 or n_b < 1:
        raise ValueError("each sample needs at least one value")
    va = sd_a**2 / n_a
    vb = sd_b**2 / n_b
    diff = mean_b - mean_a
    se = math.sqrt(va + vb)
    if se == 0.0:
        p_greater = 0.0 if diff > 0 else 1.0
        p_less = 0.0 if diff < 0 else 1.0
        return TwoSampleResult(diff, 0.0, math.inf, 1.0 if diff == 0 else 0.0, p_greater, p_less)
    num = (va + vb) ** 2
    den = (va**2 / (n_a - 1) if n_a > 1 and va > 0 else 0.0) + (vb**2 / (n_b - 1) if n_b > 1 and vb > 0 else 0.0)
    df = num / den if den > 0 else math.inf
    t = diff / se
    _st = _scipy_stats()
    dist = _st.norm if math.isinf(df) else _st.t(df)
    return TwoSampleResult(
        diff, se, df, float(2 * dist.sf(abs(t))), float(dist.sf(t)), float(dist.cdf(t))
    )


def welch_t(a, b) -> TwoSampleResult:
    """Welch's t-test on two arrays of per-seed values (b minus a). Needs >= 2 values on each side."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.size < 2 or b.size < 2:
        raise ValueError(f"Welch's t-test needs >= 2 values per side, got {a.size} and {b.size}")
    return welch_from_stats(a.mean(), a.std(ddof=1), a.size, b.mean(), b.std(ddof=1), b.size)


def bootstrap_interval(a, b, *, confidence: float = 0.95, n_resamples: int = 10_000, seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap interval of mean(b) - mean(a), resampling seeds within each arm.

    With 3-5 seeds the bootstrap is coarse (few distinct resamples); prefer `welch_t` there and read this as a check.
    """
    rng = np.random.default_rng(seed)
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    ia = rng.integers(0, a.size, size=(n_resamples, a.size))
    ib = rng.integers(0, b.size, size=(n_resamples, b.size))
    diffs = b[ib].mean(axis=1) - a[ia].mean(axis=1)
    lo, hi = np.quantile(diffs, [(1 - confidence) / 2, 1 - (1 - confidence) / 2])
    return float(lo), float(hi)


# =====================================================================================================================
# Trends over training steps
# =====================================================================================================================


@dataclass(frozen=True)
class SlopeEstimate:
    slope: float  # mean over seeds of the per-seed OLS slope, in metric units per step
    ci_low: float
    ci_high: float
    n_seeds: int
    method: str
    se: float = math.nan
    df: float = math.inf

    def p_opposite(self, increasing: bool) -> float:
        """One-sided p-value for the slope having the sign opposite to the claimed direction."""
        if not math.isfinite(self.se):
            return math.nan
        _, p_up, p_down = t_test(self.slope, self.se, self.df)
        return p_down if increasing else p_up


def _ols_fit(x, y) -> tuple[float, np.ndarray, np.ndarray, float]:
    """(slope, centred x, residuals, sum of squares of centred x) of the least-squares line of y on x."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.size < 3:
        raise ValueError("a slope needs at least 3 points")
    xc = x - x.mean()
    sxx = float(xc @ xc)
    if sxx == 0:
        raise ValueError("all x values are equal")
    slope = float(xc @ (y - y.mean())) / sxx
    return slope, xc, y - y.mean() - slope * xc, sxx


def ols_slope(x, y) -> tuple[float, float]:
    """Ordinary least squares slope of y on x and its standard error.

    >>> ols_slope([0, 1, 2, 3], [1, 3, 5, 7])
    (2.0, 0.0)
    """
    slope, xc, resid, sxx = _ols_fit(x, y)
    return slope, math.sqrt(float(resid @ resid) / (xc.size - 2) / sxx)


def slope_interval(steps, curves, *, confidence: float = 0.95) -> SlopeEstimate:
    """Confidence interval of the trend of a metric over steps.

    `curves` has shape (seeds, steps). With >= 2 seeds the per-seed slopes are treated as independent replicates and
    the interval is a t-interval of their mean (seeds are the unit of replication, which sidesteps the
    autocorrelation of points within one training curve). With one seed the standard error is Newey-West's
    (`hac_slope`), which accounts for the autocorrelation along one curve; the method name says which was used.
    """
    curves = np.atleast_2d(np.asarray(curves, dtype=float))
    slopes_se = [ols_slope(steps, c) for c in curves] if curves.shape[0] >= 2 else [hac_slope(steps, curves[0])]
    slopes = np.array([s for s, _ in slopes_se])
    n = slopes.size
    if n >= 2:
        sd = slopes.std(ddof=1)
        se, df = float(sd / math.sqrt(n)), float(n - 1)
        half = _scipy_stats().t(n - 1).ppf(0.5 + confidence / 2) * sd / math.sqrt(n)
        method = f"t-interval over {n} per-seed OLS slopes"
    else:
        se, df = float(slopes_se[0][1]), float(len(steps) - 2)
        half = _scipy_stats().t(len(steps) - 2).ppf(0.5 + confidence / 2) * slopes_se[0][1]
        method = (f"Newey-West HAC standard error of a single seed's OLS slope ({newey_west_lags(len(steps))} lags; "
                  "no training variance)")
    m = float(slopes.mean())
    return SlopeEstimate(m, m - float(half), m + float(half), n, method, se, df)


def newey_west_lags(n: int) -> int:
    """Newey & West's (1994) automatic lag for a Bartlett kernel: floor(4 (n/100)^(2/9)).

    >>> newey_west_lags(100), newey_west_lags(200)
    (4, 4)
    """
    return int(math.floor(4 * (n / 100.0) ** (2.0 / 9.0)))


def _hac_variance(scores: np.ndarray, lags: int) -> float:
    """Long-run variance of a sum of `scores` with Bartlett weights (Newey & West 1987): sum of autocovariances."""
    s = float(scores @ scores)
    for lag in range(1, lags + 1):
        w = 1.0 - lag / (lags + 1.0)
        s += 2.0 * w * float(scores[lag:] @ scores[:-lag])
    return max(s, 0.0)


def hac_slope(x, y, *, lags: int | None = None) -> tuple[float, float]:
    """OLS slope of y on x with a Newey-West (HAC, Bartlett kernel) standard error, for one training curve whose
    points are autocorrelated. `lags` defaults to `newey_west_lags(n)`.

    With uncorrelated residuals and lags=0 it is White's heteroscedasticity-robust SE.
    """
    slope, xc, resid, sxx = _ols_fit(x, y)
    n = xc.size
    lags = newey_west_lags(n) if lags is None else lags
    var = _hac_variance(xc * resid, lags) / sxx**2 * n / (n - 2)  # small-sample factor n/(n-2)
    return slope, math.sqrt(var)


def hac_mean_se(values, *, lags: int | None = None) -> float:
    """Newey-West standard error of the mean of one autocorrelated series (e.g. the last quarter of a curve).

    >>> round(hac_mean_se([1.0, 2.0, 3.0, 4.0], lags=0), 4)   # sqrt(sum((v - 2.5)^2)) / 4 = sqrt(5) / 4
    0.559
    """
    v = np.asarray(values, dtype=float)
    if v.size < 2:
        raise ValueError("a standard error needs at least 2 points")
    lags = newey_west_lags(v.size) if lags is None else lags
    return math.sqrt(_hac_variance(v - v.mean(), lags)) / v.size


def t_test(diff: float, se: float, df: float) -> tuple[float, float, float]:
    """(p two-sided, p for diff > 0, p for diff < 0) of a difference with standard error `se` on `df` degrees of
    freedom (normal when df is infinite). A zero SE decides by the sign alone.

    >>> [round(p, 4) for p in t_test(2.0, 1.0, 4)]
    [0.1161, 0.0581, 0.9419]
    """
    if se <= 0 or not math.isfinite(se):
        return (1.0 if diff == 0 else 0.0, 0.0 if diff > 0 else 1.0, 0.0 if diff < 0 else 1.0)
    dist = _scipy_stats().norm if math.isinf(df) else _scipy_stats().t(df)
    t = diff / se
    return float(2 * dist.sf(abs(t))), float(dist.sf(t)), float(dist.cdf(t))


def paired_error(differences) -> tuple[float, float]:
    """(variance of the mean, degrees of freedom) of paired per-unit differences: var(d) / n on n - 1 df.

    >>> paired_error([1.0, 2.0, 3.0])
    (0.333..., 2)
    """
    d = [float(x) for x in differences]
    n = len(d)
    if n < 2:
        raise ValueError("a paired error needs at least two differences")
    m = sum(d) / n
    return sum((x - m) ** 2 for x in d) / (n - 1) / n, n - 1


def satterthwaite(variances, dofs) -> tuple[float, float]:
    """(standard error, degrees of freedom) of a sum of independent variance components, component i estimated on
    dofs[i] degrees of freedom (Welch-Satterthwaite); a component with dof None is taken as known (infinite df).

    >>> satterthwaite([1.0, 1.0], [4, 4])   # two equal components on 4 df each: df 8
    (1.414..., 8.0)
    """
    v = [float(x) for x in variances]
    den = sum(x * x / d for x, d in zip(v, dofs) if d and x > 0)
    return math.sqrt(sum(v)), (sum(v) ** 2 / den if den > 0 else math.inf)


def satterthwaite_test(diff: float, variances, dofs) -> tuple[float, float, float, float]:
    """(se, df, p two-sided, p for diff > 0) of a difference whose variance is a sum of independent components
    (`satterthwaite`)."""
    se, df = satterthwaite(variances, dofs)
    p_two, p_greater, _ = t_test(diff, se, df)
    return se, df, p_two, p_greater


def moving_average(y, window: int) -> np.ndarray:
    """Centred moving average with a shrinking window at the ends (same length as y); window 1 is the identity.

    >>> moving_average([0, 3, 6, 9], 3).tolist()
    [1.5, 3.0, 6.0, 7.5]
    """
    y = np.asarray(y, dtype=float)
    if window <= 1 or y.size == 0:
        return y.copy()
    half = window // 2
    c = np.concatenate([[0.0], np.cumsum(y)])
    idx = np.arange(y.size)
    lo = np.maximum(idx - half, 0)
    hi = np.minimum(idx + half + 1, y.size)
    return (c[hi] - c[lo]) / (hi - lo)


def noise_sd(y) -> float:
    """Point-to-point noise of a curve, from its first differences: sd(diff) / sqrt(2) (robust to a smooth trend).

    >>> round(noise_sd([0, 1, 0, 1, 0]), 4)   # differences +-1: sd 1.1547 / sqrt(2)
    0.8165
    """
    y = np.asarray(y, dtype=float)
    if y.size < 3:
        return float("nan")
    return float(np.diff(y).std(ddof=1) / math.sqrt(2.0))


# =====================================================================================================================
# Curve bands
# =====================================================================================================================


def reference_band(curves, *, k_sd: float | None = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise band of reference curves (seeds, steps): mean ± k_sd·sd, or min..max when k_sd is None.

    The band is never narrower than the seeds' own min..max, so every reference seed lies inside it.
    """
    curves = np.atleast_2d(np.asarray(curves, dtype=float))
    lo, hi = curves.min(axis=0), curves.max(axis=0)
    if k_sd is not None and curves.shape[0] >= 2:
        m, s = curves.mean(axis=0), curves.std(axis=0, ddof=1)
        lo, hi = np.minimum(lo, m - k_sd * s), np.maximum(hi, m + k_sd * s)
    return lo, hi


def fraction_inside(curve, lo, hi) -> float:
    """Share of points with lo <= curve <= hi."""
    curve, lo, hi = (np.asarray(v, dtype=float) for v in (curve, lo, hi))
    return float(np.mean((curve >= lo) & (curve <= hi)))


# =====================================================================================================================
# Sampling error of a reported accuracy
# =====================================================================================================================


def binomial_se(p: float, n_problems: int, n_samples: int = 1) -> float:
    """Standard error of an accuracy averaged over n_problems x n_samples Bernoulli draws, sqrt(p(1-p)/(N·S)).

    For repeated sampling of the *same* problems this is an upper bound on the generation noise, since the average
    within-problem variance mean_i p_i(1-p_i) never exceeds p(1-p).

    >>> round(binomial_se(0.5, 500, 4), 5)
    0.01118
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"accuracy must be a fraction in [0, 1], got {p}")
    return math.sqrt(p * (1 - p) / (n_problems * n_samples))


def two_run_tolerance(se: float, *, confidence: float = 0.95) -> float:
    """Half-width for |run - reference| when both carry independent error `se`: z · sqrt(2) · se."""
    return float(_scipy_stats().norm.ppf(0.5 + confidence / 2) * math.sqrt(2.0) * se)


# =====================================================================================================================
# Intervals for proportions
# =====================================================================================================================


def normal_quantile(confidence: float) -> float:
    """z of a two-sided `confidence` interval of the standard normal, without scipy.

    >>> round(normal_quantile(0.95), 4)
    1.96
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    from statistics import NormalDist

    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(p: float, n: float, *, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion `p` observed on `n` Bernoulli trials.

    `n` may be an effective (non-integer) count, e.g. n / design effect when the variance is p(1-p)/n times a
    factor; n = inf (no error at all) gives (p, p). Unlike p ± z·sqrt(p(1-p)/n) it stays inside [0, 1] and is
    asymmetric near 0 and 1: at 0/30 it is [0, z²/(30 + z²)] = [0, 0.1135], not [0, 0].

    >>> [round(v, 4) for v in wilson_interval(1 / 30, 30)]
    [0.0059, 0.1667]
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"a proportion must be in [0, 1], got {p}")
    if not n > 0:
        raise ValueError(f"the number of trials must be positive, got {n}")
    if math.isinf(n):
        return p, p
    z2 = normal_quantile(confidence) ** 2
    den = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / den
    half = math.sqrt(z2) / den * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe_difference_interval(p1: float, n1: float, p2: float, n2: float, *, confidence: float = 0.95,
                                 extra_halfwidth: float = 0.0) -> tuple[float, float]:
    """Newcombe's hybrid score interval of p1 - p2 for two independent proportions (Newcombe 1998, Statistics in
    Medicine 17:873, method 10): with (l_i, u_i) the Wilson interval of p_i,

        lower = (p1 - p2) - sqrt((p1 - l1)² + (u2 - p2)²),   upper = (p1 - p2) + sqrt((u1 - p1)² + (p2 - l2)²).

    `extra_halfwidth` adds one more independent, symmetric component under both square roots (its own half-width at
    the same confidence; the square-and-add rule the method is built on).

    >>> [round(v, 4) for v in newcombe_difference_interval(56 / 70, 70, 48 / 80, 80)]   # Newcombe's worked example
    [0.0524, 0.3339]
    """
    l1, u1 = wilson_interval(p1, n1, confidence=confidence)
    l2, u2 = wilson_interval(p2, n2, confidence=confidence)
    h2 = extra_halfwidth**2
    d = p1 - p2
    return d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2 + h2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2 + h2)


def difference_acceptance_interval(p_ref: float, n_ref: float, n_run: float, *, confidence: float = 0.95,
                                   extra_halfwidth: float = 0.0) -> tuple[float, float]:
    """The differences d = run - reference that agree with a reference proportion `p_ref`: every d for which
    Newcombe's interval of (p_ref + d) - p_ref (run on `n_run` trials, reference on `n_ref`) contains 0.

    This is the acceptance region of the Newcombe test, fixed before the run is seen, so a tolerance check
    "low <= run - reference <= high" gives the same verdict as computing the interval on the run's own number. It is
    asymmetric near 0 and 1 and never asks the run to leave [0, 1] (low >= -p_ref, high <= 1 - p_ref). Found by
    bisection; with no error on either side and no extra half-width it is [0, 0].

    >>> [round(v, 4) for v in difference_acceptance_interval(0.5, 1e6, 1e6)]   # normal limit: ±1.96·sqrt(2·0.25e-6)
    [-0.0014, 0.0014]
    """
    if not 0.0 <= p_ref <= 1.0:
        raise ValueError(f"a proportion must be in [0, 1], got {p_ref}")

    def lower_of(p_run: float) -> float:  # Newcombe's lower limit of p_run - p_ref (increasing in p_run)
        return newcombe_difference_interval(p_run, n_run, p_ref, n_ref, confidence=confidence,
                                            extra_halfwidth=extra_halfwidth)[0]

    def upper_of(p_run: float) -> float:  # Newcombe's upper limit (increasing in p_run)
        return newcombe_difference_interval(p_run, n_run, p_ref, n_ref, confidence=confidence,
                                            extra_halfwidth=extra_halfwidth)[1]

    # upper end: the largest p_run whose lower limit is still <= 0; lower end: the smallest whose upper limit is >= 0
    high_p = 1.0 if lower_of(1.0) <= 0 else _crossing(lower_of, p_ref, 1.0)
    low_p = 0.0 if upper_of(0.0) >= 0 else _crossing(upper_of, 0.0, p_ref)
    return low_p - p_ref, high_p - p_ref


def _crossing(f, lo: float, hi: float) -> float:
    """Where the increasing function f crosses 0 on [lo, hi] (f(lo) <= 0 <= f(hi)), by bisection."""
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if f(mid) < 0:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-13:
            break
    return 0.5 * (lo + hi)


def interval_p_value(diff: float, low: float, high: float, *, confidence: float = 0.95) -> float:
    """Two-sided p-value of "diff != 0" read off an acceptance interval [low, high] (low <= 0 <= high) at
    `confidence`: the normal approximation with the standard error implied by the side `diff` falls on,
    se = high / z above 0 and -low / z below. p < 1 - confidence exactly when diff lies outside the interval; a side of
    width 0 rejects any difference on it (p = 0) and accepts 0 (p = 1).

    >>> round(interval_p_value(0.02, -0.01, 0.02), 4), round(interval_p_value(-0.02, -0.01, 0.02), 6)
    (0.05, 8.9e-05)
    """
    if low > 0 or high < 0:
        raise ValueError(f"an acceptance interval must contain 0, got [{low}, {high}]")
    if diff == 0:
        return 1.0
    width = high if diff > 0 else -low
    if width <= 0:
        return 0.0
    z = normal_quantile(confidence) * abs(diff) / width
    return float(math.erfc(z / math.sqrt(2.0)))
