"""Would `torch.compile` speed up the tiny engine? Forward + backward of the headroom policy (2 x 64, vocabulary of
the `seek` world) at one PPO minibatch's shape, eager and compiled side by side in one process, one thread; the
compiled logits' largest difference from eager's says whether it would move the references (issue #13, part 3).

    python benchmarks/tiny_compile_probe.py [--rows 16] [--length 130] [--iters 30]
"""

from __future__ import annotations

import argparse
import time

import torch


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=16, help="rows per minibatch (the probe's train_batch_size)")
    ap.add_argument("--length", type=int, default=130, help="prompt + response tokens per row")
    ap.add_argument("--iters", type=int, default=30)
    args = ap.parse_args()
    torch.set_num_threads(1)
    from suite.tiny import model as tm
    from suite.tiny import task

    tok = task.make_tokenizer(("seek",))
    torch.manual_seed(0)
    model = tm.TinyGPT(tm.TinyGPTConfig(vocab_size=tok.vocab_size, block_size=384, n_layer=2, n_head=4, n_embd=64))
    x = torch.randint(0, tok.vocab_size, (args.rows, args.length))
    mask = torch.ones_like(x)

    def step(m) -> None:
        torch.log_softmax(m(x, mask), -1).mean().backward()

    def ms_per_step(m) -> float:
        for _ in range(5):
            step(m)
        t = time.perf_counter()
        for _ in range(args.iters):
            step(m)
        return (time.perf_counter() - t) / args.iters * 1000

    eager = ms_per_step(model)
    t0 = time.perf_counter()
    compiled = torch.compile(model)
    step(compiled)
    first = time.perf_counter() - t0
    fast = ms_per_step(compiled)
    with torch.no_grad():
        diff = (model(x, mask) - compiled(x, mask)).abs().max().item()
    print(f"torch {torch.__version__}, {args.rows} x {args.length} tokens, one thread")
    print("| | ms per forward + backward | ratio |")
    print("|---|---|---|")
    print(f"| eager | {eager:.1f} | 1.00 |")
    print(f"| torch.compile | {fast:.1f} | {eager / fast:.2f} |")
    print(f"first compiled call (compilation): {first:.1f} s; largest |logit difference|: {diff:.2e}")


if __name__ == "__main__":
    main()
