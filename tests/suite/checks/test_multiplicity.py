"""The multiplicity rule: Holm over the failing direction of each role."""

import pytest

from suite.checks.kinds import CheckResult
from suite.checks.multiplicity import apply_holm, holm_rejections
from suite.verdicts import CLAIM, FAIL, INCONCLUSIVE, PASS, REPRODUCTION


def result(verdict, p, role=REPRODUCTION, name="c"):
    return CheckResult(name, "k", role, verdict, "m", ("a",), None, None, "", "evidence", p_value=p)


@pytest.mark.parametrize("ps, expected", [
    ([0.01, 0.02, 0.03], [True, True, True]),   # 0.01 <= 0.05/3, 0.02 <= 0.05/2, 0.03 <= 0.05
    ([0.02, 0.02, 0.5], [False, False, False]),  # 0.02 > 0.0167: nothing rejected
    ([0.001, 0.04, 0.3], [True, False, False]),  # 0.04 > 0.025 stops the walk
])
def test_holm_rejections_by_hand(ps, expected):
    assert holm_rejections(ps) == expected


def test_one_marginal_reproduction_fail_among_six_becomes_a_pass():
    # the cross-machine false alarm: p = 0.047 among six checks (threshold 0.05/6 for the smallest)
    results = [result(FAIL, 0.047)] + [result(PASS, p) for p in (0.3, 0.5, 0.7, 0.9, 1.0)]
    out = apply_holm(results, REPRODUCTION)
    assert out[0].verdict == PASS and "Holm over 6 reproduction checks" in out[0].evidence
    assert [r.verdict for r in out[1:]] == [PASS] * 5


def test_a_clear_fail_survives():
    out = apply_holm([result(FAIL, 0.001), result(PASS, 0.4)], REPRODUCTION)
    assert out[0].verdict == FAIL and out[0].evidence == "evidence"


def test_a_claim_fail_that_does_not_survive_is_inconclusive_and_passes_are_untouched():
    out = apply_holm([result(FAIL, 0.03, CLAIM), result(PASS, 0.9, CLAIM), result(INCONCLUSIVE, 0.5, CLAIM)], CLAIM)
    assert [r.verdict for r in out] == [INCONCLUSIVE, PASS, INCONCLUSIVE]


def test_rule_checks_without_a_p_value_and_the_other_role_are_left_alone():
    rule = result(FAIL, None)
    other = result(FAIL, 0.04, CLAIM)
    out = apply_holm([rule, other, result(PASS, 0.9)], REPRODUCTION)
    assert out[0] is rule and out[1] is other
