"""Study: the RL probe. From the search world's SFT policy, PPO with the classic, cosine and cosine + repetition
rewards (the tiny arms of Takeaways 4.1 and 4.2), several seeds: how do length, exceed rate and accuracy move?

    python -m studies.rl_probe run --out evidence/tiny/rl/probe_search [--seeds 0,1,2] [--set rl.max_new_tokens=96]
        [--world search|headroom]
        # trains the arms through the runner (cached in --runs, default runs/studies), then `summary`
    python -m studies.rl_probe collect --run runs/tiny --out evidence/tiny/rl/probe_search
        # the same records from a finished `longcot run --scale tiny` (takeaway-4.2's arms, trained by the main job:
        # no training here), then `summary`
    python -m studies.rl_probe summary --out evidence/tiny/rl/probe_search
        # summary.json, summary.md and probe.png from the records in OUT

A record per (arm, seed), `<arm>_s<seed>.json`: the RL config and its SFT config, recipe hash, wall time,
provenance, scalars and curves.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from dataclasses import asdict
from pathlib import Path

from studies.runs import add_run_arguments, add_set_argument, main_guard, overrides_of, replan, run_recipes, seeds_arg
from suite import runner
from suite.atomic import write_json_atomic, write_text_atomic
from suite.errors import UserError
from suite.recipes import apply_overrides

EXPERIMENT = "takeaway-4.2"  # the finding whose tiny arms are the probe (4.1's classic arm is the same job)


WORLDS = ("search", "headroom")


def probe_recipes(world: str = "search") -> dict:
    """The probe's arms: classic, cosine, cosine + repetition from the world's SFT policy (the search world's are
    Takeaway 4.1/4.2's tiny arms; the headroom world's are `HR_*` in experiments/_tiny_recipes.py)."""
    from experiments import _tiny_recipes as R

    if world == "headroom":
        return {"classic": R.HR_CLASSIC, "cosine": R.HR_COSINE, "cosine_rep": R.HR_COSINE_REP}
    return {"classic": R.RL_CLASSIC, "cosine": R.RL_COSINE, "cosine_rep": R.RL_COSINE_REP}


def _record(run_dir: Path, arm: str, recipe, recipe_hash: str, seed: int, command: str) -> dict:
    m = runner.load_metrics(run_dir, recipe_hash, seed)
    return {"arm": arm, "label": arm, "seed": seed, "config": recipe.rl.to_dict(),
            "init_sft_config": asdict(recipe.init.sft),
            "families": list(recipe.init.sft.families), "recipe_hash": recipe_hash,
            "wall_time_s": runner.job_wall_time_s(run_dir, recipe_hash, seed), "provenance": m.get("provenance"), "command": command,
            "scalars": m["scalars"], "curves": m["curves"]}


def run(out: Path, runs: Path, seeds: tuple[int, ...], overrides: dict[str, str], jobs: int = 1,
        world: str = "search") -> None:
    """Train every probe arm for every seed through the runner and write one record per (arm, seed)."""
    recipes = probe_recipes(world)
    study = run_recipes(f"rl-probe-{world}", recipes, seeds, runs, jobs=jobs, overrides=overrides)
    for arm, recipe in recipes.items():
        recipe = apply_overrides(recipe, overrides, where=f"--set for arm {arm}")
        for s in seeds:
            write_json_atomic(out / f"{arm}_s{s}.json", _record(runs, arm, recipe, study.hashes[arm], s,
                                                                " ".join(sys.argv)))
    summary(out)


def collect(run_dir: Path, out: Path) -> None:
    """One record per (arm, seed) of takeaway-4.2's tiny arms from a finished runner directory. The recipes are
    re-planned with the overrides the run was made with (its run.json) and must hash to what the run ran."""
    done, plan = replan(run_dir, [EXPERIMENT])
    ran = done.experiments[EXPERIMENT]
    for arm, a in ran.arms.items():
        recipe = plan.recipes[a.recipe_hash]
        for s in a.seeds:
            write_json_atomic(out / f"{arm}_s{s}.json", _record(run_dir, arm, recipe, a.recipe_hash, s,
                                                                f"collect {run_dir}"))
    print(f"wrote {sum(len(a.seeds) for a in ran.arms.values())} records to {out}")
    summary(out)


# --- summary: tables and a plot from the records ----------------------------------------------------------------------

CURVES = ["response_length", "exceed_rate", "train_accuracy", "response_length_terminated", "kl"]
START_END = ["response_length", "response_length_correct", "response_length_wrong", "exceed_rate", "truncated_rate",
             "train_accuracy", "keyword/wait", "keyword/alternatively,", "repetition_ratio", "reward/outcome", "kl",
             "entropy"]


def summary(out: Path, every: int = 25, window: int = 5) -> dict:
    """Per arm: mean ± sd across seeds of each curve; a table every `every` steps (per-seed means over the `window`
    steps ending there); a start-vs-end table; a plot."""
    import numpy as np

    runs: dict[str, list[dict]] = {}
    for f in sorted(out.glob("*_s*.json")):
        r = json.loads(f.read_text())
        runs.setdefault(r.get("label", r["arm"]), []).append(r)
    if not runs:
        raise UserError("no probe records (<arm>_s<seed>.json) here; run `run` or `collect` first", where=str(out))
    result = {}
    for arm, rs in runs.items():
        result[arm] = {"seeds": [r["seed"] for r in rs], "wall_time_s": [round(r["wall_time_s"], 1) for r in rs]}
        for m in CURVES:
            vals = np.array([[np.nan if v is None else v for v in r["curves"][m]["value"]] for r in rs], dtype=float)
            with warnings.catch_warnings():  # a step where no seed has a value (e.g. nothing terminated) is NaN
                warnings.simplefilter("ignore", RuntimeWarning)
                result[arm][m] = {"step": rs[0]["curves"][m]["step"], "mean": np.nanmean(vals, 0).tolist(),
                                  "sd": np.nanstd(vals, 0, ddof=1 if len(rs) > 1 else 0).tolist()}
        h = np.array([r["curves"]["heldout_accuracy_curve"]["value"] for r in rs], dtype=float)
        result[arm]["heldout_accuracy_curve"] = {"step": rs[0]["curves"]["heldout_accuracy_curve"]["step"],
                                                 "mean": h.mean(0).tolist(),
                                                 "sd": h.std(0, ddof=1 if len(rs) > 1 else 0).tolist()}
    lines = ["| arm | step | mean length ± sd | exceed rate ± sd | train acc ± sd | held-out acc ± sd | seeds |",
             "|---|---|---|---|---|---|---|"]
    for arm, rs in runs.items():
        s = result[arm]
        hsteps = s["heldout_accuracy_curve"]["step"]
        for i, st in enumerate(s["response_length"]["step"]):
            if st != 1 and st % every:
                continue
            # per-step values are noisy (64 samples): each seed's mean over the `window` steps ending here, then
            # mean ± sd of those across seeds
            lo = max(0, i - window + 1)

            def win(m, fmt):
                v = [np.mean([x for x in r["curves"][m]["value"][lo:i + 1] if x is not None]) for r in rs]
                sd = np.std(v, ddof=1) if len(v) > 1 else 0.0
                return f"{np.mean(v):{fmt}} ± {sd:{fmt}}"

            ho = ""
            at = 0 if st == 1 else st
            if at in hsteps:
                h = [r["curves"]["heldout_accuracy_curve"]["value"][hsteps.index(at)] for r in rs]
                sd = np.std(h, ddof=1) if len(h) > 1 else 0.0
                ho = f"{np.mean(h):.3f} ± {sd:.3f}" + (" (step 0)" if st == 1 else "")
            lines.append(f"| {arm} | {st} | {win('response_length', '.1f')} | {win('exceed_rate', '.3f')} | "
                         f"{win('train_accuracy', '.3f')} | {ho} | {len(rs)} |")
    lines.append(f"\n(each cell: per-seed mean over the {window} steps ending at `step` (step 1: that step alone), "
                 "then mean ± sd across seeds; held-out accuracy at that exact step)")
    lines += ["", _start_end_table(runs)]
    table = "\n".join(lines)
    write_json_atomic(out / "summary.json", result)
    write_text_atomic(out / "summary.md", table + "\n")
    print(table)
    _plot(result, out / "probe.png", window)
    return result


def _start_end_table(runs, first=10, last=25):
    """Per arm: mean over seeds of each metric averaged over the first `first` and the last `last` steps."""
    import numpy as np

    def avg(r, m, sl):
        v = [x for x in r["curves"][m]["value"][sl] if x is not None]
        return float(np.mean(v)) if v else float("nan")

    out = [f"| arm | metric | steps 1-{first} | last {last} steps | seeds (last-{last} values) |",
           "|---|---|---|---|---|"]
    for arm, rs in runs.items():
        for m in START_END:
            a = [avg(r, m, slice(0, first)) for r in rs]
            b = [avg(r, m, slice(-last, None)) for r in rs]
            out.append(f"| {arm} | {m} | {np.mean(a):.3f} | {np.mean(b):.3f} | {', '.join(f'{x:.3f}' for x in b)} |")
        h = [r["curves"]["heldout_accuracy_curve"]["value"] for r in rs]
        out.append(f"| {arm} | heldout_accuracy (step 0 -> last) | {np.mean([x[0] for x in h]):.3f} | "
                   f"{np.mean([x[-1] for x in h]):.3f} | {', '.join(f'{x[-1]:.3f}' for x in h)} |")
    return "\n".join(out)


def _trailing_mean(x, k):
    """Mean over a trailing window of k points (shorter at the start)."""
    import numpy as np

    x = np.asarray(x, dtype=float)
    if k <= 1:
        return x
    c = np.cumsum(np.insert(x, 0, 0.0))
    lo = np.maximum(0, np.arange(len(x)) - k + 1)
    return (c[1:] - c[lo]) / (np.arange(len(x)) + 1 - lo)


def _plot(result, path, window):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    panels = [("response_length", "mean response length (tokens)"), ("exceed_rate", "exceed rate"),
              ("train_accuracy", "training accuracy"), ("heldout_accuracy_curve", "held-out accuracy"),
              ("kl", "KL to reference (nats/token)")]
    fig, axes = plt.subplots(1, len(panels), figsize=(4.6 * len(panels), 3.8))
    for ax, (m, label) in zip(axes, panels):
        for arm, s in result.items():
            x = np.array(s[m]["step"])
            k = 1 if m == "heldout_accuracy_curve" else window
            mu, sd = _trailing_mean(s[m]["mean"], k), _trailing_mean(s[m]["sd"], k)
            ax.plot(x, mu, label=f"{arm} (n={len(s['seeds'])})", marker="o" if k == 1 else None)
            ax.fill_between(x, mu - sd, mu + sd, alpha=0.2)
        ax.set_xlabel("RL step")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    axes[0].legend()
    fig.suptitle(f"tiny RL probe: mean ± sd across seeds ({window}-step trailing average of per-step values)")
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)
    print(f"wrote {path}")


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m studies.rl_probe", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="train the probe arms through the runner")
    r.add_argument("--out", type=Path, required=True)
    r.add_argument("--seeds", default="0,1,2")
    r.add_argument("--world", choices=WORLDS, default="search", help="whose SFT policy and RL settings (default search)")
    add_set_argument(r, "recipe override, as `longcot run --set` (e.g. rl.max_new_tokens=96)")
    add_run_arguments(r)
    c = sub.add_parser("collect", help="records from a finished `longcot run --scale tiny` directory")
    c.add_argument("--run", type=Path, required=True)
    c.add_argument("--out", type=Path, required=True)
    s = sub.add_parser("summary", help="tables and plot from the records in OUT")
    s.add_argument("--out", type=Path, required=True)
    s.add_argument("--every", type=int, default=25)
    s.add_argument("--window", type=int, default=5)
    a = p.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    if a.cmd == "run":
        run(a.out, a.runs, seeds_arg(a.seeds), overrides_of(a.overrides), a.jobs, a.world)
    elif a.cmd == "collect":
        collect(a.run, a.out)
    else:
        summary(a.out, a.every, a.window)


if __name__ == "__main__":
    main_guard(main)
