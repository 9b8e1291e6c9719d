"""The level and direction check kinds (the package docstring has the table of all kinds); each `evaluate` is a pure
function of the run's observations and the (optional) reference."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, Literal

import numpy as np

from suite import stats
from suite.errors import UserError
from suite.metrics.names import lookup
from suite.observations import CurveSample, Observations, ScalarSample
from suite.verdicts import CLAIM, FAIL, INCONCLUSIVE, PASS, REPRODUCTION, ROLES

Reduce = Literal["mean", "last_quarter", "last", "max"]


@dataclass(frozen=True)
class CheckResult:
    name: str
    kind: str
    role: str
    verdict: str
    metric: str
    arms: tuple[str, ...]
    observed: float | None
    expected: float | str | None
    tolerance: str
    evidence: str
    #: p-value of the test whose rejection makes this check fail (a claim check: the direction opposite to the claim;
    #: a reproduction check: disagreement with the reference). The multiplicity rule (suite.checks.multiplicity) reads
    #: it; None for a check decided by a rule without a test.
    p_value: float | None = None
    #: which error the decision used, e.g. "seed spread (3 and 3 seeds)", "within-run problem-clustered SE (one run
    #: per arm; training variance not included)", "Newey-West HAC SE (one seed)"; "" for a rule without a test.
    error_basis: str = ""

    def to_dict(self) -> dict:
        """The stored form; `p_value` and `error_basis` appear only when the check has them (a summary written before
        they existed reads back and rewrites byte for byte)."""
        d = {
            "name": self.name,
            "kind": self.kind,
            "role": self.role,
            "verdict": self.verdict,
            "metric": self.metric,
            "arms": list(self.arms),
            "observed": _num(self.observed),
            "expected": _num(self.expected) if not isinstance(self.expected, str) else self.expected,
            "tolerance": self.tolerance,
            "evidence": self.evidence,
        }
        if self.p_value is not None:
            d["p_value"] = _num(self.p_value)
        if self.error_basis:
            d["error_basis"] = self.error_basis
        return d


def _num(x):
    if x is None or isinstance(x, str):
        return x
    x = float(x)
    return round(x, 10) if math.isfinite(x) else None


def _fmt(x: float) -> str:
    return f"{x:.4g}"


@dataclass(frozen=True)
class Check:
    """Base: every check names a metric from the catalogue and has a role (claim or reproduction)."""

    kind: ClassVar[str] = "check"
    name: str
    metric: str

    role: str = CLAIM

    def __post_init__(self):
        lookup(self.metric)  # unknown metric -> UserError at declaration time
        if self.role not in ROLES:
            raise UserError(f"role must be one of {ROLES}, got {self.role!r}", where=f"check {self.name!r}")

    def arms(self) -> tuple[str, ...]:
        raise NotImplementedError

    def evaluate(self, run: Observations, reference: "Reference | None") -> CheckResult:  # noqa: F821
        raise NotImplementedError

    def _result(self, verdict, observed, expected, tolerance, evidence) -> CheckResult:
        return CheckResult(self.name, self.kind, self.role, verdict, self.metric, self.arms(), observed, expected,
                           tolerance, evidence)

    # -- access helpers: a metric missing from a run is a bug in the recipe, reported clearly -----------------------
    def _scalar(self, obs: Observations, arm: str, source: str) -> ScalarSample:
        try:
            return obs[arm].scalars[self.metric]
        except KeyError:
            raise UserError(f"check {self.name!r} needs scalar metric {self.metric!r} of arm {arm!r}, "
                            f"which the {source} does not contain") from None

    def _curve(self, obs: Observations, arm: str, source: str) -> CurveSample:
        try:
            return obs[arm].curves[self.metric]
        except KeyError:
            raise UserError(f"check {self.name!r} needs curve metric {self.metric!r} of arm {arm!r}, "
                            f"which the {source} does not contain") from None

    def _value_sample(self, obs: Observations, arm: str, source: str, reduce: Reduce) -> ScalarSample:
        """A scalar per seed, either the scalar metric itself or a reduction of each seed's curve."""
        if lookup(self.metric).shape == "scalar":
            return self._scalar(obs, arm, source)
        curve = self._curve(obs, arm, source)
        arr = curve.array()
        within = None
        if arr.shape[0] == 1 and reduce in ("mean", "last_quarter"):
            window = arr[0] if reduce == "mean" else arr[0, -max(1, arr.shape[1] // 4):]
            within = [stats.hac_mean_se(window)] if window.size >= 2 else None
        return ScalarSample.from_values(reduce_curve(arr, reduce), within_se=within, seeds=curve.seeds)


def difference_error(a: ScalarSample, b: ScalarSample) -> tuple[float, float, str] | None:
    """(variance of mean(b) - mean(a), degrees of freedom, what it is made of), or None when neither seeds nor a
    within-run error are there to give one. Seeds are preferred (their spread includes training variance); an arm
    with one run contributes its within-run standard error, which omits training variance, and the basis says so."""
    parts, dofs, words = [], [], []
    for s in (a, b):
        if s.sd is not None and s.n >= 2:
            parts.append(s.sd**2 / s.n)
            dofs.append(s.n - 1)
            words.append(f"{s.n} seeds")
        elif s.within_se is not None:
            parts.append(s.within_se**2)
            dofs.append(None)
            words.append("one run (within-run SE)")
        else:
            return None
    se, df = stats.satterthwaite(parts, dofs)
    if all(d is not None for d in dofs):
        basis = f"seed spread ({a.n} and {b.n} seeds)"
    elif all(d is None for d in dofs):
        basis = "within-run standard errors (one run per arm: evaluation noise only, training variance not included)"
    else:
        basis = f"seed spread and within-run SE ({words[0]}; {words[1]}): training variance only where seeds exist"
    return se**2, df, basis


def paired_differences(a: ScalarSample, b: ScalarSample) -> np.ndarray | str:
    """b - a per seed, aligned by seed, or why the two cannot be paired (seeds unknown, different, or fewer than 2)."""
    if a.seeds is None or b.seeds is None or a.values is None or b.values is None:
        return "the seeds behind the values are not known"
    if sorted(a.seeds) != sorted(b.seeds):
        return f"the arms ran different seeds: {sorted(a.seeds)} and {sorted(b.seeds)}"
    if len(a.seeds) < 2:
        return "one seed"
    va, vb = dict(zip(a.seeds, a.values)), dict(zip(b.seeds, b.values))
    return np.array([vb[s] - va[s] for s in sorted(a.seeds)])


def reduce_curve(curves: np.ndarray, reduce: Reduce) -> np.ndarray:
    """Summarise each seed's curve (seeds, steps) to one number per seed."""
    if curves.shape[1] == 0:
        raise UserError("curve has no points")
    if reduce == "mean":
        return curves.mean(axis=1)
    if reduce == "last":
        return curves[:, -1]
    if reduce == "max":
        return curves.max(axis=1)
    if reduce == "last_quarter":
        k = max(1, curves.shape[1] // 4)
        return curves[:, -k:].mean(axis=1)
    raise UserError(f"unknown curve reduction {reduce!r}; use mean, last_quarter, last or max")


# =====================================================================================================================
@dataclass(frozen=True)
class ScalarTolerance(Check):
    """mean(run) - expected inside a tolerance band. `expected` defaults to the reference mean. The band is
    ±max(abs_tol, rel_tol·|expected|) when either is given, else the reference cell's stored tolerance: symmetric
    (`abs`) or an interval [low, high] on run - reference (a score interval, asymmetric near 0 and 1).

    The band is read as a two-sided interval at its confidence (the reference's, 0.95 for a hand-set one), which gives
    the p-value of "the run disagrees with the expected value" that the multiplicity rule reads: the normal
    approximation with the standard error implied by the side of the band the difference falls on (bound / z), so
    p < 1 - confidence exactly when the difference is outside the band. `error_basis` says what the band covers."""

    kind: ClassVar[str] = "scalar_tolerance"
    arm: str = ""
    expected: float | None = None
    abs_tol: float | None = None
    rel_tol: float | None = None
    role: str = REPRODUCTION
    reduce: Reduce = "last_quarter"

    def arms(self):
        return (self.arm,)

    def evaluate(self, run, reference):
        observed = self._value_sample(run, self.arm, "run", self.reduce).mean
        expected = self.expected
        if expected is None:
            if reference is None:
                return self._result(INCONCLUSIVE, observed, None, "n/a", "no reference to compare with")
            expected = self._value_sample(reference.observations, self.arm, f"reference {reference.path}",
                                          self.reduce).mean
        if self.abs_tol is not None or self.rel_tol is not None:
            tol = max(self.abs_tol or 0.0, (self.rel_tol or 0.0) * abs(expected))
            low, high, confidence = -tol, tol, 0.95
            basis = f"abs {self.abs_tol}" if self.rel_tol is None else f"max(abs {self.abs_tol or 0}, rel {self.rel_tol})"
            covers = "hand-set tolerance"
        elif reference is not None and (t := reference.tolerance(self.arm, self.metric)) is not None:
            (low, high), confidence, basis = t.interval, t.confidence, t.basis
            covers = t.covers or "reference tolerance (what it covers is not stated)"
        else:
            raise UserError(f"check {self.name!r} has no tolerance: give abs_tol/rel_tol or store one in the reference")
        diff = observed - expected
        verdict = PASS if low <= diff <= high else FAIL
        p = stats.interval_p_value(diff, low, high, confidence=confidence)
        band = (f"±{_fmt(high)}" if math.isclose(-low, high, rel_tol=1e-9, abs_tol=1e-12)
                else f"[{_fmt(low)}, +{_fmt(high)}]")
        error_basis = (f"{covers}; {100 * confidence:g}% band on run - expected read as a normal test, "
                       f"SE = {'upper' if diff >= 0 else 'lower'} bound / z")
        return CheckResult(self.name, self.kind, self.role, verdict, self.metric, self.arms(), observed, expected,
                           f"{band} ({basis})",
                           f"difference {_fmt(diff)} {'within' if verdict == PASS else 'outside'} {band}; p={p:.3g}",
                           p_value=p, error_basis=error_basis)


# =====================================================================================================================
@dataclass(frozen=True)
class SeedAgreement(Check):
    """Two-sided test that the run's seeds and the reference's seeds share a mean (Welch t, or a bootstrap interval of
    the difference). Not rejecting is weak evidence of agreement; the evidence line says how large a difference the
    seeds could have hidden (the interval)."""

    kind: ClassVar[str] = "seed_agreement"
    arm: str = ""
    alpha: float = 0.05
    test: Literal["welch", "bootstrap"] = "welch"
    role: str = REPRODUCTION
    reduce: Reduce = "last_quarter"

    def arms(self):
        return (self.arm,)

    def evaluate(self, run, reference):
        obs = self._value_sample(run, self.arm, "run", self.reduce)
        if reference is None:
            return self._result(INCONCLUSIVE, obs.mean, None, "n/a", "no reference to compare with")
        ref = self._value_sample(reference.observations, self.arm, f"reference {reference.path}", self.reduce)
        tol = f"two-sided {self.test}, alpha={self.alpha}"
        if obs.n < 2 or ref.n < 2 or ref.sd is None:
            return self._result(INCONCLUSIVE, obs.mean, ref.mean, tol,
                                f"needs >= 2 seeds on each side (run {obs.n}, reference {ref.n})")
        if self.test == "bootstrap" and obs.values and ref.values:
            lo, hi = stats.bootstrap_interval(ref.values, obs.values, confidence=1 - self.alpha)
            verdict = PASS if lo <= 0 <= hi else FAIL
            ev = f"{100 * (1 - self.alpha):.0f}% bootstrap interval of run - reference: [{_fmt(lo)}, {_fmt(hi)}]"
        else:
            r = stats.welch_from_stats(ref.mean, ref.sd, ref.n, obs.mean, obs.sd or 0.0, obs.n)
            verdict = PASS if r.p_two_sided >= self.alpha else FAIL
            ev = f"Welch t: difference {_fmt(r.difference)} ± {_fmt(r.se)} (SE), df={r.df:.1f}, p={r.p_two_sided:.3g}"
            return CheckResult(self.name, self.kind, self.role, verdict, self.metric, self.arms(), obs.mean, ref.mean,
                               tol, ev, p_value=r.p_two_sided,
                               error_basis=f"seed spread (run {obs.n}, reference {ref.n} seeds)")
        return self._result(verdict, obs.mean, ref.mean, tol, ev)


# =====================================================================================================================
@dataclass(frozen=True)
class Directional(Check):
    """Claim that `higher`'s metric exceeds `lower`'s, one-sided Welch across seeds.

    pass: significant in the claimed direction (p < alpha). fail: significant in the opposite direction. Otherwise
    inconclusive. With `min_effect`, the claimed difference must also exceed that margin.

    With `paired`, the test is a paired t on the per-seed differences, when both arms ran the same seeds (>= 2) and
    the run says which value is which seed's: right where the arms of a seed share what the seed drew before them
    (RL arms from the seed's one SFT model), whose spread would otherwise swamp the difference between arms. Where
    the seeds cannot be paired it falls back to Welch and says so in the evidence.
    """

    kind: ClassVar[str] = "directional"
    lower: str = ""
    higher: str = ""
    alpha: float = 0.05
    min_effect: float = 0.0
    reduce: Reduce = "last_quarter"
    use_reference: bool = False  # evaluate on the reference's numbers instead of the run (audits a paper table)
    paired: bool = False

    def arms(self):
        return (self.lower, self.higher)

    def evaluate(self, run, reference):
        if self.use_reference:
            if reference is None:
                return self._result(INCONCLUSIVE, None, "> 0", "n/a", "no reference to audit")
            obs, src = reference.observations, f"reference {reference.path}"
        else:
            obs, src = run, "run"
        a = self._value_sample(obs, self.lower, src, self.reduce)
        b = self._value_sample(obs, self.higher, src, self.reduce)
        expected = f"{self.higher} - {self.lower} > {_fmt(self.min_effect)}"
        diff = b.mean - a.mean
        unpaired = ""
        if self.paired:
            pairs = paired_differences(a, b)
            if isinstance(pairs, str):
                unpaired = f"; unpaired ({pairs})"
            else:
                return self._decide(a, b, float(pairs.mean()), stats.paired_error(pairs), "paired t", expected,
                                    f"paired by seed over seeds {', '.join(map(str, sorted(a.seeds)))}")
        err = difference_error(a, b)
        if err is None:
            return self._result(INCONCLUSIVE, diff, expected, f"one-sided test, alpha={self.alpha}",
                                f"needs a spread on both arms: >= 2 seeds, or one run with a within-run standard error "
                                f"(seeds: {a.n}, {b.n})")
        var, df, basis = err
        return self._decide(a, b, diff, (var, df), "Welch t", expected, basis + unpaired)

    def _decide(self, a: ScalarSample, b: ScalarSample, diff: float, err: tuple[float, float], test: str,
                expected: str, basis: str) -> CheckResult:
        var, df = err
        se = math.sqrt(var)
        dist = "normal" if math.isinf(df) else f"t, df={df:.1f}"
        tol = f"one-sided {'z' if math.isinf(df) else test}, alpha={self.alpha}"
        # fail = significantly short of the claimed margin (below 0 when min_effect is 0)
        _, p_greater, p_less = stats.t_test(diff - self.min_effect, se, df)
        if p_greater < self.alpha:
            verdict = PASS
        elif p_less < self.alpha:
            verdict = FAIL
        else:
            verdict = INCONCLUSIVE
        ev = (f"{self.higher}={_fmt(b.mean)} (n={b.n}), {self.lower}={_fmt(a.mean)} (n={a.n}); "
              f"difference {_fmt(diff)} ± {_fmt(se)} (SE, {dist}); p(claimed)={p_greater:.3g}, p(opposite)={p_less:.3g}")
        return CheckResult(self.name, self.kind, self.role, verdict, self.metric, self.arms(), diff, expected, tol, ev,
                           p_value=p_less, error_basis=basis)


# =====================================================================================================================
@dataclass(frozen=True)
class AboveLevel(Check):
    """Claim that one arm's metric exceeds a fixed `level` (e.g. a behaviour is present at all: its rate is above 0),
    one-sided one-sample t across seeds (or, for one run, its within-run standard error). pass: significantly above;
    fail: significantly below; otherwise inconclusive. A level every seed equals exactly (no spread) decides by the
    sign alone."""

    kind: ClassVar[str] = "above_level"
    arm: str = ""
    level: float = 0.0
    alpha: float = 0.05
    reduce: Reduce = "last_quarter"

    def arms(self):
        return (self.arm,)

    def evaluate(self, run, reference):
        v = self._value_sample(run, self.arm, "run", self.reduce)
        expected = f"{self.arm} > {_fmt(self.level)}"
        diff = v.mean - self.level
        if v.sd is not None and v.n >= 2:
            se, df, basis = v.sd / math.sqrt(v.n), v.n - 1, f"seed spread ({v.n} seeds)"
        elif v.within_se is not None:
            se, df, basis = v.within_se, math.inf, "within-run standard error (one run)"
        else:
            return self._result(INCONCLUSIVE, v.mean, expected, f"one-sided test, alpha={self.alpha}",
                                f"needs >= 2 seeds or one run with a within-run standard error (seeds: {v.n})")
        _, p_greater, p_less = stats.t_test(diff, se, df)
        verdict = PASS if p_greater < self.alpha else FAIL if p_less < self.alpha else INCONCLUSIVE
        ev = (f"{self.arm}={_fmt(v.mean)} (n={v.n}) against {_fmt(self.level)}: difference {_fmt(diff)} ± {_fmt(se)} "
              f"(SE); p(claimed)={p_greater:.3g}, p(opposite)={p_less:.3g}")
        return CheckResult(self.name, self.kind, self.role, verdict, self.metric, self.arms(), v.mean, expected,
                           f"one-sided one-sample {'z' if math.isinf(df) else 't'}, alpha={self.alpha}", ev,
                           p_value=p_less, error_basis=basis)


# =====================================================================================================================
@dataclass(frozen=True)
class Trend(Check):
    """Claim about a curve's direction over a window of training: the slope's confidence interval excludes 0 in the
    claimed direction (pass), in the other direction (fail), or straddles 0 (inconclusive). `window` is a pair of
    fractions of the run's steps."""

    kind: ClassVar[str] = "trend"
    arm: str = ""
    direction: Literal["increasing", "decreasing"] = "increasing"
    window: tuple[float, float] = (0.0, 1.0)
    confidence: float = 0.95

    def arms(self):
        return (self.arm,)

    def evaluate(self, run, reference):
        curve = self._curve(run, self.arm, "run")
        steps = np.asarray(curve.steps, dtype=float)
        arr = curve.array()
        if steps.size:
            lo_s = steps[0] + self.window[0] * (steps[-1] - steps[0])
            hi_s = steps[0] + self.window[1] * (steps[-1] - steps[0])
            keep = (steps >= lo_s) & (steps <= hi_s)
            steps, arr = steps[keep], arr[:, keep]
        tol = f"{100 * self.confidence:.0f}% CI of the slope excludes 0"
        if steps.size < 3:
            return self._result(INCONCLUSIVE, None, self.direction, tol, f"only {steps.size} points in the window")
        if arr.shape[0] == 1 and steps.size < 8:
            return self._result(INCONCLUSIVE, None, self.direction, tol,
                                f"one seed with {steps.size} points: too few for an autocorrelation-robust slope")
        est = stats.slope_interval(steps, arr, confidence=self.confidence)
        up = self.direction == "increasing"
        if (est.ci_low > 0) if up else (est.ci_high < 0):
            verdict = PASS
        elif (est.ci_high < 0) if up else (est.ci_low > 0):
            verdict = FAIL
        else:
            verdict = INCONCLUSIVE
        ev = f"slope {_fmt(est.slope)}/step, CI [{_fmt(est.ci_low)}, {_fmt(est.ci_high)}] ({est.method})"
        basis = (f"seed spread of per-seed slopes ({est.n_seeds} seeds)" if est.n_seeds >= 2
                 else "Newey-West HAC SE of one curve (training variance not included)")
        return CheckResult(self.name, self.kind, self.role, verdict, self.metric, self.arms(), est.slope,
                           self.direction, tol, ev, p_value=est.p_opposite(up), error_basis=basis)


# =====================================================================================================================
@dataclass(frozen=True)
class CurveBand(Check):
    """The run's mean curve lies inside the reference seeds' pointwise band (mean ± k_sd·sd, never narrower than the
    seeds' min..max) at >= `min_fraction` of the reference steps the run covers."""

    kind: ClassVar[str] = "curve_band"
    arm: str = ""
    min_fraction: float = 0.8
    k_sd: float | None = 2.0
    role: str = REPRODUCTION

    def arms(self):
        return (self.arm,)

    def evaluate(self, run, reference):
        curve = self._curve(run, self.arm, "run")
        tol = f">= {self.min_fraction:.0%} of points inside the reference band (k_sd={self.k_sd})"
        if reference is None:
            return self._result(INCONCLUSIVE, None, self.min_fraction, tol, "no reference to compare with")
        ref = self._curve(reference.observations, self.arm, f"reference {reference.path}")
        lo, hi = stats.reference_band(ref.array(), k_sd=self.k_sd)
        rs = np.asarray(ref.steps, dtype=float)
        xs = np.asarray(curve.steps, dtype=float)
        if xs.size == 0 or rs.size == 0:
            return self._result(INCONCLUSIVE, None, self.min_fraction, tol, "empty curve")
        inside_range = (rs >= xs.min()) & (rs <= xs.max())
        if inside_range.sum() == 0:
            return self._result(INCONCLUSIVE, None, self.min_fraction, tol, "run and reference share no steps")
        mean_run = np.interp(rs[inside_range], xs, curve.array().mean(axis=0))
        frac = stats.fraction_inside(mean_run, lo[inside_range], hi[inside_range])
        verdict = PASS if frac >= self.min_fraction else FAIL
        ev = f"{frac:.0%} of {int(inside_range.sum())} reference steps inside the band"
        return self._result(verdict, frac, self.min_fraction, tol, ev)

