"""Study: how much training do the tiny findings' claim verdicts need? Issue #13 asks for all of Takeaways 4.1-4.6 at
`tiny` within 20 minutes on two cores (three seeds). The recipes behind the stored references cost 161.6 core-minutes
(evidence/tiny/main_job_avx2), and a PPO step of the tiny engine costs about as much with a third of the model's
FLOPs (`benchmarks/tiny_ppo_speed.py --phases-only --checkpoint ...`; evidence/tiny/training_budget), so meeting
that budget means training less. This study measures what training less does to the verdicts, two ways, with each
finding's own claim checks, unchanged:

- **truncated** (`--run`): a finished run's RL curves cut after a fraction f of each arm's iterations, rounded down
  to its held-out evaluation grid; the final scalars (held-out accuracy, length, exceed rate, training accuracy) are
  read at the cut. This is what the same training showed at that point. It is not a shorter run: a run of f x the
  iterations decays its learning rate over its own length (`cosine_with_min_lr`), so it trains less per iteration
  near its end than the first f of a longer run did.
- **trained** (`--train F`): the findings run again, from scratch, with every arm's training multiplied by F: an RL
  arm's PPO iterations (its SFT start unchanged; 4.4's `large_2x` keeps twice the others'), an SFT arm's steps and
  warm-up (Sections 3 and 5's SFT-only arms, e.g. `--only takeaway-3.1`). Judged the same way, with each finding's
  core-minutes and its wall-time bound on two cores (`studies.run_cost`).

    python -m studies.training_budget --run runs/tiny [--fractions 0.25,0.5,0.75,1] [--out DIR]
        [--train 0.25 --runs runs/budget --jobs 2] [--only ID ...]

Writes `verdicts.md` (each claim check's verdict per fraction, and each finding's claim verdict), `verdicts.png`
(the same as coloured cells), `costs.md` (with `--train`) and `training_budget.json` to `--out`. Reproduction checks
are left out: the stored references are of the full recipes, which neither a truncated nor a shorter run can match.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import replace
from pathlib import Path

from studies.run_cost import plan_costs, to_markdown
from studies.runs import emit, main_guard, replan
from suite import runner, verdicts
from suite.atomic import write_json_atomic
from suite.checks.multiplicity import evaluate_checks
from suite.cli_args import positive_int
from suite.errors import UserError
from suite.metrics import names as M
from suite.tiny.recipes import TinyRLRecipe, TinySFTRecipe

SECTION_4 = tuple(f"takeaway-4.{i}" for i in range(1, 7))

#: a tiny RL run's final scalars and the curve each is the last point of (`suite.tiny.rl.train._final_scalars`)
FINAL = {
    M.TRAIN_ACCURACY_FINAL: M.TRAIN_ACCURACY,
    M.MEAN_LENGTH_FINAL: M.RESPONSE_LENGTH,
    M.EXCEED_RATE_FINAL: M.EXCEED_RATE,
    M.HELDOUT_ACCURACY: M.HELDOUT_ACCURACY_CURVE,
}


def cut_step(recipe: TinyRLRecipe, fraction: float) -> int:
    """The last iteration kept of an arm cut at `fraction`: f x its iterations, rounded down to its evaluation grid
    (so that the held-out accuracy read there was measured there); at least one evaluation interval."""
    rl = recipe.rl
    return max(rl.eval_every, math.floor(fraction * rl.steps / rl.eval_every) * rl.eval_every)


def truncate(metrics: dict, last_step: int, where: str) -> dict:
    """One seed's metrics file cut after iteration `last_step`: every curve's points up to it, and the final scalars
    read at the cut. A scalar measured only once at the end (e.g. an out-of-domain evaluation) has no value at the
    cut: UserError naming it."""
    once = sorted(set(metrics["scalars"]) - set(FINAL))
    if once:
        raise UserError(f"scalars {once} are measured once, at the end of training; a cut run has no value for them",
                        where=where)
    curves = {}
    for name, c in metrics["curves"].items():
        keep = [i for i, s in enumerate(c["step"]) if s <= last_step]
        curves[name] = {"step": [c["step"][i] for i in keep], "value": [c["value"][i] for i in keep]}
    scalars = {}
    for name, source in FINAL.items():
        c = curves.get(source)
        if c and c["value"] and c["value"][-1] is not None:
            scalars[name] = c["value"][-1]
    return {**metrics, "curves": curves, "scalars": scalars}


def claim_checks(exp, obs) -> list:
    """The finding's tiny claim checks on `obs`, judged as the runner judges a run (`evaluate_checks`)."""
    return list(evaluate_checks([c for c in exp.scales["tiny"].checks if c.role == verdicts.CLAIM], obs))


