"""What each finding of a finished run cost: its jobs (arms x seeds, plus the SFT jobs they start from), their summed
wall time (core-minutes: every job runs on one thread), and the wall time it would take alone on N cores at best.

    python -m studies.run_cost --run runs/tiny [--cores 2] [--out FILE.md]

Jobs shared between findings (4.2's arms are 4.5's) are counted in each finding that uses them, and once in the total.
The run is re-planned as it was made (`studies.runs.replan`). The lower bound on a finding's own wall time is max(core-minutes / cores, its longest chain of dependent jobs).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from studies.runs import emit, main_guard, replan
from suite import runner
from suite.cli_args import positive_int


def finding_costs(run_dir: Path, cores: int, package: str = "experiments") -> tuple[list[dict], dict]:
    """One row per finding that ran ({id, jobs, core_min, alone_min}) and the run's total; `package` holds the
    experiment modules the run was made from."""
    _, plan = replan(run_dir, package=package)
    ids = [pe.experiment.id for pe in plan.experiments]
    jobs = {j.key: j for j in plan.jobs}
    wall = {k: runner.job_wall_time_s(run_dir, j.hash, j.seed) for k, j in jobs.items()}

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
                     "alone_min": max(core_s / cores, longest) / 60})
    total_s = sum(wall.values())
    total = {"jobs": len(jobs), "core_min": total_s / 60,
             "alone_min": max(total_s / cores, max(chain(k) for k in jobs)) / 60}
    return rows, total


def to_markdown(rows: list[dict], total: dict, cores: int) -> str:
    lines = [f"| finding | jobs | core-minutes | alone on {cores} cores, at best (min) |", "|---|---|---|---|"]
    lines += [f"| {r['id']} | {r['jobs']} | {r['core_min']:.1f} | {r['alone_min']:.1f} |" for r in rows]
    lines.append(f"| all (shared jobs once) | {total['jobs']} | {total['core_min']:.1f} | {total['alone_min']:.1f} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--run", type=Path, required=True, help="a finished run directory")
    ap.add_argument("--cores", type=positive_int, default=2)
    ap.add_argument("--out", type=Path, help="also write the table here")
    args = ap.parse_args(argv)
    rows, total = finding_costs(args.run, args.cores)
    emit(to_markdown(rows, total, args.cores), args.out)


if __name__ == "__main__":
    main_guard(main)
