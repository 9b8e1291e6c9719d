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


def ols_slope(x, y) -> tuple[float, float]:
    """Ordinary least squares slope of y on x and its standard error.

    >>> ols_slope([0, 1, 2, 3], [1, 3, 5, 7])
    (2.0, 0.0)
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.size < 3:
        raise ValueError("a slope needs at least 3 points")
    xc = x - x.mean()
    sxx = float(xc @ xc)
    if sxx == 0:
        raise ValueError("all x values are equal")
    slope = float(xc @ (y - y.mean())) / sxx
    resid = y - y.mean() - slope * xc
    se = math.sqrt(float(resid @ resid) / (x.size - 2) / sxx)
    return slope, se


def slope_interval(steps, curves, *, confidence: float = 0.95) -> SlopeEstimate:
    """Confidence interval of the trend of a metric over steps.

    `curves` has shape (seeds, steps). With >= 2 seeds the per-seed slopes are treated as independent replicates and
    the interval is a t-interval of their mean (seeds are the unit of replication, which sidesteps the
    autocorrelation of points within one training curve). With one seed it falls back to the OLS standard error,
    which ignores autocorrelation and is therefore optimistic; the method name says which was used.
    """
    curves = np.atleast_2d(np.asarray(curves, dtype=float))
    slopes_se = [ols_slope(steps, c) for c in curves]
    slopes = np.array([s for s, _ in slopes_se])
    n = slopes.size
    if n >= 2:
        sd = slopes.std(ddof=1)
        half = _scipy_stats().t(n - 1).ppf(0.5 + confidence / 2) * sd / math.sqrt(n)
        method = f"t-interval over {n} per-seed OLS slopes"
    else:
        half = _scipy_stats().t(len(steps) - 2).ppf(0.5 + confidence / 2) * slopes_se[0][1]
        method = "OLS standard error of a single seed (ignores autocorrelation)"
    m = float(slopes.mean())
    return SlopeEstimate(m, m - float(half), m + float(half), n, method)


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
