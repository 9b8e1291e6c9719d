"""Each check kind on small observations whose verdict is clear by construction."""

from pathlib import Path

import pytest

from suite.checks import CurveBand, Directional, ScalarTolerance, SeedAgreement, Trend
from suite.errors import UserError
from suite.metrics import names as M
from suite.observations import ArmObservations, CurveSample, ScalarSample
from suite.references import Reference
from suite.verdicts import FAIL, INCONCLUSIVE, PASS


def scal(*values):
    return ScalarSample.from_values(values)


def curve(steps, *rows):
    return CurveSample(tuple(steps), tuple(tuple(r) for r in rows))


def ref(obs, tolerances=None):
    return Reference(Path("ref.json"), "takeaway-4.2", 1, "tiny", "test", (), {}, obs, tolerances or {})


RUN = {
    "classic": ArmObservations({M.HELDOUT_ACCURACY: scal(0.50, 0.52, 0.51)},
                               {M.RESPONSE_LENGTH: curve(range(5), [1, 2, 3, 4, 5], [1, 2, 3, 4, 6], [0, 2, 3, 5, 5])}),
    "cosine": ArmObservations({M.HELDOUT_ACCURACY: scal(0.60, 0.61, 0.62)},
                              {M.RESPONSE_LENGTH: curve(range(5), [1, 1, 1, 1, 1], [1, 1, 1, 1, 1.1], [1, 1, 1, 1, 0.9])}),
}


class TestScalarTolerance:
    def test_passes_inside_and_fails_outside_an_absolute_tolerance(self):
        ok = ScalarTolerance("near", M.HELDOUT_ACCURACY, arm="classic", expected=0.5, abs_tol=0.02)
        bad = ScalarTolerance("far", M.HELDOUT_ACCURACY, arm="classic", expected=0.4, abs_tol=0.02)
        assert ok.evaluate(RUN, None).verdict == PASS
        assert bad.evaluate(RUN, None).verdict == FAIL

    def test_relative_tolerance_scales_with_the_expected_value(self):
        c = ScalarTolerance("rel", M.HELDOUT_ACCURACY, arm="classic", expected=0.55, rel_tol=0.1)  # ±0.055
        assert c.evaluate(RUN, None).verdict == PASS

    def test_uses_the_reference_mean_and_stored_tolerance(self):
        r = ref({"classic": ArmObservations({M.HELDOUT_ACCURACY: ScalarSample(0.45, None, 4)})},
                {("classic", M.HELDOUT_ACCURACY): (0.07, "sampling error")})
        res = ScalarTolerance("t", M.HELDOUT_ACCURACY, arm="classic").evaluate(RUN, r)
        assert res.verdict == PASS and res.expected == 0.45 and "sampling error" in res.tolerance
        r2 = ref(r.observations, {("classic", M.HELDOUT_ACCURACY): (0.05, "tight")})
        assert ScalarTolerance("t", M.HELDOUT_ACCURACY, arm="classic").evaluate(RUN, r2).verdict == FAIL

    def test_without_a_reference_is_inconclusive(self):
        assert ScalarTolerance("t", M.HELDOUT_ACCURACY, arm="classic").evaluate(RUN, None).verdict == INCONCLUSIVE

    def test_a_metric_missing_from_the_run_is_a_clear_error(self):
        with pytest.raises(UserError, match="ood_accuracy.*classic"):
            ScalarTolerance("t", M.OOD_ACCURACY, arm="classic", expected=0.1, abs_tol=1).evaluate(RUN, None)

    # -- an asymmetric band stored with the reference (a score interval near 0): run - reference in [-0.02, +0.05] --
    @staticmethod
    def _near_zero(run_value):
        from suite.references import Tolerance

        tol = Tolerance(0.05, "Newcombe score band", low=-0.02, high=0.05, covers="evaluation noise only")
        r = ref({"classic": ArmObservations({M.HELDOUT_ACCURACY: ScalarSample(0.03, None, 4)})},
                {("classic", M.HELDOUT_ACCURACY): tol})
        run = {"classic": ArmObservations({M.HELDOUT_ACCURACY: ScalarSample(run_value, None, 1)})}
        return ScalarTolerance("t", M.HELDOUT_ACCURACY, arm="classic").evaluate(run, r)

    def test_an_asymmetric_reference_interval_passes_inside_and_fails_outside(self):
        assert self._near_zero(0.07).verdict == PASS  # +0.04, inside the upper bound 0.05
        assert self._near_zero(0.015).verdict == PASS  # -0.015, inside the lower bound -0.02
        assert self._near_zero(0.09).verdict == FAIL  # +0.06 > 0.05
        res = self._near_zero(0.005)  # -0.025: outside, although |diff| < 0.05 (a symmetric band would pass it)
        assert res.verdict == FAIL and "[-0.02, +0.05]" in res.tolerance

    def test_the_p_value_follows_the_side_of_the_interval(self):
        inside, outside = self._near_zero(0.07), self._near_zero(0.005)
        # +0.04 against the upper bound 0.05: z = 1.96 * 0.8; -0.025 against the lower bound 0.02: z = 1.96 * 1.25
        assert inside.p_value == pytest.approx(0.1169, abs=1e-4) and inside.p_value > 0.05
        assert outside.p_value == pytest.approx(0.01429, abs=1e-4) and outside.p_value < 0.05
        assert self._near_zero(0.08).p_value == pytest.approx(0.05)  # on the bound
        assert "evaluation noise only" in inside.error_basis and "upper bound" in inside.error_basis
        assert "lower bound" in outside.error_basis

    def test_a_hand_set_tolerance_fills_the_p_value_and_says_so(self):
        res = ScalarTolerance("near", M.HELDOUT_ACCURACY, arm="classic", expected=0.5, abs_tol=0.02).evaluate(RUN, None)
        # run mean 0.51: difference 0.01 = half the band, z = 0.98
        assert res.p_value == pytest.approx(2 * (1 - 0.83646), abs=1e-4)
        assert res.error_basis.startswith("hand-set tolerance") and res.tolerance.startswith("±0.02")


