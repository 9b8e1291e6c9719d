"""What each finding of a finished run cost: its jobs (arms x seeds, plus the SFT jobs they start from), their summed
wall time (core-minutes: every job runs on one thread), split by kind of job (SFT, RL, judge), and the wall time it
would take alone on N cores at best.

    python -m studies.run_cost --run runs/tiny [--cores 2] [--only ID ...] [--out FILE.md]

Jobs shared between findings (4.2's arms are 4.5's) are counted in each finding that uses them, and once in the total.
The run is re-planned as it was made (`studies.runs.replan`). The lower bound on a finding's own wall time is max(core-minutes / cores, its longest chain of dependent jobs).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from studies.runs import emit, main_guard, replan
from suite import runner
from suite.cli_args import positive_int


def finding_costs(run_dir: Path, cores: int, package: str = "experiments",
                  ids: list[str] | None = None) -> tuple[list[dict], dict]:
    """One row per finding that ran ({id, jobs, core_min, alone_min, by_kind}) and the total of their jobs; `package`
    holds the experiment modules the run was made from; `ids` keeps those findings only (default: all that ran)."""
    _, plan = replan(run_dir, ids, package=package)
    return plan_costs(run_dir, plan, cores)


def plan_costs(run_dir: Path, plan, cores: int) -> tuple[list[dict], dict]:
    """`finding_costs` of a run made from `plan` (a `suite.runner.Plan`, e.g. a study's derived recipes)."""
    ids = [pe.experiment.id for pe in plan.experiments]
    jobs = {j.key: j for j in plan.jobs}
    wall = {k: runner.job_wall_time_s(run_dir, j.hash, j.seed) for k, j in jobs.items()}

    def by_kind(keys) -> dict[str, float]:  # core-minutes per kind of job (`Recipe.kind`)
        out: dict[str, float] = {}
        for k in keys:
            out[jobs[k].recipe.kind] = out.get(jobs[k].recipe.kind, 0.0) + wall[k] / 60
        return out

    def chain(key: str) -> float:  # the longest path of dependent jobs ending at `key`
        return wall[key] + max((chain(d) for d in jobs[key].dependency_keys()), default=0.0)

    rows = []
    for pe in plan.experiments:
        if pe.experiment.id not in ids:
            continue
        keys: set[str] = set()
        todo = [runner.job_key(h, s) for h in pe.arm_hashes.values() for s in pe.seeds]
        while todo:
            k = todo.pop()
            if k not in keys:
                keys.add(k)
                todo.extend(jobs[k].dependency_keys())
        core_s = sum(wall[k] for k in keys)
        longest = max(chain(k) for k in keys)
        rows.append({"id": pe.experiment.id, "jobs": len(keys), "core_min": core_s / 60,
                     "alone_min": max(core_s / cores, longest) / 60, "by_kind": by_kind(keys)})
    total_s = sum(wall.values())
    total = {"jobs": len(jobs), "core_min": total_s / 60,
             "alone_min": max(total_s / cores, max(chain(k) for k in jobs)) / 60, "by_kind": by_kind(jobs)}
    return rows, total


def to_markdown(rows: list[dict], total: dict, cores: int) -> str:
    """The table; a column of core-minutes per kind of job (SFT, RL, judge, ...) after the total."""
    kinds = sorted({k for r in [*rows, total] for k in r.get("by_kind", {})})
    lines = [f"| finding | jobs | core-minutes | " + "".join(f"{k} | " for k in kinds)
             + f"alone on {cores} cores, at best (min) |", "|---|---|---|" + "---|" * len(kinds) + "---|"]

    def line(name, r):
        per_kind = "".join(f"{r.get('by_kind', {}).get(k, 0.0):.1f} | " for k in kinds)
        return f"| {name} | {r['jobs']} | {r['core_min']:.1f} | {per_kind}{r['alone_min']:.1f} |"

    lines += [line(r["id"], r) for r in rows]
    lines.append(line("all (shared jobs once)", total))
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--run", type=Path, required=True, help="a finished run directory")
    ap.add_argument("--cores", type=positive_int, default=2)
    ap.add_argument("--only", nargs="+", metavar="ID", help="these findings only; the total counts their jobs")
    ap.add_argument("--out", type=Path, help="also write the table here")
    args = ap.parse_args(argv)
    rows, total = finding_costs(args.run, args.cores, ids=args.only)
    emit(to_markdown(rows, total, args.cores), args.out)


if __name__ == "__main__":
    main_guard(main)
