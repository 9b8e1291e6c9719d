"""Paper-scale recipes: the paper's exact hyperparameters, for an external distributed engine.

Each field maps one-to-one to a flag of the official OpenRLHF fork's scripts (`openrlhf/scripts/section_*`,
eddycmu/demystify-long-cot @ e90cf9b) or to a row of the paper's Tables 6-15 (App. E.2-E.5). Where the script
sets nothing, the field holds the code default that was in force (the fork's OpenRLHF argument defaults, listed in
docs/rewards.md, "Run-script settings"). These recipes are not executed by this suite (`executable = False`): the
scale-out work exports them as launch configurations.

Where the paper and its code disagree, the numbers came from the code's runs, so the code's value is used and the
field's comment says so (e.g. `grader`: the section-4 scripts use `hendrycks`, while the paper's App. E.1 names SymEval).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from suite.recipes.base import Recipe
from suite.rewards.settings import RewardSpec

LLAMA_8B = "meta-llama/Llama-3.1-8B"
QWEN_MATH_7B = "Qwen/Qwen2.5-Math-7B"
MATH_TRAIN = "MATH train split (7,500 prompts)"


@dataclass(frozen=True)
class PaperSFTRecipe(Recipe):
    """Long/short-CoT SFT by rejection sampling from a teacher (§3.1, App. E.2-E.3, Table 6)."""

    kind: ClassVar[str] = "paper-sft"
    executable: ClassVar[bool] = False

    base_model: str = LLAMA_8B
    data: str = "long CoT, rejection-sampled from the teacher on MATH train"
    teacher: str = "Qwen/QwQ-32B-Preview"
    candidates_per_prompt: int | None = None  # N in §3.1; None when the paper does not say
    teacher_temperature: float = 1.0  # QwQ: 1.0; Qwen2.5-Math-72B-Instruct: 0.7 (t=1.0 gave nonsense output)
    teacher_top_p: float = 0.95
    teacher_max_tokens: int = 8192  # QwQ: 8192 ("almost the same accuracy ... as 16384"); Qwen-72B: 4096
    rejection_grader: str = "symeval"
    batch_size: int = 256  # Table 6
    context_length: int = 131072  # Table 6: 128K
    learning_rate: float = 5e-6  # Table 6
    epochs: int = 2  # Table 6
    rope_theta_multiplier: float = 1.0  # §6.4: x10 for Qwen2.5-Math-7B (pre-training context 4096)
    source: str = "Table 6"


@dataclass(frozen=True)
class PaperRLRecipe(Recipe):
    """PPO (or REINFORCE++) with rule- or model-based rewards on the paper's OpenRLHF fork (Tables 7-15, App. E)."""

    kind: ClassVar[str] = "paper-rl"
    executable: ClassVar[bool] = False

    reward: RewardSpec  # outcome reward, optional repetition penalty, one gamma per channel
    init: PaperSFTRecipe | str = PaperSFTRecipe()  # the SFT recipe it starts from, or a model id (§6 direct RL)
    prompts: str = MATH_TRAIN
    grader: Literal["hendrycks", "symeval", "judge"] = "hendrycks"  # scripts' score_fn; §4 scripts set none
    answer_key: str = "answer"
    algorithm: Literal["ppo", "reinforce++"] = "ppo"
    num_episodes: int = 8
    samples_per_prompt: int = 8
    train_batch_size: int = 512
    rollout_batch_size: int = 512
    max_epochs: int = 1
    max_samples: int | None = None  # §5.2: 30,000 prompts
    prompt_max_len: int = 2048  # prompts are truncated to this
    generate_max_len: int = 14336  # also the reward's max_len ("16K" = 2048 + 14336)
    actor_learning_rate: float = 5e-7
    critic_learning_rate: float = 9e-6
    init_kl_coef: float = 0.01  # fixed KL controller, k1 estimator
    gae_lambda: float = 1.0  # multi-gamma returns require lambda = 1
    temperature: float = 1.0  # rollout sampling (code default; not overridden by the scripts)
    top_p: float = 1.0
    eps_clip: float = 0.2
    value_clip: float = 0.2
    max_norm: float = 1.0
    adam_betas: tuple[float, float] = (0.9, 0.95)
    reward_clip: tuple[float, float] = (-10.0, 10.0)
    lr_schedule: str = "cosine_with_min_lr"
    warmup_ratio: float = 0.03
    min_lr_ratio: float = 0.1
    seed: int = 42
    zero_stage: int = 2
    adam_offload: bool = False
    gpus: tuple[int, int, int] = (64, 32, 32)  # actor+ref / critic / vLLM engines, 8 GPUs per node
    eval_preset: str = "paper"  # t=0.7, top-p 0.95, 16,384 tokens, >= 4 seeds (§2.5); "paper-greedy" for §6 base rows
    script: str = ""  # the official run script this recipe mirrors, when one was released
    table: str = ""


@dataclass(frozen=True)
class PaperModelRecipe(Recipe):
    """A model evaluated as it is, without training (e.g. §6's 0-shot base model row of Table 4)."""

    kind: ClassVar[str] = "paper-model"
    executable: ClassVar[bool] = False

    model: str = QWEN_MATH_7B
    eval_preset: str = "paper-greedy"
    table: str = ""
