"""What does thinking longer buy the SFT policy? The RL probe's mechanism check.

RL can only lengthen traces for accuracy if, at the policy it starts from, longer traces are more often right. This
script measures that on the RL probe's own prompts and sampling settings (temperature 1, the probe's 112-token limit):
- accuracy by length bucket, overall and within each difficulty (length is confounded with difficulty);
- an intervention with common random numbers: the same prompts and per-row seeds with the retry marker `wait` (or the
  verification word `check`) banned, so the model cannot retry (or verify) at all.

    python benchmarks/tiny_rl_wait_value.py          # -> evidence/tiny/rl/wait_value.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main():
    import numpy as np
    import torch

    from suite.metrics.length import exceeded
    from suite.tiny import model as M
    from suite.tiny import sft, task
    from suite.tiny.rl.rollout import left_pad

    p = argparse.ArgumentParser()
    p.add_argument("--init", default=str(ROOT / "evidence" / "tiny" / "sft_long"))
    p.add_argument("--max-new-tokens", type=int, default=112)
    p.add_argument("--n", type=int, default=512, help="problems per family")
    p.add_argument("--out", default=str(ROOT / "evidence" / "tiny" / "rl" / "wait_value.json"))
    a = p.parse_args()
    torch.set_num_threads(1)
    policy, tok, extra = M.load_checkpoint(a.init)
    families = extra.get("sft_config", {}).get("families", ["chain"])
    probs = [q for f in families for q in task.make_split(f, "train", min(a.n, 500), seed=3)]
    ids, _ = left_pad([sft.prompt_ids(tok, q) for q in probs], tok.pad_id)
    seeds = list(range(len(probs)))
    result = {"init": a.init, "max_new_tokens": a.max_new_tokens, "n_problems": len(probs), "arms": {}}
    for arm, banned in {"free": [], "no_wait": ["wait"], "no_check": ["check"]}.items():
        out = M.generate(policy, ids, max_new_tokens=a.max_new_tokens, eos_id=tok.eos_id, pad_id=tok.pad_id,
                         temperature=1.0, seeds=seeds, banned_ids=[tok.token_to_id[w] for w in banned])
        lens = out.lengths.numpy()
        texts = [tok.decode(out.tokens[i, : lens[i]].tolist()) for i in range(len(probs))]
        ok = np.array([task.verify(q, t) for q, t in zip(probs, texts)])
        waits = np.array([t.split().count("wait") for t in texts])
        row = {"accuracy": float(ok.mean()), "mean_length": float(lens.mean()),
               "exceed_rate": float(exceeded(lens, a.max_new_tokens, 16).mean()),
               "wait_per_response": float(waits.mean()), "by_family_difficulty": {}}
        for f in families:
            for d in sorted({q.difficulty for q in probs if q.family == f}):
                m = np.array([q.family == f and q.difficulty == d for q in probs])
                row["by_family_difficulty"][f"{f}/{d}"] = {"n": int(m.sum()), "accuracy": float(ok[m].mean()),
                                                          "mean_length": float(lens[m].mean())}
        if arm == "free":
            # within a (family, difficulty) cell: accuracy of samples with and without a retry
            cells = {}
            for key in row["by_family_difficulty"]:
                f, d = key.split("/")
                m = np.array([q.family == f and q.difficulty == int(d) for q in probs])
                w, nw = m & (waits > 0), m & (waits == 0)
                cells[key] = {"acc_with_wait": float(ok[w].mean()) if w.any() else None,
                              "acc_without_wait": float(ok[nw].mean()) if nw.any() else None,
                              "n_with_wait": int(w.sum())}
            row["retry_vs_no_retry_within_cell"] = cells
        result["arms"][arm] = row
        print(arm, {k: round(v, 3) for k, v in row.items() if isinstance(v, float)})
    Path(a.out).write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result["arms"]["free"]["retry_vs_no_retry_within_cell"], indent=1))


if __name__ == "__main__":
    main()
