"""Execution: run every unfinished job of a plan, in dependency waves, in this process or a pool of processes.

Per job: seed everything from the job's seed, run the recipe in its workdir, validate what it returned, then write
`timing.json` and `metrics.json` atomically (metrics last, so its presence means "finished"). A seed whose metrics file
holds the same hash and seed is skipped, so an interrupted run resumes where it stopped.

Interruptions leave nothing that outlives them: pool processes die with the runner (`suite.runner.lifeline`; a
worker whose runner is gone writes no result), and the temporary files of writes cut short by a kill are removed from
the run directory when the next run starts (`suite.atomic.remove_stale_temp_files`).
"""

from __future__ import annotations

import json
import math
import multiprocessing as mp
import os
import threading
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from multiprocessing.managers import SyncManager
from pathlib import Path
from typing import Callable

from suite import provenance
from suite.atomic import remove_stale_temp_files, write_json_atomic, write_text_atomic
from suite.determinism import seed_everything
from suite.errors import UserError
from suite.metrics.names import CATALOG
from suite.recipes import JobContext, recipe_to_dict
from suite.runner.layout import RunLayout
from suite.runner.lifeline import die_with_parent, exit_if_orphaned
from suite.runner.plan import Job, Plan

METRICS_SCHEMA = "longcot.metrics/1"
EXECUTORS = ("local", "ray")


def is_finished(run_dir: Path, job: Job) -> bool:
    """True when the job's metrics.json exists and names this job's hash and seed."""
    p = RunLayout(run_dir).metrics_json(job.hash, job.seed)
    if not p.exists():
        return False
    try:
        data = json.loads(p.read_text())
    except (OSError, json.JSONDecodeError):
        return False  # a damaged file is rerun, never trusted
    return isinstance(data, dict) and data.get("recipe_hash") == job.hash and data.get("seed") == job.seed


def validate_job_output(out: object, job: Job) -> dict:
    """A job returns {"scalars": {name: number}, "curves": {name: {"step": [...], "value": [...]}}} with catalogue
    names; anything else is a bug in its recipe, reported with the recipe kind. Returns the same with plain floats
    (a missing curve value becomes NaN)."""
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


def execute_job(job: Job, layout: RunLayout, queue=None) -> tuple[str, str | None]:
    """Run one job in this process and write its files. `queue.put((key, done, total))` receives progress. Returns
    (job key, error text or None); a failure is also written to the job's error.txt with its traceback."""
    workdir = layout.workdir(job.hash, job.seed)
    workdir.mkdir(parents=True, exist_ok=True)
    deps = layout.dependency_workdirs(job.dependencies, job.seed)

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
        exit_if_orphaned()
        write_text_atomic(layout.error_txt(job.hash, job.seed), text + "\n\n" + traceback.format_exc())
        return job.key, text
    wall = time.perf_counter() - t0
    metrics = {
        "schema": METRICS_SCHEMA,
        "recipe_hash": job.hash,
        "recipe_kind": job.recipe.kind,
        "seed": job.seed,
        "scalars": out["scalars"],
        "curves": out["curves"],
        "provenance": provenance.collect(),
    }
    exit_if_orphaned()  # a pool worker whose runner was killed writes no result
    write_json_atomic(layout.timing_json(job.hash, job.seed), {
        "wall_time_s": round(wall, 3),
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "finished": provenance.timestamp(),
    })
    exit_if_orphaned()  # checked again right before the write that marks the job finished
    write_json_atomic(layout.metrics_json(job.hash, job.seed), metrics)
    layout.error_txt(job.hash, job.seed).unlink(missing_ok=True)  # an earlier failure of this seed is history now
    return job.key, None


def _waves(jobs: tuple[Job, ...]) -> list[list[Job]]:
    """Jobs grouped by dependency depth: every job's dependencies sit in an earlier wave."""
    depth: dict[str, int] = {}
    for job in jobs:  # dependencies come first in plan order
        depth[job.key] = 1 + max((depth[k] for k in job.dependency_keys()), default=-1)
    waves: dict[int, list[Job]] = {}
    for job in jobs:
        waves.setdefault(depth[job.key], []).append(job)
    return [waves[d] for d in sorted(waves)]


