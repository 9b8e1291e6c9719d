"""Seconds per RL step: TRL's `GRPOTrainer` vs the tiny engine, same model, prompts and batch shape (issue #13, part 3).

    python benchmarks/trl_grpo_compare.py [--steps N]

Same tiny model (the search world's SFT policy, or a fresh TinyGPT of its size) converted with `to_hf_gpt2`; same
prompts (the RL probe's training problems); 8 prompts x 8 generations per step, generation limit 112, temperature 1,
reward = the tiny task's `verify` (1.0 if correct), KL coefficient 0.01 against a frozen reference, one optimizer
step per rollout of 64 samples; CPU, one thread, no network (tokenizer from `TinyTokenizer.to_hf()`, dataset from
`datasets.Dataset.from_list`). The engine runs `algorithm="grpo"` with `train_batch_size=64` (one update per
rollout, as TRL here) and, for reference, the PPO probe recipe itself (policy + reference + critic, 4 updates).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from experiments._tiny_recipes import PROBE, SFT_SEARCH  # noqa: E402
from suite.determinism import configure_torch  # noqa: E402
from suite.tiny import model as tiny_model  # noqa: E402
from suite.tiny import task  # noqa: E402
from suite.tiny.recipes import rl_problem_sets  # noqa: E402
from suite.tiny.rl import train as train_mod  # noqa: E402
from suite.tiny.sampling import prompt_ids  # noqa: E402

SFT_CKPT = ROOT / "evidence" / "tiny" / "search" / "sft_search"
PROMPTS, GENS, LIMIT = PROBE.prompts_per_step, PROBE.samples_per_prompt, PROBE.max_new_tokens


def load_policy():
    if (SFT_CKPT / "model.pt").exists():
        return tiny_model.load_checkpoint(SFT_CKPT)[:2]
    tok = task.make_tokenizer()
    torch.manual_seed(0)
    return tiny_model.TinyGPT(tiny_model.TinyGPTConfig(vocab_size=tok.vocab_size)).eval(), tok


def engine_seconds_per_step(cfg, steps: int, problems) -> float:
    policy, tok = load_policy()
    times = []

    def progress(step, _):
        times.append(time.perf_counter())

    t0 = time.perf_counter()
    train_mod.rl_loop(dataclasses.replace(cfg, steps=steps + 1, eval_every=10_000, eval_size=1), 0, policy, tok,
                      tiny_model.generate, problems, [], task.verify, prompt_ids,
                      make_critic=train_mod.critic_from_policy, progress=progress)
    del t0
    return (times[-1] - times[0]) / steps  # first step is warm-up


def trl_seconds_per_step(steps: int, problems) -> float:
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    policy, tok = load_policy()
    hf_tok = tok.to_hf()
    hf = tiny_model.to_hf_gpt2(policy, bos_id=tok.bos_id, eos_id=tok.eos_id, pad_id=tok.pad_id).train()
    bos = tok.tokens[tok.bos_id]
    by_prompt = {}
    rows = []
    for p in problems:
        text = f"{bos} {p.prompt}"
        by_prompt[text] = p
        rows.append({"prompt": text})
    ids = hf_tok(rows[0]["prompt"], add_special_tokens=False)["input_ids"]
    assert ids == prompt_ids(tok, problems[0]), (ids, prompt_ids(tok, problems[0]))

    def reward(prompts, completions, completion_ids=None, **_):
        texts = [tok.decode(c) for c in completion_ids] if completion_ids is not None else completions
        return [1.0 if task.verify(by_prompt[p], t) else 0.0 for p, t in zip(prompts, texts)]

    times = []
    from transformers import TrainerCallback

    class StepClock(TrainerCallback):
        def on_step_end(self, args, state, control, **kw):
            times.append(time.perf_counter())

    with tempfile.TemporaryDirectory() as out:
        model_dir = Path(out) / "tiny_gpt2"  # TRL builds its reference model from a path: save the HF view there
        hf.save_pretrained(model_dir)
        hf_tok.save_pretrained(model_dir)
        args = GRPOConfig(
            output_dir=out, use_cpu=True, report_to=[], save_strategy="no", logging_steps=1_000_000,
            per_device_train_batch_size=PROMPTS * GENS, num_generations=GENS, steps_per_generation=1,
            gradient_accumulation_steps=1, max_completion_length=LIMIT, temperature=1.0, top_p=1.0, beta=0.01,
            learning_rate=PROBE.actor_lr, max_steps=steps + 1, seed=0, dataloader_num_workers=0, bf16=False,
            disable_dropout=True, model_init_kwargs={"dtype": torch.float32},
        )
        trainer = GRPOTrainer(model=str(model_dir), reward_funcs=reward, args=args, train_dataset=Dataset.from_list(rows),
                              processing_class=hf_tok, callbacks=[StepClock()])
        trainer.train()
    return (times[-1] - times[0]) / steps  # first step is warm-up


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=3)
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")
    configure_torch()
    torch.set_num_threads(1)
    train, _ = rl_problem_sets(SFT_SEARCH.sft.families, 1000, 1, seed=2)
    grpo = dataclasses.replace(PROBE, algorithm="grpo", train_batch_size=PROMPTS * GENS)
    ours_grpo = engine_seconds_per_step(grpo, args.steps, train)
    ours_ppo = engine_seconds_per_step(PROBE, args.steps, train)
    theirs = trl_seconds_per_step(args.steps, train)
    print(f"shape: {PROMPTS} prompts x {GENS} generations, limit {LIMIT}, {args.steps} timed steps (+1 warm-up), "
          f"threads {torch.get_num_threads()}")
    print(f"{'run':<44}{'s/step':>10}{'TRL / run':>12}")
    print(f"{'TRL GRPOTrainer (HF GPT-2 view, beta 0.01)':<44}{theirs:>10.3f}{1.0:>12.2f}")
    print(f"{'tiny engine GRPO (1 update of 64)':<44}{ours_grpo:>10.3f}{theirs / ours_grpo:>12.2f}")
    print(f"{'tiny engine PPO probe (critic, 4 updates)':<44}{ours_ppo:>10.3f}{theirs / ours_ppo:>12.2f}")


if __name__ == "__main__":
    main()