def truncated_verdicts(run_dir: Path, fraction: float, ids=SECTION_4) -> dict[str, list]:
    """{finding: claim check results} of `run_dir` with every arm cut at `fraction` of its iterations (at 1, the run
    as it is, whatever its arms' kinds)."""
    summary, plan = replan(run_dir, ids)
    whole = fraction >= 1  # the run as it is: any kind of arm
    out = {}
    for pe in plan.experiments:
        per_arm = {}
        for arm, a in summary.experiments[pe.experiment.id].arms.items():
            recipe = plan.recipes[a.recipe_hash]
            if not whole and not isinstance(recipe, TinyRLRecipe):
                raise UserError(f"arm {arm!r} is a {recipe.kind} job; only tiny RL arms can be cut (an SFT arm is "
                                "evaluated once, at its end)", where=f"{run_dir}: {pe.experiment.id}")
            per_arm[arm] = {}
            for seed in a.seeds:
                metrics = runner.load_metrics(run_dir, a.recipe_hash, seed)
                where = str(runner.RunLayout(run_dir).metrics_json(a.recipe_hash, seed))
                per_arm[arm][seed] = metrics if whole else truncate(metrics, cut_step(recipe, fraction), where)
        out[pe.experiment.id] = claim_checks(pe.experiment, runner.observations_of(per_arm))
    return out


def scaled_sft(cfg, fraction: float):
    """An SFT config at `fraction` of its steps: warm-up scaled alike, and an evaluation at the end kept at the end."""
    steps = max(1, round(fraction * cfg.steps))
    return replace(cfg, steps=steps, warmup_steps=round(fraction * cfg.warmup_steps),
                   eval_every=steps if cfg.eval_every >= cfg.steps else min(cfg.eval_every, steps))


def scaled(exp, fraction: float):
    """The finding with every tiny arm's training multiplied by `fraction` (at least one step): an RL arm's PPO
    iterations (its SFT start unchanged), an SFT arm's steps (`scaled_sft`; its own SFT start, if any, unchanged)."""
    spec = exp.scales["tiny"]
    recipes = {}
    for arm, r in spec.recipes.items():
        if isinstance(r, TinyRLRecipe):
            recipes[arm] = replace(r, rl=replace(r.rl, steps=max(1, round(fraction * r.rl.steps))))
        elif isinstance(r, TinySFTRecipe):
            recipes[arm] = replace(r, sft=scaled_sft(r.sft, fraction))
        else:
            raise UserError(f"arm {arm!r} is a {r.kind} job; only tiny RL and SFT arms can be scaled", where=exp.id)
    return replace(exp, scales={**exp.scales, "tiny": replace(spec, recipes=recipes)})


def trained_verdicts(fraction: float, run_dir: Path, jobs: int, ids=SECTION_4) -> tuple[dict[str, list], list, dict]:
    """Run the findings with their training scaled by `fraction` (`scaled`) into `run_dir` (resumable); returns
    ({finding: claim check results}, cost rows, cost total)."""
    from suite.registry import discover, select

    exps = [scaled(e, fraction) for e in select(discover("experiments"), list(ids), "tiny")]
    summary, errors = runner.run(exps, "tiny", run_dir, jobs=jobs, progress=sys.stderr.isatty(), on_event=print,
                                 command=" ".join(sys.argv))
    if errors:
        raise UserError("jobs failed: " + "; ".join(f"{k}: {v}" for k, v in errors.items()), where=str(run_dir))
    results = {i: [c for c in summary.experiments[i].checks if c.role == verdicts.CLAIM] for i in ids}
    rows, total = plan_costs(run_dir, runner.plan_run(exps, "tiny"), cores=2)
    return results, rows, total


def verdict_table(columns: dict[str, dict[str, list]]) -> str:
    """Markdown: per finding, each claim check's verdict in each column, then the finding's claim verdict."""
    names = list(columns)
    first = next(iter(columns.values()))
    lines = ["| finding | claim check | " + " | ".join(names) + " |", "|---|---|" + "---|" * len(names)]
    for exp_id, results in first.items():
        for i, r in enumerate(results):
            cells = [columns[n][exp_id][i].verdict for n in names]
            lines.append(f"| {exp_id} | {r.name} | " + " | ".join(cells) + " |")
        overall = [verdicts.aggregate((r.verdict for r in columns[n][exp_id]), role=verdicts.CLAIM) for n in names]
        lines.append(f"| {exp_id} | **claim verdict** | " + " | ".join(f"**{v}**" for v in overall) + " |")
    counts = []
    for n in names:
        every = [r.verdict for rs in columns[n].values() for r in rs]
        counts.append("/".join(str(every.count(v)) for v in (verdicts.PASS, verdicts.FAIL, verdicts.INCONCLUSIVE)))
    lines.append("| all | checks pass/fail/inconclusive | " + " | ".join(counts) + " |")
    return "\n".join(lines) + "\n"


