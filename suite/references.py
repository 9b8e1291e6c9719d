"""Reference results: `reference_results/<scale>/<experiment-id>.json` (or `.toml`), validated against a schema.

File layout (JSON shown; TOML has the same structure):

    {
      "schema": "longcot.reference/1",
      "experiment": "takeaway-3.3", "experiment_version": 1, "scale": "paper",
      "source": "paper Table 1 (arXiv 2502.03373v1)",
      "notes": ["free text: documented inconsistencies, deviations"],
      "provenance": {"suite_version": ..., "git_commit": ..., "libraries": {...}, "hardware": ..., "date": ...},
      "arms": {
        "<arm>": {
          "scalars": {"<metric>": {"per_seed": [..] | null, "mean": 0.5, "sd": 0.01 | null, "n": 4,
                                    "tolerance": <tolerance> | null}},
          "curves":  {"<metric>": {"steps": [...], "per_seed": [[...], ...]}}
        }
      }
    }

Raw per-seed values are the primary data; means and spreads are checked against them. Every error names the file and
the field.

A cell's `<tolerance>` bounds run - reference (the run's mean minus the cell's `mean`) at `confidence`:

- symmetric (the original form): `{"abs": 0.03, "basis": "how it was derived"}`: |run - reference| <= abs.
- an interval: `{"low": -0.004, "high": 0.031, "basis": ..., "abs": 0.031}`: low <= run - reference <= high, with
  low <= 0 <= high; it may be asymmetric (a score interval near 0 or 1). `abs` is optional here; when given it must
  equal max(-low, high), the symmetric band for readers that only understand the first form.
- optional in both: `"confidence"` (default 0.95; the band is read as a two-sided interval at that level, which is how
  a check turns it into a p-value), `"covers"` (what the band includes, e.g. "evaluation noise + assumed training
  variance" or "evaluation noise only"; "" when not stated) and `"components"` (an object that states each term, for
  the reader; not interpreted).
"""

from __future__ import annotations

import json
import math
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from suite.errors import UserError
from suite.metrics.names import CATALOG
from suite.observations import ArmObservations, CurveSample, Observations, ScalarSample

SCHEMA = "longcot.reference/1"
#: Folder name of the shipped references, both in the source tree and inside an installed `suite` package.
SHIPPED_REFERENCES = "reference_results"
REQUIRED_PROVENANCE = ("suite_version", "git_commit", "libraries", "hardware", "date")


@dataclass(frozen=True)
class Tolerance:
    """How far a run may sit from a reference cell: low <= run - reference <= high, read as a two-sided interval at
    `confidence`. `abs` is the symmetric half-width (max(-low, high) when an interval is stored).

    It still unpacks and indexes as the original `(abs, basis)` pair, for code written against that form.
    """

    abs: float
    basis: str
    low: float | None = None
    high: float | None = None
    covers: str = ""
    confidence: float = 0.95
    components: dict = field(default_factory=dict, compare=False)

    @property
    def interval(self) -> tuple[float, float]:
        """(low, high) bounds on run - reference; (-abs, abs) for a symmetric tolerance."""
        if self.low is None or self.high is None:
            return -self.abs, self.abs
        return self.low, self.high

    @property
    def symmetric(self) -> bool:
        low, high = self.interval
        return math.isclose(-low, high, rel_tol=1e-9, abs_tol=1e-12)

    def __iter__(self):  # the original (abs, basis) pair
        return iter((self.abs, self.basis))

    def __getitem__(self, i):
        return (self.abs, self.basis)[i]

    def __len__(self) -> int:
        return 2


TOLERANCE_FIELDS = ("abs", "low", "high", "basis", "covers", "confidence", "components")


