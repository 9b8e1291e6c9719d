"""Study: is a tiny job deterministic? Two runs of the same SFT and RL recipes with the same seed, each in its own
run directory and its own worker processes, must write byte-identical `metrics.json` files and checkpoints; a run
with another seed must not.

    python -m studies.determinism --out evidence/tiny/search/determinism.json [--runs runs/studies/determinism]

The recipes are short versions of the search world's (`SEARCH_SFT` for 60 steps, then 10 PPO steps of the probe's
cosine + repetition arm), so the check takes about a minute on two cores.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
from dataclasses import asdict, replace
from pathlib import Path

from experiments._tiny_recipes import PROBE
from studies.runs import StudyRun, main_guard, run_recipes
from suite.atomic import write_json_atomic
from suite.rewards.settings import SPEC_COSINE_REP
from suite.tiny.recipes import TinyRLRecipe, TinySFTRecipe
from suite.tiny.sft_config import SEARCH_SFT

SFT = TinySFTRecipe(replace(SEARCH_SFT, n_train=100, steps=60, eval_every=30, eval_n=32))
RL = TinyRLRecipe(replace(PROBE, reward=SPEC_COSINE_REP, steps=10, eval_every=5, eval_size=32), init=SFT)
RECIPES = {"sft": SFT, "rl": RL}
ARTIFACTS = {"sft": "checkpoint/model.pt", "rl": "policy.pt/model.pt"}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fingerprints(run: StudyRun, seed: int) -> dict:
    """Per job: sha256 of its metrics.json and of its saved weights."""
    from suite.runner import RunLayout

    layout = RunLayout(run.run_dir)
    return {arm: {"metrics_json": _sha256(layout.metrics_json(run.hashes[arm], seed)),
                  "weights": _sha256(run.workdir(arm, seed) / ARTIFACTS[arm])} for arm in RECIPES}


def check(out: Path, runs: Path, seed: int = 3, other_seed: int = 4) -> dict:
    """Run the recipes three times (seed, seed again in a fresh directory, other seed), two processes each."""
    fresh = [runs / "a", runs / "b", runs / "c"]
    for d in fresh:  # every run trains from scratch: nothing is reused from an earlier call
        shutil.rmtree(d, ignore_errors=True)
    a = run_recipes("determinism", RECIPES, (seed,), fresh[0], jobs=2)
    b = run_recipes("determinism", RECIPES, (seed,), fresh[1], jobs=2)
    c = run_recipes("determinism", RECIPES, (other_seed,), fresh[2], jobs=2)
    fa, fb, fc = _fingerprints(a, seed), _fingerprints(b, seed), _fingerprints(c, other_seed)
    result = {
        "recipes": {arm: {"kind": r.kind, "hash": a.hashes[arm]} for arm, r in RECIPES.items()},
        "sft_config": asdict(SFT.sft), "rl_config": RL.rl.to_dict(), "seed": seed, "other_seed": other_seed,
        "same_seed_identical": fa == fb, "other_seed_differs": all(fa[k] != fc[k] for k in RECIPES),
        f"seed_{seed}_run_1": fa, f"seed_{seed}_run_2": fb, f"seed_{other_seed}": fc,
        "wall_time_s": {arm: [round(x.wall_time_s(arm, s), 1) for x, s in ((a, seed), (b, seed))] for arm in RECIPES},
        "final_heldout_accuracy": {arm: a.metrics(arm, seed)["scalars"]["heldout_accuracy"] for arm in RECIPES},
    }
    write_json_atomic(out, result)
    print(json.dumps(result, indent=1))
    return result


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m studies.determinism", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True, help="the evidence JSON to write")
    ap.add_argument("--runs", type=Path, default=Path("runs") / "studies" / "determinism",
                    help="parent of the three fresh run directories (a, b, c); emptied first")
    a = ap.parse_args()
    result = check(a.out, a.runs)
    if not (result["same_seed_identical"] and result["other_seed_differs"]):
        raise SystemExit(1)


if __name__ == "__main__":
    main_guard(main)
