import math

import numpy as np
import pytest

from suite.metrics.accuracy import bootstrap_ci, clustered_accuracy, mean_pass_at_k, pass_at_k


def test_clustered_accuracy_on_a_hand_computed_matrix():
    mean, se = clustered_accuracy([[1, 1], [0, 1], [0, 0]])
    assert mean == 0.5
    # per-problem accuracies 1, 0.5, 0: sample std 0.5, SE 0.5 / sqrt(3)
    assert se == pytest.approx(0.5 / math.sqrt(3))


def test_the_standard_error_is_clustered_by_problem_not_by_sample():
    # all samples of a problem agree: 4 problems x 100 samples carry the information of 4 problems only
    correct = np.repeat([[1], [1], [0], [0]], 100, axis=1)
    mean, se = clustered_accuracy(correct)
    assert mean == 0.5
    assert se == pytest.approx(np.std([1, 1, 0, 0], ddof=1) / 2)  # 0.2887, not the naive 0.025


def test_a_single_problem_has_no_standard_error():
    assert math.isnan(clustered_accuracy([[1, 0, 1]])[1])


def test_a_malformed_array_is_rejected():
    with pytest.raises(ValueError):
        clustered_accuracy(np.zeros((0, 3)))


@pytest.mark.parametrize(("n", "c", "k", "expected"), [
    (4, 1, 2, 0.5),          # 1 - C(3,2)/C(4,2) = 1 - 3/6
    (10, 0, 5, 0.0),
    (10, 10, 1, 1.0),
    (5, 2, 1, 0.4),          # pass@1 = c/n
    (16, 3, 4, 1 - math.comb(13, 4) / math.comb(16, 4)),
    (3, 2, 2, 1.0),          # n - c < k: any 2 samples contain a correct one
])
def test_pass_at_k_is_the_unbiased_estimator(n, c, k, expected):
    assert pass_at_k(n, c, k) == pytest.approx(expected)


def test_pass_at_k_rejects_impossible_counts():
    with pytest.raises(ValueError):
        pass_at_k(4, 5, 1)
    with pytest.raises(ValueError):
        pass_at_k(4, 1, 5)


def test_mean_pass_at_k_averages_over_problems():
    assert mean_pass_at_k([[1, 0, 0, 0], [1, 1, 1, 1]], 2) == pytest.approx((0.5 + 1.0) / 2)


def test_the_bootstrap_is_reproducible_from_its_seed_and_brackets_the_mean():
    rng = np.random.default_rng(0)
    correct = rng.integers(0, 2, size=(50, 4))
    lo, hi = bootstrap_ci(correct, rng=7)
    assert bootstrap_ci(correct, rng=7) == (lo, hi)
    assert lo < correct.mean() < hi


def test_the_bootstrap_interval_of_a_constant_result_is_a_point():
    assert bootstrap_ci(np.ones((10, 2)), rng=1) == (1.0, 1.0)
