"""Study: a finding's final RL policies evaluated on its held-out problems with one generation budget for every arm.

    python -m studies.fixed_budget_eval --run runs/tiny --finding takeaway-4.4 --budget 320 --out DIR

Why: the tiny RL engine evaluates held-out accuracy at each recipe's own generation limit. For Takeaway 4.4, whose
arms differ in that limit, a larger window then also gets a larger evaluation budget, while the paper evaluated every
model at the same 16,384 output tokens (§2.5). This re-evaluates each arm's final policy (the run's
`work/policy.pt`, no training) with `budget` tokens, the same problems, temperature, top-p and per-row seeds as the
engine's own evaluation, and judges the finding's claim checks on held-out accuracy with these numbers in place of
the run's. Writes `fixed_budget_eval.json` and `.md` to DIR.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from studies.runs import emit, main_guard, replan
from suite import runner, verdicts
from suite.atomic import write_json_atomic
from suite.cli_args import positive_int
from suite.errors import UserError
from suite.metrics import names as M
from suite.observations import ArmObservations, ScalarSample


def evaluate(run_dir: Path, finding: str, budget: int) -> dict:
    from suite.determinism import configure_torch
    from suite.tiny import model as tiny_model
    from suite.tiny import task
    from suite.tiny.recipes import rl_problem_sets
    from suite.tiny.rl.train import evaluate_heldout
    from suite.tiny.sampling import prompt_ids

    configure_torch()
    summary, plan = replan(run_dir, [finding])
    e, pe = summary.experiments[finding], plan.experiments[0]
    exp = pe.experiment
    recipes = {arm: plan.recipes[h] for arm, h in pe.arm_hashes.items()}
    out = {"finding": finding, "budget": budget, "arms": {}}
    for arm, a in e.arms.items():
        recipe = recipes[arm]
        _, heldout = rl_problem_sets(recipe.init.sft.families, recipe.n_train, recipe.rl.eval_size,
                                     seed=recipe.problem_seed)
        cfg = dataclasses.replace(recipe.rl, max_new_tokens=budget)
        per_seed = {}
        for seed in a.seeds:
            ckpt = runner.RunLayout(run_dir).workdir(a.recipe_hash, seed) / "policy.pt"
            if not (ckpt / "model.pt").exists():
                raise UserError("the final policy is missing (was the job's work folder kept?)", where=str(ckpt))
            policy, tok, _ = tiny_model.load_checkpoint(ckpt)
            if policy.config.block_size < budget + max(len(prompt_ids(tok, p)) for p in heldout):
                raise UserError(f"a budget of {budget} tokens does not fit the model's block size "
                                f"{policy.config.block_size}", where="--budget")
            res = evaluate_heldout(policy, tiny_model.generate, tok, heldout,
                                   [prompt_ids(tok, p) for p in heldout], task.verify, cfg, seed)
            run_scalars = runner.load_metrics(run_dir, a.recipe_hash, seed)["scalars"]
            per_seed[seed] = {"own_limit": recipe.rl.max_new_tokens,
                              "heldout_accuracy_own_limit": run_scalars[M.HELDOUT_ACCURACY],
                              "heldout_accuracy_budget": res[M.HELDOUT_ACCURACY_CURVE],
                              "heldout_length_budget": res[M.HELDOUT_RESPONSE_LENGTH]}
            print(f"{arm} seed {seed}: own limit {recipe.rl.max_new_tokens}: "
                  f"{per_seed[seed]['heldout_accuracy_own_limit']:.3f}, budget {budget}: "
                  f"{per_seed[seed]['heldout_accuracy_budget']:.3f}", flush=True)
        out["arms"][arm] = per_seed
    # the finding's claim checks on held-out accuracy, judged on the fixed-budget numbers
    obs = {arm: ArmObservations(scalars={M.HELDOUT_ACCURACY: ScalarSample.from_values(
        [v["heldout_accuracy_budget"] for v in per_seed.values()])}) for arm, per_seed in out["arms"].items()}
    out["checks"] = [c.evaluate(obs, None).to_dict() for c in exp.scales[summary.scale].checks
                     if c.role == verdicts.CLAIM and c.metric == M.HELDOUT_ACCURACY]
    return out


def to_markdown(res: dict) -> str:
    b = res["budget"]
    lines = [f"# {res['finding']}: final policies evaluated with {b} tokens", "",
             f"| arm | own limit | held-out acc at own limit | held-out acc at {b} | mean length at {b} |",
             "|---|---|---|---|---|"]
    for arm, per_seed in res["arms"].items():
        vals = list(per_seed.values())
        cell = lambda k: " / ".join(f"{v[k]:.3f}" for v in vals)  # noqa: E731
        lines.append(f"| {arm} | {vals[0]['own_limit']} | {cell('heldout_accuracy_own_limit')} | "
                     f"{cell('heldout_accuracy_budget')} | {cell('heldout_length_budget')} |")
    lines += ["", "(values per seed)", "", "| claim check on held-out accuracy | verdict at the fixed budget | evidence |",
              "|---|---|---|"]
    lines += [f"| {c['name']} | {c['verdict']} | {c['evidence']} |" for c in res["checks"]]
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--run", type=Path, required=True)
    ap.add_argument("--finding", default="takeaway-4.4")
    ap.add_argument("--budget", type=positive_int, default=320)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    res = evaluate(args.run, args.finding, args.budget)
    write_json_atomic(args.out / "fixed_budget_eval.json", res)
    emit(to_markdown(res), args.out / "fixed_budget_eval.md")


if __name__ == "__main__":
    main_guard(main)
