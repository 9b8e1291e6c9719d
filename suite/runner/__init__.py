"""The runner: recipe → jobs → per-seed metrics → checks → verdicts → `summary.json`.

    plan.py      experiments at a scale → jobs (recipe × seed), deduplicated by recipe hash
    collect.py   an external engine's outputs (evaluation summary, rollout statistics) → an arm's metrics.json
    execute.py   run the unfinished jobs (dependency waves, process pool); per-seed metrics.json and timing.json
    lifeline.py  pool workers die with the runner (a killed run leaves no process that could still write a result)
    judge.py     observations → checks against the reference → verdicts, per experiment
    summary.py   the typed summary (RunSummary, ExperimentSummary, ArmRun) and `read_summary`
    readback.py  a finished run read back: metrics, observations, wall times, recipes, run.json
    layout.py    RunLayout: the only place that spells run-directory paths

`run` is the one path the CLI and the pytest plugin take; the report and `promote` read runs back only through
`read_summary` and `readback`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Mapping

from suite import provenance
from suite.atomic import write_json_atomic
from suite.errors import UserError
from suite.experiment import Experiment
from suite.runner.execute import METRICS_SCHEMA, check_runnable, execute, execute_job, is_finished, validate_job_output
from suite.runner.judge import find_reference, judge_experiment, not_run_message, summarise
from suite.runner.layout import RunLayout
from suite.runner.plan import HASH_LEN, Job, Plan, PlannedExperiment, job_key, plan_run, short_hash
from suite.runner.readback import (
    arm_observations,
    arm_sources,
    arm_wall_time_s,
    job_wall_time_s,
    load_metrics,
    observations,
    observations_of,
    read_recipe,
    read_run_info,
)
from suite.runner.summary import SUMMARY_SCHEMA, ArmRun, ExperimentSummary, RunSummary, check_from_dict, read_summary


def run(
    experiments: Iterable[Experiment],
    scale: str,
    run_dir: Path,
    *,
    seeds: tuple[int, ...] | None = None,
    jobs: int = 1,
    overrides: Mapping[str, str] | None = None,
    smoke: Mapping[str, str] | None = None,
    device: str | None = None,
    references_root: Path | None = None,
    progress: bool = True,
    on_event: Callable[[str], None] | None = None,
    command: str = "",
    executor: str = "local",
    address: str | None = None,
) -> tuple[RunSummary, dict[str, str]]:
    """The one path: plan, execute, judge, write run.json and (atomically, last) summary.json.

    `seeds` replaces each experiment's default seeds; `overrides` are `--set FIELD=VALUE` pairs, applied after the
    `smoke` ones (`--smoke`: each applied to the recipes that have its field); `device` (`--device`) puts every stage
    of every recipe on that torch device; `jobs` is the number
    of processes (`executor="local"`), or the CPUs of a local Ray instance (`executor="ray"` without `address`);
    `on_event` receives one-line messages. Returns (the summary, {job key: error text} of failed jobs).
    """
    layout = RunLayout(run_dir)
    # recipes, overrides and seeds are checked here, before anything runs
    plan = plan_run(experiments, scale, seeds=seeds, overrides=overrides, smoke=smoke, device=device)
    check_references(plan, references_root)  # a malformed reference stops the run before any job starts
    check_runnable(plan, layout.root)  # so does a recipe this machine cannot run: nothing is written
    now = provenance.timestamp()
    earlier = read_run_info(layout.root)  # a resumed run keeps its first start and lists each resumption
    started, resumed = earlier.get("started", now), earlier.get("resumed", []) + ([now] if earlier else [])
    write_json_atomic(layout.run_json, {
        "scale": scale,
        "experiments": [pe.experiment.id for pe in plan.experiments],
        "seeds": list(seeds) if seeds else None,
        "overrides": dict(overrides or {}),
        "smoke": dict(smoke or {}),
        "device": device,
        "jobs": jobs,
        "executor": executor,
        "command": command,
        "started": started,
        "resumed": resumed,
        "references_root": str(references_root) if references_root else None,
    })
    errors = execute(plan, layout.root, jobs=jobs, progress=progress, on_event=on_event, executor=executor,
                     address=address)
    summary = summarise(plan, layout.root, errors=errors, references_root=references_root)
    write_json_atomic(layout.summary_json, summary.to_dict())
    return summary, errors


def check_references(plan: Plan, references_root: Path | None) -> None:
    """Load every reference the plan will be judged against, so that a missing references directory or a malformed
    file is reported before any work (UserError naming the path and field)."""
    if references_root is None:
        return
    root = Path(references_root)
    if not root.is_dir():
        raise UserError("references directory does not exist (expected reference_results/ with one folder per "
                        "scale)", where=str(root))
    for pe in plan.experiments:
        if pe.arm_hashes:
            find_reference(root, plan.scale, pe.experiment)


__all__ = [
    "HASH_LEN", "METRICS_SCHEMA", "SUMMARY_SCHEMA", "ArmRun", "ExperimentSummary", "Job", "Plan", "PlannedExperiment",
    "RunLayout", "RunSummary", "arm_observations", "arm_sources", "arm_wall_time_s", "check_from_dict",
    "check_references", "check_runnable", "execute", "execute_job", "find_reference", "is_finished", "job_key",
    "judge_experiment", "load_metrics", "not_run_message", "observations", "observations_of", "plan_run", "read_recipe", "read_run_info",
    "read_summary", "run", "short_hash", "summarise", "validate_job_output",
]
