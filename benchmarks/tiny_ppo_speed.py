"""PPO steps per second of the tiny RL engine, baseline vs current, with a per-phase breakdown (issue #13, part 3).

    python benchmarks/tiny_ppo_speed.py [--steps N] [--warmup K]

Recipe shape: takeaway 4.1's classic-reward PPO probe (`experiments._tiny_recipes.PROBE`: 8 prompts x 8 samples,
generation limit 112, 4 updates of 16 samples per rollout, policy + reference + critic), from the search world's SFT
checkpoint (evidence/tiny/search/sft_search; a fresh TinyGPT of the same size when it is missing), CPU, one thread.

`baseline` runs the engine with the functions it had before the speed-ups (`_reference_generate` of tests/suite/tiny/test_fast_paths.py, kept there verbatim);
`current` runs the engine as it is; `skip` adds `generate(..., skip_finished=True)` (off by default, see its
docstring). Both runs use the same seed and must return equal metrics dicts and weights (the
script checks it). Phases (found with torch.profiler, then timed with perf_counter wrappers):
- generation: `generate` (prefill + KV-cached decode + sampling);
- scoring: the no-grad forward passes on the rollout (policy logp + entropy, reference logp, critic values);
- update fwd: the policy/critic forward passes inside the PPO minibatch loop;
- loss/backward: `backward`, grad-norm clipping and the optimizer steps;
- other: everything else (grading, rewards, advantages, metrics, losses' arithmetic).
"""

from __future__ import annotations

import argparse
import functools
import dataclasses
import sys
import time
import warnings
from collections import defaultdict
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

t0 = time.perf_counter()
from suite.determinism import configure_torch  # noqa: E402

configure_torch()
CONFIGURE_S = time.perf_counter() - t0

from experiments._tiny_recipes import PROBE, SFT_SEARCH  # noqa: E402
from suite.tiny import model as tiny_model  # noqa: E402
from suite.tiny import task  # noqa: E402
from suite.tiny.recipes import rl_problem_sets  # noqa: E402
from suite.tiny.rl import train as train_mod  # noqa: E402
from suite.tiny.sampling import prompt_ids  # noqa: E402

SFT_CKPT = ROOT / "evidence" / "tiny" / "search" / "sft_search"