@dataclass(frozen=True)
class Reference:
    path: Path
    experiment: str
    experiment_version: int
    scale: str
    source: str
    notes: tuple[str, ...]
    provenance: dict
    observations: Observations
    tolerances: dict[tuple[str, str], Tolerance] = field(default_factory=dict)

    def tolerance(self, arm: str, metric: str) -> Tolerance | None:
        """The stored tolerance of one cell; an `(abs, basis)` pair put in `tolerances` by hand reads as a symmetric
        `Tolerance`."""
        t = self.tolerances.get((arm, metric))
        if t is None or isinstance(t, Tolerance):
            return t
        value, basis = t
        return Tolerance(float(value), str(basis))


def default_root() -> Path:
    """The directory of the suite's own reference results (`<root>/<scale>/<id>.json`), used when no
    `--references` is given.

    They are package data of `suite`. A built install (`pip install .`, a wheel) carries them inside the package, at
    `suite/reference_results/`: pyproject.toml maps the source tree's top-level `reference_results/` there. An editable
    install or a plain checkout imports `suite` from the source tree, where that mapping is not applied, so the same
    files are found where pyproject.toml takes them from: `reference_results/` beside the `suite/` package. When
    neither exists (an install without its data), the built location is returned and loading a reference from it
    reports the missing file.
    """
    package = resources.files("suite")
    if not isinstance(package, Path):  # a zip import has no directory to hand out
        raise UserError("the suite is installed in a zip archive; pass --references with a directory",
                        where=str(package))
    built = package / SHIPPED_REFERENCES
    source = package.parent / SHIPPED_REFERENCES
    return built if built.is_dir() or not source.is_dir() else source


def reference_path(root: Path, scale: str, experiment_id: str) -> Path | None:
    for ext in (".json", ".toml"):
        p = Path(root) / scale / f"{experiment_id}{ext}"
        if p.exists():
            return p
    return None


def load_reference(path: str | Path) -> Reference:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read reference file: {exc.strerror or exc}", where=str(path)) from None
    toml = path.suffix == ".toml"
    try:
        data = tomllib.loads(raw.decode()) if toml else json.loads(raw)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, TOMLDecodeError, UnicodeDecodeError, huge ints
        raise UserError(f"not valid {'TOML' if toml else 'JSON'}: {exc}", where=str(path)) from None
    return parse_reference(data, path)


