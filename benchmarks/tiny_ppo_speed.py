"""PPO steps per second of the tiny RL engine: the engine as issue #13 found it vs the engine now, side by side in one
run, one thread each, plus a per-phase breakdown of today's step (issue #13, part 3).

    python benchmarks/tiny_ppo_speed.py [--steps N] [--rounds R] [--baseline REV] [--phases-only [--tree DIR]]

- **A/B on the issue's recipe.** Takeaway 4.1's classic-reward PPO probe (`experiments._tiny_recipes.PROBE`: 8 prompts
  x 8 samples, limit 112, 4 updates of 16 samples per rollout, policy + reference + critic) from the search world's
  SFT checkpoint (evidence/tiny/search/sft_search). The baseline is the code at `--baseline` (default e3fa787, the
  commit before the first speed-up), checked out with `git worktree` into a temporary folder; each side runs in its
  own process (`PYTHONPATH` = its tree), alternating for `--rounds` rounds so that drift in the machine's speed hits
  both; the ratio is of the medians.
- **Phases of today's step on the headroom recipe** (`HR_COSINE_REP`, limit 160, from
  evidence/tiny/headroom/sft_seek): generation, scoring (reference and critic on the rollout), the update's forward
  passes, backward + optimizer, and the rest (grading, rewards, advantages, metrics).

What changed since the baseline (each is in the code's docstrings): seeded uniforms for all steps in one vectorised
pass; finished rows leave the decoding batch (`generate(skip_finished=True)`, now the default); the policy's rollout
log-probabilities and entropies come from the sampler (temperature 1, top-p 1) instead of a second forward pass;
the reference and critic score the rollout in passes of 16 rows of similar length, cut to their longest response.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import dataclasses, json, sys, time
import torch
from suite.determinism import configure_torch
configure_torch()
torch.set_num_threads(1)
from experiments._tiny_recipes import PROBE, SFT_SEARCH
from suite.tiny import model as tm, task
from suite.tiny.recipes import rl_problem_sets
from suite.tiny.rl import train as tr
from suite.tiny.sampling import prompt_ids
ckpt, steps, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
policy, tok, _ = tm.load_checkpoint(ckpt)
train, _ = rl_problem_sets(SFT_SEARCH.sft.families, 1000, 1, seed=2)
cfg = dataclasses.replace(PROBE, steps=warmup + steps, eval_every=10_000, eval_size=1)
stamps = []
out = tr.rl_loop(cfg, 0, policy, tok, tm.generate, train, [], task.verify, prompt_ids,
                 make_critic=tr.critic_from_policy, progress=lambda s, m: stamps.append(time.perf_counter()))
lengths = out["curves"]["response_length"]["value"][warmup:]
print(json.dumps({"s_per_step": (stamps[-1] - stamps[warmup - 1]) / steps, "mean_length": sum(lengths) / len(lengths)}))
"""


def _child(tree: Path, ckpt: Path, steps: int, warmup: int) -> dict:
    env = {"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1", "CUDA_VISIBLE_DEVICES": ""}
    res = subprocess.run([sys.executable, "-c", CHILD, str(ckpt), str(steps), str(warmup)], cwd=tree, env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def ab(baseline: str, steps: int, warmup: int, rounds: int) -> None:
    ckpt = ROOT / "evidence" / "tiny" / "search" / "sft_search"
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "baseline"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old), baseline], check=True,
                       capture_output=True)
        try:
            res = defaultdict(list)
            for r in range(rounds):
                for name, tree in (("baseline", old), ("current", ROOT)):
                    res[name].append(_child(tree, ckpt, steps, warmup))
                    print(f"  round {r + 1}/{rounds} {name:<9} {res[name][-1]['s_per_step'] * 1e3:7.1f} ms/step, "
                          f"mean length {res[name][-1]['mean_length']:.1f}", flush=True)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)], capture_output=True)
    med = {k: statistics.median(x["s_per_step"] for x in v) for k, v in res.items()}
    print(f"\nissue recipe (PROBE, search world), {steps} timed steps after {warmup} warm-up, median of {rounds}:")
    print(f"  baseline {baseline}: {med['baseline'] * 1e3:7.1f} ms/step = {1 / med['baseline']:.3f} steps/s")
    print(f"  current:          {med['current'] * 1e3:7.1f} ms/step = {1 / med['current']:.3f} steps/s")
    print(f"  speed-up: x{med['baseline'] / med['current']:.2f}")


