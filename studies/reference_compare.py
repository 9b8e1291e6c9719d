"""A run against the stored references, value by value: for each finding of the run and each arm, its per-seed
held-out accuracy beside the reference's, how many per-seed curves are bit-identical to the reference's, and each
check's verdict in the run beside its verdict in a stored summary of the reference run (when given). For runs of the
same recipes and seeds on another machine (`evidence/tiny/cross_machine_headroom/`).

    python -m studies.reference_compare --run RUN [--stored-summary SUMMARY.json ...] [--out FILE.md]

`--stored-summary` may be given several times, when the references were promoted from several runs: a finding's
stored verdicts come from the last of them that judged it (a summary where it was not run, or not implemented at that
scale, has none of its checks).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from studies.runs import emit, main_guard
from suite import runner
from suite.errors import UserError
from suite.metrics import names as M
from suite.references import default_root, reference_path


def _seeds(values) -> str:
    return " / ".join("" if x is None else f"{x:.4f}" for x in values)


def stored_checks(summaries) -> dict[str, dict[str, str]]:
    """{finding: {check name: verdict}} from stored summary files, the last file that judged a finding winning."""
    out: dict[str, dict[str, str]] = {}
    for path in summaries:
        for exp_id, e in json.loads(Path(path).read_text())["experiments"].items():
            if e.get("checks"):
                out[exp_id] = {c["name"]: c["verdict"] for c in e["checks"]}
    return out


def compare(run_dir: Path, stored_summaries: Sequence[Path] = ()) -> str:
    summary = runner.read_summary(run_dir)
    stored = stored_checks(stored_summaries)
    out = []
    for exp_id, e in summary.experiments.items():
        if not e.arms:
            continue
        path = reference_path(default_root(), summary.scale, exp_id)
        if path is None:
            raise UserError(f"no stored reference for {exp_id} at scale {summary.scale}", where=str(run_dir))
        ref = json.loads(Path(path).read_text())
        out += [f"## {exp_id}: claim {e.claim_verdict}, reproduction {e.reproduction_verdict}", "",
                "| arm | held-out accuracy per seed, reference | this run | per-seed curves bit-identical |",
                "|---|---|---|---|"]
        for arm, a in e.arms.items():
            per_seed = {sd: runner.load_metrics(run_dir, a.recipe_hash, sd) for sd in a.seeds}
            here = [per_seed[sd]["scalars"].get(M.HELDOUT_ACCURACY) for sd in a.seeds]
            there = ref["arms"][arm]["scalars"].get(M.HELDOUT_ACCURACY, {}).get("per_seed", [])
            same = total = 0
            for name, c in ref["arms"][arm]["curves"].items():
                for sd, row in zip(a.seeds, c["per_seed"]):
                    m = per_seed[sd]["curves"].get(name)
                    if m is None:
                        continue
                    total += 1
                    lut = dict(zip(m["step"], m["value"]))
                    same += all(lut.get(st) == v for st, v in zip(c["steps"], row))
            out.append(f"| {arm} | {_seeds(there)} | {_seeds(here)} | {same} of {total} |")
        if exp_id in stored:
            out += ["", "| check | role | stored run | this run |", "|---|---|---|---|"]
            old = stored[exp_id]
            for c in e.checks or ():
                moved = "" if old.get(c.name) == c.verdict else " (moved)"
                out.append(f"| {c.name} | {c.role} | {old.get(c.name, '-')} | {c.verdict}{moved} |")
        out.append("")
    return "\n".join(out)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--run", type=Path, required=True, help="a finished run directory")
    ap.add_argument("--stored-summary", type=Path, action="append",
                    help="summary.json of a run the references were made from (repeatable: the last that judged a "
                         "finding gives its stored verdicts)")
    ap.add_argument("--out", type=Path, help="also write the table here")
    args = ap.parse_args(argv)
    emit(compare(args.run, args.stored_summary or ()), args.out)


if __name__ == "__main__":
    main_guard(main)
