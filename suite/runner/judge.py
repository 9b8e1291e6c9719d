"""Judging: a planned experiment and its jobs' outputs → checks against the reference → verdicts, as an
`ExperimentSummary`.

An experiment that was not run says why (`not_run_message`); one with a failed job is an `error` with the job
errors; one that ran has its observations checked, and its check verdicts folded into the claim verdict and the
reproduction verdict (suite.verdicts.aggregate).
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from suite import provenance, verdicts
from suite.checks.multiplicity import evaluate_checks
from suite.runner.collect import collected
from suite.experiment import Experiment
from suite.references import Reference, load_reference, reference_path
from suite.runner.plan import Plan, PlannedExperiment, job_key
from suite.runner.readback import arm_observations
from suite.runner.summary import ArmRun, ExperimentSummary, RunSummary, check_from_dict


def not_run_message(exp_id: str, scale: str, status: str) -> str:
    """Why an experiment with `status` (NOT_EXECUTABLE or NOT_IMPLEMENTED) produces no result at `scale`."""
    if status == verdicts.NOT_EXECUTABLE:
        return (f"{exp_id} at scale '{scale}' is a recipe for an external distributed engine (verl / OpenRLHF); "
                "this suite does not execute it locally.")
    return f"{exp_id} is not implemented at scale '{scale}' yet: no result is produced."


def find_reference(references_root: Path | None, scale: str, exp: Experiment) -> Reference | None:
    """The stored reference of `exp` at `scale` under `references_root`, or None when there is none (or no root)."""
    if references_root is None:
        return None
    p = reference_path(references_root, scale, exp.id)
    return load_reference(p) if p else None


def reference_changes(exp: Experiment, reference: Reference | None, scale: str) -> tuple[str, ...]:
    """What changed in `exp` since the version its reference was made with, one line per changelog entry; a last line
    says when a change can move the numbers, so the reference no longer applies (reproduction is then inconclusive)."""
    if reference is None or reference.experiment_version >= exp.version:
        return ()
    lines = tuple(f"v{v}{'' if c.moves_numbers(scale) else ' (the numbers at this scale do not move)'}: {c.text}"
                  for v, c in exp.changes_since(reference.experiment_version))
    if not exp.reference_applies(reference.experiment_version, scale):
        lines += (f"The reference was made with v{reference.experiment_version} and a later change can move the "
                  "numbers: reproduction checks are inconclusive until a new reference is promoted.",)
    return lines


def judge_experiment(pe: PlannedExperiment, scale: str, run_dir: Path, *, errors: Mapping[str, str],
                     references_root: Path | None) -> ExperimentSummary:
    """One experiment's summary. `errors` is {job key: error text} from `execute`; a malformed reference raises."""
    exp = pe.experiment
    spec = exp.scales.get(scale)
    common = dict(id=exp.id, title=exp.title, version=exp.version, claim=exp.claim,
                  deviations=tuple(spec.deviations) if spec else ())
    external = pe.status == verdicts.NOT_EXECUTABLE and pe.arm_hashes
    if external and not collected(run_dir, dict(pe.arm_hashes), pe.seeds)[1]:
        pass  # every arm was run by an external engine and collected: judge it like any run
    elif pe.status != verdicts.IMPLEMENTED:
        message = not_run_message(exp.id, scale, pe.status)
        if external:
            have, missing = collected(run_dir, dict(pe.arm_hashes), pe.seeds)
            message += (f" Collected arms: {', '.join(have) or 'none'}; still to collect with `longcot collect`: "
                        f"{', '.join(missing)}.")
        return ExperimentSummary(**common, status=pe.status, message=message,
                                 claim_verdict=pe.status, reproduction_verdict=pe.status)
    arms = {arm: ArmRun(h, pe.seeds) for arm, h in pe.arm_hashes.items()}
    own_jobs = {job_key(h, s) for h in pe.arm_hashes.values() for s in pe.seeds}
    failed = sorted(k for k in errors if k in own_jobs)
    if failed:
        return ExperimentSummary(**common, status=verdicts.ERROR, arms=arms,
                                 message="; ".join(f"{k}: {errors[k]}" for k in failed),
                                 claim_verdict=verdicts.ERROR, reproduction_verdict=verdicts.ERROR)
    run_obs = arm_observations(run_dir, arms)
    reference = find_reference(references_root, scale, exp)
    changes = reference_changes(exp, reference, scale)
    compared = reference if reference is None or exp.reference_applies(reference.experiment_version, scale) else None
    other = _other_recipes(pe, compared)
    if other:
        changes += (f"The run's recipes differ from the reference's for {', '.join(other)} (recipe overrides such as "
                    "--set or --smoke): the run is compared, and can deviate, but cannot match the reference.",)
    results = evaluate_checks(spec.checks, run_obs, compared)
    # Stored as summary.json will hold them (rounded, NaN as None), so that a summary read back equals this one.
    checks = tuple(check_from_dict(r.to_dict()) for r in results)
    return ExperimentSummary(
        **common, status=verdicts.RAN, arms=arms, reference=_relative_to_cwd(reference.path) if reference else None,
        checks=checks, changes=changes,
        claim_verdict=verdicts.aggregate((r.verdict for r in checks if r.role == verdicts.CLAIM), role=verdicts.CLAIM),
        reproduction_verdict=_not_a_match_of_other_recipes(
            verdicts.aggregate((r.verdict for r in checks if r.role == verdicts.REPRODUCTION),
                               role=verdicts.REPRODUCTION), other),
    )


def _other_recipes(pe: PlannedExperiment, reference: Reference | None) -> list[str]:
    """The arms whose recipe differs from the one the reference was made with (its provenance's recipe hashes)."""
    if reference is None:
        return []
    stored = (reference.provenance or {}).get("recipe_hashes") or {}
    return sorted(arm for arm, h in pe.arm_hashes.items() if arm in stored and not str(h).startswith(str(stored[arm])))


def _not_a_match_of_other_recipes(verdict: str, other: list[str]) -> str:
    """A run of other recipes may deviate from the reference, but agreeing with it is no reproduction: inconclusive."""
    return verdicts.REFERENCE_INCONCLUSIVE if other and verdict == verdicts.MATCHES_REFERENCE else verdict


def summarise(plan: Plan, run_dir: Path, *, errors: Mapping[str, str], references_root: Path | None) -> RunSummary:
    """Every planned experiment judged, in plan order, with this machine's provenance."""
    return RunSummary(plan.scale, provenance.collect(), {
        pe.experiment.id: judge_experiment(pe, plan.scale, run_dir, errors=errors, references_root=references_root)
        for pe in plan.experiments})


def _relative_to_cwd(p: Path) -> str:
    """The path relative to the working directory where it lies below it, so that summary.json does not embed the
    absolute location of the checkout."""
    try:
        return str(Path(p).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)