def phases(steps: int, tree: Path = ROOT) -> None:
    """Per-phase ms/step of the engine in `tree` (default: this checkout) on the headroom recipe (in process,
    perf_counter wrappers; the checkpoint and problems come from this checkout)."""
    import dataclasses

    sys.path.insert(0, str(tree))
    import torch

    from suite.determinism import configure_torch

    configure_torch()
    torch.set_num_threads(1)
    from experiments._tiny_recipes import HR_COSINE_REP
    from suite.tiny import model as tm
    from suite.tiny import task
    from suite.tiny.recipes import rl_problem_sets
    from suite.tiny.rl import train as tr
    from suite.tiny.sampling import prompt_ids

    t = defaultdict(float)

    def wrap(name, fn):
        def timed(*a, **k):
            s = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                t[name] += time.perf_counter() - s
        return timed

    policy, tok, _ = tm.load_checkpoint(ROOT / "evidence" / "tiny" / "headroom" / "sft_seek")
    train, _ = rl_problem_sets(HR_COSINE_REP.init.sft.families, HR_COSINE_REP.n_train, 1, seed=2)
    cfg = dataclasses.replace(HR_COSINE_REP.rl, steps=steps + 1, eval_every=10_000, eval_size=1)
    def timed_scoring(fn):
        """`fn` (one of the loop's ModelOps) timed under "[critic ]scoring" or "[critic ]update fwd"."""
        def call(model, *a, **k):
            who = "critic " if getattr(model, "value_head", None) is not None else ""
            return wrap(who + ("update fwd" if torch.is_grad_enabled() else "scoring"), fn)(model, *a, **k)
        return call

    # the loop scores through its ModelOps, so the timers wrap the tiny engine's own functions there
    ops = tr.ModelOps(score_rollout=timed_scoring(tr.TINY_OPS.score_rollout),
                      score_tokens=timed_scoring(tr.TINY_OPS.score_tokens))
    orig = torch.Tensor.backward
    torch.Tensor.backward = wrap("backward + optimizer", orig)
    stamps = []

    def progress(step, _):
        stamps.append(time.perf_counter())
        if step == 1:
            t.clear()

    try:
        out = tr.rl_loop(cfg, 0, policy, tok, wrap("generation", tm.generate), train, [], task.verify, prompt_ids,
                         make_critic=tr.critic_from_policy, progress=progress, ops=ops)
    finally:
        torch.Tensor.backward = orig
    total = (stamps[-1] - stamps[0]) / steps
    lengths = out["curves"]["response_length"]["value"][1:]
    print(f"\nheadroom recipe (HR_COSINE_REP, limit 160), {steps} steps, mean length {sum(lengths) / len(lengths):.1f}:")
    accounted = 0.0
    for k in ("generation", "scoring", "critic scoring", "update fwd", "critic update fwd", "backward + optimizer"):
        v = t.get(k, 0.0) / steps
        accounted += v
        print(f"  {k:<22}{v * 1e3:8.1f} ms/step")
    print(f"  {'other':<22}{(total - accounted) * 1e3:8.1f} ms/step")
    print(f"  {'total':<22}{total * 1e3:8.1f} ms/step = {1 / total:.3f} steps/s")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--baseline", default="e3fa787")
    ap.add_argument("--phases-only", action="store_true", help="skip the A/B, print the phases")
    ap.add_argument("--tree", type=Path, default=ROOT, help="the checkout whose engine the phases time")
    args = ap.parse_args(argv)
    if not args.phases_only:
        ab(args.baseline, args.steps, args.warmup, args.rounds)
    phases(args.steps, args.tree)
    return 0


if __name__ == "__main__":
    sys.exit(main())
