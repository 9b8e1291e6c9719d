"""One run per arm (the paper's own practice) still gets a decision, from the run's within-run error, and says so."""

import math

import numpy as np
import pytest
from scipy import stats as sps

from suite import stats
from suite.checks import Directional, Trend
from suite.metrics import names as M
from suite.observations import ArmObservations, CurveSample, ScalarSample
from suite.verdicts import FAIL, INCONCLUSIVE, PASS


def one(mean, se):
    return ScalarSample.from_values([mean], within_se=[se])


def run(lo, hi):
    return {"base": ArmObservations({M.ACCURACY_AVG: lo}), "rl": ArmObservations({M.ACCURACY_AVG: hi})}


CHECK = Directional("rl beats base", M.ACCURACY_AVG, lower="base", higher="rl")


@pytest.mark.parametrize("hi, verdict", [(0.55, PASS), (0.45, FAIL), (0.51, INCONCLUSIVE)])
def test_within_run_standard_errors_decide_a_single_run(hi, verdict):
    r = CHECK.evaluate(run(one(0.50, 0.01), one(hi, 0.01)), None)
    # z = (hi - 0.50) / sqrt(0.01^2 + 0.01^2): 3.54 / -3.54 / 0.71
    z = (hi - 0.50) / math.sqrt(2e-4)
    assert r.verdict == verdict
    assert r.p_value == pytest.approx(sps.norm.cdf(z), rel=1e-9)
    assert "within-run" in r.error_basis and "training variance not included" in r.error_basis


def test_a_single_run_without_a_within_run_error_stays_inconclusive():
    r = CHECK.evaluate(run(ScalarSample.from_values([0.5]), ScalarSample.from_values([0.9])), None)
    assert r.verdict == INCONCLUSIVE and "within-run standard error" in r.evidence


def test_seeds_take_precedence_over_within_run_errors():
    lo, hi = ScalarSample.from_values([0.50, 0.52, 0.51]), ScalarSample.from_values([0.60, 0.61, 0.62])
    assert CHECK.evaluate(run(lo, hi), None).error_basis == "seed spread (3 and 3 seeds)"


def _ar1(n, phi, sd, seed):
    rng = np.random.default_rng(seed)
    e = np.zeros(n)
    for t in range(1, n):
        e[t] = phi * e[t - 1] + rng.normal(0, sd)
    return e


def test_hac_slope_matches_the_sandwich_formula_written_out():
    x = np.arange(40, dtype=float)
    y = 0.05 * x + _ar1(40, 0.6, 1.0, 0)
    slope, se = stats.hac_slope(x, y, lags=3)
    X = np.column_stack([np.ones_like(x), x])
    beta = np.linalg.solve(X.T @ X, X.T @ y)
    u = y - X @ beta
    S = sum((1 - abs(j) / 4) * (X[max(j, 0):len(x) + min(j, 0)] * u[max(j, 0):len(x) + min(j, 0), None]).T
            @ (X[max(-j, 0):len(x) - max(j, 0)] * u[max(-j, 0):len(x) - max(j, 0), None]) for j in range(-3, 4))
    bread = np.linalg.inv(X.T @ X)
    cov = bread @ S @ bread * len(x) / (len(x) - 2)
    assert slope == pytest.approx(beta[1], rel=1e-12)
    assert se == pytest.approx(math.sqrt(cov[1, 1]), rel=1e-9)


def test_autocorrelated_noise_widens_the_single_seed_interval():
    x = np.arange(120, dtype=float)
    y = _ar1(120, 0.9, 1.0, 1)  # no trend, strongly autocorrelated
    _, ols_se = stats.ols_slope(x, y)
    _, hac_se = stats.hac_slope(x, y)
    assert hac_se > 1.5 * ols_se


@pytest.mark.parametrize("slope, verdict", [(0.2, PASS), (-0.2, FAIL), (0.0, INCONCLUSIVE)])
def test_single_seed_trend(slope, verdict):
    x = np.arange(100, dtype=float)
    y = slope * x + _ar1(100, 0.5, 1.0, 2)
    obs = {"a": ArmObservations({}, {M.RESPONSE_LENGTH: CurveSample(tuple(x), (tuple(y),))})}
    r = Trend("grows", M.RESPONSE_LENGTH, arm="a").evaluate(obs, None)
    assert r.verdict == verdict and "Newey-West" in r.error_basis