def _load_reference_generate():
    """The pre-speed-up `generate`, kept verbatim once, in the test that holds the engine to it."""
    import importlib.util

    path = ROOT / "tests" / "suite" / "tiny" / "test_fast_paths.py"
    spec = importlib.util.spec_from_file_location("test_fast_paths", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module._reference_generate


_baseline_generate = _load_reference_generate()


def load_policy():
    if (SFT_CKPT / "model.pt").exists():
        policy, tok, _ = tiny_model.load_checkpoint(SFT_CKPT)
        return policy, tok, "evidence/tiny/search/sft_search"
    tok = task.make_tokenizer()
    torch.manual_seed(0)
    return tiny_model.TinyGPT(tiny_model.TinyGPTConfig(vocab_size=tok.vocab_size)).eval(), tok, "fresh TinyGPT"


class PhaseTimer:
    def __init__(self):
        self.t = defaultdict(float)

    def wrap(self, phase, fn):
        def timed(*a, **k):
            s = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                self.t[phase(a, k) if callable(phase) else phase] += time.perf_counter() - s
        return timed


def run(mode: str, steps: int, warmup: int, problems) -> tuple[dict, dict, float, dict]:
    """`steps` timed PPO steps after `warmup` untimed ones. Returns (phase -> s/step, metrics, s/step, final weights)."""
    policy, tok, _ = load_policy()
    cfg = dataclasses.replace(PROBE, steps=warmup + steps, eval_every=10_000, eval_size=1)
    timer = PhaseTimer()
    gen = {"baseline": _baseline_generate, "current": tiny_model.generate,
           "skip": functools.partial(tiny_model.generate, skip_finished=True)}[mode]
    orig = (train_mod.score_tokens, train_mod._make_optimizer, torch.Tensor.backward, torch.nn.utils.clip_grad_norm_)
    step_times = []
    last = [None]

    def make_opt(*a, **k):
        opt, sched = orig[1](*a, **k)
        opt.step = timer.wrap("loss/backward", opt.step)
        return opt, sched

    def progress(step, _):
        now = time.perf_counter()
        if step == warmup:
            timer.t.clear()
        if step > warmup:
            step_times.append(now - last[0])
        last[0] = now

    train_mod.score_tokens = timer.wrap(lambda a, k: "update fwd" if torch.is_grad_enabled() else "scoring", orig[0])
    train_mod._make_optimizer = make_opt
    torch.Tensor.backward = timer.wrap("loss/backward", orig[2])
    torch.nn.utils.clip_grad_norm_ = timer.wrap("loss/backward", orig[3])
    try:
        last[0] = time.perf_counter()
        out = train_mod.rl_loop(cfg, 0, policy, tok, timer.wrap("generation", gen), problems, [], task.verify,
                                prompt_ids, make_critic=train_mod.critic_from_policy, progress=progress)
    finally:
        train_mod.score_tokens, train_mod._make_optimizer, torch.Tensor.backward, torch.nn.utils.clip_grad_norm_ = orig
    total = sum(step_times) / len(step_times)
    phases = {k: v / steps for k, v in timer.t.items()}
    phases["other"] = total - sum(phases.values())
    return phases, out, total, {k: v.clone() for k, v in policy.state_dict().items()}


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=6)
    ap.add_argument("--warmup", type=int, default=1)
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore", message=r"Seems like `optimizer\.step\(\)` has been overridden")
    torch.set_num_threads(1)
    train, _ = rl_problem_sets(SFT_SEARCH.sft.families, 1000, 1, seed=2)
    _, _, src = load_policy()
    print(f"tiny PPO speed: policy {src}, {PROBE.prompts_per_step} prompts x {PROBE.samples_per_prompt} samples, "
          f"limit {PROBE.max_new_tokens}, train batch {PROBE.train_batch_size}, {args.steps} timed steps "
          f"(+{args.warmup} warm-up), torch {torch.__version__}, threads {torch.get_num_threads()}")
    print(f"determinism set-up (configure_torch, first call in process): {CONFIGURE_S * 1e3:.1f} ms")
    res = {m: run(m, args.steps, args.warmup, train) for m in ("baseline", "current", "skip")}
    (pb, ob, tb, wb) = res["baseline"]
    print(f"\n{'phase':<16}{'baseline ms/step':>18}{'current ms/step':>18}{'ratio':>8}"
          f"{'+skip_finished':>16}{'ratio':>8}")
    for k in ("generation", "scoring", "update fwd", "loss/backward", "other"):
        b = pb.get(k, 0.0) * 1e3
        cells = [(res[m][0].get(k, 0.0) * 1e3) for m in ("current", "skip")]
        print(f"{k:<16}{b:>18.1f}" + "".join(f"{c:>{18 if j == 0 else 16}.1f}{(b / c if c else float('nan')):>8.2f}"
                                             for j, c in enumerate(cells)))
    tc, ts = res["current"][2], res["skip"][2]
    print(f"{'total':<16}{tb * 1e3:>18.1f}{tc * 1e3:>18.1f}{tb / tc:>8.2f}{ts * 1e3:>16.1f}{tb / ts:>8.2f}")
    print(f"\nsteps/s: baseline {1 / tb:.3f}, current (default) {1 / tc:.3f} (x{tb / tc:.2f}), "
          f"with skip_finished {1 / ts:.3f} (x{tb / ts:.2f})")
    same = {}
    for m in ("current", "skip"):
        _, om, _, wm = res[m]
        same[m] = om == ob and all(torch.equal(wb[k], wm[k]) for k in wb)
        print(f"bit-identical metrics dict and final policy weights (baseline vs {m}): {same[m]}")
    return 0 if same["current"] else 1


if __name__ == "__main__":
    sys.exit(main())