class _V:
    """Small validator that carries the file path and the JSON path of the value it looks at."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, at: str, msg: str):
        raise UserError(msg, where=f"{self.path}: {at}")

    def obj(self, d: Any, at: str) -> dict:
        if not isinstance(d, dict):
            self.fail(at, f"expected an object, got {type(d).__name__}")
        return d

    def key(self, d: dict, k: str, at: str) -> Any:
        if k not in d:
            self.fail(f"{at}.{k}" if at else k, "required field is missing")
        return d[k]

    def num(self, x: Any, at: str, *, allow_none=False) -> float | None:
        if x is None and allow_none:
            return None
        try:
            finite = not isinstance(x, bool) and isinstance(x, (int, float)) and math.isfinite(x)
        except OverflowError:  # an integer too large for a float
            finite = False
        if not finite:
            self.fail(at, f"expected a finite number, got {_short(x)}")
        return float(x)

    def str_(self, x: Any, at: str) -> str:
        if not isinstance(x, str) or not x:
            self.fail(at, f"expected a non-empty string, got {_short(x)}")
        return x

    def numlist(self, x: Any, at: str) -> list[float]:
        if not isinstance(x, list) or not x:
            self.fail(at, f"expected a non-empty list of numbers, got {_short(x)}")
        return [self.num(v, f"{at}[{i}]") for i, v in enumerate(x)]


def _short(x: Any, limit: int = 80) -> str:
    """repr(x), shortened for an error message."""
    try:
        text = repr(x)
    except ValueError:  # an integer with more digits than Python prints
        return f"an integer too large ({type(x).__name__})"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def parse_reference(data: Any, path: Path) -> Reference:
    v = _V(path)
    d = v.obj(data, "(top level)")
    schema = v.key(d, "schema", "")
    if schema != SCHEMA:
        v.fail("schema", f"expected {SCHEMA!r}, got {_short(schema)}")
    experiment = v.str_(v.key(d, "experiment", ""), "experiment")
    version = v.key(d, "experiment_version", "")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        v.fail("experiment_version", f"expected a positive integer, got {_short(version)}")
    scale = v.str_(v.key(d, "scale", ""), "scale")
    if scale not in ("tiny", "gpu", "paper"):
        v.fail("scale", f"expected tiny, gpu or paper, got {_short(scale)}")
    if path.parent.name in ("tiny", "gpu", "paper") and path.parent.name != scale:
        v.fail("scale", f"file lives under {path.parent.name}/ but says scale {scale!r}")
    if path.stem != experiment:
        v.fail("experiment", f"file is named {path.name} but holds experiment {_short(experiment)}")
    source = v.str_(v.key(d, "source", ""), "source")
    notes = d.get("notes", [])
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        v.fail("notes", "expected a list of strings")
    prov = v.obj(v.key(d, "provenance", ""), "provenance")
    for k in REQUIRED_PROVENANCE:
        v.key(prov, k, "provenance")

    observations: Observations = {}
    tolerances: dict[tuple[str, str], Tolerance] = {}
    arms = v.obj(v.key(d, "arms", ""), "arms")
    if not arms:
        v.fail("arms", "expected at least one arm")
    for arm, body in arms.items():
        at = f"arms.{arm}"
        body = v.obj(body, at)
        unknown = set(body) - {"scalars", "curves"}
        if unknown:
            v.fail(at, f"unexpected field(s) {sorted(unknown)}; allowed: scalars, curves")
        scalars = {}
        for metric, entry in v.obj(body.get("scalars", {}), f"{at}.scalars").items():
            mat = f"{at}.scalars.{metric}"
            _known_metric(v, metric, mat, "scalar")
            scalars[metric], tol = _parse_scalar(v, entry, mat)
            if tol is not None:
                tolerances[(arm, metric)] = tol
        curves = {}
        for metric, entry in v.obj(body.get("curves", {}), f"{at}.curves").items():
            mat = f"{at}.curves.{metric}"
            _known_metric(v, metric, mat, "curve")
            entry = v.obj(entry, mat)
            steps = v.numlist(v.key(entry, "steps", mat), f"{mat}.steps")
            rows = v.key(entry, "per_seed", mat)
            if not isinstance(rows, list) or not rows:
                v.fail(f"{mat}.per_seed", "expected a non-empty list of per-seed curves")
            parsed = []
            for i, row in enumerate(rows):
                row = v.numlist(row, f"{mat}.per_seed[{i}]")
                if len(row) != len(steps):
                    v.fail(f"{mat}.per_seed[{i}]", f"has {len(row)} values but steps has {len(steps)}")
                parsed.append(tuple(row))
            curves[metric] = CurveSample(tuple(steps), tuple(parsed), _parse_seeds(v, entry, len(parsed), mat))
        observations[arm] = ArmObservations(scalars, curves)
    return Reference(path, experiment, version, scale, source, tuple(notes), prov, observations, tolerances)


def _known_metric(v: _V, metric: str, at: str, shape: str) -> None:
    m = CATALOG.get(metric)
    if m is None:
        v.fail(at, f"unknown metric {metric!r} (see suite/metrics/names.py)")
    if m.shape != shape:
        v.fail(at, f"metric {metric!r} is a {m.shape}, listed under {shape}s")


def _parse_scalar(v: _V, entry: Any, at: str) -> tuple[ScalarSample, Tolerance | None]:
    entry = v.obj(entry, at)
    mean = v.num(v.key(entry, "mean", at), f"{at}.mean")
    n = v.key(entry, "n", at)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        v.fail(f"{at}.n", f"expected a positive integer, got {_short(n)}")
    sd = v.num(entry.get("sd"), f"{at}.sd", allow_none=True)
    if sd is not None and sd < 0:
        v.fail(f"{at}.sd", f"a standard deviation cannot be negative, got {sd}")
    per_seed = entry.get("per_seed")
    values = None
    if per_seed is not None:
        values = tuple(v.numlist(per_seed, f"{at}.per_seed"))
        if len(values) != n:
            v.fail(f"{at}.n", f"n = {n} but per_seed has {len(values)} values")
        arr = np.asarray(values)
        if abs(arr.mean() - mean) > 1e-9 * max(1.0, abs(mean)):
            v.fail(f"{at}.mean", f"mean {mean} disagrees with the mean of per_seed ({arr.mean():.12g})")
        if n >= 2 and sd is not None and abs(arr.std(ddof=1) - sd) > 1e-9 * max(1.0, sd):
            v.fail(f"{at}.sd", f"sd {sd} disagrees with the sd (ddof=1) of per_seed ({arr.std(ddof=1):.12g})")
    tol = _parse_tolerance(v, entry["tolerance"], f"{at}.tolerance") if entry.get("tolerance") is not None else None
    seeds = _parse_seeds(v, entry, len(values), at) if values is not None else None
    return ScalarSample(mean, sd, n, values, None, seeds), tol


def _parse_seeds(v: _V, entry: dict, n: int, at: str) -> tuple[int, ...] | None:
    """The optional `seeds` of a per-seed entry: distinct non-negative integers, one per per-seed value."""
    seeds = entry.get("seeds")
    if seeds is None:
        return None
    if (not isinstance(seeds, list) or len(seeds) != n or len(set(map(str, seeds))) != n
            or any(isinstance(x, bool) or not isinstance(x, int) or x < 0 for x in seeds)):
        v.fail(f"{at}.seeds", f"expected {n} distinct non-negative integers (one per per-seed value), got "
                              f"{_short(seeds)}")
    return tuple(seeds)


def _parse_tolerance(v: _V, t: Any, at: str) -> Tolerance:
    """Either form of a cell's tolerance (see the module docstring)."""
    t = v.obj(t, at)
    unknown = set(t) - set(TOLERANCE_FIELDS)
    if unknown:
        v.fail(at, f"unexpected field(s) {sorted(unknown)}; allowed: {', '.join(TOLERANCE_FIELDS)}")
    basis = v.str_(v.key(t, "basis", at), f"{at}.basis")
    low = high = None
    if "low" in t or "high" in t:
        low = v.num(v.key(t, "low", at), f"{at}.low")
        high = v.num(v.key(t, "high", at), f"{at}.high")
        if low > 0:
            v.fail(f"{at}.low", f"the lower bound on run - reference must be <= 0 (the reference must agree with "
                                f"itself), got {low}")
        if high < 0:
            v.fail(f"{at}.high", f"the upper bound on run - reference must be >= 0, got {high}")
        if high - low <= 0:
            v.fail(at, f"the interval [{low}, {high}] is empty")
        value = max(-low, high)
        if "abs" in t:
            given = v.num(t["abs"], f"{at}.abs")
            if abs(given - value) > 1e-6:
                v.fail(f"{at}.abs", f"abs {given} disagrees with max(-low, high) = {value:.6g}")
    else:
        value = v.num(v.key(t, "abs", at), f"{at}.abs")
        if value <= 0:
            v.fail(f"{at}.abs", f"a tolerance must be positive, got {value}")
    confidence = v.num(t.get("confidence", 0.95), f"{at}.confidence")
    if not 0 < confidence < 1:
        v.fail(f"{at}.confidence", f"expected a level in (0, 1), got {confidence}")
    covers = v.str_(t["covers"], f"{at}.covers") if "covers" in t else ""
    components = v.obj(t.get("components", {}), f"{at}.components")
    return Tolerance(value, basis, low, high, covers, confidence, components)