class TestSeedAgreement:
    def test_agrees_with_a_reference_drawn_from_the_same_values(self):
        r = ref({"classic": ArmObservations({M.HELDOUT_ACCURACY: scal(0.505, 0.515, 0.51)})})
        assert SeedAgreement("a", M.HELDOUT_ACCURACY, arm="classic").evaluate(RUN, r).verdict == PASS

    def test_disagrees_with_a_clearly_different_reference(self):
        r = ref({"classic": ArmObservations({M.HELDOUT_ACCURACY: scal(0.70, 0.71, 0.72)})})
        assert SeedAgreement("a", M.HELDOUT_ACCURACY, arm="classic").evaluate(RUN, r).verdict == FAIL
        boot = SeedAgreement("b", M.HELDOUT_ACCURACY, arm="classic", test="bootstrap")
        assert boot.evaluate(RUN, r).verdict == FAIL

    def test_a_summary_only_reference_without_sd_is_inconclusive(self):
        r = ref({"classic": ArmObservations({M.HELDOUT_ACCURACY: ScalarSample(0.5, None, 4)})})
        assert SeedAgreement("a", M.HELDOUT_ACCURACY, arm="classic").evaluate(RUN, r).verdict == INCONCLUSIVE


class TestDirectional:
    def test_passes_when_the_claimed_arm_is_significantly_higher(self):
        c = Directional("cosine beats classic", M.HELDOUT_ACCURACY, lower="classic", higher="cosine")
        assert c.evaluate(RUN, None).verdict == PASS

    def test_a_claim_that_must_fail_does_fail(self):
        c = Directional("classic beats cosine", M.HELDOUT_ACCURACY, lower="cosine", higher="classic")
        assert c.evaluate(RUN, None).verdict == FAIL

    def test_overlapping_arms_are_inconclusive(self):
        run = {"a": ArmObservations({M.HELDOUT_ACCURACY: scal(0.5, 0.6, 0.4)}),
               "b": ArmObservations({M.HELDOUT_ACCURACY: scal(0.52, 0.62, 0.42)})}
        assert Directional("b>a", M.HELDOUT_ACCURACY, lower="a", higher="b").evaluate(run, None).verdict == INCONCLUSIVE

    def test_curves_are_reduced_to_their_last_quarter(self):
        c = Directional("cosine shorter", M.RESPONSE_LENGTH, lower="cosine", higher="classic")
        res = c.evaluate(RUN, None)
        assert res.verdict == PASS
        assert res.observed == pytest.approx((5 + 6 + 5) / 3 - 1.0)  # last point of 5 steps = last quarter

    def test_min_effect_raises_the_bar(self):
        c = Directional("much better", M.HELDOUT_ACCURACY, lower="classic", higher="cosine", min_effect=0.2)
        assert c.evaluate(RUN, None).verdict == FAIL

    def test_can_audit_the_reference_instead_of_the_run(self):
        r = ref({"x": ArmObservations({M.HELDOUT_ACCURACY: scal(0.1, 0.11, 0.12)}),
                 "y": ArmObservations({M.HELDOUT_ACCURACY: scal(0.3, 0.31, 0.32)})})
        c = Directional("y>x", M.HELDOUT_ACCURACY, lower="x", higher="y", use_reference=True)
        assert c.evaluate({}, r).verdict == PASS


