"""PPO steps per second of the tiny RL engine: the engine as issue #13 found it vs the engine now, side by side in one
run, one thread each, plus a per-phase breakdown of today's step (issue #13, part 3).

    python benchmarks/tiny_ppo_speed.py [--steps N] [--rounds R] [--baseline REV] [--phases-only [--tree DIR]]
        [--checkpoint DIR]

- **A/B on the issue's recipe.** Takeaway 4.1's classic-reward PPO probe (`experiments._tiny_recipes.PROBE`: 8 prompts
  x 8 samples, limit 112, 4 updates of 16 samples per rollout, policy + reference + critic) from the search world's
  SFT checkpoint (evidence/tiny/search/sft_search). The baseline is the code at `--baseline` (default e3fa787, the
  commit before the first speed-up), checked out with `git worktree` into a temporary folder; each side runs in its
  own process (`PYTHONPATH` = its tree), alternating for `--rounds` rounds so that drift in the machine's speed hits
  both; the ratio is of the medians.
- **Phases of today's step on the headroom recipe** (`HR_COSINE_REP`, limit 160, from
  evidence/tiny/headroom/sft_seek): generation, scoring (reference and critic on the rollout), the update's forward
  passes, backward + optimizer, and the rest (grading, rewards, advantages, metrics); beside each, the floating-point
  operations its matmuls and attention did and the rate they ran at, against the one-thread matmul rate of this
  machine at the update's shapes: how far each phase is from what the CPU can do at all.

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


def phases(steps: int, tree: Path = ROOT, checkpoint: Path | None = None) -> None:
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
    flops = defaultdict(float)  # floating-point operations the model's matmuls and attention did, per phase
    current = ["other"]

    def wrap(name, fn):
        def timed(*a, **k):
            s = time.perf_counter()
            outer, current[0] = current[0], name
            try:
                return fn(*a, **k)
            finally:
                current[0] = outer
                t[name] += time.perf_counter() - s
        return timed

    policy, tok, _ = tm.load_checkpoint(checkpoint or ROOT / "evidence" / "tiny" / "headroom" / "sft_seek")
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
    originals = count_flops(tm.TinyGPT, flops, current)
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
        for name, fn in originals.items():
            setattr(tm.TinyGPT, name, fn)
    total = (stamps[-1] - stamps[0]) / steps
    lengths = out["curves"]["response_length"]["value"][1:]
    c = policy.config
    print(f"\nheadroom recipe (HR_COSINE_REP, limit 160), {steps} steps, mean length {sum(lengths) / len(lengths):.1f}, "
          f"model {c.n_layer} x {c.n_embd} ({policy.num_params():,} parameters):")
    # the backward pass of a matmul costs two of its forward passes (the gradients of both operands)
    flops["backward + optimizer"] = 2 * (flops["update fwd"] + flops["critic update fwd"])
    accounted = 0.0
    print(f"  {'phase':<22}{'ms/step':>8}  {'GFLOP/step':>10}  {'GFLOP/s':>7}")
    for k in ("generation", "scoring", "critic scoring", "update fwd", "critic update fwd", "backward + optimizer"):
        v = t.get(k, 0.0) / steps
        accounted += v
        g = flops[k] / steps / 1e9
        print(f"  {k:<22}{v * 1e3:8.1f}  {g:10.3f}  {g / v if v else 0:7.1f}")
    print(f"  {'other':<22}{(total - accounted) * 1e3:8.1f}")
    all_flops = sum(flops.values()) / steps / 1e9
    print(f"  {'total':<22}{total * 1e3:8.1f}  {all_flops:10.3f}  {all_flops / total:7.1f}"
          f"   = {1 / total:.3f} steps/s")
    print("\none-thread matmul rate on this machine (the ceiling the phases above are measured against):")
    for shape in ((16 * 128, 64, 256), (16 * 128, 256, 64), (1024, 1024, 1024)):
        print(f"  ({shape[0]} x {shape[1]}) @ ({shape[1]} x {shape[2]}): {matmul_gflops(*shape):6.1f} GFLOP/s")


def count_flops(model_cls, flops: dict, current: list) -> dict:
    """Wrap the TinyGPT trunk and its cached decoding step so that every call adds the floating-point operations of
    its matmuls and attention to `flops[current[0]]`; returns the originals (to put back). Counted: 2 per
    multiply-add of the linear layers (12 C^2 per token and layer), of the LM head (C V per token, or C for a value
    head) and of attention (2 C per query and key it scores: all T keys with a mask, the causal half without)."""
    originals = {"_hidden": model_cls._hidden, "_step": model_cls._step, "values": model_cls.values}
    hidden, step, values = originals["_hidden"], originals["_step"], originals["values"]

    def trunk(cfg, rows: int, queries: int, keys_per_query: float) -> float:
        tokens = rows * queries
        return 2 * cfg.n_layer * (12 * cfg.n_embd ** 2 * tokens + 2 * cfg.n_embd * tokens * keys_per_query)

    def counted_hidden(self, idx, attention_mask):
        B, T = idx.shape
        keys = T if attention_mask is not None else (T + 1) / 2
        head = 0 if current[0].startswith("critic") else 2 * self.config.n_embd * self.config.vocab_size * B * T
        flops[current[0]] += trunk(self.config, B, T, keys) + head
        return hidden(self, idx, attention_mask)

    def counted_values(self, idx, attention_mask=None):
        out = values(self, idx, attention_mask)
        flops[current[0]] += 2 * self.config.n_embd * idx.numel()  # the value head (the trunk counted itself)
        return out

    def counted_step(self, idx, pos, mask, caches, start):
        B, T = idx.shape
        c = self.config
        flops[current[0]] += trunk(c, B, T, start + (T + 1) / 2) + 2 * c.n_embd * c.vocab_size * B
        return step(self, idx, pos, mask, caches, start)

    model_cls._hidden, model_cls._step, model_cls.values = counted_hidden, counted_step, counted_values
    return originals


def matmul_gflops(m: int, k: int, n: int, seconds: float = 0.5) -> float:
    """One-thread GFLOP/s of (m x k) @ (k x n) in float32, best of a few timed batches."""
    import torch

    a, b = torch.randn(m, k), torch.randn(k, n)
    a @ b
    best = 0.0
    for _ in range(5):
        reps, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds / 5:
            a @ b
            reps += 1
        best = max(best, 2 * m * k * n * reps / (time.perf_counter() - start) / 1e9)
    return best


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--baseline", default="e3fa787")
    ap.add_argument("--phases-only", action="store_true", help="skip the A/B, print the phases")
    ap.add_argument("--tree", type=Path, default=ROOT, help="the checkout whose engine the phases time")
    ap.add_argument("--checkpoint", type=Path, help="the phases' SFT policy (default: evidence/tiny/headroom/sft_seek)")
    args = ap.parse_args(argv)
    if not args.phases_only:
        ab(args.baseline, args.steps, args.warmup, args.rounds)
    phases(args.steps, args.tree, args.checkpoint)
    return 0


if __name__ == "__main__":
    sys.exit(main())