def check_runnable(plan: Plan, run_dir: Path) -> list[Job]:
    """The plan's unfinished jobs, after asking each of their recipes whether it can run on this machine (e.g. a CUDA
    recipe where torch sees no CUDA device: a UserError, raised before the run writes anything)."""
    todo = [j for j in plan.jobs if not is_finished(run_dir, j)]
    for h in dict.fromkeys(j.hash for j in todo):
        plan.recipes[h].check_runnable()
    return todo


def execute(plan: Plan, run_dir: Path, *, jobs: int = 1, progress: bool = True,
            on_event: Callable[[str], None] | None = None, executor: str = "local",
            address: str | None = None) -> dict[str, str]:
    """Write each recipe's recipe.json and run every unfinished job of the plan, `jobs` processes at a time (or, with
    `executor="ray"`, as tasks of the Ray cluster at `address`, a local one of `jobs` CPUs by default:
    `suite.runner.ray_executor`). Returns {job key: error text} for failed jobs (dependants of a failed job are not
    run). First removes the temporary files that an interrupted run left in the run directory (and says how many)."""
    if executor not in EXECUTORS:
        raise UserError(f"unknown executor {executor!r}; choose one of {', '.join(EXECUTORS)}", where="--executor")
    layout = RunLayout(run_dir)
    todo = check_runnable(plan, layout.root)  # before anything is written
    stale = remove_stale_temp_files(layout.root)
    for h, recipe in plan.recipes.items():
        write_json_atomic(layout.recipe_json(h), recipe_to_dict(recipe))
    errors: dict[str, str] = {}
    say = on_event or (lambda msg: None)
    say(f"{len(plan.jobs)} job(s), {len(plan.jobs) - len(todo)} already finished, {len(todo)} to run")
    if stale:
        say(f"removed {len(stale)} temporary file(s) left by an interrupted run")
    if not todo:
        return errors
    if executor == "ray":
        from suite.runner import ray_executor

        ray_executor.connect(address, jobs)

    from suite.progress import JobProgress

    # One thread per job: small models gain nothing from more and a busy machine slows them (see docs).
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", "1")
    with JobProgress(len(todo), enabled=progress) as bar:
        todo_keys = {j.key for j in todo}
        for wave in _waves(plan.jobs):
            wave = [j for j in wave if j.key in todo_keys]
            blocked = [j for j in wave if any(k in errors for k in j.dependency_keys())]
            for j in blocked:
                errors[j.key] = "a job it depends on failed"
                bar.finish(j.key, ok=False)
            wave = [j for j in wave if j not in blocked]
            if not wave:
                continue
            if executor == "ray":
                ray_executor.run_wave(wave, layout, bar, lambda key, err: _settle(key, err, errors, bar, say))
            elif jobs <= 1:
                for j in wave:
                    bar.start(j.key, j.label())
                    key, err = execute_job(j, layout, _DirectQueue(bar))
                    _settle(key, err, errors, bar, say)
            else:
                _run_pool(wave, layout, jobs, bar, errors, say)
    return errors


def _settle(key, err, errors, bar, say):
    if err:
        errors[key] = err
        say(f"[red]job {key} failed:[/red] {err}")
    bar.finish(key, ok=err is None)


class _DirectQueue:
    """Progress for a job run in this process: straight to the bar, no manager process."""

    def __init__(self, bar):
        self.bar = bar

    def put(self, item):
        self.bar.update(*item)


def _run_pool(wave, layout, jobs, bar, errors, say):
    ctx = mp.get_context("spawn")  # fresh interpreters: no inherited torch thread pools or RNG state
    # Every process started here dies with this one, even if it is SIGKILLed (suite.runner.lifeline).
    lifeline = (die_with_parent, (os.getpid(),))
    manager = SyncManager(ctx=ctx)
    manager.start(*lifeline)
    with manager:
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
        with ProcessPoolExecutor(max_workers=min(jobs, len(wave)), mp_context=ctx, initializer=lifeline[0],
                                 initargs=lifeline[1]) as pool:
            futures = {}
            for j in wave:
                futures[pool.submit(execute_job, j, layout, queue)] = j
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
