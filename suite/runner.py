"""The runner: recipe → jobs → per-seed metrics → checks → verdicts → `summary.json`.

Layout of a run directory:

    RUN_DIR/run.json                          what was asked (scale, seeds, experiments; date, command)
    RUN_DIR/jobs/<hash>/recipe.json           the recipe, canonical form (hash = sha256 of it, first 16 hex)
    RUN_DIR/jobs/<hash>/seed-<s>/metrics.json scalars and curves of one seed: deterministic, written atomically
    RUN_DIR/jobs/<hash>/seed-<s>/timing.json  wall time and dates (kept apart so metrics stay bit-identical)
    RUN_DIR/jobs/<hash>/seed-<s>/work/        the job's artifacts (checkpoints, rollouts)
    RUN_DIR/summary.json                      verdicts per experiment: deterministic for the same seeds and code

Jobs are keyed by recipe hash, so an arm shared by two experiments runs once; a seed whose metrics.json exists with
the same hash is skipped, so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import json
import math
import multiprocessing as mp
import os
import random
import threading
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping

from suite import provenance, verdicts
from suite.atomic import write_json_atomic, write_text_atomic
from suite.errors import UserError
from suite.experiment import Experiment
from suite.metrics.names import CATALOG
from suite.observations import ArmObservations, CurveSample, Observations, ScalarSample
from suite.recipes import JobContext, Recipe, apply_overrides, recipe_hash, recipe_to_dict
from suite.references import Reference, load_reference, reference_path

METRICS_SCHEMA = "longcot.metrics/1"
SUMMARY_SCHEMA = "longcot.summary/1"
HASH_LEN = 16


# =====================================================================================================================
# Planning
# =====================================================================================================================


@dataclass(frozen=True)
class Job:
    recipe: Recipe
    hash: str
    seed: int
    dependencies: tuple[tuple[str, str], ...] = ()  # (dependency name, recipe hash)

    @property
    def key(self) -> str:
        return f"{self.hash}/seed-{self.seed}"

    def label(self) -> str:
        return f"{self.recipe.kind}:{self.hash[:8]} seed {self.seed}"


@dataclass(frozen=True)
class PlannedExperiment:
    experiment: Experiment
    status: str
    seeds: tuple[int, ...] = ()
    arm_hashes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Plan:
    scale: str
    experiments: tuple[PlannedExperiment, ...]
    jobs: tuple[Job, ...]  # dependencies before dependants
    recipes: Mapping[str, Recipe]  # hash -> recipe


def short_hash(recipe: Recipe) -> str:
    return recipe_hash(recipe)[:HASH_LEN]


def plan_run(
    experiments: Iterable[Experiment],
    scale: str,
    *,
    seeds: tuple[int, ...] | None = None,
    overrides: Mapping[str, str] | None = None,
) -> Plan:
    planned: list[PlannedExperiment] = []
    jobs: dict[str, Job] = {}
    recipes: dict[str, Recipe] = {}

    def add(recipe: Recipe, seed: int) -> str:
        h = short_hash(recipe)
        recipes[h] = recipe
        deps = []
        for name, dep in recipe.dependencies().items():
            deps.append((name, add(dep, seed)))
        job = Job(recipe, h, seed, tuple(deps))
        jobs.setdefault(job.key, job)  # insertion order puts dependencies first
        return h

    for exp in experiments:
        status = exp.status(scale)
        spec = exp.scales.get(scale)
        if spec is None or not spec.executable:
            planned.append(PlannedExperiment(exp, status))
            continue
        run_seeds = tuple(seeds) if seeds else spec.seeds
        hashes = {}
        for arm, recipe in spec.recipes.items():
            recipe = apply_overrides(recipe, overrides or {}, where=f"--set for {exp.id} arm {arm}")
            for s in run_seeds:
                hashes[arm] = add(recipe, s)
        planned.append(PlannedExperiment(exp, status, run_seeds, hashes))
    return Plan(scale, tuple(planned), tuple(jobs.values()), recipes)


# =====================================================================================================================
# Execution
# =====================================================================================================================


def metrics_path(run_dir: Path, job: Job) -> Path:
    return run_dir / "jobs" / job.hash / f"seed-{job.seed}" / "metrics.json"


def is_finished(run_dir: Path, job: Job) -> bool:
    p = metrics_path(run_dir, job)
    if not p.exists():
        return False
    try:
        data = json.loads(p.read_text())
    except (OSError, json.JSONDecodeError):
        return False  # a damaged file is rerun, never trusted
    return data.get("recipe_hash") == job.hash and data.get("seed") == job.seed


def seed_everything(seed: int) -> None:
    random.seed(seed)
    try:
        import numpy as np

        np.random.seed(seed % 2**32)
    except ImportError:
        pass
    try:
        import torch

        torch.manual_seed(seed)
        torch.set_num_threads(1)
        torch.use_deterministic_algorithms(True, warn_only=True)
    except ImportError:
        pass


def validate_job_output(out: object, job: Job) -> dict:
    """A job returns {"scalars": {name: number}, "curves": {name: {"step": [...], "value": [...]}}} with catalogue
    names; anything else is a bug in its recipe, reported with the recipe kind."""
    where = f"job {job.label()}"
    if not isinstance(out, dict):
        raise UserError(f"recipe returned {type(out).__name__}, expected a dict of scalars and curves", where=where)
    scalars = out.get("scalars", {})
    curves = out.get("curves", {})
    clean_s, clean_c = {}, {}
    for name, value in scalars.items():
        if name not in CATALOG or CATALOG[name].shape != "scalar":
            raise UserError(f"scalar {name!r} is not a scalar metric in the catalogue", where=where)
        clean_s[name] = float(value)
    for name, c in curves.items():
        if name not in CATALOG or CATALOG[name].shape != "curve":
            raise UserError(f"curve {name!r} is not a curve metric in the catalogue", where=where)
        steps, values = list(c["step"]), list(c["value"])
        if len(steps) != len(values):
            raise UserError(f"curve {name!r} has {len(steps)} steps but {len(values)} values", where=where)
        clean_c[name] = {"step": [float(s) for s in steps],
                         "value": [float(v) if v is not None else math.nan for v in values]}
    return {"scalars": clean_s, "curves": clean_c}


def _execute_job(job: Job, run_dir: str, queue=None) -> tuple[str, str | None]:
    """Run one job in this process; write its metrics atomically. Returns (job key, error text or None)."""
    run_dir = Path(run_dir)
    seed_dir = run_dir / "jobs" / job.hash / f"seed-{job.seed}"
    workdir = seed_dir / "work"
    workdir.mkdir(parents=True, exist_ok=True)
    deps = {name: run_dir / "jobs" / h / f"seed-{job.seed}" / "work" for name, h in job.dependencies}

    def report(done: int, total: int) -> None:
        if queue is not None:
            queue.put((job.key, done, total))

    seed_everything(job.seed)
    started = time.time()
    t0 = time.perf_counter()
    try:
        out = validate_job_output(job.recipe.run(job.seed, JobContext(workdir, deps, report)), job)
    except Exception as exc:  # recorded and reported; the other jobs go on
        text = f"{type(exc).__name__}: {exc}"
        write_text_atomic(seed_dir / "error.txt", text + "\n\n" + traceback.format_exc())
        return job.key, text
    wall = time.perf_counter() - t0
    write_json_atomic(seed_dir / "timing.json", {
        "wall_time_s": round(wall, 3),
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "finished": provenance.timestamp(),
    })
    write_json_atomic(seed_dir / "metrics.json", {
        "schema": METRICS_SCHEMA,
        "recipe_hash": job.hash,
        "recipe_kind": job.recipe.kind,
        "seed": job.seed,
        "scalars": out["scalars"],
        "curves": out["curves"],
        "provenance": provenance.collect(),
    })
    try:
        (seed_dir / "error.txt").unlink()
    except FileNotFoundError:
        pass
    return job.key, None


def _waves(jobs: tuple[Job, ...]) -> list[list[Job]]:
    depth: dict[str, int] = {}
    for job in jobs:  # dependencies come first in plan order
        depth[job.key] = 1 + max((depth[f"{h}/seed-{job.seed}"] for _, h in job.dependencies), default=-1)
    waves: dict[int, list[Job]] = {}
    for job in jobs:
        waves.setdefault(depth[job.key], []).append(job)
    return [waves[d] for d in sorted(waves)]


def execute(plan: Plan, run_dir: Path, *, jobs: int = 1, progress: bool = True,
            on_event: Callable[[str], None] | None = None) -> dict[str, str]:
    """Run every unfinished job of the plan. Returns {job key: error} for failed jobs (dependants of a failed job are
    not run)."""
    run_dir = Path(run_dir)
    for h, recipe in plan.recipes.items():
        write_json_atomic(run_dir / "jobs" / h / "recipe.json", recipe_to_dict(recipe))
    todo = [j for j in plan.jobs if not is_finished(run_dir, j)]
    errors: dict[str, str] = {}
    say = on_event or (lambda msg: None)
    say(f"{len(plan.jobs)} job(s), {len(plan.jobs) - len(todo)} already finished, {len(todo)} to run")
    if not todo:
        return errors

    from suite.progress import JobProgress

    # One thread per job: small models gain nothing from more and a busy machine slows them (see docs).
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", "1")
    with JobProgress(len(todo), enabled=progress) as bar:
        todo_keys = {j.key for j in todo}
        for wave in _waves(plan.jobs):
            wave = [j for j in wave if j.key in todo_keys]
            blocked = [j for j in wave if any(f"{h}/seed-{j.seed}" in errors for _, h in j.dependencies)]
            for j in blocked:
                errors[j.key] = "a job it depends on failed"
                bar.finish(j.key, ok=False)
            wave = [j for j in wave if j not in blocked]
            if not wave:
                continue
            if jobs <= 1:
                for j in wave:
                    bar.start(j.key, j.label())
                    key, err = _execute_job(j, str(run_dir), _DirectQueue(bar))
                    _settle(key, err, errors, bar, say)
            else:
                _run_pool(wave, run_dir, jobs, bar, errors, say)
    return errors


def _settle(key, err, errors, bar, say):
    if err:
        errors[key] = err
        say(f"[red]job {key} failed:[/red] {err}")
    bar.finish(key, ok=err is None)


class _DirectQueue:
    def __init__(self, bar):
        self.bar = bar

    def put(self, item):
        self.bar.update(*item)


def _run_pool(wave, run_dir, jobs, bar, errors, say):
    ctx = mp.get_context("spawn")  # fresh interpreters: no inherited torch thread pools or RNG state
    with ctx.Manager() as manager:
        queue = manager.Queue()
        stop = threading.Event()

        def drain():
            while not stop.is_set() or not queue.empty():
                try:
                    item = queue.get(timeout=0.1)
                except Exception:
                    continue
                bar.update(*item)

        t = threading.Thread(target=drain, daemon=True)
        t.start()
        with ProcessPoolExecutor(max_workers=min(jobs, len(wave)), mp_context=ctx) as pool:
            futures = {}
            for j in wave:
                futures[pool.submit(_execute_job, j, str(run_dir), queue)] = j
                bar.start(j.key, j.label())
            pending = set(futures)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for f in done:
                    j = futures[f]
                    try:
                        key, err = f.result()
                    except Exception as exc:  # the worker process died
                        key, err = j.key, f"worker died: {exc!r}"
                    _settle(key, err, errors, bar, say)
        stop.set()
        t.join()


# =====================================================================================================================
# Checks and summary
# =====================================================================================================================


def load_metrics(run_dir: Path, job_hash: str, seed: int) -> dict:
    p = Path(run_dir) / "jobs" / job_hash / f"seed-{seed}" / "metrics.json"
    try:
        return json.loads(p.read_text())
    except FileNotFoundError:
        raise UserError("metrics file is missing; run `longcot run` on this directory first", where=str(p)) from None
    except json.JSONDecodeError as exc:
        raise UserError(f"damaged metrics file: {exc}", where=str(p)) from None


def observations_from_run(run_dir: Path, pe: PlannedExperiment) -> Observations:
    obs: Observations = {}
    for arm, h in pe.arm_hashes.items():
        per_seed = [load_metrics(run_dir, h, s) for s in pe.seeds]
        scalars = {}
        for name in sorted(set().union(*(m["scalars"] for m in per_seed))):
            vals = [m["scalars"][name] for m in per_seed if name in m["scalars"]]
            scalars[name] = ScalarSample.from_values(vals)
        curves = {}
        for name in sorted(set().union(*(m["curves"] for m in per_seed))):
            rows = [(m["curves"][name]["step"], m["curves"][name]["value"]) for m in per_seed if name in m["curves"]]
            curves[name] = CurveSample.from_seed_curves(rows)
        obs[arm] = ArmObservations(scalars, curves)
    return obs


def find_reference(references_root: Path | None, scale: str, exp: Experiment) -> Reference | None:
    if references_root is None:
        return None
    p = reference_path(references_root, scale, exp.id)
    return load_reference(p) if p else None


def summarise(plan: Plan, run_dir: Path, *, errors: Mapping[str, str], references_root: Path | None) -> dict:
    experiments = {}
    for pe in plan.experiments:
        exp = pe.experiment
        entry: dict = {
            "title": exp.title,
            "version": exp.version,
            "status": pe.status,
            "claim": {"quote": exp.claim.quote, "section": exp.claim.section, "evidence": exp.claim.evidence},
        }
        spec = exp.scales.get(plan.scale)
        entry["deviations"] = list(spec.deviations) if spec else []
        if pe.status != "implemented":
            entry["message"] = _not_run_message(exp.id, plan.scale, pe.status)
            entry["claim_verdict"] = entry["reproduction_verdict"] = pe.status
            experiments[exp.id] = entry
            continue
        entry["arms"] = {arm: {"recipe_hash": h, "seeds": list(pe.seeds)} for arm, h in pe.arm_hashes.items()}
        failed = sorted(k for k in errors if k.split("/")[0] in set(pe.arm_hashes.values()))
        if failed:
            entry["status"] = verdicts.ERROR
            entry["message"] = "; ".join(f"{k}: {errors[k]}" for k in failed)
            entry["claim_verdict"] = entry["reproduction_verdict"] = verdicts.ERROR
            experiments[exp.id] = entry
            continue
        entry["status"] = verdicts.RAN
        run_obs = observations_from_run(run_dir, pe)
        reference = find_reference(references_root, plan.scale, exp)
        entry["reference"] = _rel(reference.path) if reference else None
        results = [c.evaluate(run_obs, reference) for c in spec.checks]
        entry["checks"] = [r.to_dict() for r in results]
        entry["claim_verdict"] = verdicts.aggregate((r.verdict for r in results if r.role == verdicts.CLAIM),
                                                    role=verdicts.CLAIM)
        entry["reproduction_verdict"] = verdicts.aggregate(
            (r.verdict for r in results if r.role == verdicts.REPRODUCTION), role=verdicts.REPRODUCTION)
        experiments[exp.id] = entry
    return {
        "schema": SUMMARY_SCHEMA,
        "scale": plan.scale,
        "provenance": provenance.collect(),
        "experiments": experiments,
    }


def _rel(p: Path) -> str:
    try:
        return str(Path(p).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def _not_run_message(exp_id: str, scale: str, status: str) -> str:
    if status == verdicts.NOT_EXECUTABLE:
        return (f"{exp_id} at scale '{scale}' is a recipe for an external distributed engine (verl / OpenRLHF); "
                "this suite does not execute it locally.")
    return f"{exp_id} is not implemented at scale '{scale}' yet: no result is produced."


def run(
    experiments: Iterable[Experiment],
    scale: str,
    run_dir: Path,
    *,
    seeds: tuple[int, ...] | None = None,
    jobs: int = 1,
    overrides: Mapping[str, str] | None = None,
    references_root: Path | None = None,
    progress: bool = True,
    on_event: Callable[[str], None] | None = None,
    command: str = "",
) -> tuple[dict, dict[str, str]]:
    """The one path: plan, execute, check, summarise. Returns (summary, job errors)."""
    run_dir = Path(run_dir)
    plan = plan_run(experiments, scale, seeds=seeds, overrides=overrides)
    write_json_atomic(run_dir / "run.json", {
        "scale": scale,
        "experiments": [pe.experiment.id for pe in plan.experiments],
        "seeds": list(seeds) if seeds else None,
        "overrides": dict(overrides or {}),
        "jobs": jobs,
        "command": command,
        "started": provenance.timestamp(),
        "references_root": str(references_root) if references_root else None,
    })
    errors = execute(plan, run_dir, jobs=jobs, progress=progress, on_event=on_event)
    summary = summarise(plan, run_dir, errors=errors, references_root=references_root)
    write_json_atomic(run_dir / "summary.json", summary)
    return summary, errors


# =====================================================================================================================
# Reading a finished run back (report, promote)
# =====================================================================================================================


def observations_from_summary(run_dir: Path, entry: dict) -> Observations:
    """Observations of one experiment that ran, from its summary entry (arms -> recipe hash and seeds)."""
    arms = entry["arms"]
    seeds = tuple(next(iter(arms.values()))["seeds"])
    pe = PlannedExperiment(None, verdicts.RAN, seeds, {a: v["recipe_hash"] for a, v in arms.items()})
    return observations_from_run(run_dir, pe)


def arm_wall_time_s(run_dir: Path, arm_entry: dict) -> float:
    """Wall time of one arm, summed over its seeds' timing files (missing files count 0)."""
    total = 0.0
    for s in arm_entry["seeds"]:
        t = Path(run_dir) / "jobs" / arm_entry["recipe_hash"] / f"seed-{s}" / "timing.json"
        if t.exists():
            total += json.loads(t.read_text()).get("wall_time_s", 0.0)
    return total
