"""Reward functions for TRL's ``GRPOTrainer`` (``reward_funcs=[...]``), built on :mod:`suite.rewards`.

TRL calls each reward function with keyword arguments: ``prompts``, ``completions`` (text, or chat messages),
``completion_ids`` (token ids of each completion, EOS included when one was generated, like the official
``action_mask.sum()``), every dataset column (the gold answer among them) and bookkeeping such as ``trainer_state``;
it expects one float per completion, or None to skip one. Lengths here come from ``completion_ids``, never from text.

Set ``max_len`` to ``GRPOConfig.max_completion_length``: that is the generation budget the paper's ``max_len`` means.

Missing gold: a gold that is None, NaN, empty or whitespace-only is not graded (``str(None)`` would be the answer
``"None"``); the completion's reward is None, TRL's "skip this sample" (a sample no reward function scores gets
reward 0 from TRL's ``nansum``), and one ``RuntimeWarning`` per batch names the samples' indices.

Each reward is a small callable class rather than a closure, because TRL's async rollout workers pickle reward
functions into spawned processes and closures cannot be pickled. ``__name__`` is what TRL logs the reward under.

Limitation: GRPO advantages are sequence-level, so a per-token penalty cannot be paid per token here.
:class:`DenseRepetitionReward` pays the *sum* of the paper's dense penalty over the completion (its gamma_p = 1 return
at the first token). With gamma_p = 0.99 the paper's penalty reaches the early tokens only discounted; that needs a
token-level trainer (the paper's OpenRLHF fork), see docs/rewards.md.

>>> reward = get_cosine_reward(max_len=100)
>>> reward(completions=[r"\\boxed{4}", r"\\boxed{5}"], completion_ids=[[1] * 50, [1] * 90], solution=["4", "4"])
[1.5, -10.0]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from suite.rewards.adapters.common import (
    Grader,
    missing_gold,
    outcome_reward,
    resolve_grader,
    resolve_outcome,
    warn_missing_golds,
)
from suite.rewards.repetition import dense_repetition_penalty
from suite.rewards.settings import (
    CLASSIC,
    COSINE_DEFAULT,
    REPETITION_DEFAULT,
    ClassicRewardSetting,
    CosineRewardSetting,
    RepetitionPenaltySetting,
)

__all__ = ["OutcomeReward", "DenseRepetitionReward", "get_cosine_reward", "get_classic_reward", "get_repetition_reward"]


def completion_text(completion) -> str:
    """Text of one TRL completion: a plain string, or the content of the last message of a conversation."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, Sequence) and completion and isinstance(completion[-1], dict):
        content = completion[-1].get("content", "")
        if isinstance(content, list):  # multimodal message: keep the text parts
            return "".join(part.get("text", "") for part in content if isinstance(part, dict))
        return str(content)
    raise TypeError(f"cannot read a completion of type {type(completion).__name__}")


class OutcomeReward:
    """Cosine or classic outcome reward as a TRL reward function (see :func:`get_cosine_reward`)."""

    def __init__(
        self,
        max_len: int,
        setting: CosineRewardSetting | ClassicRewardSetting | str = COSINE_DEFAULT,
        *,
        grader: Grader | str | None = None,
        answer_key: str = "solution",
    ):
        if max_len <= 0:
            raise ValueError(f"max_len must be positive, got {max_len}")
        self.max_len = int(max_len)
        self.setting = resolve_outcome(setting)
        self.grader = resolve_grader(grader)
        self.answer_key = answer_key
        # Fail at construction, not mid-run: this checks the setting's values (e.g. a positive wrong reward).
        outcome_reward(self.setting, 0, self.max_len, False)
        self.__name__ = f"{self.setting.name}_reward".replace("-", "_")

    def __call__(self, completions, completion_ids, **kwargs) -> list[float | None]:
        if self.answer_key not in kwargs:
            columns = sorted(k for k in kwargs if k not in ("prompts", "trainer_state", "log_extra", "log_metric"))
            raise KeyError(f"dataset column {self.answer_key!r} with the gold answer is missing; columns: {columns}")
        golds = kwargs[self.answer_key]
        rewards: list[float | None] = []
        missing = []
        for i, (completion, ids, gold) in enumerate(zip(completions, completion_ids, golds, strict=True)):
            if missing_gold(gold):  # TRL convention: None skips the example; never graded as the string "None"
                missing.append(i)
                rewards.append(None)
                continue
            correct = bool(self.grader(completion_text(completion), str(gold)))
            rewards.append(outcome_reward(self.setting, len(ids), self.max_len, correct))
        warn_missing_golds(f"TRL {self.__name__}", self.answer_key, missing, list(golds))
        return rewards


