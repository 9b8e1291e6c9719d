"""Repetition penalties: the paper's dense token-level one (App. C.2, Algorithm 1) and the sparse word-level one.

The paper trains with the **dense** penalty (official ``RepetitionDensePenalty``, URL ``math_rule_repetition_dense``):
over *token ids*, every token of every repeated N-gram occurrence after the first is *set* (not summed) to P, with
N = 40 and P = -0.05 (``settings.REPETITION_DEFAULT``). The sparse word-level ``get_repetition_penalty`` is the function
huggingface/open-r1 first copied by mistake (open-r1 #276); it is kept here only for comparison.

:func:`repeated_ngram_mask` is the one implementation of "which tokens sit in a repeated N-gram"; the dense penalty
is ``penalty * mask`` and the ``repetition_ratio`` metric reuses the same mask.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

__all__ = [
    "repeated_ngram_mask",
    "dense_repetition_penalty",
    "dense_repetition_penalty_batch",
    "sparse_repetition_penalty",
]

_MASK64 = (1 << 64) - 1
# A fixed odd base keeps results reproducible run to run; odd makes it invertible modulo 2**64 (see _window_hashes).
_BASE = 0x9E3779B97F4A7C15


def _as_token_array(tokens) -> np.ndarray:
    if isinstance(tokens, torch.Tensor):
        tokens = tokens.detach().cpu().numpy()
    arr = np.asarray(tokens)
    if arr.ndim != 1:
        raise ValueError(f"tokens must be 1-D, got shape {arr.shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"tokens must be integer token ids, got dtype {arr.dtype}")
    return arr.astype(np.int64, copy=False)


def _powers(base: int, count: int) -> np.ndarray:
    """[base**0, base**1, ..., base**(count-1)] modulo 2**64, by doubling (log2(count) vectorised steps)."""
    out = np.ones(max(count, 1), dtype=np.uint64)
    filled, step = 1, base
    while filled < count:
        take = min(filled, count - filled)
        out[filled : filled + take] = out[:take] * np.uint64(step)
        filled += take
        step = (step * step) & _MASK64
    return out[:count]


def _window_hashes(tokens: np.ndarray, n: int, base: int) -> np.ndarray:
    """Polynomial hash of every length-n window, sum_k t[j+k] * base**-k mod 2**64, in O(T) numpy work.

    A prefix sum of t[k] * base**-k (the inverse exists because the base is odd) turns each window into one
    subtraction and one multiply, so no per-window loop and no (T, n) array is ever built. uint64 arithmetic wraps,
    which *is* the reduction modulo 2**64.
    """
    t = tokens.view(np.uint64)
    T = t.size
    inv = pow(base, -1, 1 << 64)
    weighted = t * _powers(inv, T)
    prefix = np.concatenate([np.zeros(1, dtype=np.uint64), np.cumsum(weighted, dtype=np.uint64)])
    window_sums = prefix[n:] - prefix[: T - n + 1]  # sum_k t[j+k] * inv**(j+k)
    return window_sums * _powers(base, T - n + 1)  # shift window j back to weights inv**0 .. inv**(n-1)


def _repeated_starts_exact(tokens: np.ndarray, n: int) -> np.ndarray:
    """Algorithm 1 as written, on tuples. Only reached after a hash collision; O(T * n)."""
    seen: set[tuple[int, ...]] = set()
    starts = np.zeros(tokens.size - n + 1, dtype=bool)
    seq = tokens.tolist()
    for j in range(tokens.size - n + 1):
        ng = tuple(seq[j : j + n])
        if ng in seen:
            starts[j] = True
        seen.add(ng)
    return starts


def _first_occurrence(hashes: np.ndarray) -> np.ndarray:
    """For each window, the index of the earliest window with the same hash."""
    W = hashes.size
    order = np.argsort(hashes, kind="stable")  # stable: the head of each equal-hash group is its earliest window
    sorted_h = hashes[order]
    is_head = np.ones(W, dtype=bool)
    is_head[1:] = sorted_h[1:] != sorted_h[:-1]
    head = np.maximum.accumulate(np.where(is_head, np.arange(W), 0))
    first = np.empty(W, dtype=np.int64)
    first[order] = order[head]
    return first


def _candidates_verified(tokens: np.ndarray, n: int, candidates: np.ndarray, first: np.ndarray) -> bool:
    """True iff window j equals window first[j], token for token, for every candidate j.

    Repetition comes in runs: consecutive candidates j0..j1 that repeat at the same distance d. The whole run holds
    iff t[p] == t[p - d] for p in [j0, j1 + n), one contiguous comparison, so the check costs O(#candidates + n * #runs)
    instead of O(n * #candidates).
    """
    if candidates.size == 0:
        return True
    d = candidates - first[candidates]
    new_run = np.ones(candidates.size, dtype=bool)
    new_run[1:] = (np.diff(candidates) != 1) | (np.diff(d) != 0)
    run_starts = np.flatnonzero(new_run)
    run_lasts = np.append(run_starts[1:], candidates.size) - 1
    j0, span, dist = candidates[run_starts], candidates[run_lasts] - candidates[run_starts] + n, d[run_starts]
    offsets = np.cumsum(span) - span  # where each run's positions begin in the concatenation
    pos = np.arange(span.sum()) + np.repeat(j0 - offsets, span)  # concatenated ranges [j0, j0 + span)
    return bool(np.array_equal(tokens[pos], tokens[pos - np.repeat(dist, span)]))


def _repeated_starts(tokens: np.ndarray, n: int) -> np.ndarray:
    """Boolean per window start: True where the same n-gram already started at an earlier index."""
    first = _first_occurrence(_window_hashes(tokens, n, _BASE))
    starts = first != np.arange(first.size)
    # Hashes can collide. A candidate counts only if its window equals its group's first window token for token; if
    # every candidate passes, each hash group is a single n-gram and the answer is exact. Otherwise (never seen in
    # practice with a 64-bit hash) fall back to the tuple algorithm rather than return an approximate mask.
    if not _candidates_verified(tokens, n, np.flatnonzero(starts), first):
        return _repeated_starts_exact(tokens, n)
    return starts


def repeated_ngram_mask(tokens, ngram_size: int) -> np.ndarray:
    """True on every token covered by an occurrence of an N-gram that already occurred earlier (Algorithm 1).

    Windows are the ``len(tokens) - N + 1`` overlapping N-grams of token ids. The first occurrence of each N-gram is
    never marked; every later occurrence marks all N of its tokens. Overlapping occurrences are fine (a run of one
    token repeated N+1 times marks tokens 1..N). Sequences shorter than N give all False.

    Runs in O(T log T) numpy work (rolling hashes, one sort of T hashes, an exact check of the repeats against their
    first occurrence) instead of building the T tuples of N tokens that the official
    ``zip(*[tokens[i:] for i in range(N)])`` makes. The result is exact, not probabilistic: a hash collision is
    detected by the check and answered by the plain tuple algorithm.

    >>> repeated_ngram_mask([1, 2, 3, 1, 2, 3, 4], 2).astype(int).tolist()  # (1,2) and (2,3) start again at 3 and 4
    [0, 0, 0, 1, 1, 1, 0]
    >>> repeated_ngram_mask([7, 7, 7, 7], 2).astype(int).tolist()
    [0, 1, 1, 1]
    """
    if ngram_size < 1:
        raise ValueError(f"ngram_size must be >= 1, got {ngram_size}")
    t = _as_token_array(tokens)
    T = t.size
    mask = np.zeros(T, dtype=bool)
    if T < ngram_size:
        return mask
    starts = np.flatnonzero(_repeated_starts(t, ngram_size))
    # Interval cover by a difference array: +1 at each start, -1 N later; a token is covered where the sum is > 0.
    diff = np.bincount(starts, minlength=T + 1) - np.bincount(starts + ngram_size, minlength=T + 1)
    mask[:] = np.cumsum(diff[:T]) > 0
    return mask


def _check_penalty(penalty: float) -> None:
    if not penalty < 0:
        # Mirrors the official constructor: a non-negative "penalty" is almost always a sign error.
        raise ValueError(f"penalty must be negative, got {penalty}")


def dense_repetition_penalty(tokens, ngram_size: int = 40, penalty: float = -0.05, *, dtype=np.float64) -> np.ndarray:
    """Dense per-token N-gram repetition penalty (paper App. C.2, Algorithm 1; N = 40, P = -0.05 in all scripts).

    ``r[t] = P`` if token t lies in a repeated N-gram occurrence after the first (:func:`repeated_ngram_mask`), else 0.
    The value is *assigned*, not accumulated: a token inside several repeated occurrences still gets exactly P.
    Works on token ids of the generated part only (official: ``output_ids[:gen_len]``). It enters the return with
    its own discount, gamma_p = 0.99 by default (:func:`suite.rewards.discounted_returns`).

    >>> dense_repetition_penalty([5, 6, 5, 6, 9], ngram_size=2, penalty=-0.5).tolist()
    [0.0, 0.0, -0.5, -0.5, 0.0]
    """
    _check_penalty(penalty)
    return np.where(repeated_ngram_mask(tokens, ngram_size), penalty, 0.0).astype(dtype)


def dense_repetition_penalty_batch(
    token_ids, lengths: Sequence[int] | np.ndarray | torch.Tensor, ngram_size: int = 40, penalty: float = -0.05
) -> np.ndarray:
    """:func:`dense_repetition_penalty` for a right-padded batch: ``token_ids`` (B, T), ``lengths`` (B,).

    Row b is penalised on ``token_ids[b, :lengths[b]]`` only (padding never forms n-grams); entries at and beyond
    ``lengths[b]`` are 0. Returns float32 (B, T), the dtype PPO rewards use.

    >>> dense_repetition_penalty_batch([[1, 2, 1, 2, 0], [3, 3, 3, 3, 3]], [4, 2], ngram_size=2, penalty=-1.0).tolist()
    [[0.0, 0.0, -1.0, -1.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0]]
    """
    _check_penalty(penalty)
    if isinstance(token_ids, torch.Tensor):
        token_ids = token_ids.detach().cpu().numpy()
    ids = np.asarray(token_ids)
    if ids.ndim != 2:
        raise ValueError(f"token_ids must be (B, T), got shape {ids.shape}")
    if isinstance(lengths, torch.Tensor):
        lengths = lengths.detach().cpu().numpy()
    lens = np.asarray(lengths, dtype=np.int64).reshape(-1)
    if lens.size != ids.shape[0]:
        raise ValueError(f"lengths has {lens.size} entries for a batch of {ids.shape[0]}")
    if (lens < 0).any() or (lens > ids.shape[1]).any():
        raise ValueError(f"lengths must lie in [0, {ids.shape[1]}], got {lens.tolist()}")
    out = np.zeros(ids.shape, dtype=np.float32)
    for b, n in enumerate(lens.tolist()):
        out[b, :n] = np.where(repeated_ngram_mask(ids[b, :n], ngram_size), np.float32(penalty), np.float32(0.0))
    return out


def sparse_repetition_penalty(text: str, ngram_size: int, max_penalty: float) -> float:
    """Sparse word-level repetition penalty (official ``get_repetition_penalty``; NOT the one the paper trains with).

    ``words = text.lower().split()``; with the ``len(words) - N + 1`` word N-grams,
    ``(1 - |unique N-grams| / |N-grams|) * max_penalty``.

    Deviation: the official code divides by zero when there are fewer words than ``ngram_size``; this returns 0.0.

    >>> sparse_repetition_penalty("a b a b", 2, -1.0)  # 3 bigrams, 2 unique
    -0.33333333333333337
    >>> sparse_repetition_penalty("too short", 3, -1.0)
    0.0
    """
    if ngram_size < 1:
        raise ValueError(f"ngram_size must be >= 1, got {ngram_size}")
    words = text.lower().split()
    if len(words) < ngram_size:
        return 0.0
    ngrams = list(zip(*[words[i:] for i in range(ngram_size)]))
    scaling = 1 - len(set(ngrams)) / len(ngrams)
    return float(scaling * max_penalty)
