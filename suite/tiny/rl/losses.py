"""PPO losses as the official OpenRLHF fork computes them: clipped surrogate and clipped value loss, token mean per
sequence, then the batch mean. Shapes (B, T)."""

from __future__ import annotations

import torch

from suite.tiny.rl.advantages import masked_mean


def policy_loss(logp: torch.Tensor, old_logp: torch.Tensor, advantages: torch.Tensor, mask: torch.Tensor,
                eps_clip: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Clipped surrogate `-min(r A, clip(r, 1-eps, 1+eps) A)` with r = exp(logp - old_logp). Returns (loss, share of
    valid tokens whose ratio was clipped)."""
    ratio = torch.exp(logp - old_logp)
    surr1 = ratio * advantages
    surr2 = ratio.clamp(1.0 - eps_clip, 1.0 + eps_clip) * advantages
    loss = masked_mean(-torch.min(surr1, surr2), mask, dim=-1).mean()
    clipped = masked_mean(((ratio - 1.0).abs() > eps_clip).float(), mask).detach()
    return loss, clipped


def value_loss(values: torch.Tensor, old_values: torch.Tensor, returns: torch.Tensor, mask: torch.Tensor,
               value_clip: float) -> torch.Tensor:
    """Clipped value loss `0.5 * max((V_clip - R)^2, (V - R)^2)`, V_clip = V_old + clip(V - V_old, +-value_clip)."""
    v_clipped = old_values + (values - old_values).clamp(-value_clip, value_clip)
    loss = torch.max((v_clipped - returns) ** 2, (values - returns) ** 2)
    return 0.5 * masked_mean(loss, mask, dim=-1).mean()


def k3_kl(logp: torch.Tensor, ref_logp: torch.Tensor) -> torch.Tensor:
    """Per-token k3 estimator exp(ref - logp) - (ref - logp) - 1 >= 0 (GRPO's KL-in-loss term)."""
    d = ref_logp - logp
    return torch.exp(d) - d - 1.0
