"""Throughput of the tiny world's engine vs a plain nanoGPT-style loop and vs Hugging Face, one CPU thread.

    python benchmarks/tiny_throughput.py [--quick]

Training (tokens/s, forward + backward + AdamW step, batch 32 x 96 tokens):
- `engine`: TinyGPT with the SFT step of suite/tiny/sft.py (weighted completion loss).
- `nanogpt`: the same TinyGPT with nanoGPT's plain loss (mean cross-entropy over all positions).
- `hf`: the same weights as a transformers GPT2LMHeadModel (`to_hf_gpt2`), HF's own loss.
Sampling (generated tokens/s, batch 64, 96 new tokens, T=1, top-p 1, no EOS so every row runs to the end):
- `engine`: `suite.tiny.model.generate` (KV cache, batched, per-sample seeds).
- `nanogpt`: nanoGPT's `generate` loop: full forward over the whole sequence for every new token (no cache).
- `hf`: `GPT2LMHeadModel.generate(do_sample=True, use_cache=True)` on the same weights.
Numbers are wall-clock on a shared 2-core machine: expect +-20% noise between runs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch
from torch.nn import functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from suite.tiny.model import TinyGPT, TinyGPTConfig, generate, to_hf_gpt2  # noqa: E402

SIZES = {"0.1M": dict(n_layer=2, n_head=4, n_embd=64), "0.8M": dict(n_layer=4, n_head=4, n_embd=128)}
V = 83


def _timed(fn, n: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    t = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t) / n


def train_throughput(size: dict, steps: int) -> dict[str, float]:
    torch.manual_seed(0)
    B, T = 32, 96
    x = torch.randint(4, V, (B, T))
    y = torch.randint(4, V, (B, T))
    w = (torch.rand(B, T) > 0.3).float()
    out = {}
    model = TinyGPT(TinyGPTConfig(vocab_size=V, **size))
    hf = to_hf_gpt2(model).train()
    for name, m in (("engine", model), ("nanogpt", model), ("hf", hf)):
        opt = torch.optim.AdamW(m.parameters(), lr=1e-3)

        def step():
            if name == "engine":
                nll = F.cross_entropy(m(x).reshape(-1, V), y.reshape(-1), reduction="none")
                loss = (nll * w.reshape(-1)).sum() / w.sum()
            elif name == "nanogpt":
                loss = F.cross_entropy(m(x).reshape(-1, V), y.reshape(-1))
            else:
                loss = m(input_ids=x, labels=x).loss
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()

        out[name] = B * T / _timed(step, steps)
    return out


def sample_throughput(size: dict, reps: int, new: int = 96) -> dict[str, float]:
    torch.manual_seed(0)
    B, P = 64, 12
    model = TinyGPT(TinyGPTConfig(vocab_size=V, **size)).eval()
    hf = to_hf_gpt2(model, pad_id=0, eos_id=2).eval()
    prompt = torch.randint(4, V, (B, P))
    out = {}

    def engine():
        generate(model, prompt, max_new_tokens=new, eos_id=-1, pad_id=0, temperature=1.0, seeds=range(B))

    @torch.no_grad()
    def nanogpt():  # karpathy/nanoGPT GPT.generate: recompute the whole sequence each step
        idx = prompt
        for _ in range(new):
            logits = model(idx)[:, -1, :]
            idx = torch.cat((idx, torch.multinomial(F.softmax(logits, dim=-1), num_samples=1)), dim=1)

    @torch.no_grad()
    def hf_gen():
        hf.generate(prompt, attention_mask=torch.ones_like(prompt), do_sample=True, max_new_tokens=new,
                    min_new_tokens=new, top_k=0, top_p=1.0, temperature=1.0, pad_token_id=0, use_cache=True)

    for name, fn in (("engine", engine), ("nanogpt", nanogpt), ("hf", hf_gen)):
        out[name] = B * new / _timed(fn, reps, warmup=1)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "evidence" / "tiny" / "throughput.json"))
    a = ap.parse_args()
    torch.set_num_threads(1)
    res = {}
    for label, size in SIZES.items():
        n_params = TinyGPT(TinyGPTConfig(vocab_size=V, **size)).num_params()
        res[label] = {"params": n_params,
                      "train_tokens_per_s": train_throughput(size, 5 if a.quick else 20),
                      "sample_tokens_per_s": sample_throughput(size, 1 if a.quick else 3)}
    lines = ["| model | params | train engine | train nanoGPT loop | train HF GPT2 | sample engine (KV) |"
             " sample nanoGPT (no cache) | sample HF generate |", "|---|---|---|---|---|---|---|---|"]
    for label, r in res.items():
        t, s = r["train_tokens_per_s"], r["sample_tokens_per_s"]
        lines.append(f"| {label} | {r['params']:,} | {t['engine']:,.0f} | {t['nanogpt']:,.0f} | {t['hf']:,.0f} | "
                     f"{s['engine']:,.0f} | {s['nanogpt']:,.0f} | {s['hf']:,.0f} |")
    table = "\n".join(lines)
    print(table)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps({"tokens_per_s": res, "table": table, "threads": 1}, indent=1) + "\n")


if __name__ == "__main__":
    main()
