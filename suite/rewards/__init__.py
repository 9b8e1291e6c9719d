"""The paper's rewards and returns (§4, App. C), exactly as the official code computes them (docs/rewards.md).

- :mod:`~suite.rewards.outcome`: cosine, classic and format outcome rewards (sequence level, paid at the last token).
- :mod:`~suite.rewards.repetition`: the dense token-level N-gram repetition penalty the paper trains with, its mask,
  and the sparse word-level variant (for comparison only).
- :mod:`~suite.rewards.returns`: multi-gamma returns (lambda = 1) and single-gamma GAE.
- :mod:`~suite.rewards.settings`: the paper's named settings (default cosine, rewards A/B/C, gamma pairs, N/P).
- :mod:`~suite.rewards.adapters`: drop-in reward functions for TRL, verl and OpenRLHF (docs/rewards.md).
"""

import importlib

# The reward modules import torch (~3 s on a busy CPU). `suite.rewards.settings` is imported by every experiment
# declaration and so by every CLI start, so the functions below load on first use instead (PEP 562).
_WHERE = {
    "cosine_reward": "outcome", "cosine_reward_batch": "outcome", "classic_reward": "outcome",
    "format_reward": "outcome",
    "dense_repetition_penalty": "repetition", "dense_repetition_penalty_batch": "repetition",
    "repeated_ngram_mask": "repetition", "sparse_repetition_penalty": "repetition",
    "discounted_returns": "returns", "batched_discounted_returns": "returns", "gae": "returns",
}


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(f"suite.rewards.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'suite.rewards' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_WHERE))


__all__ = [
    "cosine_reward",
    "cosine_reward_batch",
    "classic_reward",
    "format_reward",
    "dense_repetition_penalty",
    "dense_repetition_penalty_batch",
    "repeated_ngram_mask",
    "sparse_repetition_penalty",
    "discounted_returns",
    "batched_discounted_returns",
    "gae",
]