COLOURS = {verdicts.PASS: "#4c9a2a", verdicts.FAIL: "#c0392b", verdicts.INCONCLUSIVE: "#d9d9d9"}


def plot(columns: dict[str, dict[str, list]], path: Path) -> None:
    """Each claim check (a row, grouped by finding) coloured by its verdict in each column: pass green, fail red,
    inconclusive grey."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    names = list(columns)
    first = next(iter(columns.values()))
    rows = [(exp_id, i, r.name) for exp_id, results in first.items() for i, r in enumerate(results)]
    fig, ax = plt.subplots(figsize=(5.0 + 1.2 * len(names), 0.8 + 0.3 * len(rows)))
    for y, (exp_id, i, _) in enumerate(rows):
        for x, n in enumerate(names):
            v = columns[n][exp_id][i].verdict
            ax.add_patch(plt.Rectangle((x, y), 0.95, 0.9, color=COLOURS.get(v, "white")))
    ax.set_xlim(0, len(names))
    ax.set_ylim(len(rows), 0)
    ax.set_xticks([x + 0.475 for x in range(len(names))], names, fontsize=8)
    ax.xaxis.tick_top()
    ax.set_yticks([y + 0.45 for y in range(len(rows))],
                  [f"{exp_id.removeprefix('takeaway-')}: {name[:60]}" for exp_id, _, name in rows], fontsize=7)
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    ax.legend(handles=[Patch(color=c, label=v) for v, c in COLOURS.items()], loc="upper center",
              bbox_to_anchor=(0.5, -0.01), ncol=3, fontsize=8, frameon=False)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)


def column_name(fraction: float) -> str:
    return "full run" if fraction >= 1 else f"cut at {fraction:g}"


def fraction_arg(text: str) -> tuple[float, ...]:
    try:
        values = tuple(float(s) for s in text.split(","))
    except ValueError:
        values = ()
    if not values or any(not 0 < v <= 1 for v in values):
        raise UserError(f"fractions must be comma-separated numbers in (0, 1], got {text!r}", where="--fractions")
    return values


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--run", type=Path, help="a finished run of the findings at tiny scale, to cut")
    ap.add_argument("--fractions", default="0.25,0.5,0.75,1", help="where to cut each arm (fractions of its "
                    "iterations; default 0.25,0.5,0.75,1)")
    ap.add_argument("--train", type=float, help="also run the findings with their training scaled by this")
    ap.add_argument("--only", nargs="+", metavar="ID", default=list(SECTION_4),
                    help="the findings (default: takeaway-4.1 ... takeaway-4.6)")
    ap.add_argument("--runs", type=Path, default=Path("runs") / "budget", help="run directory for --train")
    ap.add_argument("--jobs", type=positive_int, default=2, help="jobs in parallel for --train")
    ap.add_argument("--out", type=Path, help="folder for verdicts.md, costs.md and training_budget.json")
    args = ap.parse_args(argv)
    if args.run is None and args.train is None:
        raise UserError("nothing to do: give a finished run to cut (--run), a fraction to train at (--train), or both")
    fractions = fraction_arg(args.fractions) if args.run is not None else ()
    if args.train is not None and not 0 < args.train <= 1:
        raise UserError(f"expected a fraction in (0, 1], got {args.train}", where="--train")
    ids = tuple(args.only)
    columns = {column_name(f): truncated_verdicts(args.run, f, ids) for f in fractions}
    costs = None
    if args.train is not None:
        results, rows, total = trained_verdicts(args.train, args.runs, args.jobs, ids)
        columns[f"trained at {args.train:g}"] = results
        costs = to_markdown(rows, total, 2)
    table = verdict_table(columns)
    emit(table, args.out / "verdicts.md" if args.out else None)
    if costs is not None:
        emit(costs, args.out / "costs.md" if args.out else None)
    if args.out:
        plot(columns, args.out / "verdicts.png")
        write_json_atomic(args.out / "training_budget.json", {
            "run": str(args.run) if args.run else None, "fractions": list(fractions), "train": args.train,
            "findings": list(ids),
            "verdicts": {col: {i: [r.to_dict() for r in rs] for i, rs in by_id.items()}
                         for col, by_id in columns.items()},
        })


if __name__ == "__main__":
    main_guard(main)
