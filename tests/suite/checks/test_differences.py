"""Reproduction checks of an effect (between arms, or over training): agree, disagree, and a swap that must fail."""

from pathlib import Path

import pytest
from scipy import stats as sps

from suite.checks import ChangeAgreement, DifferenceAgreement
from suite.metrics import names as M
from suite.observations import ArmObservations, CurveSample, ScalarSample
from suite.references import Reference
from suite.verdicts import FAIL, INCONCLUSIVE, PASS


def scal(*values):
    return ScalarSample.from_values(values)


def arms(lo, hi):
    return {"lo": ArmObservations({M.HELDOUT_ACCURACY: scal(*lo)}), "hi": ArmObservations({M.HELDOUT_ACCURACY: scal(*hi)})}


def reference(obs):
    return Reference(Path("ref.json"), "x", 1, "tiny", "test", (), {}, obs, {})


REF = reference(arms((1, 2, 3), (4, 5, 6)))  # difference 3, each arm sd 1
CHECK = DifferenceAgreement("effect agrees", M.HELDOUT_ACCURACY, lower="lo", higher="hi")


def test_the_same_difference_agrees():
    r = CHECK.evaluate(arms((11, 12, 13), (14, 15, 16)), REF)  # shifted levels, same effect
    assert r.verdict == PASS and r.p_value == pytest.approx(1.0) and r.observed == pytest.approx(3.0)


def test_no_effect_against_a_reference_effect_of_3_fails_with_the_hand_computed_p():
    # run difference 0 vs 3; variance 4 x (1/3) = 4/3 (SE 1.1547), t = -2.598; Satterthwaite df = (4/3)^2 /
    # (4 x (1/3)^2 / 2) = 8; two-sided p = 2 sf_t8(2.598)
    r = CHECK.evaluate(arms((1, 2, 3), (1, 2, 3)), REF)
    assert r.p_value == pytest.approx(2 * sps.t(8).sf(3 / (4 / 3) ** 0.5), rel=1e-9)
    assert r.p_value == pytest.approx(0.0317, abs=5e-4) and r.verdict == FAIL


def test_swapped_arms_fail():
    r = CHECK.evaluate(arms((4, 5, 6), (1, 2, 3)), REF)
    assert r.verdict == FAIL and "reversed would give p=" in r.evidence


def test_a_single_run_borrows_the_reference_seed_spread():
    r = CHECK.evaluate(arms((2,), (5,)), REF)
    assert r.verdict == PASS and "applied to the run's single seed" in r.error_basis


def test_an_effect_the_reference_cannot_resolve_says_so():
    weak = reference(arms((1, 2, 3), (1.2, 2.2, 3.2)))
    r = CHECK.evaluate(arms((1.2, 2.2, 3.2), (1, 2, 3)), weak)
    assert r.verdict == PASS and "cannot tell it from the reference" in r.evidence


def test_without_reference_or_spread_is_inconclusive():
    assert CHECK.evaluate(arms((1, 2), (3, 4)), None).verdict == INCONCLUSIVE
    one_seed_ref = reference(arms((1,), (4,)))
    assert CHECK.evaluate(arms((1, 2), (3, 4)), one_seed_ref).verdict == INCONCLUSIVE


def curves(*rows):
    return {"a": ArmObservations({}, {M.RESPONSE_LENGTH: CurveSample(tuple(range(8)), tuple(map(tuple, rows)))})}


class TestChangeAgreement:
    check = ChangeAgreement("rl effect", M.RESPONSE_LENGTH, arm="a", start=0.125)  # start = the first point
    ref = reference(curves([0] * 6 + [10, 10], [0] * 6 + [11, 11], [0] * 6 + [12, 12]))  # change 10, 11, 12

    def test_the_same_change_agrees(self):
        r = self.check.evaluate(curves([5] * 6 + [16, 16], [5] * 6 + [16, 16], [5] * 6 + [16, 16]), self.ref)
        assert r.verdict == PASS and r.observed == pytest.approx(11.0)

    def test_training_backwards_fails(self):
        run = curves([10, 10] + [0] * 6, [11, 11] + [0] * 6, [12, 12] + [0] * 6)
        r = self.check.evaluate(run, self.ref)
        assert r.verdict == FAIL and r.observed < 0

    def test_without_a_reference_or_its_spread_is_inconclusive(self):
        run = curves([0] * 6 + [10, 10], [0] * 6 + [11, 11])
        assert self.check.evaluate(run, None).verdict == INCONCLUSIVE
        one_seed = reference(curves([0] * 6 + [10, 10]))
        assert self.check.evaluate(run, one_seed).verdict == INCONCLUSIVE


# --- difference in differences (RL's gain from one start minus its gain from another) --------------------------------

