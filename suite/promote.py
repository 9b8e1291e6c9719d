"""Turn a finished run into reference files: `reference_results/<scale>/<id>.json` with raw per-seed values.

Only experiments that ran cleanly are promoted. Provenance comes from the run (suite version, commit, libraries,
hardware from the metrics files; wall time and dates from the timing files), so a reference says what produced it.
"""

from __future__ import annotations

from pathlib import Path

from suite import verdicts
from suite.atomic import write_json_atomic
from suite.errors import UserError
from suite.references import SCHEMA, load_reference
from suite.runner import arm_wall_time_s, load_metrics, observations, read_run_info, read_summary


def promote(run_dir: Path, references_root: Path, *, only: list[str] | None = None, note: str = "") -> list[Path]:
    """Write one reference file per experiment of the run that ran cleanly (those in `only`, when given: then one
    that did not run is a UserError). Returns the paths written, each already validated by `load_reference`."""
    summary = read_summary(run_dir)
    run_info = read_run_info(run_dir)
    written = []
    for exp_id, e in summary.experiments.items():
        if only and exp_id not in only:
            continue
        if e.status != verdicts.RAN:
            if only:
                raise UserError(f"{exp_id} did not run cleanly (status: {e.status}); nothing to promote")
            continue
        first = next(iter(e.arms.values()))
        seeds = first.seeds
        data = {
            "schema": SCHEMA,
            "experiment": exp_id,
            "experiment_version": e.version,
            "scale": summary.scale,
            "source": f"longcot run at scale '{summary.scale}', seeds {', '.join(map(str, seeds))}",
            "notes": ([note] if note else []) + [f"claim verdict of this run: {e.claim_verdict}"],
            "provenance": {**load_metrics(run_dir, first.recipe_hash, seeds[0])["provenance"],
                           "date": run_info.get("started", "unknown"), "command": run_info.get("command", ""),
                           "wall_time_s": round(sum(arm_wall_time_s(run_dir, a) for a in e.arms.values()), 1),
                           "recipe_hashes": {arm: a.recipe_hash for arm, a in e.arms.items()}},
            "arms": {
                arm: {
                    "scalars": {name: {"per_seed": list(s.values), "mean": s.mean, "sd": s.sd, "n": s.n}
                                for name, s in o.scalars.items()},
                    "curves": {name: {"steps": list(c.steps), "per_seed": [list(r) for r in c.values]}
                               for name, c in o.curves.items() if c.steps},
                }
                for arm, o in observations(run_dir, e).items()
            },
        }
        path = write_json_atomic(Path(references_root) / summary.scale / f"{exp_id}.json", data)
        load_reference(path)  # what we write must pass our own schema
        written.append(path)
    return written
