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


# =====================================================================================================================
def _did_samples(check, obs, source):
    """The four arms' per-seed values, in the order of `check.arms()`."""
    return [check._value_sample(obs, arm, source, check.reduce) for arm in check.arms()]


def _did(samples) -> float:
    """(treated_after - treated_before) - (control_after - control_before)."""
    tb, ta, cb, ca = (s.mean for s in samples)
    return (ta - tb) - (ca - cb)


def _did_parts(samples):
    """Variance parts and degrees of freedom of the difference in differences, the four arms taken as independent.
    An arm's RL run starts from the same seed's SFT run, so the two are positively correlated and this overstates
    the variance: the test is conservative. None when an arm has fewer than 2 seeds."""
    if any(s.sd is None or s.n < 2 for s in samples):
        return None
    return [s.sd**2 / s.n for s in samples], [s.n - 1 for s in samples]


@dataclass(frozen=True)
class _TwoPairs(Check):
    """The four arms of a difference in differences: a treated pair and a control pair, each before and after."""

    treated_before: str = ""
    treated_after: str = ""
    control_before: str = ""
    control_after: str = ""
    alpha: float = 0.05
    reduce: Reduce = "last_quarter"

    def arms(self):
        return (self.treated_before, self.treated_after, self.control_before, self.control_after)


@dataclass(frozen=True)
class DifferenceInDifferences(_TwoPairs):
    """Claim that one arm pair changes more than another: (treated_after - treated_before) - (control_after -
    control_before) > min_effect, one-sided Welch-Satterthwaite across seeds (e.g. RL's gain from a long-CoT SFT
    start minus its gain from a short-CoT start). pass: significant in the claimed direction; fail: significant in
    the opposite direction (below min_effect); otherwise inconclusive."""

    kind: ClassVar[str] = "difference_in_differences"
    min_effect: float = 0.0

    def evaluate(self, run, reference):
        samples = _did_samples(self, run, "run")
        did = _did(samples)
        expected = (f"({self.treated_after} - {self.treated_before}) - ({self.control_after} - "
                    f"{self.control_before}) > {_fmt(self.min_effect)}")
        parts = _did_parts(samples)
        tol = f"one-sided Welch-Satterthwaite over four arms, alpha={self.alpha}"
        if parts is None:
            return self._result(INCONCLUSIVE, did, expected, tol,
                                f"needs >= 2 seeds on every arm (seeds: {', '.join(str(s.n) for s in samples)})")
        se, df = stats.satterthwaite(*parts)
        _, p_greater, p_less = stats.t_test(did - self.min_effect, se, df)
        verdict = PASS if p_greater < self.alpha else FAIL if p_less < self.alpha else INCONCLUSIVE
        gains = (f"{self.treated_after} - {self.treated_before} = {_fmt(samples[1].mean - samples[0].mean)}, "
                 f"{self.control_after} - {self.control_before} = {_fmt(samples[3].mean - samples[2].mean)}")
        ev = (f"{gains}; difference in differences {_fmt(did)} ± {_fmt(se)} (SE, df={df:.1f}, arms taken as "
              f"independent: conservative); p(claimed)={p_greater:.3g}, p(opposite)={p_less:.3g}")
        return CheckResult(self.name, self.kind, self.role, verdict, self.metric, self.arms(), did, expected, tol, ev,
                           p_value=p_less, error_basis=f"seed spread ({', '.join(str(s.n) for s in samples)} seeds)")


@dataclass(frozen=True)
class DifferenceInDifferencesAgreement(_TwoPairs):
    """The run's difference in differences agrees with the reference's (two-sided, both sides' seed spread; a run
    with one seed per arm borrows the reference's spread). A run whose treated and control pairs are swapped has the
    opposite effect and fails when the reference resolves it."""

    kind: ClassVar[str] = "difference_in_differences_agreement"
    role: str = REPRODUCTION

    def evaluate(self, run, reference):
        samples = _did_samples(self, run, "run")
        d_run = _did(samples)
        tol = f"two-sided Welch-Satterthwaite, alpha={self.alpha}"
        if reference is None:
            return self._result(INCONCLUSIVE, d_run, None, tol, "no reference to compare with")
        ref = _did_samples(self, reference.observations, f"reference {reference.path}")
        ref_parts = _did_parts(ref)
        if ref_parts is None:
            return self._result(INCONCLUSIVE, d_run, _did(ref), tol,
                                f"needs >= 2 reference seeds per arm (reference: {', '.join(str(s.n) for s in ref)})")
        run_parts = _did_parts(samples)
        basis = "seed spread of run and reference"
        if run_parts is None:
            run_parts = ([r.sd**2 / s.n for r, s in zip(ref, samples)], [r.n - 1 for r in ref])
            basis = "reference seed spread, applied to the run's seeds"
        return _agreement(self, d_run, _did(ref), run_parts, ref_parts, self.alpha, "difference in differences",
                          basis)