class DenseRepetitionReward:
    """The paper's dense N-gram repetition penalty as one number per completion: its discounted sum
    ``sum_t gamma**t * r_t`` (see :func:`get_repetition_reward`)."""

    def __init__(self, setting: RepetitionPenaltySetting = REPETITION_DEFAULT, gamma: float = 1.0):
        if not setting.penalty < 0:
            raise ValueError(f"penalty must be negative, got {setting.penalty}")
        if not 0.0 < gamma <= 1.0:
            raise ValueError(f"gamma must be in (0, 1], got {gamma}")
        self.setting, self.gamma = setting, float(gamma)
        self.__name__ = f"{setting.name}_reward".replace("-", "_")

    def __call__(self, completion_ids, **kwargs) -> list[float]:
        out = []
        for ids in completion_ids:
            r = dense_repetition_penalty(ids, **self.setting.kwargs())
            out.append(float(np.sum(r)) if self.gamma == 1.0 else float(np.sum(r * self.gamma ** np.arange(len(r)))))
        return out


def get_cosine_reward(
    max_len: int,
    setting: CosineRewardSetting | str = COSINE_DEFAULT,
    *,
    grader: Grader | str | None = None,
    answer_key: str = "solution",
) -> OutcomeReward:
    """The paper's cosine reward (§4.2; ``settings.COSINE_DEFAULT``, or ``"cosine-A"`` etc.) for ``GRPOTrainer``.

    Args:
        max_len: ``GRPOConfig.max_completion_length``.
        setting: a ``CosineRewardSetting`` or its name.
        grader: ``grader(completion_text, gold) -> bool``, or ``"module:function"``; default ``default_grader``.
        answer_key: the dataset column with the gold answer (TRL's own ``accuracy_reward`` reads ``solution``).
    """
    if not isinstance(resolve_outcome(setting), CosineRewardSetting):
        raise TypeError(f"{setting!r} is not a cosine setting; use get_classic_reward")
    return OutcomeReward(max_len, setting, grader=grader, answer_key=answer_key)


def get_classic_reward(
    max_len: int,
    setting: ClassicRewardSetting | str = CLASSIC,
    *,
    grader: Grader | str | None = None,
    answer_key: str = "solution",
) -> OutcomeReward:
    """The classic 1/0 reward as the paper's scripts ran it (exceed 0, ``settings.CLASSIC``) for ``GRPOTrainer``."""
    if not isinstance(resolve_outcome(setting), ClassicRewardSetting):
        raise TypeError(f"{setting!r} is not a classic setting; use get_cosine_reward")
    return OutcomeReward(max_len, setting, grader=grader, answer_key=answer_key)


def get_repetition_reward(setting: RepetitionPenaltySetting = REPETITION_DEFAULT, *,
                          gamma: float = 1.0) -> DenseRepetitionReward:
    """Sequence-level form of the dense repetition penalty (N = 40, P = -0.05) for trainers whose rewards are one number
    per completion (TRL's GRPO, verl's default reward manager).

    ``gamma=1`` (default): ``P * #penalised tokens``, unbounded: a degenerate 14K-token CoT that loops collects
    hundreds of penalised tokens x -0.05, far beyond the cosine reward's range of -10..+2, so the penalty, not the
    answer, decides the advantage. ``gamma=0.99`` (the paper's gamma_p): the penalty channel's discounted return at the
    first response token, what the fork's PPO credits to the start of the response; at most ``|P| / (1 - gamma)`` = 5
    in size, so it weighs about what the outcome does. Neither is the paper's per-token credit assignment, which
    needs token-level rewards (docs/rewards.md, "The dense penalty in a sequence-level trainer").

    >>> get_repetition_reward()(completion_ids=[list(range(40)) * 2, list(range(80))])
    [-2.0, 0.0]
    """
    return DenseRepetitionReward(setting, gamma)
