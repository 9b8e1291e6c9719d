"""Returns and advantages from per-token rewards: the paper's multi-gamma return and single-gamma GAE (paper §4.6;
the official fork's code as restated in docs/rewards.md).

The paper discounts each reward channel with its own gamma (App. C.2, §4.6, Table 13): the outcome reward with
gamma_c = 1, the dense repetition penalty with gamma_p = 0.99, lambda = 1. The official OpenRLHF fork
(``experience_maker.py`` L410-431) computes, per channel m, ``G[t, m] = r[t, m] + gamma_m * G[t + 1, m]``, sums the
channels, and uses ``advantages = returns - values`` (Monte Carlo; it asserts lambda == 1). With a single gamma it uses
standard GAE (L392-408), provided here as :func:`gae`.

Shapes: T = generated tokens, M = reward channels, B = batch. Sequence-level rewards sit at the last token (EOS).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

__all__ = ["discounted_returns", "batched_discounted_returns", "gae"]

_TILE = 128  # time steps per tile in batched_discounted_returns: (128, B, M) float32 stays in cache for B = 512


def _check_gammas(gammas: Sequence[float], channels: int) -> tuple[float, ...]:
    gammas = tuple(float(g) for g in gammas)
    if len(gammas) != channels:
        # The official fork asserts the same: one gamma per reward channel.
        raise ValueError(f"{channels} reward channel(s) but {len(gammas)} gamma(s): {gammas}")
    for g in gammas:
        if not 0.0 <= g <= 1.0:
            raise ValueError(f"gamma must be in [0, 1], got {g}")
    return gammas


def discounted_returns(rewards, gammas: Sequence[float]) -> np.ndarray:
    r"""Multi-gamma return of one sequence (lambda = 1).

    :math:`G_t = \sum_m G_{t,m}` with :math:`G_{t,m} = r_{t,m} + \gamma_m G_{t+1,m}` (official fork, L410-431).

    Args:
        rewards: (T, M), one column per reward channel (a 1-D (T,) array is read as M = 1).
        gammas: M discount factors, e.g. ``settings.DEFAULT_GAMMAS`` = (1.0, 0.99).

    Returns:
        (T,) float64 returns, summed over channels.

    Outcome 1.0 at the last of 3 tokens (gamma 1) plus a penalty of -0.1 on token 1 (gamma 0.5):

    >>> discounted_returns([[0.0, 0.0], [0.0, -0.1], [1.0, 0.0]], (1.0, 0.5)).tolist()
    [0.95, 0.9, 1.0]
    """
    r = np.asarray(rewards, dtype=np.float64)
    if r.ndim == 1:
        r = r[:, None]
    if r.ndim != 2:
        raise ValueError(f"rewards must be (T, M), got shape {r.shape}")
    g = np.asarray(_check_gammas(gammas, r.shape[1]))
    out = np.zeros_like(r)
    running = np.zeros(r.shape[1])
    for t in range(r.shape[0] - 1, -1, -1):
        running = r[t] + g * running
        out[t] = running
    return out.sum(axis=1)


def batched_discounted_returns(rewards: torch.Tensor, mask: torch.Tensor, gammas: Sequence[float]) -> torch.Tensor:
    """:func:`discounted_returns` for a batch: ``rewards`` (B, T, M), ``mask`` (B, T) of valid tokens -> (B, T).

    Rewards at masked-out positions are ignored and masked-out positions get 0. As in the official fork
    (``rewards = action_mask * rewards`` then one backward pass over all T), a masked-out position *inside* a
    sequence still counts as a zero-reward step for discounting; for right- or left-padded batches, where the valid
    tokens are contiguous, each row equals :func:`discounted_returns` of its valid slice.

    One backward pass over T, vectorised over B and M (one fused ``addcmul`` per step on a contiguous (B, M) slab):
    the exact recursion, no cumsum/log-space trick, so no loss of precision for gamma < 1 over 16K tokens.

    >>> r = torch.tensor([[[0.0, 0.0], [0.0, -0.1], [1.0, 0.0], [5.0, 5.0]]])
    >>> batched_discounted_returns(r, torch.tensor([[1, 1, 1, 0]]), (1.0, 0.5)).tolist()
    [[0.949999988079071, 0.8999999761581421, 1.0, 0.0]]
    """
    if rewards.ndim != 3:
        raise ValueError(f"rewards must be (B, T, M), got shape {tuple(rewards.shape)}")
    B, T, M = rewards.shape
    if tuple(mask.shape) != (B, T):
        raise ValueError(f"mask must be (B, T) = {(B, T)}, got {tuple(mask.shape)}")
    if not rewards.is_floating_point():
        rewards = rewards.float()
    g = torch.tensor(_check_gammas(gammas, M), dtype=rewards.dtype, device=rewards.device)
    valid = mask.to(dtype=rewards.dtype)
    result = torch.empty((B, T), dtype=rewards.dtype, device=rewards.device)
    # Walk backwards over tiles of _TILE steps. Each tile is transposed to (time, B, M) so that every step of the
    # recursion is one fused addcmul on a contiguous (B, M) slab; tiles stay cache-sized, so the transposes in and
    # out cost little, where transposing the whole (B, T, M) batch at once would be memory-bound.
    tile_r = torch.empty((_TILE, B, M), dtype=rewards.dtype, device=rewards.device)
    tile_g = torch.empty((_TILE + 1, B, M), dtype=rewards.dtype, device=rewards.device)  # [k] = carry from later
    steps_r, steps_g = tile_r.unbind(0), tile_g.unbind(0)  # views made once, not per step
    carry = torch.zeros((B, M), dtype=rewards.dtype, device=rewards.device)  # G after the last position is 0
    for t1 in range(T, 0, -_TILE):
        t0 = max(0, t1 - _TILE)
        k = t1 - t0
        torch.mul(rewards[:, t0:t1].transpose(0, 1), valid[:, t0:t1].t().unsqueeze(-1), out=tile_r[:k])
        steps_g[k].copy_(carry)
        for i in range(k - 1, -1, -1):
            torch.addcmul(steps_r[i], g, steps_g[i + 1], out=steps_g[i])
        channel_sum = tile_g[:k, :, 0]
        for m in range(1, M):  # explicit adds: torch's reduction over a last dim of size 2 is ~10x slower
            channel_sum = channel_sum + tile_g[:k, :, m]
        torch.mul(channel_sum.t(), valid[:, t0:t1], out=result[:, t0:t1])
        carry.copy_(steps_g[0])
    return result


def gae(
    rewards: torch.Tensor, values: torch.Tensor, mask: torch.Tensor, gamma: float, lam: float
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Generalised advantage estimation for one reward channel (Schulman et al. 2016; official fork L392-408).

    :math:`\delta_t = r_t + \gamma V_{t+1} - V_t`, :math:`A_t = \delta_t + \gamma\lambda A_{t+1}`, returns
    :math:`= A + V`. Rewards and values are zeroed where ``mask`` is 0, so the value after a sequence's last valid
    token is 0 (the episode ends there). Masked-out positions get 0 advantage and 0 return.

    Args:
        rewards, values, mask: (B, T).
        gamma, lam: the paper uses gamma = 1, lambda = 1 (then A_t = sum of future rewards - V_t).

    Returns:
        (advantages, returns), both (B, T).

    >>> adv, ret = gae(torch.tensor([[0.0, 1.0]]), torch.tensor([[0.5, 0.25]]), torch.tensor([[1, 1]]), 1.0, 1.0)
    >>> adv.tolist(), ret.tolist()
    ([[0.5, 0.75]], [[1.0, 1.0]])
    """
    if rewards.ndim != 2 or rewards.shape != values.shape or tuple(mask.shape) != tuple(rewards.shape):
        raise ValueError(
            f"rewards, values and mask must all be (B, T); got {tuple(rewards.shape)}, {tuple(values.shape)}, "
            f"{tuple(mask.shape)}"
        )
    _check_gammas((gamma,), 1)
    if not 0.0 <= lam <= 1.0:
        raise ValueError(f"lambda must be in [0, 1], got {lam}")
    dtype = torch.promote_types(rewards.dtype, values.dtype) if rewards.is_floating_point() else values.dtype
    valid = mask.to(dtype)
    r = (rewards.to(dtype) * valid).t().contiguous()  # (T, B)
    v = (values.to(dtype) * valid).t().contiguous()
    T = r.shape[0]
    next_v = torch.zeros_like(v)
    next_v[:-1] = v[1:]
    delta = r + gamma * next_v - v
    adv = torch.empty_like(delta)
    if T:
        adv[T - 1] = delta[T - 1]
        for t in range(T - 2, -1, -1):
            torch.add(delta[t], adv[t + 1], alpha=gamma * lam, out=adv[t])
    adv = adv.t() * valid
    return adv, (adv + values.to(dtype) * valid)
