"""Study: does Takeaway 4.5's length hacking appear with more compute? The paper: "Length rewards will be hacked with
enough compute". At `tiny`, 200 iterations of the cosine reward showed none (evidence/tiny/hard_problems/). This
study trains the same two arms (takeaway-4.5's `cosine` and `cosine_rep`, hard-problem logging on) for `--steps`
iterations instead, and judges the run with 4.5's own claim checks, unchanged.

    python -m studies.hacking_compute --steps 800 --seeds 0,1,2 --out evidence/tiny/hard_problems/compute_800
        [--runs runs/studies] [--jobs 2]

Only the iterations change (and held-out evaluation every steps/8 iterations, so that every length is evaluated
nine times); the learning-rate schedule stretches over the longer run, as it would for a longer paper run. Writes
`checks.md` (4.5's claim checks and the same trends over all prompts), `windows.md` (each hard-problem curve over
the run: the first 10 iterations and each quarter, mean over seeds), `curves.png` and `summary.json`.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

import numpy as np

from studies.runs import (add_run_arguments, add_set_argument, main_guard, overrides_of, run_recipes,
                          seeds_arg)
from suite.atomic import write_json_atomic, write_text_atomic
from suite.checks import Trend
from suite.errors import UserError
from suite.metrics import names as M
from suite.runner import ArmRun, arm_observations

#: the curves the study follows: hard-problem length, repetition and branching, and the same over all prompts
CURVES = (M.RESPONSE_LENGTH_HARD, M.REPETITION_RATIO_HARD, M.ALTERNATIVELY_CURVE_HARD, M.TRAIN_ACCURACY_HARD,
          M.RESPONSE_LENGTH, M.REPETITION_RATIO, M.ALTERNATIVELY_CURVE)


def recipes(steps: int) -> dict:
    from experiments._tiny_recipes import HR_COSINE, HR_COSINE_REP

    if steps < 8:
        raise UserError(f"--steps must be at least 8, got {steps}")
    return {arm: replace(r, rl=replace(r.rl, steps=steps, eval_every=max(1, steps // 8)))
            for arm, r in (("cosine", HR_COSINE), ("cosine_rep", HR_COSINE_REP))}


def claim_checks() -> tuple:
    """4.5's tiny claim checks as declared, then its two all-prompt trends (v5's claim, kept for comparison)."""
    from experiments.takeaway_4_5 import EXPERIMENT, HACKING_CHECKS
    from suite import verdicts

    declared = tuple(c for c in EXPERIMENT.scales["tiny"].checks if c.role == verdicts.CLAIM)
    return declared + tuple(c for c in HACKING_CHECKS if isinstance(c, Trend))


def windows(obs, arms) -> list[str]:
    """Markdown rows: each curve's mean over seeds in the first 10 iterations and in each quarter of the run."""
    lines = ["| arm | curve | first 10 iterations | 1st quarter | 2nd quarter | 3rd quarter | 4th quarter |",
             "|---|---|---|---|---|---|---|"]
    for arm in arms:
        for name in CURVES:
            c = obs[arm].curves[name]
            arr, n = c.array(), len(c.steps)
            cuts = [arr[:, :10]] + [arr[:, q * n // 4:(q + 1) * n // 4] for q in range(4)]
            lines.append(f"| {arm} | `{name}` | " + " | ".join(f"{w.mean():.4g}" for w in cuts) + " |")
    return lines


def plot(obs, arms, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = CURVES[:3]
    fig, axes = plt.subplots(1, len(names), figsize=(4.2 * len(names), 3.2))
    for ax, name in zip(axes, names):
        for arm in arms:
            c = obs[arm].curves[name]
            mean = c.array().mean(axis=0)
            k = max(1, len(mean) // 40)  # a moving average over 2.5% of the run
            smooth = np.convolve(mean, np.ones(k) / k, mode="valid")
            ax.plot(np.asarray(c.steps)[k - 1:], smooth, label=arm)
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("PPO iteration")
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=800, help="PPO iterations per arm (default 800: 4x takeaway-4.5's)")
    ap.add_argument("--seeds", type=seeds_arg, default=(0, 1, 2))
    ap.add_argument("--out", type=Path, required=True, help="folder for checks.md, windows.md, curves.png")
    add_set_argument(ap, "override a field of both arms' recipes (the tests shrink them)")
    add_run_arguments(ap)
    args = ap.parse_args(argv)
    overrides = overrides_of(args.overrides)
    study = run_recipes(f"hacking-compute-{args.steps}", recipes(args.steps), args.seeds, args.runs, jobs=args.jobs,
                        overrides=overrides)
    arms = tuple(study.hashes)
    obs = arm_observations(study.run_dir, {a: ArmRun(h, study.seeds) for a, h in study.hashes.items()})
    results = [c.evaluate(obs, None) for c in claim_checks()]
    args.out.mkdir(parents=True, exist_ok=True)
    head = (f"{args.steps} PPO iterations of takeaway-4.5's tiny arms (seeds {', '.join(map(str, study.seeds))}); "
            f"jobs {', '.join(f'{a} `{h}`' for a, h in study.hashes.items())} in `{study.run_dir}`.")
    checks_md = [head, "", "| check | verdict | evidence |", "|---|---|---|",
                 *(f"| {r.name} | {r.verdict} | {r.evidence} |" for r in results)]
    write_text_atomic(args.out / "checks.md", "\n".join(checks_md) + "\n")
    write_text_atomic(args.out / "windows.md", "\n".join([head, "", *windows(obs, arms)]) + "\n")
    plot(obs, arms, args.out / "curves.png")
    write_json_atomic(args.out / "summary.json", {
        "steps": args.steps, "seeds": list(study.seeds), "hashes": dict(study.hashes),
        "wall_time_s": {a: [study.wall_time_s(a, s) for s in study.seeds] for a in arms},
        "checks": [r.to_dict() for r in results]})
    print("\n".join(checks_md))
    print(json.dumps({"out": str(args.out)}))


if __name__ == "__main__":
    main_guard(main)
