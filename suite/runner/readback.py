"""Reading a finished run back: the per-seed metrics, the observations checks consume, wall times, recipes, run.json.

The report, `promote` and the runner's own judging read a run directory only through these functions (and
`read_summary`), so the on-disk layout stays the business of `layout.py`. Bad files are `UserError`s naming the file.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Mapping

from suite.errors import UserError
from suite.observations import ArmObservations, CurveSample, Observations, ScalarSample
from suite.runner.layout import RunLayout
from suite.runner.summary import ArmRun, ExperimentSummary


def _read_json(path: Path, missing: str) -> dict:
    """A JSON object from `path`; `missing` says what to do when it does not exist."""
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise UserError(missing, where=str(path)) from None
    except OSError as exc:
        raise UserError(f"cannot read file: {exc.strerror}", where=str(path)) from None
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError, an integer too long
        raise UserError(f"damaged file, not valid JSON: {exc}", where=str(path)) from None
    if not isinstance(data, dict):
        raise UserError(f"expected a JSON object, got {type(data).__name__}", where=str(path))
    return data


def load_metrics(run_dir: Path, recipe_hash: str, seed: int) -> dict:
    """One seed's metrics.json: {"schema", "recipe_hash", "recipe_kind", "seed", "scalars": {name: value},
    "curves": {name: {"step": [...], "value": [...]}}, "provenance": {...}} and, optionally, "scalar_se": {name: the
    within-run standard error of that scalar} (e.g. an evaluation's problem-clustered SE, for one-run decisions)."""
    path = RunLayout(run_dir).metrics_json(recipe_hash, seed)
    data = _read_json(path, "metrics file is missing; run `longcot run` on this directory first")
    for k in ("scalars", "curves"):
        if not isinstance(data.get(k), dict):
            raise UserError("required field is missing or not an object", where=f"{path}: {k}")
    for name, value in data["scalars"].items():
        if not _is_number(value):
            raise UserError(f"expected a number, got {value!r}", where=f"{path}: scalars.{name}")
    for name, curve in data["curves"].items():
        _check_curve(curve, f"{path}: curves.{name}")
    se = data.get("scalar_se", {})
    if not isinstance(se, dict) or any(not _is_number(v) or v < 0 for v in se.values()):
        raise UserError("expected an object of non-negative numbers (a standard error per scalar)",
                        where=f"{path}: scalar_se")
    if "provenance" in data and not isinstance(data["provenance"], dict):
        raise UserError(f"expected an object, got {type(data['provenance']).__name__}", where=f"{path}: provenance")
    return data


def _is_number(x) -> bool:
    """A JSON number (NaN and infinities included, as the runner writes them), not a boolean."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return False
    try:
        float(x)
    except OverflowError:  # an integer too large for a float
        return False
    return True


def _check_curve(curve, where: str) -> None:
    """{"step": [finite numbers], "value": [numbers or null]} of equal lengths, as the runner writes a curve."""
    if not isinstance(curve, dict):
        raise UserError(f"expected an object with 'step' and 'value' lists, got {type(curve).__name__}", where=where)
    for k in ("step", "value"):
        if not isinstance(curve.get(k), list):
            raise UserError("required field is missing or not a list", where=f"{where}.{k}")
    steps, values = curve["step"], curve["value"]
    for i, x in enumerate(steps):
        if not _is_number(x) or not math.isfinite(x):
            raise UserError(f"expected a finite number, got {x!r}", where=f"{where}.step[{i}]")
    for i, x in enumerate(values):
        if x is not None and not _is_number(x):
            raise UserError(f"expected a number or null, got {x!r}", where=f"{where}.value[{i}]")
    if len(steps) != len(values):
        raise UserError(f"has {len(steps)} steps but {len(values)} values", where=where)


def arm_observations(run_dir: Path, arms: Mapping[str, ArmRun]) -> Observations:
    """Per arm, every scalar and curve its seeds' metrics files hold (`observations_of`)."""
    return observations_of({arm: {s: load_metrics(run_dir, a.recipe_hash, s) for s in a.seeds}
                            for arm, a in arms.items()})


def observations_of(per_arm: Mapping[str, Mapping[int, dict]]) -> Observations:
    """{arm: {seed: metrics dict, as `load_metrics` returns it}} -> observations: a metric missing from some seeds is
    summarised over the seeds that have it; curves are aligned on the steps all those seeds share."""
    obs: Observations = {}
    for arm, by_seed in per_arm.items():
        seeds, per_seed = list(by_seed), list(by_seed.values())
        scalars = {}
        for name in sorted(set().union(*(m["scalars"] for m in per_seed))):
            have = [(s, m) for s, m in zip(seeds, per_seed) if name in m["scalars"]]
            scalars[name] = ScalarSample.from_values([m["scalars"][name] for _, m in have],
                                                     within_se=[m.get("scalar_se", {}).get(name) for _, m in have],
                                                     seeds=[s for s, _ in have])
        curves = {}
        for name in sorted(set().union(*(m["curves"] for m in per_seed))):
            have = [(s, m) for s, m in zip(seeds, per_seed) if name in m["curves"]]
            rows = [(m["curves"][name]["step"], m["curves"][name]["value"]) for _, m in have]
            curves[name] = CurveSample.from_seed_curves(rows, seeds=[s for s, _ in have])
        obs[arm] = ArmObservations(scalars, curves)
    return obs


def observations(run_dir: Path, exp: ExperimentSummary) -> Observations:
    """The observations of one experiment of a finished run (from its arms' recipe hashes and seeds)."""
    if exp.arms is None:
        raise UserError(f"{exp.id} planned no jobs (status: {exp.status}); there is nothing to observe",
                        where=str(RunLayout(run_dir).summary_json))
    return arm_observations(run_dir, exp.arms)


def job_wall_time_s(run_dir: Path, recipe_hash: str, seed: int) -> float:
    """Wall time of one finished job in seconds, from its timing file (0 when the file or the field is missing)."""
    path = RunLayout(run_dir).timing_json(recipe_hash, seed)
    if not path.exists():
        return 0.0
    wall = _read_json(path, "timing file is missing").get("wall_time_s", 0.0)
    if not _is_number(wall) or not math.isfinite(wall) or wall < 0:
        raise UserError(f"expected a non-negative number of seconds, got {wall!r}", where=f"{path}: wall_time_s")
    return float(wall)


def arm_wall_time_s(run_dir: Path, arm: ArmRun) -> float:
    """Wall time of one arm in seconds, summed over its seeds' timing files (a missing file counts 0)."""
    return sum(job_wall_time_s(run_dir, arm.recipe_hash, s) for s in arm.seeds)


def arm_sources(run_dir: Path, arm: ArmRun) -> list[str]:
    """Where an arm's numbers came from when an external engine ran it (`longcot collect`: the evaluation, rollout
    statistics and engine logs filed), over its seeds; [] for an arm this suite ran."""
    out: set[str] = set()
    for s in arm.seeds:
        path = RunLayout(run_dir).metrics_json(arm.recipe_hash, s)
        if path.exists():
            prov = load_metrics(run_dir, arm.recipe_hash, s).get("provenance", {})
            out.update(str(x) for x in prov.get("collected_from", []))
    return sorted(out)


def read_recipe(run_dir: Path, recipe_hash: str) -> dict:
    """The canonical recipe (recipe.json) of one job hash: field -> plain value, plus `__kind__` and
    `__code_version__`."""
    return _read_json(RunLayout(run_dir).recipe_json(recipe_hash),
                      "recipe.json not found; is this a run directory written by `longcot run`?")


def read_run_info(run_dir: Path) -> dict:
    """run.json (what was asked: scale, experiments, seeds, overrides, smoke overrides, device, jobs, executor, command,
    started: the first start in this directory, resumed: each later start, references_root), or {} for a run directory
    without one."""
    path = RunLayout(run_dir).run_json
    if not path.exists():
        return {}
    data = _read_json(path, "run.json not found")
    for k, (types, what) in _RUN_INFO_FIELDS.items():
        if k in data and (not isinstance(data[k], types) or isinstance(data[k], bool)):
            raise UserError(f"expected {what}, got {data[k]!r}", where=f"{path}: {k}")
    return data


#: run.json's fields and their types (each optional: older run directories lack some)
_RUN_INFO_FIELDS = {
    "scale": (str, "a string"),
    "experiments": (list, "a list of experiment ids"),
    "seeds": ((list, type(None)), "a list of seeds or null"),
    "overrides": (dict, "an object"),
    "smoke": (dict, "an object"),
    "jobs": (int, "an integer"),
    "executor": (str, "a string"),
    "command": (str, "a string"),
    "started": (str, "a date string"),
    "resumed": (list, "a list of date strings"),
    "references_root": ((str, type(None)), "a path or null"),
    "device": ((str, type(None)), "a torch device name or null"),
}
