"""Turn a finished run into reference files: `reference_results/<scale>/<id>.json` with raw per-seed values.

Only experiments that ran cleanly are promoted. Provenance comes from the run (suite version, commit, libraries,
hardware from the metrics files; wall time and dates from the timing files), so a reference says what produced it.

Every reference is built and validated (by the loader the runner uses, on the exact bytes to be written) before any
file is written, and each is then written atomically: a bad run leaves the stored references as they were.
"""

from __future__ import annotations

import json
from pathlib import Path

from suite import verdicts
from suite.atomic import canonical_json, write_text_atomic
from suite.errors import UserError
from suite.references import SCHEMA, parse_reference
from suite.runner import (
    RunLayout,
    arm_wall_time_s,
    load_metrics,
    observations,
    read_run_info,
    read_summary,
)


def _seeds(seeds) -> dict:
    """The seed of each per-seed value, when the run named them (checks that pair arms by seed read them)."""
    return {"seeds": list(seeds)} if seeds is not None else {}


def _reference_data(run_dir: Path, summary, exp_id: str, e, run_info: dict, note: str) -> dict:
    """The reference file's content for one experiment that ran (`e`, its summary entry)."""
    first = next(iter(e.arms.values()))
    seeds = first.seeds
    metrics_path = RunLayout(run_dir).metrics_json(first.recipe_hash, seeds[0])
    provenance = load_metrics(run_dir, first.recipe_hash, seeds[0]).get("provenance")
    if not isinstance(provenance, dict):
        raise UserError("required field is missing or not an object (where the reference's provenance comes from)",
                        where=f"{metrics_path}: provenance")
    return {
        "schema": SCHEMA,
        "experiment": exp_id,
        "experiment_version": e.version,
        "scale": summary.scale,
        "source": f"longcot run at scale '{summary.scale}', seeds {', '.join(map(str, seeds))}",
        "notes": ([note] if note else []) + [f"claim verdict of this run: {e.claim_verdict}"],
        "provenance": {**provenance,
                       "date": run_info.get("started", "unknown"), "command": run_info.get("command", ""),
                       "wall_time_s": round(sum(arm_wall_time_s(run_dir, a) for a in e.arms.values()), 1),
                       "recipe_hashes": {arm: a.recipe_hash for arm, a in e.arms.items()}},
        "arms": {
            arm: {
                "scalars": {name: {"per_seed": list(s.values), "mean": s.mean, "sd": s.sd, "n": s.n,
                                   **_seeds(s.seeds)} for name, s in o.scalars.items()},
                "curves": {name: {"steps": list(c.steps), "per_seed": [list(r) for r in c.values], **_seeds(c.seeds)}
                           for name, c in o.curves.items() if c.steps},
            }
            for arm, o in observations(run_dir, e).items()
        },
    }


def promote(run_dir: Path, references_root: Path, *, only: list[str] | None = None, note: str = "") -> list[Path]:
    """Write one reference file per experiment of the run that ran cleanly (those in `only`, when given: then one
    that is not in the run or did not run is a UserError). Returns the paths written.

    All references are built and validated first (`suite.references.parse_reference`, on the text to be written);
    any problem is a UserError and nothing is written. Each file is then replaced atomically."""
    run_dir = Path(run_dir)
    references_root = Path(references_root)
    summary = read_summary(run_dir)
    run_info = read_run_info(run_dir)
    missing = [i for i in only or () if i not in summary.experiments]
    if missing:
        raise UserError(f"experiment(s) {', '.join(map(repr, missing))} are not in this run; it has: "
                        f"{', '.join(summary.experiments) or 'none'}",
                        where=f"--only ({RunLayout(run_dir).summary_json})")
    if references_root.exists() and not references_root.is_dir():
        raise UserError("expected a directory of reference results, but it is a file", where=str(references_root))
    staged: list[tuple[Path, str]] = []
    for exp_id, e in summary.experiments.items():
        if only and exp_id not in only:
            continue
        if e.status != verdicts.RAN:
            if only:
                raise UserError(f"{exp_id} did not run cleanly (status: {e.status}); nothing to promote")
            continue
        path = references_root / summary.scale / f"{exp_id}.json"
        if path.exists() and not path.is_file():
            raise UserError("expected a reference file, but it is a directory; nothing was written", where=str(path))
        text = canonical_json(_reference_data(run_dir, summary, exp_id, e, run_info, note))
        try:  # exactly what `load_reference` will read back from the file
            parse_reference(json.loads(text), path)
        except UserError as exc:
            raise UserError(f"{exc.message}; the reference built from the run in {run_dir} is invalid, so nothing "
                            "was written (the stored references are unchanged)", where=exc.where) from None
        staged.append((path, text))
    written = []
    for path, text in staged:
        try:
            written.append(write_text_atomic(path, text))
        except OSError as exc:
            raise UserError(f"cannot write the reference: {exc.strerror or exc}"
                            + (f" (already written: {', '.join(map(str, written))})" if written else ""),
                            where=str(path)) from None
    return written
