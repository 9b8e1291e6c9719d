"""`OpenLMRLRecipe`: RL on a Hugging Face causal LM with the paper's rewards, through the tiny engine's loop.

Data: two JSON-lines files of problems, one object per line with `prompt` (the text the model sees, e.g. what
`longcot prepare-data math-train` writes: the problem and the Qwen2.5-Math instruction) or `problem` (the instruction
is then appended), `answer` (the reference final answer, graded with `suite.verify.grade_responses`, the
evaluation's math-verify grader) and, optionally, `level` (MATH's difficulty, 1-5 or "Level 5"), which `rl.hard_from`
reads. Training draws prompts from `prompts`, the held-out curve reads the first `rl.eval_size` lines of `heldout`.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from suite.errors import UserError
from suite.recipes import JobContext, Recipe
from suite.tiny.rl.config import RLConfig

GENERATORS = ("hf", "vllm")


@dataclass(frozen=True)
class OpenProblem:
    """One problem of a problem file: the prompt the model sees, the reference answer, and MATH's level (the loop's
    `difficulty`, None when the file has none)."""

    prompt: str
    answer: str
    difficulty: int | None = None


def _level(value, where: str) -> int | None:
    """MATH's level as an int: 3, "3" or "Level 3"; None for a missing or unknown level ("Level ?" occurs in MATH)."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower().removeprefix("level").strip()
        if text.isdigit():
            return int(text)
        if text in ("?", ""):
            return None
    raise UserError(f"{where} has a 'level' of {value!r}; expected an integer or 'Level N'")


def require_problem_file(path: str | Path, *, what: str) -> Path:
    """The path of a problem file that exists; otherwise an error naming it and saying how to make one."""
    p = Path(path)
    if not p.is_file():
        raise UserError(f"the {what} file does not exist (expected JSON lines with 'prompt' or 'problem' and "
                        "'answer'; `longcot prepare-data math-train` writes one; point to it with --set)",
                        where=str(p))
    return p


def load_problems(path: str | Path, *, what: str) -> list[OpenProblem]:
    """The problems of a JSON-lines file; a line without a prompt or an answer is an error naming the file and line."""
    from suite.eval.benchmarks import MATH_INSTRUCTION

    p = require_problem_file(path, what=what)
    out = []
    with p.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise UserError(f"line {i} is not JSON ({e.msg})", where=str(p)) from None
            if not isinstance(row, dict):
                raise UserError(f"line {i} is a JSON {type(row).__name__}, expected an object", where=str(p))
            prompt = row.get("prompt")
            if prompt is None and isinstance(row.get("problem"), str):
                prompt = f"{row['problem']}\n{MATH_INSTRUCTION}"
            answer = row.get("answer")
            if not isinstance(prompt, str) or not prompt:
                raise UserError(f"line {i} has no text field 'prompt' (or 'problem')", where=str(p))
            if not isinstance(answer, (str, int, float)) or isinstance(answer, bool) or str(answer) == "":
                raise UserError(f"line {i} has no field 'answer' (a string or number)", where=str(p))
            out.append(OpenProblem(prompt, str(answer), _level(row.get("level"), f"line {i} of {p}")))
    if not out:
        raise UserError(f"the {what} file holds no problems", where=str(p))
    return out


class MathVerifier:
    """The loop's `verify`: math-verify grading of each response's final answer against the problem's `answer`;
    `batch` grades a whole rollout in one call (worker processes with a per-item timeout)."""

    def __init__(self, workers: int = 2):
        self.workers = workers

    def __call__(self, problem: dict, text: str) -> bool:
        return self.batch([problem], [text])[0]

    def batch(self, problems, texts) -> list[bool]:
        from suite.verify.equivalence import grade_responses

        return grade_responses([(t, p.answer) for p, t in zip(problems, texts)], workers=self.workers)


