"""Training logs written by an engine's own metric and logging code, for the tests of `longcot collect --engine-log`.

    python tools/make_engine_log_fixtures.py tests/data/engine_logs verl       # needs verl (pip install -e '.[verl]')
    python tools/make_engine_log_fixtures.py tests/data/engine_logs verl-rollouts   # the same
    python tools/make_engine_log_fixtures.py tests/data/engine_logs openrlhf   # needs OpenRLHF (tox -e openrlhf)

verl: six PPO "iterations" of a batch of 8 responses (lengths drawn from a fixed generator, growing over the
iterations, some cut at the 32-token limit), turned into metrics by verl's `compute_data_metrics` and written by its
`Tracking` file backend (`{"step", "data"}` per line), with a validation accuracy every 2 steps under verl's own key
(`val-core/<data_source>/acc/mean@1`). Only the numbers are synthetic; every key and the file format are verl's.

verl's rollout dump (`trainer.rollout_data_dir`, which the export sets): three steps of 6 responses to 3 prompts,
scored by the suite's verl reward file (`compute_score`, cosine reward at a 64-token limit, response lengths given)
and written by verl's own `RayPPOTrainer._write_generations` as `verl_rollouts/<step>.jsonl`, the extra infos the
reward returned (`acc`, `pred`, `response_length`) beside verl's `input`, `output`, `gts`, `score` and `step`.

OpenRLHF (upstream 0.11): six steps of 8 one-sample `Experience`s, as its samples generator makes them (rewards from
the suite's cosine reward at a 64-token limit, `score` = correctness, as the suite's reward file returns them), turned
into rollout statistics by its trainer's `_compute_rollout_stats`, with the actor's per-sample means under the keys its
`fit` reports, and an evaluation every 2 steps by its `compute_eval_metrics` (2 samples on each of 4 prompts); all
written by its `TensorboardLogger` to `openrlhf_tensorboard/fixture/`. `openrlhf_logged.json` holds the dictionaries
handed to the logger, which the tests compare the collected curves against. Only the numbers are synthetic. (The
evaluation's `pass1` is the mean reward, here a cosine reward: not an accuracy, so collect does not read it as one.)
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import torch


def verl_log(out_dir: Path) -> Path:
    from verl import DataProto
    from verl.trainer.ppo.metric_utils import compute_data_metrics
    from verl.utils.tracking import Tracking

    path = out_dir / "verl_file_logger.jsonl"
    path.unlink(missing_ok=True)
    os.environ["VERL_FILE_LOGGER_PATH"] = str(path)
    tracking = Tracking(project_name="longcot", experiment_name="fixture", default_backend=["file"])
    g = torch.Generator().manual_seed(0)
    B, P, T = 8, 6, 32
    for step in range(1, 7):
        lengths = torch.clamp(torch.randint(8 + 3 * step, 20 + 3 * step, (B,), generator=g), max=T)
        response_mask = (torch.arange(T)[None] < lengths[:, None]).long()
        attention = torch.cat([torch.ones(B, P, dtype=torch.long), response_mask], dim=1)
        correct = (torch.rand(B, generator=g) < 0.4 + 0.05 * step).float()
        scores = torch.zeros(B, T)
        scores[torch.arange(B), lengths - 1] = correct
        batch = DataProto.from_dict(tensors={
            "prompts": torch.zeros(B, P, dtype=torch.long), "responses": torch.zeros(B, T, dtype=torch.long),
            "attention_mask": attention, "response_mask": response_mask, "token_level_scores": scores,
            "token_level_rewards": scores, "advantages": torch.randn(B, T, generator=g) * response_mask,
            "returns": scores.flip(-1).cumsum(-1).flip(-1), "values": torch.rand(B, T, generator=g),
        })
        metrics = compute_data_metrics(batch, use_critic=True)
        metrics.update({"actor/entropy": 1.0 - 0.05 * step, "actor/pg_loss": 0.01 * step,
                        "actor/pg_clipfrac": 0.02, "critic/vf_loss": 0.5 / step})
        if step % 2 == 0:
            metrics["val-core/math/acc/mean@1"] = 0.30 + 0.02 * step
        tracking.log(data=metrics, step=step)
    tracking.logger["file"].finish()
    return path


def verl_rollout_dump(out_dir: Path) -> Path:
    """The folder `verl_rollouts` under `out_dir`, one `<step>.jsonl` per step, as verl's trainer dumps rollouts."""
    import shutil

    from verl.trainer.ppo.ray_trainer import RayPPOTrainer

    from suite.rewards.adapters.verl import compute_score

    folder = out_dir / "verl_rollouts"
    shutil.rmtree(folder, ignore_errors=True)
    problems = [("what is 3 + 4 ?", "7"), ("what is 2 * 6 ?", "12"), ("what is 9 - 5 ?", "4")]
    words = "let me check . wait , recheck the sum . alternatively , count again .".split()
    g = torch.Generator().manual_seed(0)
    for step in range(1, 4):
        inputs, outputs, gts, extra = [], [], [], {}
        for prompt, gold in problems:
            for _ in range(2):
                n = int(torch.randint(2 * step, 6 * step, (1,), generator=g))
                right = bool(torch.rand(1, generator=g) < 0.3 + 0.2 * step)
                answer = gold if right else str(int(gold) + 1)
                text = " ".join(words[i % len(words)] for i in range(n)) + f" so the answer is \\boxed{{{answer}}}"
                length = min(64, 4 * n + 8)
                info = compute_score("math", text, gold, {"response_length": length}, max_len=64)
                inputs.append(prompt), outputs.append(text), gts.append(gold)
                for k, v in info.items():
                    extra.setdefault(k, []).append(v)
        RayPPOTrainer._write_generations(inputs, outputs, gts, extra["score"], extra, str(folder), step)
    return folder


