"""suite.tiny.rl.advantages and losses: hand-checkable numbers for every piece of the PPO step (docs/tiny_rl.md)."""

from __future__ import annotations

import math

import pytest
import torch

from suite.rewards.settings import SPEC_CLASSIC, SPEC_COSINE, SPEC_COSINE_REP
from suite.tiny.rl import advantages as A
from suite.tiny.rl.losses import policy_loss, value_loss
from suite.tiny.rl.rollout import length_mask


def test_sparse_reward_lands_on_the_eos_token():
    mask = length_mask(torch.tensor([3, 1, 5]), 5)
    dense = A.sparse_to_dense(torch.tensor([2.0, -10.0, 1.5]), mask)
    assert dense.tolist() == [[0, 0, 2.0, 0, 0], [-10.0, 0, 0, 0, 0], [0, 0, 0, 0, 1.5]]


def test_reward_channels_put_outcome_in_channel_0_and_repetition_in_channel_1():
    mask = length_mask(torch.tensor([3]), 4)
    rep = torch.tensor([[0.0, -0.05, -0.05, -0.05]])  # the last entry is padding and must vanish
    ch = A.reward_channels(torch.tensor([1.0]), rep, mask, (-10.0, 10.0))
    assert ch.shape == (1, 4, 2)
    assert ch[0, :, 0].tolist() == [0.0, 0.0, 1.0, 0.0]
    assert ch[0, :, 1].tolist() == pytest.approx([0.0, -0.05, -0.05, 0.0])


def test_rewards_are_clipped_to_the_reward_clip_range_before_the_kl_term():
    mask = length_mask(torch.tensor([2, 2]), 2)
    ch = A.reward_channels(torch.tensor([25.0, -40.0]), None, mask, (-10.0, 10.0))
    assert ch[:, 1, 0].tolist() == [10.0, -10.0]
    # the KL term is added after the clamp, so a clipped reward can still move by the KL
    kl = torch.full((2, 2), 1.0)
    assert A.add_kl_penalty(ch, kl, mask, 0.5)[:, 1, 0].tolist() == [9.5, -10.5]


def test_kl_split_across_channels_sums_to_the_full_kl():
    mask = length_mask(torch.tensor([3, 2]), 3)
    kl = torch.tensor([[0.2, -0.1, 0.4], [0.3, 0.3, 9.0]])
    zero = torch.zeros(2, 3, 2)
    with_kl = A.add_kl_penalty(zero, kl, mask, 0.01)
    assert torch.allclose(with_kl[..., 0], with_kl[..., 1])  # equal halves
    assert torch.allclose(with_kl.sum(-1), -0.01 * kl * mask)  # which sum to the full per-token KL reward
    assert with_kl[1, 2].tolist() == [0.0, 0.0]  # padding carries no KL


def test_gamma_one_single_channel_returns_equal_the_suffix_sum():
    mask = length_mask(torch.tensor([4, 2]), 4)
    r = torch.tensor([[[0.5], [-1.0], [0.25], [2.0]], [[1.0], [3.0], [7.0], [7.0]]])
    suffix = torch.tensor([[1.75, 1.25, 2.25, 2.0], [4.0, 3.0, 0.0, 0.0]])
    adv, ret = A.ppo_advantages(r, torch.zeros(2, 4), mask, (1.0,), 1.0)  # single gamma: the GAE path
    assert torch.allclose(ret, suffix) and torch.allclose(adv, suffix)
    values = torch.tensor([[1.0, 1.0, 1.0, 1.0], [0.5, 0.5, 0.5, 0.5]])
    adv, ret = A.ppo_advantages(r, values, mask, (1.0,), 1.0)
    assert torch.allclose(ret, suffix) and torch.allclose(adv, (suffix - values) * mask)


def test_multi_gamma_returns_discount_each_channel_with_its_own_gamma():
    mask = length_mask(torch.tensor([3]), 3)
    r = torch.tensor([[[0.0, 0.0], [0.0, -1.0], [1.0, -1.0]]])
    adv, ret = A.ppo_advantages(r, torch.tensor([[0.5, 0.5, 0.5]]), mask, (1.0, 0.5), 1.0)
    # outcome channel (gamma 1): 1, 1, 1; penalty channel (gamma 0.5): -1.0, -1.5, -1
    assert ret.tolist() == [[1.0 - 0.75, 1.0 - 1.5, 1.0 - 1.0]]
    assert adv.tolist() == [[0.25 - 0.5, -0.5 - 0.5, 0.0 - 0.5]]