@dataclass(frozen=True)
class OpenLMRLRecipe(Recipe):
    """RL from an open model's checkpoint (`model`: a local directory or a hub id) on MATH-style prompts: the paper's
    PPO (a critic on the policy's trunk) or the loop's GRPO / REINFORCE++ variants, the paper's rewards and discount
    factors, rollouts sampled by vLLM (`generator="vllm"`) or by the policy's own KV-cache sampler ("hf")."""

    kind: ClassVar[str] = "openlm-rl"
    model: str = "Qwen/Qwen2.5-Math-1.5B-Instruct"
    prompts: str = "data/math-train.jsonl"
    heldout: str = "data/math500.jsonl"
    rl: RLConfig = field(default_factory=RLConfig)
    generator: str = field(default="vllm", metadata={"choices": GENERATORS})
    device: str = "cuda"
    bf16: bool = True  # bf16 autocast for forward passes on CUDA (weights and Adam stay float32)
    score_rows: int = 4  # rows per scoring pass and per update micro-batch (bounds rows x T x V logits)
    vllm_gpu_memory_utilization: float = 0.3  # vLLM's share of the GPU; the policy, reference and critic share it
    max_model_len: int = 4096  # vLLM's context (prompt + response)

    def __post_init__(self) -> None:
        super().__post_init__()
        from suite.tiny.recipes import check_device

        if self.generator not in GENERATORS:
            raise UserError(f"OpenLMRLRecipe.generator must be one of {', '.join(GENERATORS)}, got {self.generator!r}")
        check_device(self.device, "recipe OpenLMRLRecipe")
        if self.score_rows < 1:
            raise UserError(f"OpenLMRLRecipe.score_rows must be >= 1, got {self.score_rows}")
        if not 0.0 < self.vllm_gpu_memory_utilization < 1.0:
            raise UserError("OpenLMRLRecipe.vllm_gpu_memory_utilization must be in (0, 1), got "
                            f"{self.vllm_gpu_memory_utilization}")
        if self.generator == "vllm" and not self.device.startswith("cuda"):
            raise UserError("OpenLMRLRecipe: vLLM samples on a GPU; on the CPU use generator='hf' "
                            "(--set generator=hf)")

    def check_runnable(self) -> None:
        from suite.tiny.recipes import require_device

        require_device(self.device)
        if self.generator == "vllm":
            try:
                import vllm  # noqa: F401
            except ImportError:
                raise UserError("this recipe samples with vLLM, which is not installed (pip install vllm), or use "
                                "--set generator=hf", where="recipe generator") from None
        require_problem_file(self.prompts, what="training prompts")
        require_problem_file(self.heldout, what="held-out")

    def run(self, seed: int, ctx: JobContext) -> dict:
        import torch

        from suite.atomic import write_json_atomic
        from suite.determinism import configure_torch
        from suite.openlm.generate import VLLMGenerator, hf_generate
        from suite.openlm.model import critic_from_policy, encode_prompt, load_policy
        from suite.openlm.score import open_model_ops
        from suite.tiny.rl.train import RL_TIMING, rl_loop

        self.check_runnable()
        configure_torch(self.device)
        train = load_problems(self.prompts, what="training prompts")
        if self.rl.hard_from is not None and any(p.difficulty is None for p in train):
            missing = sum(p.difficulty is None for p in train)
            raise UserError(f"rl.hard_from = {self.rl.hard_from} logs the hard problems again, by MATH level, but "
                            f"{missing} of {len(train)} training problems have no 'level'", where=self.prompts)
        heldout = load_problems(self.heldout, what="held-out")
        policy, tokenizer = load_policy(self.model, device=self.device, bf16=self.bf16)
        generate = hf_generate
        if self.generator == "vllm":
            generate = VLLMGenerator(self.model, seed=seed, gpu_memory_utilization=self.vllm_gpu_memory_utilization,
                                     max_model_len=self.max_model_len)
        timing: dict = {}
        t0 = time.perf_counter()
        result = rl_loop(self.rl, seed, policy, tokenizer, generate, train, heldout, MathVerifier(), encode_prompt,
                         make_critic=critic_from_policy, progress=lambda step, _: ctx.report(step, self.rl.steps),
                         timing=timing, ops=open_model_ops(self.score_rows))
        timing.update(wall_time_s=time.perf_counter() - t0, device=self.device, generator=self.generator,
                      model=self.model, cuda=torch.cuda.get_device_name(0) if self.device.startswith("cuda") else None)
        timing["generated_tokens_per_s"] = timing["generated_tokens"] / max(timing["rollout_s"], 1e-9)
        timing["trained_tokens_per_s"] = timing["trained_tokens"] / max(timing["update_s"], 1e-9)
        write_json_atomic(Path(ctx.workdir) / RL_TIMING, timing)
        return result
