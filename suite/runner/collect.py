"""Collecting a run made elsewhere: an arm trained by an external engine (the `paper` recipes, run on verl or OpenRLHF)
is judged like any other once its outputs are in the run directory.

`longcot collect RUN_DIR --scale paper --only <id> --arm <arm> --eval EVAL_DIR --statistics STATS.json` turns

- a `longcot eval` summary (`summary.json`: per benchmark the accuracy and its problem-clustered standard error) into
  the scalars `accuracy/<benchmark>` and `accuracy/avg`, each with its within-run standard error in `scalar_se`, and
- a `longcot analyze` result (`statistics.json`: per-step curves from the engine's logged rollouts) into curves,
- an engine's own training log (`--engine-log`, verl's file logger, or OpenRLHF's TensorBoard folder or W&B history:
  `suite.runner.engine_logs`) into curves,

and writes them as the arm's `metrics.json` for the arm's recipe hash and the given seed (one seed per arm is the
paper's own practice). Collecting again merges: evaluation and training log may come in two calls. `longcot run` at that
scale then judges every experiment whose arms are all collected; the checks decide a single run from the within-run
errors and say so (see `suite.checks.kinds.difference_error`).
"""

from __future__ import annotations

import math
from pathlib import Path

from suite.atomic import write_json_atomic
from suite.errors import UserError
from suite.experiment import Experiment
from suite.metrics import names as M
from suite.recipes import apply_overrides, recipe_to_dict
from suite.runner.execute import METRICS_SCHEMA
from suite.runner.layout import RunLayout
from suite.runner.plan import short_hash
from suite.runner.readback import _read_json


def _number(x, where: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(float(x)):
        raise UserError(f"expected a finite number, got {x!r}", where=where)
    return float(x)


def eval_scalars(path: Path) -> tuple[dict[str, float], dict[str, float]]:
    """(scalars, within-run SEs) from a `longcot eval` summary.json (a directory holding one is accepted)."""
    path = path / "summary.json" if path.is_dir() else path
    data = _read_json(path, "evaluation summary not found; pass the output directory of `longcot eval`")
    benches = data.get("benchmarks")
    if not isinstance(benches, dict) or not benches:
        raise UserError("expected an object of benchmarks (the summary `longcot eval` writes)",
                        where=f"{path}: benchmarks")
    scalars, ses = {}, {}
    for name, b in benches.items():
        metric = M.benchmark_accuracy(name)
        if metric not in M.CATALOG:
            raise UserError(f"unknown benchmark {name!r}; known: {', '.join(M.BENCHMARKS)}",
                            where=f"{path}: benchmarks")
        if not isinstance(b, dict):
            raise UserError("expected an object", where=f"{path}: benchmarks.{name}")
        scalars[metric] = _number(b.get("accuracy"), f"{path}: benchmarks.{name}.accuracy")
        ses[metric] = _number(b.get("accuracy_se"), f"{path}: benchmarks.{name}.accuracy_se")
        if not 0.0 <= scalars[metric] <= 1.0:
            raise UserError(f"expected a fraction in [0, 1], got {scalars[metric]}",
                            where=f"{path}: benchmarks.{name}.accuracy")
        if ses[metric] < 0:
            raise UserError(f"expected a standard error >= 0, got {ses[metric]}",
                            where=f"{path}: benchmarks.{name}.accuracy_se")
    if set(scalars) == {M.benchmark_accuracy(b) for b in M.BENCHMARKS}:
        k = len(scalars)
        scalars[M.ACCURACY_AVG] = sum(scalars.values()) / k
        ses[M.ACCURACY_AVG] = math.sqrt(sum(s * s for s in ses.values())) / k  # benchmarks are independent samples
    return scalars, ses


def statistics_curves(path: Path) -> dict[str, dict[str, list[float]]]:
    """Catalogue curves from a `longcot analyze` statistics.json ({"steps": [...], "curves": {name: [...]}})."""
    data = _read_json(path, "statistics file not found; pass the statistics.json `longcot analyze` wrote")
    steps, curves = data.get("steps"), data.get("curves")
    if not isinstance(steps, list) or not isinstance(curves, dict):
        raise UserError("expected 'steps' (a list) and 'curves' (an object), as `longcot analyze` writes",
                        where=str(path))
    out = {}
    for name, values in curves.items():
        if name not in M.CATALOG or M.CATALOG[name].shape != "curve":
            continue  # statistics the catalogue does not name stay in the file
        if not isinstance(values, list) or len(values) != len(steps):
            raise UserError(f"expected {len(steps)} values, one per step", where=f"{path}: curves.{name}")
        out[name] = {"step": [_number(s, f"{path}: steps") for s in steps],
                     "value": [math.nan if v is None else _number(v, f"{path}: curves.{name}") for v in values]}
    return out


def collect_arm(run_dir: Path, experiment: Experiment, scale: str, arm: str, seed: int, *,
                eval_summary: Path | None = None, statistics: Path | None = None,
                engine_log: tuple[Path, str] | None = None, overrides: dict[str, str] | None = None) -> Path:
    """Write (or merge into) the metrics.json of `arm` of `experiment` at `scale` and `seed`; returns its path."""
    where = f"{experiment.id} at scale '{scale}'"
    spec = experiment.scales.get(scale)
    if spec is None:
        raise UserError(f"not declared at scale {scale!r}", where=where)
    if arm not in spec.recipes:
        raise UserError(f"no arm {arm!r}; arms: {', '.join(spec.recipes)}", where=where)
    if eval_summary is None and statistics is None and engine_log is None:
        raise UserError("nothing to collect: give an evaluation summary (--eval), rollout statistics (--statistics) "
                        "and/or an engine's training log (--engine-log with --engine)", where=where)
    recipe = apply_overrides(spec.recipes[arm], overrides or {}, where=f"--set for {experiment.id} arm {arm}")
    h = short_hash(recipe)
    layout = RunLayout(run_dir)
    path = layout.metrics_json(h, seed)
    old = _read_json(path, "") if path.exists() else {"scalars": {}, "curves": {}, "scalar_se": {}}
    scalars, ses, curves = dict(old.get("scalars", {})), dict(old.get("scalar_se", {})), dict(old.get("curves", {}))
    sources = list(old.get("provenance", {}).get("collected_from", []))
    if eval_summary is not None:
        s, e = eval_scalars(eval_summary)
        scalars.update(s)
        ses.update(e)
        sources.append(str(eval_summary))
    if engine_log is not None:  # the engine's own per-step metrics; rollout statistics, if also given, win
        from suite.runner.engine_logs import engine_curves

        curves.update(engine_curves(*engine_log))
        sources.append(f"{engine_log[1]}:{engine_log[0]}")
    if statistics is not None:
        curves.update(statistics_curves(statistics))
        sources.append(str(statistics))
    write_json_atomic(layout.recipe_json(h), recipe_to_dict(recipe))
    write_json_atomic(path, {
        "schema": METRICS_SCHEMA, "recipe_hash": h, "recipe_kind": recipe.kind, "seed": seed,
        "scalars": scalars, "scalar_se": ses, "curves": curves,
        "provenance": {"collected_from": sorted(set(sources)), "engine": "external"},
    })
    return path


def collected(run_dir: Path, arm_hashes: dict[str, str], seeds: tuple[int, ...]) -> tuple[list[str], list[str]]:
    """(arms whose every seed is collected, arms still missing)."""
    layout = RunLayout(run_dir)
    have = [a for a, h in arm_hashes.items() if all(layout.metrics_json(h, s).exists() for s in seeds)]
    return have, [a for a in arm_hashes if a not in have]


