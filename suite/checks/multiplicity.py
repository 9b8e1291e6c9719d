"""The multiplicity rule: how a finding's several checks become one verdict without k chances to flip it.

- **Claim.** "Claim holds" needs *every* claim check to pass at its own alpha. That is an intersection-union test: the
  chance of declaring a false claim to hold is at most alpha without any correction, however many checks there are.
  "Not reproduced" needs *some* check to fail, a union: there Holm's step-down rule controls the family-wise error
  at `FAMILY_ALPHA` over the claim checks' p-values of the failing direction. A fail that does not survive Holm
  becomes inconclusive.
- **Reproduction.** "Deviates from reference" needs some reproduction check to reject agreement, again a union: Holm
  over the reproduction checks' p-values. A rejection that does not survive Holm becomes a pass (agreement not
  rejected), so one marginal test among many (a cross-machine p = 0.047 among six checks) does not flip the verdict.

Checks decided by a rule without a test (`p_value` None, e.g. a curve band) keep their verdict. A paper-table cell's
band carries the p-value of its score interval, so Holm applies across a finding's cells too.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Sequence

from suite.checks.kinds import Check, CheckResult
from suite.verdicts import CLAIM, FAIL, INCONCLUSIVE, PASS, REPRODUCTION

FAMILY_ALPHA = 0.05


def holm_rejections(p_values: Sequence[float], alpha: float = FAMILY_ALPHA) -> list[bool]:
    """Holm's step-down rule: which hypotheses are rejected at family-wise level `alpha`.

    >>> holm_rejections([0.01, 0.04, 0.03])   # thresholds 0.05/3, 0.05/2, 0.05/1 in p order: 0.01 yes, 0.03 no, stop
    [True, False, False]
    """
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    m = len(p_values)
    rejected = [False] * m
    for rank, i in enumerate(order):
        if p_values[i] <= alpha / (m - rank):
            rejected[i] = True
        else:
            break
    return rejected


def apply_holm(results: Sequence[CheckResult], role: str, alpha: float = FAMILY_ALPHA) -> tuple[CheckResult, ...]:
    """`results` with the fails of `role` that do not survive Holm turned into inconclusive (claim) or pass
    (reproduction); the evidence says so. Results of the other role are returned unchanged."""
    idx = [i for i, r in enumerate(results)
           if r.role == role and r.p_value is not None and math.isfinite(r.p_value)]
    rejected = holm_rejections([results[i].p_value for i in idx], alpha)
    out = list(results)
    m = len(idx)
    for i, rej in zip(idx, rejected):
        r = results[i]
        if r.verdict == FAIL and not rej:
            new = INCONCLUSIVE if role == CLAIM else PASS
            out[i] = replace(r, verdict=new, evidence=(
                f"{r.evidence} [Holm over {m} {role} checks: p={r.p_value:.3g} does not survive the family-wise "
                f"{alpha:g}; fail -> {new}]"))
    return tuple(out)


def evaluate_checks(checks: Sequence[Check], observations, reference=None) -> tuple[CheckResult, ...]:
    """Every check evaluated on `observations` (and `reference`, for the reproduction checks), then Holm's rule
    within each role: the results a finding's verdicts are made from, in the checks' order."""
    return apply_holm(apply_holm([c.evaluate(observations, reference) for c in checks], CLAIM), REPRODUCTION)
