"""Would an arm's seeds, trained as one batched computation, make the tiny PPO step cheaper? A probe for the speed
targets of issue #13, not an engine change.

    python benchmarks/tiny_seed_batching.py [--seeds 3] [--rows 16] [--tokens 130] [--reps 20]

A PPO step of the tiny engine costs nearly as much with a third of the model's FLOPs
(evidence/tiny/training_budget/narrow_models/phases_by_width.txt): its time goes to work that does not shrink with the
model (attention at head size 16, the vocabulary softmax, element-wise operations, each operation's call). Running
several seeds' models as one computation would share each call's fixed cost. Two ways are measured: `torch.func.vmap`
over the models' stacked parameters, and `GroupedGPT` (below: the weights stacked by hand, batched matmuls, the seeds
folded into attention's batch axis). On one thread, at the update's shapes (16 rows of prompt + response, 130
tokens, the 2 x 64 model), for the two passes the step spends most of its time in after generation:

- scoring: a forward pass without gradients (the reference and the critic on the rollout);
- update: a forward and backward pass of a policy-gradient-like loss (the log-probabilities of the tokens).

For each: the seeds' models one after another, as the engine runs them in separate jobs, against all of them in one
call; the batched results are checked against the separate ones (same values up to float rounding). Decoding, where
each call's fixed cost weighs more, is not measured here.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
from pathlib import Path

import torch
from torch.func import functional_call, grad, stack_module_state, vmap
from torch.nn import functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from suite.tiny.model import TinyGPT, TinyGPTConfig  # noqa: E402


class GroupedGPT:
    """S TinyGPTs (same config) as one computation: every weight stacked along a leading seed axis, the linear layers
    as batched matmuls, attention with the seeds folded into its batch axis. The same function as running each model
    on its own rows, up to float rounding (checked in `main`)."""

    def __init__(self, models):
        sd = [dict(m.named_parameters()) for m in models]
        self.w = {k: torch.stack([d[k].detach() for d in sd]).requires_grad_() for k in sd[0]}
        self.cfg = models[0].config

    def parameters(self):
        return list(self.w.values())

    def _ln(self, x, name):
        C = x.shape[-1]
        return (F.layer_norm(x, (C,)) * self.w[name + ".weight"][:, None, :]
                + self.w[name + ".bias"][:, None, :])

    def _linear(self, x, name):  # x (S, N, in) -> (S, N, out); nn.Linear stores (out, in)
        return torch.baddbmm(self.w[name + ".bias"][:, None, :], x, self.w[name + ".weight"].transpose(1, 2))

    def __call__(self, idx):  # idx (S, B, T) -> logits (S, B, T, V)
        S, B, T = idx.shape
        C, H = self.cfg.n_embd, self.cfg.n_head
        w = self.w
        wte = w["transformer.wte.weight"]
        x = torch.stack([wte[s][idx[s]] for s in range(S)]) + w["transformer.wpe.weight"][:, None, :T]
        x = x.reshape(S, B * T, C)
        for i in range(self.cfg.n_layer):
            p = f"transformer.h.{i}."
            q, k, v = self._linear(self._ln(x, p + "ln_1"), p + "attn.c_attn").split(C, dim=2)
            q, k, v = (t.reshape(S * B, T, H, C // H).transpose(1, 2) for t in (q, k, v))
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).reshape(S, B * T, C)
            x = x + self._linear(y, p + "attn.c_proj")
            h = F.gelu(self._linear(self._ln(x, p + "ln_2"), p + "mlp.c_fc"))
            x = x + self._linear(h, p + "mlp.c_proj")
        x = self._ln(x, "transformer.ln_f")
        return torch.bmm(x, wte.transpose(1, 2)).reshape(S, B, T, -1)


def token_logp(model_out: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return torch.log_softmax(model_out, dim=-1).gather(-1, targets.unsqueeze(-1)).squeeze(-1)


def timed(fn, reps: int) -> float:
    """Median seconds of `fn()` over `reps` calls after two warm-up calls."""
    fn()
    fn()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--rows", type=int, default=16)
    ap.add_argument("--tokens", type=int, default=130)
    ap.add_argument("--reps", type=int, default=20)
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    torch.manual_seed(0)
    cfg = TinyGPTConfig(vocab_size=175, block_size=384)
    models = [TinyGPT(cfg) for _ in range(args.seeds)]
    x = torch.randint(0, cfg.vocab_size, (args.seeds, args.rows, args.tokens))
    y = torch.randint(0, cfg.vocab_size, (args.seeds, args.rows, args.tokens))
    params, buffers = stack_module_state(models)
    base = copy.deepcopy(models[0]).to("meta")
    base.transformer.wte.weight = base.lm_head.weight  # moving to "meta" unties them; functional_call ties them back

    def logp_of(p, b, xi, yi):
        return token_logp(functional_call(base, (p, b), (xi,)), yi)

    def loss_of(p, b, xi, yi):
        return -logp_of(p, b, xi, yi).mean()

    # scoring: forward without gradients
    def score_each():
        with torch.no_grad():
            return torch.stack([token_logp(m(xi), yi) for m, xi, yi in zip(models, x, y)])

    batched_score = vmap(logp_of)

    def score_batched():
        with torch.no_grad():
            return batched_score(params, buffers, x, y)

    # update: forward + backward
    def update_each():
        grads = []
        for m, xi, yi in zip(models, x, y):
            m.zero_grad(set_to_none=True)
            (-token_logp(m(xi), yi).mean()).backward()
            grads.append(m.lm_head.weight.grad)
        return torch.stack(grads)

    batched_grad = vmap(grad(loss_of))

    def update_batched():
        return batched_grad(params, buffers, x, y)["transformer.wte.weight"]  # = the tied LM head's

    grouped = GroupedGPT(models)

    def score_grouped():
        with torch.no_grad():
            return token_logp(grouped(x), y)

    def update_grouped():
        for t in grouped.parameters():
            t.grad = None
        (-token_logp(grouped(x), y).mean(dim=(1, 2)).sum()).backward()
        return grouped.w["transformer.wte.weight"].grad

    for batched in (score_batched, score_grouped):
        torch.testing.assert_close(batched(), score_each(), rtol=1e-4, atol=1e-5)
    for batched in (update_batched, update_grouped):
        torch.testing.assert_close(batched(), update_each(), rtol=1e-3, atol=1e-6)
    print(f"{args.seeds} seeds of the 2 x 64 model, {args.rows} rows x {args.tokens} tokens each, one thread, "
          f"median of {args.reps}:")
    print(f"  {'pass':<28}{'one after another':>18}{'vmap':>10}{'ratio':>7}{'grouped':>10}{'ratio':>7}")
    for name, each, vmapped, group in (("scoring (forward)", score_each, score_batched, score_grouped),
                                       ("update (forward + backward)", update_each, update_batched, update_grouped)):
        a, b, c = timed(each, args.reps), timed(vmapped, args.reps), timed(group, args.reps)
        print(f"  {name:<28}{a * 1e3:15.1f} ms{b * 1e3:7.1f} ms{a / b:6.2f}x{c * 1e3:7.1f} ms{a / c:6.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
