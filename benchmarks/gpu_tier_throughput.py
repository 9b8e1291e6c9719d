"""Throughput of the tiny engine per tier and device: SFT training tokens/s, generation tokens/s and PPO step time.

    python benchmarks/gpu_tier_throughput.py --tier tiny --device cpu       # the CPU tier as the suite runs it
    python benchmarks/gpu_tier_throughput.py --tier gpu --device cpu       # the gpu tier's recipe on one CPU core
    python benchmarks/gpu_tier_throughput.py --tier gpu --device cuda --procs 1,8

Each measurement is one process running the recipe's own model and batch shapes (`experiments/_tiny_recipes.py`,
`experiments/_gpu_recipes.py`): SFT steps from scratch, one rollout's generation (the RL batch at the generation
limit, from the SFT weights), and PPO iterations (`rl_timing.json`). `--procs 1,8` also runs 8 such processes at once
on the device, as `longcot run --jobs 8` does, and reports their summed throughput. Prints one table and writes
`--json` if asked. Wall-clock numbers: compare rows of one run, on one machine.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

#: SFT steps before measuring (the same on every device, so the policies and their lengths match) and PPO iterations
SHAPES = {"cpu": dict(sft_steps=40, rl_steps=2), "cuda": dict(sft_steps=40, rl_steps=10)}


def _recipes(tier: str):
    if tier == "tiny":
        from experiments._tiny_recipes import HR_COSINE_REP as rl
    else:
        from experiments._gpu_recipes import GPU_COSINE_REP as rl
    return rl.init.sft, rl


def measure(tier: str, device: str, out_q=None) -> dict:
    import torch

    from suite.determinism import seed_everything
    from suite.tiny import model as tiny_model
    from suite.tiny import task
    from suite.tiny.recipes import rl_problem_sets
    from suite.tiny.rl.rollout import left_pad
    from suite.tiny.rl.train import RL_TIMING, train_rl
    from suite.tiny.sampling import prompt_ids
    from suite.tiny.sft import train_sft

    shape = SHAPES["cpu" if device == "cpu" else "cuda"]
    sft_cfg, rl_recipe = _recipes(tier)
    work = Path(tempfile.mkdtemp())
    seed_everything(0)
    sft = train_sft(replace(sft_cfg, steps=shape["sft_steps"], eval_every=10**6, eval_n=8), 0, work / "sft",
                    device=device)
    ckpt = work / "sft" / "checkpoint"
    # one rollout's generation at the RL batch shape and limit (a first, untimed call warms the device up)
    policy, tok, _ = tiny_model.load_checkpoint(ckpt)
    policy = policy.to(device)
    rl = rl_recipe.rl
    probs = task.make_split("seek", "train", rl.prompts_per_step, seed=2)
    ids, _ = left_pad([prompt_ids(tok, p) for p in probs for _ in range(rl.samples_per_prompt)], tok.pad_id)
    ids = ids.to(device)
    kw = dict(max_new_tokens=rl.max_new_tokens, eos_id=tok.eos_id, pad_id=tok.pad_id, with_entropy=True)
    tiny_model.generate(policy, ids, seeds=list(range(len(ids))), **kw)
    t0 = time.perf_counter()
    g = tiny_model.generate(policy, ids, seeds=[10**6 + i for i in range(len(ids))], **kw)
    gen_tokens = int(g.lengths.sum())
    gen_s = time.perf_counter() - t0
    # PPO iterations from the SFT weights
    train, heldout = rl_problem_sets(("seek",), rl_recipe.n_train, 64)
    seed_everything(0)
    train_rl(replace(rl, steps=shape["rl_steps"], eval_every=10**6, eval_size=64), 0, ckpt, work / "rl", train,
             heldout, task.verify, device=device)
    rt = json.loads((work / "rl" / RL_TIMING).read_text())
    steps = shape["rl_steps"]
    res = {
        "tier": tier, "device": device, "params": policy.num_params(),
        "sft_train_tokens_per_s": sft["timing"]["train_tokens_per_s"],
        "generation_tokens_per_s": gen_tokens / gen_s,
        "rollout_rows": len(ids),
        "ppo_s_per_iteration": (rt["rollout_s"] + rt["update_s"]) / steps,
        "ppo_generated_tokens_per_s": rt["generated_tokens_per_s"],
        "ppo_trained_tokens_per_s": rt["trained_tokens_per_s"],
    }
    if out_q is not None:
        out_q.put(res)
    return res


def run_procs(tier: str, device: str, n: int) -> dict:
    """n processes at once on one device; returns the summed token rates and the mean iteration time."""
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    procs = [ctx.Process(target=measure, args=(tier, device, q)) for _ in range(n)]
    for p in procs:
        p.start()
    results = [q.get() for _ in procs]
    for p in procs:
        p.join()
    total = {k: sum(r[k] for r in results) for k in results[0] if k.endswith("_per_s")}
    total["ppo_s_per_iteration"] = sum(r["ppo_s_per_iteration"] for r in results) / n
    return {"tier": tier, "device": device, "params": results[0]["params"], "rollout_rows": results[0]["rollout_rows"],
            **total}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tier", choices=("tiny", "gpu"), default="gpu")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--procs", default="1", help="comma-separated process counts to run at once (default 1)")
    ap.add_argument("--json", type=Path, help="also write the rows here")
    args = ap.parse_args()
    rows = []
    for n in [int(x) for x in args.procs.split(",")]:
        row = measure(args.tier, args.device) if n == 1 else run_procs(args.tier, args.device, n)
        rows.append({"procs": n, **row})
    cols = ("procs", "tier", "device", "params", "rollout_rows", "sft_train_tokens_per_s", "generation_tokens_per_s",
            "ppo_generated_tokens_per_s", "ppo_trained_tokens_per_s", "ppo_s_per_iteration")
    print(" | ".join(cols))
    for r in rows:
        print(" | ".join(f"{r[c]:,.0f}" if isinstance(r[c], float) and r[c] > 100 else
                         f"{r[c]:.3f}" if isinstance(r[c], float) else str(r[c]) for c in cols))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
