"""Turn a finished run into reference files: `reference_results/<scale>/<id>.json` with raw per-seed values.

Only experiments that ran cleanly are promoted. Provenance comes from the run (suite version, commit, libraries,
hardware from the metrics files; wall time and dates from the timing files), so a reference says what produced it.
"""

from __future__ import annotations

import json
from pathlib import Path

from suite import verdicts
from suite.atomic import write_json_atomic
from suite.errors import UserError
from suite.references import SCHEMA, load_reference
from suite.runner import arm_wall_time_s, load_metrics, observations_from_summary


def promote(run_dir: Path, references_root: Path, *, only: list[str] | None = None, note: str = "") -> list[Path]:
    run_dir = Path(run_dir)
    try:
        summary = json.loads((run_dir / "summary.json").read_text())
    except FileNotFoundError:
        raise UserError("summary.json not found; run `longcot run` first", where=str(run_dir)) from None
    run_info = json.loads((run_dir / "run.json").read_text()) if (run_dir / "run.json").exists() else {}
    scale = summary["scale"]
    written = []
    for exp_id, entry in summary["experiments"].items():
        if only and exp_id not in only:
            continue
        if entry["status"] != verdicts.RAN:
            if only:
                raise UserError(f"{exp_id} did not run cleanly (status: {entry['status']}); nothing to promote")
            continue
        arms = entry["arms"]
        seeds = tuple(next(iter(arms.values()))["seeds"])
        obs = observations_from_summary(run_dir, entry)
        first = load_metrics(run_dir, next(iter(arms.values()))["recipe_hash"], seeds[0])
        wall = sum(arm_wall_time_s(run_dir, v) for v in arms.values())
        data = {
            "schema": SCHEMA,
            "experiment": exp_id,
            "experiment_version": entry["version"],
            "scale": scale,
            "source": f"longcot run at scale '{scale}', seeds {', '.join(map(str, seeds))}",
            "notes": ([note] if note else []) + [f"claim verdict of this run: {entry['claim_verdict']}"],
            "provenance": {**first["provenance"], "date": run_info.get("started", "unknown"),
                           "command": run_info.get("command", ""), "wall_time_s": round(wall, 1),
                           "recipe_hashes": {a: v["recipe_hash"] for a, v in arms.items()}},
            "arms": {
                arm: {
                    "scalars": {name: {"per_seed": list(s.values), "mean": s.mean, "sd": s.sd, "n": s.n}
                                for name, s in o.scalars.items()},
                    "curves": {name: {"steps": list(c.steps), "per_seed": [list(r) for r in c.values]}
                               for name, c in o.curves.items() if c.steps},
                }
                for arm, o in obs.items()
            },
        }
        path = write_json_atomic(Path(references_root) / scale / f"{exp_id}.json", data)
        load_reference(path)  # what we write must pass our own schema
        written.append(path)
    return written