def test_advantage_normalisation_uses_valid_tokens_only():
    mask = length_mask(torch.tensor([2, 1]), 2)
    adv = torch.tensor([[1.0, 3.0], [5.0, 1000.0]])
    out = A.normalize_advantages(adv, mask)
    # valid values 1, 3, 5: mean 3, population std sqrt(8/3)
    s = math.sqrt(8 / 3)
    assert torch.allclose(out, torch.tensor([[-2 / s, 0.0], [2 / s, 0.0]]), atol=1e-6)


def test_grpo_advantages_are_standardised_within_each_prompt_group():
    mask = length_mask(torch.tensor([2, 2, 2, 2]), 2)
    adv = A.grpo_advantages(torch.tensor([1.0, 0.0, 5.0, 5.0]), 2, mask)
    assert adv[:, 0].tolist() == pytest.approx([1.0, -1.0, 0.0, 0.0], abs=1e-5)
    assert torch.equal(adv[:, 0], adv[:, 1])


@pytest.mark.parametrize("correct", [True, False])
def test_exceed_rule_gives_truncated_samples_the_exceed_penalty(correct):
    max_len = 64
    lens = [64, 48, 47]  # truncated (no EOS, gen_len = max_len), at the margin boundary, just inside it
    cos = A.outcome_scores(SPEC_COSINE, lens, max_len, [correct] * 3).tolist()
    assert cos[0] == cos[1] == -10.0 and cos[2] != -10.0
    classic = A.outcome_scores(SPEC_CLASSIC, lens, max_len, [correct] * 3).tolist()
    assert classic == [0.0, 0.0, 1.0 if correct else 0.0]  # the scripts' exceed reward is 0


def test_repetition_channel_is_absent_without_a_penalty_and_dense_with_one():
    tokens = torch.tensor([[1, 2, 1, 2, 0]])
    lengths = torch.tensor([4])
    assert A.repetition_penalties(SPEC_COSINE, tokens, lengths) is None
    pen = A.repetition_penalties(SPEC_COSINE_REP, tokens, lengths)
    assert pen.shape == (1, 5) and float(pen.sum()) == 0.0  # no 40-gram repeats in 4 tokens


def test_ppo_clipped_objective_matches_a_hand_computation_on_two_tokens():
    # token 0: ratio e^0.5 = 1.6487 > 1.2 with A = +1 -> clipped to 1.2; token 1: ratio e^-0.5 = 0.6065 < 0.8 with
    # A = -2 -> min(0.6065 * -2, 0.8 * -2) = -1.6 (the clipped, pessimistic one). Loss = -mean(1.2, -1.6) = 0.2.
    old = torch.zeros(1, 2)
    logp = torch.tensor([[0.5, -0.5]], requires_grad=True)
    adv = torch.tensor([[1.0, -2.0]])
    loss, clipfrac = policy_loss(logp, old, adv, torch.ones(1, 2), 0.2)
    assert loss.item() == pytest.approx(0.2, abs=1e-6)
    assert float(clipfrac) == 1.0
    loss.backward()
    assert logp.grad.tolist() == [[0.0, 0.0]]  # both tokens are clipped: no gradient
    # inside the trust region the loss is the plain surrogate -ratio * A, token mean per sequence then batch mean
    logp2 = torch.tensor([[0.1, 0.0], [0.0, 0.0]])
    loss2, _ = policy_loss(logp2, torch.zeros(2, 2), torch.tensor([[1.0, 1.0], [3.0, 0.0]]),
                           torch.tensor([[1.0, 1.0], [1.0, 0.0]]), 0.2)
    assert float(loss2) == pytest.approx(-((math.exp(0.1) + 1.0) / 2 + 3.0) / 2, abs=1e-6)


def test_value_loss_takes_the_larger_of_clipped_and_unclipped_errors():
    old = torch.tensor([[0.0, 0.0]])
    values = torch.tensor([[1.0, 0.1]])
    returns = torch.tensor([[2.0, -1.0]])
    # token 0: clipped V = 0.2 -> (1.8)^2 = 3.24 vs (1.0)^2 = 1 -> 3.24; token 1: clipped 0.1 -> 1.21 both
    loss = value_loss(values, old, returns, torch.ones(1, 2), 0.2)
    assert float(loss) == pytest.approx(0.5 * (3.24 + 1.21) / 2, abs=1e-6)
