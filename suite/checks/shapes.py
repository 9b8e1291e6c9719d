"""Claim checks about the shape of a training curve, as the paper describes its figures (§4.1's collapse, §4.2's
stabilised length, §6's "length increases after an initial drop, but never exceeds the initial length").

Each check judges every seed's curve on its own and then takes the majority of seeds: pass when more than half the
seeds pass, fail when more than half fail, otherwise inconclusive. Within one seed, a statement is decided only when it
clears the curve's own noise by a margin:

- the curve is smoothed with a centred moving average over `smooth` (a fraction of its points, at least 3);
- the noise of one smoothed point is `noise_sd(raw) / sqrt(window)` (`suite.stats.noise_sd`: from first differences,
  so a trend does not inflate it);
- a one-sided z of 1.645 (5%) decides; where the statistic is an extreme over many points (a running peak, a maximum),
  the margin is widened to the expected extreme of noise, sqrt(2 ln(blocks)), blocks = points / window.

The p-value each result carries is the median over seeds of the one-sided p of the failing direction, so that the
multiplicity rule (suite.checks.multiplicity) can weigh a shape check like any other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, Literal

import numpy as np

from suite import stats
from suite.checks.kinds import Check, CheckResult, _fmt
from suite.verdicts import FAIL, INCONCLUSIVE, PASS

Z_ONE_SIDED = 1.6448536269514722


@dataclass(frozen=True)
class SeedJudgement:
    verdict: str
    value: float
    p_fail: float  # one-sided p of the failing direction
    text: str


def _z_verdict(z: float, crit: float = Z_ONE_SIDED) -> str:
    return PASS if z >= crit else FAIL if z <= -crit else INCONCLUSIVE


def _p_fail(z: float) -> float:
    """P(a statistic this far on the claimed side | the claim's boundary holds): large when z is positive."""
    from scipy.stats import norm

    return float(norm.cdf(z))


def _extreme_margin(points: int, window: int) -> float:
    return max(Z_ONE_SIDED, math.sqrt(2.0 * math.log(max(points / max(window, 1), 2.0))))


@dataclass(frozen=True)
class _ShapeCheck(Check):
    arm: str = ""
    smooth: float = 0.1  # moving-average window as a fraction of the curve's points

    def arms(self):
        return (self.arm,)

    def _window(self, n: int) -> int:
        w = max(3, int(round(self.smooth * n)))
        return w if w % 2 else w + 1

    def _judge_seed(self, steps: np.ndarray, y: np.ndarray) -> SeedJudgement:
        raise NotImplementedError

    def _claim(self) -> str:
        raise NotImplementedError

    def evaluate(self, run, reference):
        curve = self._curve(run, self.arm, "run")
        steps = np.asarray(curve.steps, dtype=float)
        arr = curve.array()
        tol = "majority of seeds; one-sided 5% noise margins on smoothed curves"
        if steps.size < 8:
            return self._result(INCONCLUSIVE, None, self._claim(), tol, f"only {steps.size} points: too few for a shape")
        seeds = [self._judge_seed(steps, row) for row in arr]
        n = len(seeds)
        n_pass = sum(j.verdict == PASS for j in seeds)
        n_fail = sum(j.verdict == FAIL for j in seeds)
        verdict = PASS if n_pass > n / 2 else FAIL if n_fail > n / 2 else INCONCLUSIVE
        value = float(np.median([j.value for j in seeds]))
        ev = f"{n_pass} of {n} seeds pass, {n_fail} fail: " + "; ".join(f"seed {i}: {j.text}" for i, j in
                                                                            enumerate(seeds))
        return CheckResult(self.name, self.kind, self.role, verdict, self.metric, self.arms(), value, self._claim(),
                           tol, ev, p_value=float(np.median([j.p_fail for j in seeds])),
                           error_basis=f"each seed's own curve noise ({n} seeds, majority rule)")


# =====================================================================================================================
@dataclass(frozen=True)
class Drawdown(_ShapeCheck):
    """A fall from the running peak of the smoothed curve, as a fraction of that peak (e.g. §4.1: accuracy "dropped to
    near zero"). `expect="collapse"` claims a drop of at least `min_drop`; `expect="stable"` claims none that large."""

    kind: ClassVar[str] = "drawdown"
    min_drop: float = 0.5
    expect: Literal["collapse", "stable"] = "collapse"

    def _claim(self):
        return f"drop from the running peak {'>=' if self.expect == 'collapse' else '<'} {self.min_drop:.0%}"

    def _judge_seed(self, steps, y):
        w = self._window(y.size)
        s = stats.moving_average(y, w)
        peaks = np.maximum.accumulate(s)
        drops = peaks - s
        t = int(np.argmax(drops))
        peak = float(peaks[t])
        if peak <= 0:
            return SeedJudgement(INCONCLUSIVE, 0.0, 0.5, "the curve never rises above 0")
        rel = float(drops[t]) / peak
        se = math.sqrt(2.0) * stats.noise_sd(y) / math.sqrt(w) / peak
        margin = _extreme_margin(y.size, w) if self.expect == "collapse" else Z_ONE_SIDED
        z = (rel - self.min_drop) / se if se > 0 else math.copysign(math.inf, rel - self.min_drop)
        if self.expect == "stable":
            z = -z
        text = (f"peak {_fmt(peak)}, trough {_fmt(peak - float(drops[t]))} at step {steps[t]:g}: drop {rel:.0%} "
                f"(±{_fmt(se)} of the peak, window {w})")
        return SeedJudgement(_z_verdict(z, margin), rel, _p_fail(z), text)


# =====================================================================================================================
@dataclass(frozen=True)
class ReachesFraction(_ShapeCheck):
    """The smoothed curve's peak reaches `fraction` of `limit` (e.g. §4.1: length grows until it reaches the context
    limit)."""

    kind: ClassVar[str] = "reaches_fraction"
    limit: float = 1.0
    fraction: float = 0.9

    def _claim(self):
        return f"peak >= {self.fraction:.0%} of {_fmt(self.limit)}"

    def _judge_seed(self, steps, y):
        w = self._window(y.size)
        s = stats.moving_average(y, w)
        t = int(np.argmax(s))
        target = self.fraction * self.limit
        se = stats.noise_sd(y) / math.sqrt(w)
        z = (float(s[t]) - target) / se if se > 0 else math.copysign(math.inf, float(s[t]) - target)
        text = f"peak {_fmt(float(s[t]))} at step {steps[t]:g} = {float(s[t]) / self.limit:.0%} of the limit (±{_fmt(se)})"
        return SeedJudgement(_z_verdict(z), float(s[t]) / self.limit, _p_fail(z), text)


# =====================================================================================================================
@dataclass(frozen=True)
class PlateauBelow(_ShapeCheck):
    """Over `window` (fractions of the run), the curve levels off below `level`: its mean is below the level and its
    fitted change over the window is within ±`max_change` (e.g. §4.1: the exceed rate "levels off below 1")."""

    kind: ClassVar[str] = "plateau_below"
    level: float = 1.0
    max_change: float = 0.1
    window: tuple[float, float] = (0.5, 1.0)

    def _claim(self):
        return f"levels off below {_fmt(self.level)} (change within ±{_fmt(self.max_change)})"

    def _judge_seed(self, steps, y):
        lo = steps[0] + self.window[0] * (steps[-1] - steps[0])
        hi = steps[0] + self.window[1] * (steps[-1] - steps[0])
        keep = (steps >= lo) & (steps <= hi)
        x, v = steps[keep], y[keep]
        if x.size < 8:
            return SeedJudgement(INCONCLUSIVE, math.nan, 0.5, f"only {x.size} points in the window")
        mean, mean_se = float(v.mean()), stats.hac_mean_se(v)
        slope, slope_se = stats.hac_slope(x, v)
        span = float(x[-1] - x[0])
        change, change_se = slope * span, slope_se * span
        z_level = (self.level - mean) / mean_se if mean_se > 0 else math.copysign(math.inf, self.level - mean)
        z_flat = ((self.max_change - abs(change)) / change_se if change_se > 0
                  else math.copysign(math.inf, self.max_change - abs(change)))
        z = min(z_level, z_flat)  # both parts must hold; the weaker one decides
        text = (f"window mean {_fmt(mean)} ± {_fmt(mean_se)} (level {_fmt(self.level)}), change over the window "
                f"{_fmt(change)} ± {_fmt(change_se)} (HAC)")
        return SeedJudgement(_z_verdict(z), mean, _p_fail(z), text)


# =====================================================================================================================
@dataclass(frozen=True)
class Turn(_ShapeCheck):
    """The curve first rises then falls (`shape="rise_then_fall"`), or first falls then rises. The turn is the smoothed
    curve's extreme inside the middle of the run (each segment keeps >= `min_segment` of the points); each segment's
    slope must clear its Newey-West standard error in the claimed direction (two-sided 5%, since the turn is chosen by
    looking at the data). It fails when a segment moves significantly the other way (e.g. a curve that keeps rising
    has its "fall" segment rising)."""

    kind: ClassVar[str] = "turn"
    shape: Literal["rise_then_fall", "fall_then_rise"] = "rise_then_fall"
    min_segment: float = 0.2

    def _claim(self):
        return self.shape.replace("_", " ")

    def _judge_seed(self, steps, y):
        w = self._window(y.size)
        s = stats.moving_average(y, w)
        k0 = max(3, int(self.min_segment * y.size))
        k1 = min(y.size - 3, y.size - k0)
        inner = s[k0:k1 + 1]
        k = k0 + int(np.argmax(inner) if self.shape == "rise_then_fall" else np.argmin(inner))
        first, second = stats.hac_slope(steps[:k + 1], y[:k + 1]), stats.hac_slope(steps[k:], y[k:])
        sign = 1.0 if self.shape == "rise_then_fall" else -1.0
        z1 = sign * first[0] / first[1] if first[1] > 0 else sign * math.copysign(math.inf, first[0])
        z2 = -sign * second[0] / second[1] if second[1] > 0 else -sign * math.copysign(math.inf, second[0])
        crit = 1.959963984540054
        if z1 >= crit and z2 >= crit:
            verdict = PASS
        elif z1 <= -crit or z2 <= -crit:
            verdict = FAIL
        else:
            verdict = INCONCLUSIVE
        z = min(z1, z2)
        text = (f"turn at step {steps[k]:g}; slope before {_fmt(first[0])} ± {_fmt(first[1])}, after "
                f"{_fmt(second[0])} ± {_fmt(second[1])} (HAC)")
        return SeedJudgement(verdict, float(steps[k]), _p_fail(z), text)


# =====================================================================================================================
@dataclass(frozen=True)
class StaysBelowStart(_ShapeCheck):
    """After the first `after` of the run, the smoothed curve never exceeds its starting value (the mean of the first
    `start` of the points; the first point when that is one point). §6: length "never exceeds the initial length of the
    base model"."""

    kind: ClassVar[str] = "stays_below_start"
    start: float = 0.02
    after: float = 0.1

    def _claim(self):
        return "never exceeds its start"

    def _judge_seed(self, steps, y):
        w = self._window(y.size)
        s = stats.moving_average(y, w)
        n0 = max(1, int(round(self.start * y.size)))
        i0 = max(n0, int(self.after * y.size))
        init = float(y[:n0].mean())
        sd = stats.noise_sd(y)
        t = i0 + int(np.argmax(s[i0:]))
        peak = float(s[t])
        se = math.sqrt(sd**2 / n0 + sd**2 / w)
        margin = _extreme_margin(y.size - i0, w)
        z = (init - peak) / se if se > 0 else math.copysign(math.inf, init - peak)
        verdict = PASS if z >= Z_ONE_SIDED else FAIL if z <= -margin else INCONCLUSIVE
        text = f"start {_fmt(init)}, highest later point {_fmt(peak)} at step {steps[t]:g} (±{_fmt(se)})"
        return SeedJudgement(verdict, peak - init, _p_fail(z), text)
