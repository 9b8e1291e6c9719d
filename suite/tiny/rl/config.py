"""`RLConfig`: every knob of the tiny world's RL, with its default, why, and the paper setting it scales down.

Paper settings (Appendix E.4-E.5, the official scripts `openrlhf/scripts/section_*` and the OpenRLHF code defaults they leave
untouched): PPO, 512 prompts x 8-16 samples per iteration, train batch 512 samples, 1-2 PPO epochs, actor LR 5e-7,
critic LR 4.5e-6 / 9e-6, KL 0.01 (k1, fixed), eps_clip 0.2, value clip 0.2, reward clip (-10, 10), max grad norm 1.0,
Adam betas (0.9, 0.95), `cosine_with_min_lr` schedule (warmup ceil(3%), min 0.1 x LR), rollout temperature 1.0 and
top-p 1.0, generation limit 14336 tokens (the reward's `max_len`), GAE lambda 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from suite.errors import UserError
from suite.recipes.base import OMIT_AT_DEFAULT, validate_fields
from suite.rewards.settings import (
    SPEC_COSINE,
    ClassicRewardSetting,
    CosineRewardSetting,
    FormatRewardSetting,
    RewardSpec,
)

ALGORITHMS = ("ppo", "grpo", "reinforce++")


#: The longest run a tiny RL recipe accepts: beyond it a typo (steps=1e9) would run for years.
MAX_STEPS = 100_000


@dataclass(frozen=True)
class RLConfig:
    """One RL run's recipe. `steps` counts RL iterations (one rollout batch each), the paper's "iterations"."""

    algorithm: str = "ppo"  # the paper's algorithm (§2.4); "grpo" and "reinforce++" (§7.3) are comparison variants
    reward: RewardSpec = SPEC_COSINE  # outcome reward + optional dense repetition channel + one gamma per channel
    # --- rollout -----------------------------------------------------------------------------------------------------
    prompts_per_step: int = 8  # paper 512 prompts/iteration; 8 keeps one step ~1-2 s on one core
    samples_per_prompt: int = 4  # paper 8 (T8, T11) or 16 (T9); 4 is Table 7/10/13's value and halves rollout cost
    max_new_tokens: int = 160  # paper 14336 = generate_max_len = the reward's max_len; pick it so long traces bind
    temperature: float = 1.0  # OpenRLHF default, not overridden by any script
    top_p: float = 1.0  # idem
    # --- optimisation ------------------------------------------------------------------------------------------------
    actor_lr: float = 1e-4  # paper 5e-7 for 8B; a 0.2M-param model needs ~100x more (feasibility: 5e-5 did not move)
    critic_lr: float = 1e-3  # paper critic/actor ratio 9-18x (4.5e-6 or 9e-6 vs 5e-7); 10x here
    kl_coef: float = 0.01  # --init_kl_coef 0.01, fixed controller, k1 estimator
    eps_clip: float = 0.2  # OpenRLHF default (Table 16's REINFORCE++ run used 0.1)
    value_clip: float = 0.2  # OpenRLHF default
    ppo_epochs: int = 1  # Tables 8, 10, 11, 13 (Table 9 rows 3-5 use 2)
    train_batch_size: int = 16  # samples per optimizer step; paper 512 of 4096 rollout samples -> 8 updates/rollout,
    # here 16 of 32 -> 2 updates/rollout (fewer, larger updates: the tiny batch is already noisy)
    reward_clip: tuple[float, float] = (-10.0, 10.0)  # OpenRLHF `reward_clip_range` default
    max_grad_norm: float = 1.0  # OpenRLHF `max_norm` default
    adam_betas: tuple[float, float] = (0.9, 0.95)  # OpenRLHF default
    warmup_fraction: float = 0.03  # cosine_with_min_lr: warmup = ceil(3% of optimizer steps)
    min_lr_ratio: float = 0.1  # cosine_with_min_lr: decays to 0.1 x LR
    lam: float = 1.0  # --lambd 1 in every script; multi-gamma returns require it
    # --- length and bookkeeping --------------------------------------------------------------------------------------
    steps: int = 150  # paper ~112 iterations (8 episodes x 14); 150 gives the length dynamics room
    eval_every: int = 25  # held-out accuracy every k steps (and at step 0 and the last step)
    eval_size: int = 64  # held-out problems, one sample each
    eval_temperature: float = 0.7  # evaluation protocol (§2.5, Appendix E.1): T 0.7, top-p 0.95
    eval_top_p: float = 0.95
    repetition_ngram_size: int = 40  # n for the logged repetition ratio; Algorithm 1's N = 40 tokens
    grpo_kl_in: str = field(default="loss", metadata={"choices": ("loss", "reward")})  # GRPO: KL as a loss term (k3,
    # DeepSeekMath) or as the per-token k1 reward of PPO
    #: log the step's length, repetition, branching and accuracy again over the rollouts whose problem's difficulty
    #: is at least this (Takeaway 4.5's "hard questions"; names.*_HARD); None logs nothing more. Measurement only: the
    #: run's trajectory is the same with or without it
    hard_from: int | None = field(default=None, metadata=OMIT_AT_DEFAULT)

    def __post_init__(self):
        if self.algorithm not in ALGORITHMS:
            raise UserError(f"unknown RL algorithm {self.algorithm!r}; known: {', '.join(ALGORITHMS)}")
        if not isinstance(self.reward.outcome, (CosineRewardSetting, ClassicRewardSetting, FormatRewardSetting)):
            raise UserError("the tiny RL engine supports cosine, classic and format (SimpleRL) outcome rewards, "
                            f"not {self.reward.outcome.name!r}")
        if self.lam != 1.0 and len(self.reward.gammas) > 1:
            # Same assertion as the official fork: "Only lambda = 1 is supported with multiple gammas".
            raise UserError(f"lambda must be 1 with multiple gammas, got {self.lam}")
        if self.grpo_kl_in not in ("loss", "reward"):
            raise UserError(f"grpo_kl_in must be 'loss' or 'reward', got {self.grpo_kl_in!r}")
        rollout = self.prompts_per_step * self.samples_per_prompt
        if rollout % self.train_batch_size:
            raise UserError(f"train_batch_size {self.train_batch_size} must divide the rollout batch {rollout}")
        for f in ("prompts_per_step", "samples_per_prompt", "max_new_tokens", "ppo_epochs", "steps", "eval_every",
                  "eval_size", "train_batch_size", "repetition_ngram_size"):
            if getattr(self, f) < 1:
                raise UserError(f"RLConfig.{f} must be >= 1, got {getattr(self, f)}")
        validate_fields(self)  # every field of its annotated type, every number finite
        if self.steps > MAX_STEPS:
            raise UserError(f"RLConfig.steps must be <= {MAX_STEPS:,} (a tiny PPO step takes ~1-2 s on one core), "
                            f"got {self.steps:,}")
        for f in ("actor_lr", "critic_lr", "eps_clip", "temperature", "eval_temperature"):
            if not getattr(self, f) > 0:
                raise UserError(f"RLConfig.{f} must be > 0, got {getattr(self, f)}")
        for f in ("top_p", "eval_top_p"):
            if not 0 < getattr(self, f) <= 1:
                raise UserError(f"RLConfig.{f} must be in (0, 1], got {getattr(self, f)}")
        for f in ("kl_coef", "value_clip", "max_grad_norm", "warmup_fraction", "min_lr_ratio"):
            if not getattr(self, f) >= 0:
                raise UserError(f"RLConfig.{f} must be >= 0, got {getattr(self, f)}")
        if self.hard_from is not None and self.hard_from < 1:
            raise UserError(f"RLConfig.hard_from must be a difficulty >= 1 or None, got {self.hard_from}")

    @property
    def rollout_batch_size(self) -> int:
        return self.prompts_per_step * self.samples_per_prompt

    @property
    def optimizer_steps(self) -> int:
        """Total optimizer steps, the LR schedule's `max_steps` (OpenRLHF: rollouts x updates per rollout x epochs)."""
        return self.steps * self.ppo_epochs * (self.rollout_batch_size // self.train_batch_size)

    def to_dict(self) -> dict:
        out = {}
        for f in fields(self):
            v = getattr(self, f.name)
            out[f.name] = v.name if isinstance(v, RewardSpec) else (list(v) if isinstance(v, tuple) else v)
        return out
