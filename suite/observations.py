"""Observed values of one experiment at one scale, as the checks consume them: per arm, per metric, per seed.

Both sides of a comparison use these types: a run's observations come from its per-seed `metrics.json` files, a
reference's from `reference_results/` (where a summary-only entry, e.g. a paper table cell, has mean/sd/n but no
per-seed values).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class ScalarSample:
    """One scalar metric of one arm across seeds."""

    mean: float
    sd: float | None  # between-seed standard deviation (ddof=1); None when unknown
    n: int  # number of seeds (or independent runs) behind `mean`
    values: tuple[float, ...] | None = None  # per-seed values, when known
    #: the within-run standard error of `mean` when it comes from one run (e.g. an accuracy's problem-clustered SE over
    #: benchmark items and samples, or the Newey-West SE of a curve's window mean); it omits training variance
    within_se: float | None = None
    #: the seed behind each of `values`, when known (a run's own seeds; a reference file does not store them): checks
    #: that pair arms by seed read it
    seeds: tuple[int, ...] | None = None

    @classmethod
    def from_values(cls, values, *, within_se=None, seeds=None) -> "ScalarSample":
        """Per-seed values; `within_se` (one per value, None where unknown) is kept only for a single run; `seeds`
        names the seed of each value."""
        arr = np.asarray(list(values), dtype=float)
        if arr.size == 0:
            raise ValueError("no values")
        sd = float(arr.std(ddof=1)) if arr.size >= 2 else None
        se = None
        if arr.size == 1 and within_se is not None:
            w = list(within_se)[0]
            se = float(w) if w is not None and math.isfinite(float(w)) and float(w) >= 0 else None
        seeds = tuple(int(x) for x in seeds) if seeds is not None else None
        if seeds is not None and len(seeds) != arr.size:
            raise ValueError(f"{len(seeds)} seeds for {arr.size} values")
        return cls(float(arr.mean()), sd, int(arr.size), tuple(float(v) for v in arr), se, seeds)


@dataclass(frozen=True)
class CurveSample:
    """One curve metric of one arm: shared steps and one row of values per seed."""

    steps: tuple[float, ...]
    values: tuple[tuple[float, ...], ...]  # (seeds, steps)
    seeds: tuple[int, ...] | None = None  # the seed of each row, when known

    @classmethod
    def from_seed_curves(cls, curves: list[tuple[list[float], list[float]]], seeds=None) -> "CurveSample":
        """Align per-seed (steps, values) curves on the steps common to all seeds; points that are null or
        non-finite in any seed are dropped (a step where a metric had nothing to average, e.g. no hard problem).
        `seeds` names the seed of each curve."""
        common = None
        for steps, _ in curves:
            s = set(float(x) for x in steps)
            common = s if common is None else common & s
        grid = sorted(common or ())
        rows = []
        for steps, values in curves:
            lut = {float(s): math.nan if v is None else float(v) for s, v in zip(steps, values)}
            rows.append(tuple(lut[s] for s in grid))
        keep = [i for i in range(len(grid)) if all(math.isfinite(r[i]) for r in rows)]
        return cls(tuple(grid[i] for i in keep), tuple(tuple(r[i] for i in keep) for r in rows),
                   tuple(int(x) for x in seeds) if seeds is not None else None)

    def array(self) -> np.ndarray:
        return np.asarray(self.values, dtype=float).reshape(len(self.values), len(self.steps))


@dataclass(frozen=True)
class ArmObservations:
    scalars: dict[str, ScalarSample] = field(default_factory=dict)
    curves: dict[str, CurveSample] = field(default_factory=dict)


#: arm name -> observations
Observations = dict[str, ArmObservations]