from suite.checks import DifferenceInDifferences, DifferenceInDifferencesAgreement  # noqa: E402


def four(tb, ta, cb, ca):
    return {name: ArmObservations({M.HELDOUT_ACCURACY: scal(*v)})
            for name, v in (("t0", tb), ("t1", ta), ("c0", cb), ("c1", ca))}


DID = DifferenceInDifferences("treated gains more", M.HELDOUT_ACCURACY, treated_before="t0", treated_after="t1",
                              control_before="c0", control_after="c1")
DID_AGREE = DifferenceInDifferencesAgreement("gain difference agrees", M.HELDOUT_ACCURACY, treated_before="t0",
                                             treated_after="t1", control_before="c0", control_after="c1")


def test_difference_in_differences_passes_fails_and_matches_a_hand_computed_p():
    # treated gains 3, control 0: DiD 3; each arm sd 1 over 3 seeds, variance 4/3, df 8 (as above)
    r = DID.evaluate(four((1, 2, 3), (4, 5, 6), (1, 2, 3), (1, 2, 3)), None)
    assert r.verdict == PASS and r.observed == pytest.approx(3.0)
    assert r.p_value == pytest.approx(sps.t(8).cdf(3 / (4 / 3) ** 0.5), rel=1e-9)  # p of the opposite direction
    # the control gains more: the opposite, significant
    assert DID.evaluate(four((1, 2, 3), (1, 2, 3), (1, 2, 3), (4, 5, 6)), None).verdict == FAIL
    # equal gains: neither way
    assert DID.evaluate(four((1, 2, 3), (2, 3, 4), (1, 2, 3), (2, 3, 4)), None).verdict == INCONCLUSIVE


def test_difference_in_differences_needs_seeds_on_every_arm():
    r = DID.evaluate(four((1, 2, 3), (4, 5, 6), (1,), (1, 2, 3)), None)
    assert r.verdict == INCONCLUSIVE and "needs >= 2 seeds" in r.evidence


def test_a_min_effect_moves_the_bar():
    did_3 = four((1, 2, 3), (4, 5, 6), (1, 2, 3), (1, 2, 3))
    assert DifferenceInDifferences("x", M.HELDOUT_ACCURACY, treated_before="t0", treated_after="t1",
                                   control_before="c0", control_after="c1", min_effect=8.0
                                   ).evaluate(did_3, None).verdict == FAIL


def test_difference_in_differences_agreement_fails_when_the_pairs_are_swapped():
    obs = four((1, 2, 3), (4, 5, 6), (1, 2, 3), (1, 2, 3))
    ref = reference(obs)
    assert DID_AGREE.evaluate(obs, ref).verdict == PASS
    swapped = {"t0": obs["c0"], "t1": obs["c1"], "c0": obs["t0"], "c1": obs["t1"]}
    r = DID_AGREE.evaluate(swapped, ref)
    assert r.verdict == FAIL and r.observed == pytest.approx(-3.0)
    single = {k: ArmObservations({M.HELDOUT_ACCURACY: scal(v.scalars[M.HELDOUT_ACCURACY].mean)})
              for k, v in obs.items()}
    r1 = DID_AGREE.evaluate(single, ref)
    assert r1.verdict == PASS and "reference seed spread" in r1.error_basis
    assert DID_AGREE.evaluate(obs, None).verdict == INCONCLUSIVE


# --- a fixed level ------------------------------------------------------------------------------------------------------

from suite.checks import AboveLevel  # noqa: E402


def test_above_level_passes_fails_and_matches_a_hand_computed_p():
    check = AboveLevel("present", M.HELDOUT_ACCURACY, arm="lo", level=0.5)
    obs = {"lo": ArmObservations({M.HELDOUT_ACCURACY: scal(2, 3, 4)})}  # mean 3, sd 1, SE 1/sqrt(3), df 2
    r = check.evaluate(obs, None)  # t = 2.5 sqrt(3) = 4.33: one-sided p 0.025
    assert r.verdict == PASS and r.p_value == pytest.approx(sps.t(2).cdf(2.5 * 3**0.5), rel=1e-9)
    # t = 1.5 sqrt(3) = 2.60 is one-sided p 0.061 with 2 df: not enough either way
    assert AboveLevel("x", M.HELDOUT_ACCURACY, arm="lo", level=1.5).evaluate(obs, None).verdict == INCONCLUSIVE
    assert AboveLevel("x", M.HELDOUT_ACCURACY, arm="lo", level=5.5).evaluate(obs, None).verdict == FAIL
    one = {"lo": ArmObservations({M.HELDOUT_ACCURACY: scal(2)})}
    assert AboveLevel("x", M.HELDOUT_ACCURACY, arm="lo").evaluate(one, None).verdict == INCONCLUSIVE
