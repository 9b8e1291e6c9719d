"""Reproduction checks on what a finding is about: the difference between arms, and the change training made.

A level check (`seed_agreement`, `curve_band`) certifies that a run resembles the reference arm by arm; two arms that
behave alike pass it whichever way round they are fed. These checks compare the *effect*: the run's difference between
two arms (or an arm's change from the start of training to its end) against the reference's, on a band made of both
sides' seed spread. A run whose arms are swapped has the opposite effect and fails, provided the reference resolves the
effect at all; the evidence says how a swapped run would fare, so a reader sees whether the check can discriminate.

The seed spread is also what absorbs numeric drift between machines: a different CPU moves the last bits, the
trajectories diverge and land somewhere inside the seeds' spread, which is exactly the band.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


from suite import stats
from suite.checks.kinds import Check, CheckResult, Reduce, _fmt, reduce_curve
from suite.observations import ScalarSample
from suite.verdicts import FAIL, INCONCLUSIVE, PASS, REPRODUCTION


def _diff_components(a: ScalarSample, b: ScalarSample, fallback: tuple[ScalarSample, ScalarSample] | None):
    """Variance parts and degrees of freedom of mean(b) - mean(a); an arm without a seed spread borrows the spread of
    the matching `fallback` arm (the reference's seeds, scaled to this side's seed count)."""
    parts, dofs, borrowed = [], [], False
    for i, s in enumerate((a, b)):
        if s.sd is not None and s.n >= 2:
            parts.append(s.sd**2 / s.n)
            dofs.append(s.n - 1)
        elif fallback is not None and fallback[i].sd is not None and fallback[i].n >= 2:
            parts.append(fallback[i].sd**2 / s.n)
            dofs.append(fallback[i].n - 1)
            borrowed = True
        else:
            return None
    return parts, dofs, borrowed


def _agreement(check: Check, d_run: float, d_ref: float, run_parts, ref_parts, alpha: float, what: str,
               basis: str) -> CheckResult:
    parts = run_parts[0] + ref_parts[0]
    dofs = run_parts[1] + ref_parts[1]
    se, df, p, _ = stats.satterthwaite_test(d_run - d_ref, parts, dofs)
    _, _, p_swap, _ = stats.satterthwaite_test(-2 * d_ref, parts, dofs)
    verdict = PASS if p >= alpha else FAIL
    ev = (f"{what}: run {_fmt(d_run)}, reference {_fmt(d_ref)}; difference {_fmt(d_run - d_ref)} ± {_fmt(se)} (SE, "
          f"df={df:.1f}), p={p:.3g}. A run with the effect reversed would give p={p_swap:.3g}"
          + ("" if p_swap < alpha else " (this check cannot tell it from the reference)"))
    return CheckResult(check.name, check.kind, check.role, verdict, check.metric, check.arms(), d_run, d_ref,
                       f"two-sided Welch-Satterthwaite, alpha={alpha}", ev, p_value=p, error_basis=basis)


# =====================================================================================================================
@dataclass(frozen=True)
class DifferenceAgreement(Check):
    """The run's difference `higher - lower` agrees with the reference's (two-sided test on both sides' seed spread).
    With one seed per arm in the run, the reference's seed spread stands in for the run's (said in the basis)."""

    kind: ClassVar[str] = "difference_agreement"
    lower: str = ""
    higher: str = ""
    alpha: float = 0.05
    reduce: Reduce = "last_quarter"
    role: str = REPRODUCTION

    def arms(self):
        return (self.lower, self.higher)

    def evaluate(self, run, reference):
        a = self._value_sample(run, self.lower, "run", self.reduce)
        b = self._value_sample(run, self.higher, "run", self.reduce)
        d_run = b.mean - a.mean
        tol = f"two-sided Welch-Satterthwaite, alpha={self.alpha}"
        if reference is None:
            return self._result(INCONCLUSIVE, d_run, None, tol, "no reference to compare with")
        src = f"reference {reference.path}"
        ra = self._value_sample(reference.observations, self.lower, src, self.reduce)
        rb = self._value_sample(reference.observations, self.higher, src, self.reduce)
        ref_parts = _diff_components(ra, rb, None)
        run_parts = _diff_components(a, b, (ra, rb))
        if ref_parts is None or run_parts is None:
            return self._result(INCONCLUSIVE, d_run, rb.mean - ra.mean, tol,
                                f"needs >= 2 reference seeds per arm (reference: {ra.n}, {rb.n})")
        basis = ("seed spread of run and reference" if not run_parts[2]
                 else "reference seed spread, applied to the run's single seed")
        return _agreement(self, d_run, rb.mean - ra.mean, run_parts[:2], ref_parts[:2], self.alpha,
                          f"{self.higher} - {self.lower}", basis)


# =====================================================================================================================
@dataclass(frozen=True)
class ChangeAgreement(Check):
    """The change training made to one arm's curve (its end, `reduce`, minus its start, the mean of the first `start`
    of the points, per seed) agrees with the reference's change. For findings with one arm, this is the effect."""

    kind: ClassVar[str] = "change_agreement"
    arm: str = ""
    start: float = 0.05
    alpha: float = 0.05
    reduce: Reduce = "last_quarter"
    role: str = REPRODUCTION

    def arms(self):
        return (self.arm,)

    def _changes(self, obs, source) -> ScalarSample:
        arr = self._curve(obs, self.arm, source).array()
        k = max(1, int(round(self.start * arr.shape[1])))
        return ScalarSample.from_values(reduce_curve(arr, self.reduce) - arr[:, :k].mean(axis=1))

    def evaluate(self, run, reference):
        c = self._changes(run, "run")
        tol = f"two-sided Welch-Satterthwaite, alpha={self.alpha}"
        if reference is None:
            return self._result(INCONCLUSIVE, c.mean, None, tol, "no reference to compare with")
        rc = self._changes(reference.observations, f"reference {reference.path}")
        if rc.sd is None:
            return self._result(INCONCLUSIVE, c.mean, rc.mean, tol, f"needs >= 2 reference seeds (has {rc.n})")
        run_sd, run_dof, basis = c.sd, c.n - 1, "seed spread of run and reference"
        if run_sd is None:
            run_sd, run_dof, basis = rc.sd, rc.n - 1, "reference seed spread, applied to the run's single seed"
        return _agreement(self, c.mean, rc.mean, ([run_sd**2 / c.n], [run_dof]), ([rc.sd**2 / rc.n], [rc.n - 1]),
                          self.alpha, f"change of {self.arm} over training", basis)
