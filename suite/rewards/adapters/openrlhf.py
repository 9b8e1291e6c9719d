"""OpenRLHF reward-function file: the paper's sequence-level cosine (or classic) reward as ``reward_func``.

Use it as the reward "URL" (docs/rewards.md)::

    export LONGCOT_REWARD_MAX_LEN=14336                    # = --generate_max_len
    export LONGCOT_REWARD_TOKENIZER=/path/to/policy        # counts response tokens
    export LONGCOT_REWARD_SETTING=cosine                   # or cosine-A, cosine-B, cosine-C, classic
    export LONGCOT_REWARD_GRADER=my_pkg.grading:is_correct # optional; default: default_grader
    python -m openrlhf.cli.train_ppo_ray ... --label_key answer \\
        --remote_rm_url /path/to/suite/rewards/adapters/openrlhf.py

OpenRLHF loads this file by path and calls ``reward_func(queries, prompts, labels)``; configuration comes from the
environment because nothing else reaches the function (with Ray, set the variables in ``--runtime-env-json``
``env_vars``). It returns ``{"rewards", "scores", "extra_logs"}`` (``scores`` = correctness in {0, 1}).

Differences from the paper's fork, where this reward was built in (``--remote_rm_url math_rule_cosine_scale``):

- The fork grades the decoded prompt + response; this grades the response only (the query with its prompt prefix
  removed), so boxed examples in a prompt cannot be graded as answers.
- The fork's length is the number of generated ids; here the decoded response is re-tokenised
  (:func:`suite.rewards.adapters.common.token_length`), which can differ by a few tokens.
- The dense repetition penalty and per-channel gammas (gamma_c = 1, gamma_p = 0.99) need the fork's token-level
  reward path; upstream OpenRLHF reward functions are sequence-level.

Missing gold: a label that is None, NaN, empty or whitespace-only is not graded (``str(None)`` would be the answer
``"None"``): the sample gets reward 0 and score 0, and one ``RuntimeWarning`` per batch names the samples' indices.
"""

from __future__ import annotations

import os

import torch

from suite.rewards.adapters.common import (
    Grader,
    missing_gold,
    outcome_reward,
    resolve_grader,
    resolve_outcome,
    token_length,
    warn_missing_golds,
)

__all__ = ["OpenRLHFReward", "reward_func"]


def response_text(query: str, prompt: str) -> str:
    """The response part of OpenRLHF's decoded prompt + response."""
    return query[len(prompt):] if prompt and query.startswith(prompt) else query


class OpenRLHFReward:
    """``reward_func`` with its configuration bound; a class so it pickles into Ray workers."""

    def __init__(self, max_len: int, tokenizer, setting: str = "cosine", grader: Grader | str | None = None):
        if max_len <= 0:
            raise ValueError(f"max_len must be positive, got {max_len}")
        self.max_len = int(max_len)
        self.tokenizer = tokenizer
        self.setting = resolve_outcome(setting)
        self.grader = resolve_grader(grader)

    def __call__(self, queries, prompts, labels, **kwargs) -> dict:
        rewards, scores, lengths, missing = [], [], [], []
        for i, (query, prompt, label) in enumerate(zip(queries, prompts, labels, strict=True)):
            text = response_text(query, prompt)
            n = token_length(text, self.tokenizer)
            lengths.append(float(n))
            if missing_gold(label):  # never graded as the string "None" (module docstring)
                missing.append(i)
                rewards.append(0.0)
                scores.append(0.0)
                continue
            correct = bool(self.grader(text, str(label)))
            rewards.append(outcome_reward(self.setting, n, self.max_len, correct))
            scores.append(float(correct))
        warn_missing_golds("OpenRLHF reward_func", "labels", missing, list(labels))
        return {
            "rewards": torch.tensor(rewards, dtype=torch.float32),
            "scores": torch.tensor(scores, dtype=torch.float32),
            "extra_logs": {"response_length_tokens": torch.tensor(lengths, dtype=torch.float32)},
        }


_configured: OpenRLHFReward | None = None


def _from_environment() -> OpenRLHFReward:
    missing = [v for v in ("LONGCOT_REWARD_MAX_LEN", "LONGCOT_REWARD_TOKENIZER") if not os.environ.get(v)]
    if missing:
        raise RuntimeError(f"set {', '.join(missing)} for suite/rewards/adapters/openrlhf.py (see its docstring)")
    return OpenRLHFReward(
        max_len=int(os.environ["LONGCOT_REWARD_MAX_LEN"]),
        tokenizer=os.environ["LONGCOT_REWARD_TOKENIZER"],
        setting=os.environ.get("LONGCOT_REWARD_SETTING", "cosine"),
        grader=os.environ.get("LONGCOT_REWARD_GRADER") or None,
    )


def reward_func(queries, prompts, labels, **kwargs) -> dict:
    """OpenRLHF's entry point: rewards for a batch of decoded queries, configured from ``LONGCOT_REWARD_*``."""
    global _configured
    if _configured is None:  # built once per worker: loading the tokenizer is the slow part
        _configured = _from_environment()
    return _configured(queries, prompts, labels, **kwargs)
