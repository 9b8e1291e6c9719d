"""Benchmarks for suite.rewards on paper-sized inputs (16K-token rollouts). Run explicitly:

    pytest benchmarks/test_bench_rewards.py --benchmark-only -p no:longcot -s

Each benchmark first asserts that the fast implementation gives exactly the reference's output on random inputs,
then times both and prints the speedup. Torch is held to one thread (shared CPU machines; comparable numbers).
"""

import time

import numpy as np
import pytest
import torch

from suite.rewards import batched_discounted_returns, dense_repetition_penalty, discounted_returns

torch.set_num_threads(1)

T = 16_384
N, P = 40, -0.05


def dense_penalty_reference(tokens, n=N, p=P):
    """The straightforward implementation: a Python set of N-tuples (as the official RepetitionDensePenalty)."""
    r = [0.0] * len(tokens)
    seen = set()
    for j, ng in enumerate(zip(*[tokens[i:] for i in range(n)])):
        if ng in seen:
            for t in range(j, j + n):
                r[t] = p
        seen.add(ng)
    return r


def rollout_like(rng, length=T, vocab=32_000, loops=8):
    """Random tokens with copied spans, like a long CoT that falls into loops (repeats are what costs time)."""
    x = rng.integers(0, vocab, length)
    for _ in range(loops):
        span = int(rng.integers(50, 1500))
        src = int(rng.integers(0, length - span))
        dst = int(rng.integers(0, length - span))
        x[dst : dst + span] = x[src : src + span]
    return x


def _best_of(fn, repeats):
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


@pytest.fixture(scope="module")
def sequences():
    rng = np.random.default_rng(0)
    return [rollout_like(rng) for _ in range(4)] + [rng.integers(0, 8, T), np.tile(rng.integers(0, 100, 64), T // 64)]


def test_bench_dense_penalty_16k_tokens(benchmark, sequences):
    # Exactness first (these checks run under --benchmark-only too): same output as the reference on every input.
    for other in sequences:
        assert dense_repetition_penalty(other, N, P).tolist() == dense_penalty_reference(other.tolist())
    seq = sequences[0]
    as_list = seq.tolist()
    out = benchmark(dense_repetition_penalty, seq, N, P)
    assert out.tolist() == dense_penalty_reference(as_list)
    ref = _best_of(lambda: dense_penalty_reference(as_list), 5)
    fast = benchmark.stats.stats.min
    speedup = ref / fast
    print(f"\n[dense_repetition_penalty] T={T} N={N}: fast {fast * 1e3:.2f} ms (min), "
          f"set-of-tuples reference {ref * 1e3:.2f} ms (best of 5): {speedup:.1f}x faster")
    assert speedup >= 20


def test_bench_dense_penalty_reference_16k_tokens(benchmark, sequences):
    as_list = sequences[0].tolist()
    benchmark.pedantic(dense_penalty_reference, args=(as_list,), rounds=5, iterations=1)


def returns_python_loop(rewards, mask, gammas):
    """Reference: Python loops over batch, channels and time, on Python floats."""
    B, T_, M = len(rewards), len(rewards[0]), len(gammas)
    out = [[0.0] * T_ for _ in range(B)]
    for b in range(B):
        for m in range(M):
            running = 0.0
            for t in reversed(range(T_)):
                running = (rewards[b][t][m] if mask[b][t] else 0.0) + gammas[m] * running
                if mask[b][t]:
                    out[b][t] += running
    return out


B, M, GAMMAS = 512, 2, (1.0, 0.99)


@pytest.fixture(scope="module")
def batch():
    g = torch.Generator().manual_seed(0)
    rewards = torch.zeros(B, T, M)
    lengths = torch.randint(1, T + 1, (B,), generator=g)
    mask = torch.arange(T)[None, :] < lengths[:, None]
    rewards[torch.arange(B), lengths - 1, 0] = torch.randn(B, generator=g)  # outcome at the last token
    rewards[..., 1] = -0.05 * (torch.rand(B, T, generator=g) < 0.1)  # sparse-ish repetition penalties
    return rewards, mask


def check_batched_returns_against_references(batch):
    rewards, mask = batch
    small_r, small_m = rewards[:4, :2048].double(), mask[:4, :2048]
    fast = batched_discounted_returns(small_r, small_m, GAMMAS)
    loop = returns_python_loop(small_r.tolist(), small_m.tolist(), GAMMAS)
    np.testing.assert_allclose(fast.numpy(), np.array(loop), rtol=1e-12, atol=1e-12)
    for b in range(4):
        n = int(small_m[b].sum())
        np.testing.assert_allclose(fast[b, :n].numpy(), discounted_returns(small_r[b, :n].numpy(), GAMMAS), rtol=1e-12)


def test_bench_batched_returns_b512_t16k_m2(benchmark, batch):
    check_batched_returns_against_references(batch)
    rewards, mask = batch
    out = benchmark.pedantic(batched_discounted_returns, args=(rewards, mask, GAMMAS), rounds=3, iterations=1)
    assert out.shape == (B, T) and not out[~mask].any()
    fast = benchmark.stats.stats.min
    # The Python loop over all 512 x 16384 x 2 elements would take minutes: time it on B = 4 and extrapolate linearly
    # per element (the loop's cost is exactly proportional to B * T * M).
    small_r, small_m = rewards[:4].tolist(), mask[:4].tolist()
    loop_small = _best_of(lambda: returns_python_loop(small_r, small_m, GAMMAS), 3)
    loop_full = loop_small * B / 4
    print(f"\n[batched_discounted_returns] B={B} T={T} M={M} float32, 1 thread: {fast * 1e3:.0f} ms (min of 3); "
          f"Python-loop reference {loop_small * 1e3:.0f} ms on B=4 (best of 3), extrapolated x{B // 4} to B={B}: "
          f"{loop_full:.1f} s -> {loop_full / fast:.1f}x faster")