@contextlib.contextmanager
def cuda_only_standins():
    """Empty stand-in modules for vLLM and flash-attn, which exist only as CUDA builds and which OpenRLHF's trainer
    and launcher modules import at the top, while the block runs; they leave with it, so that later code still sees
    that vLLM is not installed. Only code that calls neither may run under it (here: the trainer's rollout
    statistics and evaluation metrics, and the launcher's argument parsing and checks)."""
    import importlib.abc
    import importlib.machinery
    import types

    class Empty(types.ModuleType):
        def __getattr__(self, name):
            if name.startswith("__"):
                raise AttributeError(name)
            return Empty(f"{self.__name__}.{name}")

        def __call__(self, *args, **kwargs):
            return self

    class Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("vllm", "flash_attn", "flash_attn_2_cuda"):
                return importlib.machinery.ModuleSpec(name, self, is_package=True)
            return None

        def create_module(self, spec):
            module = Empty(spec.name)
            module.__path__ = []
            return module

        def exec_module(self, module):
            pass

    finder = Finder()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
        for name in [n for n, m in sys.modules.items() if isinstance(m, Empty)]:
            del sys.modules[name]


def _openrlhf_trainer_module():
    """`openrlhf.trainer.ppo_trainer`, imported on a CPU machine (`cuda_only_standins`)."""
    with cuda_only_standins():
        import openrlhf.trainer.ppo_trainer as trainer
    return trainer


def openrlhf_tensorboard_log(out_dir: Path) -> tuple[Path, Path]:
    """(the TensorBoard run folder, openrlhf_logged.json) written under `out_dir`."""
    import json
    import shutil
    from types import SimpleNamespace

    from openrlhf.trainer.ppo_utils.experience import Experience
    from openrlhf.utils.logging_utils import TensorboardLogger

    from suite.rewards.outcome import cosine_reward

    trainer = _openrlhf_trainer_module()
    root, run = out_dir / "openrlhf_tensorboard", "fixture"
    shutil.rmtree(root / run, ignore_errors=True)
    logger = TensorboardLogger(SimpleNamespace(logger=SimpleNamespace(
        tensorboard_dir=str(root), wandb=SimpleNamespace(run_name=run))))
    g = torch.Generator().manual_seed(0)
    B, T = 8, 64

    def experience(prompt: str, length: int, correct: bool) -> Experience:
        reward = cosine_reward(length, T, correct)
        return Experience(rewards=torch.tensor([reward]), response_length=torch.tensor([length]),
                          truncated=torch.tensor([length >= T]), prompts=[prompt],
                          info={"reward": torch.tensor([reward]), "score": torch.tensor([float(correct)])})

    logged = []
    for step in range(1, 7):
        lengths = torch.clamp(torch.randint(10 + 6 * step, 40 + 6 * step, (B,), generator=g), max=T).tolist()
        correct = (torch.rand(B, generator=g) < 0.4 + 0.05 * step).tolist()
        exps = [experience(f"q{i}", n, c) for i, (n, c) in enumerate(zip(lengths, correct))]
        status = trainer.BasePPOTrainer._compute_rollout_stats(None, exps)
        status.update({  # the actor's and critic's `fit`: per-sample means of the experiences' info, and losses
            "reward": sum(e.info["reward"].item() for e in exps) / B,
            "score": sum(e.info["score"].item() for e in exps) / B,
            "response_length": sum(lengths) / B,
            "policy_loss": 0.01 * step, "kl": 1e-4 * step, "ppo_clip_ratio": 0.02, "critic_loss": 0.5 / step,
        })
        logger.log_train(step, {**status, "generated_samples": ["a sampled response", exps[0].rewards.item()]})
        entry = {"step": step, "train": status}
        if step % 2 == 0:
            prompts = [f"e{i}" for i in range(4)]
            loader = [(["math500"] * 4, prompts, ["1"] * 4, [None] * 4)]
            samples = [experience(p, int(torch.randint(8, T + 1, (1,), generator=g)),
                                  bool(torch.rand(1, generator=g) < 0.3 + 0.05 * step))
                       for p in prompts for _ in range(2)]
            entry["eval"] = trainer.compute_eval_metrics(loader, samples, 2)
            logger.log_eval(step, entry["eval"])
        logged.append(entry)
    logger.close()
    sidecar = out_dir / "openrlhf_logged.json"
    sidecar.write_text(json.dumps(logged, indent=1) + "\n")
    return root / run, sidecar


if __name__ == "__main__":
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    which = sys.argv[2:] or ["verl", "verl-rollouts", "openrlhf"]
    if "verl" in which:
        print(verl_log(out))
    if "verl-rollouts" in which:
        print(verl_rollout_dump(out))
    if "openrlhf" in which:
        print(*openrlhf_tensorboard_log(out))