class TestTrend:
    def test_a_rising_curve_passes_an_increasing_claim_and_fails_a_decreasing_one(self):
        up = Trend("grows", M.RESPONSE_LENGTH, arm="classic", direction="increasing")
        down = Trend("shrinks", M.RESPONSE_LENGTH, arm="classic", direction="decreasing")
        assert up.evaluate(RUN, None).verdict == PASS
        assert down.evaluate(RUN, None).verdict == FAIL

    def test_a_flat_noisy_curve_is_inconclusive(self):
        assert Trend("g", M.RESPONSE_LENGTH, arm="cosine").evaluate(RUN, None).verdict == INCONCLUSIVE

    def test_a_window_restricts_the_fit(self):
        run = {"a": ArmObservations({}, {M.RESPONSE_LENGTH: curve(range(8), [0, 1, 2, 3, 3, 2, 1, 0],
                                                                  [0, 1, 2, 3, 3, 2, 1, 0.1])})}
        late = Trend("falls late", M.RESPONSE_LENGTH, arm="a", direction="decreasing", window=(0.5, 1.0))
        early = Trend("rises early", M.RESPONSE_LENGTH, arm="a", direction="increasing", window=(0.0, 0.45))
        assert late.evaluate(run, None).verdict == PASS
        assert early.evaluate(run, None).verdict == PASS


class TestCurveBand:
    REF = ref({"classic": ArmObservations({}, {M.RESPONSE_LENGTH: curve(range(5), [1, 2, 3, 4, 5],
                                                                       [1.2, 2.2, 3.2, 4.2, 5.2],
                                                                       [0.8, 1.8, 2.8, 3.8, 4.8])})})

    def test_a_run_inside_the_band_passes(self):
        assert CurveBand("b", M.RESPONSE_LENGTH, arm="classic").evaluate(RUN, self.REF).verdict == PASS

    def test_a_run_far_from_the_band_fails(self):
        run = {"classic": ArmObservations({}, {M.RESPONSE_LENGTH: curve(range(5), [10, 20, 30, 40, 50])})}
        res = CurveBand("b", M.RESPONSE_LENGTH, arm="classic").evaluate(run, self.REF)
        assert res.verdict == FAIL and res.observed == pytest.approx(0.0)

    def test_without_a_reference_is_inconclusive(self):
        assert CurveBand("b", M.RESPONSE_LENGTH, arm="classic").evaluate(RUN, None).verdict == INCONCLUSIVE


def test_unknown_metric_in_a_declaration_is_rejected():
    with pytest.raises(UserError, match="unknown metric"):
        Trend("x", "response_lenght", arm="a")


