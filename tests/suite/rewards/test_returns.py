"""Multi-gamma returns (lambda = 1; paper §4.6, App. C.2) and single-gamma GAE (official fork; docs/rewards.md)."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from suite.rewards import batched_discounted_returns, discounted_returns, gae


def returns_by_definition(rewards, gammas):
    """G_t = sum_m sum_{k >= t} gamma_m**(k - t) * r[k, m], by the explicit double sum."""
    r = np.asarray(rewards, dtype=np.float64)
    T, M = r.shape
    return np.array([sum(gammas[m] ** (k - t) * r[k, m] for m in range(M) for k in range(t, T)) for t in range(T)])


def gae_by_loop(rewards, values, gamma, lam):
    """Textbook GAE on one unpadded sequence, Python floats; V after the last token is 0."""
    T = len(rewards)
    adv = [0.0] * T
    running = 0.0
    for t in reversed(range(T)):
        next_v = values[t + 1] if t + 1 < T else 0.0
        delta = rewards[t] + gamma * next_v - values[t]
        running = delta + gamma * lam * running
        adv[t] = running
    return adv


def test_hand_example_with_outcome_and_repetition_channels():
    # Outcome 2.0 at the last of 4 tokens (gamma_c = 1); penalty -0.05 on tokens 1 and 2 (gamma_p = 0.99).
    r = [[0, 0], [0, -0.05], [0, -0.05], [2.0, 0]]
    # Repetition channel: t2 = -0.05, t1 = -0.05 - 0.0495 = -0.0995, t0 = 0.99 * -0.0995 = -0.098505.
    expected = [2.0 - 0.098505, 2.0 - 0.0995, 2.0 - 0.05, 2.0]
    np.testing.assert_allclose(discounted_returns(r, (1.0, 0.99)), expected, rtol=0, atol=1e-15)


def test_one_dimensional_rewards_are_one_channel():
    np.testing.assert_allclose(discounted_returns([1.0, 1.0, 1.0], (0.5,)), [1.75, 1.5, 1.0])


def test_gamma_count_must_match_channel_count():
    with pytest.raises(ValueError, match="gamma"):
        discounted_returns(np.zeros((3, 2)), (1.0,))
    with pytest.raises(ValueError, match="gamma"):
        batched_discounted_returns(torch.zeros(1, 3, 2), torch.ones(1, 3), (1.0, 0.99, 0.9))
    with pytest.raises(ValueError):
        discounted_returns(np.zeros((3, 1)), (1.5,))


reward_matrices = arrays(np.float64, st.tuples(st.integers(1, 40), st.integers(1, 3)), elements=st.floats(-10, 10))


@settings(max_examples=200, deadline=None)
@given(r=reward_matrices)
def test_gamma_one_gives_suffix_sums(r):
    expected = r.sum(axis=1)[::-1].cumsum()[::-1]
    np.testing.assert_allclose(discounted_returns(r, (1.0,) * r.shape[1]), expected, rtol=1e-12, atol=1e-9)


@settings(max_examples=200, deadline=None)
@given(r=reward_matrices)
def test_gamma_zero_gives_the_rewards_summed_over_channels(r):
    np.testing.assert_array_equal(discounted_returns(r, (0.0,) * r.shape[1]), r.sum(axis=1))


@settings(max_examples=200, deadline=None)
@given(r=reward_matrices, data=st.data())
def test_returns_equal_the_explicit_double_sum(r, data):
    gammas = data.draw(st.lists(st.floats(0, 1), min_size=r.shape[1], max_size=r.shape[1]))
    np.testing.assert_allclose(discounted_returns(r, gammas), returns_by_definition(r, gammas), rtol=1e-10, atol=1e-9)


def _padded_batch(rows, M, left):
    T = max(len(x) // M for x in rows) + 2
    rewards = torch.full((len(rows), T, M), 7.0, dtype=torch.float64)  # garbage under the mask must be ignored
    mask = torch.zeros(len(rows), T, dtype=torch.bool)
    for b, x in enumerate(rows):
        n = len(x) // M
        sl = slice(T - n, T) if left else slice(0, n)
        rewards[b, sl] = torch.tensor(x, dtype=torch.float64).reshape(n, M)
        mask[b, sl] = True
    return rewards, mask, T


@settings(max_examples=100, deadline=None)
@given(
    M=st.integers(1, 3),
    lengths=st.lists(st.integers(0, 30), min_size=1, max_size=5),
    left=st.booleans(),
    data=st.data(),
)
def test_batched_returns_equal_the_scalar_form_on_each_valid_slice(M, lengths, left, data):
    rows = [data.draw(st.lists(st.floats(-10, 10), min_size=n * M, max_size=n * M)) for n in lengths]
    gammas = data.draw(st.lists(st.sampled_from([0.0, 0.5, 0.9, 0.99, 0.999, 1.0]), min_size=M, max_size=M))
    rewards, mask, T = _padded_batch(rows, M, left)
    out = batched_discounted_returns(rewards, mask, gammas)
    assert out.shape == (len(rows), T)
    for b, x in enumerate(rows):
        n = lengths[b]
        valid = slice(T - n, T) if left else slice(0, n)
        if n:
            expected = discounted_returns(np.array(x).reshape(n, M), gammas)
            np.testing.assert_allclose(out[b, valid].numpy(), expected, rtol=1e-12, atol=1e-9)
        assert not out[b, ~mask[b]].any()


def test_batched_returns_keep_float32_and_accept_integer_masks():
    # Channel 0 (gamma 1): 1, 0. Channel 1 (gamma 0.5): 0.5 * -1, -1. The masked 9s are ignored.
    r = torch.tensor([[[1.0, 0.0], [0.0, -1.0], [9.0, 9.0]]])
    out = batched_discounted_returns(r, torch.tensor([[1, 1, 0]]), (1.0, 0.5))
    assert out.dtype == torch.float32
    assert out.tolist() == [[0.5, -1.0, 0.0]]


def test_gae_hand_example():
    # gamma = 0.5, lambda = 0.5, rewards (0, 1), values (1, 2):
    # delta_1 = 1 + 0 - 2 = -1; delta_0 = 0 + 0.5 * 2 - 1 = 0; A_1 = -1; A_0 = 0 + 0.25 * -1 = -0.25.
    adv, ret = gae(torch.tensor([[0.0, 1.0]]), torch.tensor([[1.0, 2.0]]), torch.ones(1, 2), 0.5, 0.5)
    assert adv.tolist() == [[-0.25, -1.0]]
    assert ret.tolist() == [[0.75, 1.0]]


def test_gae_values_after_the_last_valid_token_are_zero():
    # The masked third position has value 100; it must not bootstrap the second token's advantage.
    rewards = torch.tensor([[0.0, 1.0, 5.0]])
    values = torch.tensor([[0.0, 0.0, 100.0]])
    adv, ret = gae(rewards, values, torch.tensor([[1, 1, 0]]), 1.0, 1.0)
    assert adv.tolist() == [[1.0, 1.0, 0.0]]
    assert ret.tolist() == [[1.0, 1.0, 0.0]]


@settings(max_examples=100, deadline=None)
@given(
    lengths=st.lists(st.integers(1, 25), min_size=1, max_size=4),
    gamma=st.sampled_from([0.0, 0.9, 0.99, 1.0]),
    lam=st.sampled_from([0.0, 0.5, 0.95, 1.0]),
    data=st.data(),
)
def test_gae_equals_the_textbook_loop_on_each_sequence(lengths, gamma, lam, data):
    T = max(lengths) + 1
    rewards = torch.zeros(len(lengths), T, dtype=torch.float64)
    values = torch.full((len(lengths), T), 3.0, dtype=torch.float64)
    mask = torch.zeros(len(lengths), T)
    seqs = []
    for b, n in enumerate(lengths):
        r = data.draw(st.lists(st.floats(-5, 5), min_size=n, max_size=n))
        v = data.draw(st.lists(st.floats(-5, 5), min_size=n, max_size=n))
        rewards[b, :n] = torch.tensor(r, dtype=torch.float64)
        values[b, :n] = torch.tensor(v, dtype=torch.float64)
        mask[b, :n] = 1
        seqs.append((r, v))
    adv, ret = gae(rewards, values, mask, gamma, lam)
    for b, (r, v) in enumerate(seqs):
        n = len(r)
        expected = gae_by_loop(r, v, gamma, lam)
        np.testing.assert_allclose(adv[b, :n].numpy(), expected, rtol=1e-12, atol=1e-9)
        np.testing.assert_allclose(ret[b, :n].numpy(), np.array(expected) + np.array(v), rtol=1e-12, atol=1e-9)
        assert not adv[b, n:].any() and not ret[b, n:].any()


@settings(max_examples=50, deadline=None)
@given(n=st.integers(1, 30), gamma=st.sampled_from([0.9, 0.99, 1.0]), data=st.data())
def test_gae_with_lambda_one_returns_the_monte_carlo_return(n, gamma, data):
    r = np.array(data.draw(st.lists(st.floats(-5, 5), min_size=n, max_size=n)))
    v = np.array(data.draw(st.lists(st.floats(-5, 5), min_size=n, max_size=n)))
    _, ret = gae(torch.tensor(r[None]), torch.tensor(v[None]), torch.ones(1, n), gamma, 1.0)
    np.testing.assert_allclose(ret[0].numpy(), returns_by_definition(r[:, None], [gamma]), rtol=1e-10, atol=1e-9)


def test_batched_returns_carry_across_long_sequences():
    # Long enough to cross the implementation's internal tiling several times, at lengths that are not multiples of
    # any power of two, with right and left padding.
    gen = torch.Generator().manual_seed(1)
    lengths = [1000, 129, 0, 777]
    T = 1003
    rewards = torch.randn(len(lengths), T, 2, generator=gen, dtype=torch.float64)
    mask = torch.zeros(len(lengths), T, dtype=torch.bool)
    mask[0, :1000] = mask[1, T - 129 :] = mask[3, 5:782] = True
    out = batched_discounted_returns(rewards, mask, (0.999, 0.99))
    for b, valid in enumerate(mask):
        idx = valid.nonzero().flatten()
        if len(idx):
            expected = discounted_returns(rewards[b, idx].numpy(), (0.999, 0.99))
            np.testing.assert_allclose(out[b, idx].numpy(), expected, rtol=1e-12, atol=1e-10)
        assert not out[b, ~valid].any()
