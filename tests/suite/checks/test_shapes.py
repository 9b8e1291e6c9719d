"""Curve-shape claim checks: pass, fail and inconclusive on curves whose shape is clear by construction."""

import numpy as np
import pytest

from suite.checks import Drawdown, PlateauBelow, ReachesFraction, StaysBelowStart, Turn
from suite.metrics import names as M
from suite.observations import ArmObservations, CurveSample
from suite.verdicts import FAIL, INCONCLUSIVE, PASS

N = 60
STEPS = np.arange(N, dtype=float)
WIGGLE = 0.01 * np.where(np.arange(N) % 2, 1.0, -1.0)  # +-0.01 alternating: a small, known noise


def obs(metric, *rows):
    return {"a": ArmObservations({}, {metric: CurveSample(tuple(STEPS), tuple(tuple(map(float, r)) for r in rows))})}


def rise_fall(peak, trough):
    up = np.linspace(0.0, peak, N // 2)
    down = np.linspace(peak, trough, N - N // 2)
    return np.concatenate([up, down]) + WIGGLE


class TestDrawdown:
    check = Drawdown("collapse", M.TRAIN_ACCURACY, arm="a", min_drop=0.5)

    def test_a_fall_to_near_zero_is_a_collapse(self):
        r = self.check.evaluate(obs(M.TRAIN_ACCURACY, rise_fall(0.6, 0.02)), None)
        assert r.verdict == PASS
        # window round(0.1 * 60) -> 7 points. Smoothed peak: mean of 0.6 * (26..29) / 29 and 0.6 - 0.02 * (0..2)
        # = 0.566; smoothed last point (window shrinks to 4): 0.02 + 0.02 * mean(3, 2, 1, 0) = 0.05.
        # Drop (0.566 - 0.05) / 0.566 = 0.912 of the peak.
        assert r.observed == pytest.approx(0.912, abs=0.005)

    def test_a_curve_that_keeps_rising_has_no_collapse(self):
        r = self.check.evaluate(obs(M.TRAIN_ACCURACY, np.linspace(0.1, 0.6, N) + WIGGLE), None)
        assert r.verdict == FAIL and r.observed < 0.1 and r.p_value < 0.05

    def test_a_drop_of_exactly_the_threshold_inside_the_noise_is_inconclusive(self):
        rng = np.random.default_rng(0)
        y = rise_fall(0.6, 0.3) + rng.normal(0, 0.05, N)  # drop 50% of the peak, noise 0.05 per point
        assert self.check.evaluate(obs(M.TRAIN_ACCURACY, y), None).verdict == INCONCLUSIVE

    def test_stable_is_the_mirror_claim(self):
        stable = Drawdown("stable", M.TRAIN_ACCURACY, arm="a", min_drop=0.5, expect="stable")
        assert stable.evaluate(obs(M.TRAIN_ACCURACY, np.linspace(0.1, 0.6, N) + WIGGLE), None).verdict == PASS
        assert stable.evaluate(obs(M.TRAIN_ACCURACY, rise_fall(0.6, 0.02)), None).verdict == FAIL

    def test_the_majority_of_seeds_decides(self):
        collapse, steady = rise_fall(0.6, 0.02), np.linspace(0.1, 0.6, N) + WIGGLE
        assert self.check.evaluate(obs(M.TRAIN_ACCURACY, collapse, collapse, steady), None).verdict == PASS
        r = self.check.evaluate(obs(M.TRAIN_ACCURACY, collapse, steady, steady), None)
        assert r.verdict == FAIL and "1 of 3 seeds pass, 2 fail" in r.evidence


class TestReachesFraction:
    check = ReachesFraction("hits the limit", M.RESPONSE_LENGTH, arm="a", limit=112, fraction=0.8)  # 89.6 tokens

    def test_reaching_the_limit_passes(self):
        r = self.check.evaluate(obs(M.RESPONSE_LENGTH, np.linspace(50, 105, N) + WIGGLE), None)
        assert r.verdict == PASS and r.observed == pytest.approx(104 / 112, abs=0.01)

    def test_settling_far_below_fails(self):
        assert self.check.evaluate(obs(M.RESPONSE_LENGTH, np.linspace(50, 62, N) + WIGGLE), None).verdict == FAIL

    def test_a_noisy_peak_at_the_threshold_is_inconclusive(self):
        rng = np.random.default_rng(1)
        y = np.full(N, 80.0) + rng.normal(0, 10, N)  # smoothed peak lands around 89.6 +- the noise
        r = self.check.evaluate(obs(M.RESPONSE_LENGTH, y), None)
        assert r.verdict == INCONCLUSIVE, r.evidence


class TestPlateauBelow:
    check = PlateauBelow("levels off", M.EXCEED_RATE, arm="a", level=1.0, max_change=0.1)

    def test_a_flat_second_half_below_the_level_passes(self):
        y = np.concatenate([np.linspace(0, 0.4, N // 2), np.full(N - N // 2, 0.4)]) + WIGGLE
        assert self.check.evaluate(obs(M.EXCEED_RATE, y), None).verdict == PASS

    def test_still_climbing_fails(self):
        r = self.check.evaluate(obs(M.EXCEED_RATE, np.linspace(0, 0.9, N) + WIGGLE), None)
        assert r.verdict == FAIL  # change over the second half is ~0.45, far outside +-0.1

    def test_sitting_above_the_level_fails(self):
        low = PlateauBelow("levels off", M.EXCEED_RATE, arm="a", level=0.9, max_change=0.1)
        assert low.evaluate(obs(M.EXCEED_RATE, np.full(N, 1.0) + WIGGLE), None).verdict == FAIL
        # at the level itself nothing is decided: the mean is not below it and not clearly above it
        assert self.check.evaluate(obs(M.EXCEED_RATE, np.full(N, 1.0) + WIGGLE), None).verdict == INCONCLUSIVE

    def test_a_noisy_change_near_the_bound_is_inconclusive(self):
        rng = np.random.default_rng(2)
        y = np.concatenate([np.full(N // 2, 0.3), np.linspace(0.3, 0.4, N - N // 2)]) + rng.normal(0, 0.1, N)
        assert self.check.evaluate(obs(M.EXCEED_RATE, y), None).verdict == INCONCLUSIVE


class TestTurn:
    def test_fall_then_rise(self):
        y = np.concatenate([np.linspace(1000, 500, N // 3), np.linspace(500, 900, N - N // 3)]) + 10 * WIGGLE
        r = Turn("dip", M.RESPONSE_LENGTH, arm="a", shape="fall_then_rise").evaluate(obs(M.RESPONSE_LENGTH, y), None)
        assert r.verdict == PASS and r.observed == pytest.approx(N // 3 - 1, abs=3)

    def test_a_curve_that_only_rises_has_no_turn(self):
        r = Turn("peak", M.RESPONSE_LENGTH, arm="a").evaluate(obs(M.RESPONSE_LENGTH, np.linspace(0, 10, N)), None)
        assert r.verdict == FAIL

    def test_flat_noise_is_inconclusive(self):
        y = np.random.default_rng(3).normal(0, 1, N)
        r = Turn("peak", M.RESPONSE_LENGTH, arm="a").evaluate(obs(M.RESPONSE_LENGTH, y), None)
        assert r.verdict == INCONCLUSIVE, r.evidence


class TestStaysBelowStart:
    check = StaysBelowStart("never exceeds", M.RESPONSE_LENGTH, arm="a")

    def test_drop_and_partial_recovery_passes(self):
        y = np.concatenate([np.linspace(1000, 500, N // 3), np.linspace(500, 850, N - N // 3)]) + 10 * WIGGLE
        assert self.check.evaluate(obs(M.RESPONSE_LENGTH, y), None).verdict == PASS

    def test_recovering_past_the_start_fails(self):
        y = np.concatenate([np.linspace(1000, 500, N // 3), np.linspace(500, 1400, N - N // 3)]) + 10 * WIGGLE
        assert self.check.evaluate(obs(M.RESPONSE_LENGTH, y), None).verdict == FAIL

    def test_ending_at_the_start_within_noise_is_inconclusive(self):
        rng = np.random.default_rng(4)
        y = np.concatenate([np.linspace(1000, 500, N // 3), np.linspace(500, 1000, N - N // 3)]) + rng.normal(0, 60, N)
        assert self.check.evaluate(obs(M.RESPONSE_LENGTH, y), None).verdict == INCONCLUSIVE


def test_too_few_points_is_inconclusive_for_every_shape():
    few = {"a": ArmObservations({}, {M.RESPONSE_LENGTH: CurveSample((0.0, 1.0, 2.0), ((1.0, 2.0, 3.0),))})}
    for c in (Drawdown("d", M.RESPONSE_LENGTH, arm="a"), ReachesFraction("r", M.RESPONSE_LENGTH, arm="a"),
              PlateauBelow("p", M.RESPONSE_LENGTH, arm="a"), Turn("t", M.RESPONSE_LENGTH, arm="a"),
              StaysBelowStart("s", M.RESPONSE_LENGTH, arm="a")):
        assert c.evaluate(few, None).verdict == INCONCLUSIVE