class TestPairedDirectional:
    """`Directional(paired=True)`: a paired t over seeds when the arms ran the same seeds, else Welch (said so)."""

    START = (0.30, 0.50, 0.40)  # what each seed drew before the arms (a shared SFT start): a wide spread

    @staticmethod
    def obs(a, b, seeds_a=(0, 1, 2), seeds_b=(0, 1, 2)):
        return {"lo": ArmObservations({M.HELDOUT_ACCURACY: ScalarSample.from_values(a, seeds=seeds_a)}),
                "hi": ArmObservations({M.HELDOUT_ACCURACY: ScalarSample.from_values(b, seeds=seeds_b)})}

    def check(self, paired=True, min_effect=0.0):
        return Directional("hi > lo", M.HELDOUT_ACCURACY, lower="lo", higher="hi", paired=paired,
                           min_effect=min_effect)

    def test_a_small_consistent_gain_over_a_wide_seed_spread_passes_paired_and_not_welch(self):
        from scipy import stats as sps

        gain = (0.05, 0.04, 0.06)
        run = self.obs(self.START, [s + g for s, g in zip(self.START, gain)])
        paired = self.check().evaluate(run, None)
        # by hand: differences 0.05, 0.04, 0.06: mean 0.05, sd 0.01, SE 0.01 / sqrt(3), t on 2 df
        p_hand = sps.t(2).sf(0.05 / (0.01 / 3 ** 0.5))
        assert paired.verdict == PASS and paired.observed == pytest.approx(0.05)
        assert f"p(claimed)={p_hand:.3g}" in paired.evidence and "paired t" in paired.tolerance
        assert paired.error_basis.startswith("paired by seed over seeds 0, 1, 2")
        assert self.check(paired=False).evaluate(run, None).verdict == INCONCLUSIVE

    def test_a_consistent_loss_fails_and_a_margin_is_tested_against(self):
        loss = self.obs(self.START, [s - g for s, g in zip(self.START, (0.05, 0.04, 0.06))])
        assert self.check().evaluate(loss, None).verdict == FAIL
        # non-inferiority: -0.05 is significantly short of a -0.03 margin as well
        assert self.check(min_effect=-0.03).evaluate(loss, None).verdict == FAIL
        slight = self.obs(self.START, [s - g for s, g in zip(self.START, (0.005, 0.0, 0.01))])
        assert self.check(min_effect=-0.03).evaluate(slight, None).verdict == PASS

    def test_values_are_aligned_by_seed_not_by_position(self):
        b = [s + 0.05 for s in self.START]
        aligned = self.check().evaluate(self.obs(self.START, b), None)
        shuffled = self.check().evaluate(self.obs(self.START, b[::-1], seeds_b=(2, 1, 0)), None)
        assert shuffled.verdict == aligned.verdict == PASS and shuffled.evidence == aligned.evidence

    def test_without_common_seeds_it_falls_back_to_welch_and_says_why(self):
        b = [s + 0.05 for s in self.START]
        other = self.check().evaluate(self.obs(self.START, b, seeds_b=(3, 4, 5)), None)
        assert other.verdict == INCONCLUSIVE and "unpaired (the arms ran different seeds" in other.error_basis
        unknown = {k: ArmObservations({M.HELDOUT_ACCURACY: ScalarSample.from_values(v)})
                   for k, v in (("lo", self.START), ("hi", b))}
        assert "not known" in self.check().evaluate(unknown, None).error_basis
        with pytest.raises(ValueError, match="2 seeds for 3 values"):
            ScalarSample.from_values(self.START, seeds=(0, 1))


def test_a_curve_with_null_points_drops_them_in_every_seed_and_still_gives_a_trend():
    # a hard-problem curve is null on a step that drew no hard problem; the step leaves every seed's row
    steps = list(range(10))
    rising = [[float(s) + d for s in steps] for d in (0.0, 0.5, -0.5)]
    rising[1][3] = None
    rising[2][7] = None
    c = CurveSample.from_seed_curves([(steps, r) for r in rising], seeds=[0, 1, 2])
    assert c.steps == tuple(float(s) for s in steps if s not in (3, 7))
    assert c.array().shape == (3, 8)
    obs = {"cosine": ArmObservations({}, {M.ALTERNATIVELY_CURVE_HARD: c})}
    up = Trend("up", M.ALTERNATIVELY_CURVE_HARD, arm="cosine", direction="increasing").evaluate(obs, None)
    down = Trend("down", M.ALTERNATIVELY_CURVE_HARD, arm="cosine", direction="decreasing").evaluate(obs, None)
    assert (up.verdict, down.verdict) == (PASS, FAIL)
