"""From sequence scores to per-token advantages, as the official OpenRLHF fork does it (docs/tiny_rl.md, 'One PPO step').

Every reward and return is computed by `suite.rewards` (the same functions the report describes); this module only
arranges their inputs and outputs into tensors. Shapes: B samples, T generated-token positions, M reward channels.
`mask` (B, T) is 1.0 on generated tokens including the EOS (the official `action_mask`), 0.0 on padding.
"""

from __future__ import annotations

import numpy as np
import torch

from suite.rewards import outcome, repetition, returns  # the one implementation of every reward and return
from suite.rewards.settings import ClassicRewardSetting, FormatRewardSetting, RewardSpec


#: the exceed margin of a reward without a length rule (SimpleRL's format reward): used for the logged exceed rate only
DEFAULT_MARGIN = 16


def exceed_margin(spec: RewardSpec) -> int:
    """The margin of the exceed rule the logs use: the outcome reward's own, or DEFAULT_MARGIN when it has none."""
    return getattr(spec.outcome, "margin", DEFAULT_MARGIN)


def outcome_scores(spec: RewardSpec, gen_lens: list[int], max_len: int, correct: list[bool],
                   answered: list[bool] | None = None) -> torch.Tensor:
    """Sequence-level outcome reward per sample, (B,). The exceed rule (gen_len + margin >= max_len) lives inside the
    classic and cosine reward functions, so a truncated sample (no EOS, gen_len = max_len) always gets the exceed
    penalty; SimpleRL's format reward (§6) has no length rule and reads `answered` (a final answer was extracted)."""
    kw = spec.outcome.kwargs()
    if isinstance(spec.outcome, FormatRewardSetting):
        if answered is None:
            raise ValueError("the format reward needs `answered` per sample")
        return torch.tensor([outcome.format_reward(a, c, **kw) for a, c in zip(answered, correct)],
                            dtype=torch.float32)
    fn = outcome.classic_reward if isinstance(spec.outcome, ClassicRewardSetting) else outcome.cosine_reward
    return torch.tensor([float(fn(n, max_len, c, **kw)) for n, c in zip(gen_lens, correct)], dtype=torch.float32)


def repetition_penalties(spec: RewardSpec, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor | None:
    """Dense repetition penalty (App. C.2, Algorithm 1) per token, (B, T), or None when the spec has no such channel."""
    if spec.repetition is None:
        return None
    r = repetition.dense_repetition_penalty_batch(tokens, lengths, **spec.repetition.kwargs())
    return torch.from_numpy(np.asarray(r, dtype=np.float32))


def sparse_to_dense(scores: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Place each sample's scalar score on its last generated token (the EOS, or the last token of a truncated sample),
    as the official `sparse_to_dense`. (B,), (B, T) -> (B, T).

    >>> sparse_to_dense(torch.tensor([2.0, -1.0]), torch.tensor([[1., 1., 0.], [1., 1., 1.]])).tolist()
    [[0.0, 2.0, 0.0], [0.0, 0.0, -1.0]]
    """
    last = mask.sum(dim=1).long() - 1  # (B,)
    dense = torch.zeros_like(mask)
    dense[torch.arange(mask.shape[0], device=mask.device), last.clamp(min=0)] = scores * (last >= 0).to(scores.dtype)
    return dense


def reward_channels(scores: torch.Tensor, repetition: torch.Tensor | None, mask: torch.Tensor,
                    reward_clip: tuple[float, float]) -> torch.Tensor:
    """Stack the reward channels into (B, T, M) and clamp them to `reward_clip` (official `compute_reward`: the clamp
    comes before the KL term is added). Channel 0 is the outcome reward at the EOS; channel 1 the dense penalty."""
    chans = [sparse_to_dense(scores, mask)]
    if repetition is not None:
        chans.append(repetition * mask)
    return torch.stack(chans, dim=-1).clamp(reward_clip[0], reward_clip[1])


def add_kl_penalty(channels: torch.Tensor, kl: torch.Tensor, mask: torch.Tensor, kl_coef: float) -> torch.Tensor:
    """Add the per-token KL reward `-kl_coef * kl` (kl = logp - logp_ref, the k1 estimator), divided equally over the
    M channels (official multi-reward `compute_reward`: with two channels half the KL is discounted with each gamma).
    (B, T, M), (B, T) -> (B, T, M)."""
    m = channels.shape[-1]
    return channels + (-kl_coef * kl * mask / m).unsqueeze(-1)


def masked_mean(x: torch.Tensor, mask: torch.Tensor, dim: int | None = None) -> torch.Tensor:
    if dim is None:
        return (x * mask).sum() / mask.sum().clamp(min=1.0)
    return (x * mask).sum(dim=dim) / mask.sum(dim=dim).clamp(min=1.0)


def normalize_advantages(adv: torch.Tensor, mask: torch.Tensor, eps: float = 1e-8) -> torch.Tensor:
    """Whiten over all valid tokens of the batch (OpenRLHF `replay_buffer.normalize("advantages")`)."""
    mean = masked_mean(adv, mask)
    var = masked_mean((adv - mean) ** 2, mask)
    return (adv - mean) * torch.rsqrt(var + eps) * mask


def ppo_advantages(channels_with_kl: torch.Tensor, values: torch.Tensor, mask: torch.Tensor,
                   gammas: tuple[float, ...], lam: float) -> tuple[torch.Tensor, torch.Tensor]:
    """(advantages, returns), each (B, T). Several gammas: per-channel Monte-Carlo returns summed over channels and
    advantages = returns - values (lambda = 1, no bootstrapping; official `experience_maker.py` L410-431). One gamma:
    GAE over the single channel (L392-408)."""
    if len(gammas) > 1:
        ret = returns.batched_discounted_returns(channels_with_kl, mask, gammas)
        return (ret - values) * mask, ret * mask
    adv, ret = returns.gae(channels_with_kl[..., 0], values, mask, gammas[0], lam)
    return adv * mask, ret * mask


def reinforce_pp_advantages(channels_with_kl: torch.Tensor, mask: torch.Tensor,
                            gammas: tuple[float, ...]) -> torch.Tensor:
    """REINFORCE++ (§7.3; official L433-497): per-token discounted returns of the KL-penalised rewards, no critic.
    The caller whitens them over the whole batch."""
    return returns.batched_discounted_returns(channels_with_kl, mask, gammas) * mask


def grpo_advantages(sequence_rewards: torch.Tensor, group_size: int, mask: torch.Tensor,
                    eps: float = 1e-6) -> torch.Tensor:
    """GRPO-style: each sample's sequence reward standardised within its prompt group (rows are grouped
    contiguously, `group_size` per prompt), broadcast to all its tokens. (B,), (B, T) -> (B, T)."""
    g = sequence_rewards.view(-1, group_size)
    adv = (g - g.mean(dim=1, keepdim=True)) / (g.std(dim=1, keepdim=True, unbiased=False) + eps)
    return adv.reshape(-1, 1) * mask
