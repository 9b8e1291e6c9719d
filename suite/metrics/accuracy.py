"""Accuracy statistics: the mean over problems and samples, a problem-clustered standard error, bootstrap CIs and
unbiased pass@k.

Input shape throughout: `correct` is a (problems, samples) array of 0/1 (samples = seeds x samples per seed, e.g.
AIME: 30 x (4 seeds x 16)). Problems are the independent units; samples of one problem are correlated, so the
standard error is clustered by problem (Miller 2024, "Adding error bars to evals"): the SE of the mean of per-problem
accuracies, `std(p_i, ddof=1) / sqrt(n_problems)`.

>>> clustered_accuracy([[1, 1], [0, 1], [0, 0]])   # per-problem 1, 0.5, 0: mean 0.5, SE 0.5/sqrt(3)
(0.5, 0.288...)
"""

from __future__ import annotations

import math

import numpy as np


def _as_matrix(correct) -> np.ndarray:
    arr = np.asarray(correct, dtype=float)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"correct must be a non-empty (problems, samples) array, got shape {arr.shape}")
    return arr


def clustered_accuracy(correct) -> tuple[float, float]:
    """(mean accuracy, standard error clustered by problem) of a (problems, samples) 0/1 array.

    The SE is NaN with a single problem (no spread to estimate).
    """
    per_problem = _as_matrix(correct).mean(axis=1)
    n = per_problem.size
    se = float(per_problem.std(ddof=1) / math.sqrt(n)) if n > 1 else float("nan")
    return float(per_problem.mean()), se


def bootstrap_ci(
    correct, *, rng: np.random.Generator | int, n_resamples: int = 2000, confidence: float = 0.95
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean accuracy, resampling *problems* with replacement.

    `rng` is a numpy Generator or an int seed (randomness only enters here).
    """
    rng = np.random.default_rng(rng)
    per_problem = _as_matrix(correct).mean(axis=1)
    idx = rng.integers(0, per_problem.size, size=(n_resamples, per_problem.size))
    means = per_problem[idx].mean(axis=1)
    alpha = (1 - confidence) / 2
    lo, hi = np.quantile(means, [alpha, 1 - alpha])
    return float(lo), float(hi)


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k of one problem with n samples of which c are correct (Chen et al. 2021, eq. 1):
    `1 - C(n-c, k) / C(n, k)`, computed as a stable product.

    >>> pass_at_k(4, 1, 2)   # 1 - C(3,2)/C(4,2) = 1 - 3/6
    0.5
    """
    if not 0 <= c <= n or not 1 <= k <= n:
        raise ValueError(f"pass_at_k needs 0 <= c <= n and 1 <= k <= n, got n={n}, c={c}, k={k}")
    if n - c < k:
        return 1.0
    return float(1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1)))


def mean_pass_at_k(correct, k: int) -> float:
    """pass@k averaged over problems of a (problems, samples) 0/1 array."""
    arr = _as_matrix(correct)
    return float(np.mean([pass_at_k(arr.shape[1], int(row.sum()), k) for row in arr]))
